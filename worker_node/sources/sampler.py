"""Sample a few frames spread over a time window, under a hard wall-clock limit.

All OpenCV calls for one source run on one daemon thread (a capture is not thread-safe); the
caller only waits on a queue. That is what makes the limits hard: when a backend ignores its
own timeout and blocks, the caller gives up at the deadline and the thread is abandoned to end
whenever the backend does. Live sources are sampled on the wall clock, files on media time.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.sources.capture import frame_count, frames_per_second, open_capture
from worker_node.sources.errors import CancelFlag, SourceCancelled, SourceError
from worker_node.sources.locator import Locator, SourceKind, check_file, locate
from worker_node.sources.probe import explain_failure

log = logging.getLogger(__name__)

POLL_S = 0.05  # how often the waiting caller looks at its cancel flag and deadlines
PROBE_MAX_S = 3.0  # time spent finding out why a stream did not open


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
    gap between decoded frames; the whole call returns within about ``2 × timeout + window_s``.
    Raises :class:`SourceError` (operator-readable, password masked) when no frame can be had
    and :class:`SourceCancelled` as soon as ``cancel`` is set. A file shorter than the window
    is sampled over its whole length; a stream that ends early returns the frames it gave.
    """
    if frames < 0 or window_s < 0 or timeout <= 0:
        raise ValueError("frames and window_s must be >= 0 and timeout > 0")
    locator = locate(source)
    if locator.kind is SourceKind.FILE:
        check_file(locator)
    if cancel is not None and cancel.is_set():
        raise SourceCancelled(f"sampling {locator.shown} cancelled")
    session = _Session(locator, frames, window_s, timeout)
    session.thread.start()
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
    """One sampling run: the capture thread's side (``_run``) and the caller's (``collect``)."""

    def __init__(self, locator: Locator, frames: int, window_s: float, timeout: float) -> None:
        self.locator = locator
        self.frames = frames
        self.window_s = window_s
        self.timeout = timeout
        self.events: queue.SimpleQueue[_Event] = queue.SimpleQueue()
        self.stop = threading.Event()
        self.progress = time.monotonic()  # last sign of life; a float store is atomic
        self.thread = threading.Thread(
            target=self._run, name=f"capture {locator.shown}", daemon=True
        )

    # --- caller side ---------------------------------------------------------------------

    def collect(self, cancel: CancelFlag | None) -> list[Frame]:
        """Wait for the capture thread's frames, enforcing the deadlines it cannot."""
        shown, limit = self.locator.shown, self.timeout
        started = time.monotonic()
        hard_deadline = started + 2 * limit + self.window_s
        opened = False
        got: list[Frame] = []
        while True:
            if cancel is not None and cancel.is_set():
                raise SourceCancelled(f"sampling {shown} cancelled")
            now = time.monotonic()
            if not opened and now - started >= limit:
                raise SourceError(f"{_cannot(self.locator)}: timed out after {limit:g} s")
            if opened and now - self.progress >= limit:
                raise SourceError(f"{shown}: no frame received for {limit:g} s")
            if now >= hard_deadline:
                if got:
                    return got
                raise SourceError(f"{shown}: no frame within {hard_deadline - started:.0f} s")
            try:
                event = self.events.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if isinstance(event, _Opened):
                opened = True
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
        started = time.monotonic()
        capture: cv2.VideoCapture | None = None
        try:
            capture = open_capture(self.locator, self.timeout)
            if self.stop.is_set():
                return
            if not capture.isOpened():
                self.events.put(_Failed(self._why_not_opened(time.monotonic() - started)))
                return
            self.progress = time.monotonic()
            self.events.put(_Opened())
            self._sample(capture)
        except Exception as exc:  # an OpenCV error must reach the caller, not die with the thread
            self.events.put(_Failed(f"{_cannot(self.locator)}: {type(exc).__name__}: {exc}"))
        finally:
            if capture is not None:
                capture.release()

    def _sample(self, capture: cv2.VideoCapture) -> None:
        if self.frames == 0:
            self.events.put(_Ended("opened; no frames requested"))
            return
        fps = frames_per_second(capture)
        window = self.window_s
        if not self.locator.live and (count := frame_count(capture)):
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
            if self.locator.live:
                first_at = now if first_at is None else first_at
                clock = now - first_at
            else:
                clock = index / fps
            if clock + 1e-6 < targets[0]:
                continue  # keep draining so a live source never hands us a stale buffered frame
            ok, image = capture.retrieve()
            if ok and image is not None and image.size:
                self.events.put(_Sampled(Frame(_as_bgr(image), clock)))
                targets.pop(0)
        self.events.put(_Ended("done"))

    def _why_not_opened(self, spent_s: float) -> str:
        locator = self.locator
        if spent_s >= 0.9 * self.timeout:
            return f"{_cannot(locator)}: timed out after {self.timeout:g} s"
        if locator.kind is SourceKind.USB:
            return f"{_cannot(locator)}: no such device, or it is busy"
        if locator.kind is SourceKind.FILE:
            return f"{_cannot(locator)}: not a readable video or image"
        budget = min(PROBE_MAX_S, self.timeout - spent_s)
        return f"{_cannot(locator)}: {explain_failure(str(locator.target), budget)}"


def _cannot(locator: Locator) -> str:
    verb = "cannot connect to" if locator.kind is SourceKind.STREAM else "cannot open"
    return f"{verb} {locator.shown}"


def _as_bgr(image: NDArray[np.generic]) -> NDArray[np.uint8]:
    """Whatever the backend decoded (grey, BGRA, 16-bit) as 3-channel 8-bit BGR."""
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[2] == 1:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(image)
