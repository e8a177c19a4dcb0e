"""A diagnosis task for a simulated camera goes through a real worker and comes back right."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.support.broker import BrokerClient, make_task
from worker_node.protocol import DiagnosisParams, DiagnosisResult
from worker_node.simulator import SimulatorServer, camera_specs

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorServer]:
    server = SimulatorServer(camera_specs()).start()
    yield server
    server.stop()


def camera_url(simulator: SimulatorServer, fault: str) -> str:
    spec = next(s for s in simulator.cameras if s.fault.value == fault)
    return f"{simulator.base_url}cam/{spec.id}.mjpg"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PARAMS = DiagnosisParams(
    checks=["brightness", "clarity", "freeze", "signal_loss"], frames=4, window_s=1.0
)


@pytest.mark.parametrize(
    ("fault", "overall", "finding"),
    [
        ("healthy", "normal", None),
        ("dark", None, "brightness"),
        ("blurred", None, "clarity"),
        ("frozen", None, "freeze"),
        ("no_signal", "critical", "signal_loss"),
    ],
)
async def test_simulated_camera_diagnosed_with_the_right_statuses(
    client: BrokerClient, start_worker, simulator: SimulatorServer, fault: str, overall, finding
) -> None:
    await start_worker()  # the real handler: OpenCV over HTTP MJPEG
    task = make_task(camera_url(simulator, fault), params=PARAMS)
    await client.publish(task)
    final = await client.final_result(task, timeout=30)
    assert final.status == "succeeded", final.error
    result = final.result
    assert isinstance(result, DiagnosisResult)
    statuses = {check.type: check.status for check in result.checks}
    if overall is not None:
        assert result.overall == overall, statuses
    if finding is None:
        assert set(statuses.values()) == {"normal"}, statuses
    else:
        assert statuses[finding] in ("error", "critical"), statuses
        assert result.overall in ("error", "critical")
    assert result.snapshot_jpeg, "a snapshot of the last frame is attached"


async def test_unreachable_camera_is_signal_loss_within_the_time_limit(
    client: BrokerClient, start_worker
) -> None:
    await start_worker(source_timeout=2.0)
    task = make_task(f"rtsp://127.0.0.1:{closed_port()}/nothing", params=PARAMS)
    began = time.monotonic()
    await client.publish(task)
    final = await client.final_result(task, timeout=30)
    elapsed = time.monotonic() - began
    assert final.status == "succeeded"
    assert isinstance(final.result, DiagnosisResult)
    assert final.result.overall == "critical"
    loss = [c for c in final.result.checks if c.type == "signal_loss"]
    assert loss and loss[0].status == "critical" and loss[0].message
    assert elapsed < 2.0 + 3.0, f"took {elapsed:.1f} s with a 2 s source limit"
