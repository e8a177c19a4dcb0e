"""Fixtures for the source tests: generated video files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis.scenes import scene, write_video
from worker_node.sources import active_captures, wait_for_captures

FPS = 25.0


def numbered_frames(count: int) -> list[np.ndarray]:
    """Frames whose index can be read back from the grey level of a big block (index × 4)."""
    frames = []
    background = scene(320, 240)
    for index in range(count):
        frame = background.copy()
        cv2.rectangle(frame, (0, 0), (159, 119), (index * 4,) * 3, -1)
        frames.append(frame)
    return frames


def frame_index(image: np.ndarray) -> int:
    """Read back the index drawn by :func:`numbered_frames` (JPEG-robust)."""
    return round(float(image[20:100, 20:140].mean()) / 4)


@pytest.fixture
def video_3s(tmp_path: Path) -> str:
    """3 s at 25 fps: frames numbered 0–74."""
    return write_video(str(tmp_path / "three.avi"), numbered_frames(75), FPS)


@pytest.fixture
def video_1s(tmp_path: Path) -> str:
    """1 s at 25 fps: frames numbered 0–24."""
    return write_video(str(tmp_path / "one.avi"), numbered_frames(25), FPS)


@pytest.fixture(autouse=True)
def _captures_finish() -> Iterator[None]:
    """Capture threads a test gave up on must end before the next test (and before exit)."""
    yield
    assert wait_for_captures(10.0), f"{active_captures()} capture threads still running"
