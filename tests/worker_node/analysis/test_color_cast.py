"""color_cast: the largest channel-mean deviation against 65 (the old 20 false-alarms)."""

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


def _without(image: np.ndarray, channel: int) -> np.ndarray:
    """A lost colour channel (a broken cable core): 0 blue, 1 green, 2 red."""
    out = image.copy()
    out[:, :, channel] = 0
    return out


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy", "hd_indoor"])
def test_lost_red_channel_reads_cyan(check: Evaluate, kind: str) -> None:
    result = check("color_cast", [_without(f, 2) for f in scenes.healthy_kinds()[kind]])
    assert result.status in ("warning", "error")
    assert result.threshold == 65
    assert result.message.startswith("cyan colour cast: deviation")


def test_lost_blue_channel_reads_yellow(check: Evaluate) -> None:
    result = check("color_cast", [_without(f, 0) for f in scenes.moving(3)])
    assert result.status == "error"
    assert result.message.startswith("yellow colour cast")


def test_moderate_red_cast(check: Evaluate) -> None:
    result = check("color_cast", [_gains(frame, 0.5, 0.9, 1.5) for frame in scenes.moving(3)])
    assert result.status == "warning"
    assert result.message.startswith("red colour cast")


def test_a_warm_scene_is_not_a_cast(check: Evaluate) -> None:
    # Scenes mostly of one colour (a brown room, a cat) read like this: never an alarm.
    result = check("color_cast", [_gains(frame, 0.6, 1.0, 1.3) for frame in scenes.moving(3)])
    assert result.status == "normal"
    assert result.value > 40


def test_grey_picture_has_no_cast(check: Evaluate) -> None:
    result = check("color_cast", [np.full((90, 160, 3), 77, np.uint8)])
    assert (result.status, result.score, result.value) == ("normal", 100, 0)


def test_task_threshold_overrides_the_default(check: Evaluate) -> None:
    frame = _shift(scenes.scene(), -10, -10, 30)
    assert check("color_cast", [frame]).status == "normal"
    assert check("color_cast", [frame], {"max_deviation": 20}).status != "normal"
