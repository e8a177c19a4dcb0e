"""Network sources: refused, silent and hanging cameras end within their time limit."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.worker_node.analysis.scenes import moving
from tests.worker_node.sources.servers import (
    closed_port,
    file_server,
    mjpeg_server,
    silent_server,
    unanswered_port,
)
from worker_node.sources import (
    SourceBusy,
    SourceCancelled,
    SourceError,
    capture,
    grab_frames,
    sampler,
)

LIMIT = 1.5
MARGIN = 1.0  # thread start-up, probe and polling; generous for a loaded 2-core machine


def _grab_failure(url: str, timeout: float = LIMIT) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        grab_frames(url, frames=3, window_s=1.0, timeout=timeout)
    return str(caught.value), time.monotonic() - started


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
def test_refused_connection_is_reported_quickly(scheme: str) -> None:
    port = closed_port()
    message, elapsed = _grab_failure(f"{scheme}://viewer:hunter2@127.0.0.1:{port}/cam")
    assert elapsed < LIMIT + MARGIN
    assert message.startswith(f"cannot connect to {scheme}://viewer:***@127.0.0.1:{port}/cam: ")
    assert "refused" in message
    assert "hunter2" not in message


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
def test_silent_server_times_out_at_the_limit(scheme: str) -> None:
    with silent_server() as port:
        message, elapsed = _grab_failure(f"{scheme}://127.0.0.1:{port}/cam")
    assert LIMIT - 0.1 <= elapsed < LIMIT + MARGIN
    assert message == f"cannot connect to {scheme}://127.0.0.1:{port}/cam: timed out after 1.5 s"


def test_switched_off_camera_times_out_without_holding_up_others(video_1s: str) -> None:
    with unanswered_port() as port, ThreadPoolExecutor(max_workers=1) as pool:
        dead = pool.submit(_grab_failure, f"rtsp://127.0.0.1:{port}/x", 1.5)
        started = time.monotonic()
        got = grab_frames(video_1s, frames=2, window_s=0.5, timeout=5)
        healthy_took = time.monotonic() - started
        message, elapsed = dead.result()
    assert len(got) == 2
    assert healthy_took < 1.0  # the dead host is found out by the TCP probe, outside the lock
    assert message == f"cannot connect to rtsp://127.0.0.1:{port}/x: timed out after 1.5 s"
    assert LIMIT - 0.1 <= elapsed < LIMIT + MARGIN


def test_unknown_host_is_named() -> None:
    message, elapsed = _grab_failure("rtsp://camera.invalid/stream")
    assert "camera.invalid" in message
    assert elapsed < LIMIT + MARGIN


def test_missing_usb_device() -> None:
    message, elapsed = _grab_failure("63")
    assert message.startswith("cannot open USB camera 63")
    assert elapsed < LIMIT + MARGIN


def test_cancel_interrupts_a_pending_connection() -> None:
    cancel = threading.Event()
    with silent_server() as port:
        started = time.monotonic()
        timer = threading.Timer(0.3, cancel.set)
        timer.start()
        with pytest.raises(SourceCancelled):
            grab_frames(
                f"rtsp://127.0.0.1:{port}/x", frames=2, window_s=0, timeout=10, cancel=cancel
            )
        elapsed = time.monotonic() - started
    timer.join()
    assert 0.3 <= elapsed < 1.0


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Frees the fake backends below so their abandoned threads end with the test."""
    event = threading.Event()
    yield event
    event.set()


class _HangingCapture:
    """A backend that ignores its time limits: opens, then blocks in ``grab``."""

    def __init__(self, gate: threading.Event) -> None:
        self.gate = gate

    def isOpened(self) -> bool:
        return True

    def get(self, prop: int) -> float:
        return 0.0

    def grab(self) -> bool:
        self.gate.wait()
        return False

    def release(self) -> None:
        pass


def test_wall_clock_guard_when_open_ignores_its_timeout(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    def hanging_open(*args: object) -> object:
        release.wait()
        raise RuntimeError("released")

    monkeypatch.setattr(sampler, "open_capture", hanging_open)
    with silent_server() as port:  # answers TCP, so the probe passes and the open is tried
        message, elapsed = _grab_failure(f"rtsp://127.0.0.1:{port}/x", timeout=0.5)
    assert message == f"cannot connect to rtsp://127.0.0.1:{port}/x: timed out after 0.5 s"
    assert 0.45 <= elapsed < 0.5 + MARGIN


def test_wall_clock_guard_when_read_ignores_its_timeout(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    capture = _HangingCapture(release)
    monkeypatch.setattr(sampler, "open_capture", lambda *args: capture)
    with silent_server() as port:
        message, elapsed = _grab_failure(f"rtsp://127.0.0.1:{port}/x", timeout=0.5)
    assert message == f"rtsp://127.0.0.1:{port}/x: no frame received for 0.5 s"
    assert 0.45 <= elapsed < 0.5 + MARGIN


def test_waiting_for_another_sources_open_is_not_held_against_a_camera(video_1s: str) -> None:
    # OpenCV opens one capture at a time per process: a silent camera holds the others up.
    with silent_server() as port, ThreadPoolExecutor(max_workers=1) as pool:
        silent = pool.submit(_grab_failure, f"rtsp://127.0.0.1:{port}/x", 1.5)
        deadline = time.monotonic() + 5
        while not capture.OPEN_LOCK.locked():  # the silent camera's open has begun
            assert time.monotonic() < deadline, "the silent camera never started opening"
            threading.Event().wait(0.01)
        started = time.monotonic()
        got = grab_frames(video_1s, frames=2, window_s=0.5, timeout=0.5)
        waited = time.monotonic() - started
        assert silent.result()[0].endswith("timed out after 1.5 s")
    assert len(got) == 2  # a healthy file, not "timed out after 0.5 s"
    assert waited > 0.5


def test_a_backend_busy_for_too_long_is_not_blamed_on_the_camera(
    video_1s: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sampler, "QUEUE_LIMIT_MIN_S", 0.3)
    with capture.OPEN_LOCK:
        started = time.monotonic()
        with pytest.raises(SourceBusy, match=r"one\.avi not tried: other sources' opens kept"):
            grab_frames(video_1s, frames=1, window_s=0, timeout=0.1)
        assert time.monotonic() - started < 0.3 + MARGIN


def test_mjpeg_over_http_is_sampled_on_the_wall_clock() -> None:
    with mjpeg_server(moving(6), fps=15) as port:
        started = time.monotonic()
        got = grab_frames(f"http://127.0.0.1:{port}/video", frames=3, window_s=0.6, timeout=5)
        elapsed = time.monotonic() - started
    assert len(got) == 3
    assert got[0].offset_s == 0
    assert got[1].offset_s == pytest.approx(0.3, abs=0.1)
    assert got[2].offset_s == pytest.approx(0.6, abs=0.1)
    assert elapsed >= 0.6
    assert got[0].image.shape == (360, 640, 3)


def test_hls_video_on_demand_is_sampled_on_its_own_clock(tmp_path: Path) -> None:
    command = "ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240:rate=10 -t 3"
    command += " -c:v mpeg2video -f hls -hls_time 1 -hls_playlist_type vod"
    subprocess.run([*command.split(), str(tmp_path / "cam.m3u8")], check=True, timeout=30)
    with file_server(tmp_path) as port:
        got = grab_frames(f"http://127.0.0.1:{port}/cam.m3u8", frames=3, window_s=2, timeout=5)
    assert [f.offset_s for f in got] == pytest.approx([0.0, 1.0, 2.0])
    assert got[0].image.shape == (240, 320, 3)
