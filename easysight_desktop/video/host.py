"""A decoder process: the wall's tile decoders run here, out of the console's process.

Why a process: a decoder thread in the GUI's process holds the interpreter lock while it does
its Python work, and at lowered priority it may be set aside by the scheduler while holding it;
the GUI thread then waits for a thread the scheduler will not run (priority inversion), which
showed as GUI stalls of 80-190 ms on a loaded machine. Out here, the GUI shares no lock with the
decoders, and an FFmpeg crash on a bad stream ends this process, not the console.

The console sends commands over a pipe (:func:`serve`); each tile's frames and link status go
to its :class:`~easysight_desktop.video.frame_slot.FrameSlot` in shared memory, and only the
answers to ``close`` and ``snapshot`` come back over the pipe.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from easysight_desktop.video.decoder import TileDecoder, save_snapshot
from easysight_desktop.video.frame_slot import FrameSlot
from easysight_desktop.video.link import LinkState, TileFrame

log = logging.getLogger(__name__)

STATUS_EVERY_S = 0.1  # how often each tile's link status is copied to its slot
JOIN_TIMEOUT_S = 5.0


@dataclass
class Hosted:
    """One tile's decoder and slot, and the URL generation its frames are tagged with."""

    slot: FrameSlot
    generation: int
    url: str
    decoder: TileDecoder | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)  # one writer per slot
    closed: bool = False  # the slot is let go: nothing more is written
    written: LinkState | None = None  # the state last copied to the slot

    def on_frame(self, frame: TileFrame, url: str) -> None:
        if self.written is not LinkState.LIVE:
            # The stream came up: "live" is in the slot before its first picture, so the tile
            # never shows a picture under "connecting" until the next status period.
            self.copy_status()
        with self.lock:
            if not self.closed and url == self.url:  # not a late frame of the old URL
                self.slot.write_frame(frame.pixels, self.generation, frame.captured_at)

    def copy_status(self) -> None:
        if self.decoder is None:
            return
        status = self.decoder.status()
        with self.lock:
            if self.closed or status.url != self.url:
                return  # closed, or read just before a switch: not this URL's status
            self.slot.write_status(status, self.generation)
            self.written = status.state
            if self.decoder.latest() is None and self.slot.seq:
                self.slot.clear_frame()  # lost or switched: no old picture shown as live


class Host:
    """The decoders of one process, driven by the console's commands."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._send_lock = threading.Lock()
        self._tiles: dict[int, Hosted] = {}
        self._tiles_lock = threading.Lock()
        self._stopping = threading.Event()

    def reply(self, *message: Any) -> None:
        # The console is gone when sending fails; there is nobody to tell.
        with self._send_lock, contextlib.suppress(OSError, ValueError):
            self._conn.send(message)

    def run(self) -> None:
        statuses = threading.Thread(target=self._copy_statuses, name="decoder-host-status")
        statuses.start()
        try:
            while True:
                try:
                    message = self._conn.recv()
                except (EOFError, OSError):
                    break  # the console closed the pipe or died: stop everything
                if message[0] == "quit":
                    break
                try:
                    self._handle(*message)
                except Exception:  # a bad command must not end the process and its tiles
                    log.exception("decoder host: command %r failed", message[0])
        finally:
            self._stopping.set()
            self._close_all()
            statuses.join(JOIN_TIMEOUT_S)
            self.reply("bye")

    def _handle(self, command: str, tile: int, *args: Any) -> None:
        if command == "open":
            slot_name, url, name, size, generation = args
            hosted = Hosted(FrameSlot.attach(slot_name), generation, url)
            decoder = TileDecoder(url, name=name, on_frame=hosted.on_frame,
                                  max_pixels=hosted.slot.max_pixels)  # fmt: skip
            decoder.set_size(*size)
            hosted.decoder = decoder
            with self._tiles_lock:
                self._tiles[tile] = hosted
            decoder.start()
        elif command == "url":
            url, generation = args
            hosted = self._tiles[tile]
            with hosted.lock:
                hosted.url, hosted.generation = url, generation
                hosted.written = None
                hosted.slot.clear_frame()
            assert hosted.decoder is not None
            hosted.decoder.set_url(url)
        elif command == "size":
            sized = self._tiles[tile].decoder
            if sized is not None:
                sized.set_size(*args)
        elif command == "close":
            with self._tiles_lock:
                hosted = self._tiles.pop(tile)
            threading.Thread(target=self._close, args=(tile, hosted), daemon=True).start()
        elif command == "snapshot":
            (path,) = args
            shot = self._tiles[tile].decoder
            frame = shot.snapshot() if shot is not None else None
            threading.Thread(target=self._save, args=(tile, frame, Path(path)), daemon=True).start()
        else:
            raise ValueError(f"unknown command {command!r}")

    def _close(self, tile: int, hosted: Hosted) -> None:
        """Stop a tile's decoder, wait for its thread, and tell the console it has ended."""
        ended = hosted.decoder.close(JOIN_TIMEOUT_S) if hosted.decoder is not None else True
        with hosted.lock:
            hosted.closed = True
            hosted.slot.close()
        self.reply("closed", tile, ended)

    def _save(self, tile: int, frame: Any, path: Path) -> None:
        if frame is None:
            self.reply("snapshot", tile, None, "no picture: the camera is not live")
            return
        try:
            self.reply("snapshot", tile, str(save_snapshot(frame, path)), "")
        except OSError as exc:
            self.reply("snapshot", tile, None, str(exc))

    def _copy_statuses(self) -> None:
        while not self._stopping.wait(STATUS_EVERY_S):
            with self._tiles_lock:
                tiles = list(self._tiles.values())
            for hosted in tiles:
                hosted.copy_status()

    def _close_all(self) -> None:
        with self._tiles_lock:
            tiles, self._tiles = list(self._tiles.items()), {}
        for _, hosted in tiles:
            if hosted.decoder is not None:
                hosted.decoder.stop()
        for tile, hosted in tiles:
            self._close(tile, hosted)


def serve(conn: Connection) -> None:
    """The decoder process's main: serve the console's commands until it says quit or goes."""
    logging.basicConfig(level=logging.WARNING, format="%(processName)s %(name)s: %(message)s")
    # Ctrl+C in a terminal reaches the whole process group: the console decides when we end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    Host(conn).run()
