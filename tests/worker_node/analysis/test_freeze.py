"""freeze: identical or merely re-encoded frames; noise, clocks and motion are life."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

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
    result = check("freeze", scenes.ticking_clock(3), {"max_local_diff": 255, "max_mean_diff": 0.5})
    assert result.status == "critical"
    assert "nearly identical" in result.message


def _reencode(frame: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def test_frozen_picture_with_a_key_frame_in_the_window_is_frozen(check: Evaluate) -> None:
    # an H.264 stream of a still image: P-frames repeat it exactly, the next key picture
    # re-quantises it, so one interval differs slightly (spread thinly, no structure)
    still = _reencode(scenes.frozen(1)[0], 80)
    frames = [still, still, still, still, _reencode(scenes.frozen(1)[0], 70)]
    result = check("freeze", frames, offsets=[0, 0.5, 1, 1.5, 2])
    assert result.status == "critical"
    assert result.value > 0.1  # "every interval unchanged" would have called it live
    assert result.code == "reencoded"
    assert "3 of 4 intervals are identical" in result.message


def test_static_scene_with_repeated_frames_is_not_frozen(check: Evaluate) -> None:
    # a 1 fps camera sampled every 0.5 s: every other interval repeats, the rest carry noise
    live = scenes.static_noisy(3, sigma=1.0)
    result = check("freeze", [live[0], live[0], live[1], live[1], live[2]])
    assert result.status == "normal"
    assert result.code == "stutter"


def test_one_real_change_among_repeated_frames_is_not_frozen(check: Evaluate) -> None:
    # repeated frames, then something moves: the stream is alive (it stuttered)
    frames = scenes.frozen(5)
    cv2.circle(frames[-1], (320, 180), 20, (0, 0, 255), -1)
    result = check("freeze", frames)
    assert result.status == "normal"
    assert "3 of 4 intervals unchanged" in result.message


def test_bad_thresholds_are_refused(check: Evaluate) -> None:
    with pytest.raises(ValueError, match="min_unchanged_share"):
        check("freeze", scenes.frozen(3), {"min_unchanged_share": 0})
