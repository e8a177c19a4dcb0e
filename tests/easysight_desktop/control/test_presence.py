"""Camera presence without Qt, with a fake probe and a clock the test moves: cameras off the wall
are probed, tiles report their own, an outage raises one device_offline alarm after the delay, a
blip or a misconfigured camera raises none, and the registry is followed as it changes."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace

import pytest

from easysight_desktop.control.events import CamerasChanged, EventBus
from easysight_desktop.control.presence import (
    ALARM_RETRY_S,
    THREAD_PREFIX,
    TICK_MAX_S,
    PresenceService,
)
from easysight_desktop.control.views import AlarmView, CameraView
from easysight_desktop.video.reach import Failure

REFUSED = Failure("connection refused by 10.0.0.1:554")
NOT_FOUND = Failure("HTTP 404 Not Found", misconfigured=True)


def camera(ident: int, **changes: object) -> CameraView:
    base = CameraView(
        id=ident,
        name=f"Camera {ident}",
        url=f"rtsp://10.0.0.{ident}/main",
        substream_url=None,
        group_id=None,
        group_name=None,
        location="",
        enabled=True,
        status="unknown",
        last_diagnosed_at=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@dataclass
class Site:
    """The two things presence asks of the control plane, and its event bus."""

    cameras_: list[CameraView]
    events: EventBus = field(default_factory=EventBus)
    raised: list[tuple[int, str]] = field(default_factory=list)
    refuse: bool = False  # the database is down

    async def cameras(self) -> list[CameraView]:
        return list(self.cameras_)

    async def raise_device_offline(self, camera_id: int, reason: str) -> AlarmView | None:
        if self.refuse:
            raise ConnectionError("database unavailable")
        self.raised.append((camera_id, reason))
        return None


class FakeProbe:
    """Answers by URL; records what it was asked (from the probe threads)."""

    def __init__(self, answers: dict[str, Failure | None]) -> None:
        self.answers = answers
        self.asked: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, url: str, timeout_s: float) -> Failure | None:
        with self._lock:
            self.asked.append(url)
        return self.answers.get(url)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    site: Site
    probe: FakeProbe
    clock: Clock
    service: PresenceService
    changes: list[tuple[int, str, str]]
    offline: list[tuple[int, str]]


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    site = Site([camera(1), camera(2), camera(3, substream_url="rtsp://10.0.0.3/sub")])
    probe = FakeProbe({site.cameras_[0].url: REFUSED})
    clock = Clock()
    changes: list[tuple[int, str, str]] = []
    offline: list[tuple[int, str]] = []
    service = PresenceService(
        site,
        alarm_after_s=10.0,
        probe_fn=probe,
        clock=clock,
        on_state=lambda *change: changes.append(change),
        on_offline=lambda *outage: offline.append(outage),
    )
    await service.reload_cameras()
    yield Rig(site, probe, clock, service, changes, offline)
    await service.close()


async def test_an_outage_raises_one_alarm_after_the_delay(rig: Rig) -> None:
    service, clock = rig.service, rig.clock
    await service.probe_round()
    assert (service.state(1), service.state(2), service.state(3)) == ("offline", "online", "online")
    assert sorted(rig.changes) == [
        (1, "offline", str(REFUSED)),
        (2, "online", ""),
        (3, "online", ""),
    ]
    clock.now += 9.9
    await service.probe_round()
    await service.check_alarms()
    assert rig.site.raised == []
    clock.now += 0.1
    await service.check_alarms()
    assert rig.site.raised == [(1, str(REFUSED))]
    assert rig.offline == [(1, str(REFUSED))]
    for _ in range(3):  # still down: the same outage
        clock.now += 30
        await service.probe_round()
        await service.check_alarms()
    assert len(rig.site.raised) == 1
    assert len(rig.changes) == 3  # only changes are announced


async def test_the_next_outage_raises_a_new_alarm_and_a_blip_raises_none(rig: Rig) -> None:
    service, clock, probe = rig.service, rig.clock, rig.probe
    dead = rig.site.cameras_[0].url
    await service.probe_round()
    clock.now += 10
    await service.check_alarms()
    probe.answers[dead] = None  # back
    await service.probe_round()
    assert service.state(1) == "online"
    probe.answers[dead] = REFUSED  # a blip: down for 9 s
    await service.probe_round()
    clock.now += 9
    await service.check_alarms()
    probe.answers[dead] = None
    await service.probe_round()
    clock.now += 30
    await service.check_alarms()
    assert len(rig.site.raised) == 1
    probe.answers[dead] = Failure("no answer from 10.0.0.1:554")  # a second outage
    await service.probe_round()
    clock.now += 10
    await service.check_alarms()
    assert rig.site.raised == [(1, str(REFUSED)), (1, "no answer from 10.0.0.1:554")]


async def test_a_misconfigured_camera_is_an_error_and_raises_no_alarm(rig: Rig) -> None:
    rig.probe.answers[rig.site.cameras_[1].url] = NOT_FOUND
    await rig.service.probe_round()
    assert rig.service.states[2] == ("error", str(NOT_FOUND))
    rig.clock.now += 3600
    await rig.service.check_alarms()
    assert [camera_id for camera_id, _ in rig.site.raised] == [1]


async def test_cameras_on_the_wall_are_not_probed_their_tiles_report(rig: Rig) -> None:
    service, probe = rig.service, rig.probe
    service.set_on_wall({2})
    await service.probe_round()
    assert sorted(probe.asked) == ["rtsp://10.0.0.1/main", "rtsp://10.0.0.3/sub"]  # substream
    assert service.state(2) == "unknown"
    service.report_tile(2, "offline", "no picture")
    rig.clock.now += 10
    await service.check_alarms()
    assert sorted(rig.site.raised) == [(1, str(REFUSED)), (2, "no picture")]
    service.report_tile(2, "online", "")
    assert rig.changes[-1] == (2, "online", "")


async def test_an_alarm_the_database_refused_is_raised_later(rig: Rig) -> None:
    service, clock, site = rig.service, rig.clock, rig.site
    await service.probe_round()
    site.refuse = True
    clock.now += 10
    await service.check_alarms()
    assert site.raised == [] and rig.offline == []
    site.refuse = False
    clock.now += ALARM_RETRY_S - 1
    await service.check_alarms()
    assert site.raised == []  # not retried at once: a database outage would flood the log
    clock.now += 1
    await service.check_alarms()
    assert site.raised == [(1, str(REFUSED))] and len(rig.offline) == 1


async def test_an_alarmed_camera_does_not_make_the_service_spin(rig: Rig) -> None:
    service, clock = rig.service, rig.clock
    service.start(first_probe_after_s=1e6)  # no probe round: the tile decides here
    service.report_tile(2, "offline", "no picture")
    assert service._until_next() == TICK_MAX_S
    clock.now += 10
    assert service._until_next() <= 0.05  # the alarm is due
    await service.check_alarms()
    assert rig.site.raised == [(2, "no picture")]
    assert service._until_next() == TICK_MAX_S


async def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)


async def test_the_registry_is_followed_as_it_changes(rig: Rig) -> None:
    service, site, probe = rig.service, rig.site, rig.probe
    service.start(first_probe_after_s=0)  # the fake clock stands still: one round, then none
    await wait_until(lambda: service.rounds == 1, 5, "the first round")
    site.cameras_ = [
        site.cameras_[0],
        replace(site.cameras_[1], enabled=False),
        site.cameras_[2],
        camera(4),
    ]
    site.events.emit(CamerasChanged())
    await wait_until(lambda: service.state(4) == "online", 5, "the new camera's probe")
    assert 2 not in service.states  # disabled: neither probed nor shown
    asked = len(probe.asked)
    # a diagnosis patched a row: same address, nothing to probe
    site.events.emit(CamerasChanged((replace(site.cameras_[2], status="critical"),)))
    moved = replace(site.cameras_[0], url="rtsp://10.0.0.9/main")
    site.events.emit(CamerasChanged((moved,)))  # a new address is probed at once
    await wait_until(lambda: service.state(1) == "online", 5, "the moved camera's probe")
    assert probe.asked[asked:] == ["rtsp://10.0.0.9/main"]
    assert service.rounds == 1


async def test_probe_rounds_repeat_and_close_ends_the_threads() -> None:
    site = Site([camera(1), camera(2)])
    service = PresenceService(site, probe_every_s=0.05, probe_fn=FakeProbe({}))
    service.start(first_probe_after_s=0)
    try:
        await wait_until(lambda: service.rounds >= 3, 5, "three probe rounds")
        assert service.state(1) == service.state(2) == "online"
    finally:
        await service.close()
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("presence")]
    await wait_until(
        lambda: not [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)],
        5,
        "the probe threads to end",
    )
