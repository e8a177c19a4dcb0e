"""``easysight-console --headless`` as a site runs it: a real process that probes the cameras and
raises one device_offline alarm for a camera whose port is closed, none for one that answers,
logs the links, and stops cleanly on SIGTERM. No broker is needed for that (it stays unreachable
here on purpose)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from easysight_desktop.control.db import alarms as alarm_rows
from easysight_desktop.control.db import cameras as camera_rows
from easysight_desktop.control.db.database import Database
from easysight_desktop.control.views import CameraInput

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def listening() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield int(server.getsockname()[1])


async def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.1)


async def test_the_headless_console_raises_one_offline_alarm(
    tmp_path: Path, listening: int
) -> None:
    db_url = f"sqlite:///{tmp_path / 'easysight.db'}"
    db = Database(db_url)
    db.migrate_blocking()
    dead = db.run_blocking(
        lambda s: (
            camera_rows.add_camera(
                s, CameraInput("Dead", f"rtsp://127.0.0.1:{closed_port()}/live"), "op"
            ).id
        )
    )
    db.run_blocking(
        lambda s: (
            camera_rows.add_camera(
                s, CameraInput("Live", f"rtsp://127.0.0.1:{listening}/live"), "op"
            ).id
        )
    )

    def offline_alarms() -> list[int | None]:
        return db.run_blocking(
            lambda s: [
                a.camera_id
                for a in alarm_rows.recent_alarms(s, open_only=False)
                if a.source == "device_offline"
            ]
        )

    config = tmp_path / "easysight.toml"
    config.write_text("")  # not the user's own settings file
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYSIGHT_")}
    env.update(
        EASYSIGHT_DATABASE_URL=db_url,
        EASYSIGHT_DATA_DIR=str(tmp_path / "data"),
        EASYSIGHT_LOG_DIR=str(tmp_path / "logs"),
        EASYSIGHT_RABBITMQ_URL=f"amqp://guest:guest@127.0.0.1:{closed_port()}/",
        EASYSIGHT_CAMERA_PROBE_INTERVAL="1",
        EASYSIGHT_CAMERA_OFFLINE_ALARM_AFTER="0.5",
    )
    log_path = tmp_path / "logs" / "console.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "easysight_desktop.cli", "--config", str(config), "--headless"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await wait_until(offline_alarms, 20, "the device_offline alarm")

        def logged() -> str:
            return log_path.read_text(encoding="utf-8") if log_path.exists() else ""

        await wait_until(
            lambda: logged().count("first camera probe: 2 probed, 1 online, 1 offline") == 1,
            5,
            "the first probe in the log",
        )
        await wait_until(lambda: "device_offline alarm" in logged(), 5, "the alarm in the log")
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(asyncio.to_thread(proc.wait), 20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0
    assert offline_alarms() == [dead]
    text = logged()
    assert text.count("device_offline alarm") == 1
    assert "camera Dead: offline (connection refused by 127.0.0.1:" in text
    db.close()
