"""Console throughput: tasks through the real control plane per second, and the window's stalls.

bench/dispatch.py prices the worker runtime; this prices the console's side of DESIGN.md §4 —
commit before publish (outbox), confirmed pipelined publishes, marking ``queued`` after the
confirm, recording results in batches and acking after the commit — against raw aio-pika round
trips on the same broker in the same run (bench/baseline_consumer.py), so a busy machine moves
both figures and the ratio stays meaningful. It also checks that the window stays responsive
while a thousand results arrive: DESIGN.md §8, the GUI thread is the event loop's thread.

Phases, in one run, all in a fresh broker namespace ``bench-<hex>.`` and a fresh database
(SQLite file in a temporary directory, or a PostgreSQL schema), deleted at the end, also on
failure. ``--tasks`` cameras are added in groups of 100; a batch of ``--tasks`` tasks is created
as an operator does it, one ``create_tasks(group_ids=[g])`` per group, one after the other
(10 calls of 100 for 1,000).

1. submit: no worker consumes; first ``create_tasks`` → every task seen ``queued`` (TasksChanged).
2. recorded, 1 and then 3 ``bench/noop_worker.py`` processes (no-op handler, prefetch 3 each):
   first ``create_tasks`` → last ``ResultRecorded``. The control plane runs on a plain asyncio
   loop, as ``easysight-console --headless`` does.
3. baseline: ``--tasks`` pipelined raw aio-pika publish → consume → reply round trips with 1 and 3
   baseline consumers (prefetch 3 each, 100 confirms in flight like the dispatcher).
4. GUI: QApplication (offscreen) on a qasync loop with the real ``MainWindow`` shown and a fresh
   control plane on the same loop and database; a 5 ms QTimer stamps its ticks, and a stall is a
   gap minus 5 ms, while a batch is submitted and recorded with 3 workers.

Run: ``.venv/bin/python bench/console_throughput.py [--tasks 1000] [--database sqlite|postgresql]``.
The last stdout line is
``RESULT submit_per_s=… recorded_per_s=… baseline_per_s=… max_gui_stall_ms=…``
(recorded at 3 workers, headless; baseline at 3 consumers).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import aio_pika
import psutil

# bench/ is on sys.path as the running script's directory: the helpers of the dispatch benchmark
# (child processes, the baseline, namespace clean-up) are reused as they are.
from dispatch import (
    BENCH_DIR,
    DEFAULT_URL,
    Baseline,
    Child,
    broker_process,
    cpu_seconds,
    delete_namespace,
    log,
    percentile,
)

from easysight_desktop.control.events import (
    BrokerStateChanged,
    Event,
    ResultRecorded,
    TasksChanged,
)
from easysight_desktop.control.plane import ControlPlane
from easysight_desktop.control.views import CameraInput, TaskView
from worker_node.protocol import Topology, to_amqp
from worker_node.settings import Settings

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GROUP_SIZE = 100  # cameras per group: one operator submission
WORKER_PREFETCH = 3  # Settings.max_concurrent_tasks default
IN_FLIGHT = 100  # the dispatcher's IN_FLIGHT, so the baseline pipelines alike
WARMUP = 50  # unmeasured tasks before each measured batch
BATCH_WAIT_S = 90.0  # a whole batch must be recorded within this
TICK_MS = 5  # stall probe interval
SETTLE_S = 2.0  # after the window opens, before measuring (first load of 1,000 cameras)
IDLE_S = 1.0  # stall probe with nothing arriving, for reference
TAIL_S = 0.5  # after the last result: the tasks table applies its changes on a 200 ms timer
PARAMS: dict[str, Any] = {}  # diagnosis with every default: the no-op worker ignores it


# --- the database ----------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(kind: str, tmp: Path) -> Iterator[str]:
    """An empty SQLite file, or an empty PostgreSQL schema that is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'easysight.db'}"
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        except Exception as exc:
            log(f"could not drop schema {schema}: {exc}; drop it by hand")
        admin.dispose()


class SharedProcesses:
    """The broker and (PostgreSQL) the database server's processes, to price their CPU per task.

    Both are shared with anyone else using them on this machine. The broker is found once; the
    database's backends are forked per connection, so they are listed again before each batch,
    after the control plane has opened its pool, and never inside a measured GUI window:
    walking the process table takes tens of milliseconds.
    """

    def __init__(self, database: str) -> None:
        self.broker = broker_process()
        self.database = database

    def current(self) -> dict[str, list[psutil.Process | None]]:
        found: dict[str, list[psutil.Process | None]] = {"broker": [self.broker]}
        if self.database == "postgresql":
            names = ("postgres", "postmaster")
            processes = psutil.process_iter(["name"])
            found["database"] = [p for p in processes if p.info["name"] in names]
        return found


# --- following one batch through the control plane's events ---------------------------------


class Progress:
    """Stamps when each task of a batch is first seen queued (or further) and recorded.

    It is an event observer, so it runs on the event loop (the GUI thread in phase 4): it only
    fills two dicts and compares two lengths, and checks the sets only once the counts allow it.
    """

    def __init__(self, plane: ControlPlane) -> None:
        self.ids: set[UUID] = set()
        self.queued_at: dict[UUID, float] = {}
        self.recorded_at: dict[UUID, float] = {}
        self.all_queued = asyncio.Event()
        self.all_recorded = asyncio.Event()
        self.complete = False  # every create_tasks call has returned
        self._unsubscribe = plane.events.subscribe(self._on_event)

    def expect(self, views: Sequence[TaskView]) -> None:
        self.ids.update(v.id for v in views)

    def close_batch(self) -> None:
        self.complete = True
        self._check()

    def _on_event(self, event: Event) -> None:
        now = time.perf_counter()
        if isinstance(event, TasksChanged):
            for task in event.tasks:
                if task.state != "pending" and task.id not in self.queued_at:
                    self.queued_at[task.id] = now
        elif isinstance(event, ResultRecorded):
            self.recorded_at.setdefault(event.task_id, now)
        else:
            return
        self._check()

    def _check(self) -> None:
        if not self.complete:
            return
        pairs = ((self.all_queued, self.queued_at), (self.all_recorded, self.recorded_at))
        for done, stamps in pairs:
            # The length test first: the subset test is O(batch) and events come by the thousand.
            if not done.is_set() and len(stamps) >= len(self.ids) and self.ids <= stamps.keys():
                done.set()

    def last(self, stamps: dict[UUID, float]) -> float:
        return max(stamps[i] for i in self.ids)

    def close(self) -> None:
        self._unsubscribe()


@dataclass
class Batch:
    """One measured batch through the control plane; times in seconds from the first submit."""

    label: str
    tasks: int
    started_at: float  # time.perf_counter() of the first submit
    created_s: float  # every create_tasks call returned (committed)
    queued_s: float  # every task queued or further
    recorded_s: float | None  # every result recorded; None when no worker ran
    cpu_us: dict[str, float] = field(default_factory=dict)  # CPU per task by process
    broker_drops: int = 0  # the console lost the broker meanwhile: the figures are void

    @property
    def submit_per_s(self) -> float:
        return self.tasks / self.queued_s

    @property
    def recorded_per_s(self) -> float:
        return self.tasks / self.recorded_s if self.recorded_s else math.nan


@dataclass
class Stalls:
    """Event-loop stalls seen by the 5 ms probe, in milliseconds."""

    ticks: int
    values: list[float]

    @property
    def max(self) -> float:
        return max(self.values, default=0.0)

    @property
    def p99(self) -> float:
        return percentile(self.values, 99) if self.values else 0.0

    def over(self, ms: float) -> int:
        return sum(1 for v in self.values if v > ms)


@dataclass
class Figures:
    submit: Batch | None = None
    recorded: dict[int, Batch] = field(default_factory=dict)  # by worker count
    baseline: dict[int, float] = field(default_factory=dict)  # by consumer count
    baseline_cpu: dict[int, dict[str, float]] = field(default_factory=dict)
    gui: Batch | None = None
    gui_idle: Stalls | None = None
    gui_busy: Stalls | None = None
    stall_stacks: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0


class CpuMeter:
    """CPU time per task of the console, the workers, the broker and (PostgreSQL) the database."""

    def __init__(
        self, workers: Sequence[Child], shared: dict[str, list[psutil.Process | None]]
    ) -> None:
        self.processes: dict[str, list[psutil.Process | None]] = {
            "console": [psutil.Process()],
            "workers": [psutil.Process(w.process.pid) for w in workers if w.process],
            **shared,
        }
        self.before = self._read()

    def _read(self) -> dict[psutil.Process | None, float]:
        return {p: cpu_seconds(p) for ps in self.processes.values() for p in ps}

    def per_task(self, tasks: int) -> dict[str, float]:
        """A process that ended meanwhile (a database backend) counts as nothing, not NaN."""
        after = self._read()
        spent = {
            name: sum(
                after[p] - self.before[p]
                for p in processes
                if not math.isnan(after[p] - self.before[p])
            )
            for name, processes in self.processes.items()
        }
        return {name: seconds / tasks * 1e6 for name, seconds in spent.items()}


# --- the control plane's side ----------------------------------------------------------------


class Console:
    """A control plane with the benchmark's cameras, and the operator's batch submission."""

    def __init__(self, args: argparse.Namespace, database_url: str, data_dir: Path) -> None:
        # Built directly, not Settings.load(): a developer's EASYSIGHT_* variables or config file
        # must not change what is measured.
        self.settings = Settings(
            rabbitmq_url=args.url,
            namespace=args.namespace,
            database_url=database_url,
            data_dir=data_dir,
            operator="bench",
            worker_id="bench-console",
        )
        self.plane = ControlPlane(self.settings)
        self.groups: list[int] = []
        self.camera_ids: list[int] = []
        self.shared = SharedProcesses(args.database)
        # Other work on a shared machine may restart RabbitMQ; a batch that saw it is void.
        self.broker_drops = 0
        self.plane.events.subscribe(self._count_drops)

    def _count_drops(self, event: Event) -> None:
        if isinstance(event, BrokerStateChanged) and not event.state.ok:
            self.broker_drops += 1

    async def start(self) -> None:
        await self.plane.start()
        self.plane.bind_loop()
        deadline = time.monotonic() + 30
        while not self.plane.broker.connected.is_set():
            if self.plane.broker.fatal is not None:
                raise RuntimeError(f"broker: {self.plane.broker.fatal}")
            connecting = getattr(self.plane.broker, "_task", None)
            if connecting is not None and connecting.done() and not connecting.cancelled():
                error = connecting.exception()
                if error is not None:  # the connect loop died: say why instead of waiting
                    raise RuntimeError(f"broker link failed: {error!r}") from error
            if time.monotonic() > deadline:
                raise RuntimeError(f"control plane not connected: {self.plane.broker_state}")
            await asyncio.sleep(0.05)

    async def add_cameras(self, count: int) -> None:
        """``count`` cameras in groups of GROUP_SIZE, added one by one as in the camera dialog."""
        for i in range(count):
            view = await self.plane.add_camera(
                CameraInput(
                    name=f"bench-cam-{i:05d}",
                    url=f"rtsp://bench.invalid/cam{i}",
                    group=f"bench-group-{i // GROUP_SIZE:03d}",
                )
            )
            self.camera_ids.append(view.id)
            if view.group_id is not None and view.group_id not in self.groups:
                self.groups.append(view.group_id)

    async def batch(self, label: str, workers: Sequence[Child], *, record: bool) -> Batch:
        """Submit one task per camera, a group per call; wait until queued (and recorded)."""
        progress = Progress(self.plane)
        cpu = CpuMeter(workers, self.shared.current())
        drops = self.broker_drops
        try:
            started = time.perf_counter()
            for group in self.groups:
                progress.expect(
                    await self.plane.create_tasks("diagnosis", PARAMS, group_ids=[group])
                )
            created = time.perf_counter()
            progress.close_batch()
            waiting = progress.all_recorded if record else progress.all_queued
            try:
                await asyncio.wait_for(waiting.wait(), BATCH_WAIT_S)
            except TimeoutError:
                raise RuntimeError(
                    f"{label}: {len(progress.queued_at)} queued and {len(progress.recorded_at)}"
                    f" recorded of {len(progress.ids)} within {BATCH_WAIT_S:g} s"
                ) from None
            await progress.all_queued.wait()
            tasks = len(progress.ids)
            return Batch(
                label,
                tasks,
                started,
                created - started,
                progress.last(progress.queued_at) - started,
                progress.last(progress.recorded_at) - started if record else None,
                cpu.per_task(tasks),
                self.broker_drops - drops,
            )
        finally:
            progress.close()

    async def warm_up(self, *, record: bool) -> None:
        """A few unmeasured tasks first: connection pools, statement caches, imports."""
        progress = Progress(self.plane)
        try:
            views = await self.plane.create_tasks(
                "diagnosis", PARAMS, camera_ids=self.camera_ids[:WARMUP]
            )
            progress.expect(views)
            progress.close_batch()
            waiting = progress.all_recorded if record else progress.all_queued
            await asyncio.wait_for(waiting.wait(), BATCH_WAIT_S)
        finally:
            progress.close()

    async def purge_tasks(self) -> None:
        """Empty the diagnosis queue after the submit phase, so no worker sees those tasks."""
        connection = self.plane.broker.connection
        assert connection is not None
        channel = await connection.channel()
        try:
            name = Topology(self.settings.namespace).task_queue("diagnosis")
            queue = await channel.get_queue(name)
            await queue.purge()
        finally:
            await channel.close()

    def task_body_size(self) -> int:
        """A wire task's size, so the baseline sends messages as large."""
        from datetime import UTC, datetime

        from worker_node.protocol import Camera, DiagnosisParams, TaskMessage

        message = TaskMessage(
            task_id=uuid.uuid4(),
            kind="diagnosis",
            created_at=datetime.now(UTC),
            camera=Camera(id="1", name="bench-cam-00000", url="rtsp://bench.invalid/cam0"),
            params=DiagnosisParams(),
        )
        return len(to_amqp(message).body)


def worker_child(args: argparse.Namespace, index: int, log_dir: Path) -> Child:
    name = f"bench-worker-{index}"
    argv = [
        sys.executable,
        str(BENCH_DIR / "noop_worker.py"),
        args.namespace,
        str(WORKER_PREFETCH),
        str(log_dir),
        args.worker_log_level,
        name,
    ]
    return Child(name, argv, log_dir / f"{name}.stderr")


async def stop_all(children: Sequence[Child]) -> None:
    await asyncio.gather(*(c.stop() for c in children), return_exceptions=True)


async def start_workers(
    args: argparse.Namespace, workers: list[Child], count: int, log_dir: Path
) -> None:
    """Grow ``workers`` to ``count`` running worker processes, each ready (consuming)."""
    while len(workers) < count:
        child = worker_child(args, len(workers) + 1, log_dir)
        workers.append(child)
        try:
            await child.start()
        except Exception:
            log(child.tail())
            raise


async def baseline_round(
    baseline: Baseline, consumers: int, args: argparse.Namespace, log_dir: Path
) -> tuple[float, dict[str, float]]:
    """Raw aio-pika round trips with ``consumers`` consumer processes; (tasks/s, CPU µs/task)."""
    children = [
        Child(
            f"baseline-{i}",
            baseline.consumer_argv(WORKER_PREFETCH, log_dir),
            log_dir / f"baseline-{i}.stderr",
        )
        for i in range(consumers)
    ]
    try:
        for child in children:
            await child.start()
        await baseline.pipelined(WARMUP, IN_FLIGHT)
        cpu = CpuMeter(children, {"broker": [broker_process()]})
        per_s, _ = await baseline.pipelined(args.tasks, IN_FLIGHT)
        return per_s, cpu.per_task(args.tasks)
    except Exception:
        for child in children:
            log(child.tail())
        raise
    finally:
        await stop_all(children)


async def headless(
    args: argparse.Namespace, database_url: str, tmp: Path, figures: Figures
) -> tuple[list[int], list[int]]:
    """Phases 1–3 on a plain asyncio loop; returns the cameras' groups and ids for phase 4."""
    console = Console(args, database_url, tmp / "data")
    workers: list[Child] = []
    connection = await aio_pika.connect_robust(args.url)
    try:
        await console.start()
        log(f"adding {args.tasks} cameras in groups of {GROUP_SIZE}")
        await console.add_cameras(args.tasks)

        log(f"submit: {args.tasks} tasks, no worker consuming")
        await console.warm_up(record=False)
        figures.submit = await console.batch("submit", [], record=False)
        await console.purge_tasks()

        baseline = Baseline(connection, args, console.task_body_size())
        await baseline.start()
        # Interleaved, so that drift in the machine's load hits both systems alike.
        for count in (1, 3):
            log(f"baseline: {args.tasks} round trips, {count} consumer(s)")
            per_s, cpu = await baseline_round(baseline, count, args, tmp)
            figures.baseline[count], figures.baseline_cpu[count] = per_s, cpu
            log(f"recorded: {args.tasks} tasks, {count} worker(s)")
            await start_workers(args, workers, count, tmp)
            await console.warm_up(record=True)
            figures.recorded[count] = await console.batch(
                f"{count} worker(s)", workers, record=True
            )
        assert console.plane.recorder is not None
        figures.duplicates += console.plane.recorder.duplicates
        return console.groups, console.camera_ids
    finally:
        await stop_all(workers)
        with contextlib.suppress(Exception):
            await console.plane.close()
        with contextlib.suppress(Exception):
            await connection.close()


# --- the window's side -----------------------------------------------------------------------


class StallTracer:
    """Samples the GUI thread's stack while its loop is late, to tell what a stall was doing.

    A daemon thread wakes every 5 ms; when the probe has not ticked for ``after_ms``, it records
    the GUI thread's innermost Python frames. Time inside Qt's C++ (painting, layout, model
    signals) shows as qasync's ``run_forever``; a stall that holds the GIL is seen only at its
    end. The counts are a guide to where to look, not a profile (``--trace-stalls``).
    """

    def __init__(self, probe: StallProbe, after_ms: float = 30.0) -> None:
        self.probe = probe
        self.after_s = after_ms / 1000
        self.stacks: Counter[str] = Counter()
        self.gui_thread = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-tracer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            last = self.probe.last
            if not self.probe.recording or last is None:
                continue
            if time.perf_counter() - last > self.after_s:
                frame = sys._current_frames().get(self.gui_thread)
                if frame is not None:
                    self.stacks[self._describe(frame)] += 1

    @staticmethod
    def _describe(frame: Any) -> str:
        frames = traceback.extract_stack(frame)
        ours = [f for f in frames if "easysight" in f.filename or "site-packages" in f.filename]
        tail = (ours or frames)[-4:]
        return " ← ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(tail))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1)


class StallProbe:
    """A 5 ms precise QTimer; every gap beyond the interval is time the loop was not serving."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last: float | None = None
        self.recording = False
        self.stamps: list[float] = []
        self.gaps: list[float] = []

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last is not None:
            self.stamps.append(now)
            self.gaps.append(now - self.last)
        self.last = now
        self.recording = True

    def between(self, start: float, end: float) -> Stalls:
        values = [
            max(0.0, gap * 1000 - TICK_MS)
            for stamp, gap in zip(self.stamps, self.gaps, strict=True)
            if start <= stamp <= end
        ]
        return Stalls(len(values), values)


async def gui_main(
    args: argparse.Namespace,
    database_url: str,
    tmp: Path,
    groups: list[int],
    camera_ids: list[int],
    figures: Figures,
) -> None:
    from easysight_desktop.ui.main_window import MainWindow

    console = Console(args, database_url, tmp / "data")
    console.groups, console.camera_ids = groups, camera_ids
    workers: list[Child] = []
    probe = StallProbe()
    tracer = StallTracer(probe) if args.trace_stalls else None
    window = MainWindow(console.plane)
    try:
        # The order of app.py: window shown, control plane started, then the window's start.
        window.resize(1600, 900)
        window.show()
        await console.start()
        start = getattr(window, "start", None)
        if start is not None:
            await start()
        await start_workers(args, workers, 3, tmp)
        await console.warm_up(record=True)
        probe.start()
        if tracer is not None:
            tracer.start()
        await asyncio.sleep(SETTLE_S)
        idle_from = time.perf_counter()
        await asyncio.sleep(IDLE_S)
        figures.gui_idle = probe.between(idle_from, time.perf_counter())
        log(f"GUI: {args.tasks} tasks, 3 workers, window shown (offscreen), {TICK_MS} ms probe")
        figures.gui = await console.batch("window, 3 workers", workers, record=True)
        await asyncio.sleep(TAIL_S)
        figures.gui_busy = probe.between(figures.gui.started_at, time.perf_counter())
        if tracer is not None:
            figures.stall_stacks = tracer.stacks
        assert console.plane.recorder is not None
        figures.duplicates += console.plane.recorder.duplicates
    finally:
        probe.stop()
        if tracer is not None:
            tracer.stop()
        await stop_all(workers)
        with contextlib.suppress(Exception):
            await console.plane.close()
        window.close()


def gui(
    args: argparse.Namespace,
    database_url: str,
    tmp: Path,
    groups: list[int],
    camera_ids: list[int],
    figures: Figures,
) -> None:
    """Phase 4 on a qasync loop, as the window runs (app.py)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from easysight_desktop.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)  # the loop ends when gui_main does, not before
    apply_theme(app)  # type: ignore[arg-type]
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        main = loop.create_task(gui_main(args, database_url, tmp, groups, camera_ids, figures))
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGTERM, main.cancel)
        loop.run_until_complete(main)


# --- the run and the report ------------------------------------------------------------------


async def guarded(coro: Any) -> Any:
    """SIGTERM cancels like Ctrl-C does, so the finally blocks stop children and clean up."""
    current = asyncio.current_task()
    assert current is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, current.cancel)
    return await coro


def run(args: argparse.Namespace) -> Figures:
    args.namespace = f"bench-{uuid.uuid4().hex[:8]}."
    log(f"namespace {args.namespace} on {args.url.split('@')[-1]}, database {args.database}")
    figures = Figures()
    with (
        tempfile.TemporaryDirectory(prefix="easysight-console-bench-") as tmp_name,
        fresh_database(args.database, Path(tmp_name)) as database_url,
    ):
        tmp = Path(tmp_name)
        try:
            groups, camera_ids = asyncio.run(guarded(headless(args, database_url, tmp, figures)))
            if not args.no_gui:
                gui(args, database_url, tmp, groups, camera_ids, figures)
        finally:
            try:
                asyncio.run(asyncio.wait_for(delete_namespace(args.url, args.namespace), 30))
            except Exception as exc:
                log(f"clean-up of {args.namespace} failed: {exc!r}; delete its queues by hand")
    return figures


def cpu_text(cpu: dict[str, float]) -> str:
    return "  ".join(f"{name} {value:5.0f}" for name, value in cpu.items())


def report(figures: Figures, args: argparse.Namespace) -> str:
    """The human table, then the RESULT line last."""
    submit = figures.submit
    assert submit is not None
    lines = [
        f"EasySight console throughput: {args.tasks} tasks per batch, "
        f"{math.ceil(args.tasks / GROUP_SIZE)} create_tasks calls of ≤ {GROUP_SIZE} cameras "
        f"(one per group), database {args.database}, workers prefetch {WORKER_PREFETCH}, "
        f"worker log level {args.worker_log_level}",
        "",
        "through the control plane        created  all queued  all recorded   submit/s  recorded/s",
    ]
    batches = [submit, *figures.recorded.values()]
    if figures.gui is not None:
        batches.append(figures.gui)
    for b in batches:
        recorded = f"{b.recorded_s:10.2f} s" if b.recorded_s is not None else "           -"
        lines.append(
            f"{b.label:<30} {b.created_s:7.2f} s  {b.queued_s:8.2f} s  {recorded}"
            f"  {b.submit_per_s:9.0f}  {b.recorded_per_s:10.0f}"
        )
    cores = psutil.cpu_count() or 1
    lines += [
        "",
        f"CPU µs per task by process; 'ceiling' = {cores} cores / all of it (everything shares"
        " this machine);",
        "'console busy' = the console's share of one core over the batch (its threads share the"
        " GIL)",
    ]
    for b in batches:
        total = sum(v for v in b.cpu_us.values() if not math.isnan(v))
        rate = b.recorded_per_s if b.recorded_s else b.submit_per_s
        busy = b.cpu_us["console"] * rate / 1e4
        lines.append(
            f"  {b.label:<28} {cpu_text(b.cpu_us)}  all {total:5.0f}"
            f"  ceiling {cores * 1e6 / total:5.0f}/s  console busy {busy:3.0f} %"
        )
    for count, cpu in figures.baseline_cpu.items():
        total = sum(v for v in cpu.values() if not math.isnan(v))
        lines.append(
            f"  {f'aio-pika, {count} consumer(s)':<28} {cpu_text(cpu)}  all {total:5.0f}"
            f"  ceiling {cores * 1e6 / total:5.0f}/s"
        )
    lines += ["", "raw aio-pika round trips (baseline_consumer.py, pipelined, 100 in flight)"]
    for count, per_s in figures.baseline.items():
        ratio = figures.recorded[count].recorded_per_s / per_s if count in figures.recorded else 0
        lines.append(
            f"  {count} consumer(s): {per_s:6.0f} /s   console recorded / baseline ×{ratio:.2f}"
        )
    recorded = figures.recorded[3].recorded_per_s
    baseline = figures.baseline[3]
    max_stall = math.nan
    if figures.gui_busy is not None and figures.gui_idle is not None:
        busy, idle = figures.gui_busy, figures.gui_idle
        max_stall = busy.max
        lines += [
            "",
            f"GUI event-loop stalls ({TICK_MS} ms QTimer; stall = gap − {TICK_MS} ms)",
            f"  idle ({IDLE_S:g} s, {idle.ticks} ticks):    max {idle.max:6.1f} ms  "
            f"p99 {idle.p99:5.1f} ms",
            f"  {args.tasks:,} results ({busy.ticks} ticks): max {busy.max:6.1f} ms"
            f"  p99 {busy.p99:5.1f} ms"
            f"  median {statistics.median(busy.values) if busy.values else 0:4.1f} ms"
            f"  >16 ms: {busy.over(16)}  >50 ms: {busy.over(50)}",
        ]
        if figures.stall_stacks:
            lines.append("  GUI thread during stalls > 30 ms (5 ms samples):")
            for stack, count in figures.stall_stacks.most_common(8):
                lines.append(f"    {count:4d}  {stack}")
    void = [b.label for b in batches if b.broker_drops]
    if void:
        lines += ["", f"WARNING: the broker connection dropped during {', '.join(void)}: rerun"]
    goal_rate = "yes" if recorded >= 1000 else "NO"
    goal_stall = "yes" if max_stall <= 50 else ("not measured" if math.isnan(max_stall) else "NO")
    lines += [
        "",
        f"goal ≥ 1,000 recorded tasks/s (3 workers): {goal_rate} ({recorded:.0f}/s)",
        f"goal no GUI stall over 50 ms: {goal_stall} ({max_stall:.1f} ms)",
        f"duplicates recorded: {figures.duplicates}",
        "",
        f"RESULT submit_per_s={submit.submit_per_s:.0f} recorded_per_s={recorded:.0f} "
        f"baseline_per_s={baseline:.0f} max_gui_stall_ms={max_stall:.1f}",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=1000, help="tasks per batch (1000)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", default=os.environ.get("EASYSIGHT_RABBITMQ_URL", DEFAULT_URL))
    parser.add_argument("--worker-log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    parser.add_argument("--no-gui", action="store_true", help="skip the window phase")
    parser.add_argument(
        "--trace-stalls", action="store_true", help="sample the GUI thread's stack during stalls"
    )
    args = parser.parse_args(argv)
    if args.tasks < WARMUP:
        parser.error(f"--tasks must be ≥ {WARMUP}")
    return args


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        figures = run(args)
    except (KeyboardInterrupt, asyncio.CancelledError):
        log("interrupted (children stopped, namespace and database deleted)")
        sys.exit(130)
    except (RuntimeError, OSError, aio_pika.exceptions.AMQPError) as exc:
        log(f"console benchmark failed: {exc}")
        sys.exit(1)
    print(report(figures, args), flush=True)


if __name__ == "__main__":
    main()
