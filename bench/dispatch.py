"""Dispatch latency and throughput of EasySight against raw aio-pika, on the real broker.

DESIGN.md §1 promises that a task starts "within milliseconds" of being sent; this benchmark
checks that promise and prices the runtime against the least a correct aio-pika consumer does on
the same broker in the same run (bench/baseline_consumer.py), so a slow broker or a busy machine
moves both figures and the ratio stays meaningful.

For each system and prefetch (1, and EasySight's default 3), with the consumer in its own
process:

* latency: tasks published one at a time (the next only after the previous task's final result
  came back, so the consumer is idle and the figure is dispatch, not backlog), publish → start;
* throughput: ``--tasks`` published pipelined (``--inflight`` confirms outstanding), publish
  start → last final result received.

Everything lives in a fresh namespace ``bench-<hex>.``, deleted at the end, also on failure.
Run: ``.venv/bin/python bench/dispatch.py [--tasks 1000]``. The last stdout line is
``RESULT dispatch_p50_ms=… dispatch_p99_ms=… throughput_per_s=… baseline_per_s=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
import psutil
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractRobustConnection,
)

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

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_PREFETCH = 3  # Settings.max_concurrent_tasks default
FINAL = frozenset({"succeeded", "failed", "timeout", "cancelled"})
TASK_WAIT_S = 10.0  # one task (latency phase) must come back within this
BATCH_WAIT_S = 60.0  # the whole throughput batch must come back within this


def log(text: str) -> None:
    """Progress goes to stderr so stdout stays the report, with RESULT as its last line."""
    print(text, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: p99 of 1,000 samples is the 990th smallest, a real sample."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Latency:
    """Per-task samples of one latency phase, in milliseconds."""

    dispatch: list[float] = field(default_factory=list)  # publish → consumer starts the task
    confirm: list[float] = field(default_factory=list)  # publish → broker confirm
    reply: list[float] = field(default_factory=list)  # publish → final result/reply received
    worker: list[float] = field(default_factory=list)  # EasySight: duration_ms of the result


@dataclass
class Figures:
    """What one system measured at one prefetch."""

    system: str
    prefetch: int
    latency: Latency
    throughputs: list[float]  # tasks/s of each repeat of the throughput phase
    cpu_us: dict[str, float]  # CPU time per task in the throughput phase, by process

    @property
    def throughput(self) -> float:
        """The median repeat: robust to one batch that shared the CPU with something else."""
        return statistics.median(self.throughputs)


def broker_process() -> psutil.Process | None:
    """The local RabbitMQ (beam.smp), to price its CPU share; None if remote or not visible."""
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "beam.smp":
            return process
    return None


def cpu_seconds(process: psutil.Process | None) -> float:
    """User + system CPU of a process so far; NaN when it cannot be read (not ours, gone)."""
    if process is None:
        return math.nan
    try:
        times = process.cpu_times()
    except psutil.Error:
        return math.nan
    return float(times.user + times.system)


# --- child processes -------------------------------------------------------------------------


class Child:
    """A consumer process: started until it prints ``ready``, always stopped, never orphaned.

    Its stdin is a pipe it watches: if this process dies without cleaning up, the pipe closes and
    the child stops by itself. stderr goes to a file that is shown if the child fails.
    """

    def __init__(self, name: str, argv: list[str], log_path: Path) -> None:
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 30.0) -> None:
        with self.log_path.open("ab") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = await asyncio.wait_for(self.process.stdout.readline(), max(remaining, 0))
            except TimeoutError:
                raise RuntimeError(
                    f"{self.name} not ready within {timeout:g} s\n{self.tail()}"
                ) from None
            if not line:
                code = await self.process.wait()
                raise RuntimeError(f"{self.name} exited with {code} before ready\n{self.tail()}")
            if line.strip() == b"ready":
                return

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace").splitlines()
            return "\n".join(f"  {self.name}: {t}" for t in text[-lines:])
        return ""

    async def stop(self, timeout: float = 10.0) -> None:
        """Close stdin (a graceful stop), then SIGTERM, then SIGKILL, each with a deadline."""
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        for escalate in (process.terminate, process.kill):
            try:
                await asyncio.wait_for(process.wait(), timeout)
                return
            except TimeoutError:
                log(f"{self.name} still running after {timeout:g} s: {escalate.__name__}")
                with contextlib.suppress(ProcessLookupError):
                    escalate()
                timeout = 3.0
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), timeout)


# --- the two systems under test --------------------------------------------------------------


@dataclass
class Sample:
    """Timestamps of one message; ``*_wall`` are time.time(), ``*_mono`` time.perf_counter()."""

    published_wall: float = 0.0
    published_mono: float = 0.0
    confirmed_mono: float = 0.0
    started_wall: float | None = None  # taken by the consumer when it begins the task
    final_mono: float | None = None
    worker_ms: float | None = None
    done: asyncio.Future[None] | None = None


class System:
    """One system under test, as seen from the publishing side (the console's place)."""

    name = ""

    def __init__(self, connection: AbstractRobustConnection, args: argparse.Namespace) -> None:
        self.connection = connection
        self.args = args
        self.namespace: str = args.namespace
        self.samples: dict[str, Sample] = {}
        self.finals = 0
        self.expected = 0
        self.last_final_mono = 0.0
        self.all_done = asyncio.Event()

    async def start(self) -> None:
        raise NotImplementedError

    def consumer_argv(self, prefetch: int, log_dir: Path) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> tuple[str, Callable[[], Awaitable[Any]]]:
        """A ready-to-send message: its id and a coroutine factory that publishes it."""
        raise NotImplementedError

    def _final(self, key: str, started_wall: float | None, worker_ms: float | None) -> None:
        now = time.perf_counter()
        sample = self.samples.get(key)
        if sample is None:
            return  # not one of ours (e.g. a duplicate after a redelivery)
        if started_wall is not None:
            sample.started_wall = started_wall
        sample.worker_ms = worker_ms
        sample.final_mono = now
        self.last_final_mono = now
        self.finals += 1
        if sample.done is not None and not sample.done.done():
            sample.done.set_result(None)
        if self.expected and self.finals >= self.expected:
            self.all_done.set()

    # Both phases publish through these two helpers, so both systems are driven identically.

    async def one_at_a_time(self, count: int, warmup: int) -> Latency:
        latency = Latency()
        for i in range(warmup + count):
            key, publish = self.prepare()
            sample = self.samples[key] = Sample(done=asyncio.get_running_loop().create_future())
            sample.published_wall = time.time()
            sample.published_mono = time.perf_counter()
            await publish()
            sample.confirmed_mono = time.perf_counter()
            assert sample.done is not None
            try:
                await asyncio.wait_for(sample.done, TASK_WAIT_S)
            except TimeoutError:
                raise RuntimeError(
                    f"{self.name}: task {i} got no final result within {TASK_WAIT_S:g} s"
                ) from None
            if i < warmup:
                continue
            if sample.started_wall is None or sample.final_mono is None:
                raise RuntimeError(f"{self.name}: task {i} finished without a start time")
            latency.dispatch.append((sample.started_wall - sample.published_wall) * 1000)
            latency.confirm.append((sample.confirmed_mono - sample.published_mono) * 1000)
            latency.reply.append((sample.final_mono - sample.published_mono) * 1000)
            if sample.worker_ms is not None:
                latency.worker.append(sample.worker_ms)
        self.samples.clear()
        return latency

    async def pipelined(self, count: int, inflight: int) -> tuple[float, float]:
        """Publish ``count`` messages with up to ``inflight`` unconfirmed; return (per s, s)."""
        prepared = [self.prepare() for _ in range(count)]  # encoding is not what we measure
        for key, _ in prepared:
            self.samples[key] = Sample()
        self.finals, self.expected = 0, count
        self.all_done.clear()
        slots = asyncio.Semaphore(inflight)

        async def send(publish: Callable[[], Awaitable[Any]]) -> None:
            try:
                await publish()
            finally:
                slots.release()

        started = time.perf_counter()
        sends = []
        for _, publish in prepared:
            await slots.acquire()
            sends.append(asyncio.create_task(send(publish)))
        await asyncio.gather(*sends)
        try:
            await asyncio.wait_for(self.all_done.wait(), BATCH_WAIT_S)
        except TimeoutError:
            raise RuntimeError(
                f"{self.name}: only {self.finals} of {count} results within {BATCH_WAIT_S:g} s"
            ) from None
        elapsed = self.last_final_mono - started
        self.samples.clear()
        self.expected = 0
        return count / elapsed, elapsed


class EasySight(System):
    """Tasks through the EasySight topology to a real ``Worker`` (bench/noop_worker.py)."""

    name = "easysight"

    async def start(self) -> None:
        publish_channel = await self.connection.channel(publisher_confirms=True)
        # Declared here exactly as the console does; the worker declares the same, idempotently.
        self.declared: DeclaredTopology = await declare_topology(
            publish_channel, Topology(self.namespace)
        )
        # Results are read where the console's recorder reads them, from the durable
        # task_results queue. Reading a private live queue instead leaves task_results without
        # a consumer: the broker then confirms each persistent result only once it is written
        # to its message store, which doubled the worker's start → final time here (0.43 →
        # 0.88 ms p50) and is not what a site with its recorder running sees.
        channel = await self.connection.channel()
        results = await channel.get_queue(self.declared.topology.results_queue)
        await results.consume(self._on_result, no_ack=True)
        self.body_size = len(to_amqp(self._task()).body)

    def consumer_argv(self, prefetch: int, log_dir: Path) -> list[str]:
        script = str(BENCH_DIR / "noop_worker.py")
        level = self.args.worker_log_level
        return [sys.executable, script, self.namespace, str(prefetch), str(log_dir), level]

    @staticmethod
    def _task() -> TaskMessage:
        camera = Camera(id="bench", name="Benchmark camera", url="noop://")
        return TaskMessage(
            task_id=uuid.uuid4(), kind="diagnosis", camera=camera, params=DiagnosisParams()
        )

    def prepare(self) -> tuple[str, Callable[[], Awaitable[Any]]]:
        task = self._task()
        message = to_amqp(task)
        exchange = self.declared.tasks
        return str(task.task_id), lambda: exchange.publish(message, routing_key=task.kind)

    async def _on_result(self, message: AbstractIncomingMessage) -> None:
        if (message.message_id or "").endswith(":started"):
            return  # only finals are used; skip decoding so the bench's own CPU stays low
        result = decode(message.body, message.type, ResultMessage)
        if result.status not in FINAL:
            return
        # Latency is taken against ``started_at``: the worker's UTC wall clock when it begins the
        # task (RunningTask is created just before the ``started`` result is published). The
        # publish stamp is time.time() taken right before publishing. Both read CLOCK_REALTIME on
        # this one host, so they are the same clock (µs resolution; NTP slews by ppm, i.e. ns over
        # a few ms). started_at travels in both the started and the final result; using the
        # final one lets us wait for an idle worker before the next publish.
        started = result.started_at.timestamp() if result.started_at else None
        self._final(str(result.task_id), started, result.duration_ms)


class Baseline(System):
    """Plain messages to a plain durable queue, consumed by bench/baseline_consumer.py."""

    name = "aio-pika"

    def __init__(
        self, connection: AbstractRobustConnection, args: argparse.Namespace, size: int
    ) -> None:
        super().__init__(connection, args)
        self.task_queue = f"{self.namespace}baseline.tasks"
        self.reply_queue = f"{self.namespace}baseline.replies"
        self.body = json.dumps({"pad": "x" * max(0, size - 11)}).encode()  # same size as a task

    async def start(self) -> None:
        publish_channel = await self.connection.channel(publisher_confirms=True)
        await publish_channel.declare_queue(self.task_queue, durable=True)
        self.exchange: AbstractExchange = publish_channel.default_exchange
        channel = await self.connection.channel()
        replies = await channel.declare_queue(self.reply_queue, durable=True)
        await replies.consume(self._on_reply, no_ack=True)

    def consumer_argv(self, prefetch: int, log_dir: Path) -> list[str]:
        script = str(BENCH_DIR / "baseline_consumer.py")
        queues = [self.task_queue, self.reply_queue]
        return [sys.executable, script, self.args.url, *queues, str(prefetch)]

    def prepare(self) -> tuple[str, Callable[[], Awaitable[Any]]]:
        key = str(uuid.uuid4())
        message = aio_pika.Message(
            body=self.body,
            content_type="application/json",
            correlation_id=key,
            message_id=key,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        exchange, queue = self.exchange, self.task_queue
        return key, lambda: exchange.publish(message, routing_key=queue)

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        reply = json.loads(message.body)
        self._final(reply["id"], reply["consumed_at"], None)


# --- the run ---------------------------------------------------------------------------------


async def measure(
    system: System, prefetch: int, args: argparse.Namespace, log_dir: Path
) -> Figures:
    """Start the system's consumer at ``prefetch``, run both phases, stop the consumer."""
    child = Child(
        f"{system.name}-p{prefetch}",
        system.consumer_argv(prefetch, log_dir),
        log_dir / f"{system.name}-p{prefetch}.stderr",
    )
    try:
        await child.start()
        log(f"{system.name} prefetch {prefetch}: latency, {args.tasks} tasks one at a time")
        latency = await system.one_at_a_time(args.tasks, args.warmup)
        log(
            f"{system.name} prefetch {prefetch}: throughput, {args.tasks} tasks pipelined"
            f" × {args.repeat}"
        )
        if args.warmup:
            await system.pipelined(args.warmup, args.inflight)
        # CPU per task of each process shows which one bounds the throughput (2 cores here).
        assert child.process is not None
        processes = {
            "consumer": psutil.Process(child.process.pid),
            "broker": broker_process(),
            "bench": psutil.Process(),
        }
        before = {name: cpu_seconds(p) for name, p in processes.items()}
        # Repeated, and the median reported: one batch lasts about a second, so a burst of
        # other work on this shared machine would otherwise decide the figure.
        throughputs = [
            (await system.pipelined(args.tasks, args.inflight))[0] for _ in range(args.repeat)
        ]
        cpu_us = {
            name: (cpu_seconds(p) - before[name]) / (args.tasks * args.repeat) * 1e6
            for name, p in processes.items()
        }
    except Exception:
        log(child.tail())
        raise
    finally:
        await child.stop()
    return Figures(system.name, prefetch, latency, throughputs, cpu_us)


async def delete_namespace(url: str, namespace: str) -> None:
    """Delete every queue and exchange of the run's namespace; each one on its own."""
    topology = Topology(namespace)
    queues = [
        *topology.durable_queues,
        f"{namespace}baseline.tasks",
        f"{namespace}baseline.replies",
    ]
    exchanges = [
        topology.tasks_exchange,
        topology.results_exchange,
        topology.heartbeat_exchange,
        topology.control_exchange,
        topology.dead_letter_exchange,
    ]
    connection = await aio_pika.connect(url)
    async with connection:
        channel: AbstractChannel = await connection.channel()
        for kind, name in [("queue", q) for q in queues] + [("exchange", e) for e in exchanges]:
            try:
                if channel.is_closed:
                    channel = await connection.channel()
                if kind == "queue":
                    await channel.queue_delete(name)
                else:
                    await channel.exchange_delete(name)
            except Exception as exc:  # keep deleting the others
                log(f"could not delete {kind} {name}: {exc}")


async def run(args: argparse.Namespace) -> list[Figures]:
    namespace = args.namespace = f"bench-{uuid.uuid4().hex[:8]}."
    log(f"namespace {namespace} on {args.url.split('@')[-1]}")
    figures: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="easysight-bench-") as tmp:
        connection = await aio_pika.connect_robust(args.url)
        try:
            easysight = EasySight(connection, args)
            await easysight.start()
            baseline = Baseline(connection, args, easysight.body_size)
            await baseline.start()
            # Interleaved so that drift in machine load hits both systems alike.
            for prefetch in (DEFAULT_PREFETCH, 1):
                for system in (easysight, baseline):
                    figures.append(await measure(system, prefetch, args, Path(tmp)))
        finally:
            with contextlib.suppress(Exception):
                await connection.close()
            try:
                await asyncio.wait_for(delete_namespace(args.url, namespace), 30)
            except Exception as exc:
                log(f"clean-up of {namespace} failed: {exc!r}; delete its queues by hand")
    return figures


def report(figures: list[Figures], args: argparse.Namespace) -> str:
    """The human table, the ratios, and the RESULT line last."""
    by = {(f.system, f.prefetch): f for f in figures}
    lines = [
        f"EasySight dispatch benchmark: {args.tasks} tasks per phase (+{args.warmup} warm-up), "
        f"up to {args.inflight} confirms in flight, worker log level {args.worker_log_level}",
        "",
        "latency, one task at a time (ms)      publish→start           publish   publish→   worker",
        "system     prefetch    p50     p90     p99     max    confirm p50  final p50  ms p50",
    ]
    for f in figures:
        d, lat = f.latency.dispatch, f.latency
        worker = f"{percentile(lat.worker, 50):8.2f}" if lat.worker else "       -"
        lines.append(
            f"{f.system:<10} {f.prefetch:>8} {percentile(d, 50):6.2f}  {percentile(d, 90):6.2f}"
            f"  {percentile(d, 99):6.2f}  {max(d):6.2f}    {percentile(lat.confirm, 50):8.2f}"
            f"   {percentile(lat.reply, 50):8.2f} {worker}"
        )
    lines += [
        "",
        f"throughput, {args.tasks} tasks pipelined (publish start → last final result received),"
        f" median of {args.repeat}",
        "                               tasks/s            CPU µs per task",
        "system     prefetch   median    min–max     consumer  broker   bench",
    ]
    for f in figures:
        spread = f"{min(f.throughputs):.0f}–{max(f.throughputs):.0f}"
        cpu = "".join(f"{f.cpu_us[k]:8.0f}" for k in ("consumer", "broker", "bench"))
        lines.append(f"{f.system:<10} {f.prefetch:>8} {f.throughput:8.0f}  {spread:>11}  {cpu}")
    lines += ["", "EasySight / aio-pika"]
    for prefetch in sorted({f.prefetch for f in figures}, reverse=True):
        es, bl = by[("easysight", prefetch)], by[("aio-pika", prefetch)]
        ratios = [
            percentile(es.latency.dispatch, q) / percentile(bl.latency.dispatch, q)
            for q in (50, 99)
        ]
        lines.append(
            f"  prefetch {prefetch}: latency p50 ×{ratios[0]:.2f}, p99 ×{ratios[1]:.2f}; "
            f"throughput ×{es.throughput / bl.throughput:.2f}"
        )
    es, bl = by[("easysight", DEFAULT_PREFETCH)], by[("aio-pika", DEFAULT_PREFETCH)]
    p99 = percentile(es.latency.dispatch, 99)
    lines += [
        f"  p99 dispatch < 10 ms: {'yes' if p99 < 10 else 'NO'} ({p99:.2f} ms)",
        "",
        f"RESULT dispatch_p50_ms={percentile(es.latency.dispatch, 50):.2f} "
        f"dispatch_p99_ms={p99:.2f} throughput_per_s={es.throughput:.0f} "
        f"baseline_per_s={bl.throughput:.0f}",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=1000, help="tasks per phase (1000)")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured tasks first (50)")
    parser.add_argument("--inflight", type=int, default=100, help="unconfirmed publishes (100)")
    parser.add_argument("--repeat", type=int, default=3, help="throughput batches, median (3)")
    parser.add_argument("--url", default=os.environ.get("EASYSIGHT_RABBITMQ_URL", DEFAULT_URL))
    parser.add_argument("--worker-log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    args = parser.parse_args(argv)
    if min(args.tasks, args.inflight, args.repeat) < 1 or args.warmup < 0:
        parser.error("--tasks, --inflight and --repeat must be ≥ 1, --warmup ≥ 0")
    return args


async def main(args: argparse.Namespace) -> str:
    loop = asyncio.get_running_loop()
    current = asyncio.current_task()
    assert current is not None
    # SIGTERM cancels like Ctrl-C does, so the finally blocks stop the children and clean up.
    loop.add_signal_handler(signal.SIGTERM, current.cancel)
    return report(await run(args), args)


if __name__ == "__main__":
    arguments = parse_args()
    try:
        text = asyncio.run(main(arguments))
    except (KeyboardInterrupt, asyncio.CancelledError):
        log("interrupted (consumers stopped, namespace deleted)")
        sys.exit(130)
    except (RuntimeError, OSError, aio_pika.exceptions.AMQPError) as exc:
        log(f"dispatch benchmark failed: {exc}")
        sys.exit(1)
    print(text, flush=True)
