"""OpenCV-side helpers: open a stream as the worker would, and measure what came out."""

from __future__ import annotations

from typing import cast

import cv2
import numpy as np
import numpy.typing as npt

TIMEOUT_MS = 5000


def open_capture(url: str) -> cv2.VideoCapture:
    """Open a stream the way the worker does (FFmpeg backend), with timeouts so a hang fails."""
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
        TIMEOUT_MS,
        cv2.CAP_PROP_READ_TIMEOUT_MSEC,
        TIMEOUT_MS,
    ]
    cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
    assert cap.isOpened(), f"OpenCV could not open {url}"
    return cap


def read_frames(cap: cv2.VideoCapture, count: int) -> list[npt.NDArray[np.uint8]]:
    """``count`` decoded frames; fails on the first unsuccessful read."""
    frames: list[npt.NDArray[np.uint8]] = []
    for index in range(count):
        ok, frame = cap.read()
        assert ok and frame is not None, f"read {index} failed"
        frames.append(cast(npt.NDArray[np.uint8], frame))
    return frames


def grey(frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    return cast(npt.NDArray[np.uint8], cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))


def sharpness(frame: npt.NDArray[np.uint8]) -> float:
    """Variance of the Laplacian: the clarity measure the diagnosis checks use."""
    return float(cv2.Laplacian(grey(frame), cv2.CV_64F).var())


def changed_fraction(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> float:
    """Share of pixels that changed by more than sensor noise and JPEG error can explain."""
    diff = cv2.absdiff(a, b).max(axis=2)
    return float((diff > 40).mean())
