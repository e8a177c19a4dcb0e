"""The wall's decoder processes against a real simulator: frames and link state reach the
console through shared memory, a URL switch never shows the old stream's picture, snapshots are
written by the decoder process, a decoder process that dies is restarted with its tiles (shown
lost meanwhile), and shutdown leaves no process and no shared memory behind."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from easysight_desktop.video.link import LinkState
from easysight_desktop.video.pool import DecoderPool, RemoteDecoder
from tests.easysight_desktop.video.waiting import wait_for
from worker_node.simulator import start_simulator
from worker_node.simulator.cameras import CameraSpec
from worker_node.simulator.server import SimulatorServer

WIDE = CameraSpec("wide", "Gate", width=640, height=360, fps=15)  # 16:9
SQUARE = CameraSpec("square", "Yard", width=320, height=240, fps=15)  # 4:3
DEAD_URL = "http://127.0.0.1:9/cam/none.mjpg"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    with start_simulator([WIDE, SQUARE]) as server:
        yield server


@pytest.fixture
def pool() -> Iterator[DecoderPool]:
    pool = DecoderPool(processes=2, max_pixels=640 * 480)
    yield pool
    pool.shutdown()
    assert pool.pids == []


def started(pool: DecoderPool, url: str, size: tuple[int, int] = (200, 200)) -> RemoteDecoder:
    decoder = pool.decoder(url, name="t")
    decoder.set_size(*size)
    return decoder.start()


def live(decoder: RemoteDecoder) -> bool:
    return decoder.latest() is not None and decoder.status().state is LinkState.LIVE


def test_frames_and_link_state_arrive_from_the_decoder_process(pool, sim) -> None:  # type: ignore[no-untyped-def]
    wide = started(pool, sim.stream_url("wide"))
    square = started(pool, sim.stream_url("square"))
    wait_for(lambda: live(wide) and live(square), 10, "two live tiles")
    assert wide.latest().pixels.shape == (112, 200, 4)  # type: ignore[union-attr]
    assert square.latest().pixels.shape == (150, 200, 4)  # type: ignore[union-attr]
    assert len(pool.pids) == 2 and os.getpid() not in pool.pids  # one tile in each process
    first = wide.latest().seq  # type: ignore[union-attr]
    wait_for(lambda: wide.latest().seq > first + 3, 5, "newer frames")  # type: ignore[union-attr]
    wait_for(lambda: wide.status().fps > 5, 3, "a measured frame rate")
    assert wide.status().last_frame_at is not None and wide.decoded > 3
    assert pool.running == 2
    assert wide.close(5) and not wide.alive
    assert wide.latest() is None and wide.status().state is LinkState.STOPPED
    assert pool.running == 1


def test_the_first_picture_of_a_stream_is_never_shown_under_connecting(pool, sim) -> None:  # type: ignore[no-untyped-def]
    tile = started(pool, sim.stream_url("wide"))
    for what in ("the first stream", "the second stream"):
        wait_for(lambda: tile.latest() is not None, 10, what)
        assert tile.status().state is LinkState.LIVE  # read as soon as the picture is there
        tile.set_url(sim.stream_url("square" if what == "the first stream" else "wide"))


def test_a_switched_url_never_shows_the_old_streams_picture(pool, sim) -> None:  # type: ignore[no-untyped-def]
    tile = started(pool, sim.stream_url("wide"))
    wait_for(lambda: live(tile), 10, "the first stream")
    tile.set_url(sim.stream_url("square"))
    assert tile.latest() is None and tile.status().state is LinkState.CONNECTING
    shapes: set[tuple[int, ...]] = set()

    def square_seen() -> bool:
        frame = tile.latest()
        if frame is not None:
            shapes.add(frame.pixels.shape)
        return frame is not None and tile.status().state is LinkState.LIVE

    wait_for(square_seen, 10, "the second stream")
    assert shapes == {(150, 200, 4)}  # never a 16:9 frame after the switch
    assert tile.status().url == sim.stream_url("square")


def test_a_snapshot_is_the_full_size_frame_or_a_clear_error(pool, sim, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tile = started(pool, sim.stream_url("wide"))
    dead = started(pool, DEAD_URL)
    wait_for(lambda: live(tile), 10, "a live tile")
    saved = tile.snapshot_to(tmp_path / "gate.jpg").result(5)
    assert saved == tmp_path / "gate.jpg"
    assert cv2.imread(str(saved)).shape == (360, 640, 3)
    with pytest.raises(OSError, match="not live"):
        dead.snapshot_to(tmp_path / "dead.jpg").result(5)
    with pytest.raises(OSError):
        tile.snapshot_to(tmp_path / "no" / "such" / "\0dir.jpg").result(5)
    assert not list(tmp_path.glob("dead*"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL and /dev/shm")
def test_a_decoder_process_that_dies_is_restarted_and_its_tiles_come_back(pool, sim) -> None:  # type: ignore[no-untyped-def]
    tile = started(pool, sim.stream_url("wide"))
    wait_for(lambda: live(tile), 10, "a live tile")
    [victim] = pool.pids
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: tile.status().state is LinkState.LOST, 3, "the lost state")
    assert "decoder process stopped" in tile.status().reason and tile.latest() is None
    wait_for(lambda: live(tile), 10, "the tile back")
    assert len(pool.pids) == 1 and victim not in pool.pids
    assert tile.status().url == sim.stream_url("wide")


def test_a_bad_command_does_not_end_the_process(pool, sim) -> None:  # type: ignore[no-untyped-def]
    tile = started(pool, sim.stream_url("wide"))
    wait_for(lambda: live(tile), 10, "a live tile")
    [process] = pool.pids
    pool._hosts[0].send("size", 999_999, 10, 10)  # type: ignore[union-attr]  # no such tile
    pool._hosts[0].send("rewind", tile.tile)  # type: ignore[union-attr]  # no such command
    seq = tile.latest().seq  # type: ignore[union-attr]
    wait_for(lambda: tile.latest().seq > seq + 3, 5, "frames still coming")  # type: ignore[union-attr]
    assert pool.pids == [process]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="shared memory in /dev/shm")
def test_shutdown_ends_every_process_and_frees_the_shared_memory(sim) -> None:  # type: ignore[no-untyped-def]
    pool = DecoderPool(processes=2)
    tiles = [started(pool, sim.stream_url(n)) for n in ("wide", "square", "wide")]
    tiles.append(started(pool, DEAD_URL))
    wait_for(lambda: all(live(t) for t in tiles[:3]), 10, "three live tiles")
    names = [Path("/dev/shm") / t.slot.name.lstrip("/") for t in tiles]
    assert all(name.exists() for name in names)
    processes = pool.pids
    assert pool.shutdown(timeout=6)
    assert pool.pids == [] and not any(t.alive for t in tiles)
    assert not any(name.exists() for name in names)
    for pid in processes:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert pool.running == 0
    late = pool.decoder(sim.stream_url("wide")).start()  # after shutdown: refused, not started
    assert not late.alive and late.status().state is LinkState.LOST
