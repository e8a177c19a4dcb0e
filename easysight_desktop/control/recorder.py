"""The recorder: consumes ``task_results`` and ``worker_heartbeats`` into the database.

It acks only after the commit. If the database is away it keeps the batch unacked and retries,
so the broker holds everything meanwhile and nothing is lost; a malformed message goes to
``dead_letters`` with the reason. Several consoles may record into one shared database: the
queues are shared, so each message is recorded by exactly one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from aio_pika.abc import AbstractIncomingMessage

from easysight_desktop.control.batching import Batcher
from easysight_desktop.control.broker import BrokerLink
from easysight_desktop.control.db.convert import alarm_view, camera_view, task_view
from easysight_desktop.control.db.database import Database, DatabaseUnavailable
from easysight_desktop.control.db.recording import record_heartbeats, record_results
from easysight_desktop.control.events import (
    AlarmsChanged,
    CamerasChanged,
    Event,
    ResultRecorded,
    TasksChanged,
)
from worker_node.protocol import HeartbeatMessage, MalformedMessage, ResultMessage, decode
from worker_node.protocol.dead_letters import dead_letter_copy

log = logging.getLogger(__name__)

PREFETCH = 1000
RETRY_S = 2.0


class Recorder:
    def __init__(
        self,
        db: Database,
        broker: BrokerLink,
        data_dir: Path,
        emit: Callable[[Event], None],
        on_requeued: Callable[[], None],
    ) -> None:
        self.db = db
        self.broker = broker
        self.data_dir = data_dir
        self.emit = emit
        self.on_requeued = on_requeued
        self.results: Batcher[AbstractIncomingMessage] = Batcher(self._flush_results)
        self.heartbeats: Batcher[AbstractIncomingMessage] = Batcher(
            self._flush_heartbeats, size=500, max_wait_s=0.2
        )
        self.recorded = 0
        self.duplicates = 0
        self.stale = 0
        broker.when_connected(self._consume)

    async def _consume(self) -> None:
        """One channel per queue: a batch is then acked with one ``multiple`` ack of its last
        delivery tag, which would otherwise also ack the other queue's pending messages."""
        assert self.broker.connection is not None and self.broker.declared is not None
        topology = self.broker.topology
        self.results.start()
        self.heartbeats.start()
        for name, callback in (
            (topology.results_queue, self._on_result),
            (topology.heartbeats_queue, self._on_heartbeat),
        ):
            channel = await self.broker.connection.channel()
            await channel.set_qos(prefetch_count=PREFETCH)
            queue = await channel.declare_queue(name, passive=True)
            await queue.consume(callback)

    async def _on_result(self, message: AbstractIncomingMessage) -> None:
        self.results.add(message)

    async def _on_heartbeat(self, message: AbstractIncomingMessage) -> None:
        self.heartbeats.add(message)

    async def _flush_results(self, batch: list[AbstractIncomingMessage]) -> None:
        decoded = await self._decode(batch, ResultMessage)
        if not decoded:
            await self._ack(batch)
            return
        messages = [r for _, r in decoded]
        data_dir = self.data_dir

        def record(session):  # type: ignore[no-untyped-def]
            out = record_results(session, messages, data_dir)
            session.flush()
            return (
                out,
                [task_view(t) for t in out.tasks.values()],
                [alarm_view(a) for a in out.alarms],
                [camera_view(c) for c in out.cameras.values()],
            )

        out, tasks, alarms, cameras = await self._commit(record)
        await self._ack(batch)
        self.recorded += len(out.results)
        self.duplicates += out.duplicates
        self.stale += out.stale
        if tasks:
            self.emit(TasksChanged(tuple(tasks)))
            if any(t.state == "pending" for t in tasks):
                self.on_requeued()
        for task_id, attempt, camera_id in out.results:
            self.emit(ResultRecorded(task_id, attempt, camera_id))
        if alarms:
            self.emit(AlarmsChanged(tuple(alarms)))
        if cameras:
            self.emit(CamerasChanged(tuple(cameras)))

    async def _flush_heartbeats(self, batch: list[AbstractIncomingMessage]) -> None:
        decoded = await self._decode(batch, HeartbeatMessage)
        if decoded:
            beats = [b for _, b in decoded]
            await self._commit(lambda s: len(record_heartbeats(s, beats)))
        await self._ack(batch)

    async def _decode(self, batch, model):  # type: ignore[no-untyped-def]
        decoded = []
        for message in batch:
            try:
                decoded.append((message, decode(message.body, message.type, model)))
            except MalformedMessage as exc:
                await self._dead_letter(message, str(exc))
        return decoded

    async def _commit(self, fn):  # type: ignore[no-untyped-def]
        """Commit, waiting out a database outage (the batch stays unacked meanwhile)."""
        while True:
            try:
                return await self.db.run(fn)
            except DatabaseUnavailable:
                await asyncio.sleep(RETRY_S)

    async def _ack(self, batch: list[AbstractIncomingMessage]) -> None:
        """Ack a whole batch (delivered in order on one channel) with its last delivery tag."""
        with contextlib.suppress(Exception):  # channel gone: the broker redelivers; idempotent
            await batch[-1].ack(multiple=True)

    async def _dead_letter(self, message: AbstractIncomingMessage, reason: str) -> None:
        log.warning("dead-lettering malformed message from %s: %s", message.routing_key, reason)
        declared, publisher = self.broker.declared, self.broker.publisher
        if declared is not None and publisher is not None:
            await publisher.publish(declared.dead_letters, dead_letter_copy(message, reason))
        # Acked with the rest of its batch: acking it alone too would ack a tag twice.

    async def close(self) -> None:
        await self.results.close()
        await self.heartbeats.close()
