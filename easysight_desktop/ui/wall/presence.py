"""The window's view of camera presence: Qt signals over the control plane's service.

The probing, the offline timing and the ``device_offline`` alarm live in
:class:`easysight_desktop.control.presence.PresenceService`, which ``--headless`` runs too; this
adapter only turns its callbacks into signals for the camera tree and feeds it the wall's tiles.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject, QTimer, Signal

from easysight_desktop.control.presence import (
    ALARM_AFTER_S,
    FIRST_PROBE_AFTER_S,
    PROBE_EVERY_S,
    THREAD_PREFIX,
    PresencePlane,
    PresenceService,
)

__all__ = ["THREAD_PREFIX", "CameraPresence"]


class CameraPresence(QObject):
    stateChanged = Signal(int, str, str)  # camera id, "online" / "offline" / "error", reason
    wentOffline = Signal(int, str)  # camera id, reason: the alarm was raised (once per outage)

    def __init__(
        self,
        plane: PresencePlane,
        parent: QObject | None = None,
        *,
        probe_every_s: float = PROBE_EVERY_S,
        alarm_after_s: float = ALARM_AFTER_S,
    ) -> None:
        super().__init__(parent)
        self.service = PresenceService(
            plane,
            probe_every_s=probe_every_s,
            alarm_after_s=alarm_after_s,
            on_state=self.stateChanged.emit,
            on_offline=self.wentOffline.emit,
            sleep=self._sleep,
        )

    async def _sleep(self, seconds: float) -> None:
        """A pause timed by Qt and owned by this object: it ends with the window, not in a
        closed event loop (a pending asyncio timer under qasync would)."""
        woken = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not woken.done():
                woken.set_result(None)

        QTimer.singleShot(max(0, int(seconds * 1000)), self, wake)
        await woken

    @property
    def alarm_after_s(self) -> float:
        return self.service.alarm_after_s

    @alarm_after_s.setter
    def alarm_after_s(self, seconds: float) -> None:
        self.service.alarm_after_s = seconds

    @property
    def states(self) -> dict[int, tuple[str, str]]:
        return self.service.states

    def start(self, first_probe_after_s: float = FIRST_PROBE_AFTER_S) -> None:
        self.service.start(first_probe_after_s)

    def stop(self) -> None:
        self.service.stop()

    def set_on_wall(self, camera_ids: set[int]) -> None:
        self.service.set_on_wall(camera_ids)

    def report_tile(self, camera_id: int, state: str, reason: str) -> None:
        self.service.report_tile(camera_id, state, reason)

    def state(self, camera_id: int) -> str:
        return self.service.state(camera_id)
