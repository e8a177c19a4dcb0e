"""A stand-in control plane for widget tests: canned data, recorded calls, real event bus.

It has the methods the window calls, with the same signatures and the same kinds of failure
(``ValueError`` for refused input, ``ConnectionError`` when the broker is down), so the panes
can be tested without a broker or a database. The real plane is exercised by the window's
end-to-end tests.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from easysight_desktop.control.events import CamerasChanged, EventBus, TasksChanged
from easysight_desktop.control.views import (
    AlarmView,
    CameraInput,
    CameraView,
    CheckView,
    ConnectionState,
    GroupView,
    HealthSample,
    QueueView,
    ResultView,
    TaskView,
    WorkerView,
)

T0 = datetime(2024, 5, 1, 8, 0, 0, tzinfo=UTC)


def make_task(n: int = 0, **changes: Any) -> TaskView:
    base = TaskView(
        id=uuid.UUID(int=n + 1),
        kind="diagnosis",
        camera_id=1,
        camera_name=f"Camera {n}",
        checks=("brightness", "clarity"),
        priority=5,
        state="pending",
        attempt=1,
        worker_id=None,
        created_at=T0 + timedelta(seconds=n),
        queued_at=None,
        started_at=None,
        finished_at=None,
        duration_ms=None,
        error=None,
        overall=None,
    )
    return replace(base, **changes)


def make_camera(ident: int, name: str, group: GroupView | None = None, **changes: Any):
    base = CameraView(
        id=ident,
        name=name,
        url=f"rtsp://admin:secret@10.0.0.{ident}/stream1",
        substream_url=None,
        group_id=group.id if group else None,
        group_name=group.name if group else None,
        location="",
        enabled=True,
        status="unknown",
        last_diagnosed_at=None,
    )
    return replace(base, **changes)


def make_worker(ident: str, **changes: Any) -> WorkerView:
    base = WorkerView(
        id=ident,
        host="analysis-1",
        pid=4242,
        version="0.1.0",
        status="online",
        capacity=3,
        active=(),
        completed=10,
        failed=1,
        cpu_percent=12.5,
        memory_percent=30.0,
        kinds=("diagnosis",),
        last_heartbeat=datetime.now(UTC),
        interval_s=30.0,
    )
    return replace(base, **changes)


def make_alarm(ident: int, **changes: Any) -> AlarmView:
    base = AlarmView(
        id=ident,
        camera_id=1,
        camera_name="Gate",
        task_id=None,
        source="diagnosis",
        level="high",
        message="clarity: picture out of focus",
        state="open",
        raised_at=T0 + timedelta(minutes=ident),
        acknowledged_at=None,
        acknowledged_by=None,
    )
    return replace(base, **changes)


def make_result(task: TaskView, attempt: int = 1, snapshot: Path | None = None, **changes: Any):
    base = ResultView(
        task_id=task.id,
        attempt=attempt,
        camera_name=task.camera_name,
        status="succeeded",
        worker_id="worker-a",
        finished_at=T0,
        overall="warning",
        checks=(
            CheckView("brightness", 88.0, "normal", 120.5, 30.0, "ok"),
            CheckView("clarity", 45.0, "warning", 180.0, 100.0, "slightly blurred"),
        ),
        snapshot_path=snapshot,
        error=None,
        camera_id=task.camera_id,
    )
    return replace(base, **changes)


@dataclass
class FakePlane:
    events: EventBus = field(default_factory=EventBus)
    actor: str = "tester"
    groups_: list[GroupView] = field(default_factory=list)
    cameras_: list[CameraView] = field(default_factory=list)
    tasks_: list[TaskView] = field(default_factory=list)
    results_: dict[uuid.UUID, list[ResultView]] = field(default_factory=dict)
    camera_results: dict[int, list[ResultView]] = field(default_factory=dict)
    alarms_: list[AlarmView] = field(default_factory=list)
    workers_: list[WorkerView] = field(default_factory=list)
    queues_: tuple[QueueView, ...] = ()
    history: list[HealthSample] = field(default_factory=list)
    broker_up: bool = True
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    gate: asyncio.Event | None = None  # when set, calls wait for it (to test "busy" states)
    references: dict[int, bytes] = field(default_factory=dict)  # camera id → reference JPEG

    def __post_init__(self) -> None:
        now = datetime.now(UTC)
        self.broker_state = ConnectionState(
            True, "broker: connected to amqp://guest:***@127.0.0.1:5672/", now
        )
        self.database_state = ConnectionState(True, "database: sqlite ok", now)

    async def _call(self, *call: Any) -> None:
        self.calls.append(call)
        if self.gate is not None:
            await self.gate.wait()
        await asyncio.sleep(0)

    # --- cameras ---

    async def cameras(self) -> list[CameraView]:
        await self._call("cameras")
        return list(self.cameras_)

    async def groups(self) -> list[GroupView]:
        await self._call("groups")
        return list(self.groups_)

    async def add_camera(self, data: CameraInput) -> CameraView:
        await self._call("add_camera", data)
        if any(c.name == data.name for c in self.cameras_):
            raise ValueError(f"a camera named {data.name!r} already exists")
        group = next((g for g in self.groups_ if g.name == data.group), None)
        if data.group and group is None:
            group = GroupView(len(self.groups_) + 1, data.group)
            self.groups_.append(group)
        view = make_camera(len(self.cameras_) + 1, data.name, group, url=data.url)
        self.cameras_.append(view)
        self.events.emit(CamerasChanged())
        return view

    async def update_camera(self, camera_id: int, data: CameraInput) -> CameraView:
        await self._call("update_camera", camera_id, data)
        view = next(c for c in self.cameras_ if c.id == camera_id)
        new = replace(view, name=data.name, url=data.url, enabled=data.enabled)
        self.cameras_[self.cameras_.index(view)] = new
        self.events.emit(CamerasChanged())
        return new

    async def remove_camera(self, camera_id: int) -> None:
        await self._call("remove_camera", camera_id)
        self.cameras_ = [c for c in self.cameras_ if c.id != camera_id]
        self.events.emit(CamerasChanged())

    async def set_reference(self, camera_id: int) -> CameraView:
        await self._call("set_reference", camera_id)
        return self._camera_changed(camera_id, reference_taken_at=datetime.now(UTC))

    async def clear_reference(self, camera_id: int) -> CameraView:
        await self._call("clear_reference", camera_id)
        self.references.pop(camera_id, None)
        return self._camera_changed(camera_id, reference_taken_at=None)

    def _camera_changed(self, camera_id: int, **changes: Any) -> CameraView:
        view = next(c for c in self.cameras_ if c.id == camera_id)
        new = replace(view, **changes)
        self.cameras_[self.cameras_.index(view)] = new
        self.events.emit(CamerasChanged((new,)))
        return new

    async def reference(self, camera_id: int) -> bytes | None:
        await self._call("reference", camera_id)
        return self.references.get(camera_id)

    async def import_cameras_csv(self, path: Path) -> Any:
        await self._call("import_cameras_csv", path)
        from easysight_desktop.control.db.cameras import ImportReport

        return ImportReport(added=2, updated=1, errors=[])

    async def export_cameras_csv(self, path: Path) -> int:
        await self._call("export_cameras_csv", path)
        path.write_text("name,url\n", encoding="utf-8")
        return len(self.cameras_)

    # --- tasks ---

    async def create_tasks(
        self,
        kind: str,
        params: dict[str, Any],
        *,
        camera_ids: Sequence[int] = (),
        group_ids: Sequence[int] = (),
        priority: int = 0,
        deadline_s: float = 300.0,
        submit_now: bool = True,
    ) -> list[TaskView]:
        await self._call("create_tasks", kind, params, list(camera_ids), list(group_ids),
                         priority, submit_now)  # fmt: skip
        chosen = [
            c
            for c in self.cameras_
            if c.enabled and (c.id in camera_ids or c.group_id in group_ids)
        ]
        if not chosen:
            raise ValueError("choose at least one enabled camera or group")
        views = [
            make_task(
                len(self.tasks_) + n,
                camera_id=c.id,
                camera_name=c.name,
                checks=tuple(params.get("checks", ())),
                template=params.get("template"),
                priority=priority,
                created_at=datetime.now(UTC),
            )
            for n, c in enumerate(chosen)
        ]
        self.tasks_.extend(views)
        self.events.emit(TasksChanged(tuple(views)))
        return views

    async def _change(self, name: str, task_id: uuid.UUID, **changes: Any) -> TaskView:
        await self._call(name, task_id)
        task = next(t for t in self.tasks_ if t.id == task_id)
        new = replace(task, **changes)
        self.tasks_[self.tasks_.index(task)] = new
        self.events.emit(TasksChanged((new,)))
        return new

    async def submit(self, task_id: uuid.UUID) -> TaskView:
        return await self._change("submit", task_id)

    async def cancel(self, task_id: uuid.UUID) -> TaskView:
        return await self._change("cancel", task_id, state="cancelled")

    async def retry(self, task_id: uuid.UUID) -> TaskView:
        task = next(t for t in self.tasks_ if t.id == task_id)
        return await self._change("retry", task_id, state="pending", attempt=task.attempt + 1)

    async def tasks(self, states: Sequence[str] | None = None, limit: int = 1000):
        await self._call("tasks", tuple(states or ()), limit)
        rows = [t for t in self.tasks_ if not states or t.state in states]
        return sorted(rows, key=lambda t: t.created_at, reverse=True)[:limit]

    async def results(self, task_id: uuid.UUID) -> list[ResultView]:
        await self._call("results", task_id)
        return list(self.results_.get(task_id, []))

    async def latest_results_for_camera(self, camera_id: int) -> list[ResultView]:
        await self._call("latest_results_for_camera", camera_id)
        return list(self.camera_results.get(camera_id, []))

    # --- workers, queues, alarms ---

    async def send_control(self, worker_id: str, command: str, task_id: Any = None) -> None:
        await self._call("send_control", worker_id, command)
        if not self.broker_up:
            raise ConnectionError("the broker is not connected; the command was not sent")

    def workers(self) -> list[WorkerView]:
        return list(self.workers_)

    def queues(self) -> tuple[QueueView, ...]:
        return self.queues_

    def health_history(self) -> list[HealthSample]:
        return list(self.history)

    async def alarms(self, open_only: bool = False) -> list[AlarmView]:
        await self._call("alarms", open_only)
        return [a for a in self.alarms_ if a.state == "open" or not open_only]

    async def acknowledge_alarms(self, alarm_ids: Sequence[int]) -> list[AlarmView]:
        await self._call("acknowledge_alarms", list(alarm_ids))
        changed = []
        for n, alarm in enumerate(self.alarms_):
            if alarm.id in alarm_ids and alarm.state == "open":
                self.alarms_[n] = replace(
                    alarm, state="acknowledged", acknowledged_by=self.actor,
                    acknowledged_at=datetime.now(UTC),
                )  # fmt: skip
                changed.append(self.alarms_[n])
        return changed

    async def raise_device_offline(self, camera_id: int, reason: str) -> AlarmView | None:
        await self._call("raise_device_offline", camera_id, reason)
        return None


class Notes:
    """A recording Notifier."""

    def __init__(self) -> None:
        self.infos: list[str] = []
        self.errors: list[str] = []

    def info(self, text: str) -> None:
        self.infos.append(text)

    def error(self, text: str) -> None:
        self.errors.append(text)
