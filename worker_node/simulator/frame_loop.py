"""One stream's pictures as JPEG, each frame of the motion loop encoded once and then replayed.

Encoding 16 cameras at 720p and 25 frames/s live would take a whole core of a small machine — the
same machine that decodes them for the benchmark. A scene's motion repeats every ``loop_s``
seconds, so each of its frames is encoded the first time it is due and kept; afterwards a frame
costs a copy plus, once a second, encoding the thin clock band that is spliced over its top rows
(see :mod:`worker_node.simulator.jpeg_rows`). The clock therefore shows real time on every frame.
"""

from __future__ import annotations

import math

from worker_node.simulator.faults import View
from worker_node.simulator.jpeg_rows import RowSplicer, encode


class FrameLoop:
    """Encoded frames of one view at ``fps``; not thread-safe beyond racing to fill a slot."""

    def __init__(self, view: View, fps: float, quality: int) -> None:
        self._view = view
        self._fps = fps
        self._quality = quality
        self.length = 1 if view.static else max(1, round(view.loop_s * fps))
        self._frames: list[RowSplicer | bytes | None] = [None] * self.length
        self._band_second: int | None = None
        self._band = b""
        self.encodes = 0  # full-frame JPEG encodes so far; stops growing once the loop is cached

    @property
    def cached(self) -> int:
        """How many of the loop's frames are encoded already."""
        return sum(frame is not None for frame in self._frames)

    def jpeg(self, elapsed: float, wall_time: float) -> bytes:
        """The JPEG due ``elapsed`` seconds after the stream started, its clock at ``wall_time``."""
        index = math.floor(elapsed * self._fps + 1e-6) % self.length
        frame = self._frames[index]
        if frame is None:
            frame = self._encode(index, wall_time)
        if isinstance(frame, bytes):
            return frame
        return frame.with_band(self._clock_band(wall_time))

    def fill(self) -> None:
        """Encode every frame of the loop now (ahead of serving, so the first pass is cheap)."""
        for index in range(self.length):
            if self._frames[index] is None:
                self._encode(index, 0.0)

    def _encode(self, index: int, wall_time: float) -> RowSplicer | bytes:
        picture = self._view.frame(index / self._fps, wall_time)
        jpeg = encode(picture, self._quality)
        self.encodes += 1
        rows = self._view.clock_rows
        frame: RowSplicer | bytes = RowSplicer.of(jpeg, rows) if rows else jpeg
        self._frames[index] = frame
        return frame

    def _clock_band(self, wall_time: float) -> bytes:
        second = int(wall_time)
        if second != self._band_second:
            self._band = encode(self._view.clock_band(second), self._quality)
            self._band_second = second
        return self._band
