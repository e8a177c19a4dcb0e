"""The supervisor: re-queues (attempt + 1) tasks whose worker went offline or that overran.

A worker reports ``timeout`` itself at a task's deadline; the supervisor steps in only when no
report can come (worker dead or hung): at deadline + ``GRACE_S``, or as soon as the monitor marks
the worker offline. Past ``max_attempts`` the task fails with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from easysight_desktop.control.background import spawn, stop_task
from easysight_desktop.control.db import tasks as task_rows
from easysight_desktop.control.db.convert import task_view
from easysight_desktop.control.db.database import Database, DatabaseUnavailable
from easysight_desktop.control.events import Event, TasksChanged

log = logging.getLogger(__name__)
GRACE_S = 30.0
CHECK_EVERY_S = 5.0


class Supervisor:
    def __init__(
        self, db: Database, emit: Callable[[Event], None], on_requeued: Callable[[], None]
    ) -> None:
        self.db = db
        self.emit = emit
        self.on_requeued = on_requeued
        self._task: asyncio.Task[None] | None = None
        self.requeued = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="supervisor")

    def workers_offline(self, worker_ids: list[str]) -> None:
        spawn(self._requeue_lost(worker_ids), "requeue-lost")

    async def _requeue_lost(self, worker_ids: list[str]) -> None:
        def work(session):  # type: ignore[no-untyped-def]
            changed = []
            for task in task_rows.running_on(session, worker_ids):
                reason = f"worker {task.worker_id} went offline"
                changed.append(task_rows.requeue_or_fail(session, task, "worker_offline", reason))
            return [task_view(t) for t in changed]

        await self._apply(work)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(CHECK_EVERY_S)
            await self.check_overdue()

    async def check_overdue(self) -> None:
        now = datetime.now(UTC)

        def work(session):  # type: ignore[no-untyped-def]
            changed = []
            for task in task_rows.overdue(session, now, GRACE_S):
                reason = f"no result {task.deadline_s:g} s after start (deadline)"
                changed.append(task_rows.requeue_or_fail(session, task, "deadline", reason))
            return [task_view(t) for t in changed]

        await self._apply(work)

    async def _apply(self, work) -> None:  # type: ignore[no-untyped-def]
        try:
            changed = await self.db.run(work)
        except DatabaseUnavailable:
            return
        if changed:
            log.warning("supervisor re-queued or failed %d task(s)", len(changed))
            self.requeued += sum(1 for t in changed if t.state == "pending")
            self.emit(TasksChanged(tuple(changed)))
            self.on_requeued()

    async def close(self) -> None:
        await stop_task(self._task)
