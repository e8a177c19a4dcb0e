"""One tile's newest frame and link status in shared memory, between a decoder process and the GUI.

The decoder process writes (one writer per slot, serialised by the caller); the GUI reads and
never waits: a read that meets a write in progress gives the previous answer (or ``None``) and
the GUI tries again at the next screen refresh.

Layout: a header, then two frame buffers used in turn. A frame numbered *n* goes to buffer
``n % 2``; before writing it the writer announces *n* in ``WRITING``, and publishes it in ``SEQ``
when done. A reader that copied frame *s* keeps it only if the writer has not yet started frame
``s + 2`` (the next to reuse that buffer). The status block has its own version counter, odd
while it is being written. x86's store order keeps both protocols sound without fences.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from multiprocessing import shared_memory

import numpy as np

from easysight_desktop.video.link import LinkState, LinkStatus

MAX_PIXELS = 3840 * 2160  # the largest tile picture a slot holds (a 4K screen); bigger is scaled
HEADER_BYTES = 4096
REASON_BYTES = 1024

# int64 fields
SEQ, WRITING, DECODED, STATUS_VER, STATE, MISCONFIGURED, REASON_LEN, STATUS_GEN = range(8)
SHAPE = 8  # buffer b: height at SHAPE + 3b, width at SHAPE + 3b + 1, generation at SHAPE + 3b + 2
INTS = 16
# float64 fields (after the ints)
CAPTURED = 0  # buffer b's capture time at CAPTURED + b
FPS, LAST_FRAME, RETRY_IN = 2, 3, 4
FLOATS = 8

STATE_CODES = (LinkState.CONNECTING, LinkState.LIVE, LinkState.LOST, LinkState.STOPPED)


@dataclass(frozen=True, slots=True)
class SlotFrame:
    """A frame read out of a slot: ``pixels`` is the reader's own copy (H×W×4 BGRA)."""

    pixels: np.ndarray
    seq: int
    generation: int  # which URL of the tile it was decoded from (see RemoteDecoder.set_url)
    captured_at: float


class FrameSlot:
    """A view of one slot's shared memory; ``create`` on the GUI side, ``attach`` in the host."""

    def __init__(self, memory: shared_memory.SharedMemory, owner: bool) -> None:
        self._memory = memory
        self._owner = owner
        buf = memory.buf
        self._ints = np.ndarray((INTS,), np.int64, buf, 0)
        self._floats = np.ndarray((FLOATS,), np.float64, buf, INTS * 8)
        self._reason = np.ndarray((REASON_BYTES,), np.uint8, buf, (INTS + FLOATS) * 8)
        self.capacity = (memory.size - HEADER_BYTES) // 2  # bytes per frame buffer
        self._next = 0  # writer side: the number of the next frame

    @classmethod
    def create(cls, max_pixels: int = MAX_PIXELS) -> FrameSlot:
        """A new zeroed slot. Pages are only backed once written, so a 4K capacity costs a
        320×180 tile no more than its own frames."""
        size = HEADER_BYTES + 2 * 4 * max_pixels
        return cls(shared_memory.SharedMemory(create=True, size=size), owner=True)

    @classmethod
    def attach(cls, name: str) -> FrameSlot:
        return cls(shared_memory.SharedMemory(name=name), owner=False)

    @property
    def name(self) -> str:
        return self._memory.name

    @property
    def max_pixels(self) -> int:
        return self.capacity // 4

    # --- writer (the decoder process) --------------------------------------------------------

    def write_frame(self, pixels: np.ndarray, generation: int, captured_at: float) -> None:
        """Publish an H×W×4 uint8 frame (at most ``max_pixels``)."""
        height, width = pixels.shape[:2]
        if height * width * 4 > self.capacity:
            raise ValueError(f"a {width}x{height} frame does not fit the slot")
        self._next = max(self._next, int(self._ints[SEQ])) + 1
        n = self._next
        b = n % 2
        self._ints[WRITING] = n
        start = HEADER_BYTES + b * self.capacity
        target = np.ndarray((height, width, 4), np.uint8, self._memory.buf, start)
        np.copyto(target, pixels)
        self._ints[SHAPE + 3 * b : SHAPE + 3 * b + 3] = (height, width, generation)
        self._floats[CAPTURED + b] = captured_at
        self._ints[DECODED] += 1
        self._ints[SEQ] = n

    def clear_frame(self) -> None:
        """No picture any more (the stream was lost): readers get ``None``."""
        self._next = max(self._next, int(self._ints[SEQ]))
        self._ints[SEQ] = 0

    def write_status(self, status: LinkStatus, generation: int) -> None:
        reason = status.reason.encode()[:REASON_BYTES]
        self._ints[STATUS_VER] += 1  # odd: being written
        self._ints[STATUS_GEN] = generation
        self._ints[STATE] = STATE_CODES.index(status.state)
        self._ints[MISCONFIGURED] = int(status.misconfigured)
        self._ints[REASON_LEN] = len(reason)
        self._reason[: len(reason)] = np.frombuffer(reason, np.uint8)
        last = status.last_frame_at
        self._floats[FPS] = status.fps
        self._floats[LAST_FRAME] = math.nan if last is None else last
        self._floats[RETRY_IN] = status.retry_in_s
        self._ints[STATUS_VER] += 1

    # --- reader (the GUI) --------------------------------------------------------------------

    @property
    def seq(self) -> int:
        """The newest frame's number, 0 when there is none; cheap enough for every refresh."""
        return int(self._ints[SEQ])

    @property
    def decoded(self) -> int:
        return int(self._ints[DECODED])

    def read_frame(self) -> SlotFrame | None:
        """A copy of the newest frame, or None (no frame, or the writer overtook the copy)."""
        s = int(self._ints[SEQ])
        if s == 0:
            return None
        b = s % 2
        height, width, generation = (int(v) for v in self._ints[SHAPE + 3 * b : SHAPE + 3 * b + 3])
        captured_at = float(self._floats[CAPTURED + b])
        start = HEADER_BYTES + b * self.capacity
        if height * width * 4 > self.capacity or height <= 0 or width <= 0:
            return None
        pixels = np.ndarray((height, width, 4), np.uint8, self._memory.buf, start).copy()
        if int(self._ints[WRITING]) >= s + 2:
            return None  # frame s + 2 is being written over the buffer we copied
        return SlotFrame(pixels, s, generation, captured_at)

    def read_status(self, url: str, generation: int) -> LinkStatus | None:
        """The link status as last written for this URL generation, or None (none yet, or a
        write was in progress)."""
        version = int(self._ints[STATUS_VER])
        if version % 2 or version == 0 or int(self._ints[STATUS_GEN]) != generation:
            return None
        state = STATE_CODES[int(self._ints[STATE]) % len(STATE_CODES)]
        reason = bytes(self._reason[: int(self._ints[REASON_LEN])]).decode(errors="replace")
        fps, last, retry = (float(v) for v in self._floats[FPS : RETRY_IN + 1])
        misconfigured = bool(self._ints[MISCONFIGURED])
        if int(self._ints[STATUS_VER]) != version:
            return None
        last_at = None if math.isnan(last) else last
        return LinkStatus(state, reason, last_at, fps, url, retry, misconfigured)

    # --- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Let go of the memory; the creator also removes it."""
        if self._owner:
            self._memory.unlink()  # the name goes now; the memory when the last mapping does
        # The numpy views hold exported buffers: drop them first or close() refuses.
        del self._ints, self._floats, self._reason
        with contextlib.suppress(BufferError):  # a reader mid-copy: the mapping goes with it
            self._memory.close()
