"""The control plane end to end: create → queued → running → completed, on both databases."""

from __future__ import annotations

import pytest

from easysight_desktop.control.events import TasksChanged
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
