"""The outbox dispatcher: publishes committed pending tasks and marks them queued after confirm.

A task is in the database before it is on the wire, so nothing the operator created is lost: with
the broker down, tasks wait as pending and go out by themselves when it returns. Publishes are
pipelined (many confirms in flight) because one-at-a-time confirms cap throughput.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from easysight_desktop.control.background import stop_task
from easysight_desktop.control.broker import BrokerLink
from easysight_desktop.control.db import tasks as task_rows
from easysight_desktop.control.db.convert import task_view
from easysight_desktop.control.db.database import Database, DatabaseUnavailable
from easysight_desktop.control.views import TaskView
from worker_node.protocol import TaskMessage, to_amqp

log = logging.getLogger(__name__)

BATCH = 500
IN_FLIGHT = 100
IDLE_POLL_S = 5.0  # also picks up tasks another console put in a shared database


class Dispatcher:
    def __init__(
        self,
        db: Database,
        broker: BrokerLink,
        on_changed: Callable[[list[TaskView]], None],
        data_dir: Path | None = None,
    ) -> None:
        """``data_dir``: where cameras' reference views are kept, to attach them to tasks."""
        self.db = db
        self.data_dir = data_dir
        self.broker = broker
        self.on_changed = on_changed
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="dispatcher")

    def wake(self) -> None:
        """New work in the outbox: publish now rather than at the next poll."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self.broker.connected.wait()
            self._wake.clear()  # before the round: a wake-up during it means another round
            try:
                sent = await self.dispatch_once()
            except DatabaseUnavailable:
                sent = 0  # announced by the database; try again at the next poll
            except Exception:
                log.exception("dispatcher round failed; retrying")
                sent = 0
            if sent >= BATCH:
                continue  # more waiting
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_S)

    async def dispatch_once(self) -> int:
        """Publish one batch of the outbox; return how many were confirmed."""
        pending = await self.db.run(lambda s: task_rows.outbox(s, BATCH, self.data_dir))
        if not pending:
            return 0
        confirmed = await self._publish(pending)
        if confirmed:
            changed = await self.db.run(
                lambda s: [task_view(t) for t in task_rows.mark_queued(s, confirmed)]
            )
            self.published += len(confirmed)
            if changed:
                self.on_changed(changed)
        return len(confirmed)

    async def _publish(self, messages: list[TaskMessage]) -> list[tuple[object, int]]:
        broker = self.broker
        if broker.declared is None or broker.publisher is None:
            return []
        exchange, publisher = broker.declared.tasks, broker.publisher
        limit = asyncio.Semaphore(IN_FLIGHT)

        async def one(message: TaskMessage) -> tuple[object, int] | None:
            async with limit:
                ok = await publisher.publish(
                    exchange, to_amqp(message), routing_key=message.kind, retry=False
                )
            return (message.task_id, message.attempt) if ok else None

        results = await asyncio.gather(*(one(m) for m in messages))
        failed = results.count(None)
        if failed:
            log.warning("%d task(s) not confirmed by the broker; they stay pending", failed)
        return [r for r in results if r is not None]

    async def close(self) -> None:
        await stop_task(self._task)
