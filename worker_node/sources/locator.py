"""Decide what kind of source a string names, and how to show it without its password."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from worker_node.settings import mask_url
from worker_node.sources.errors import SourceError

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
# Schemes handed to FFmpeg that deliver a live picture (sampled on the wall clock).
LIVE_SCHEMES = frozenset({"rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "udp", "rtp", "srt"})


class SourceKind(enum.Enum):
    """How a source is opened and which clock spreads the samples."""

    FILE = "file"  # local video or image file: media time, read as fast as it decodes
    STREAM = "stream"  # network URL through FFmpeg: wall-clock time
    USB = "usb"  # local capture device by index: wall-clock time


@dataclass(frozen=True, slots=True)
class Locator:
    """A parsed source: ``target`` is what OpenCV opens, ``shown`` is safe to log and display."""

    kind: SourceKind
    target: str | int
    shown: str
    scheme: str = ""

    @property
    def live(self) -> bool:
        return self.kind is not SourceKind.FILE


def locate(source: str) -> Locator:
    """Classify ``source``: a device number, a URL with a known scheme, or a file path."""
    text = source.strip()
    if not text:
        raise SourceError("no source given")
    if text.isdigit():
        return Locator(SourceKind.USB, int(text), f"USB camera {int(text)}")
    match = _SCHEME.match(text)
    if match is None:
        return Locator(SourceKind.FILE, text, text)
    scheme = match.group(1).lower()
    if scheme == "file":
        path = unquote(urlsplit(text).path)
        return Locator(SourceKind.FILE, path, path, scheme)
    if scheme not in LIVE_SCHEMES:
        known = ", ".join(sorted(LIVE_SCHEMES | {"file"}))
        raise SourceError(
            f"unsupported source {mask_url(text)}: scheme {scheme}:// (known: {known})"
        )
    return Locator(SourceKind.STREAM, text, mask_url(text), scheme)


def check_file(locator: Locator) -> None:
    """Fail fast, with the reason, on a path that cannot be a video: FFmpeg would only say 'no'."""
    path = Path(str(locator.target))
    if not path.exists():
        raise SourceError(f"cannot open {locator.shown}: no such file")
    if not path.is_file():
        raise SourceError(f"cannot open {locator.shown}: not a file")
