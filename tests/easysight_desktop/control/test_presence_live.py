"""Camera presence on a real control plane and real sockets, no Qt: a camera whose port is closed
raises exactly one device_offline alarm, one that accepts connections raises none. The broker
is left unreachable on purpose: presence must not depend on it."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from easysight_desktop.control.events import AlarmsChanged
from easysight_desktop.control.plane import ControlPlane
from easysight_desktop.control.presence import PresenceService
from easysight_desktop.control.views import CameraInput
from tests.support.console import EventLog
from worker_node.settings import Settings


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def listening() -> Iterator[int]:
    """A local 'camera' that accepts TCP connections (the RTSP probe only connects)."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield int(server.getsockname()[1])


async def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.02)


async def test_a_closed_port_raises_one_alarm_and_a_listening_one_none(
    database_url: str, tmp_path: Path, listening: int
) -> None:
    settings = Settings(
        rabbitmq_url=f"amqp://guest:guest@127.0.0.1:{closed_port()}/",
        database_url=database_url,
        data_dir=tmp_path / "data",
        operator="tester",
    )
    plane = ControlPlane(settings)
    events = EventLog()
    plane.events.subscribe(events)
    await plane.start()
    presence = PresenceService(plane, probe_every_s=0.2, alarm_after_s=0.5)

    def alarmed() -> list[int | None]:
        return [a.camera_id for e in events.of(AlarmsChanged) for a in e.alarms]

    try:
        dead = await plane.add_camera(CameraInput("Dead", f"rtsp://127.0.0.1:{closed_port()}/live"))
        live = await plane.add_camera(CameraInput("Live", f"rtsp://127.0.0.1:{listening}/live"))
        presence.start(first_probe_after_s=0)
        await events.arrived.wait_until(lambda: bool(alarmed()), 10, "the device_offline alarm")
        assert presence.states[dead.id][0] == "offline"
        assert "refused" in presence.states[dead.id][1]
        assert presence.state(live.id) == "online"
        seen = presence.rounds
        await wait_until(lambda: presence.rounds >= seen + 3, 10, "three more probe rounds")
    finally:
        await presence.close()
        alarms = await plane.alarms()
        await plane.close()
    assert [(a.source, a.camera_id) for a in alarms] == [("device_offline", dead.id)]
    assert alarmed() == [dead.id]
    assert "refused" in alarms[0].message
