"""Sampling recorded media: files on their own clock, spread over the window."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from tests.worker_node.sources.conftest import frame_index
from worker_node.sources import Frame, SourceCancelled, SourceError, grab_frames
from worker_node.sources.sampler import _as_bgr, sample_offsets


@pytest.mark.parametrize(
    ("frames", "window", "expected"),
    [
        (0, 2.0, []),
        (1, 2.0, [0.0]),
        (5, 2.0, [0.0, 0.5, 1.0, 1.5, 2.0]),
        (3, 0.0, [0.0, 0.0, 0.0]),
    ],
)
def test_sample_offsets(frames: int, window: float, expected: list[float]) -> None:
    assert sample_offsets(frames, window) == pytest.approx(expected)


def test_file_frames_are_spread_over_the_window(video_3s: str) -> None:
    got = grab_frames(video_3s, frames=5, window_s=2.0, timeout=5)
    # media time: the first frame at or after each target (frame n is at n / 25 s)
    assert [frame_index(f.image) for f in got] == [0, 13, 25, 38, 50]
    assert [f.offset_s for f in got] == pytest.approx([0.0, 0.52, 1.0, 1.52, 2.0])
    assert all(f.image.shape == (240, 320, 3) and f.image.dtype == np.uint8 for f in got)


def test_window_zero_gives_consecutive_frames(video_3s: str) -> None:
    got = grab_frames(video_3s, frames=3, window_s=0.0, timeout=5)
    assert [frame_index(f.image) for f in got] == [0, 1, 2]


def test_file_shorter_than_window_is_sampled_over_its_length(video_1s: str) -> None:
    got = grab_frames(video_1s, frames=3, window_s=10.0, timeout=5)
    assert [frame_index(f.image) for f in got] == [0, 12, 24]


def test_frames_zero_only_opens(video_1s: str) -> None:
    assert grab_frames(video_1s, frames=0, window_s=2.0, timeout=5) == []


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"cannot open .*nothing\.mp4: no such file"):
        grab_frames(str(tmp_path / "nothing.mp4"), frames=0, window_s=0, timeout=5)


def test_file_that_is_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("not a video at all\n" * 50)
    with pytest.raises(SourceError, match="not a readable video"):
        grab_frames(str(path), frames=2, window_s=0, timeout=5)


def test_preset_cancel_stops_before_opening(video_1s: str) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SourceCancelled):
        grab_frames(video_1s, frames=2, window_s=0, timeout=5, cancel=cancel)


def test_bad_arguments(video_1s: str) -> None:
    with pytest.raises(ValueError):
        grab_frames(video_1s, frames=-1, window_s=0, timeout=5)
    with pytest.raises(ValueError):
        grab_frames(video_1s, frames=1, window_s=0, timeout=0)


def test_concurrent_calls_each_get_their_own_frames(video_3s: str) -> None:
    def grab(_: int) -> list[Frame]:
        return grab_frames(video_3s, frames=4, window_s=1.2, timeout=5)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(grab, range(12)))
    for got in results:
        assert [frame_index(f.image) for f in got] == [0, 10, 20, 30]
    # every call owns its arrays: writing to one never shows in another
    results[0][0].image[:] = 0
    assert results[1][0].image.any()


@pytest.mark.parametrize(
    ("image", "shape"),
    [
        (np.full((4, 6), 200, np.uint8), (4, 6, 3)),
        (np.full((4, 6, 1), 200, np.uint8), (4, 6, 3)),
        (np.full((4, 6, 4), 200, np.uint8), (4, 6, 3)),
        (np.full((4, 6, 3), 200 * 256, np.uint16), (4, 6, 3)),
    ],
)
def test_decoded_images_become_8bit_bgr(image: np.ndarray, shape: tuple[int, ...]) -> None:
    converted = _as_bgr(image)
    assert converted.shape == shape
    assert converted.dtype == np.uint8
    assert int(converted[0, 0, 0]) == 200
