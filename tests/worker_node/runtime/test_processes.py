"""Whole worker processes against the real broker: SIGKILL, crash loops, SIGTERM, broker restart."""

from __future__ import annotations

import asyncio
import signal

import pytest

from tests.support.broker import BrokerClient, make_task, rabbitmqctl
from tests.support.handlers import noop
from worker_node.protocol import REASON_HEADER

pytestmark = [pytest.mark.broker, pytest.mark.slow]


async def test_sigkill_mid_task_another_worker_completes_it_once(
    client: BrokerClient, spawn, start_worker
) -> None:
    doomed = spawn("slow", "doomed")
    await doomed.ready()
    task = make_task()
    await client.publish(task)
    await client.wait_until(lambda: bool(client.results_for(task)), 15, "the task to start")
    assert client.results_for(task)[0].worker_id == "doomed"
    doomed.proc.send_signal(signal.SIGKILL)
    assert await doomed.exit_code() == -signal.SIGKILL

    await start_worker(noop, worker_id="rescuer")
    final = await client.final_result(task, timeout=20)
    assert (final.status, final.worker_id, final.attempt) == ("succeeded", "rescuer", 1)
    # Publish one more task through the same queue to be sure nothing else is on its way.
    marker = make_task()
    await client.publish(marker)
    await client.final_result(marker)
    assert len(client.results_for(task, final_only=True)) == 1


async def test_task_that_crashes_every_worker_is_dead_lettered_after_max_attempts(
    client: BrokerClient, spawn
) -> None:
    task = make_task()
    await client.publish(task)
    crashes = 0
    while not client.dead:
        assert crashes <= 4, "the poison task was never dead-lettered"
        worker = spawn("crash", f"crasher-{crashes}", max_attempts=3)
        exited = asyncio.ensure_future(worker.exit_code(timeout=30))
        dead = asyncio.ensure_future(
            client.wait_until(lambda: bool(client.dead), 30, "a dead letter")
        )
        done, _ = await asyncio.wait({exited, dead}, return_when=asyncio.FIRST_COMPLETED)
        if exited in done:
            assert exited.result() == 70, "the worker exited without crashing"
            crashes += 1
        for waiting in (exited, dead):
            waiting.cancel()
    await client.wait_until(lambda: bool(client.dead), 10, "the dead letter")
    assert crashes == 3
    assert "delivered 4 times" in client.dead[0].headers[REASON_HEADER]
    final = await client.final_result(task)
    assert final.status == "failed"
    assert final.error is not None and final.error.code == "poison"


async def test_broker_restart_under_a_running_worker_loses_nothing(
    client: BrokerClient, start_worker
) -> None:
    def steady(task, cancel):
        cancel.wait(0.2)
        return noop(task, cancel)

    await start_worker(steady, max_concurrent_tasks=2)
    before = [make_task() for _ in range(6)]
    for task in before:
        await client.publish(task)
    await client.wait_until(lambda: bool(client.results), 10, "the first result")
    try:
        await asyncio.to_thread(rabbitmqctl, "stop_app")
    finally:
        await asyncio.to_thread(rabbitmqctl, "start_app")
    await asyncio.to_thread(rabbitmqctl, "await_startup")
    after = [make_task() for _ in range(3)]
    for task in after:
        await client.publish(task)
    for task in before + after:
        final = await client.final_result(task, timeout=60)
        assert final.status == "succeeded"
    marker = make_task()
    await client.publish(marker)
    await client.final_result(marker, timeout=30)
    # A result whose confirm the restart cut off is sent again (the console records one per
    # task and attempt): copies of one outcome are allowed, a second run of the task is not.
    for task in before + after:
        runs = {(r.attempt, r.worker_id, r.finished_at) for r in client.results_for(task, True)}
        assert len(runs) == 1, f"task {task.task_id} ran {len(runs)} times: {runs}"
