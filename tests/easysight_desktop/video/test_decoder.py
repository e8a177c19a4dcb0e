"""Tile decoders against a real simulator: newest frame scaled for painting, honest link state,
reconnection with backoff when the stream comes back, a switch of URL, and a clean stop."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from easysight_desktop.video.decoder import DECODER_NICE, THREAD_PREFIX, TileDecoder
from easysight_desktop.video.link import LinkState
from tests.easysight_desktop.video.waiting import wait_for
from worker_node.simulator import start_simulator
from worker_node.simulator.cameras import CameraSpec
from worker_node.simulator.server import SimulatorServer

MAIN = CameraSpec("main", "Gate", width=640, height=360, fps=15)
SUB = CameraSpec("sub", "Gate (substream)", width=320, height=180, fps=15)


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    with start_simulator([MAIN, SUB]) as server:
        yield server


@pytest.fixture
def decoders() -> Iterator[list[TileDecoder]]:
    made: list[TileDecoder] = []
    yield made
    assert all(d.close(5) for d in made)


def test_keeps_the_newest_frame_scaled_and_laid_out_for_painting(sim, decoders) -> None:  # type: ignore[no-untyped-def]
    decoder = TileDecoder(sim.stream_url("main"), name="t")
    decoder.set_size(200, 200)  # a square tile: the 16:9 picture fits its width
    decoders.append(decoder.start())
    wait_for(lambda: decoder.latest() is not None, 10, "a first frame")
    first = decoder.latest()
    assert first is not None and first.pixels.shape == (112, 200, 4)  # BGRA, aspect kept
    wait_for(lambda: decoder.latest().seq > first.seq + 3, 5, "newer frames")  # type: ignore[union-attr]
    status = decoder.status()
    assert status.state is LinkState.LIVE and status.reason == ""
    wait_for(lambda: decoder.status().fps > 5, 3, "a measured frame rate")  # after 0.5 s live
    assert decoder.status().fps < 20  # the camera sends 15 frames/s
    assert decoder.snapshot().shape == (360, 640, 3)  # type: ignore[union-attr]


def test_a_dead_camera_is_lost_at_once_with_the_reason(decoders) -> None:  # type: ignore[no-untyped-def]
    decoder = TileDecoder("http://127.0.0.1:9/cam/x.mjpg", name="dead")
    decoders.append(decoder.start())
    took = wait_for(lambda: decoder.status().state is LinkState.LOST, 3, "the lost state")
    assert took < 1.0
    status = decoder.status()
    assert "refused" in status.reason and status.last_frame_at is None
    assert not status.misconfigured  # a camera that is down, not a wrong address
    assert decoder.latest() is None and status.retry_in_s > 0


def test_a_stream_that_stops_is_lost_and_comes_back_by_itself(decoders) -> None:  # type: ignore[no-untyped-def]
    server = start_simulator([MAIN])
    port = server.port
    decoder = TileDecoder(server.stream_url("main"), name="flaky")
    decoders.append(decoder.start())
    try:
        wait_for(lambda: decoder.status().state is LinkState.LIVE, 10, "live")
        server.stop()
        wait_for(lambda: decoder.status().state is LinkState.LOST, 3, "the lost state")
        lost = decoder.status()
        assert lost.last_frame_at is not None and decoder.latest() is None  # no stale picture
        server = start_simulator([MAIN], port=port)
        wait_for(lambda: decoder.status().state is LinkState.LIVE, 10, "the stream back")
        assert decoder.latest() is not None
    finally:
        server.stop()


def test_switching_url_plays_the_other_stream_and_never_shows_the_old_picture(
    sim, decoders
) -> None:  # type: ignore[no-untyped-def]
    decoder = TileDecoder(sim.stream_url("sub"), name="switch")
    decoder.set_size(1000, 1000)
    decoders.append(decoder.start())
    wait_for(lambda: decoder.latest() is not None, 10, "a first frame")
    decoder.set_url(sim.stream_url("main"))
    assert decoder.latest() is None  # at once: the substream's frame is not the main stream's
    wait_for(lambda: decoder.latest() is not None, 10, "the main stream")
    assert decoder.snapshot().shape == (360, 640, 3)  # type: ignore[union-attr]
    assert decoder.status().url == sim.stream_url("main")


def test_stop_ends_the_thread_even_while_waiting_to_reconnect(sim) -> None:  # type: ignore[no-untyped-def]
    live = TileDecoder(sim.stream_url("main"), name="live").start()
    dead = TileDecoder("http://127.0.0.1:9/x.mjpg", name="waiting").start()
    wait_for(lambda: live.latest() is not None, 10, "a frame")
    wait_for(lambda: dead.status().state is LinkState.LOST, 3, "the lost state")
    started = time.monotonic()
    assert live.close(5) and dead.close(5)
    assert time.monotonic() - started < 2
    assert not [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)]
    assert live.status().state is LinkState.STOPPED


def test_a_file_plays_in_a_loop_at_its_own_pace(tmp_path, decoders) -> None:  # type: ignore[no-untyped-def]
    import cv2
    import numpy as np

    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 20, (64, 48))
    for n in range(6):
        writer.write(np.full((48, 64, 3), n * 40, np.uint8))
    writer.release()
    decoder = TileDecoder(str(path), name="file")
    decoders.append(decoder.start())
    wait_for(lambda: decoder.decoded > 12, 5, "the file to loop")  # 6 frames, played twice
    assert decoder.status().state is LinkState.LIVE
    assert decoder.status().fps < 30  # paced at 20 fps, not decoded flat out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_decoders_run_below_the_gui_threads_priority(sim, decoders) -> None:  # type: ignore[no-untyped-def]
    decoder = TileDecoder(sim.stream_url("sub"), name="nice")
    decoders.append(decoder.start())
    wait_for(lambda: decoder.latest() is not None, 10, "a frame")
    ours = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    theirs = os.getpriority(os.PRIO_PROCESS, decoder._thread.native_id)  # type: ignore[arg-type]
    assert theirs == min(19, ours + DECODER_NICE)
