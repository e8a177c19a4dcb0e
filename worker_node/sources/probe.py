"""Explain why a network stream did not open: OpenCV only says that it did not."""

from __future__ import annotations

import errno
import socket
from urllib.parse import urlsplit

DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443, "rtmp": 1935, "rtmps": 443}
UNEXPLAINED = "the stream could not be opened (check the path, credentials and codec)"


def explain_failure(url: str, timeout_s: float) -> str:
    """A short reason for a failed open, from one TCP connection attempt to the URL's host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        host, port = parts.hostname, parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return "the URL is malformed"
    if not host:
        return "the URL has no host"
    if port is None:  # UDP-based schemes: there is nothing to connect to
        return UNEXPLAINED
    try:
        with socket.create_connection((host, port), timeout=max(0.1, timeout_s)):
            pass
    except socket.gaierror:
        return f"host {host} not found"
    except TimeoutError:
        return f"no answer from {host}:{port}"
    except ConnectionRefusedError:
        return f"connection refused by {host}:{port}"
    except OSError as exc:
        if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return f"{host}:{port} is unreachable (no route)"
        return f"{host}:{port}: {exc.strerror or exc}"
    return f"{host}:{port} answered, but {UNEXPLAINED}"
