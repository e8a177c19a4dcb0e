"""The 16-tile wall preset: sixteen 720p cameras at 25 frames/s, each with a 640x360 substream."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.worker_node.simulator.capture import open_capture, read_frames
from tests.worker_node.simulator.mjpeg import MjpegStream, wait_until
from worker_node.simulator import CameraSpec, Fault, SimulatorServer, camera_specs, start_simulator
from worker_node.simulator.cli import main


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def wall() -> Iterator[SimulatorServer]:
    with start_simulator(16, size=(1280, 720), fps=25, faults="wall", linger_s=0.3) as server:
        yield server


def test_wall_preset_lists_sixteen_720p_cameras_with_substreams(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--wall", "--list"]) == 0
    cameras = json.loads(capsys.readouterr().out)
    assert len(cameras) == 16
    assert {(c["width"], c["height"], c["fps"]) for c in cameras} == {(1280, 720, 25)}
    assert {c["fault"] for c in cameras} == {"healthy", "dark", "blurred", "frozen", "dropout"}
    assert sum(c["fault"] == "healthy" for c in cameras) == 12
    for camera in cameras:
        assert camera["substream"] == {"width": 640, "height": 360}
        assert camera["substream_url"].endswith(f"/sub/{camera['id']}.mjpg")
        assert camera["url"].endswith(f"/cam/{camera['id']}.mjpg")


def test_wall_preset_options_can_be_overridden(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--wall", "--list", "--cameras", "4", "--faults", "none"]) == 0
    cameras = json.loads(capsys.readouterr().out)
    assert [(c["width"], c["fps"], c["fault"]) for c in cameras] == [(1280, 25, "healthy")] * 4


def test_main_stream_is_720p_at_25_frames_per_second(wall: SimulatorServer) -> None:
    with MjpegStream(wall.stream_url("gate-1")) as stream:
        stream.read_head()
        parts = stream.read_parts(51)
    assert parts[-1].image().shape == (720, 1280, 3)
    stamps = [float(part.headers["x-timestamp"]) for part in parts[1:]]
    fps = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert 22 <= fps <= 26


def test_substream_is_640x360_and_opencv_reads_it(wall: SimulatorServer) -> None:
    with urllib.request.urlopen(wall.base_url + "cameras.json", timeout=5) as response:
        cameras = {camera["id"]: camera for camera in json.load(response)}
    cap = open_capture(cameras["lobby"]["substream_url"])
    try:
        frames = read_frames(cap, 5)
    finally:
        cap.release()
    assert {frame.shape for frame in frames} == {(360, 640, 3)}
    assert status_of(wall.base_url + "sub/lobby.jpg") == 200
    assert status_of(wall.base_url + "sub/nowhere.mjpg") == 404


def test_serving_a_full_wall_encodes_each_loop_frame_once(wall: SimulatorServer) -> None:
    hub = wall.sub_hubs["car-park-b"]
    loop_frames = round(hub.spec.loop_s * hub.spec.fps)
    with MjpegStream(wall.substream_url("car-park-b")) as stream:
        stream.read_head()
        wait_until(lambda: hub.latest_seq > loop_frames + 30, 15, "more than one loop of frames")
        assert stream.read_part() is not None
    assert hub.frames_encoded <= loop_frames


def test_dropout_camera_drops_both_streams_and_comes_back() -> None:
    flaky = CameraSpec("flaky", "Flaky", Fault.DROPOUT, 640, 360, 25, 1.5, 1.0)
    with SimulatorServer([flaky], linger_s=0.2) as server:
        with MjpegStream(server.substream_url("flaky")) as stream:
            stream.read_head()
            assert stream.status == 200
            received = 0
            while stream.read_part() is not None:  # cut when the camera drops
                received += 1
                assert received < 200, "the substream was never cut"
        assert status_of(server.stream_url("flaky")) == 503
        wait_until(lambda: status_of(server.snapshot_url("flaky")) == 200, 3, "the camera back")
        with MjpegStream(server.substream_url("flaky")) as stream:
            stream.read_head()
            assert stream.status == 200
            assert stream.read_parts(3)[0].image().shape == (180, 320, 3)


def test_prepare_encodes_every_loop_before_serving() -> None:
    specs = camera_specs(2, size=(320, 180), fps=10, faults="none", loop_s=1.0)
    server = SimulatorServer(specs, linger_s=0.2)
    server.prepare()
    assert [hub.cache_state() for hub in server.all_hubs()] == [(10, 10)] * 4
    with server:
        with urllib.request.urlopen(server.base_url + "health", timeout=5) as response:
            health = json.load(response)
        assert health["loop_frames"] == {"encoded": 40, "of": 40}
        with MjpegStream(server.substream_url("gate-1")) as stream:
            stream.read_head()
            assert len(stream.read_parts(15)) == 15  # more than a loop
    assert all(hub.frames_encoded == 10 for hub in server.all_hubs())
