"""The cheap reachability probe: a reason an operator can read, without decoding anything."""

from __future__ import annotations

import time

from easysight_desktop.video.reach import probe
from worker_node.simulator import start_simulator
from worker_node.simulator.cameras import CameraSpec
from worker_node.simulator.faults import Fault


def test_reachable_cameras_and_the_reasons_of_the_others(tmp_path) -> None:  # type: ignore[no-untyped-def]
    down = CameraSpec("down", "Down", Fault.DROPOUT, dropout_up_s=0.01, dropout_down_s=60)
    with start_simulator([CameraSpec("up", "Up"), down]) as sim:
        assert probe(sim.stream_url("up")) is None
        while sim.hubs["down"].available():  # up for 10 ms only
            time.sleep(0.005)
        assert probe(sim.stream_url("down")) == "HTTP 503 Service Unavailable"
        assert probe(sim.stream_url("nope")).startswith("HTTP 404")  # type: ignore[union-attr]
    assert "refused" in (probe("rtsp://127.0.0.1:9/stream1") or "")
    assert probe("http://no-such-host.invalid/x.mjpg", 1.0) is not None
    assert probe(str(tmp_path / "missing.mp4")) == "no such file: missing.mp4"
    (tmp_path / "clip.mp4").write_bytes(b"x")
    assert probe(f"file://{tmp_path / 'clip.mp4'}") is None
