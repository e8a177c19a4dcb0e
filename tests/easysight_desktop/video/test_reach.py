"""The cheap reachability probe: a reason an operator can read, without decoding anything."""

from __future__ import annotations

import time

from easysight_desktop.video.reach import Failure, probe
from worker_node.simulator import start_simulator
from worker_node.simulator.cameras import CameraSpec
from worker_node.simulator.faults import Fault


def test_reachable_cameras_and_the_reasons_of_the_others(tmp_path) -> None:  # type: ignore[no-untyped-def]
    down = CameraSpec("down", "Down", Fault.DROPOUT, dropout_up_s=0.01, dropout_down_s=60)
    with start_simulator([CameraSpec("up", "Up"), down]) as sim:
        assert probe(sim.stream_url("up")) is None
        while sim.hubs["down"].available():  # up for 10 ms only
            time.sleep(0.005)
        assert probe(sim.stream_url("down")) == Failure("HTTP 503 Service Unavailable")
        missing = probe(sim.stream_url("nope"))  # a wrong path: to fix, not to wait for
        assert missing is not None and missing.misconfigured
        assert str(missing).startswith("HTTP 404")
    refused = probe("rtsp://127.0.0.1:9/stream1")
    assert refused is not None and "refused" in str(refused) and not refused.misconfigured
    unknown = probe("http://no-such-host.invalid/x.mjpg", 1.0)
    assert unknown is not None and unknown.misconfigured
    assert probe(str(tmp_path / "missing.mp4")) == Failure("no such file: missing.mp4", True)
    (tmp_path / "clip.mp4").write_bytes(b"x")
    assert probe(f"file://{tmp_path / 'clip.mp4'}") is None
