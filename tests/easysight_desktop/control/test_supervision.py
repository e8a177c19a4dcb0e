"""Supervision and outages: offline workers' tasks re-queued, the outbox across a broker outage."""

from __future__ import annotations

import asyncio
import signal

import pytest
from sqlalchemy import inspect

from easysight_desktop.control.db.database import Database
from easysight_desktop.control.db.migrate import current_revision, head_revision
from easysight_desktop.control.events import BrokerStateChanged, TasksChanged
from easysight_desktop.control.views import CameraInput
from tests.support.broker import rabbitmqctl
from tests.support.handlers import noop

pytestmark = pytest.mark.broker


def states_of(log, task_id) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.state for e in log.of(TasksChanged) for t in e.tasks if t.id == task_id]


async def test_migration_from_empty_database_to_head(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert current_revision(db.engine) is None
        await db.migrate()
        assert current_revision(db.engine) == head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert {"cameras", "camera_groups", "tasks", "task_attempts", "diagnosis_results"} <= tables
        assert {"workers", "alarms", "audit_log"} <= tables
        await db.migrate()  # again: nothing to do, no error
    finally:
        db.close()


async def test_task_of_a_worker_gone_offline_is_requeued(make_plane, spawn, start_worker) -> None:
    plane, log = await make_plane()
    camera = await plane.add_camera(CameraInput(name="Yard", url="noop://yard"))
    doomed = spawn("slow", "doomed", heartbeat_interval=0.3, max_concurrent_tasks=1)
    await doomed.ready()
    [task] = await plane.create_tasks("diagnosis", {}, camera_ids=[camera.id])
    await log.arrived.wait_until(lambda: "running" in states_of(log, task.id), 20, "running")
    doomed.proc.send_signal(signal.SIGSTOP)  # hung: no heartbeats, no result, no disconnect
    await log.arrived.wait_until(
        lambda: any(w.id == "doomed" and w.status == "offline" for w in plane.workers()),
        10,
        "the worker shown offline",
    )
    await log.arrived.wait_until(
        lambda: any(
            t.attempt == 2 for e in log.of(TasksChanged) for t in e.tasks if t.id == task.id
        ),
        10,
        "attempt 2",
    )
    await start_worker(noop, worker_id="rescuer")
    await log.arrived.wait_until(lambda: states_of(log, task.id)[-1:] == ["completed"], 20, "done")
    done = await plane.task(task.id)
    assert done is not None and (done.attempt, done.worker_id) == (2, "rescuer")


@pytest.mark.slow
async def test_outbox_holds_tasks_through_a_broker_outage(make_plane, start_worker) -> None:
    plane, log = await make_plane()
    await start_worker(noop)
    camera = await plane.add_camera(CameraInput(name="Hall", url="noop://hall"))
    await log.arrived.wait_until(plane.broker.connected.is_set, 10, "the broker")
    await asyncio.to_thread(rabbitmqctl, "stop_app")
    try:
        await log.arrived.wait_until(
            lambda: not plane.broker_state.ok, 20, "the broker shown as lost"
        )
        tasks = []
        for _ in range(5):
            tasks += await plane.create_tasks("diagnosis", {}, camera_ids=[camera.id])
        pending = await plane.tasks(states=["pending"])
        assert {t.id for t in tasks} <= {t.id for t in pending}
    finally:
        await asyncio.to_thread(rabbitmqctl, "start_app")
    await log.arrived.wait_until(lambda: plane.broker_state.ok, 60, "the broker back")
    assert any(not e.state.ok for e in log.of(BrokerStateChanged))

    await log.arrived.wait_until(
        lambda: all(states_of(log, t.id)[-1:] == ["completed"] for t in tasks),
        60,
        "every task submitted during the outage to complete",
    )
    for task in tasks:
        results = await plane.results(task.id)
        assert [r.attempt for r in results] == [1], "one attempt each: none lost, none doubled"


async def test_unreachable_database_is_one_clear_error(tmp_path) -> None:
    from easysight_desktop.control.db.database import DatabaseUnavailable

    states: list[tuple[bool, str]] = []
    db = Database(
        "postgresql://easysight:s3cret@127.0.0.1:1/easysight",
        on_state=lambda ok, detail: states.append((ok, detail)),
    )
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            await db.migrate()
    finally:
        db.close()
    text = str(caught.value)
    assert text.startswith("database postgresql://easysight:***@127.0.0.1:1/easysight unavailable")
    assert "s3cret" not in text and "\n" not in text
    assert states == [(False, text)]
