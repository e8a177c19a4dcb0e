"""Open one OpenCV capture for a located source, with the backend's own time limits.

The limits here are the first line of defence; some backends (V4L2, a few FFmpeg demuxers)
ignore them, which is why :mod:`worker_node.sources.sampler` also guards the wall clock.
"""

from __future__ import annotations

import os
import threading

import cv2

from worker_node.sources.locator import Locator, SourceKind

# RTSP over TCP: UDP loses packets (smeared frames) and does not cross NAT or most firewalls.
# OpenCV's FFmpeg backend reads this variable at every open. It is set once, here, at import,
# because changing the environment while other threads open captures is not thread-safe.
FFMPEG_OPTIONS_ENV = "OPENCV_FFMPEG_CAPTURE_OPTIONS"
os.environ.setdefault(FFMPEG_OPTIONS_ENV, "rtsp_transport;tcp")

# OpenCV's FFmpeg backend holds a process-wide mutex for the whole of every open (measured:
# a file open waits for a silent RTSP server's full open timeout). Taking this lock first makes
# that queue visible, so a source's time limit runs from the moment its own open can start
# rather than blaming a healthy camera for another one's slowness.
OPEN_LOCK = threading.Lock()


def open_capture(locator: Locator, timeout_s: float) -> cv2.VideoCapture:
    """Return a capture for ``locator`` (maybe not opened: the caller checks ``isOpened``)."""
    if locator.kind is SourceKind.USB:
        # No timeout params: a backend that does not know one refuses to open at all.
        return cv2.VideoCapture(int(locator.target), cv2.CAP_ANY)
    ms = max(1, int(timeout_s * 1000))
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms]
    return cv2.VideoCapture(str(locator.target), cv2.CAP_FFMPEG, params)


def frames_per_second(capture: cv2.VideoCapture) -> float:
    """The declared frame rate, or 25 when the container does not say (or says nonsense)."""
    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    return fps if 0.5 <= fps <= 1000 else 25.0


def frame_count(capture: cv2.VideoCapture) -> int:
    """Frames in a file, 0 when unknown (live streams, some containers)."""
    count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
    return int(count) if count and count > 0 else 0
