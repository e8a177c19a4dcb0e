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
* a task handed back on shutdown is republished with its count unchanged, so a graceful stop
  never counts as a failed attempt.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from aio_pika.abc import AbstractIncomingMessage

from worker_node.protocol import DELIVERIES_HEADER, DeclaredTopology
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
        self, message: AbstractIncomingMessage, kind: str, count: int
    ) -> None:
        """Put a redelivered task back with its delivery count, then ack the original."""
        await self._republish(message, kind, count)

    async def hand_back(self, message: AbstractIncomingMessage, kind: str) -> None:
        """Return an unstarted or interrupted task to its queue without counting an attempt."""
        headers = message.headers or {}
        await self._republish(message, kind, _as_int(headers.get(DELIVERIES_HEADER), default=1))

    async def _republish(self, message: AbstractIncomingMessage, kind: str, count: int) -> None:
        copy = copy_message(message, **{DELIVERIES_HEADER: count})
        ok = await self.publisher.publish(self.declared.tasks, copy, routing_key=kind)
        if ok:
            await self.ack(message)
        else:
            # If the channel is gone, the broker requeues it by itself.
            with contextlib.suppress(*CONNECTION_ERRORS):
                await message.nack(requeue=True)
