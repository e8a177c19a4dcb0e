"""The one place where the worker settles task deliveries: ack, dead-letter, count, return.

Analysis code never sees a delivery; it returns a result or raises. Everything that decides a
delivery's fate, and every ack, lives here, so the guarantees of DESIGN.md §4 can be read in one
file:

* a task is acked only after its final result is confirmed (see ``Worker``);
* a malformed message is copied to ``dead_letters`` with an ``x-easysight-reason`` header, then
  acked, so the reason travels with it (a plain reject could carry no reason);
* a redelivered task is counted: it is republished with ``x-easysight-deliveries`` + 1 and the
  original acked; past ``max_attempts`` it is dead-lettered instead. This works the same on
  classic queues (which keep no count) and quorum queues;
* a republished copy is not run before the delivery it replaces is acked (see
  :meth:`Deliveries.replaced`), so a task that crashes its worker cannot leave two copies;
* a task handed back on shutdown is republished with its count unchanged, so a graceful stop
  never counts as a failed attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aio_pika.abc import AbstractIncomingMessage

from worker_node.protocol import DELIVERIES_HEADER, DeclaredTopology, TaskMessage
from worker_node.protocol.dead_letters import copy_message, dead_letter_copy
from worker_node.protocol.publisher import CONNECTION_ERRORS, Publisher

log = logging.getLogger(__name__)


def delivery_count(message: AbstractIncomingMessage) -> int:
    """How many times this task has been handed to a worker, this delivery included."""
    headers = message.headers or {}
    counted = _as_int(headers.get(DELIVERIES_HEADER), default=1)
    if message.redelivered:
        counted += 1
    # Quorum queues count redeliveries themselves; trust whichever is higher.
    return max(counted, _as_int(headers.get("x-delivery-count"), default=0) + 1)


def _as_int(value: Any, *, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class Deliveries:
    """Settles deliveries on behalf of the worker; every method is safe after a reconnect."""

    def __init__(self, publisher: Publisher, declared: DeclaredTopology) -> None:
        self.publisher = publisher
        self.declared = declared
        # Task message ids being republished, set once the replaced delivery is settled.
        self._replacing: dict[str, asyncio.Event] = {}

    async def ack(self, message: AbstractIncomingMessage) -> bool:
        """Ack; ``False`` if the channel it came on is gone (the broker will redeliver it)."""
        try:
            await message.ack()
            return True
        except CONNECTION_ERRORS as exc:
            log.info("could not ack %s (%s); the broker will redeliver it", message.message_id, exc)
            return False

    async def dead_letter(self, message: AbstractIncomingMessage, reason: str) -> None:
        """Copy to ``dead_letters`` with the reason, then ack the original."""
        log.warning(
            "dead-lettering %s from %s: %s", message.message_id, message.routing_key, reason
        )
        await self.publisher.publish(self.declared.dead_letters, dead_letter_copy(message, reason))
        await self.ack(message)

    async def requeue_counted(
        self, message: AbstractIncomingMessage, task: TaskMessage, count: int
    ) -> None:
        """Put a redelivered task back with its delivery count, then ack the original."""
        await self._republish(message, task, count)

    async def hand_back(self, message: AbstractIncomingMessage, task: TaskMessage) -> None:
        """Return an unstarted or interrupted task to its queue without counting an attempt."""
        headers = message.headers or {}
        await self._republish(message, task, _as_int(headers.get(DELIVERIES_HEADER), default=1))

    async def replaced(self, task: TaskMessage) -> None:
        """Wait until no delivery of this task is still being replaced by a republished copy.

        The broker delivers a republished copy to this consumer (prefetch > 1) before it
        confirms it, so the copy would otherwise start while the original is still unacked,
        its "started" result sent ahead of that ack. A task that crashes the process then
        leaves both copies in the queue: one extra crash, more deliveries than
        ``max_attempts``. Waiting here puts the original's ack on the channel before anything
        the copy publishes, so the copy's confirmed "started" proves the broker has that ack.
        (A kill from outside in the instant between the copy's confirm and the ack can still
        leave a duplicate; that is at-least-once delivery, not a task crashing its worker.)
        """
        settling = self._replacing.get(task.message_id)
        if settling is not None:
            await settling.wait()

    async def _republish(
        self, message: AbstractIncomingMessage, task: TaskMessage, count: int
    ) -> None:
        settled = asyncio.Event()
        self._replacing[task.message_id] = settled
        try:
            copy = copy_message(message, **{DELIVERIES_HEADER: count})
            ok = await self.publisher.publish(self.declared.tasks, copy, routing_key=task.kind)
            if ok:
                await self.ack(message)
            else:
                # If the channel is gone, the broker requeues it by itself.
                with contextlib.suppress(*CONNECTION_ERRORS):
                    await message.nack(requeue=True)
        finally:
            settled.set()
            if self._replacing.get(task.message_id) is settled:
                del self._replacing[task.message_id]
