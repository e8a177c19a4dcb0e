"""The control plane end to end: create → queued → running → completed, on both databases."""

from __future__ import annotations

import pytest

from easysight_desktop.control.events import DatabaseStateChanged, TasksChanged
from easysight_desktop.control.views import CameraInput
from tests.support.handlers import noop

pytestmark = pytest.mark.broker


async def test_task_goes_from_created_to_completed(make_plane, start_worker) -> None:
    plane, log = await make_plane()
    await start_worker(noop)
    camera = await plane.add_camera(CameraInput(name="Gate", url="noop://gate", group="North"))
    await log.arrived.wait_until(plane.broker.connected.is_set, 10, "the broker")
    [task] = await plane.create_tasks(
        "diagnosis", {"checks": ["brightness"]}, camera_ids=[camera.id]
    )
    assert task.state == "pending"

    def states() -> list[str]:
        return [t.state for e in log.of(TasksChanged) for t in e.tasks if t.id == task.id]

    await log.arrived.wait_until(lambda: "completed" in states(), 20, "completion")
    assert states()[0] == "pending"
    assert "queued" in states()
    done = await plane.task(task.id)
    assert done is not None and done.state == "completed" and done.worker_id == "test-worker"
    [result] = await plane.results(task.id)
    assert (result.status, result.overall, result.attempt) == ("succeeded", "normal", 1)


async def test_a_second_console_sees_every_change_live(make_plane, start_worker) -> None:
    """Two consoles on one broker and one database: the one that did not record the result
    still hears of it, through its own live queue."""
    first, first_log = await make_plane()
    second, second_log = await make_plane(record=False)
    await start_worker(noop)
    camera = await first.add_camera(CameraInput(name="Atrium", url="noop://atrium"))
    for log, plane in ((first_log, first), (second_log, second)):
        await log.arrived.wait_until(plane.broker.connected.is_set, 10, "the broker")
    [task] = await first.create_tasks("diagnosis", {}, camera_ids=[camera.id])

    def seen_completed(log) -> bool:  # type: ignore[no-untyped-def]
        return any(
            t.id == task.id and t.state == "completed"
            for e in log.of(TasksChanged)
            for t in e.tasks
        )

    await second_log.arrived.wait_until(
        lambda: seen_completed(second_log), 20, "the second console"
    )
    assert first.recorder is not None and first.recorder.recorded == 1
    assert second.recorder is None
    await second_log.arrived.wait_until(  # heartbeats reach it too
        lambda: any(w.id == "test-worker" for w in second.workers()), 10, "the worker's heartbeat"
    )


async def test_database_state_reaches_observers_on_the_loop(make_plane) -> None:
    """The database thread notices the state; observers hear of it on the event loop."""
    plane, log = await make_plane()
    await log.arrived.wait_until(
        lambda: bool(log.of(DatabaseStateChanged)), 10, "the database state event"
    )
    assert log.of(DatabaseStateChanged)[0].state.ok
    assert plane.database_state.ok
