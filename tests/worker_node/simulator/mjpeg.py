"""A minimal MJPEG reader for tests that need the part headers (seq, timestamp) OpenCV hides."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self, cast
from urllib.parse import urlsplit

import cv2
import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Part:
    """One multipart part as received."""

    headers: dict[str, str]
    jpeg: bytes

    @property
    def seq(self) -> int:
        return int(self.headers["x-frame-seq"])

    def image(self) -> npt.NDArray[np.uint8]:
        image = cv2.imdecode(np.frombuffer(self.jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert image is not None, "part is not a decodable JPEG"
        return cast(npt.NDArray[np.uint8], image)


class MjpegStream:
    """A raw-socket MJPEG client; ``rcvbuf`` lets a test play a client on a thin pipe."""

    def __init__(self, url: str, timeout: float = 5.0, rcvbuf: int | None = None) -> None:
        parts = urlsplit(url)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((parts.hostname or "127.0.0.1", parts.port or 80))
        request = f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n"
        self.sock.sendall(request.encode())
        self.file = self.sock.makefile("rb")
        self.status = 0
        self.headers: dict[str, str] = {}

    def read_head(self) -> Self:
        """Read the status line and response headers."""
        self.status = int(self.file.readline().split()[1])
        self.headers = self._read_headers()
        return self

    def read_part(self) -> Part | None:
        """The next part, or None when the server closed the stream."""
        boundary = self.file.readline()
        while boundary in (b"\r\n", b"\n"):
            boundary = self.file.readline()
        if not boundary:
            return None
        assert boundary.startswith(b"--"), boundary
        headers = self._read_headers()
        jpeg = self.file.read(int(headers["content-length"]))
        if len(jpeg) < int(headers["content-length"]):
            return None
        return Part(headers, jpeg)

    def read_parts(self, count: int, deadline_s: float = 10.0) -> list[Part]:
        """``count`` parts, failing the test if they do not arrive before the deadline."""
        end = time.monotonic() + deadline_s
        parts: list[Part] = []
        while len(parts) < count:
            assert time.monotonic() < end, f"only {len(parts)}/{count} parts before the deadline"
            part = self.read_part()
            assert part is not None, f"stream ended after {len(parts)} parts"
            parts.append(part)
        return parts

    def _read_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        while True:
            line = self.file.readline().decode("latin-1").strip()
            if not line:
                return headers
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()

    def close(self) -> None:
        self.file.close()
        self.sock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_until(predicate: Callable[[], object], deadline_s: float = 5.0, what: str = "it") -> None:
    """Poll ``predicate`` until true, failing the test after ``deadline_s``."""
    end = time.monotonic() + deadline_s
    while not predicate():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.02)
