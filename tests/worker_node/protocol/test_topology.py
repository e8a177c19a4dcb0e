"""Declaring the topology on the real broker: idempotent, namespaced, and clear on conflict."""

from __future__ import annotations

import aio_pika
import pytest

from tests.support.broker import BROKER_URL
from worker_node.protocol import Topology, TopologyMismatch, declare_topology

pytestmark = pytest.mark.broker


@pytest.fixture
async def channel(namespace: str):
    connection = await aio_pika.connect_robust(BROKER_URL)
    channel = await connection.channel()
    yield channel
    cleanup = await connection.channel()
    for queue_type in ("classic", "quorum"):
        for name in Topology(namespace, queue_type).durable_queues:  # type: ignore[arg-type]
            await cleanup.queue_delete(name)
    await connection.close()


@pytest.mark.parametrize("queue_type", ["classic", "quorum"])
async def test_declare_twice_is_harmless(channel, namespace: str, queue_type: str) -> None:
    topology = Topology(namespace, queue_type)  # type: ignore[arg-type]
    first = await declare_topology(channel, topology)
    second = await declare_topology(channel, topology)
    assert sorted(first.queues) == sorted(second.queues) == sorted(topology.durable_queues)
    assert all(name.startswith(namespace) for name in first.queues)
    assert all(name.startswith(namespace) for name in first.exchanges)
    assert topology.task_queue("diagnosis") == f"{namespace}diagnosis_tasks"


async def test_routing_reaches_the_queue_of_the_kind(channel, namespace: str) -> None:
    declared = await declare_topology(channel, Topology(namespace))
    await declared.tasks.publish(aio_pika.Message(b"{}"), routing_key="event")
    queue = declared.queues[f"{namespace}event_tasks"]
    message = await queue.get(timeout=5)
    assert message.body == b"{}"
    await message.ack()
    assert await declared.queues[f"{namespace}diagnosis_tasks"].get(fail=False) is None


async def test_existing_queue_with_other_arguments_is_named(channel, namespace: str) -> None:
    await declare_topology(channel, Topology(namespace, "classic"))
    with pytest.raises(TopologyMismatch) as caught:
        await declare_topology(channel, Topology(namespace, "quorum"))
    error = caught.value
    assert error.name == f"{namespace}diagnosis_tasks"
    # RabbitMQ names the first argument that differs.
    assert error.argument in ("x-queue-type", "x-max-priority")
    assert "diagnosis_tasks" in str(error) and error.argument in str(error)
    assert "Traceback" not in str(error)
