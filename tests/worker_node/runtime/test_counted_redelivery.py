"""A counted redelivery's copy must not run before the delivery it replaces is acked.

A redelivered task is republished with its delivery count + 1 and the original acked. The broker
delivers the copy to the same consumer before it confirms the copy (seen on RabbitMQ 3.10: about
0.5 ms earlier). If the copy starts and its task crashes the process before the original's ack
is sent, the broker requeues both: two copies, one extra crash, more attempts than
``max_attempts``. This test plays the broker in memory, in that order, with no network and no
sleeping, and records the order of what the worker sends.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import aio_pika

from tests.support.broker import make_task
from tests.support.handlers import NOOP_RESULT
from worker_node.protocol import DELIVERIES_HEADER, ResultMessage, TaskMessage, decode, to_amqp
from worker_node.runtime.deliveries import Deliveries
from worker_node.runtime.execution import Payload
from worker_node.runtime.worker import Worker
from worker_node.settings import Settings

# How many event-loop turns the fake broker lets pass between delivering the copy and
# confirming it: far more than the worker needs to take a delivery to its "started" publish.
CONFIRM_AFTER_TURNS = 50


@dataclass
class FakeDelivery:
    """The parts of an incoming message the worker reads; acks and nacks go to the log."""

    name: str
    body: bytes
    type: str | None
    headers: dict[str, Any]
    redelivered: bool
    log: list[tuple[str, ...]]
    message_id: str | None = None
    correlation_id: str | None = None
    content_type: str | None = "application/json"
    content_encoding: str | None = None
    priority: int | None = None
    routing_key: str | None = "diagnosis"
    exchange: str | None = "easysight.tasks"

    async def ack(self) -> None:
        self.log.append(("ack", self.name))

    async def nack(self, requeue: bool = True) -> None:
        self.log.append(("nack", self.name))


@dataclass
class FakeBroker:
    """Confirms results at once; delivers a republished task to the worker before confirming it."""

    worker: Worker
    log: list[tuple[str, ...]] = field(default_factory=list)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    copies: int = 0
    consumers: set[asyncio.Future[None]] = field(default_factory=set)

    async def publish(
        self, exchange: Any, message: aio_pika.Message, routing_key: str = "", **_: Any
    ) -> bool:
        if exchange.name == "tasks":
            self.copies += 1
            copy = self.delivery(f"copy-{self.copies}", message, redelivered=False)
            count = str(copy.headers.get(DELIVERIES_HEADER))
            self.log.append(("republish", copy.name, count))
            consuming = asyncio.ensure_future(self.worker._on_task(copy))  # type: ignore[arg-type]
            self.consumers.add(consuming)
            consuming.add_done_callback(self.consumers.discard)
            for _ in range(CONFIRM_AFTER_TURNS):
                await asyncio.sleep(0)  # a loop turn, not a wait for time
        elif exchange.name == "results":
            result = decode(message.body, message.type, ResultMessage)
            self.log.append(("result", result.status))
            if result.status != "started":
                self.finished.set()
        return True

    def delivery(self, name: str, message: aio_pika.Message, *, redelivered: bool) -> FakeDelivery:
        return FakeDelivery(
            name=name,
            body=message.body,
            type=message.type,
            headers=dict(message.headers or {}),
            redelivered=redelivered,
            log=self.log,
            message_id=message.message_id,
            correlation_id=message.correlation_id,
        )


def worker_on_fake_broker(handler: Any) -> tuple[Worker, FakeBroker]:
    settings = Settings.model_validate({"worker_id": "fake", "max_attempts": 3})
    worker = Worker(settings, handler=handler)
    broker = FakeBroker(worker)
    declared = SimpleNamespace(
        tasks=SimpleNamespace(name="tasks"),
        results=SimpleNamespace(name="results"),
        dead_letters=SimpleNamespace(name="dead_letters"),
        heartbeat=SimpleNamespace(name="heartbeat"),
    )
    worker.publisher = broker  # type: ignore[assignment]
    worker.declared = declared  # type: ignore[assignment]
    worker.deliveries = Deliveries(broker, declared)  # type: ignore[arg-type]
    return worker, broker


async def test_copy_of_a_counted_redelivery_runs_only_after_the_original_is_acked() -> None:
    ran = threading.Event()

    def record(task: TaskMessage, cancel: threading.Event) -> Payload:
        ran.set()  # a crashing task would take the process down here
        return NOOP_RESULT

    worker, broker = worker_on_fake_broker(record)
    try:
        original = broker.delivery("original", to_amqp(make_task()), redelivered=True)
        await worker._on_task(original)  # type: ignore[arg-type]
        await asyncio.wait_for(broker.finished.wait(), 10)
    finally:
        worker.executor.close()

    assert ran.is_set()
    log = broker.log
    assert log[0] == ("republish", "copy-1", "2")
    # The copy's "started" confirm is what proves, before the task runs, that the broker has
    # the original's ack: so the ack must be sent first, or a crash leaves two copies.
    assert log.index(("ack", "original")) < log.index(("result", "started")), log
    assert log[-2:] == [("result", "succeeded"), ("ack", "copy-1")], log
    assert broker.copies == 1
