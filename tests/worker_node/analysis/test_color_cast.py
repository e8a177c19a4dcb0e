"""color_cast: the tint of the most neutral bright surfaces (Lab chroma at L* 70, limit 15)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate


def _gains(image: np.ndarray, blue: float, green: float, red: float) -> np.ndarray:
    scaled = image.astype(np.float32) * np.array([blue, green, red], np.float32)
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _moderate(blue: float, green: float, red: float) -> tuple[float, float, float]:
    """55 % of a cast's deviation from neutral (the VQD benchmark's moderate severity)."""
    return (1 + (blue - 1) * 0.55, 1 + (green - 1) * 0.55, 1 + (red - 1) * 0.55)


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("color_cast", scenes.healthy_kinds()[kind])
    assert result.status == "normal"
    assert result.value < 13
    assert result.message.startswith("colour balance normal")


def _without(image: np.ndarray, channel: int) -> np.ndarray:
    """A lost colour channel (a broken cable core): 0 blue, 1 green, 2 red."""
    out = image.copy()
    out[:, :, channel] = 0
    return out


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy", "hd_indoor"])
def test_lost_red_channel_reads_cyan(check: Evaluate, kind: str) -> None:
    result = check("color_cast", [_without(f, 2) for f in scenes.healthy_kinds()[kind]])
    assert result.status in ("error", "critical")
    assert result.threshold == 15
    assert result.message.startswith("cyan colour cast: even white and grey surfaces")


def test_lost_blue_channel_reads_yellow(check: Evaluate) -> None:
    result = check("color_cast", [_without(f, 0) for f in scenes.moving(3)])
    assert result.status == "critical"
    assert result.message.startswith("yellow colour cast")


def _room(seed: int = 11) -> list[np.ndarray]:
    """A room of brown and orange furniture against a grey wall, a white door frame, a grey
    floor: most of the view one warm colour, the neutral surfaces few."""
    rng = np.random.default_rng(seed)
    wall = np.full((360, 640, 3), 150, np.float32)
    wall += cv2.GaussianBlur(rng.normal(0, 12, (360, 640)).astype(np.float32), (0, 0), 2)[..., None]
    base = np.clip(wall, 0, 255).astype(np.uint8)
    for _ in range(14):  # most of the view: warm wood and fabric
        x, y = int(rng.integers(0, 560)), int(rng.integers(0, 280))
        colour = tuple(int(rng.integers(lo, hi)) for lo, hi in ((20, 70), (60, 120), (140, 220)))
        cv2.rectangle(base, (x, y), (x + 160, y + 110), colour, -1)
    cv2.rectangle(base, (20, 20), (60, 340), (235, 235, 235), -1)  # white door frame
    cv2.rectangle(base, (0, 330), (640, 360), (110, 110, 110), -1)  # grey floor
    return [scenes.with_noise(base, 1.5, 600 + i) for i in range(3)]


CASTS = [
    ((0.55, 0.8, 1.15), "red"),  # warm white balance
    ((1.2, 0.75, 0.6), "blue"),
    ((0.7, 1.15, 0.7), "green"),
    ((1.1, 0.6, 1.1), "magenta"),  # stuck IR-cut filter
]


@pytest.mark.parametrize(("gains", "tint"), CASTS)
def test_casts_are_found_and_named(check: Evaluate, gains: tuple, tint: str) -> None:
    room = _room()
    assert check("color_cast", [_gains(frame, *gains) for frame in room]).code == f"cast_{tint}"
    result = check("color_cast", [_gains(frame, *_moderate(*gains)) for frame in room])
    assert result.status != "normal"
    assert result.code == f"cast_{tint}"


@pytest.mark.parametrize(("gains", "tint"), CASTS[1:])
def test_casts_outdoors_are_found(check: Evaluate, gains: tuple, tint: str) -> None:
    # (a warm cast turns a blue sky grey: see the module docstring's blind spot)
    street = scenes.healthy_kinds()["outdoor"]
    result = check("color_cast", [_gains(frame, *_moderate(*gains)) for frame in street])
    assert result.status != "normal"


def test_a_warm_scene_is_not_a_cast(check: Evaluate) -> None:
    # Scenes mostly of one colour (a brown room, a cat) keep their whites and greys neutral.
    frames = _room()
    means = np.array(cv2.mean(frames[0])[:3])
    assert means[2] - means.mean() > 20  # the old channel-mean measure sees a red cast
    assert check("color_cast", frames).status == "normal"


def test_grey_picture_has_no_cast(check: Evaluate) -> None:
    result = check("color_cast", [np.full((90, 160, 3), 77, np.uint8)])
    assert (result.status, result.score, result.value) == ("normal", 100, 0)


def test_dark_picture_has_nothing_to_judge(check: Evaluate) -> None:
    result = check("color_cast", [_gains(scenes.scene(), 0.15, 0.1, 0.3)])
    assert result.status == "normal"
    assert result.value == 0


def test_task_threshold_overrides_the_default(check: Evaluate) -> None:
    frames = [_gains(frame, 0.9, 0.97, 1.06) for frame in scenes.moving(3)]  # a slight tint
    assert check("color_cast", frames).status == "normal"
    assert check("color_cast", frames, {"max_chroma": 4}).status != "normal"


def test_bad_threshold_is_refused(check: Evaluate) -> None:
    with pytest.raises(ValueError, match="max_chroma > 0"):
        check("color_cast", scenes.moving(1), {"max_chroma": 0})
