"""clarity: Laplacian variance with the old full-resolution meaning (< 100 bad, ≥ 500 sharp)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis import FrameContext
from worker_node.analysis.checks.clarity import laplacian_variance


def test_sharp_scene_is_normal(check: Evaluate) -> None:
    result = check("clarity", scenes.moving(2))
    assert result.status == "normal"
    assert result.score == 100
    assert result.value > 500


def test_blurred_scene_is_critical(check: Evaluate) -> None:
    result = check("clarity", [scenes.blurred(scenes.scene(), 4.0)] * 2)
    assert result.status == "critical"
    assert result.value < 20
    assert result.threshold == 100
    assert result.message.startswith("blurred or out of focus")


@pytest.mark.parametrize("sigma", [0.0, 1.0, 2.0])
def test_tiles_estimate_the_full_resolution_value(sigma: float) -> None:
    frame = scenes.scene(1920, 1080, seed=3)
    if sigma:
        frame = scenes.blurred(frame, sigma)
    full = cv2.Laplacian(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()
    estimate = laplacian_variance(FrameContext([frame]).native_tiles[0])
    assert estimate == pytest.approx(full, rel=0.25)


def test_blur_a_downscale_would_hide_is_still_found(check: Evaluate) -> None:
    # σ = 2 px at 1080p is half a pixel at 480 px wide: invisible there, obvious on a monitor.
    frame = scenes.with_noise(scenes.blurred(scenes.scene(1920, 1080, seed=3), 2.0), 1.0, 1)
    assert check("clarity", [frame]).status != "normal"


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
        check("clarity", [frame], {"min_variance": value * 2, "good_variance": value * 4}).status
        != "normal"
    )
    assert (
        check("clarity", [frame], {"min_variance": value / 4, "good_variance": value / 2}).score
        == 100
    )
