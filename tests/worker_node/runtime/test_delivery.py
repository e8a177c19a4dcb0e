"""Delivery guarantees against the real broker: results, dead letters, deadlines, redelivery."""

from __future__ import annotations

import pytest

from tests.support.broker import BrokerClient, make_task
from tests.support.handlers import noop, slow
from worker_node.protocol import REASON_HEADER, DiagnosisResult

pytestmark = pytest.mark.broker


async def test_task_gets_started_then_succeeded(client: BrokerClient, start_worker) -> None:
    await start_worker(noop)
    task = make_task()
    await client.publish(task)
    final = await client.final_result(task)
    assert final.status == "succeeded"
    assert isinstance(final.result, DiagnosisResult)
    statuses = [r.status for r in client.results_for(task)]
    assert statuses == ["started", "succeeded"]
    assert final.worker_id == "test-worker"
    assert final.duration_ms is not None and final.duration_ms >= 0


async def test_malformed_message_is_dead_lettered_with_reason(
    client: BrokerClient, start_worker
) -> None:
    await start_worker(noop)
    await client.publish_raw(b'{"kind": "diagnosis", "oops": 1}', type="easysight.task.v1")
    await client.publish_raw(b"\xff\xfe not json")
    await client.wait_until(lambda: len(client.dead) == 2, 10, "two dead letters")
    reasons = [m.headers[REASON_HEADER] for m in client.dead]
    assert "task_id: Field required" in reasons[0]
    assert "oops: Extra inputs are not permitted" in reasons[0]
    assert "not UTF-8" in reasons[1]
    # ... and the worker keeps serving.
    task = make_task()
    await client.publish(task)
    assert (await client.final_result(task)).status == "succeeded"


async def test_task_past_its_deadline_reports_timeout(client: BrokerClient, start_worker) -> None:
    await start_worker(slow)
    task = make_task(deadline_s=0.5)
    await client.publish(task)
    final = await client.final_result(task, timeout=10)
    assert final.status == "timeout"
    assert final.error is not None and final.error.code == "deadline"
    assert final.duration_ms is not None and 400 < final.duration_ms < 5000


async def test_worker_timeout_setting_caps_the_task_deadline(
    client: BrokerClient, start_worker
) -> None:
    await start_worker(slow, task_timeout=0.5)
    task = make_task(deadline_s=300)
    await client.publish(task)
    assert (await client.final_result(task, timeout=10)).status == "timeout"


async def test_redelivered_task_is_counted_and_dead_lettered_past_max_attempts(
    client: BrokerClient, start_worker
) -> None:
    """A delivery that already carries max_attempts in its count is a poison task."""
    await start_worker(noop, max_attempts=2)
    task = make_task()
    from worker_node.protocol import DELIVERIES_HEADER, to_amqp

    message = to_amqp(task)
    message.headers = {DELIVERIES_HEADER: 3}
    assert client.declared is not None
    await client.declared.tasks.publish(message, routing_key="diagnosis")
    final = await client.final_result(task)
    assert final.status == "failed"
    assert final.error is not None and final.error.code == "poison"
    await client.wait_until(lambda: len(client.dead) == 1, 10, "the dead letter")
    assert "delivered 3 times" in client.dead[0].headers[REASON_HEADER]


async def test_unsupported_params_fail_clearly(client: BrokerClient, start_worker) -> None:
    from worker_node.runtime.execution import TaskError

    def refuse(task, cancel):
        raise TaskError("bad_params", "unknown check 'sparkle'")

    await start_worker(refuse)
    task = make_task()
    await client.publish(task)
    final = await client.final_result(task)
    assert final.status == "failed"
    assert final.error is not None
    assert (final.error.code, final.error.message) == ("bad_params", "unknown check 'sparkle'")


async def test_handler_bug_fails_the_task_not_the_worker(
    client: BrokerClient, start_worker
) -> None:
    def broken(task, cancel):
        raise ZeroDivisionError("division by zero")

    await start_worker(broken)
    first, second = make_task(), make_task()
    await client.publish(first)
    await client.publish(second)
    for task in (first, second):
        final = await client.final_result(task)
        assert final.status == "failed"
        assert final.error is not None and final.error.code == "internal_error"
