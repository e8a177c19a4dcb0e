"""Is a camera reachable? A cheap answer, without decoding a single frame.

Used before a tile opens a network stream (a dead host fails here in milliseconds, outside
OpenCV's process-wide open lock) and by the periodic probe of cameras that are not on the wall:
a TCP connect, and for HTTP the status line of a GET (a camera that answers 503 is down even
though its server is up). Returns ``None`` when reachable, else a :class:`Failure`: the reason
in a few words, and whether it looks like a wrong address or path (an *error* to fix in the
registry) rather than a camera that is down (*offline*).
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from easysight_desktop.video.source import SourceKind, parse_source


@dataclass(frozen=True, slots=True)
class Failure:
    reason: str
    misconfigured: bool = False  # wrong URL, path or name: retrying will not help by itself

    def __str__(self) -> str:
        return self.reason


DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443, "rtmp": 1935, "rtmps": 443}


def probe(url: str, timeout_s: float = 1.5) -> Failure | None:
    """``None`` when the camera answers; otherwise why not ("connection refused by …")."""
    source = parse_source(url)
    if source.kind is SourceKind.FILE:
        path = Path(str(source.target))
        return None if path.is_file() else Failure(f"no such file: {path.name}", True)
    if source.kind is SourceKind.USB:
        return None  # nothing cheap to ask; the tile's open says
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return Failure("the URL is malformed", True)
    if not host:
        return Failure("the URL has no host", True)
    if port is None:
        return None  # udp:// and the like: no connection to try
    try:
        with socket.create_connection((host, port), timeout=max(0.05, timeout_s)) as sock:
            if parts.scheme.lower() == "http":
                return _http_status(sock, parts.path or "/", parts.query, host, timeout_s)
            return None
    except socket.gaierror:
        return Failure(f"host {host} not found", True)
    except TimeoutError:
        return Failure(f"no answer from {host}:{port}")
    except ConnectionRefusedError:
        return Failure(f"connection refused by {host}:{port}")
    except OSError as exc:
        if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return Failure(f"{host}:{port} is unreachable")
        return Failure(f"{host}:{port}: {exc.strerror or exc}")


def _http_status(
    sock: socket.socket, path: str, query: str, host: str, timeout_s: float
) -> Failure | None:
    """Read only the status line of a GET and hang up (a stream is never downloaded)."""
    target = f"{path}?{query}" if query else path
    sock.settimeout(timeout_s)
    sock.sendall(
        f"GET {target} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: EasySight-probe\r\n\r\n".encode()
    )
    line = sock.makefile("rb").readline(200).decode("latin-1").strip()
    fields = line.split(" ", 2)
    if len(fields) < 2 or not fields[1].isdigit():
        return None  # not HTTP as we know it, but something answered
    status = int(fields[1])
    if status < 400 or status in (401, 403):
        return None  # reachable (credentials are the tile's concern)
    text = f"HTTP {status} {fields[2] if len(fields) > 2 else ''}".strip()
    # 5xx: the camera (or its server) is down; other 4xx: the path or the request is wrong.
    return Failure(text, misconfigured=status < 500 and status != 408)
