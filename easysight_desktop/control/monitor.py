"""The monitor: worker states from heartbeats, queue depths, and the health history for charts.

A worker is offline after ``offline_after_missed`` heartbeat intervals without one. The history
keeps 15 minutes of samples for the queue-depth and workers-online chart.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from easysight_desktop.control.background import stop_task
from easysight_desktop.control.broker import BrokerLink
from easysight_desktop.control.db.convert import heartbeat_view, worker_view
from easysight_desktop.control.db.database import Database, DatabaseUnavailable
from easysight_desktop.control.db.models import Worker
from easysight_desktop.control.events import Event, QueuesSampled, WorkersChanged
from easysight_desktop.control.queue_stats import management_stats, passive_stats
from easysight_desktop.control.views import HealthSample, QueueView, WorkerView
from worker_node.protocol import HeartbeatMessage
from worker_node.settings import Settings

log = logging.getLogger(__name__)
HISTORY = timedelta(minutes=15)


class Monitor:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        broker: BrokerLink,
        emit: Callable[[Event], None],
        on_offline: Callable[[list[str]], None],
    ) -> None:
        self.settings = settings
        self.db = db
        self.broker = broker
        self.emit = emit
        self.on_offline = on_offline
        self.workers: dict[str, WorkerView] = {}
        self.queues: tuple[QueueView, ...] = ()
        self.history: deque[HealthSample] = deque()
        self._task: asyncio.Task[None] | None = None

    async def load(self) -> None:
        """Start from the workers table, so a restarted console knows its workers at once."""
        try:
            rows = await self.db.run(lambda s: [worker_view(w) for w in s.query(Worker).all()])
        except DatabaseUnavailable:
            rows = []
        for view in rows:
            self.workers[view.id] = view
        self._evaluate(datetime.now(UTC))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="monitor")

    def heartbeat(self, beat: HeartbeatMessage) -> None:
        """A heartbeat seen on the live feed: the worker's state, now."""
        known = self.workers.get(beat.worker_id)
        if known is not None and known.last_heartbeat > beat.sent_at:
            return
        self.workers[beat.worker_id] = heartbeat_view(beat)
        self.emit(WorkersChanged((self.workers[beat.worker_id],)))

    async def _run(self) -> None:
        while True:
            now = datetime.now(UTC)
            self._evaluate(now)
            await self._sample_queues(now)
            await asyncio.sleep(self.settings.monitor_interval)

    def _evaluate(self, now: datetime) -> None:
        """Mark workers offline after the missed heartbeats; announce the newly offline."""
        gone = []
        for view in list(self.workers.values()):
            limit = timedelta(seconds=view.interval_s * self.settings.offline_after_missed)
            if view.status != "offline" and now - view.last_heartbeat > limit:
                offline = WorkerView(**{**view.__dict__, "status": "offline"})
                self.workers[view.id] = offline
                gone.append(offline)
        if gone:
            log.warning("workers offline: %s", ", ".join(w.id for w in gone))
            self.emit(WorkersChanged(tuple(gone)))
            self.on_offline([w.id for w in gone])

    async def _sample_queues(self, now: datetime) -> None:
        queues: list[QueueView] = []
        if self.broker.connected.is_set() and self.broker.connection is not None:
            try:
                if self.settings.management_url:
                    vhost = self.broker.connection.url.path.lstrip("/") or "/"
                    queues = await management_stats(
                        self.settings.management_url, vhost, self.broker.topology
                    )
                else:
                    queues = await passive_stats(self.broker.connection, self.broker.topology)
            except Exception as exc:  # a monitor must never stop on a failed sample
                log.warning("queue sample failed: %s", exc)
        self.queues = tuple(queues)
        online = sum(1 for w in self.workers.values() if w.status != "offline")
        sample = HealthSample(
            at=now, queue_depths={q.name: q.ready for q in queues}, workers_online=online
        )
        self.history.append(sample)
        while self.history and now - self.history[0].at > HISTORY:
            self.history.popleft()
        self.emit(QueuesSampled(self.queues, sample))

    async def sample_now(self) -> None:
        await self._sample_queues(datetime.now(UTC))

    async def close(self) -> None:
        await stop_task(self._task)
