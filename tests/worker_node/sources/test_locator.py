"""Which kind of source a string names, and how it is shown."""

from __future__ import annotations

import os

import pytest

from worker_node.sources import SourceError, SourceKind, capture, locate


@pytest.mark.parametrize(
    ("text", "kind", "target", "shown"),
    [
        ("0", SourceKind.USB, 0, "USB camera 0"),
        (" 12 ", SourceKind.USB, 12, "USB camera 12"),
        (
            "rtsp://admin:s3cret@cam.local:554/Streaming/101",
            SourceKind.STREAM,
            "rtsp://admin:s3cret@cam.local:554/Streaming/101",
            "rtsp://admin:***@cam.local:554/Streaming/101",
        ),
        (
            "HTTPS://cam/live.m3u8",
            SourceKind.STREAM,
            "HTTPS://cam/live.m3u8",
            "HTTPS://cam/live.m3u8",
        ),
        ("/videos/gate.mp4", SourceKind.FILE, "/videos/gate.mp4", "/videos/gate.mp4"),
        ("file:///videos/a%20b.mp4", SourceKind.FILE, "/videos/a b.mp4", "/videos/a b.mp4"),
        ("C:\\clips\\gate.avi", SourceKind.FILE, "C:\\clips\\gate.avi", "C:\\clips\\gate.avi"),
    ],
)
def test_kinds(text: str, kind: SourceKind, target: str | int, shown: str) -> None:
    locator = locate(text)
    assert (locator.kind, locator.target, locator.shown) == (kind, target, shown)
    assert locator.live is (kind is not SourceKind.FILE)


def test_unknown_scheme_is_named_and_masked() -> None:
    with pytest.raises(SourceError, match=r"scheme rstp://") as caught:
        locate("rstp://user:pw@cam/1")
    assert "pw" not in str(caught.value)
    assert "user:***@" in str(caught.value)


def test_empty_source() -> None:
    with pytest.raises(SourceError, match="no source"):
        locate("  ")


def test_rtsp_goes_over_tcp() -> None:
    assert os.environ[capture.FFMPEG_OPTIONS_ENV].startswith("rtsp_transport;tcp")
