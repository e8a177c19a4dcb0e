"""A control plane for tests: real broker namespace, real database, data in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from easysight_desktop.control.events import Event
from easysight_desktop.control.plane import ControlPlane
from tests.support.broker import Signal
from tests.support.broker_fixtures import worker_settings


class EventLog:
    """Every event the plane emits, with a signal to wait on."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.arrived = Signal()

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        self.arrived.notify()

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture
async def make_plane(
    namespace: str, database_url: str, tmp_path: Path
) -> AsyncIterator[Callable[..., object]]:
    planes: list[ControlPlane] = []

    async def make(*, record: bool = True, **overrides: object) -> tuple[ControlPlane, EventLog]:
        values = {
            "database_url": database_url,
            "data_dir": tmp_path / "data",
            "monitor_interval": 0.5,
            "operator": "tester",
        }
        values.update(overrides)
        plane = ControlPlane(worker_settings(namespace, **values), record=record)
        log = EventLog()
        plane.events.subscribe(log)
        await plane.start()
        planes.append(plane)
        return plane, log

    yield make
    for plane in planes:
        await plane.close()
