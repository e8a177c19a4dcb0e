"""The control plane: the console's services wired together, and the operator's actions.

The window and ``easysight-console --headless`` run this same object; neither knows how tasks are
stored or published. Every method is a coroutine on the event loop; database work runs on the
database thread, so the GUI never waits on it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from easysight_desktop.control.background import spawn
from easysight_desktop.control.broker import BrokerLink
from easysight_desktop.control.db import alarms as alarm_rows
from easysight_desktop.control.db import cameras as camera_rows
from easysight_desktop.control.db import references as reference_rows
from easysight_desktop.control.db import tasks as task_rows
from easysight_desktop.control.db.convert import (
    alarm_view,
    camera_view,
    group_view,
    result_view,
    task_view,
)
from easysight_desktop.control.db.database import Database
from easysight_desktop.control.db.models import DiagnosisResult, Task, TaskAttempt
from easysight_desktop.control.dispatcher import Dispatcher
from easysight_desktop.control.events import (
    AlarmsChanged,
    BrokerStateChanged,
    CamerasChanged,
    DatabaseStateChanged,
    Event,
    EventBus,
    TasksChanged,
)
from easysight_desktop.control.live import LiveFeed
from easysight_desktop.control.monitor import Monitor
from easysight_desktop.control.recorder import Recorder
from easysight_desktop.control.supervisor import Supervisor
from easysight_desktop.control.views import (
    AlarmView,
    CameraInput,
    CameraView,
    ConnectionState,
    GroupView,
    HealthSample,
    ImportReport,
    QueueView,
    ResultView,
    StatusReport,
    TaskView,
    WorkerView,
)
from worker_node.protocol import ControlMessage, TaskKind, to_amqp
from worker_node.settings import Settings

log = logging.getLogger(__name__)
LIVE_REFRESH_S = 0.2


class ControlPlane:
    """Owns the database, the broker link and the services; start it, use it, close it."""

    def __init__(
        self,
        settings: Settings,
        *,
        record: bool = True,
        supervise: bool = True,
        dispatch: bool = True,
    ) -> None:
        """``record``/``supervise``/``dispatch`` off make a read-only plane (``status``)."""
        self.settings = settings
        self.actor = settings.operator
        self.data_dir = Path(settings.data_dir)
        self.events = EventBus()
        started = datetime.now(UTC)
        self.broker_state = ConnectionState(False, "broker: connecting…", started)
        self.database_state = ConnectionState(False, "database: opening…", started)
        self.db = Database(settings.resolved_database_url, on_state=self._database_state)
        self.broker = BrokerLink(settings, self._broker_state)
        self.dispatch = dispatch
        self.dispatcher = Dispatcher(self.db, self.broker, self._tasks_changed, self.data_dir)
        self.recorder = (
            Recorder(self.db, self.broker, self.data_dir, self.events.emit, self.dispatcher.wake)
            if record
            else None
        )
        self.supervisor = (
            Supervisor(self.db, self.events.emit, self.dispatcher.wake) if supervise else None
        )
        self.monitor = Monitor(
            settings,
            self.db,
            self.broker,
            self.events.emit,
            self.supervisor.workers_offline if self.supervisor else lambda ids: None,
        )
        self.live = LiveFeed(self.broker, self.monitor.heartbeat, self._result_seen)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._refresh: set[uuid.UUID] = set()
        self._refresh_handle: asyncio.TimerHandle | None = None

    # --- life cycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the database (migrating it) and start every service; the broker connects in
        the background, so the console is usable while it is down."""
        self._loop = asyncio.get_running_loop()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        await self.db.migrate()
        await self.monitor.load()
        self.broker.start()
        if self.dispatch:
            self.dispatcher.start()
        self.monitor.start()
        if self.supervisor is not None:
            self.supervisor.start()

    async def close(self) -> None:
        if self._refresh_handle is not None:
            self._refresh_handle.cancel()
        for service in (self.supervisor, self.monitor, self.dispatcher, self.recorder):
            if service is not None:
                await service.close()
        await self.broker.close()
        await asyncio.get_running_loop().run_in_executor(None, self.db.close)

    # --- state announcements -----------------------------------------------------------------

    def _broker_state(self, ok: bool, detail: str) -> None:
        self.broker_state = ConnectionState(ok, detail, datetime.now(UTC))
        self._emit_threadsafe(BrokerStateChanged(self.broker_state))

    def _database_state(self, ok: bool, detail: str) -> None:
        self.database_state = ConnectionState(ok, detail, datetime.now(UTC))
        self._emit_threadsafe(DatabaseStateChanged(self.database_state))

    def _emit_threadsafe(self, event: Event) -> None:
        """Database state changes are noticed on the database thread; observers live on the
        loop's thread (the GUI thread under qasync), so hop there."""
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop or self._loop is None:
            self.events.emit(event)
        else:
            self._loop.call_soon_threadsafe(self.events.emit, event)

    def _tasks_changed(self, tasks: list[TaskView]) -> None:
        self.events.emit(TasksChanged(tuple(tasks)))

    def _result_seen(self, task_id: uuid.UUID, status: str) -> None:
        """Live feed: some console recorded a result; re-read the task shortly (coalesced)."""
        self._refresh.add(task_id)
        if self._refresh_handle is None:
            loop = asyncio.get_running_loop()
            self._refresh_handle = loop.call_later(LIVE_REFRESH_S, self._start_refresh)

    def _start_refresh(self) -> None:
        self._refresh_handle = None
        ids, self._refresh = self._refresh, set()
        spawn(self._refresh_tasks(ids), "live-refresh")

    async def _refresh_tasks(self, ids: set[uuid.UUID]) -> None:
        try:
            views = await self.db.run(lambda s: [task_view(t) for t in task_rows.by_ids(s, ids)])
        except Exception as exc:
            log.debug("live refresh skipped: %s", exc)
            return
        if views:
            self._tasks_changed(views)

    # --- cameras -----------------------------------------------------------------------------

    async def cameras(self) -> list[CameraView]:
        return await self.db.run(lambda s: [camera_view(c) for c in camera_rows.all_cameras(s)])

    async def groups(self) -> list[GroupView]:
        return await self.db.run(lambda s: [group_view(g) for g in camera_rows.all_groups(s)])

    async def add_camera(self, data: CameraInput) -> CameraView:
        view = await self.db.run(lambda s: camera_view(camera_rows.add_camera(s, data, self.actor)))
        self.events.emit(CamerasChanged())
        return view

    async def update_camera(self, camera_id: int, data: CameraInput) -> CameraView:
        view = await self.db.run(
            lambda s: camera_view(camera_rows.update_camera(s, camera_id, data, self.actor))
        )
        self.events.emit(CamerasChanged())
        return view

    async def remove_camera(self, camera_id: int) -> None:
        await self.db.run(lambda s: camera_rows.remove_camera(s, camera_id, self.actor))
        self.events.emit(CamerasChanged())

    async def set_reference(self, camera_id: int) -> CameraView:
        """The camera's latest diagnosis picture becomes the view scene_change compares with."""
        view = await self.db.run(
            lambda s: camera_view(
                reference_rows.set_reference(s, camera_id, self.data_dir, self.actor)
            )
        )
        self.events.emit(CamerasChanged((view,)))
        return view

    async def clear_reference(self, camera_id: int) -> CameraView:
        view = await self.db.run(
            lambda s: camera_view(
                reference_rows.clear_reference(s, camera_id, self.data_dir, self.actor)
            )
        )
        self.events.emit(CamerasChanged((view,)))
        return view

    async def reference(self, camera_id: int) -> bytes | None:
        """The camera's reference JPEG, or None when it has none."""
        return await self.db.run(
            lambda s: reference_rows.reference_bytes(s, camera_id, self.data_dir)
        )

    async def import_cameras_csv(self, path: Path) -> ImportReport:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
        report = await self.db.run(lambda s: camera_rows.import_csv(s, text, self.actor))
        self.events.emit(CamerasChanged())
        return report

    async def export_cameras_csv(self, path: Path) -> int:
        text = await self.db.run(camera_rows.export_csv)
        await asyncio.to_thread(path.write_text, text, encoding="utf-8")
        return max(text.count("\n") - 1, 0)

    # --- tasks -------------------------------------------------------------------------------

    async def create_tasks(
        self,
        kind: TaskKind,
        params: dict[str, Any],
        *,
        camera_ids: Sequence[int] = (),
        group_ids: Sequence[int] = (),
        priority: int = 0,
        deadline_s: float = 300.0,
        submit_now: bool = True,
    ) -> list[TaskView]:
        """Create one task per chosen camera, committed before anything is published."""
        spec = task_rows.NewTask(kind=kind, params=params, priority=priority, deadline_s=deadline_s)

        def work(session):  # type: ignore[no-untyped-def]
            cameras = camera_rows.cameras_for(session, camera_ids, group_ids)
            if not cameras:
                raise ValueError("choose at least one enabled camera or group")
            tasks = task_rows.create_tasks(
                session,
                cameras,
                spec,
                actor=self.actor,
                submit=submit_now,
                max_attempts=self.settings.max_attempts,
            )
            session.flush()
            return [task_view(t) for t in tasks]

        views = await self.db.run(work)
        self._tasks_changed(views)
        if submit_now:
            self.dispatcher.wake()
        return views

    async def submit(self, task_id: uuid.UUID) -> TaskView:
        view = await self.db.run(lambda s: task_view(task_rows.submit(s, task_id, self.actor)))
        self._tasks_changed([view])
        self.dispatcher.wake()
        return view

    async def cancel(self, task_id: uuid.UUID) -> TaskView:
        """Cancel in the database first, then tell the workers (running or yet to start)."""
        view = await self.db.run(lambda s: task_view(task_rows.cancel(s, task_id, self.actor)))
        self._tasks_changed([view])
        await self.send_control("all", "cancel", task_id=task_id)
        return view

    async def retry(self, task_id: uuid.UUID) -> TaskView:
        view = await self.db.run(lambda s: task_view(task_rows.retry(s, task_id, self.actor)))
        self._tasks_changed([view])
        self.dispatcher.wake()
        return view

    async def tasks(self, states: Sequence[str] | None = None, limit: int = 1000) -> list[TaskView]:
        return await self.db.run(
            lambda s: [task_view(t) for t in task_rows.recent(s, states=states, limit=limit)]
        )

    async def task(self, task_id: uuid.UUID) -> TaskView | None:
        return await self.db.run(
            lambda s: next((task_view(t) for t in task_rows.by_ids(s, [task_id])), None)
        )

    async def results(self, task_id: uuid.UUID) -> list[ResultView]:
        """Every recorded attempt of a task, newest first, with its checks and snapshot."""
        from sqlalchemy import select

        def work(session):  # type: ignore[no-untyped-def]
            task = session.get(Task, task_id)
            if task is None:
                return []
            attempts = session.scalars(
                select(TaskAttempt)
                .where(TaskAttempt.task_id == task_id)
                .order_by(TaskAttempt.attempt.desc())
            )
            views = []
            for attempt in attempts:
                checks = list(
                    session.scalars(
                        select(DiagnosisResult)
                        .where(
                            DiagnosisResult.task_id == task_id,
                            DiagnosisResult.attempt == attempt.attempt,
                        )
                        .order_by(DiagnosisResult.id)
                    )
                )
                views.append(result_view(task, attempt, checks, self.data_dir))
            return views

        return await self.db.run(work)

    async def latest_results_for_camera(self, camera_id: int) -> list[ResultView]:
        """The camera's newest finished diagnosis (one attempt, failed ones too), if any."""
        from sqlalchemy import select

        task_id = await self.db.run(
            lambda s: s.scalar(
                select(Task.id)
                .where(Task.camera_id == camera_id, Task.state.in_(("completed", "failed")))
                .order_by(Task.finished_at.desc())
                .limit(1)
            )
        )
        return (await self.results(task_id))[:1] if task_id else []

    # --- workers and queues ------------------------------------------------------------------

    async def send_control(
        self, worker_id: str, command: str, task_id: uuid.UUID | None = None
    ) -> None:
        """drain / pause / resume / shutdown / cancel to ``worker_id`` or ``"all"``."""
        message = ControlMessage(
            command=command,  # type: ignore[arg-type]
            task_id=task_id,
            issued_by=self.actor,
        )
        declared, publisher = self.broker.declared, self.broker.publisher
        if declared is None or publisher is None or not self.broker.connected.is_set():
            raise ConnectionError("the broker is not connected; the command was not sent")
        ok = await publisher.publish(
            declared.control,
            to_amqp(message, persistent=False),
            routing_key=f"worker.{worker_id}",
            retry=False,
        )
        if not ok:
            raise ConnectionError("the broker did not confirm the command")
        await self.db.run(
            lambda s: task_rows.audit(
                s, self.actor, f"control_{command}", worker_id, task_id=str(task_id or "")
            )
        )

    def workers(self) -> list[WorkerView]:
        return sorted(self.monitor.workers.values(), key=lambda w: w.id)

    def queues(self) -> tuple[QueueView, ...]:
        return self.monitor.queues

    def health_history(self) -> list[HealthSample]:
        return list(self.monitor.history)

    async def status(self) -> StatusReport:
        return StatusReport(
            broker=self.broker_state,
            database=self.database_state,
            queues=tuple(self.monitor.queues),
            workers=tuple(self.workers()),
        )

    # --- alarms ------------------------------------------------------------------------------

    async def alarms(self, open_only: bool = False) -> list[AlarmView]:
        return await self.db.run(
            lambda s: [alarm_view(a) for a in alarm_rows.recent_alarms(s, open_only=open_only)]
        )

    async def acknowledge_alarms(self, alarm_ids: Sequence[int]) -> list[AlarmView]:
        views = await self.db.run(
            lambda s: [
                alarm_view(a) for a in alarm_rows.acknowledge(s, list(alarm_ids), self.actor)
            ]
        )
        if views:
            self.events.emit(AlarmsChanged(tuple(views)))
        return views

    async def raise_device_offline(self, camera_id: int, reason: str) -> AlarmView | None:
        """The live wall or the camera probe found a camera offline: one open alarm per outage."""
        view = await self.db.run(
            lambda s: (
                alarm_view(a)
                if (a := alarm_rows.raise_device_offline(s, camera_id, reason)) is not None
                else None
            )
        )
        if view is not None:
            self.events.emit(AlarmsChanged((view,)))
        return view
