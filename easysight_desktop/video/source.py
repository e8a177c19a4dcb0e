"""What kind of source a camera URL names, and how OpenCV opens it with short time limits.

The console's own copy of the worker's rules (it may not import ``worker_node.sources``).
OpenCV's FFmpeg backend holds one process-wide lock for the whole of every open, so a camera
that does not answer would hold every other tile's open for its whole time limit: opens here
use short limits, and network streams are probed over TCP first (see :mod:`.reach`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import unquote, urlsplit

import cv2

# RTSP over TCP: UDP loses packets (smeared pictures) and does not cross most firewalls. Set once,
# at import: the FFmpeg backend reads the environment at every open, from any thread.
os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;tcp")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
NETWORK_SCHEMES = frozenset(
    {"rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "udp", "rtp", "srt"}
)


class SourceKind(Enum):
    FILE = "file"  # a local video file: played in a loop, paced at its own frame rate
    STREAM = "stream"  # a network URL through FFmpeg
    USB = "usb"  # a local capture device by number


@dataclass(frozen=True, slots=True)
class Source:
    kind: SourceKind
    target: str | int  # what OpenCV opens

    @property
    def live(self) -> bool:
        return self.kind is not SourceKind.FILE


def parse_source(url: str) -> Source:
    """A device number, a network URL, or a file path (``file://`` or plain)."""
    text = url.strip()
    if text.isdigit():
        return Source(SourceKind.USB, int(text))
    match = _SCHEME.match(text)
    if match is None:
        return Source(SourceKind.FILE, text)
    scheme = match.group(1).lower()
    if scheme == "file":
        return Source(SourceKind.FILE, unquote(urlsplit(text).path))
    return Source(SourceKind.STREAM, text)


def open_capture(source: Source, timeout_s: float) -> cv2.VideoCapture:
    """A capture for ``source`` (maybe not opened: the caller checks ``isOpened``)."""
    if source.kind is SourceKind.USB:
        # No time-limit params: a backend that does not know them refuses to open at all.
        return cv2.VideoCapture(int(source.target), cv2.CAP_ANY)
    ms = max(1, int(timeout_s * 1000))
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms]
    return cv2.VideoCapture(str(source.target), cv2.CAP_FFMPEG, params)


def declared_fps(capture: cv2.VideoCapture) -> float:
    """The container's frame rate, or 25 when it does not say (or says nonsense)."""
    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    return fps if 0.5 <= fps <= 240 else 25.0
