"""Live view wall: frames shown per tile against what this machine can decode, and GUI stalls.

The issue's goal: 16 simulated 720p streams at 25 frames/s on the wall, each tile showing at
least 90 % of the frames the machine can decode with no display at all, and no GUI stall over
50 ms. Everything runs in one run so that a busy machine moves both sides alike:

1. The camera simulator runs in a child process (``easysight-sim --wall --faults none --prepare``:
   16 healthy cameras at 1280x720, 25 frames/s, every frame of their motion loops encoded before
   serving), so its CPU is measured apart from ours.
2. decode-only: one thread per stream, all in this process, opens it with OpenCV (FFmpeg
   backend, as the tile decoders do; at their lowered priority) and reads frames flat out for
   ``--seconds``, counting them: the most this machine decodes, with no display and nothing
   copied between processes. The same is run for fewer streams (``--scan``) to find how many
   streams hold 25 frames/s.
3. the wall: the console's wall widget (``easysight_desktop.ui.wall``) under
   ``QT_QPA_PLATFORM=offscreen``, 4x4 layout, filled with the same 16 main streams, for
   ``--seconds``. As in the console, the tiles' decoders run in the wall's two decoder processes
   (``easysight_desktop.video.pool``, spawned with the first tile; frames reach the GUI through
   shared memory), so this process holds the GUI thread and no decoder. Counted: frames each
   tile's decoder finished (its counter in the tile's shared-memory slot), frames each tile
   painted (a new frame number reached the screen), the GUI thread's stalls (a 5 ms precise
   QTimer; a stall is a gap minus 5 ms) and the interval between successive repaints of the
   window (its UpdateRequest events; at the screen's pace that is 16-17 ms).

CPU, in cores over each measured window: "ours" is this process and its child processes,
recursively (the decoder processes, multiprocessing's resource tracker), the simulator excepted;
each is read at the start and at the end of the window, and only a child seen at both is counted
(the decoder processes run before the window opens; a child that came or went within it is
reported). For the wall, ours is split into this process (and its GUI thread alone) and the
decoder processes. The simulator and every other process on the machine are reported apart.

Decode-only (16 streams) and the wall alternate ``--rounds`` times (2), and each side's figures
are summed over its rounds, so load from other processes on a shared machine hits both sides.

"dropped" frames: the source sent 25 per second per stream; those not decoded were skipped by
the simulator for a client that read too slowly (it keeps only the newest frame per client),
those decoded and not painted were replaced before the screen's next paint.

Run: ``.venv/bin/python bench/live_view.py [--streams 16] [--seconds 20] [--scan 4,8,12]
[--rounds 2] [--substreams] [--no-wall]``.
The last stdout line is ``RESULT displayed_fps_per_tile=… decode_only_fps_per_tile=… ratio=…
gui_p99_ms=… max_stall_ms=…``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import psutil

from easysight_desktop.video.decoder import lower_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SOURCE_FPS = 25.0
OPEN_TIMEOUT_MS = 5000
TICK_MS = 5  # GUI stall probe interval
HOLDS = 0.96  # "holds 25 frames/s": >= 24 frames/s per stream on average


def log(text: str) -> None:
    print(text, flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (p99 of 1,000 samples is the 990th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU of a process so far (its own threads, not its children)."""
    times = process.cpu_times()
    return float(times.user + times.system)


def gui_thread_seconds() -> float:
    """CPU seconds of this process's main thread (the GUI thread) so far."""
    native = threading.main_thread().native_id
    for thread in psutil.Process().threads():
        if thread.id == native:
            return float(thread.user_time + thread.system_time)
    return math.nan


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every process, every core)."""
    times = psutil.cpu_times()
    return float(times.user + times.nice + times.system + times.irq + times.softirq)


ProcessKey = tuple[int, float]  # (pid, start time): a pid reused by a new process is another


@dataclass(frozen=True)
class Cpu:
    """CPU over one window, in cores (1.0 = one core)."""

    ours: float  # this process and its children, recursively, the simulator excepted
    process: float  # of ours: this process alone (the GUI thread and the rest of its threads)
    decoders: float  # of ours: the wall's decoder processes (0 when there are none)
    sim: float  # the simulator
    others: float  # every other process on the machine
    missed: int = 0  # children of ours not there at both ends of the window: not counted


@dataclass
class CpuMeter:
    """CPU over one window: ours, the simulator's, everyone else's.

    "Ours" is this process and its child processes, recursively (the wall's decoder processes,
    multiprocessing's resource tracker), but not the simulator, which is a child too, nor
    anything it starts. Each process is read at the start and at the end of the window; a child
    seen at only one of them cannot be counted and is reported as ``missed``. Other processes on
    a shared machine take cores from both sides of the ratio; "others" says how much.
    """

    sim: psutil.Process
    me: psutil.Process = field(default_factory=psutil.Process)
    started: float = 0.0
    decoders: frozenset[int] = frozenset()
    at: dict[ProcessKey, float] = field(default_factory=dict)
    sim_at: float = 0.0
    busy_at: float = 0.0

    def ours(self) -> dict[ProcessKey, float]:
        """CPU seconds so far of this process and of each of its children but the simulator's."""
        try:
            skip = {self.sim.pid} | {p.pid for p in self.sim.children(recursive=True)}
        except psutil.Error:
            skip = {self.sim.pid}
        seen: dict[ProcessKey, float] = {}
        for process in [self.me, *self.me.children(recursive=True)]:
            if process.pid in skip:
                continue
            try:
                seen[(process.pid, process.create_time())] = cpu_seconds(process)
            except psutil.Error:
                continue  # it ended meanwhile
        return seen

    def start(self, decoders: Sequence[int] = ()) -> None:
        """Start the window; ``decoders``: pids of the wall's decoder processes, if any."""
        self.decoders = frozenset(decoders)
        self.started = time.perf_counter()
        self.at = self.ours()
        self.sim_at = cpu_seconds(self.sim)
        self.busy_at = busy_seconds()

    def cores(self) -> Cpu:
        """CPU since :meth:`start`."""
        now = self.ours()
        sim = cpu_seconds(self.sim)
        busy = busy_seconds()
        elapsed = time.perf_counter() - self.started
        both = self.at.keys() & now.keys()
        used = {key: now[key] - self.at[key] for key in both}
        ours = sum(used.values()) / elapsed
        process = sum(v for (pid, _), v in used.items() if pid == self.me.pid) / elapsed
        decoders = sum(v for (pid, _), v in used.items() if pid in self.decoders) / elapsed
        sim_cores = (sim - self.sim_at) / elapsed
        everyone = (busy - self.busy_at) / elapsed
        missed = len(self.at.keys() ^ now.keys())
        others = max(0.0, everyone - ours - sim_cores)
        return Cpu(ours, process, decoders, sim_cores, others, missed)


# --- the simulator -------------------------------------------------------------------------


def start_simulator(streams: int) -> tuple[subprocess.Popen[str], list[dict[str, Any]]]:
    """The simulator child and its camera list (it has encoded every loop when it answers)."""
    command = [sys.executable, "-m", "worker_node.simulator", "--port", "0", "--wall"]
    command += ["--faults", "none", "--cameras", str(streams), "--prepare"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("easysight-sim: serving"):
        proc.kill()
        raise RuntimeError(f"the simulator did not start: {line!r}")
    base_url = line.rsplit(" ", 1)[-1]
    with urllib.request.urlopen(base_url + "cameras.json", timeout=10) as response:
        cameras: list[dict[str, Any]] = json.load(response)
    return proc, cameras


# --- decode-only ---------------------------------------------------------------------------


@dataclass
class Decode:
    """One decode-only run: frames per stream over the measured window."""

    streams: int
    seconds: float
    frames: list[int]
    cpu_me: float
    cpu_sim: float
    cpu_others: float

    @classmethod
    def combined(cls, runs: Sequence[Decode]) -> Decode:
        """Several runs of the same streams as one: frames and seconds added up."""
        seconds = sum(run.seconds for run in runs)

        def share(value: str) -> float:
            return float(sum(getattr(run, value) * run.seconds for run in runs) / seconds)

        frames = [sum(counts) for counts in zip(*(run.frames for run in runs), strict=True)]
        cpu = (share("cpu_me"), share("cpu_sim"), share("cpu_others"))
        return cls(runs[0].streams, seconds, frames, *cpu)

    @property
    def fps(self) -> list[float]:
        return [count / self.seconds for count in self.frames]

    @property
    def mean_fps(self) -> float:
        return sum(self.fps) / len(self.fps)

    @property
    def holds(self) -> bool:
        return self.mean_fps >= HOLDS * SOURCE_FPS


def decode_only(urls: Sequence[str], seconds: float, meter: CpuMeter) -> Decode:
    """Read every URL flat out on its own thread; frames counted only inside the window."""
    counts = [0] * len(urls)
    measuring = threading.Event()
    stop = threading.Event()
    ready = threading.Barrier(len(urls) + 1)
    errors: list[str] = []

    def read(index: int, url: str) -> None:
        # At the tile decoders' priority (each decoder thread in the wall's decoder processes
        # lowers its own the same way), so other processes on the machine take from both sides
        # of the ratio alike (the GUI thread of the wall keeps normal priority).
        lower_priority()
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, OPEN_TIMEOUT_MS]
        params += [cv2.CAP_PROP_READ_TIMEOUT_MSEC, OPEN_TIMEOUT_MS]
        capture = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
        try:
            ok = capture.isOpened() and capture.read()[0]
            ready.wait()
            if not ok:
                errors.append(f"{url}: could not open")
                return
            while not stop.is_set():
                ok, _ = capture.read()
                if not ok:
                    errors.append(f"{url}: read failed")
                    return
                if measuring.is_set():
                    counts[index] += 1
        finally:
            capture.release()

    threads = [
        threading.Thread(target=read, args=(i, url), name=f"decode-{i}", daemon=True)
        for i, url in enumerate(urls)
    ]
    for thread in threads:
        thread.start()
    ready.wait()  # every stream has delivered its first frame
    time.sleep(1.0)  # settle: let the first reads' backlog drain before counting
    measuring.set()
    meter.start()
    started = time.perf_counter()
    time.sleep(seconds)
    measuring.clear()
    elapsed = time.perf_counter() - started
    cpu = meter.cores()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    if errors:
        raise RuntimeError("decode-only failed: " + "; ".join(errors))
    return Decode(len(urls), elapsed, list(counts), cpu.ours, cpu.sim, cpu.others)


_QT_LOOP: list[Any] = []  # the qasync loop, made by the first wall round

# --- the wall ------------------------------------------------------------------------------


@dataclass
class Wall:
    """One wall run: per-tile frames decoded and painted, GUI stalls and repaint intervals."""

    seconds: float
    decoded: list[int]
    painted: list[int]
    stalls_ms: list[float]
    repaint_ms: list[float]  # between successive repaints of the wall
    tile_frame_ms: list[float]  # between successive new frames painted on one tile
    cpu_me: float  # ours: this process and the decoder processes, in cores
    cpu_sim: float
    cpu_others: float
    cpu_gui: float = math.nan  # the GUI thread alone
    cpu_process: float = math.nan  # this process (the GUI thread and the rest of its threads)
    cpu_decoders: float = math.nan  # the wall's decoder processes

    @classmethod
    def combined(cls, runs: Sequence[Wall]) -> Wall:
        """Several wall runs as one: counts and seconds added up, samples pooled."""
        seconds = sum(run.seconds for run in runs)

        def added(value: str) -> list[int]:
            return [sum(c) for c in zip(*(getattr(run, value) for run in runs), strict=True)]

        def pooled(value: str) -> list[float]:
            return [sample for run in runs for sample in getattr(run, value)]

        def share(value: str) -> float:
            return float(sum(getattr(run, value) * run.seconds for run in runs) / seconds)

        return cls(
            seconds,
            added("decoded"),
            added("painted"),
            pooled("stalls_ms"),
            pooled("repaint_ms"),
            pooled("tile_frame_ms"),
            *map(share, ("cpu_me", "cpu_sim", "cpu_others", "cpu_gui", "cpu_process")),
            share("cpu_decoders"),
        )

    @property
    def displayed_fps(self) -> float:
        return sum(self.painted) / len(self.painted) / self.seconds

    @property
    def decoded_fps(self) -> float:
        return sum(self.decoded) / len(self.decoded) / self.seconds


def run_wall(
    cameras: Sequence[dict[str, Any]], seconds: float, meter: CpuMeter, substreams: bool
) -> Wall:
    """The console's wall widget, 16 tiles, offscreen, on a qasync loop as in the console."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import asyncio

    import qasync
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from easysight_desktop.control.views import CameraView
    from easysight_desktop.ui.wall.wall import LiveWall

    app = QApplication.instance() or QApplication([])
    if not _QT_LOOP:
        _QT_LOOP.append(qasync.QEventLoop(app))  # one for the whole run: rounds reuse it
        asyncio.set_event_loop(_QT_LOOP[0])
    loop = _QT_LOOP[0]
    views = [
        CameraView(
            id=index + 1,
            name=camera["name"],
            url=camera["url"],
            substream_url=camera["substream_url"] if substreams else None,
            group_id=1,
            group_name="Simulator",
            location="bench",
            enabled=True,
            status="normal",
            last_diagnosed_at=None,
        )
        for index, camera in enumerate(cameras)
    ]
    wall = LiveWall()
    wall.resize(1920, 1080)
    wall.set_layout("16" if len(views) > 9 else "9" if len(views) > 4 else "4")
    wall.show()
    wall.show_cameras(views)
    tiles = [tile for tile in wall.tiles if tile.camera is not None]

    recording = [False]
    ticks: list[float] = []
    repaints: list[float] = []
    painted = [0] * len(tiles)
    last_seq = [0] * len(tiles)
    tile_gaps: list[float] = []
    last_new: list[float | None] = [None] * len(tiles)

    class PaintCounter(QObject):
        """At each paint of a tile: is the frame it is about to draw a new one? And when does
        the window repaint (its UpdateRequest: one per repaint of the dirty tiles)?"""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if not recording[0]:
                return False
            if watched is wall:
                if event.type() == QEvent.Type.UpdateRequest:
                    repaints.append(time.perf_counter())  # one repaint of the whole window
                return False
            if event.type() == QEvent.Type.Paint:
                now = time.perf_counter()
                index = tiles.index(watched)  # type: ignore[arg-type]
                frame = tiles[index]._frame  # the frame the tile is about to draw
                live = frame is not None and tiles[index].shows_live_picture
                if live and frame is not None and frame.seq != last_seq[index]:
                    last_seq[index] = frame.seq
                    painted[index] += 1
                    previous = last_new[index]
                    if previous is not None:
                        tile_gaps.append((now - previous) * 1000)
                    last_new[index] = now
            return False

    counter = PaintCounter()
    wall.installEventFilter(counter)
    for tile in tiles:
        tile.installEventFilter(counter)
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(TICK_MS)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()) if recording[0] else None)
    probe.start()
    result: list[Wall] = []
    processes: list[int] = []  # the decoder processes' pids
    slots: list[str] = []  # the tiles' shared-memory slots

    async def measure() -> None:
        deadline = time.monotonic() + 30
        while not all(tile.shows_live_picture for tile in tiles):
            if time.monotonic() > deadline:
                raise RuntimeError("not every tile showed a live picture within 30 s")
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # settle
        # Every tile is live, so the decoder processes (started with the first tile) run: the
        # meter reads them at both ends of the window.
        decoders = sorted(wall.decoder_processes())
        if not decoders:
            raise RuntimeError("the wall shows live pictures but has no decoder process")
        processes.extend(decoders)
        slots.extend(tile.decoder.slot.name for tile in tiles if tile.decoder is not None)
        decoded0 = [tile.decoder.decoded if tile.decoder else 0 for tile in tiles]
        gui0 = gui_thread_seconds()
        meter.start(decoders)
        recording[0] = True
        started = time.perf_counter()
        await asyncio.sleep(seconds)
        recording[0] = False
        elapsed = time.perf_counter() - started
        cpu = meter.cores()
        gui = (gui_thread_seconds() - gui0) / elapsed
        now_running = sorted(wall.decoder_processes())
        if now_running != decoders or cpu.missed:
            log(
                f"  decoder processes {decoders} at the start of the window, {now_running} at its "
                f"end; {cpu.missed} child process(es) not there at both ends, their CPU not counted"
            )
        decoded = [
            (tile.decoder.decoded if tile.decoder else 0) - before
            for tile, before in zip(tiles, decoded0, strict=True)
        ]
        gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
        stalls = [max(0.0, gap - TICK_MS) for gap in gaps]
        intervals = [(b - a) * 1000 for a, b in itertools.pairwise(repaints)]
        shares = (cpu.ours, cpu.sim, cpu.others, gui, cpu.process, cpu.decoders)
        result.append(Wall(elapsed, decoded, list(painted), stalls, intervals, tile_gaps, *shares))

    loop.run_until_complete(measure())
    probe.stop()
    left = wall.stop()
    wall.close()
    if left:
        log(f"  {len(left)} tile decoder(s) had not ended within stop()'s time limit")
    running = sorted({pid for pid in processes if alive(pid)} | set(wall.decoder_processes()))
    pids = ", ".join(map(str, processes))
    if running:
        log(f"  decoder processes still running after stop(): {running} (of {pids})")
    else:
        log(f"  decoder processes (pids {pids}) ended")
    kept = [name for name in slots if Path("/dev/shm", name.lstrip("/")).exists()]
    if kept:
        log(f"  {len(kept)} of {len(slots)} tile slots still in /dev/shm after stop(): {kept}")
    return result[0]


def alive(pid: int) -> bool:
    """Is there a process with this pid that has not ended (a zombie has ended)?"""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


# --- report --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=16, help="streams on the wall (16)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window (20 s)")
    parser.add_argument(
        "--scan", default="4,8,12", help="decode-only also at these stream counts (4,8,12)"
    )
    parser.add_argument("--no-wall", action="store_true", help="decode-only figures only")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="decode-only and wall alternate this many times (2): load from others hits both",
    )
    parser.add_argument(
        "--substreams",
        action="store_true",
        help="decode and show the 640x360 substreams (what the wall plays) instead of 720p",
    )
    args = parser.parse_args(argv)
    scan = sorted({int(n) for n in args.scan.split(",") if n.strip()} - {args.streams})

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    log(f"machine: {os.cpu_count()} cores, load average {load}; OpenCV {cv2.__version__}")
    log(f"simulator: {args.streams} cameras, 1280x720, {SOURCE_FPS:g} frames/s, encoding loops…")
    sim, cameras = start_simulator(args.streams)
    try:
        meter = CpuMeter(psutil.Process(sim.pid))
        urls = [camera["substream_url" if args.substreams else "url"] for camera in cameras]
        log(f"simulator at {cameras[0]['url'].rsplit('cam/', 1)[0]} (pid {sim.pid})")
        decodes: list[Decode] = []
        walls: list[Wall] = []
        smaller: list[Decode] = []
        for round_no in range(max(1, args.rounds)):
            log(f"round {round_no + 1}:")
            decodes.append(decode_only(urls, args.seconds, meter))
            report_decode(decodes[-1])
            if round_no == 0:
                smaller = [
                    decode_only(urls[:n], args.seconds / 2, meter) for n in scan if n < len(urls)
                ]
                for run in smaller:
                    report_decode(run)
            if not args.no_wall:
                walls.append(run_wall(cameras, args.seconds, meter, args.substreams))
                report_wall(walls[-1])
        full = Decode.combined(decodes)
        held = [run.streams for run in [*smaller, full] if run.holds]
        wall = Wall.combined(walls) if walls else None
    finally:
        sim.terminate()
        sim.wait(timeout=15)

    log(f"all {len(decodes)} round(s):")
    report_decode(full)
    log(
        f"decode-only holds {SOURCE_FPS:g} frames/s per stream up to: "
        f"{max(held) if held else 'none of the tried counts'} streams "
        f"(tried {', '.join(str(r.streams) for r in [*smaller, full])})"
    )
    if wall is None:
        log(
            f"RESULT displayed_fps_per_tile=nan decode_only_fps_per_tile={full.mean_fps:.1f} "
            "ratio=nan gui_p99_ms=nan max_stall_ms=nan"
        )
        return 0
    if len(walls) > 1:
        report_wall(wall)
    ratio = wall.displayed_fps / full.mean_fps
    p99 = percentile(wall.repaint_ms, 99)
    stall = max(wall.stalls_ms, default=math.nan)
    goal = ratio >= 0.9 and stall <= 50
    log(f"goal ratio >= 0.9 and no stall over 50 ms: {'yes' if goal else 'NO'}")
    log(
        f"RESULT displayed_fps_per_tile={wall.displayed_fps:.1f} "
        f"decode_only_fps_per_tile={full.mean_fps:.1f} ratio={ratio:.2f} "
        f"gui_p99_ms={p99:.1f} max_stall_ms={stall:.1f}"
    )
    return 0


def report_decode(run: Decode) -> None:
    fps = run.fps
    log(
        f"decode-only, {run.streams:2d} streams, {run.seconds:4.1f} s: "
        f"{run.mean_fps:5.1f} frames/s per stream (min {min(fps):.1f}, max {max(fps):.1f}), "
        f"{run.mean_fps * run.streams:6.1f} in all; CPU ours {run.cpu_me:.2f} cores, simulator "
        f"{run.cpu_sim:.2f}, other processes {run.cpu_others:.2f}; "
        f"holds {SOURCE_FPS:g}: {'yes' if run.holds else 'no'}"
    )


def report_wall(wall: Wall) -> None:
    tiles = len(wall.painted)
    sent = SOURCE_FPS * wall.seconds * tiles
    not_decoded = max(0.0, sent - sum(wall.decoded))
    not_painted = max(0, sum(wall.decoded) - sum(wall.painted))
    log(
        f"wall, {tiles} tiles, {wall.seconds:.1f} s: painted {wall.displayed_fps:.1f} frames/s "
        f"per tile (min {min(wall.painted) / wall.seconds:.1f}), decoded "
        f"{wall.decoded_fps:.1f}"
    )
    rest = wall.cpu_me - wall.cpu_process - wall.cpu_decoders  # e.g. the resource tracker
    log(
        f"  CPU ours {wall.cpu_me:.2f} cores: this process {wall.cpu_process:.2f} (GUI thread "
        f"{wall.cpu_gui:.2f}), decoder processes {wall.cpu_decoders:.2f}"
        + (f", other children {rest:.2f}" if rest >= 0.005 else "")
        + f"; simulator {wall.cpu_sim:.2f}, other processes {wall.cpu_others:.2f}"
    )
    log(
        f"  dropped of {sent:.0f} frames sent: {not_decoded:.0f} never decoded "
        f"({not_decoded / sent:.1%}), {not_painted} decoded but replaced before a paint "
        f"({not_painted / sent:.1%})"
    )
    log(
        f"  GUI: {len(wall.stalls_ms)} ticks of {TICK_MS} ms, stall max "
        f"{max(wall.stalls_ms, default=math.nan):.1f} ms, p99 {percentile(wall.stalls_ms, 99):.1f}"
        f" ms, over 50 ms: {sum(s > 50 for s in wall.stalls_ms)}; wall repaint interval p50 "
        f"{percentile(wall.repaint_ms, 50):.1f} ms, p99 {percentile(wall.repaint_ms, 99):.1f} ms;"
        f" new frame on a tile every p50 {percentile(wall.tile_frame_ms, 50):.1f} ms, p99 "
        f"{percentile(wall.tile_frame_ms, 99):.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
