"""The worker node's main loop: consume tasks, run them, report, heartbeat, obey control.

Delivery rules (DESIGN.md §4) are kept by :class:`~worker_node.runtime.deliveries.Deliveries`;
this class decides *when* to call it. Shutdown (signal, ``shutdown`` or ``drain``) stops
consuming first, lets running tasks finish within ``shutdown_grace`` and hands the rest back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from typing import Literal
from uuid import UUID

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from worker_node.protocol import (
    ControlMessage,
    DeclaredTopology,
    ErrorInfo,
    MalformedMessage,
    ResultMessage,
    TaskMessage,
    Topology,
    declare_topology,
    decode,
    to_amqp,
    utcnow,
)
from worker_node.protocol.messages import WorkerState
from worker_node.protocol.publisher import CONNECTION_ERRORS, Publisher
from worker_node.runtime.deliveries import Deliveries, delivery_count
from worker_node.runtime.execution import Executor, Handler, RunningTask
from worker_node.runtime.heartbeat import HeartbeatBuilder
from worker_node.settings import Settings

log = logging.getLogger(__name__)

Mode = Literal["running", "paused", "draining", "stopping"]
_REMEMBERED = 10_000


class BrokerUnavailable(RuntimeError):
    """The broker could not be reached before the worker was told to stop."""


class Worker:
    """One worker node process's consuming, reporting and control logic."""

    def __init__(self, settings: Settings, handler: Handler | None = None) -> None:
        if handler is None:
            from worker_node.handlers import make_handler

            handler = make_handler(settings)
        self.settings = settings
        self.topology = Topology(settings.namespace, settings.queue_type)
        self.executor = Executor(handler, settings.worker_id, settings.max_concurrent_tasks)
        self.heartbeats = HeartbeatBuilder(
            settings.worker_id,
            settings.heartbeat_interval,
            settings.max_concurrent_tasks,
            list(settings.kinds),
        )
        self.active: dict[UUID, RunningTask] = {}
        self.completed = 0
        self.failed = 0
        self.mode: Mode = "running"
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._cancelled: OrderedDict[UUID, float] = OrderedDict()
        self._consumers: dict[str, tuple[AbstractQueue, str]] = {}
        # Redeliveries of a task still running here (after a reconnect): settled with it.
        self._duplicates: dict[UUID, list[AbstractIncomingMessage]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.connection: AbstractRobustConnection | None = None
        self.channel: AbstractChannel | None = None
        self.declared: DeclaredTopology | None = None
        self.publisher: Publisher | None = None
        self.deliveries: Deliveries | None = None

    # --- life cycle --------------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, serve until stopped, then shut down gracefully."""
        try:
            await self._connect()
            await self._start_consuming()
            heartbeat = asyncio.create_task(self._heartbeat_loop(), name="heartbeat")
            self.ready.set()
            log.info(
                "worker %s serving %s on %s (capacity %d, namespace %r, %s queues)",
                self.settings.worker_id,
                ", ".join(self.settings.kinds),
                self.settings.safe_rabbitmq_url,
                self.settings.max_concurrent_tasks,
                self.settings.namespace,
                self.settings.queue_type,
            )
            await self._stop.wait()
            await self._shutdown()
            heartbeat.cancel()
        finally:
            self.executor.close()
            if self.publisher is not None:
                self.publisher.stopping.set()
            if self.connection is not None:
                with contextlib.suppress(Exception):
                    await self.connection.close()

    def request_stop(self, reason: str = "requested") -> None:
        """Begin a graceful shutdown (safe to call from a signal handler on the loop)."""
        if self.mode != "stopping":
            log.info("stopping (%s): no new tasks; %d running", reason, len(self.active))
            self.mode = "stopping"
        self._stop.set()

    async def _connect(self) -> None:
        s = self.settings
        while True:
            try:
                self.connection = await aio_pika.connect_robust(
                    s.rabbitmq_url,
                    heartbeat=s.amqp_heartbeat_s,
                    client_properties={"connection_name": f"easysight-worker {s.worker_id}"},
                    reconnect_interval=2,
                )
                break
            except (OSError, aio_pika.exceptions.AMQPConnectionError) as exc:
                log.error("broker %s unreachable (%s); retrying in 5 s", s.safe_rabbitmq_url, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), 5)
                if self._stop.is_set():
                    raise BrokerUnavailable(f"broker {s.safe_rabbitmq_url} unreachable") from exc
        self.connection.reconnect_callbacks.add(self._on_reconnect)
        self.channel = await self.connection.channel(publisher_confirms=True)
        await self.channel.set_qos(prefetch_count=s.max_concurrent_tasks)
        self.declared = await declare_topology(self.channel, self.topology)
        self.publisher = Publisher(self.channel)
        self.deliveries = Deliveries(self.publisher, self.declared)
        control = await self.channel.declare_queue("", exclusive=True, auto_delete=True)
        for key in (f"worker.{s.worker_id}", "worker.all"):
            await control.bind(self.declared.control, routing_key=key)
        await control.consume(self._on_control, no_ack=True)

    def _on_reconnect(self, *_: object) -> None:
        log.info("reconnected to %s; consuming again", self.settings.safe_rabbitmq_url)
        self._spawn(self._send_heartbeat())

    async def _start_consuming(self) -> None:
        assert self.declared is not None
        for kind in self.settings.kinds:
            name = self.topology.task_queue(kind)
            if name in self._consumers:
                continue
            queue = self.declared.queues[name]
            tag = await queue.consume(self._on_task)
            self._consumers[name] = (queue, tag)

    async def _stop_consuming(self) -> None:
        consumers, self._consumers = self._consumers, {}
        for queue, tag in consumers.values():
            with contextlib.suppress(*CONNECTION_ERRORS):
                await queue.cancel(tag)

    async def _shutdown(self) -> None:
        await self._stop_consuming()
        await self._send_heartbeat()
        grace = self.settings.shutdown_grace
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace)
        for running in list(self.active.values()):
            log.info("handing back %s: shutdown grace of %g s over", running.task.task_id, grace)
            running.request_cancel("shutdown")
        while self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- tasks -------------------------------------------------------------------------------

    async def _on_task(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        try:
            await self._handle(message)
        except Exception:  # never let one delivery take the consumer down
            log.exception("unexpected error handling %s; returning it", message.message_id)
            with contextlib.suppress(Exception):
                await message.nack(requeue=True)

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        assert self.deliveries is not None
        try:
            task = decode(message.body, message.type, TaskMessage)
        except MalformedMessage as exc:
            await self.deliveries.dead_letter(message, str(exc))
            return
        # A republished copy waits for the ack of the delivery it replaces (see Deliveries).
        await self.deliveries.replaced(task)
        if task.message_id in self._finished:
            await self.deliveries.ack(message)  # done and confirmed before a reconnect
            return
        running = self.active.get(task.task_id)
        if running is not None and running.task.attempt == task.attempt:
            self._duplicates.setdefault(task.task_id, []).append(message)
            return
        count = delivery_count(message)
        if count > self.settings.max_attempts:
            reason = (
                f"delivered {count} times without finishing "
                f"(max_attempts={self.settings.max_attempts}); the task may crash its worker"
            )
            await self._publish_result(self._unrun(task, "failed", "poison", reason))
            await self.deliveries.dead_letter(message, reason)
            return
        if message.redelivered:
            await self.deliveries.requeue_counted(message, task, count)
            return
        if self.mode != "running":
            await self.deliveries.hand_back(message, task)
            return
        if task.task_id in self._cancelled:
            await self._publish_result(self._unrun(task, "cancelled", "cancelled", "cancelled"))
            await self.deliveries.ack(message)
            return
        await self._execute(message, task)

    async def _execute(self, message: AbstractIncomingMessage, task: TaskMessage) -> None:
        """Run one task and settle its delivery; it stays in ``active`` until settled."""
        assert self.deliveries is not None
        running = RunningTask(task)
        self.active[task.task_id] = running
        try:
            # Wait for the "started" confirm before running: it also proves that earlier acks
            # on this channel (e.g. of the delivery a counted copy replaces, which _handle
            # waited for) reached the broker before a crashing task can take the process down
            # with unsent frames.
            await self._publish_result(self.executor.started(running))
            timeout = min(task.deadline_s, self.settings.task_timeout)
            result = await self.executor.run(running, timeout)
            if running.cancel_reason == "shutdown":
                await self.deliveries.hand_back(message, task)
                return
            if result.status == "succeeded":
                self.completed += 1
            elif result.status in ("failed", "timeout"):
                self.failed += 1
            await self._publish_result(result)
            self._remember(task.message_id)
            await self.deliveries.ack(message)
        finally:
            del self.active[task.task_id]
            for duplicate in self._duplicates.pop(task.task_id, []):
                await self.deliveries.ack(duplicate)
        log.info(
            "task %s attempt %d %s in %.0f ms",
            task.task_id,
            task.attempt,
            result.status,
            result.duration_ms or 0,
        )
        if self.mode == "draining" and not self.active:
            self.request_stop("drained")

    def _unrun(self, task: TaskMessage, status: str, code: str, message: str) -> ResultMessage:
        """A final result for a task that was never run."""
        return ResultMessage.for_task(
            task,
            self.settings.worker_id,
            status,  # type: ignore[arg-type]
            finished_at=utcnow(),
            error=ErrorInfo(code=code, message=message),
        )

    async def _publish_result(self, result: ResultMessage) -> None:
        assert self.publisher is not None and self.declared is not None
        await self.publisher.publish(self.declared.results, to_amqp(result))

    def _remember(self, message_id: str) -> None:
        self._finished[message_id] = None
        while len(self._finished) > _REMEMBERED:
            self._finished.popitem(last=False)

    # --- control -----------------------------------------------------------------------------

    async def _on_control(self, message: AbstractIncomingMessage) -> None:
        try:
            command = decode(message.body, message.type, ControlMessage)
        except MalformedMessage as exc:
            log.warning("ignoring malformed control message: %s", exc)
            return
        log.info("control: %s from %s", command.command, command.issued_by)
        await self.apply(command)

    async def apply(self, command: ControlMessage) -> None:
        """Carry out one control command (also used by tests and the CLI)."""
        if command.command == "cancel":
            assert command.task_id is not None
            running = self.active.get(command.task_id)
            if running is not None:
                running.request_cancel(f"cancelled by {command.issued_by}")
            else:
                self._cancelled[command.task_id] = time.monotonic()
                while len(self._cancelled) > _REMEMBERED:
                    self._cancelled.popitem(last=False)
            return
        if command.command == "shutdown":
            self.request_stop(f"shutdown from {command.issued_by}")
            return
        if self.mode == "stopping":
            return
        if command.command == "pause":
            self.mode = "paused"
            await self._stop_consuming()
        elif command.command == "drain":
            self.mode = "draining"
            await self._stop_consuming()
            if not self.active:
                self.request_stop("drained")
        elif command.command == "resume":
            self.mode = "running"
            await self._start_consuming()
        await self._send_heartbeat()

    # --- heartbeats --------------------------------------------------------------------------

    @property
    def state(self) -> WorkerState:
        if self.mode == "paused":
            return "paused"
        if self.mode in ("draining", "stopping"):
            return "draining"
        return "busy" if len(self.active) >= self.settings.max_concurrent_tasks else "online"

    async def _heartbeat_loop(self) -> None:
        while True:
            await self._send_heartbeat()
            await asyncio.sleep(self.settings.heartbeat_interval)

    async def _send_heartbeat(self) -> None:
        if self.publisher is None or self.declared is None:
            return
        beat = self.heartbeats.build(self.state, self.active, self.completed, self.failed)
        message = to_amqp(beat, persistent=False)
        await self.publisher.publish(self.declared.heartbeat, message, retry=False)
