"""clarity: edge sharpness of the sharpest part of the picture (< 44 % blurred, ≥ 100 % sharp)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis import FrameContext
from worker_node.analysis.checks.clarity import sharpness


def test_sharp_scene_is_normal(check: Evaluate) -> None:
    result = check("clarity", scenes.moving(2))
    assert result.status == "normal"
    assert result.score == 100
    assert result.value > 100


def test_blurred_scene_is_critical(check: Evaluate) -> None:
    result = check("clarity", [scenes.blurred(scenes.scene(), 4.0)] * 2)
    assert result.status == "critical"
    assert result.value < 20
    assert result.threshold == 44
    assert result.message.startswith("blurred or out of focus")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "night", "static_noisy", "hd_indoor"])
def test_healthy_cameras_are_normal(check: Evaluate, kind: str) -> None:
    assert check("clarity", scenes.healthy_kinds()[kind]).status == "normal"


def test_camera_blur_with_sensor_noise_is_found(check: Evaluate) -> None:
    # the VQD benchmark's moderate fault: σ 2.5 px at 480×270, then sensor noise
    frames = [
        scenes.with_noise(scenes.blurred(scenes.scene(480, 270, seed=i), 2.5), 3.0, i)
        for i in range(3)
    ]
    assert check("clarity", frames).status != "normal"


def _sky_over_town() -> np.ndarray:
    """Two thirds smooth sky (a gradient with sensor noise) over a sharp street."""
    image = scenes.outdoor()
    rows = image.shape[0] * 2 // 3
    fade = np.linspace(0.0, 1.0, rows, dtype=np.float32)[:, None, None]
    sky = np.array([230, 180, 120], np.float32) * (1 - fade) + np.array([200, 190, 160]) * fade
    image[:rows] = sky.astype(np.uint8)
    return scenes.with_noise(image, 1.5, 3)


def test_mostly_sky_is_not_blur(check: Evaluate) -> None:
    frame = _sky_over_town()
    # the whole-frame Laplacian variance, the old measure, calls this blurred (< 100)
    assert cv2.Laplacian(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var() < 100
    assert check("clarity", [frame]).status == "normal"


def test_sharp_subject_on_a_blurred_background_is_normal(check: Evaluate) -> None:
    sharp = scenes.with_noise(scenes.scene(seed=4), 1.5, 1)
    frame = scenes.blurred(sharp, 5.0)
    frame[120:240, 240:400] = sharp[120:240, 240:400]  # a sixth of the view in focus
    assert check("clarity", [frame]).status == "normal"
    assert check("clarity", [scenes.blurred(sharp, 5.0)]).status != "normal"


def test_low_contrast_detail_in_focus_is_not_blur(check: Evaluate) -> None:
    # sharpness is judged against each edge's own contrast: a faint, sharp texture is sharp
    faint = (scenes.scene(seed=6).astype(np.float32) * 0.35 + 80).astype(np.uint8)
    frame = scenes.with_noise(faint, 1.0, 2)
    assert check("clarity", [frame]).status == "normal"
    assert check("clarity", [scenes.blurred(frame, 2.5)]).status != "normal"


def test_blur_a_downscale_would_hide_is_still_found(check: Evaluate) -> None:
    # σ = 2 px at 1080p is half a pixel at 480 px wide: invisible there, obvious on a monitor.
    frame = scenes.with_noise(scenes.blurred(scenes.scene(1920, 1080, seed=3), 2.0), 1.0, 1)
    assert check("clarity", [frame]).status != "normal"


@pytest.mark.parametrize("sigma", [0.0, 1.0, 2.0])
def test_tiles_estimate_the_full_resolution_value(sigma: float) -> None:
    frame = scenes.scene(1920, 1080, seed=3)
    if sigma:
        frame = scenes.blurred(frame, sigma)
    full = sharpness([cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)])
    estimate = sharpness(FrameContext([frame]).native_tiles[0])
    assert estimate == pytest.approx(full, rel=0.25)


def test_large_sources_cost_no_more_than_the_downscale() -> None:
    tiles = FrameContext([scenes.scene(1920, 1080)]).native_tiles[0]
    assert len(tiles) == 16
    assert sum(tile.size for tile in tiles) <= 1.1 * 480 * 270


def test_small_sources_use_the_whole_frame() -> None:
    frame = scenes.scene(320, 240)
    [tile] = FrameContext([frame]).native_tiles[0]
    assert tile.shape == (240, 320)


def test_flat_picture_scores_zero(check: Evaluate) -> None:
    result = check("clarity", [np.full((240, 320, 3), 128, np.uint8)])
    assert result.score == 0
    assert result.value == 0


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frame = scenes.blurred(scenes.scene(), 1.5)
    value = check("clarity", [frame]).value
    assert (
        check("clarity", [frame], {"min_sharpness": value * 2, "good_sharpness": value * 4}).status
        != "normal"
    )
    assert (
        check("clarity", [frame], {"min_sharpness": value / 4, "good_sharpness": value / 2}).score
        == 100
    )


def test_bad_thresholds_are_refused(check: Evaluate) -> None:
    with pytest.raises(ValueError, match="min_sharpness < good_sharpness"):
        check("clarity", scenes.moving(1), {"min_sharpness": 50, "good_sharpness": 40})
