"""device_offline alarms: one open alarm per camera outage, named after the camera, with the
reason the wall or the probe found."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from easysight_desktop.control.db import alarms as alarm_rows
from easysight_desktop.control.db import cameras as camera_rows
from easysight_desktop.control.db.convert import alarm_view
from easysight_desktop.control.db.database import Database
from easysight_desktop.control.views import CameraInput


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate_blocking()
    yield database
    database.close()


def test_one_open_alarm_per_outage(db: Database) -> None:
    camera_id = db.run_blocking(
        lambda s: camera_rows.add_camera(s, CameraInput("Gate 1", "rtsp://10.0.0.1/s"), "op").id
    )
    first = db.run_blocking(
        lambda s: alarm_view(alarm_rows.raise_device_offline(s, camera_id, "connection refused"))
    )
    assert (first.source, first.level, first.state) == ("device_offline", "high", "open")
    assert first.camera_name == "Gate 1" and "connection refused" in first.message
    assert first.task_id is None
    # the same outage seen again (another tile, another console): no second alarm
    assert db.run_blocking(lambda s: alarm_rows.raise_device_offline(s, camera_id, "x")) is None
    # once acknowledged, the next outage is a new alarm
    db.run_blocking(lambda s: alarm_rows.acknowledge(s, [first.id], "op"))
    again = db.run_blocking(
        lambda s: alarm_view(alarm_rows.raise_device_offline(s, camera_id, "HTTP 503"))
    )
    assert again.id != first.id and again.state == "open"
    assert db.run_blocking(lambda s: alarm_rows.raise_device_offline(s, 12345, "x")) is None
