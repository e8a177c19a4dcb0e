"""stripe: one spatial frequency changing between frames across the view (> 6 grey levels)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis.registry import plan_checks

MULTI_FRAME_KINDS = ["indoor", "outdoor", "night", "static_noisy"]


def rolling_bars(
    frames: list[np.ndarray], amplitude: float, period: float, slope: float = 0.0
) -> list[np.ndarray]:
    """Interference bars added to ``frames``, drifting 2.5 rad of phase per frame."""
    height, width = frames[0].shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    base = (yy + slope * xx) * (2 * np.pi / period)
    out = []
    for i, frame in enumerate(frames):
        wave = amplitude * np.sin(base + 2.5 * i)[..., None]
        out.append(np.clip(frame.astype(np.float32) + wave, 0, 255).astype(np.uint8))
    return out


def shifted(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    matrix = np.float32([[1, 0, dx], [0, 1, dy]])
    height, width = image.shape[:2]
    return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)


def brick_wall(width: int = 640, height: int = 360) -> np.ndarray:
    """Staggered bricks: dark mortar lines every 16 px down and every 48 px across."""
    wall = np.full((height, width, 3), (70, 80, 150), np.uint8)
    for row, y in enumerate(range(0, height, 16)):
        cv2.line(wall, (0, y), (width, y), (200, 200, 200), 3)
        for x in range(24 * (row % 2), width, 48):
            cv2.line(wall, (x, y), (x, y + 16), (200, 200, 200), 3)
    return wall


def blinds(width: int = 640, height: int = 360) -> np.ndarray:
    """Venetian blinds: bright and dark slats, 12 px per cycle, over the whole view."""
    yy = np.arange(height, dtype=np.float32)[:, None]
    slats = 128 + 90 * np.sign(np.sin(yy * 2 * np.pi / 12)) * np.ones((1, width), np.float32)
    return np.repeat(np.clip(slats, 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def live(image: np.ndarray, count: int = 5, jitter: float = 0.5) -> list[np.ndarray]:
    """``image`` through a slightly vibrating live camera: sub-pixel shifts, fresh noise."""
    rng = np.random.default_rng(3)
    return [
        scenes.with_noise(shifted(image, *rng.uniform(-jitter, jitter, 2)), 2.0, seed=i)
        for i in range(count)
    ]


@pytest.mark.parametrize("kind", MULTI_FRAME_KINDS)
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("stripe", scenes.healthy_kinds()[kind])
    assert (result.status, result.score) == ("normal", 100)
    assert result.value < 1
    assert result.message.startswith("no interference stripes")


@pytest.mark.parametrize("texture", [brick_wall, blinds], ids=["brick", "blinds"])
def test_a_periodic_scene_is_not_interference(check: Evaluate, texture) -> None:
    assert check("stripe", live(texture(), jitter=0.25)).status == "normal"


def test_a_striped_object_moving_through_one_part_is_not_interference(check: Evaluate) -> None:
    background = scenes.scene()
    pattern = blinds(120, 100)
    frames = []
    for i in range(5):
        frame = background.copy()
        x = 20 + 30 * i
        frame[20:120, x : x + 120] = pattern
        frames.append(scenes.with_noise(frame, 1.5, seed=i))
    assert check("stripe", frames).status == "normal"


@pytest.mark.parametrize("kind", MULTI_FRAME_KINDS)
@pytest.mark.parametrize("slope", [0.0, 0.5, -1.0])
def test_rolling_bars_are_found(check: Evaluate, kind: str, slope: float) -> None:
    frames = rolling_bars(list(scenes.healthy_kinds()[kind]), 18.0, 20.0, slope)
    result = check("stripe", frames)
    assert result.status in ("error", "critical")
    assert result.value == pytest.approx(18.0 * np.sin(1.25), rel=0.3)
    assert result.facts["period"] == pytest.approx(20.0 / np.hypot(1.0, slope), rel=0.1)
    assert result.message.startswith("interference stripes across the picture")


def test_bars_on_a_brick_wall_are_found(check: Evaluate) -> None:
    frames = rolling_bars(live(brick_wall()), 18.0, 16.0)
    assert check("stripe", frames).status in ("error", "critical")


def test_bars_on_an_hd_picture_are_found(check: Evaluate) -> None:
    frames = [scenes.with_noise(scenes.scene(1280, 720, seed=5), 2.0, seed=i) for i in range(3)]
    assert check("stripe", rolling_bars(frames, 25.0, 40.0)).status in ("error", "critical")


def test_faint_bars_are_a_warning_not_an_error(check: Evaluate) -> None:
    frames = rolling_bars(list(scenes.healthy_kinds()["indoor"]), 8.0, 14.0)
    assert check("stripe", frames).status == "warning"


def test_one_frame_is_not_assessed(check: Evaluate) -> None:
    result = check("stripe", scenes.healthy_kinds()["indoor"][:1])
    assert result.code == "not_assessed"


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frames = rolling_bars(list(scenes.healthy_kinds()["indoor"]), 8.0, 14.0)
    assert check("stripe", frames, {"good_amplitude": 10, "max_amplitude": 20}).status == "normal"


@pytest.mark.parametrize(
    "bad",
    [{"good_amplitude": 8, "max_amplitude": 6}, {"min_share": 0}, {"min_share": 1.5}],
)
def test_inconsistent_thresholds_are_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="stripe"):
        plan_checks(["stripe"], {"stripe": bad})


def test_a_resolution_change_within_the_window_is_handled(check: Evaluate) -> None:
    frames = [scenes.scene(640, 360), scenes.scene(1280, 1024)]  # the stream switched mid-way
    assert check("stripe", frames).status == "normal"
