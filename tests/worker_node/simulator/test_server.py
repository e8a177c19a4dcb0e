"""The HTTP side, read the way the worker reads it: OpenCV (FFmpeg) on the MJPEG URL."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import pytest

from tests.worker_node.simulator.capture import (
    changed_fraction,
    grey,
    open_capture,
    read_frames,
    sharpness,
)
from tests.worker_node.simulator.mjpeg import MjpegStream, wait_until
from worker_node.simulator import (
    BOUNDARY,
    CameraSpec,
    Fault,
    SimulatorServer,
    camera_specs,
    start_simulator,
)


def get(url: str, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body, for error statuses too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(url: str) -> Any:
    status, headers, body = get(url)
    assert status == 200 and headers["Content-Type"] == "application/json"
    return json.loads(body)


def camera_of(sim: SimulatorServer, fault: Fault) -> str:
    return next(spec.id for spec in sim.cameras if spec.fault is fault)


@pytest.fixture
def small_sim() -> Iterator[SimulatorServer]:
    """A private server whose counters no other test touches."""
    with start_simulator(2, size=(320, 180), fps=25, faults="none", linger_s=0.2) as server:
        yield server


def test_cameras_json_lists_every_camera_with_its_urls(sim: SimulatorServer) -> None:
    cameras = get_json(sim.base_url + "cameras.json")
    assert [c["id"] for c in cameras] == [s.id for s in sim.cameras]
    assert {c["fault"] for c in cameras} == {f.value for f in Fault}
    for camera in cameras:
        assert camera["url"] == f"{sim.base_url}cam/{camera['id']}.mjpg"
        assert camera["snapshot_url"] == f"{sim.base_url}cam/{camera['id']}.jpg"
        assert camera["name"] and (camera["width"], camera["height"]) == (640, 360)


def test_index_and_health(sim: SimulatorServer) -> None:
    status, headers, body = get(sim.base_url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert all(spec.name in body.decode() for spec in sim.cameras)
    index = get_json(sim.base_url + "?format=json")
    assert len(index["cameras"]) == len(sim.cameras)
    health = get_json(sim.base_url + "health")
    assert health["status"] == "ok" and health["cameras"] == len(sim.cameras)


@pytest.mark.parametrize("path", ["cam/nowhere.mjpg", "cam/nowhere.jpg", "cam/gate-1.png", "x"])
def test_unknown_camera_or_path_is_404(sim: SimulatorServer, path: str) -> None:
    status, _, body = get(sim.base_url + path)
    assert status == 404
    assert json.loads(body)["error"] == "not found"


def test_snapshot_is_a_current_jpeg(sim: SimulatorServer) -> None:
    status, headers, body = get(sim.snapshot_url("gate-1"))
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape == (360, 640, 3)


def test_stream_is_multipart_mjpeg(sim: SimulatorServer) -> None:
    with MjpegStream(sim.stream_url("lobby")) as stream:
        stream.read_head()
        assert stream.status == 200
        content_type = stream.headers["content-type"]
        assert content_type == f"multipart/x-mixed-replace; boundary={BOUNDARY}"
        parts = stream.read_parts(3)
    assert [p.image().shape for p in parts] == [(360, 640, 3)] * 3
    assert parts[0].seq < parts[1].seq < parts[2].seq


def test_opencv_reads_a_healthy_camera_and_it_moves(sim: SimulatorServer) -> None:
    cap = open_capture(sim.stream_url("gate-1"))
    try:
        frames = read_frames(cap, 20)  # a bit over a second at 15 fps
    finally:
        cap.release()
    assert frames[0].shape == (360, 640, 3)
    assert changed_fraction(frames[0], frames[-1]) > 0.005
    assert not np.array_equal(frames[-2], frames[-1])
    assert sharpness(frames[-1]) > 500


def test_frozen_camera_frames_are_bit_identical(sim: SimulatorServer) -> None:
    cap = open_capture(sim.stream_url(camera_of(sim, Fault.FROZEN)))
    try:
        frames = read_frames(cap, 8)
    finally:
        cap.release()
    assert all(np.array_equal(frames[0], frame) for frame in frames[1:])
    assert grey(frames[0]).std() > 20  # a real picture, just a stuck one
    first, second = (get(sim.snapshot_url(camera_of(sim, Fault.FROZEN)))[2] for _ in range(2))
    assert first == second


def test_dark_camera_is_dark(sim: SimulatorServer) -> None:
    cap = open_capture(sim.stream_url(camera_of(sim, Fault.DARK)))
    try:
        frames = read_frames(cap, 5)
    finally:
        cap.release()
    assert all(grey(frame).mean() < 30 for frame in frames)


def test_no_signal_camera_is_black(sim: SimulatorServer) -> None:
    cap = open_capture(sim.stream_url(camera_of(sim, Fault.NO_SIGNAL)))
    try:
        frames = read_frames(cap, 5)
    finally:
        cap.release()
    assert all(frame.max() <= 2 for frame in frames)


def test_blurred_camera_has_no_detail(sim: SimulatorServer) -> None:
    cap = open_capture(sim.stream_url(camera_of(sim, Fault.BLURRED)))
    try:
        frames = read_frames(cap, 3)
    finally:
        cap.release()
    assert sharpness(frames[-1]) < 100


def test_two_opencv_clients_at_once(sim: SimulatorServer) -> None:
    url = sim.stream_url("car-park-b")
    first, second = open_capture(url), open_capture(url)
    try:
        for _ in range(10):
            for cap in (first, second):
                ok, frame = cap.read()
                assert ok and frame.shape == (360, 640, 3)
        assert sim.hubs["car-park-b"].viewers == 2
    finally:
        first.release()
        second.release()


def test_clients_share_one_encode_per_frame(small_sim: SimulatorServer) -> None:
    hub = small_sim.hubs["gate-1"]
    seqs: list[list[int]] = [[] for _ in range(4)]

    def watch(out: list[int]) -> None:
        with MjpegStream(small_sim.stream_url("gate-1")) as stream:
            stream.read_head()
            out.extend(part.seq for part in stream.read_parts(15))

    threads = [threading.Thread(target=watch, args=(out,)) for out in seqs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert all(len(out) == 15 for out in seqs)
    # 60 frames went out; the encoder ran about as often as for a single client.
    assert hub.frames_encoded <= max(out[-1] for out in seqs) < 40


def test_a_stalled_client_skips_frames_and_blocks_nobody(small_sim: SimulatorServer) -> None:
    hub = small_sim.hubs["lobby"]
    with MjpegStream(small_sim.stream_url("lobby"), rcvbuf=4096) as slow:
        slow.read_head()
        start = slow.read_parts(1)[0].seq
        # While the slow client reads nothing, a normal client still gets every frame on time.
        with MjpegStream(small_sim.stream_url("lobby")) as fast:
            fast.read_head()
            assert len(fast.read_parts(25, deadline_s=5)) == 25
        wait_until(lambda: hub.latest_seq > start + 40, deadline_s=10, what="40 more frames")
        seqs = [part.seq for part in slow.read_parts(25)]
    gaps = [b - a for a, b in zip([start, *seqs], seqs, strict=False)]
    assert all(gap >= 1 for gap in gaps)
    assert max(gaps) > 10  # the backlog was dropped, not queued
    assert seqs[-1] >= hub.latest_seq - 10  # and it is live again


def test_idle_cameras_do_not_render(small_sim: SimulatorServer) -> None:
    get_json(small_sim.base_url + "cameras.json")
    get_json(small_sim.base_url + "health")
    assert all(hub.frames_encoded == 0 for hub in small_sim.hubs.values())
    with MjpegStream(small_sim.stream_url("gate-1")) as stream:
        stream.read_head().read_parts(2)
    hub = small_sim.hubs["gate-1"]
    wait_until(lambda: not hub.rendering, what="gate-1 to stop rendering")
    encoded = hub.frames_encoded
    assert get_json(small_sim.base_url + "health")["rendering"] == []
    assert hub.frames_encoded == encoded
    assert small_sim.hubs["lobby"].frames_encoded == 0


def test_dropout_camera_hangs_up_and_refuses_then_returns() -> None:
    flaky = CameraSpec("flaky", "Flaky", Fault.DROPOUT, 320, 180, 25, 1.0, 1.0)
    with SimulatorServer([flaky], linger_s=0.2) as server:
        with MjpegStream(server.stream_url("flaky")) as stream:
            stream.read_head()
            assert stream.status == 200
            received = 0
            while stream.read_part() is not None:  # the server ends it when the camera drops
                received += 1
                assert received < 200, "stream was never cut"
        statuses: list[int] = []

        def refused() -> bool:
            status, headers, _ = get(server.snapshot_url("flaky"))
            statuses.append(status)
            return status == 503 and int(headers["Retry-After"]) >= 1

        wait_until(refused, deadline_s=3, what="a 503")
        assert get(server.stream_url("flaky"))[0] in (503, 200)
        wait_until(lambda: get(server.snapshot_url("flaky"))[0] == 200, 3, "the camera to return")
        assert set(statuses) <= {200, 503}


def test_stop_ends_streams_and_frees_the_port() -> None:
    server = start_simulator(camera_specs(1, size=(320, 180)))
    stream = MjpegStream(server.stream_url("gate-1"))
    try:
        stream.read_head().read_parts(1)
        server.stop()
        # Frames already in flight may still arrive; then the server must close the stream.
        leftovers = 0
        while stream.read_part() is not None:
            leftovers += 1
            assert leftovers < 50, "stream kept going after stop()"
    finally:
        stream.close()
        server.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass
