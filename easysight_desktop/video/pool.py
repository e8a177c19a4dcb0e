"""The console's side of the decoder processes: a pool of them, and one handle per tile.

:class:`RemoteDecoder` has the calls a wall tile needs (``latest``, ``status``, ``set_url``,
``set_size``, ``stop``/``join``) and answers each from the tile's shared-memory slot without
waiting for the decoder process. :class:`DecoderPool` starts the processes when the first tile
needs one, gives each new tile to the least busy one, and restarts a process that dies (an
FFmpeg crash on a bad stream): its tiles show the stream as lost meanwhile and reconnect by
themselves. One background thread reads the processes' few answers (a tile closed, a snapshot
written) and notices a process that ended.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from easysight_desktop.video import host
from easysight_desktop.video.frame_slot import MAX_PIXELS, FrameSlot
from easysight_desktop.video.link import LinkState, LinkStatus, TileFrame

log = logging.getLogger(__name__)

DECODER_PROCESSES = 2  # FFmpeg opens one capture at a time per process: two halve the queue
THREAD_NAME = "wall-decoder-pool"
RESTART_AFTER_S = (0.5, 1.0, 2.0, 4.0, 8.0)  # pauses before restarting a process that died
STEADY_S = 60.0  # a process that ran this long before dying restarts after the shortest pause
QUIT_TIMEOUT_S = 6.0


class RemoteDecoder:
    """One tile's decoder, running in a decoder process; made by :meth:`DecoderPool.decoder`."""

    def __init__(self, pool: DecoderPool, tile: int, url: str, name: str, max_pixels: int):
        self._pool = pool
        self.tile = tile
        self.name = name
        self._url = url
        self.slot = FrameSlot.create(max_pixels)
        self.size = (320, 180)
        self.generation = 1  # a new number per URL: frames and status of the old one are ignored
        self._frame: TileFrame | None = None
        self._status = LinkStatus(LinkState.CONNECTING, "", None, 0.0, url)
        self.failure = ""  # set while its decoder process is down
        self.started = False
        self.stopping = False
        self.ended = threading.Event()
        self.snapshots: deque[Future[Path]] = deque()
        self._decoded = 0

    def start(self) -> RemoteDecoder:
        self.started = True
        self._pool.open(self)
        return self

    @property
    def url(self) -> str:
        return self._url

    def set_url(self, url: str) -> None:
        """Play another URL (main stream ↔ substream); the old stream's picture is gone at once."""
        if url != self._url and not self.stopping:
            self._url = url
            self.generation += 1
            self._frame = None
            self._status = LinkStatus(LinkState.CONNECTING, "", None, 0.0, url)
            self._pool.send(self, "url", url, self.generation)

    def set_size(self, width: int, height: int) -> None:
        """The tile's size in device pixels; frames are scaled to fit it, keeping the aspect."""
        size = (max(16, int(width)), max(16, int(height)))
        if size != self.size:
            self.size = size
            if self.started and not self.stopping:
                self._pool.send(self, "size", *size)

    def latest(self) -> TileFrame | None:
        """The newest frame (a copy out of shared memory, taken once per new frame)."""
        if self.stopping or self.failure:
            return None
        seq = self.slot.seq
        if seq == 0:
            self._frame = None
        elif self._frame is None or self._frame.seq != seq:
            got = self.slot.read_frame()
            if got is not None and got.generation == self.generation:
                self._frame = TileFrame(got.pixels, got.seq, got.captured_at)
            elif got is not None:
                self._frame = None  # still the old URL's picture
        return self._frame

    def status(self) -> LinkStatus:
        if self.failure:
            return LinkStatus(LinkState.LOST, self.failure, None, 0.0, self._url, 0.0)
        if self.stopping:
            return LinkStatus(LinkState.STOPPED, "", None, 0.0, self._url)
        read = self.slot.read_status(self._url, self.generation)
        if read is not None:
            self._status = read
        return self._status

    @property
    def decoded(self) -> int:
        """Frames decoded since start (the bench compares it with the frames shown)."""
        if not self.ended.is_set():
            self._decoded = self.slot.decoded
        return self._decoded

    def snapshot_to(self, path: Path) -> Future[Path]:
        """Have the decoder process save its newest full-size frame to ``path``; the future
        fails with OSError when there is no picture or the file cannot be written."""
        future: Future[Path] = Future()
        if self.stopping or not self.started:
            future.set_exception(OSError("the tile is not playing"))
            return future
        self.snapshots.append(future)
        self._pool.send(self, "snapshot", str(path))
        return future

    def stop(self) -> None:
        """Ask the decoder to end; :meth:`join` waits until its thread has."""
        if not self.stopping:
            self._decoded = self.decoded
            self.stopping = True
            if self.started:
                self._pool.close_tile(self)
            else:
                self.ended.set()

    def join(self, timeout: float | None = None) -> bool:
        return not self.started or self.ended.wait(timeout)

    def close(self, timeout: float | None = None) -> bool:
        self.stop()
        return self.join(timeout)

    @property
    def alive(self) -> bool:
        return self.started and not self.ended.is_set()


@dataclass
class HostProcess:
    """One decoder process and the tiles it plays."""

    index: int
    process: BaseProcess
    conn: Connection
    tiles: dict[int, RemoteDecoder] = field(default_factory=dict)
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    reap_lock: threading.Lock = field(default_factory=threading.Lock)
    started_at: float = field(default_factory=time.monotonic)

    def send(self, *message: Any) -> None:
        # A failed send means the host died: the pool notices and restarts it with its tiles.
        with self.send_lock, contextlib.suppress(OSError, ValueError):
            self.conn.send(message)

    def reap(self, timeout: float, *, kill: bool = False) -> int | None:
        """Wait up to ``timeout`` for the process to end (killing it first if ``kill``); its
        exit code, or None while it runs. One thread at a time: two threads waiting for the
        same process can both miss its end (one reaps it while the other is told there is no
        such child, which multiprocessing reports as still running)."""
        with self.reap_lock:
            if kill and self.process.exitcode is None:
                self.process.kill()
            self.process.join(timeout)
            return self.process.exitcode


class DecoderPool:
    """Decoder processes for the wall; :meth:`shutdown` ends them all."""

    def __init__(self, processes: int = DECODER_PROCESSES, max_pixels: int = MAX_PIXELS):
        self.max_pixels = max_pixels
        self._count = max(1, processes)
        self._hosts: list[HostProcess | None] = [None] * self._count
        self._deaths = [0] * self._count
        self._restart_at: dict[int, float] = {}  # host index -> when to restart it
        self._orphans: dict[int, list[RemoteDecoder]] = {}  # tiles waiting for a restart
        self._lock = threading.RLock()
        self._next_tile = 0
        self._closing = False
        self._context = multiprocessing.get_context("spawn")  # never fork a Qt process
        self._reader: threading.Thread | None = None

    def decoder(self, url: str, *, name: str = "") -> RemoteDecoder:
        """A handle for a new tile decoder; ``start()`` it."""
        with self._lock:
            self._next_tile += 1
            return RemoteDecoder(self, self._next_tile, url, name, self.max_pixels)

    @property
    def pids(self) -> list[int]:
        """Decoder processes that are running (tests check none is left after shutdown)."""
        with self._lock:
            hosts = [h for h in self._hosts if h is not None]
        return [h.process.pid for h in hosts if h.process.pid and h.reap(0) is None]

    @property
    def running(self) -> int:
        """Tile decoders open in a process or waiting for one; a tile counts until its process
        says its decoder thread has ended."""
        with self._lock:
            hosted = sum(len(h.tiles) for h in self._hosts if h is not None)
            return hosted + sum(len(waiting) for waiting in self._orphans.values())

    # --- tiles -------------------------------------------------------------------------------

    def open(self, tile: RemoteDecoder) -> None:
        with self._lock:
            if self._closing:
                tile.failure = "the wall is closing"
                tile.ended.set()
                return
            index = min(range(self._count), key=self._load)
            hosted = self._hosts[index] or self._start_host(index)
            if hosted is None:  # waiting for a restart: it opens when the process is back
                self._orphans.setdefault(index, []).append(tile)
                return
            hosted.tiles[tile.tile] = tile
        self._send_open(hosted, tile)

    def _load(self, index: int) -> int:
        hosted = self._hosts[index]
        waiting = len(self._orphans.get(index, ()))
        return waiting + (len(hosted.tiles) if hosted is not None else 0)

    @staticmethod
    def _send_open(hosted: HostProcess, tile: RemoteDecoder) -> None:
        hosted.send("open", tile.tile, tile.slot.name, tile.url, tile.name, tile.size,
                    tile.generation)  # fmt: skip

    def send(self, tile: RemoteDecoder, command: str, *args: Any) -> None:
        hosted = self._host_of(tile)
        if hosted is not None:
            hosted.send(command, tile.tile, *args)
        elif command == "snapshot" and tile.snapshots:
            tile.snapshots.popleft().set_exception(OSError(tile.failure or "no decoder process"))

    def close_tile(self, tile: RemoteDecoder) -> None:
        hosted = self._host_of(tile)
        if hosted is not None:
            hosted.send("close", tile.tile)
            return
        with self._lock:  # waiting for a restart: nothing runs it
            for waiting in self._orphans.values():
                if tile in waiting:
                    waiting.remove(tile)
        self._ended(tile)

    def _host_of(self, tile: RemoteDecoder) -> HostProcess | None:
        with self._lock:
            for hosted in self._hosts:
                if hosted is not None and tile.tile in hosted.tiles:
                    return hosted
        return None

    def _ended(self, tile: RemoteDecoder) -> None:
        """The tile's decoder thread has ended: let go of its memory and fail what waits."""
        tile.stopping = True
        while tile.snapshots:
            tile.snapshots.popleft().set_exception(OSError("the tile stopped"))
        if not tile.ended.is_set():
            tile.ended.set()
            tile.slot.close()

    # --- processes ---------------------------------------------------------------------------

    def _start_host(self, index: int) -> HostProcess | None:
        if index in self._restart_at:
            return None
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=host.serve, args=(theirs,), name=f"wall-decoders-{index}", daemon=True
        )
        process.start()
        theirs.close()
        hosted = HostProcess(index, process, ours)
        self._hosts[index] = hosted
        if self._reader is None:
            self._reader = threading.Thread(target=self._read, name=THREAD_NAME, daemon=True)
            self._reader.start()
        return hosted

    def _read(self) -> None:
        """Answers from the processes, and processes that died; until shutdown."""
        while True:
            with self._lock:
                hosts = [h for h in self._hosts if h is not None]
                if self._closing and not hosts:
                    return
                due = min(self._restart_at.values(), default=None)
            waitables: list[Any] = [h.conn for h in hosts] + [h.process.sentinel for h in hosts]
            timeout = 0.2 if due is None else max(0.0, min(0.2, due - time.monotonic()))
            ready = wait(waitables, timeout) if waitables else []
            for hosted in hosts:
                if hosted.conn in ready:
                    self._receive(hosted)
                if hosted.process.sentinel in ready:
                    self._died(hosted)
            self._restart_due()

    def _receive(self, hosted: HostProcess) -> None:
        try:
            while hosted.conn.poll():
                message = hosted.conn.recv()
                if message[0] == "closed":
                    with self._lock:
                        tile = hosted.tiles.pop(message[1], None)
                    if tile is not None:
                        self._ended(tile)
                elif message[0] == "snapshot":
                    tile = hosted.tiles.get(message[1])
                    if tile is not None and tile.snapshots:
                        future = tile.snapshots.popleft()
                        saved, error = message[2], message[3]
                        if saved:
                            future.set_result(Path(saved))
                        else:
                            future.set_exception(OSError(error))
        except (EOFError, OSError):
            pass  # the process is going; its sentinel tells

    def _died(self, hosted: HostProcess) -> None:
        code = hosted.reap(1.0)  # its pipe closes a moment before it can be reaped
        with self._lock:
            if self._hosts[hosted.index] is hosted:
                self._hosts[hosted.index] = None
            tiles = list(hosted.tiles.values())
            hosted.tiles.clear()
            if self._closing:
                restart = []
            else:
                restart = [t for t in tiles if not t.stopping]
                if time.monotonic() - hosted.started_at > STEADY_S:
                    self._deaths[hosted.index] = 0  # it had run well: a short pause again
                self._deaths[hosted.index] += 1
                pause = RESTART_AFTER_S[min(self._deaths[hosted.index], len(RESTART_AFTER_S)) - 1]
                self._restart_at[hosted.index] = time.monotonic() + pause
                self._orphans.setdefault(hosted.index, []).extend(restart)
        hosted.conn.close()
        if not self._closing:
            log.error("decoder process %s ended (exit code %s); restarting it", hosted.index, code)
        for tile in tiles:
            if tile in restart:
                tile.failure = f"the decoder process stopped (exit code {code}); restarting"
            else:
                self._ended(tile)

    def _restart_due(self) -> None:
        now = time.monotonic()
        with self._lock:
            due = [i for i, at in self._restart_at.items() if at <= now and not self._closing]
            for index in due:
                del self._restart_at[index]
                hosted = self._start_host(index)
                assert hosted is not None
                tiles = self._orphans.pop(index, [])
                for tile in tiles:
                    tile.generation += 1  # what the dead process wrote is not live
                    tile.failure = ""
                    hosted.tiles[tile.tile] = tile
        for index in due:
            hosted = self._hosts[index]
            if hosted is not None:
                for tile in list(hosted.tiles.values()):
                    self._send_open(hosted, tile)

    # --- the end -----------------------------------------------------------------------------

    def shutdown(self, timeout: float = QUIT_TIMEOUT_S) -> bool:
        """Stop every decoder and process; True when all ended within ``timeout``."""
        with self._lock:
            self._closing = True
            self._restart_at.clear()
            orphans = [t for waiting in self._orphans.values() for t in waiting]
            self._orphans.clear()
            hosts = [h for h in self._hosts if h is not None]
        for tile in orphans:
            self._ended(tile)
        for hosted in hosts:
            hosted.send("quit")
        deadline = time.monotonic() + timeout
        clean = True
        for hosted in hosts:
            if hosted.reap(max(0.0, deadline - time.monotonic())) is None:
                clean = False
                log.warning("decoder process %s did not stop in time; killing it", hosted.index)
                hosted.reap(1.0, kill=True)
        if self._reader is not None:
            self._reader.join(max(1.0, deadline - time.monotonic()))
        for hosted in hosts:  # a tile whose answer never came still lets go of its memory
            for tile in list(hosted.tiles.values()):
                self._ended(tile)
        return clean
