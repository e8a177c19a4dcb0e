"""occlusion: dark, flat cells darker than the rest of the view, against 25 % of it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate


def _blocked(image: np.ndarray, share: float, level: int = 25, seed: int = 0) -> np.ndarray:
    """A dark, out-of-focus blob (a hand or bag) rising from the lower left corner."""
    out = image.copy()
    height, width = out.shape[:2]
    axes = (int(width * share * 1.6), int(height * 1.1))
    cv2.ellipse(out, (0, height), axes, 0, 0, 360, (level, level + 3, level + 6), -1)
    return scenes.with_noise(out, 2.0, seed)


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("occlusion", scenes.healthy_kinds()[kind])
    assert (result.status, result.score) == ("normal", 100)
    assert result.value <= 5
    assert result.message.startswith("view clear")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "hd_indoor"])
def test_a_third_blocked_is_a_warning(check: Evaluate, kind: str) -> None:
    frames = [_blocked(f, 0.3, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])]
    result = check("occlusion", frames)
    assert result.status == "warning"
    assert result.threshold == 25
    assert result.message.startswith("view blocked")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy"])
def test_half_blocked_is_critical(check: Evaluate, kind: str) -> None:
    frames = [_blocked(f, 0.5, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])]
    assert check("occlusion", frames).status == "critical"


def test_bright_sky_is_not_an_occlusion(check: Evaluate) -> None:
    frame = scenes.outdoor()
    frame[: frame.shape[0] // 2] = (235, 200, 170)  # half the view clear, flat sky
    assert check("occlusion", [scenes.with_noise(frame, 1.5, 3)]).status == "normal"


def test_flat_picture_is_left_to_signal_loss(check: Evaluate) -> None:
    assert check("occlusion", [np.full((90, 160, 3), 10, np.uint8)]).status == "normal"


def test_task_threshold_overrides_the_default(check: Evaluate) -> None:
    frame = _blocked(scenes.scene(), 0.3)
    assert check("occlusion", [frame], {"max_percent": 60}).status == "normal"
