"""shake: median phase-correlation shift between sampled frames, in px of a 480-px picture."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis import plan_checks

Image = np.ndarray


def _shifted(image: Image, dx: float, dy: float, angle: float = 0.0) -> Image:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    matrix[:, 2] += (dx, dy)
    return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)


def _shaken(base: Image, amplitude_480: float, count: int = 5, seed: int = 0) -> list[Image]:
    """A camera jumping by up to ``amplitude_480`` px (of a 480-px-wide picture) per frame."""
    rng = np.random.default_rng(seed)
    amplitude = amplitude_480 * base.shape[1] / 480
    frames = []
    for i in range(count):
        dx, dy = rng.uniform(-amplitude, amplitude, 2)
        angle = float(rng.uniform(-1, 1)) * amplitude_480 / 10
        frames.append(scenes.with_noise(_shifted(base, dx, dy, angle), 2.0, seed=i))
    return frames


def _walking(base: Image, count: int = 5) -> list[Image]:
    """A steady camera; a person-sized figure walks across, 60 px per frame."""
    height, width = base.shape[:2]
    frames = []
    for i in range(count):
        frame = base.copy()
        x = int(width * 0.2 + 60 * i)
        cv2.ellipse(frame, (x, height // 2), (35, 65), 0, 0, 360, (200, 90, 220), -1)
        cv2.ellipse(frame, (x, height // 2 - 85), (18, 22), 0, 0, 360, (70, 90, 130), -1)
        frames.append(scenes.with_noise(frame, 2.0, seed=i))
    return frames


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "night", "static_noisy"])
def test_healthy_scenes_are_steady(check: Evaluate, kind: str) -> None:
    result = check("shake", scenes.healthy_kinds()[kind])
    assert (result.status, result.score) == ("normal", 100)
    assert result.value < 1.0
    assert result.message.startswith("camera steady")


@pytest.mark.parametrize("base", [scenes.scene(), scenes.outdoor(), scenes.night()])
def test_sub_pixel_jitter_of_a_mounted_camera_is_steady(check: Evaluate, base: Image) -> None:
    frames = [
        scenes.with_noise(_shifted(base, 0.6 * np.sin(i), 0.6 * np.cos(i)), 2.0, seed=i)
        for i in range(5)
    ]
    assert check("shake", frames).status == "normal"


@pytest.mark.parametrize("base", [scenes.scene(), scenes.outdoor(), scenes.night()])
def test_a_person_walking_through_is_not_shake(check: Evaluate, base: Image) -> None:
    result = check("shake", _walking(base))
    assert result.status == "normal", result.message


def test_a_frozen_picture_is_not_shake(check: Evaluate) -> None:
    result = check("shake", scenes.frozen(5))
    assert (result.status, result.value) == ("normal", 0.0)


@pytest.mark.parametrize("base", [scenes.scene(), scenes.outdoor(), scenes.night()])
@pytest.mark.parametrize("amplitude", [9.0, 22.0])
def test_a_shaking_camera_fires(check: Evaluate, base: Image, amplitude: float) -> None:
    result = check("shake", _shaken(base, amplitude))
    assert result.status != "normal", result.message
    assert result.value > 4
    assert result.message.startswith("camera shaking")


def test_the_shift_is_measured_in_pixels_of_a_480_px_picture(check: Evaluate) -> None:
    small = scenes.scene(480, 270)
    large = scenes.scene(1920, 1080)
    steps = [(0, 0), (6, 0), (0, 0), (6, 0), (0, 0)]
    small_value = check("shake", [_shifted(small, dx, dy) for dx, dy in steps]).value
    large_value = check("shake", [_shifted(large, dx * 4, dy * 4) for dx, dy in steps]).value
    assert small_value == pytest.approx(6.0, abs=0.5)
    assert large_value == pytest.approx(6.0, abs=0.5)


def test_two_frames_are_not_enough(check: Evaluate) -> None:
    result = check("shake", _shaken(scenes.scene(), 22.0, count=2))
    assert result.code == "not_assessed"


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frames = _shaken(scenes.scene(), 9.0)
    assert check("shake", frames, {"good_shift": 40, "max_shift": 80}).status == "normal"


def test_bad_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="good_shift < max_shift"):
        plan_checks(["shake"], {"shake": {"good_shift": 5, "max_shift": 4}})


@pytest.mark.parametrize("base", [scenes.scene(), scenes.outdoor()])
def test_an_even_pan_is_motion_not_shake(check: Evaluate, base: Image) -> None:
    # a PTZ camera panning (or a scrolling test card): the same 12-px step every interval
    step = 12.0 * base.shape[1] / 480
    frames = [scenes.with_noise(_shifted(base, i * step, 0), 2.0, seed=i) for i in range(5)]
    result = check("shake", frames)
    assert result.status == "normal", result.message
    # the same steps back and forth are shake
    frames = [scenes.with_noise(_shifted(base, (i % 2) * step, 0), 2.0, seed=i) for i in range(5)]
    assert check("shake", frames).status != "normal"
