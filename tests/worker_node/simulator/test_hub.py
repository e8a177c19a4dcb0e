"""Frame hubs: one encode per frame for all viewers, newest-frame delivery, lazy rendering."""

from __future__ import annotations

import threading
import time

import pytest

from tests.worker_node.simulator.mjpeg import wait_until
from worker_node.simulator import CameraSpec, Fault, FrameHub
from worker_node.simulator.hub import BOUNDARY, HubClosed


def make_hub(fault: Fault = Fault.HEALTHY, fps: float = 25, **kwargs: object) -> FrameHub:
    spec = CameraSpec("cam", "Cam", fault, width=320, height=180, fps=fps)
    return FrameHub(spec, linger_s=0.1, **kwargs)  # type: ignore[arg-type]


def test_renders_only_while_watched() -> None:
    hub = make_hub()
    try:
        assert not hub.rendering and hub.frames_encoded == 0
        with hub.watching():
            frame = hub.next_frame(0, timeout=5)
            assert frame is not None and hub.rendering
        wait_until(lambda: not hub.rendering, what="the render thread to stop")
        idle_count = hub.frames_encoded
        assert hub.next_frame(hub.latest_seq, timeout=0.2) is None  # nobody renders any more
        assert hub.frames_encoded == idle_count
    finally:
        hub.close()


def test_viewers_share_each_encoded_frame() -> None:
    hub = make_hub()
    seen: list[list[int]] = [[] for _ in range(3)]

    def watch(out: list[int]) -> None:
        with hub.watching():
            seq = 0
            while len(out) < 15:
                frame = hub.next_frame(seq, timeout=5)
                assert frame is not None
                seq = frame.seq
                out.append(seq)

    threads = [threading.Thread(target=watch, args=(out,)) for out in seen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    hub.close()
    assert all(len(out) == 15 for out in seen)
    # 45 frames delivered, but each was encoded once: the encode count tracks one viewer's.
    assert hub.frames_encoded <= max(out[-1] for out in seen) < 30
    assert len(set(seen[0]) & set(seen[1]) & set(seen[2])) >= 8


def test_a_late_viewer_gets_the_newest_frame_not_a_backlog() -> None:
    hub = make_hub()
    try:
        with hub.watching():
            first = hub.next_frame(0, timeout=5)
            assert first is not None
            wait_until(lambda: hub.latest_seq >= first.seq + 5, what="five more frames")
            newest = hub.next_frame(first.seq, timeout=5)
            assert newest is not None and newest.seq >= first.seq + 5
    finally:
        hub.close()


def test_static_faults_are_encoded_once() -> None:
    hub = make_hub(Fault.FROZEN)
    try:
        with hub.watching():
            frames = []
            seq = 0
            for _ in range(5):
                frame = hub.next_frame(seq, timeout=5)
                assert frame is not None
                frames.append(frame)
                seq = frame.seq
        assert hub.frames_encoded == 1
        assert [f.seq for f in frames] == sorted({f.seq for f in frames})
        assert len({bytes(f.jpeg) for f in frames}) == 1
    finally:
        hub.close()


def test_frame_part_is_a_complete_multipart_chunk() -> None:
    hub = make_hub()
    try:
        frame = hub.snapshot()
        assert frame is not None
        head = frame.part[: frame.jpeg_start].decode()
        assert head.startswith(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n")
        assert f"Content-Length: {len(frame.jpeg)}\r\n" in head
        assert bytes(frame.jpeg[:2]) == b"\xff\xd8" and bytes(frame.jpeg[-2:]) == b"\xff\xd9"
        assert frame.part.endswith(b"\xff\xd9\r\n")
    finally:
        hub.close()


def test_dropout_follows_its_schedule() -> None:
    now = [100.0]
    spec = CameraSpec("flaky", "Flaky", Fault.DROPOUT, 320, 180, dropout_up_s=20, dropout_down_s=10)
    hub = FrameHub(spec, clock=lambda: now[0])
    try:
        assert hub.available() and hub.retry_after_s() == 0
        now[0] += 23
        assert not hub.available()
        assert hub.retry_after_s() == 7
        assert hub.next_frame(0, timeout=1) is None
        assert hub.snapshot(timeout=1) is None
        now[0] += 7
        assert hub.available()
        assert hub.snapshot(timeout=5) is not None
    finally:
        hub.close()


def test_close_releases_waiting_viewers_and_refuses_new_ones() -> None:
    hub = make_hub()
    result: list[object] = []
    with hub.watching():
        waiter = threading.Thread(target=lambda: result.append(hub.next_frame(10**9, timeout=30)))
        waiter.start()
        wait_until(lambda: hub.latest_seq > 0, what="the first frame")
        started = time.monotonic()
        hub.close()
        waiter.join(timeout=5)
    assert result == [None] and time.monotonic() - started < 5
    assert not hub.rendering
    with pytest.raises(HubClosed), hub.watching():
        pass
