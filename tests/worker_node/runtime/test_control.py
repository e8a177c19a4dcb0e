"""Control commands and heartbeats, against the real broker."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.broker import BrokerClient, make_task
from tests.support.handlers import noop, slow
from worker_node.protocol import ControlMessage, HeartbeatMessage, decode, to_amqp

pytestmark = pytest.mark.broker


async def send(client: BrokerClient, command: str, target: str = "all", **fields: object) -> None:
    assert client.declared is not None
    message = ControlMessage(command=command, issued_by="pytest", **fields)  # type: ignore[arg-type]
    await client.declared.control.publish(to_amqp(message), routing_key=f"worker.{target}")


async def heartbeats(client: BrokerClient) -> list[HeartbeatMessage]:
    """Collect heartbeats from a live queue bound to the heartbeat fanout."""
    assert client.declared is not None
    beats: list[HeartbeatMessage] = []
    queue = await client.channel.declare_queue("", exclusive=True, auto_delete=True)
    await queue.bind(client.declared.heartbeat)

    async def on_beat(message) -> None:
        beats.append(decode(message.body, message.type, HeartbeatMessage))
        client.arrived.notify()

    await queue.consume(on_beat, no_ack=True)
    return beats


async def test_heartbeat_carries_the_contract_fields(client: BrokerClient, start_worker) -> None:
    beats = await heartbeats(client)
    await start_worker(noop, heartbeat_interval=0.2, max_concurrent_tasks=2)
    await client.wait_until(lambda: len(beats) >= 2, 10, "two heartbeats")
    beat = beats[-1]
    assert beat.worker_id == "test-worker"
    assert beat.state == "online"
    assert beat.capacity == 2
    assert beat.kinds == ["diagnosis"]
    assert beat.interval_s == 0.2
    assert "CPUExecutionProvider" in beat.providers
    assert beat.sent_at >= beat.started_at


async def test_pause_stops_taking_tasks_and_resume_takes_them_again(
    client: BrokerClient, start_worker
) -> None:
    beats = await heartbeats(client)
    await start_worker(noop)
    await send(client, "pause", "test-worker")
    await client.wait_until(lambda: any(b.state == "paused" for b in beats), 10, "paused")
    task = make_task()
    await client.publish(task)
    with pytest.raises(AssertionError, match="timed out"):
        await client.final_result(task, timeout=1.0)
    await send(client, "resume")
    assert (await client.final_result(task)).status == "succeeded"


async def test_cancel_stops_a_running_task(client: BrokerClient, start_worker) -> None:
    worker = await start_worker(slow)
    task = make_task()
    await client.publish(task)
    await client.wait_until(lambda: bool(client.results_for(task)), 10, "started")
    await send(client, "cancel", task_id=task.task_id)
    final = await client.final_result(task)
    assert final.status == "cancelled"
    assert final.error is not None and "pytest" in final.error.message
    assert (worker.completed, worker.failed) == (0, 0)


async def test_cancel_before_delivery_skips_the_task(client: BrokerClient, start_worker) -> None:
    worker = await start_worker(noop)
    await send(client, "pause")
    task = make_task()
    await send(client, "cancel", task_id=task.task_id)
    await client.publish(task)
    # Control messages share one queue: the cancel is applied before the resume that follows.
    await send(client, "resume")
    final = await client.final_result(task)
    assert final.status == "cancelled"
    assert [r.status for r in client.results_for(task)] == ["cancelled"]
    assert worker.completed == 0


async def test_drain_finishes_running_work_then_stops(client: BrokerClient, start_worker) -> None:
    def short(task, cancel):
        cancel.wait(0.5)
        return noop(task, cancel)

    worker = await start_worker(short)
    running = make_task()
    await client.publish(running)
    await client.wait_until(lambda: bool(client.results_for(running)), 10, "started")
    await send(client, "drain")
    await asyncio.wait_for(worker._stop.wait(), 10)
    assert (await client.final_result(running)).status == "succeeded"
    waiting = make_task()
    await client.publish(waiting)
    with pytest.raises(AssertionError, match="timed out"):
        await client.final_result(waiting, timeout=1.0)


async def test_shutdown_hands_unfinished_work_back_uncounted(
    client: BrokerClient, start_worker
) -> None:
    first = await start_worker(slow, shutdown_grace=0.2)
    task = make_task()
    await client.publish(task)
    await client.wait_until(lambda: bool(client.results_for(task)), 10, "started")
    await send(client, "shutdown", "test-worker")
    await asyncio.wait_for(first._stop.wait(), 10)
    # The next worker gets it as a fresh, uncounted delivery and finishes it.
    second = await start_worker(noop, worker_id="second", max_attempts=1)
    final = await client.final_result(task)
    assert final.status == "succeeded" and final.worker_id == "second"
    assert second.completed == 1
