"""freeze: identical frames over the window; noise, clocks and motion are life."""

from __future__ import annotations

import numpy as np

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate


def test_moving_scene_is_normal(check: Evaluate) -> None:
    result = check("freeze", scenes.moving(5))
    assert result.status == "normal"
    assert result.score == 100
    assert result.value > 1


def test_bit_identical_frames_are_frozen(check: Evaluate) -> None:
    result = check("freeze", scenes.frozen(5), offsets=[0, 0.5, 1, 1.5, 2])
    assert result.status == "critical"
    assert result.value == 0
    assert result.message == "frozen: 5 frames over 2.0 s are identical"


def test_nearly_identical_frames_are_frozen(check: Evaluate) -> None:
    rng = np.random.default_rng(5)
    frames = scenes.frozen(4)
    for frame in frames[1:]:  # a few pixels off by one, as after a re-encode
        ys, xs = rng.integers(0, 360, 300), rng.integers(0, 640, 300)
        frame[ys, xs] = np.clip(frame[ys, xs].astype(int) + 2, 0, 255).astype(np.uint8)
    result = check("freeze", frames)
    assert result.status == "critical"
    assert 0 < result.value <= 0.1
    assert "nearly identical" in result.message


def test_static_scene_with_sensor_noise_is_not_frozen(check: Evaluate) -> None:
    result = check("freeze", scenes.static_noisy(5, sigma=0.5))
    assert result.status == "normal"
    assert result.score == 100


def test_static_scene_with_ticking_clock_is_not_frozen(check: Evaluate) -> None:
    result = check("freeze", scenes.ticking_clock(5))
    assert result.status == "normal"
    assert result.value < 0.1  # the mean difference alone would call it frozen


def test_some_repeated_frames_lower_the_score_only(check: Evaluate) -> None:
    moving = scenes.moving(4)
    result = check("freeze", [moving[0], moving[0], *moving[1:]])
    assert result.status == "normal"
    assert result.score == 92.5
    assert "1 of 4 intervals unchanged" in result.message


def test_one_frame_is_not_assessed(check: Evaluate) -> None:
    result = check("freeze", scenes.frozen(1))
    assert result.status == "warning"
    assert result.value is None
    assert result.message == "not assessed: needs 2 frames, got 1"


def test_a_resolution_change_is_not_a_freeze(check: Evaluate) -> None:
    frame = scenes.scene()
    result = check("freeze", [frame, frame[:, :320].copy()])
    assert result.status == "normal"


def test_thresholds_can_ignore_local_changes(check: Evaluate) -> None:
    # e.g. a site whose cameras burn in a clock that keeps ticking when the picture freezes
    result = check("freeze", scenes.ticking_clock(3), {"max_pixel_diff": 255, "max_mean_diff": 0.5})
    assert result.status == "critical"
    assert "nearly identical" in result.message
