"""Queue figures: passive declares, and the management API when it is configured."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time

import pytest

from easysight_desktop.control.queue_stats import management_stats
from tests.support.broker import BrokerClient, make_task
from worker_node.protocol import Topology

pytestmark = pytest.mark.broker
MANAGEMENT = "http://guest:guest@127.0.0.1:15672/"


def management_answers() -> bool:
    with contextlib.closing(socket.socket()) as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", 15672)) == 0


async def test_management_api_gives_ready_unacked_and_consumers(
    client: BrokerClient, namespace: str
) -> None:
    if not management_answers():
        pytest.fail("the RabbitMQ management API does not answer on 15672; `make test` enables it")
    for _ in range(3):
        await client.publish(make_task())
    topology = Topology(namespace)
    name = topology.task_queue("diagnosis")

    async def diagnosis_queue():  # type: ignore[no-untyped-def]
        views = await management_stats(MANAGEMENT, "/", topology)
        return next(v for v in views if v.name == name)

    # The management API refreshes its figures every few seconds: poll it, with a deadline.
    deadline = time.monotonic() + 20
    view = await diagnosis_queue()
    while view.ready != 3:
        assert time.monotonic() < deadline, f"the management API still says {view}"
        await asyncio.sleep(0.5)  # poll interval of an HTTP API that pushes nothing
        view = await diagnosis_queue()
    assert (view.unacked, view.consumers) == (0, 0)
    assert view.publish_rate is not None


async def test_management_api_errors_are_one_line_without_the_password(namespace: str) -> None:
    with pytest.raises(ConnectionError) as caught:
        await management_stats("http://ops:s3cret@127.0.0.1:1/", "/", Topology(namespace))
    assert "s3cret" not in str(caught.value) and "127.0.0.1:1" in str(caught.value)
