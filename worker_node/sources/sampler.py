"""Sample a few frames spread over a time window, under a hard wall-clock limit.

All OpenCV calls for one source run on one daemon thread (a capture is not thread-safe); the
caller only waits on a queue. That is what makes the limits hard: when a backend ignores its
own timeout and blocks, the caller gives up at the deadline and the thread is abandoned to end
whenever the backend does. Network hosts are probed over TCP first, outside the process-wide
open lock (see :mod:`worker_node.sources.capture`), and time spent queueing for that lock does
not count against a source's own limit. Live sources are sampled on the wall clock, recorded
media (files, video on demand) on media time.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.sources.capture import OPEN_LOCK, frame_count, frames_per_second, open_capture
from worker_node.sources.errors import CancelFlag, SourceBusy, SourceCancelled, SourceError
from worker_node.sources.locator import Locator, SourceKind, check_file, locate
from worker_node.sources.probe import probe_tcp

log = logging.getLogger(__name__)

POLL_S = 0.05  # how often the waiting caller looks at its cancel flag and deadlines
QUEUE_LIMIT_MIN_S = 30.0  # waiting for other sources' opens: at least this, or 3 × timeout
UNOPENED = "the stream could not be opened (check the path, credentials and codec)"


# Capture threads still running, abandoned ones included. A process must not exit while one is
# inside native code: C++ static destructors then abort it ("terminate called ...").
_LIVE: set[threading.Thread] = set()
_LIVE_CHANGED = threading.Condition()


def active_captures() -> int:
    """Capture threads still running (abandoned ones finish when their backend gives up)."""
    with _LIVE_CHANGED:
        return len(_LIVE)


def wait_for_captures(timeout: float) -> bool:
    """Wait until no capture thread runs; ``False`` if some still do after ``timeout``.

    Call before the process exits; if it returns ``False``, leave with ``os._exit``.
    """
    with _LIVE_CHANGED:
        return _LIVE_CHANGED.wait_for(lambda: not _LIVE, timeout=timeout)


@dataclass(frozen=True, slots=True)
class Frame:
    """One sampled picture: BGR ``uint8`` (H×W×3), owned by the caller; ``offset_s`` after
    the first sample (media time for files, wall-clock time for live sources)."""

    image: NDArray[np.uint8]
    offset_s: float


def sample_offsets(frames: int, window_s: float) -> list[float]:
    """Target offsets: ``frames`` evenly over ``[0, window_s]``; equal offsets mean consecutive."""
    if frames <= 0:
        return []
    if frames == 1:
        return [0.0]
    step = max(0.0, window_s) / (frames - 1)
    return [i * step for i in range(frames)]


def grab_frames(
    source: str,
    *,
    frames: int,
    window_s: float,
    timeout: float,
    cancel: CancelFlag | None = None,
) -> list[Frame]:
    """Open ``source`` and return up to ``frames`` frames spread over ``window_s`` seconds.

    ``frames=0`` only checks that the source opens. ``timeout`` bounds the connection and any
    gap between decoded frames; the call returns within about ``3 × timeout + window_s`` plus
    any wait for other sources' opens. Raises :class:`SourceError` (operator-readable,
    password masked) when no frame can be had, :class:`SourceCancelled` as soon as ``cancel``
    is set, and :class:`SourceBusy` if other opens kept the backend busy for
    ``max(30 s, 3 × timeout)``. Recorded media shorter than the window is sampled over its
    whole length; a stream that ends early returns what it gave.
    """
    if frames < 0 or window_s < 0 or timeout <= 0:
        raise ValueError("frames and window_s must be >= 0 and timeout > 0")
    locator = locate(source)
    if locator.kind is SourceKind.FILE:
        check_file(locator)
    if cancel is not None and cancel.is_set():
        raise SourceCancelled(f"sampling {locator.shown} cancelled")
    session = _Session(locator, frames, window_s, timeout)
    with _LIVE_CHANGED:
        _LIVE.add(session.thread)
    try:
        session.thread.start()
    except RuntimeError:  # no thread to be had: the thread never runs to unregister itself
        with _LIVE_CHANGED:
            _LIVE.discard(session.thread)
        raise
    try:
        return session.collect(cancel)
    finally:
        session.stop.set()
        if session.thread.is_alive():
            log.debug("leaving capture thread of %s to finish on its own", locator.shown)


@dataclass(frozen=True, slots=True)
class _Opened:
    pass


@dataclass(frozen=True, slots=True)
class _Sampled:
    frame: Frame


@dataclass(frozen=True, slots=True)
class _Ended:
    reason: str


@dataclass(frozen=True, slots=True)
class _Failed:
    message: str


_Event = _Opened | _Sampled | _Ended | _Failed


class _Session:
    """One sampling run: the capture thread's side (``_run``) and the caller's (``collect``).

    The two share a few floats (atomic to store and load): the connect deadline, which is
    infinite while the thread queues for :data:`OPEN_LOCK`, when it started queueing, and the
    time of its last sign of life.
    """

    def __init__(self, locator: Locator, frames: int, window_s: float, timeout: float) -> None:
        self.locator = locator
        self.frames = frames
        self.window_s = window_s
        self.timeout = timeout
        self.events: queue.SimpleQueue[_Event] = queue.SimpleQueue()
        self.stop = threading.Event()
        now = time.monotonic()
        self.connect_deadline = now + timeout
        self.queued_at: float | None = None
        self.progress = now
        self.thread = threading.Thread(
            target=self._run, name=f"capture {locator.shown}", daemon=True
        )

    # --- caller side ---------------------------------------------------------------------

    def collect(self, cancel: CancelFlag | None) -> list[Frame]:
        """Wait for the capture thread's frames, enforcing the deadlines it cannot."""
        shown, limit = self.locator.shown, self.timeout
        queue_limit = max(QUEUE_LIMIT_MIN_S, 3 * limit)
        finish_by = math.inf  # set once open: the window plus room for the first frame
        got: list[Frame] = []
        while True:
            if cancel is not None and cancel.is_set():
                raise SourceCancelled(f"sampling {shown} cancelled")
            now = time.monotonic()
            if finish_by == math.inf:
                queued_at = self.queued_at
                if queued_at is not None and now - queued_at >= queue_limit:
                    raise SourceBusy(
                        f"{shown} not tried: other sources' opens kept the capture backend "
                        f"busy for {now - queued_at:.0f} s"
                    )
                if now >= self.connect_deadline:
                    raise SourceError(f"{_cannot(self.locator)}: timed out after {limit:g} s")
            else:
                if now - self.progress >= limit:
                    raise SourceError(f"{shown}: no frame received for {limit:g} s")
                if now >= finish_by:
                    if got:
                        return got
                    raise SourceError(f"{shown}: no frame within {limit + self.window_s:g} s")
            try:
                event = self.events.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if isinstance(event, _Opened):
                finish_by = time.monotonic() + self.window_s + 2 * limit
            elif isinstance(event, _Sampled):
                got.append(event.frame)
            elif isinstance(event, _Failed):
                raise SourceError(event.message)
            else:
                if self.frames and not got:
                    raise SourceError(f"{shown}: {event.reason}")
                return got

    # --- capture thread side -------------------------------------------------------------

    def _run(self) -> None:
        capture: cv2.VideoCapture | None = None
        try:
            if self.locator.kind is SourceKind.STREAM:
                failure = probe_tcp(str(self.locator.target), self.timeout)
                if failure is not None:
                    reason = failure.reason
                    if failure.timed_out:
                        reason = f"timed out after {self.timeout:g} s"
                    self.events.put(_Failed(f"{_cannot(self.locator)}: {reason}"))
                    return
            budget = self.connect_deadline - time.monotonic()
            if budget <= 0:
                return  # the caller has given up already
            opened = self._open(budget)
            if opened is None:
                return
            capture, spent = opened
            if self.stop.is_set():
                return
            if not capture.isOpened():
                self.events.put(_Failed(self._why_not_opened(spent, budget)))
                return
            self.progress = time.monotonic()
            self.events.put(_Opened())
            self._sample(capture)
        except Exception as exc:  # an OpenCV error must reach the caller, not die with the thread
            self.events.put(_Failed(f"{_cannot(self.locator)}: {type(exc).__name__}: {exc}"))
        finally:
            if capture is not None:
                capture.release()
            with _LIVE_CHANGED:
                _LIVE.discard(self.thread)
                _LIVE_CHANGED.notify_all()

    def _open(self, budget: float) -> tuple[cv2.VideoCapture, float] | None:
        """Open under :data:`OPEN_LOCK`; the connect deadline only runs once it is ours."""
        self.connect_deadline = math.inf
        self.queued_at = time.monotonic()
        while not OPEN_LOCK.acquire(timeout=POLL_S):
            if self.stop.is_set():
                return None
        try:
            began = time.monotonic()
            self.connect_deadline = began + budget
            self.queued_at = None
            if self.stop.is_set():
                return None
            capture = open_capture(self.locator, budget)
            return capture, time.monotonic() - began
        finally:
            OPEN_LOCK.release()

    def _sample(self, capture: cv2.VideoCapture) -> None:
        if self.frames == 0:
            self.events.put(_Ended("opened; no frames requested"))
            return
        fps = frames_per_second(capture)
        window = self.window_s
        # A known length means recorded media (a file, HLS/HTTP video on demand): it decodes
        # faster than real time, so its own clock spreads the samples, over at most its length.
        count = frame_count(capture)
        media_clock = not self.locator.live or count > 0
        if count:
            window = min(window, (count - 1) / fps)
        targets = sample_offsets(self.frames, window)
        first_at: float | None = None
        index = -1
        while targets:
            if self.stop.is_set():
                return
            if not capture.grab():
                what = "stream ended" if self.locator.live else "no frame could be decoded"
                self.events.put(_Ended(f"{what} before the first frame"))
                return
            index += 1
            now = self.progress = time.monotonic()
            if media_clock:
                clock = index / fps
            else:
                first_at = now if first_at is None else first_at
                clock = now - first_at
            if clock + 1e-6 < targets[0]:
                continue  # keep draining so a live source never hands us a stale buffered frame
            ok, image = capture.retrieve()
            if ok and image is not None and image.size:
                self.events.put(_Sampled(Frame(_as_bgr(image), clock)))
                targets.pop(0)
        self.events.put(_Ended("done"))

    def _why_not_opened(self, spent_s: float, budget_s: float) -> str:
        locator = self.locator
        if spent_s >= 0.9 * budget_s:
            return f"{_cannot(locator)}: timed out after {self.timeout:g} s"
        if locator.kind is SourceKind.USB:
            return f"{_cannot(locator)}: no such device, or it is busy"
        if locator.kind is SourceKind.FILE:
            return f"{_cannot(locator)}: not a readable video or image"
        return f"{_cannot(locator)}: the server answered, but {UNOPENED}"


def _cannot(locator: Locator) -> str:
    verb = "cannot connect to" if locator.kind is SourceKind.STREAM else "cannot open"
    return f"{verb} {locator.shown}"


def _as_bgr(decoded: NDArray[Any]) -> NDArray[np.uint8]:
    """Whatever the backend decoded (grey, BGRA, 16-bit) as 3-channel 8-bit BGR."""
    image: NDArray[Any] = decoded
    if decoded.dtype == np.uint16:
        image = (decoded >> 8).astype(np.uint8)
    elif decoded.dtype != np.uint8:
        image = np.clip(decoded, 0, 255).astype(np.uint8)
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return np.ascontiguousarray(image, dtype=np.uint8)
