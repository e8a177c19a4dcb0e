"""brightness: mean grey against 30–220."""

from __future__ import annotations

import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate


def test_healthy_scene_is_normal(check: Evaluate) -> None:
    result = check("brightness", scenes.moving(3))
    assert result.status == "normal"
    assert result.score >= 90
    assert 100 < result.value < 150
    assert result.message.startswith("brightness normal")


def test_dark_scene(check: Evaluate) -> None:
    result = check("brightness", [scenes.dark(scenes.scene())] * 3)
    assert result.status in ("warning", "error")
    assert result.value == pytest.approx(12, abs=1.5)
    assert result.threshold == 30
    assert result.message.startswith("too dark: mean grey 12")


def test_nearly_black_is_critical(check: Evaluate) -> None:
    result = check("brightness", [scenes.dark(scenes.scene(), 0.04)])
    assert result.status == "critical"


def test_overexposed_scene(check: Evaluate) -> None:
    result = check("brightness", [scenes.bright(scenes.scene())])
    assert result.status != "normal"
    assert result.threshold == 220
    assert result.message.startswith("too bright")


@pytest.mark.parametrize(
    ("grey", "status"),
    [
        (30, "normal"),
        (29, "warning"),
        (20, "warning"),
        (19, "error"),
        (9, "critical"),
        (220, "normal"),
        (221, "warning"),
    ],
)
def test_bands_around_the_limits(check: Evaluate, grey: int, status: str) -> None:
    flat = np.full((90, 160, 3), grey, np.uint8)
    assert check("brightness", [flat]).status == status


def test_median_over_frames_ignores_one_odd_frame(check: Evaluate) -> None:
    frames = scenes.moving(5)
    frames[2] = scenes.dark(frames[2], 0.05)
    assert check("brightness", frames).status == "normal"


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    result = check("brightness", [scenes.scene()], {"min_mean": 150, "max_mean": 240})
    assert result.status != "normal"
    assert result.message.endswith("(normal 150–240)")
