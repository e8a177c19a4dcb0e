"""One stream's frame hub: one thread makes each frame once and hands the newest to every viewer.

Frames come from the stream's :class:`FrameLoop` (each frame of the motion loop encoded once, the
clock spliced in). Viewers never get a queue. Each asks for "a frame newer than the one I sent
last" and receives the newest there is, so a slow client skips frames instead of holding up the
others or growing memory. The render thread runs only while someone is watching, and stops after
a short linger.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from worker_node.simulator.cameras import CameraSpec
from worker_node.simulator.faults import Fault
from worker_node.simulator.frame_loop import FrameLoop

BOUNDARY = "easysightframe"
DEFAULT_QUALITY = 80
DEFAULT_LINGER_S = 2.0

log = logging.getLogger(__name__)


class HubClosed(RuntimeError):
    """The simulator is shutting down; no new viewers are taken."""


@dataclass(frozen=True)
class EncodedFrame:
    """A JPEG and its ready-made multipart chunk, shared read-only by every viewer."""

    seq: int
    captured_at: float  # wall-clock seconds
    part: bytes  # boundary line, part headers, JPEG, CRLF: written to each client as is
    jpeg_start: int

    @property
    def jpeg(self) -> memoryview:
        """The JPEG bytes, without copying them out of ``part``."""
        return memoryview(self.part)[self.jpeg_start : len(self.part) - 2]


def build_part(jpeg: bytes, seq: int, captured_at: float) -> EncodedFrame:
    """Wrap one JPEG as a ``multipart/x-mixed-replace`` part (the boundary line comes first)."""
    head = (
        f"--{BOUNDARY}\r\n"
        "Content-Type: image/jpeg\r\n"
        f"Content-Length: {len(jpeg)}\r\n"
        f"X-Timestamp: {captured_at:.6f}\r\n"
        f"X-Frame-Seq: {seq}\r\n"
        "\r\n"
    ).encode("ascii")
    return EncodedFrame(seq, captured_at, head + jpeg + b"\r\n", len(head))


class FrameHub:
    """Serves one stream of a camera to any number of viewers from a single render thread.

    ``substream`` serves the camera's half-size stream. Hubs of one camera share ``epoch`` (a
    ``clock()`` reading) so that their dropout schedules and motion loops stay in step.
    """

    def __init__(
        self,
        spec: CameraSpec,
        *,
        quality: int = DEFAULT_QUALITY,
        linger_s: float = DEFAULT_LINGER_S,
        clock: Callable[[], float] = time.monotonic,
        substream: bool = False,
        epoch: float | None = None,
    ) -> None:
        self.spec = spec
        self._quality = quality
        self._linger_s = linger_s
        self._clock = clock
        self._epoch = clock() if epoch is None else epoch
        self._substream = substream
        self._cond = threading.Condition()
        self._loop: FrameLoop | None = None  # built on first use: drawing a background costs time
        self._latest: EncodedFrame | None = None
        self._seq = 0
        self._viewers = 0
        self._thread: threading.Thread | None = None
        self._closed = False

    # -- state -------------------------------------------------------------------------------

    @property
    def frames_encoded(self) -> int:
        """Full-frame JPEG encodes so far: flat while nobody watches and once the loop is cached."""
        return self._loop.encodes if self._loop else 0

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of this stream's pictures."""
        return self.spec.substream_size if self._substream else (self.spec.width, self.spec.height)

    def cache_state(self) -> tuple[int, int]:
        """Frames of the motion loop encoded so far, and how many it has."""
        loop = self._frame_loop()
        return loop.cached, loop.length

    def prepare(self) -> None:
        """Encode the whole motion loop now, so serving costs no full-frame encodes."""
        self._frame_loop().fill()

    def _frame_loop(self) -> FrameLoop:
        with self._cond:
            if self._loop is None:
                view = self.spec.make_view(self._substream)
                self._loop = FrameLoop(view, self.spec.fps, self._quality)
            return self._loop

    @property
    def viewers(self) -> int:
        """How many streams and snapshot requests are waiting on this camera now."""
        with self._cond:
            return self._viewers

    @property
    def rendering(self) -> bool:
        """True while the render thread exists (someone watches, or watched moments ago)."""
        with self._cond:
            return self._thread is not None

    @property
    def latest_seq(self) -> int:
        """Sequence number of the newest frame (0 before the first); shows a viewer's lag."""
        with self._cond:
            return self._seq

    @property
    def closed(self) -> bool:
        """True once the server is shutting down."""
        return self._closed

    def available(self) -> bool:
        """False while a ``dropout`` camera is in its off period."""
        return self._seconds_until_change()[0]

    def _seconds_until_change(self) -> tuple[bool, float]:
        """Whether the camera is up now, and how long until that flips (only dropout flips)."""
        if self.spec.fault is not Fault.DROPOUT:
            return True, float("inf")
        up, down = self.spec.dropout_up_s, self.spec.dropout_down_s
        phase = (self._clock() - self._epoch) % (up + down)
        return (True, up - phase) if phase < up else (False, up + down - phase)

    def retry_after_s(self) -> int:
        """Whole seconds until an unavailable camera comes back, for a ``Retry-After`` header."""
        up_now, remaining = self._seconds_until_change()
        return 0 if up_now else max(1, round(remaining))

    # -- viewers -----------------------------------------------------------------------------

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Count the caller as a viewer while the block runs, starting the render thread.

        Raises :class:`HubClosed` once the hub is closed.
        """
        with self._cond:
            if self._closed:
                raise HubClosed(self.spec.id)
            self._viewers += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=f"sim-render-{self.spec.id}", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._viewers -= 1
                self._cond.notify_all()

    def next_frame(self, after_seq: int, timeout: float) -> EncodedFrame | None:
        """The newest frame with ``seq > after_seq``; None on timeout, dropout or shutdown."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if self._closed or not self.available():
                    return None
                latest = self._latest
                if latest is not None and latest.seq > after_seq:
                    return latest
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)

    def snapshot(self, timeout: float = 5.0) -> EncodedFrame | None:
        """A current frame: the latest if it is at most one frame period old, else a fresh one."""
        with self._cond:
            if self._closed:
                return None
            latest = self._latest
            if latest is not None and time.time() - latest.captured_at <= 1.0 / self.spec.fps:
                return latest
        try:
            with self.watching():
                return self.next_frame(latest.seq if latest else 0, timeout)
        except HubClosed:
            return None

    def close(self) -> None:
        """Stop rendering and release every waiting viewer (server shutdown)."""
        with self._cond:
            self._closed = True
            thread = self._thread
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)

    # -- render thread -----------------------------------------------------------------------

    def _run(self) -> None:
        """Render at the camera's frame rate while anyone watches; end after the linger time."""
        try:
            self._render_loop()
        except Exception:
            log.exception("camera %s: rendering failed; the next viewer restarts it", self.spec.id)
        finally:
            with self._cond:
                self._thread = None
                self._cond.notify_all()

    def _render_loop(self) -> None:
        period = 1.0 / self.spec.fps
        next_due = time.monotonic()
        while True:
            with self._cond:
                if not self._wait_for_work():
                    return
                delay = next_due - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue  # re-check viewers, dropout and shutdown after sleeping
            frame = self._encode(self._seq + 1)  # only this thread advances _seq
            with self._cond:
                self._seq = frame.seq
                self._latest = frame
                self._cond.notify_all()
            # Keep a steady cadence; after a stall, restart it rather than bursting to catch up.
            next_due = max(next_due + period, time.monotonic())

    def _wait_for_work(self) -> bool:
        """Block (holding the condition) until a frame is wanted; False means: end the thread."""
        idle_since: float | None = None
        while True:
            if self._closed:
                return False
            if self._viewers == 0:
                now = time.monotonic()
                idle_since = now if idle_since is None else idle_since
                left = self._linger_s - (now - idle_since)
                if left <= 0:
                    return False
                self._cond.wait(left)
                continue
            idle_since = None
            up_now, remaining = self._seconds_until_change()
            if up_now:
                return True
            # A dropout camera in its off period: wake the viewers so they hang up, then wait.
            self._latest = None  # coming back must not replay a stale frame
            self._cond.notify_all()
            self._cond.wait(remaining)

    def _encode(self, seq: int) -> EncodedFrame:
        """The frame due now from the motion loop (a static view is encoded only once)."""
        captured_at = time.time()
        jpeg = self._frame_loop().jpeg(self._clock() - self._epoch, captured_at)
        return build_part(jpeg, seq, captured_at)
