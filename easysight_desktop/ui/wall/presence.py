"""Is each camera online? From the wall's open tiles, and a periodic cheap probe of the rest.

A tile knows best (it is decoding); the other cameras get a TCP connect (an HTTP status line
for HTTP cameras) every ``PROBE_EVERY_S`` on a small thread pool, never on the GUI thread.
A camera that stays offline for ``ALARM_AFTER_S`` is reported once per outage through
``wentOffline`` (the window raises a device_offline alarm); a blip shorter than that is not.
"error" is a camera that answers but not as configured (HTTP 404, unknown host, missing file):
shown in the tree, but not a device going offline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from easysight_desktop.control.views import CameraView
from easysight_desktop.video.reach import probe

PROBE_EVERY_S = 30.0
PROBE_TIMEOUT_S = 2.0
ALARM_AFTER_S = 10.0
PROBE_THREADS = 4
THREAD_PREFIX = "camera-probe"


class CameraPresence(QObject):
    stateChanged = Signal(int, str, str)  # camera id, "online" / "offline" / "error", reason
    wentOffline = Signal(int, str)  # camera id, reason: once per outage, after ALARM_AFTER_S

    def __init__(self, parent: QObject | None = None, *, probe_every_s: float = PROBE_EVERY_S,
                 alarm_after_s: float = ALARM_AFTER_S) -> None:  # fmt: skip
        super().__init__(parent)
        self.alarm_after_s = alarm_after_s
        self.states: dict[int, tuple[str, str]] = {}  # camera id -> (state, reason)
        self._cameras: dict[int, CameraView] = {}
        self._on_wall: set[int] = set()
        self._offline_since: dict[int, float] = {}
        self._alarmed: set[int] = set()
        self._probing = False
        self._pool: ThreadPoolExecutor | None = None
        self._task: asyncio.Task[None] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(int(probe_every_s * 1000))
        self._timer.timeout.connect(self.probe_now)
        self._alarm_timer = QTimer(self)
        self._alarm_timer.setInterval(1000)
        self._alarm_timer.timeout.connect(self._check_alarms)

    def start(self, first_probe_after_s: float = 2.0) -> None:
        self._pool = self._pool or ThreadPoolExecutor(PROBE_THREADS, THREAD_PREFIX)
        self._timer.start()
        self._alarm_timer.start()
        QTimer.singleShot(int(first_probe_after_s * 1000), self.probe_now)

    def stop(self) -> None:
        self._timer.stop()
        self._alarm_timer.stop()
        if self._task is not None:
            self._task.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def set_cameras(self, cameras: Iterable[CameraView]) -> None:
        self._cameras = {c.id: c for c in cameras if c.enabled}
        for gone in set(self.states) - set(self._cameras):
            self.states.pop(gone, None)
            self._offline_since.pop(gone, None)

    def set_on_wall(self, camera_ids: set[int]) -> None:
        """Cameras whose state now comes from a tile (they are not probed)."""
        self._on_wall = set(camera_ids)

    def report_tile(self, camera_id: int, state: str, reason: str) -> None:
        self._set(camera_id, state, reason)

    def state(self, camera_id: int) -> str:
        return self.states.get(camera_id, ("unknown", ""))[0]

    # --- probing -----------------------------------------------------------------------------

    def probe_now(self) -> None:
        """Probe every enabled camera not on the wall, at most one round at a time."""
        if self._probing or self._pool is None:
            return
        targets = [c for cid, c in self._cameras.items() if cid not in self._on_wall]
        if not targets:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._probing = True
        self._task = loop.create_task(self._probe(targets))

    async def _probe(self, cameras: list[CameraView]) -> None:
        loop = asyncio.get_running_loop()
        pool = self._pool
        try:
            if pool is None:
                return
            futures = [
                loop.run_in_executor(pool, probe, c.substream_url or c.url, PROBE_TIMEOUT_S)
                for c in cameras
            ]
            answers = await asyncio.gather(*futures, return_exceptions=True)
            for camera, answer in zip(cameras, answers, strict=True):
                if camera.id in self._on_wall or camera.id not in self._cameras:
                    continue  # a tile took over meanwhile
                if isinstance(answer, BaseException):
                    continue  # the pool was shut down (closing)
                if answer is None:
                    self._set(camera.id, "online", "")
                else:
                    self._set(
                        camera.id, "error" if answer.misconfigured else "offline", str(answer)
                    )
        except RuntimeError:
            pass  # the pool was shut down while submitting: the window is closing
        finally:
            self._probing = False

    # --- state and alarms --------------------------------------------------------------------

    def _set(self, camera_id: int, state: str, reason: str) -> None:
        if state == "offline":
            self._offline_since.setdefault(camera_id, time.monotonic())
        else:
            self._offline_since.pop(camera_id, None)
            self._alarmed.discard(camera_id)
        if self.states.get(camera_id) != (state, reason):
            self.states[camera_id] = (state, reason)
            self.stateChanged.emit(camera_id, state, reason)

    def _check_alarms(self) -> None:
        now = time.monotonic()
        for camera_id, since in list(self._offline_since.items()):
            if camera_id not in self._alarmed and now - since >= self.alarm_after_s:
                self._alarmed.add(camera_id)
                self.wentOffline.emit(camera_id, self.states.get(camera_id, ("", ""))[1])
