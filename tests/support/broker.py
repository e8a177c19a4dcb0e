"""Test helpers that talk to the real RabbitMQ: namespaces, result watching, dead letters."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from worker_node.protocol import (
    Camera,
    DeclaredTopology,
    DiagnosisParams,
    ResultMessage,
    TaskMessage,
    Topology,
    declare_topology,
    decode,
    to_amqp,
)
from worker_node.protocol.publisher import Publisher

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/"
FINAL = ("succeeded", "failed", "timeout", "cancelled")


def new_namespace() -> str:
    return f"test-{uuid.uuid4().hex[:8]}."


def make_task(url: str = "noop://", **fields: object) -> TaskMessage:
    params = fields.pop("params", DiagnosisParams())
    return TaskMessage(
        task_id=uuid.uuid4(),
        kind="diagnosis",
        camera=Camera(id="cam-1", name="Test camera", url=url),
        params=params,  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


class Signal:
    """Wakes waiters whenever something new arrives, so tests wait on events, not on sleeps."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
            self._event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), remaining)


@dataclass
class BrokerClient:
    """A console-like client: publishes tasks, watches results and dead letters."""

    namespace: str
    queue_type: str = "classic"
    connection: AbstractRobustConnection | None = None
    declared: DeclaredTopology | None = None
    results: list[ResultMessage] = field(default_factory=list)
    dead: list[AbstractIncomingMessage] = field(default_factory=list)
    arrived: Signal = field(default_factory=Signal)

    async def start(self) -> BrokerClient:
        self.connection = await aio_pika.connect_robust(BROKER_URL, reconnect_interval=1)
        channel = await self.connection.channel(publisher_confirms=True)
        self.channel = channel
        self.declared = await declare_topology(
            channel,
            Topology(self.namespace, self.queue_type),  # type: ignore[arg-type]
        )
        live = await channel.declare_queue("", exclusive=True, auto_delete=True)
        await live.bind(self.declared.results)
        await live.consume(self._on_result, no_ack=True)
        dead_queue = self.declared.queues[self.declared.topology.dead_letters_queue]
        await dead_queue.consume(self._on_dead, no_ack=True)
        return self

    async def _on_result(self, message: AbstractIncomingMessage) -> None:
        self.results.append(decode(message.body, message.type, ResultMessage))
        self.arrived.notify()

    async def _on_dead(self, message: AbstractIncomingMessage) -> None:
        self.dead.append(message)
        self.arrived.notify()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        await self.arrived.wait_until(predicate, timeout, what)

    async def publish(self, task: TaskMessage) -> None:
        """Publish with confirms, waiting out a broker restart like the console will."""
        assert self.declared is not None
        await Publisher(self.channel).publish(
            self.declared.tasks, to_amqp(task), routing_key=task.kind
        )

    async def publish_raw(self, body: bytes, **properties: object) -> None:
        assert self.declared is not None
        message = aio_pika.Message(body=body, **properties)  # type: ignore[arg-type]
        await self.declared.tasks.publish(message, routing_key="diagnosis")

    def results_for(self, task: TaskMessage, final_only: bool = False) -> list[ResultMessage]:
        return [
            r
            for r in self.results
            if r.task_id == task.task_id and (not final_only or r.status in FINAL)
        ]

    async def final_result(self, task: TaskMessage, timeout: float = 20) -> ResultMessage:
        await self.wait_until(
            lambda: bool(self.results_for(task, final_only=True)),
            timeout,
            f"the result of task {task.task_id}",
        )
        return self.results_for(task, final_only=True)[0]

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()


async def delete_namespace(namespace: str) -> None:
    """Remove every durable queue and exchange of a test namespace."""
    connection = await aio_pika.connect(BROKER_URL)
    async with connection:
        channel = await connection.channel()
        topology = Topology(namespace)
        for name in topology.durable_queues:
            await channel.queue_delete(name)
        for name in (
            topology.tasks_exchange,
            topology.results_exchange,
            topology.heartbeat_exchange,
            topology.control_exchange,
            topology.dead_letter_exchange,
        ):
            await channel.exchange_delete(name)


def rabbitmqctl(*args: str, timeout: float = 120.0) -> None:
    """Run ``rabbitmqctl`` (tests that stop and start the broker), bounded by ``timeout``.

    Its Erlang children can keep a pipe open after it is killed, and ``subprocess.run`` with
    captured output then waits for them forever (a whole test run hung so): output goes to a
    file and on timeout the whole process group is killed.
    """
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            ["rabbitmqctl", *args],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        if code:
            errors.seek(0)
            detail = errors.read().decode(errors="replace")[-500:]
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} exited with {code}: {detail}")
