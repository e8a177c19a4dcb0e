"""One decoder thread per wall tile: open, decode, scale, keep only the newest frame.

The GUI thread never waits here: :meth:`TileDecoder.latest` hands over a reference to the last
finished frame, made by this thread and never written again (so it may cross threads without a
copy), already scaled to the tile and laid out as 32-bit BGRA — the layout ``QImage.Format_RGB32``
paints without converting. Frames the screen had no time to show are simply replaced.

A stream that fails is reported as lost with the reason and the time of its last frame, and is
reopened with growing pauses (backoff); the pause is cut short by :meth:`stop` and by a change of
URL (a tile enlarged to the main stream).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from easysight_desktop.video.link import LinkState, LinkStatus, TileFrame
from easysight_desktop.video.reach import Failure, probe
from easysight_desktop.video.source import SourceKind, declared_fps, open_capture, parse_source

log = logging.getLogger(__name__)

THREAD_PREFIX = "wall-decoder"  # every decoder thread's name starts with this
OPEN_TIMEOUT_S = 2.5  # short: OpenCV opens one capture at a time, process-wide
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)  # pauses between reconnects; the last one repeats
FPS_WINDOW_S = 2.0
# Decoders run below normal priority: on a saturated machine the GUI thread gets the CPU when it
# needs it (smooth painting, no stall) and the decoders share the rest. Linux weighs runnable
# threads by nice value: 16 decoders at nice 4 still outweighed the GUI thread about 7 to 1 and
# it stalled for 200-340 ms; at nice 10 the longest stall was 63 ms (docs/benchmarks.md). On
# Linux a thread's nice value is its own; elsewhere this is skipped.
DECODER_NICE = 10


class TileDecoder:
    """Decode ``url`` on a thread of its own; ``start()``, read ``latest()``/``status()``,
    ``stop()`` then ``join()`` (or ``close()`` for both)."""

    def __init__(
        self,
        url: str,
        *,
        name: str = "",
        open_timeout_s: float = OPEN_TIMEOUT_S,
        on_frame: Callable[[TileFrame, str], None] | None = None,
        max_pixels: int | None = None,
    ):
        """``on_frame(frame, url)`` runs on the decoder thread for each new frame (a decoder
        process copies it to shared memory); ``max_pixels`` caps the scaled frame's size."""
        self._url = url
        self._on_frame = on_frame
        self._max_pixels = max_pixels
        self._open_timeout_s = open_timeout_s
        self._size = (320, 180)
        self._lock = threading.Lock()
        self._wake = threading.Event()  # stop, or a new URL: cut a backoff pause short
        self._stopping = False
        self._frame: TileFrame | None = None
        self._raw: np.ndarray | None = None  # the newest full-size frame (for snapshots)
        self._stamps: deque[float] = deque(maxlen=256)
        self._state = LinkState.CONNECTING
        self._reason = ""
        self._misconfigured = False
        self._live_since = 0.0  # time.time() of the first frame since the last (re)connect
        self._retry_in = 0.0
        self._seq = 0
        self.decoded = 0  # frames decoded since start (the bench compares with frames shown)
        self._thread = threading.Thread(
            target=self._run, name=f"{THREAD_PREFIX}-{name or url[-24:]}", daemon=True
        )

    # --- GUI side (any thread) ---------------------------------------------------------------

    def start(self) -> TileDecoder:
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        return self._url

    def set_url(self, url: str) -> None:
        """Play another URL (main stream ↔ substream); the old capture closes first."""
        if url != self._url:
            with self._lock:
                self._url = url
                self._frame = self._raw = None  # never show the old stream's picture as the new
                self._state, self._reason, self._misconfigured = LinkState.CONNECTING, "", False
                self._stamps.clear()
            self._wake.set()

    def set_size(self, width: int, height: int) -> None:
        """The tile's size in device pixels; frames are scaled to fit it, keeping the aspect."""
        self._size = (max(16, int(width)), max(16, int(height)))

    def latest(self) -> TileFrame | None:
        return self._frame

    def status(self) -> LinkStatus:
        with self._lock:
            # Frames in the last two seconds over those two seconds (or over the time since the
            # stream came up): steady, where first-to-last spacing overstates a bursty stream.
            now = time.time()
            count = sum(1 for t in self._stamps if t >= now - FPS_WINDOW_S)
            span = min(FPS_WINDOW_S, now - self._live_since)
            live = self._state is LinkState.LIVE and span >= 0.5
            fps = count / span if live else 0.0
            last = self._stamps[-1] if self._stamps else None
            return LinkStatus(self._state, self._reason, last, fps, self._url, self._retry_in,
                              self._misconfigured)  # fmt: skip

    def snapshot(self) -> np.ndarray | None:
        """A copy of the newest full-size frame (BGR), or None before the first one."""
        with self._lock:
            return None if self._raw is None else self._raw.copy()

    def stop(self) -> None:
        """Ask the thread to end; it does within one read or open time limit."""
        self._stopping = True
        self._wake.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread; True when it has ended."""
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self, timeout: float | None = None) -> bool:
        self.stop()
        return self.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # --- decoder thread ----------------------------------------------------------------------

    def _run(self) -> None:
        lower_priority()
        failures = 0
        try:
            while not self._stopping:
                url = self._url
                self._wake.clear()
                failure = self._play(url)
                if self._stopping:
                    break
                if url != self._url:  # switched: connect to the new URL at once
                    failures = 0
                    continue
                failures = 0 if failure is None else failures + 1
                pause = BACKOFF_S[min(max(failures - 1, 0), len(BACKOFF_S) - 1)]
                self._set(LinkState.LOST, failure or Failure("the stream ended"), pause)
                self._wake.wait(pause)
        except Exception as exc:  # never let a decoder die silently: the tile would freeze
            log.exception("decoder for %s failed", self._url)
            self._set(LinkState.LOST, Failure(f"decoder error: {exc}"))
        finally:
            with self._lock:
                self._state = LinkState.STOPPED

    def _play(self, url: str) -> Failure | None:
        """Play ``url`` until it fails, the URL changes or a stop; the failure's reason, or
        None when frames had been flowing (the next reconnect then starts without a pause)."""
        source = parse_source(url)
        if source.kind is SourceKind.STREAM:
            why = probe(url, min(1.5, self._open_timeout_s))
            if why is not None:
                return why
        if source.kind is SourceKind.FILE and not Path(str(source.target)).is_file():
            return Failure("no such file", misconfigured=True)
        capture = open_capture(source, self._open_timeout_s)
        try:
            if not capture.isOpened():
                reason = "the stream did not open (wrong path, codec or credentials?)"
                return Failure(reason, misconfigured=True)
            interval = 1.0 / declared_fps(capture) if source.kind is SourceKind.FILE else 0.0
            next_at = time.monotonic()
            flowed = False
            while not self._stopping and url == self._url:
                ok, image = capture.read()
                if not ok and source.kind is SourceKind.FILE and flowed:
                    capture.set(cv2.CAP_PROP_POS_FRAMES, 0)  # a file plays in a loop
                    ok, image = capture.read()
                if not ok or image is None:
                    return None if flowed else Failure("no picture from the stream")
                self._publish(image, url)
                flowed = True
                if interval:  # a file is paced at its own rate, not decoded flat out
                    next_at = max(next_at + interval, time.monotonic() - interval)
                    self._wake.wait(max(0.0, next_at - time.monotonic()))
            return None
        finally:
            capture.release()

    def _publish(self, image: np.ndarray, url: str) -> None:
        height, width = image.shape[:2]
        box_w, box_h = self._size
        scale = min(box_w / width, box_h / height)
        if self._max_pixels is not None and width * height * scale * scale > self._max_pixels:
            scale = (self._max_pixels / (width * height)) ** 0.5 * 0.999
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if size != (width, height):
            # Bilinear: INTER_AREA looks a little finer but was measured here at 5 ms for a 720p
            # frame to a 16-tile size — as much as decoding it; bilinear takes 0.4 ms.
            scaled = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
        else:
            scaled = image
        if scaled.ndim == 2:
            pixels = cv2.cvtColor(scaled, cv2.COLOR_GRAY2BGRA)
        else:
            pixels = cv2.cvtColor(scaled, cv2.COLOR_BGR2BGRA)
        now = time.time()
        with self._lock:
            if url != self._url:
                return  # decoded from the old stream after a switch
            self._seq += 1
            self._frame = TileFrame(pixels, self._seq, now)
            self._raw = image
            self._stamps.append(now)
            if self._state is not LinkState.LIVE:
                self._live_since = now
            self._state, self._reason, self._retry_in = LinkState.LIVE, "", 0.0
            self._misconfigured = False
            self.decoded += 1
            frame = self._frame
        if self._on_frame is not None:
            self._on_frame(frame, url)

    def _set(self, state: LinkState, failure: Failure, retry_in: float = 0.0) -> None:
        with self._lock:
            self._state, self._reason, self._retry_in = state, failure.reason, retry_in
            self._misconfigured = failure.misconfigured
            if state is LinkState.LOST:
                self._frame = self._raw = None  # a lost stream's last picture is never live


def lower_priority(steps: int = DECODER_NICE) -> None:
    """Lower the calling thread's priority by ``steps`` (Linux: per thread; the FFmpeg threads
    it starts inherit it)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, current + steps))


def save_snapshot(frame: np.ndarray, path: Path) -> Path:
    """Write a frame to ``path`` (format from its suffix: .jpg, .png); raises on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(path.suffix or ".jpg", frame)
    if not ok:
        raise OSError(f"could not encode the picture as {path.suffix}")
    path.write_bytes(data.tobytes())
    return path
