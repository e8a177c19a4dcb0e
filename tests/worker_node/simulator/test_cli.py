"""``easysight-sim`` as a parent process runs it: read the URL line, use it, stop it by signal."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker_node.simulator.cli import main

URL_LINE = re.compile(r"^easysight-sim: serving (\d+) cameras at (http://127\.0\.0\.1:\d+/)$")
SCRIPT = Path(sys.executable).with_name("easysight-sim")


def read_line(proc: subprocess.Popen[str], deadline_s: float = 15.0) -> str:
    """The next stdout line, failing the test if none arrives before the deadline."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=deadline_s):
            proc.kill()
            pytest.fail(f"no output within {deadline_s}s; stderr: {proc.communicate()[1]}")
    return proc.stdout.readline().rstrip("\n")


@pytest.fixture
def launch() -> Iterator[list[subprocess.Popen[str]]]:
    """Collects started processes and kills any a failed test left running."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def start(procs: list[subprocess.Popen[str]], command: list[str]) -> subprocess.Popen[str]:
    # Without PYTHONUNBUFFERED the child's stdout is block-buffered on a pipe, as under a
    # parent process in production: the URL line only arrives if the CLI flushes it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1, env=env
    )
    procs.append(proc)
    return proc


@pytest.mark.parametrize(
    ("command", "stop_signal"),
    [
        ([str(SCRIPT)], signal.SIGTERM),
        ([sys.executable, "-m", "worker_node.simulator"], signal.SIGINT),
    ],
    ids=["script-sigterm", "module-sigint"],
)
def test_cli_prints_its_url_serves_and_stops_on_signal(
    launch: list[subprocess.Popen[str]], command: list[str], stop_signal: signal.Signals
) -> None:
    if not Path(command[0]).exists():
        pytest.skip(f"{command[0]} is not installed")
    args = ["--port", "0", "--cameras", "3", "--size", "320x180", "--fps", "10"]
    proc = start(launch, command + args)
    match = URL_LINE.match(read_line(proc))
    assert match, "first line must announce the base URL"
    assert match.group(1) == "3"
    base_url = match.group(2)
    with urllib.request.urlopen(base_url + "cameras.json", timeout=5) as response:
        cameras = json.load(response)
    assert len(cameras) == 3 and cameras[0]["url"].startswith(base_url)
    with urllib.request.urlopen(cameras[0]["snapshot_url"], timeout=5) as response:
        assert response.headers["Content-Type"] == "image/jpeg"
    proc.send_signal(stop_signal)
    assert proc.wait(timeout=10) == 0
    assert "stopped" in (proc.stderr.read() if proc.stderr else "")


def test_cli_reports_a_busy_port(launch: list[subprocess.Popen[str]]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = start(launch, [sys.executable, "-m", "worker_node.simulator", "--port", str(port)])
        _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in stderr


def test_cli_lists_cameras(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list", "--faults", "all", "--size", "1280x720", "--fps", "25"]) == 0
    cameras = json.loads(capsys.readouterr().out)
    assert len(cameras) == 11
    assert {c["fault"] for c in cameras} >= {"dropout", "blue_screen", "frozen"}
    assert {(c["width"], c["height"], c["fps"]) for c in cameras} == {(1280, 720, 25)}


@pytest.mark.parametrize(
    "args",
    [
        ["--size", "big"],
        ["--fps", "60"],
        ["--faults", "smoke"],
        ["--dropout", "5"],
        ["--quality", "0"],
    ],
)
def test_cli_rejects_bad_options(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("usage: easysight-sim")
