"""The broker topology of DESIGN.md §2, declared idempotently by both programs.

Every name takes the namespace prefix, so tests and staging can share one broker. A queue that
already exists with other arguments makes RabbitMQ close the channel; that becomes a
:class:`TopologyMismatch` naming the queue and the argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import aio_pika
import aiormq.exceptions
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue

from worker_node.protocol.messages import TASK_KINDS, TaskKind

QueueType = Literal["classic", "quorum"]

MAX_PRIORITY = 10
# Heartbeats older than three default intervals are worthless; the queue must never grow unbounded.
HEARTBEAT_TTL_MS = 90_000
HEARTBEAT_MAX_LENGTH = 10_000
REASON_HEADER = "x-easysight-reason"
DELIVERIES_HEADER = "x-easysight-deliveries"


class TopologyMismatch(RuntimeError):
    """An existing queue or exchange was declared elsewhere with different arguments."""

    def __init__(self, name: str, argument: str | None, detail: str) -> None:
        self.name = name
        self.argument = argument
        what = f"argument {argument!r}" if argument else "its properties"
        super().__init__(
            f"{name!r} already exists on the broker with a different {what} ({detail}); "
            "delete it or make every program use the same settings (queue_type, namespace)"
        )


@dataclass(frozen=True)
class Topology:
    """All names and queue arguments for one namespace and queue type."""

    namespace: str = ""
    queue_type: QueueType = "classic"

    def name(self, base: str) -> str:
        return f"{self.namespace}{base}"

    @property
    def tasks_exchange(self) -> str:
        return self.name("easysight.tasks")

    @property
    def results_exchange(self) -> str:
        return self.name("easysight.results")

    @property
    def heartbeat_exchange(self) -> str:
        return self.name("easysight.heartbeat")

    @property
    def control_exchange(self) -> str:
        return self.name("easysight.control")

    @property
    def dead_letter_exchange(self) -> str:
        return self.name("easysight.dlx")

    def task_queue(self, kind: TaskKind) -> str:
        return self.name(f"{kind}_tasks")

    @property
    def results_queue(self) -> str:
        return self.name("task_results")

    @property
    def heartbeats_queue(self) -> str:
        return self.name("worker_heartbeats")

    @property
    def dead_letters_queue(self) -> str:
        return self.name("dead_letters")

    @property
    def durable_queues(self) -> list[str]:
        return [
            *(self.task_queue(k) for k in TASK_KINDS),
            self.results_queue,
            self.heartbeats_queue,
            self.dead_letters_queue,
        ]

    def _type_args(self) -> dict[str, Any]:
        return {"x-queue-type": self.queue_type}

    def task_queue_arguments(self) -> dict[str, Any]:
        args = {**self._type_args(), "x-dead-letter-exchange": self.dead_letter_exchange}
        if self.queue_type == "classic":
            args["x-max-priority"] = MAX_PRIORITY
        return args

    def heartbeat_queue_arguments(self) -> dict[str, Any]:
        return {
            **self._type_args(),
            "x-message-ttl": HEARTBEAT_TTL_MS,
            "x-max-length": HEARTBEAT_MAX_LENGTH,
        }


@dataclass
class DeclaredTopology:
    """Handles to what was declared, for publishing and consuming."""

    topology: Topology
    exchanges: dict[str, AbstractExchange] = field(default_factory=dict)
    queues: dict[str, AbstractQueue] = field(default_factory=dict)

    @property
    def tasks(self) -> AbstractExchange:
        return self.exchanges[self.topology.tasks_exchange]

    @property
    def results(self) -> AbstractExchange:
        return self.exchanges[self.topology.results_exchange]

    @property
    def heartbeat(self) -> AbstractExchange:
        return self.exchanges[self.topology.heartbeat_exchange]

    @property
    def control(self) -> AbstractExchange:
        return self.exchanges[self.topology.control_exchange]

    @property
    def dead_letters(self) -> AbstractExchange:
        return self.exchanges[self.topology.dead_letter_exchange]


_INEQUIVALENT = re.compile(r"inequivalent arg '([^']+)' for (?:queue|exchange) '([^']+)'")


def mismatch_from(exc: Exception, name: str) -> TopologyMismatch:
    """Turn RabbitMQ's PRECONDITION_FAILED text into a :class:`TopologyMismatch`."""
    text = str(exc)
    match = _INEQUIVALENT.search(text)
    if match:
        detail = re.sub(r"^\s*in vhost '[^']*':\s*", "", text[match.end() :]).rstrip(')" ')
        return TopologyMismatch(match.group(2), match.group(1), detail or text)
    return TopologyMismatch(name, None, text)


async def declare_topology(channel: AbstractChannel, topology: Topology) -> DeclaredTopology:
    """Declare every exchange, durable queue and binding; safe to run again and again."""
    declared = DeclaredTopology(topology)
    t = topology
    exchanges = [
        (t.tasks_exchange, aio_pika.ExchangeType.DIRECT),
        (t.results_exchange, aio_pika.ExchangeType.FANOUT),
        (t.heartbeat_exchange, aio_pika.ExchangeType.FANOUT),
        (t.control_exchange, aio_pika.ExchangeType.TOPIC),
        (t.dead_letter_exchange, aio_pika.ExchangeType.FANOUT),
    ]
    for name, kind in exchanges:
        declared.exchanges[name] = await _guard(
            name, channel.declare_exchange(name, kind, durable=True)
        )

    queues: list[tuple[str, dict[str, Any], str, str]] = [
        (t.task_queue(k), t.task_queue_arguments(), t.tasks_exchange, k) for k in TASK_KINDS
    ]
    queues += [
        (t.results_queue, t._type_args(), t.results_exchange, ""),
        (t.heartbeats_queue, t.heartbeat_queue_arguments(), t.heartbeat_exchange, ""),
        (t.dead_letters_queue, t._type_args(), t.dead_letter_exchange, ""),
    ]
    for name, arguments, exchange, key in queues:
        queue = await _guard(name, channel.declare_queue(name, durable=True, arguments=arguments))
        await queue.bind(declared.exchanges[exchange], routing_key=key)
        declared.queues[name] = queue
    return declared


async def _guard(name: str, declaration: Any) -> Any:
    try:
        return await declaration
    except aiormq.exceptions.ChannelPreconditionFailed as exc:
        raise mismatch_from(exc, name) from None
