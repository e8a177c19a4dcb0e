"""The faults a simulated camera can have, and the picture source each one produces.

Each fault mimics what a real site sends when that failure happens, so the diagnosis checks
(brightness, clarity, freeze, signal loss, blue screen) and the live wall can be exercised against
real streams rather than hand-made arrays.
"""

from __future__ import annotations

import time
from enum import StrEnum

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

    The frame hub asks ``static`` so that it encodes a frozen or signal-less picture only once.
    """

    def __init__(self, scene: Scene, fault: Fault) -> None:
        self.fault = fault
        self._scene = scene
        self._started = time.monotonic()
        self._fixed: Frame | None = None
        if fault is Fault.NO_SIGNAL:
            self._fixed = black_frame(scene.width, scene.height)
        elif fault is Fault.BLUE_SCREEN:
            self._fixed = blue_screen_frame(scene.width, scene.height)
        elif fault is Fault.FROZEN:
            # The moment the encoder hung: scene, clock and noise all stop here.
            self._fixed = scene.render(0.0)

    @property
    def static(self) -> bool:
        """True when every frame is the same picture, bit for bit."""
        return self._fixed is not None

    def render(self) -> Frame:
        """The picture for now (a shared array for static views: do not modify it)."""
        if self._fixed is not None:
            return self._fixed
        frame = self._scene.render(time.monotonic() - self._started)
        if self.fault is Fault.DARK:
            return darken(frame)
        if self.fault is Fault.BLURRED:
            return blur(frame)
        return frame
