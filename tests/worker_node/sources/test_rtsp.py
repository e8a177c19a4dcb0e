"""A real RTSP camera (GStreamer's RTSP server) read over TCP and diagnosed end to end.

Needs the system packages named in ``tests/support/rtsp_server.py``; without them these tests
FAIL with the install line — a missing camera must not turn into a silent skip.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest

from worker_node.analysis import known_checks, run_diagnosis
from worker_node.protocol.messages import DiagnosisParams, DiagnosisResult
from worker_node.sources import grab_frames

pytestmark = pytest.mark.slow

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER = Path(__file__).parents[2] / "support" / "rtsp_server.py"
START_LIMIT_S = 15.0


def _read_port(process: subprocess.Popen[str], deadline: float) -> int:
    """The ``PORT <n>`` line the server prints once it listens."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            if not selector.select(timeout=remaining):
                continue
            line = process.stdout.readline()
            if line.startswith("PORT "):
                return int(line.split()[1])
            if not line:  # the server exited
                break
    finally:
        selector.close()
    process.kill()
    _, stderr = process.communicate(timeout=5)
    pytest.fail(f"RTSP test server did not start (exit {process.returncode}): {stderr.strip()}")


def _wait_accepting(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # polling interval of a deadline-bound wait, not a blind wait
    pytest.fail(f"RTSP test server on port {port} never accepted a connection")


@pytest.fixture(scope="module")
def rtsp_port() -> Iterator[int]:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        pytest.fail(f"{SYSTEM_PYTHON} is missing: install python3 and {_packages()}")
    deadline = time.monotonic() + START_LIMIT_S
    process = subprocess.Popen(
        [SYSTEM_PYTHON, str(SERVER), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = _read_port(process, deadline)
        _wait_accepting(port, deadline)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _packages() -> str:
    return (
        "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp "
        "gstreamer1.0-plugins-base gstreamer1.0-plugins-good"
    )


def test_live_stream_is_sampled_on_the_wall_clock(rtsp_port: int) -> None:
    got = grab_frames(f"rtsp://127.0.0.1:{rtsp_port}/cam", frames=3, window_s=1.0, timeout=10)
    assert [f.image.shape for f in got] == [(360, 640, 3)] * 3
    assert [f.offset_s for f in got] == pytest.approx([0.0, 0.5, 1.0], abs=0.2)
    assert not np.array_equal(got[0].image, got[-1].image)  # moving bars


def test_rtsp_cameras_are_diagnosed_concurrently(rtsp_port: int) -> None:
    base = f"rtsp://viewer:pw@127.0.0.1:{rtsp_port}"
    urls = [f"{base}/cam", f"{base}/frozen", f"{base}/missing"]
    params = DiagnosisParams(frames=4, window_s=1.5)

    def diagnose(url: str) -> DiagnosisResult:
        return run_diagnosis(url, params, source_timeout=10)

    with ThreadPoolExecutor(max_workers=3) as pool:
        healthy, frozen, missing = pool.map(diagnose, urls)

    assert healthy.overall == "normal", [c.message for c in healthy.checks if c.status != "normal"]
    assert [c.type for c in healthy.checks] == list(known_checks())
    assert healthy.snapshot_jpeg is not None
    thumb = cv2.imdecode(
        np.frombuffer(base64.b64decode(healthy.snapshot_jpeg), np.uint8), cv2.IMREAD_COLOR
    )
    assert thumb.shape == (180, 320, 3)

    checks = {c.type: c for c in frozen.checks}
    assert frozen.overall == "critical"
    assert checks["freeze"].status == "critical"
    assert checks["signal_loss"].status == "normal"

    assert missing.overall == "critical"
    [finding] = missing.checks
    assert finding.type == "signal_loss"
    assert finding.score == 0
    assert finding.message.startswith(f"cannot connect to rtsp://viewer:***@127.0.0.1:{rtsp_port}")
    assert "could not be opened" in finding.message


@pytest.mark.skipif(
    importlib.util.find_spec("gi") is not None,
    reason="this interpreter has GStreamer bindings, so it cannot show their absence",
)
def test_server_without_gstreamer_names_the_packages() -> None:
    done = subprocess.run([sys.executable, str(SERVER)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 3
    assert _packages() in done.stderr
