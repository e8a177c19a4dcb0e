"""The console's window as a real process (offscreen): a wall restored from the operator's
settings starts its decoder processes, and Ctrl+C (SIGINT) closes the window as its close
button does — the wall saved, every decoder process ended, exit code 0."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from PySide6.QtCore import QSettings

from easysight_desktop.control.db import cameras as camera_rows
from easysight_desktop.control.db.database import Database
from easysight_desktop.control.views import CameraInput
from tests.easysight_desktop.video.waiting import wait_for
from tests.worker_node.sources.servers import closed_port
from worker_node.simulator import start_simulator
from worker_node.simulator.cameras import CameraSpec
from worker_node.simulator.server import SimulatorServer

ROOT = Path(__file__).resolve().parents[2]
GATE = CameraSpec("gate", "Gate", width=320, height=180, fps=15)


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    with start_simulator([GATE]) as server:
        yield server


def decoder_processes(console: psutil.Process) -> list[psutil.Process]:
    """The console's spawned children that are not multiprocessing's resource tracker."""
    found = []
    for child in console.children(recursive=True):
        try:
            line = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "spawn_main" in line:
            found.append(child)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGINT to a child process")
def test_ctrl_c_closes_the_window_saving_the_wall_and_ending_its_decoders(
    tmp_path: Path, sim: SimulatorServer
) -> None:
    db_url = f"sqlite:///{tmp_path / 'easysight.db'}"
    db = Database(db_url)
    db.migrate_blocking()
    camera = db.run_blocking(
        lambda s: camera_rows.add_camera(s, CameraInput("Gate", sim.stream_url("gate")), "op").id
    )
    db.close()
    # The operator's saved wall, where QSettings("EasySight", "console") reads it on Linux.
    layout_path = tmp_path / "config" / "EasySight" / "console.conf"
    saved = QSettings(str(layout_path), QSettings.Format.IniFormat)
    saved.setValue("wall/state", json.dumps({"layout": "4", "cameras": [camera]}))
    saved.sync()
    config = tmp_path / "easysight.toml"
    config.write_text("")  # not the user's own settings file
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYSIGHT_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        EASYSIGHT_DATABASE_URL=db_url,
        EASYSIGHT_DATA_DIR=str(tmp_path / "data"),
        EASYSIGHT_LOG_DIR=str(tmp_path / "logs"),
        EASYSIGHT_RABBITMQ_URL=f"amqp://guest:guest@127.0.0.1:{closed_port()}/",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "easysight_desktop.cli", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    console = psutil.Process(proc.pid)
    try:
        wait_for(lambda: decoder_processes(console), 30, "the wall's decoder process")
        decoders = decoder_processes(console)
        wait_for(lambda: sim.health()["viewers"] > 0, 10, "the tile to play the camera")
        proc.send_signal(signal.SIGINT)
        code = proc.wait(20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0
    _, alive = psutil.wait_procs(decoders, timeout=5)
    assert alive == []
    log = (tmp_path / "logs" / "console.log").read_text(encoding="utf-8")
    assert "SIGINT: closing the window" in log
    state = json.loads(QSettings(str(layout_path), QSettings.Format.IniFormat).value("wall/state"))
    assert state["layout"] == "4" and state["cameras"] == [camera]
