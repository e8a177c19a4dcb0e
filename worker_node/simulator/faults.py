"""The faults a simulated camera can have, and the picture source each one produces.

Each fault mimics what a real site sends when that failure happens, so the diagnosis checks
(brightness, clarity, freeze, signal loss, blue screen) and the live wall can be exercised against
real streams rather than hand-made arrays.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import cast

import cv2

from worker_node.simulator.scenes import Frame, Scene, black_frame, blue_screen_frame, blur, darken


class Fault(StrEnum):
    """What is wrong with a camera; ``healthy`` when nothing is."""

    HEALTHY = "healthy"
    DARK = "dark"
    BLURRED = "blurred"
    FROZEN = "frozen"
    NO_SIGNAL = "no_signal"
    BLUE_SCREEN = "blue_screen"
    DROPOUT = "dropout"


class View:
    """Produces one camera's pictures; a static view repeats one picture forever.

    ``size`` scales every picture down (a substream); by default pictures have the scene's size.
    The frame hub asks ``static`` so that it encodes a frozen or signal-less picture only once,
    and ``clock_rows`` (0 when the clock cannot be redrawn alone) to refresh the clock band.
    """

    def __init__(self, scene: Scene, fault: Fault, size: tuple[int, int] | None = None) -> None:
        self.fault = fault
        self._scene = scene
        self.width, self.height = size or (scene.width, scene.height)
        self._started = time.monotonic()
        self._fixed: Frame | None = None
        if fault is Fault.NO_SIGNAL:
            self._fixed = black_frame(self.width, self.height)
        elif fault is Fault.BLUE_SCREEN:
            self._fixed = blue_screen_frame(self.width, self.height)
        elif fault is Fault.FROZEN:
            # The moment the encoder hung: scene, clock and noise all stop here.
            self._fixed = self._resized(scene.render(0.0))

    @property
    def static(self) -> bool:
        """True when every frame is the same picture, bit for bit."""
        return self._fixed is not None

    @property
    def loop_s(self) -> float:
        """Seconds after which the moving picture repeats."""
        return self._scene.loop_s

    @property
    def clock_rows(self) -> int:
        """Height of the top band holding the clock, at this view's size; 0 if not redrawable."""
        if self.static or self.fault is Fault.BLURRED:
            return 0  # nothing ticks, or a blurred clock would bleed past the band
        rows, rest = divmod(self._scene.clock_rows * self.height, self._scene.height)
        return rows if rest == 0 and rows % 16 == 0 and rows < self.height else 0

    def render(self) -> Frame:
        """The picture for now (a shared array for static views: do not modify it)."""
        return self.frame(time.monotonic() - self._started, time.time())

    def frame(self, elapsed: float, wall_time: float) -> Frame:
        """The picture ``elapsed`` seconds into the loop, its clock showing ``wall_time``."""
        if self._fixed is not None:
            return self._fixed
        frame = self._resized(self._scene.render(elapsed, wall_time))
        if self.fault is Fault.DARK:
            return darken(frame)
        if self.fault is Fault.BLURRED:
            return blur(frame)
        return frame

    def clock_band(self, wall_time: float) -> Frame:
        """The top ``clock_rows`` of a picture whose clock shows ``wall_time``."""
        band = self._resized(self._scene.render_clock_band(wall_time))
        return darken(band) if self.fault is Fault.DARK else band

    def _resized(self, frame: Frame) -> Frame:
        if (self.width, self.height) == (self._scene.width, self._scene.height):
            return frame
        rows = frame.shape[0] * self.height // self._scene.height
        return cast(Frame, cv2.resize(frame, (self.width, rows), interpolation=cv2.INTER_AREA))
