"""color_cast: the largest channel-mean deviation against 20."""

from __future__ import annotations

import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate


def _gains(image: np.ndarray, blue: float, green: float, red: float) -> np.ndarray:
    scaled = image.astype(np.float32) * np.array([blue, green, red], np.float32)
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _shift(image: np.ndarray, blue: float, green: float, red: float) -> np.ndarray:
    shifted = image.astype(np.float32) + np.array([blue, green, red], np.float32)
    return np.clip(shifted, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("color_cast", scenes.healthy_kinds()[kind])
    assert result.status == "normal"
    assert result.value < 17
    assert result.message.startswith("colour balance normal")


def test_strong_red_cast(check: Evaluate) -> None:
    frames = [_shift(frame, -20, -20, 45) for frame in scenes.moving(3)]
    result = check("color_cast", frames)
    assert result.status in ("error", "critical")
    assert result.threshold == 20
    assert result.message.startswith("red colour cast: channel deviation")


def test_moderate_green_cast(check: Evaluate) -> None:
    result = check("color_cast", [_gains(frame, 0.85, 1.2, 0.85) for frame in scenes.moving(3)])
    assert result.status == "warning"
    assert result.message.startswith("green colour cast")


def test_missing_blue_reads_yellow(check: Evaluate) -> None:
    result = check("color_cast", [_gains(scenes.scene(), 0.55, 1.0, 1.0)])
    assert result.status != "normal"
    assert result.message.startswith("yellow colour cast")


def test_cast_on_a_night_scene(check: Evaluate) -> None:
    result = check("color_cast", [_shift(scenes.night(), 0, -5, 40)])
    assert result.status != "normal"


def test_grey_picture_has_no_cast(check: Evaluate) -> None:
    result = check("color_cast", [np.full((90, 160, 3), 77, np.uint8)])
    assert (result.status, result.score, result.value) == ("normal", 100, 0)


def test_task_threshold_overrides_the_default(check: Evaluate) -> None:
    frame = _shift(scenes.scene(), 0, 0, 20)
    assert check("color_cast", [frame]).status == "normal"
    assert check("color_cast", [frame], {"max_deviation": 8}).status != "normal"
