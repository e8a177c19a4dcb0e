"""Network stand-ins for cameras: closed ports, silent servers, MJPEG and static HTTP."""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray


def closed_port() -> int:
    """A local TCP port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections (kernel backlog) and never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


@contextlib.contextmanager
def unanswered_port() -> Iterator[int]:
    """A port whose SYNs go unanswered, like a camera that is switched off: the listen queue
    is full, so the kernel drops new connection attempts and connecting times out."""
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(socket.socket())
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = int(server.getsockname()[1])
        for _ in range(3):
            filler = stack.enter_context(socket.socket())
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
        yield port


@contextlib.contextmanager
def _serving(server: ThreadingHTTPServer) -> Iterator[int]:
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def mjpeg_server(frames: Sequence[NDArray[np.uint8]], fps: float = 15.0) -> Iterator[int]:
    """An HTTP MJPEG camera (multipart/x-mixed-replace) cycling through ``frames``."""
    jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes() for f in frames]
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
            self.end_headers()
            index = 0
            while not stop.wait(1.0 / fps):
                data = jpegs[index % len(jpegs)]
                head = f"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {len(data)}\r\n\r\n"
                try:
                    self.wfile.write(head.encode() + data + b"\r\n")
                except OSError:
                    return
                index += 1

        def log_message(self, format: str, *args: object) -> None:
            pass

    try:
        with _serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as port:
            yield port
    finally:
        stop.set()


@contextlib.contextmanager
def file_server(directory: Path) -> Iterator[int]:
    """Plain HTTP serving ``directory`` (for HLS playlists and segments)."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    with _serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as port:
        yield port
