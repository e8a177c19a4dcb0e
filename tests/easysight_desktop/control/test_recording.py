"""Recording is idempotent: duplicates once, stale attempts ignored, malformed dead-lettered."""

from __future__ import annotations

import uuid

import aio_pika
import pytest
from sqlalchemy import func, select

from easysight_desktop.control.db.models import Alarm, DiagnosisResult, TaskAttempt
from easysight_desktop.control.events import ResultRecorded
from easysight_desktop.control.views import CameraInput
from tests.support.broker import BrokerClient
from worker_node.protocol import (
    REASON_HEADER,
    CheckResult,
    ResultMessage,
    to_amqp,
    utcnow,
)
from worker_node.protocol import (
    DiagnosisResult as WireDiagnosis,
)

pytestmark = pytest.mark.broker


def final(task_id: uuid.UUID, attempt: int, status: str = "warning") -> ResultMessage:
    check = CheckResult(type="brightness", score=45, status=status, message="dark")  # type: ignore[arg-type]
    return ResultMessage(
        task_id=task_id,
        attempt=attempt,
        kind="diagnosis",
        worker_id="w1",
        status="succeeded",
        started_at=utcnow(),
        finished_at=utcnow(),
        duration_ms=12.0,
        result=WireDiagnosis(overall=status, checks=[check]),  # type: ignore[arg-type]
    )


async def created_task(plane, log):
    camera = await plane.add_camera(CameraInput(name="Dock", url="noop://dock"))
    [task] = await plane.create_tasks(
        "diagnosis", {"checks": ["brightness"]}, camera_ids=[camera.id], submit_now=False
    )
    await log.arrived.wait_until(plane.broker.connected.is_set, 10, "the broker")
    return task


async def publish_results(client: BrokerClient, *results: ResultMessage) -> None:
    assert client.declared is not None
    for result in results:
        await client.declared.results.publish(to_amqp(result), routing_key="")


def count(plane, model, **where) -> int:  # type: ignore[no-untyped-def]
    def work(session):  # type: ignore[no-untyped-def]
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.scalar(query)

    return plane.db.run_blocking(work)


async def test_duplicated_result_is_recorded_once(make_plane, client: BrokerClient) -> None:
    plane, log = await make_plane()
    task = await created_task(plane, log)
    result = final(task.id, 1)
    await publish_results(client, result, result, result)
    await log.arrived.wait_until(
        lambda: plane.recorder.recorded + plane.recorder.duplicates >= 3, 10, "three deliveries"
    )
    assert len(log.of(ResultRecorded)) == 1
    assert count(plane, TaskAttempt, task_id=task.id) == 1
    assert count(plane, DiagnosisResult, task_id=task.id) == 1
    assert count(plane, Alarm, task_id=task.id) == 1
    assert (await plane.task(task.id)).state == "completed"  # type: ignore[union-attr]


async def test_stale_attempt_is_ignored(make_plane, client: BrokerClient) -> None:
    plane, log = await make_plane()
    task = await created_task(plane, log)
    await plane.cancel(task.id)
    retried = await plane.retry(task.id)
    assert retried.attempt == 2
    await publish_results(client, final(task.id, 1, status="critical"))
    await log.arrived.wait_until(lambda: plane.recorder.stale == 1, 10, "the stale result")
    now = await plane.task(task.id)
    assert now is not None and now.attempt == 2 and now.state in ("pending", "queued")
    assert now.overall is None
    # The stale attempt is kept for the record, and the current one still completes.
    await publish_results(client, final(task.id, 2, status="normal"))
    await log.arrived.wait_until(lambda: plane.recorder.recorded == 2, 10, "attempt 2")
    done = await plane.task(task.id)
    assert done is not None and (done.state, done.overall) == ("completed", "normal")
    assert [r.attempt for r in await plane.results(task.id)] == [2, 1]


async def test_malformed_result_goes_to_dead_letters(make_plane, client: BrokerClient) -> None:
    plane, log = await make_plane()
    await log.arrived.wait_until(plane.broker.connected.is_set, 10, "the broker")
    assert client.declared is not None

    await client.declared.results.publish(
        aio_pika.Message(b'{"task_id": 1}', type="easysight.result.v1"), routing_key=""
    )
    await client.wait_until(lambda: bool(client.dead), 10, "the dead letter")
    assert "invalid message" in client.dead[0].headers[REASON_HEADER]
    # ... and the recorder keeps recording.
    task = await created_task(plane, log)
    await publish_results(client, final(task.id, 1))
    await log.arrived.wait_until(lambda: plane.recorder.recorded == 1, 10, "a good result")
