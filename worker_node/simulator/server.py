"""The simulator's HTTP side: camera list, MJPEG streams, snapshots and a health check.

Each camera has a main stream (``/cam/<id>.mjpg``) and a half-size substream
(``/sub/<id>.mjpg``), each with a snapshot (``.jpg``); ``/cameras.json`` lists both URLs.

A threading server keeps this stdlib-only: each client gets a thread that only copies shared,
already-encoded bytes to its socket, so a client costs almost nothing but its socket buffer.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import re
import socket
import socketserver
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from worker_node.simulator.cameras import CameraSpec, camera_specs
from worker_node.simulator.faults import Fault
from worker_node.simulator.hub import (
    BOUNDARY,
    DEFAULT_LINGER_S,
    DEFAULT_QUALITY,
    FrameHub,
    HubClosed,
)

log = logging.getLogger(__name__)

CAMERA_PATH = re.compile(r"^/(cam|sub)/([a-z0-9][a-z0-9_-]*)\.(mjpg|jpg)$")
HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")
FRAME_WAIT_S = 1.0
SEND_TIMEOUT_S = 20.0
STREAM_SNDBUF = 128 * 1024


class _HTTPServer(ThreadingHTTPServer):
    """Daemon threads, so a client that never reads cannot keep the process alive."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    simulator: SimulatorServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which stalls on hosts without DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    """Routes one request; a stream request keeps its thread until the client leaves."""

    server: _HTTPServer
    server_version = "EasySightSim/0.1"
    protocol_version = "HTTP/1.0"
    timeout = SEND_TIMEOUT_S

    def do_GET(self) -> None:
        sim = self.server.simulator
        url = urlsplit(self.path)
        path = url.path
        if path in ("/", "/index.html", "/index.json"):
            query = parse_qs(url.query)
            wants_json = (
                path == "/index.json"
                or query.get("format") == ["json"]
                or "application/json" in self.headers.get("Accept", "")
            )
            if wants_json:
                self._send_json(sim.index(self._base_url()))
            else:
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", sim.index_html().encode())
            return
        if path == "/cameras.json":
            self._send_json(sim.camera_list(self._base_url()))
            return
        if path == "/health":
            self._send_json(sim.health())
            return
        match = CAMERA_PATH.match(path)
        hubs = sim.sub_hubs if match and match.group(1) == "sub" else sim.hubs
        hub = hubs.get(match.group(2)) if match else None
        if match is None or hub is None:
            self._send_json({"error": "not found", "path": path}, HTTPStatus.NOT_FOUND)
            return
        if not hub.available():
            self._send_unavailable(hub)
        elif match.group(3) == "mjpg":
            self._stream(hub)
        else:
            self._snapshot(hub)

    def _base_url(self) -> str:
        """URLs handed out follow the address the client used, so they work from other hosts."""
        host = self.headers.get("Host", "")
        return f"http://{host}/" if HOST_HEADER.match(host) else self.server.simulator.base_url

    def _stream(self, hub: FrameHub) -> None:
        sim = self.server.simulator
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        self.send_header("Cache-Control", "no-cache, no-store, must-revalidate")
        self.send_header("Pragma", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        # A small send buffer keeps a stalled client's backlog to a few frames, so when it reads
        # again it gets the live picture instead of seconds-old video queued in the kernel.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, STREAM_SNDBUF)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sim.track(self.connection, True)
        sent = 0
        try:
            with hub.watching():
                seq = 0
                while not sim.stopping:
                    frame = hub.next_frame(seq, FRAME_WAIT_S)
                    if frame is None:
                        if hub.closed or not hub.available():
                            break  # shutdown, or a dropout camera going dark: hang up
                        continue
                    self.wfile.write(frame.part)
                    seq = frame.seq
                    sent += 1
        except (HubClosed, OSError):
            pass  # client went away, send timed out, or the server is stopping
        finally:
            sim.track(self.connection, False)
            log.info("camera %s: client %s left after %d frames", hub.spec.id, self._peer(), sent)

    def _snapshot(self, hub: FrameHub) -> None:
        frame = hub.snapshot()
        if frame is None:
            self._send_unavailable(hub)
            return
        self._send(
            HTTPStatus.OK,
            "image/jpeg",
            frame.jpeg,
            {"Cache-Control": "no-store", "X-Timestamp": f"{frame.captured_at:.6f}"},
        )

    def _send_unavailable(self, hub: FrameHub) -> None:
        retry = hub.retry_after_s()
        body = {"error": "camera unavailable", "camera": hub.spec.id, "retry_after_s": retry}
        extra = {"Retry-After": str(retry)} if retry else {}
        self._send_json(body, HTTPStatus.SERVICE_UNAVAILABLE, extra)

    def _send_json(
        self, body: Any, status: HTTPStatus = HTTPStatus.OK, extra: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body, indent=2).encode() + b"\n"
        self._send(status, "application/json", data, extra)

    def _send(
        self,
        status: HTTPStatus,
        content_type: str,
        body: bytes | memoryview,
        extra: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client hung up first; nothing to tell it

    def _peer(self) -> str:
        return f"{self.client_address[0]}:{self.client_address[1]}"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self._peer(), format % args)


class SimulatorServer:
    """Serves simulated cameras over HTTP from a background thread; for tests, demos and benches.

    ``start()`` binds (``port=0`` picks a free port), after which ``base_url`` is known.
    """

    def __init__(
        self,
        cameras: Sequence[CameraSpec] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        quality: int = DEFAULT_QUALITY,
        linger_s: float = DEFAULT_LINGER_S,
    ) -> None:
        self.cameras: list[CameraSpec] = list(camera_specs() if cameras is None else cameras)
        ids = [spec.id for spec in self.cameras]
        if len(set(ids)) != len(ids):
            raise ValueError(f"camera ids must be unique: {ids}")
        self.host = host
        self.port = port
        epoch = time.monotonic()  # one schedule for a camera's main stream and substream
        self.hubs: dict[str, FrameHub] = {
            spec.id: FrameHub(spec, quality=quality, linger_s=linger_s, epoch=epoch)
            for spec in self.cameras
        }
        self.sub_hubs: dict[str, FrameHub] = {
            spec.id: FrameHub(spec, quality=quality, linger_s=linger_s, substream=True, epoch=epoch)
            for spec in self.cameras
        }
        self.stopping = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._started_at = time.monotonic()
        self._streams: set[socket.socket] = set()
        self._lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a daemon thread; returns self so ``start_simulator()`` can chain."""
        if self._httpd is not None:
            raise RuntimeError("simulator already started")
        server_class = _HTTPServer6 if ":" in self.host else _HTTPServer
        httpd = server_class((self.host, self.port), _Handler)
        httpd.simulator = self
        self._httpd = httpd
        self.port = int(httpd.server_address[1])
        self._started_at = time.monotonic()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="sim-http", daemon=True
        )
        self._thread.start()
        log.info("serving %d cameras at %s", len(self.cameras), self.base_url)
        return self

    def prepare(self, threads: int | None = None) -> None:
        """Encode every camera's motion loop (both streams) before serving; ~5 ms a 720p frame.

        Without it each frame is encoded the first time it is due, so the first loop of a busy
        wall costs a full encode per frame.
        """
        hubs = self.all_hubs()
        with ThreadPoolExecutor(threads or os.cpu_count() or 1, "sim-prepare") as pool:
            list(pool.map(FrameHub.prepare, hubs))

    def all_hubs(self) -> list[FrameHub]:
        """Main-stream and substream hubs of every camera."""
        return [*self.hubs.values(), *self.sub_hubs.values()]

    def stop(self) -> None:
        """Refuse new requests, end every stream and release the port. Safe to call twice."""
        self.stopping = True
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
        for hub in self.all_hubs():
            hub.close()
        with self._lock:
            streams = list(self._streams)
        for sock in streams:
            # Unblocks a thread stuck sending to a client that stopped reading.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if httpd is not None:
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None

    def __enter__(self) -> Self:
        return self if self._httpd is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def track(self, sock: socket.socket, active: bool) -> None:
        """Remember open stream sockets so ``stop()`` can cut them."""
        with self._lock:
            if active:
                self._streams.add(sock)
            else:
                self._streams.discard(sock)

    # -- addresses ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://host:port/``; a wildcard bind is reported as loopback, which always works."""
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def stream_url(self, camera_id: str, base_url: str | None = None) -> str:
        """The MJPEG URL of one camera, as OpenCV or a browser opens it."""
        return f"{base_url or self.base_url}cam/{camera_id}.mjpg"

    def snapshot_url(self, camera_id: str, base_url: str | None = None) -> str:
        """The single-JPEG URL of one camera."""
        return f"{base_url or self.base_url}cam/{camera_id}.jpg"

    def substream_url(self, camera_id: str, base_url: str | None = None) -> str:
        """The MJPEG URL of one camera's half-size substream (what a wall tile opens)."""
        return f"{base_url or self.base_url}sub/{camera_id}.mjpg"

    # -- documents ---------------------------------------------------------------------------

    def camera_list(self, base_url: str | None = None) -> list[dict[str, Any]]:
        """What ``/cameras.json`` returns: one entry per camera, with its URLs and live state."""
        entries = []
        for spec in self.cameras:
            hub = self.hubs[spec.id]
            entry: dict[str, Any] = {
                "id": spec.id,
                "name": spec.name,
                "fault": spec.fault.value,
                "width": spec.width,
                "height": spec.height,
                "fps": spec.fps,
                "url": self.stream_url(spec.id, base_url),
                "substream_url": self.substream_url(spec.id, base_url),
                "substream": dict(zip(("width", "height"), spec.substream_size, strict=True)),
                "snapshot_url": self.snapshot_url(spec.id, base_url),
                "loop_s": spec.loop_s,
                "available": hub.available(),
                "viewers": hub.viewers + self.sub_hubs[spec.id].viewers,
            }
            if spec.fault is Fault.DROPOUT:
                entry["dropout"] = {"up_s": spec.dropout_up_s, "down_s": spec.dropout_down_s}
            entries.append(entry)
        return entries

    def index(self, base_url: str | None = None) -> dict[str, Any]:
        """The JSON form of ``/``: what this server is and where everything lives."""
        base = base_url or self.base_url
        return {
            "service": "easysight-sim",
            "cameras": self.camera_list(base),
            "endpoints": {
                "cameras": f"{base}cameras.json",
                "health": f"{base}health",
                "stream": f"{base}cam/<id>.mjpg",
                "snapshot": f"{base}cam/<id>.jpg",
                "substream": f"{base}sub/<id>.mjpg",
                "substream_snapshot": f"{base}sub/<id>.jpg",
            },
        }

    def index_html(self) -> str:
        """A page listing the cameras with a snapshot of each (streams open only on click)."""
        rows = []
        for spec in self.cameras:
            cid = html.escape(spec.id)
            rows.append(
                f"<tr><td><img src='cam/{cid}.jpg' width='160' alt=''></td>"
                f"<td>{html.escape(spec.name)}</td><td><code>{cid}</code></td>"
                f"<td>{html.escape(spec.fault.value)}</td>"
                f"<td>{spec.width}x{spec.height} @ {spec.fps:g} fps</td>"
                f"<td><a href='cam/{cid}.mjpg'>stream</a> · <a href='sub/{cid}.mjpg'>substream</a>"
                f" · <a href='cam/{cid}.jpg'>snapshot</a></td></tr>"
            )
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>easysight-sim</title>"
            "<style>body{font-family:sans-serif}td{padding:4px 10px}</style></head><body>"
            f"<h1>easysight-sim: {len(self.cameras)} cameras</h1>"
            "<p><a href='cameras.json'>cameras.json</a> · <a href='health'>health</a></p>"
            "<table><tr><th></th><th>name</th><th>id</th><th>fault</th><th>format</th><th></th>"
            "</tr>" + "".join(rows) + "</table></body></html>"
        )

    def health(self) -> dict[str, Any]:
        """What ``/health`` returns: up, how long, viewers, and how much of the loops is encoded."""
        cached = [hub.cache_state() for hub in self.all_hubs() if hub.frames_encoded]
        return {
            "status": "stopping" if self.stopping else "ok",
            "cameras": len(self.cameras),
            "viewers": sum(hub.viewers for hub in self.all_hubs()),
            "rendering": sorted(cid for cid, hub in self.hubs.items() if hub.rendering),
            "rendering_substreams": sorted(
                cid for cid, hub in self.sub_hubs.items() if hub.rendering
            ),
            "loop_frames": {
                "encoded": sum(done for done, _ in cached),
                "of": sum(total for _, total in cached),
            },
            "uptime_s": round(time.monotonic() - self._started_at, 3),
        }


def start_simulator(
    cameras: Sequence[CameraSpec] | int | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    quality: int = DEFAULT_QUALITY,
    linger_s: float = DEFAULT_LINGER_S,
    **spec_options: Any,
) -> SimulatorServer:
    """Start a simulator in a background thread and return it (use it as a context manager).

    ``cameras`` is a list of specs, or a camera count for :func:`camera_specs`, which also takes
    ``size``, ``fps``, ``faults`` and the dropout periods as keyword options.
    """
    if cameras is None or isinstance(cameras, int):
        specs: Sequence[CameraSpec] = camera_specs(cameras, **spec_options)
    elif spec_options:
        raise TypeError(f"options {sorted(spec_options)} apply only when cameras are generated")
    else:
        specs = cameras
    server = SimulatorServer(specs, host=host, port=port, quality=quality, linger_s=linger_s)
    return server.start()
