"""Is each camera online? The control plane's camera presence, for the window and ``--headless``.

A site that runs the console headless as its recorder must still hear of a camera that went
dark, so this lives here, Qt-free, and the window uses the same object through a thin adapter.
Cameras on the live wall report their own link (their tile is decoding: it knows best); every
other enabled camera gets a cheap probe (:func:`easysight_desktop.video.reach.probe`: a TCP
connect, an HTTP status line) every ``probe_every_s``, on a small thread pool so the event loop
never waits on a socket. A camera that stays offline for ``alarm_after_s`` raises one
``device_offline`` alarm per outage through the plane; a shorter blip raises none. "error" is
a camera that answers but not as configured (HTTP 404, unknown host, missing file): shown,
logged, but not a device that went offline.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from easysight_desktop.control.events import CamerasChanged, Event, EventBus
from easysight_desktop.control.views import AlarmView, CameraView
from easysight_desktop.video.reach import Failure, probe

log = logging.getLogger(__name__)

PROBE_EVERY_S = 30.0
ALARM_AFTER_S = 10.0
FIRST_PROBE_AFTER_S = 2.0  # the window's tiles claim their cameras first
PROBE_TIMEOUT_S = 2.0
PROBE_THREADS = 16  # a probe mostly waits on the network; 16 dead cameras cost one time limit
THREAD_PREFIX = "camera-probe"
ALARM_RETRY_S = 10.0  # the database refused the alarm: try again this much later
TICK_MAX_S = 1.0  # the longest the service sleeps between looking at its clock
TICK_MIN_S = 0.05

Probe = Callable[[str, float], Failure | None]
StateListener = Callable[[int, str, str], None]  # camera id, online/offline/error, reason
OfflineListener = Callable[[int, str], None]  # camera id, reason: the alarm was raised
Sleep = Callable[[float], Awaitable[None]]


class PresencePlane(Protocol):
    """What the service needs of the control plane (the window's tests pass a fake)."""

    events: EventBus

    async def cameras(self) -> list[CameraView]: ...

    async def raise_device_offline(self, camera_id: int, reason: str) -> AlarmView | None: ...


class PresenceService:
    """Camera links and offline alarms; ``start()`` on the running loop, ``close()`` at the end."""

    def __init__(
        self,
        plane: PresencePlane,
        *,
        probe_every_s: float = PROBE_EVERY_S,
        alarm_after_s: float = ALARM_AFTER_S,
        on_state: StateListener | None = None,
        on_offline: OfflineListener | None = None,
        probe_fn: Probe = probe,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """``sleep`` paces the service between looks at its clock; the window passes one made of
        a QTimer, since a qasync timer still pending when its loop closes fires later into a
        deleted object (a crash seen in the window tests)."""
        self.plane = plane
        self.probe_every_s = probe_every_s
        self.alarm_after_s = alarm_after_s
        self.states: dict[int, tuple[str, str]] = {}  # camera id -> (state, reason)
        self.rounds = 0  # probe rounds finished (tests and logs)
        self._on_state = on_state
        self._on_offline = on_offline
        self._probe = probe_fn
        self._clock = clock
        self._sleep = sleep
        self._cameras: dict[int, CameraView] = {}
        self._on_wall: set[int] = set()
        self._in_flight: set[int] = set()
        self._alarm_due: dict[int, float] = {}  # offline camera -> when its alarm is due
        self._alarmed: set[int] = set()  # alarm raised for the current outage
        self._next_probe = 0.0
        self._probing_began = False  # the first round waits for the wall's tiles
        self._pool: ThreadPoolExecutor | None = ThreadPoolExecutor(PROBE_THREADS, THREAD_PREFIX)
        self._started = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reload_again = False
        self._reloading = False
        self._unsubscribe: Callable[[], None] | None = None

    # --- life cycle --------------------------------------------------------------------------

    def start(self, first_probe_after_s: float = FIRST_PROBE_AFTER_S) -> None:
        """Read the registry now, probe ``first_probe_after_s`` later, then every interval."""
        if self._started or self._pool is None:
            return
        self._started = True
        self._unsubscribe = self.plane.events.subscribe(self._event)
        self._next_probe = self._clock() + first_probe_after_s
        self._spawn(self.reload_cameras(), "presence-reload")
        self._spawn(self._run(), "presence")

    def stop(self) -> None:
        """Stop at once (the window's close); running probes end within their time limit."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for task in list(self._tasks):
            task.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def close(self) -> None:
        tasks = list(self._tasks)
        self.stop()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("camera presence: %s failed", task.get_name(), exc_info=task.exception())

    async def _run(self) -> None:
        while True:
            await self.check_alarms()
            if self._clock() >= self._next_probe:
                self._next_probe = self._clock() + self.probe_every_s
                self._probing_began = True
                self._spawn(self.probe_round(), "presence-probe")
            await self._sleep(self._until_next())

    def _until_next(self) -> float:
        waiting = [at for i, at in self._alarm_due.items() if i not in self._alarmed]
        due = min([self._next_probe, *waiting])
        return min(max(due - self._clock(), TICK_MIN_S), TICK_MAX_S)

    # --- the registry and the wall -----------------------------------------------------------

    def _event(self, event: Event) -> None:
        if not isinstance(event, CamerasChanged):
            return
        if event.cameras:  # rows patched (a diagnosis changed their status): no read needed
            self._probe_soon(self._apply(event.cameras, whole=False))
        else:
            self._spawn(self.reload_cameras(), "presence-reload")

    async def reload_cameras(self) -> None:
        """Read the registry again (coalesced: a burst of changes is one more read)."""
        if self._reloading:
            self._reload_again = True
            return
        self._reloading = True
        try:
            while True:
                self._reload_again = False
                try:
                    cameras = await self.plane.cameras()
                except Exception as exc:
                    log.warning("camera presence: cannot read the cameras: %s", exc)
                    return
                self._probe_soon(self._apply(cameras, whole=True))
                if not self._reload_again:
                    return
        finally:
            self._reloading = False

    def _apply(self, cameras: Iterable[CameraView], *, whole: bool) -> list[int]:
        """Take the cameras in; returns the ids that are new or moved to another address."""
        fresh = [] if whole else list(self._cameras.values())
        merged = {c.id: c for c in fresh}
        merged.update({c.id: c for c in cameras})
        enabled = {i: c for i, c in merged.items() if c.enabled}
        changed = [
            i
            for i, c in enabled.items()
            if i not in self._cameras or _address(self._cameras[i]) != _address(c)
        ]
        for gone in set(self._cameras) - set(enabled):
            self.states.pop(gone, None)
            self._alarm_due.pop(gone, None)
            self._alarmed.discard(gone)
        self._cameras = enabled
        return changed

    def _probe_soon(self, camera_ids: list[int]) -> None:
        """New or re-addressed cameras are probed now, once the first round has begun."""
        if camera_ids and self._pool is not None and self._probing_began:
            self._spawn(self.probe_round(camera_ids), "presence-probe")

    def set_on_wall(self, camera_ids: set[int]) -> None:
        """Cameras whose link now comes from a tile (they are not probed)."""
        self._on_wall = set(camera_ids)

    def report_tile(self, camera_id: int, state: str, reason: str) -> None:
        self._set(camera_id, state, reason)

    def state(self, camera_id: int) -> str:
        return self.states.get(camera_id, ("unknown", ""))[0]

    def name(self, camera_id: int) -> str:
        camera = self._cameras.get(camera_id)
        return camera.name if camera is not None else f"camera {camera_id}"

    # --- probing -----------------------------------------------------------------------------

    async def probe_round(self, camera_ids: Iterable[int] | None = None) -> None:
        """Probe the enabled cameras not on the wall (or these), skipping any still in flight."""
        pool = self._pool
        if pool is None:
            return
        wanted = self._cameras.keys() if camera_ids is None else set(camera_ids)
        targets = [
            self._cameras[i]
            for i in wanted
            if i in self._cameras and i not in self._on_wall and i not in self._in_flight
        ]
        ids = [c.id for c in targets]
        self._in_flight.update(ids)
        loop = asyncio.get_running_loop()
        try:
            try:
                futures = [
                    loop.run_in_executor(pool, self._probe, _probe_url(c), PROBE_TIMEOUT_S)
                    for c in targets
                ]
            except RuntimeError:
                return  # the pool was shut down while submitting: closing
            answers = await asyncio.gather(*futures, return_exceptions=True)
        finally:
            self._in_flight.difference_update(ids)
        for camera, answer in zip(targets, answers, strict=True):
            current = self._cameras.get(camera.id)
            if (
                camera.id in self._on_wall
                or current is None
                or _address(current) != _address(camera)
            ):
                continue  # a tile took over, or the camera left or moved meanwhile
            if isinstance(answer, Failure):
                self._set(camera.id, "error" if answer.misconfigured else "offline", str(answer))
            elif answer is None:
                self._set(camera.id, "online", "")
            elif not isinstance(answer, asyncio.CancelledError | RuntimeError):
                log.warning("probe of %s failed: %r", camera.name, answer)  # not while closing
        if camera_ids is None:
            self.rounds += 1
            if self.rounds == 1:
                self._log_first_round(ids)

    def _log_first_round(self, ids: list[int]) -> None:
        states = [self.state(i) for i in ids]
        log.info(
            "first camera probe: %d probed, %d online, %d offline, %d error",
            len(ids),
            states.count("online"),
            states.count("offline"),
            states.count("error"),
        )

    # --- state and alarms --------------------------------------------------------------------

    def _set(self, camera_id: int, state: str, reason: str) -> None:
        if state == "offline":
            self._alarm_due.setdefault(camera_id, self._clock() + self.alarm_after_s)
        else:
            self._alarm_due.pop(camera_id, None)
            self._alarmed.discard(camera_id)
        before = self.states.get(camera_id)
        if before == (state, reason):
            return
        self.states[camera_id] = (state, reason)
        quiet = before is None and state == "online"  # the first answer of a healthy camera
        log.log(
            logging.DEBUG if quiet else logging.INFO,
            "camera %s: %s%s",
            self.name(camera_id),
            state,
            f" ({reason})" if reason else "",
        )
        if self._on_state is not None:
            self._on_state(camera_id, state, reason)

    async def check_alarms(self) -> None:
        """Raise the alarm of each camera offline for ``alarm_after_s``, once per outage."""
        now = self._clock()
        due = [i for i, at in self._alarm_due.items() if i not in self._alarmed and now >= at]
        for camera_id in due:
            reason = self.states.get(camera_id, ("", ""))[1]
            self._alarmed.add(camera_id)
            try:
                raised = await self.plane.raise_device_offline(camera_id, reason)
            except Exception as exc:
                log.warning(
                    "camera %s is offline, but the alarm could not be recorded (again in %g s): %s",
                    self.name(camera_id),
                    ALARM_RETRY_S,
                    exc,
                )
                self._alarmed.discard(camera_id)
                if camera_id in self._alarm_due:
                    self._alarm_due[camera_id] = self._clock() + ALARM_RETRY_S
                continue
            if raised is None:  # the last outage's alarm is still open: no second one
                log.info(
                    "camera %s offline again for over %g s; its last offline alarm is still open",
                    self.name(camera_id),
                    self.alarm_after_s,
                )
            else:
                log.warning(
                    "camera %s offline for over %g s: device_offline alarm (%s)",
                    self.name(camera_id),
                    self.alarm_after_s,
                    reason,
                )
            if self._on_offline is not None:
                self._on_offline(camera_id, reason)


def _address(camera: CameraView) -> tuple[str, str | None]:
    return camera.url, camera.substream_url


def _probe_url(camera: CameraView) -> str:
    """The substream when there is one: it is what the wall would open."""
    return camera.substream_url or camera.url
