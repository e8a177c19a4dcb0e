"""A TCP connection attempt to a stream's host, made before OpenCV opens it.

OpenCV's FFmpeg backend opens captures one at a time, process-wide, under a global lock: a
camera that is down would hold every other open in the worker for its whole time limit. Most
unreachable cameras fail at TCP (host down, port closed, name unknown), so finding that out
here, outside the lock, keeps them from blocking the others, and says precisely why.
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443, "rtmp": 1935, "rtmps": 443}


@dataclass(frozen=True, slots=True)
class ProbeFailure:
    """Why the host could not be reached; ``timed_out`` when it simply never answered."""

    reason: str
    timed_out: bool = False


def probe_tcp(url: str, timeout_s: float) -> ProbeFailure | None:
    """Connect to the URL's host and port and hang up; ``None`` when it answered (or when the
    scheme has no TCP connection to try, e.g. ``udp://``)."""
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return ProbeFailure("the URL is malformed")
    if not host:
        return ProbeFailure("the URL has no host")
    if port is None:
        return None
    try:
        with socket.create_connection((host, port), timeout=max(0.05, timeout_s)):
            return None
    except socket.gaierror:
        return ProbeFailure(f"host {host} not found")
    except TimeoutError:
        return ProbeFailure(f"no answer from {host}:{port}", timed_out=True)
    except ConnectionRefusedError:
        return ProbeFailure(f"connection refused by {host}:{port}")
    except OSError as exc:
        if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return ProbeFailure(f"{host}:{port} is unreachable (no route)")
        return ProbeFailure(f"{host}:{port}: {exc.strerror or exc}")
