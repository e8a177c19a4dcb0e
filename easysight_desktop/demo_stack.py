"""Start the demo's helper processes: the camera simulator and one worker node.

Used by ``make demo``; each child is a normal ``python -m`` process of this project, stopped
when the demo ends (also on Ctrl+C).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

READY_TIMEOUT_S = 30.0


@dataclass
class DemoStack:
    """The running simulator and worker, and what the demo needs to know about them."""

    simulator_url: str = ""
    cameras: list[dict[str, Any]] = field(default_factory=list)
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    def stop(self) -> None:
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """First stdout line of a child, or an error naming what went wrong."""
    assert proc.stdout is not None
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not result or not result[0]:
        raise RuntimeError(f"{proc.args} did not start within {timeout:g} s")
    return result[0].strip()


def start_simulator(stack: DemoStack) -> None:
    proc = subprocess.Popen(
        # A 16-tile wall: 720p at 25 frames/s with substreams, a few faults, one camera that
        # drops out for 10 s every 30 s.
        [sys.executable, "-m", "worker_node.simulator", "--port", "0", "--wall"],
        stdout=subprocess.PIPE,
        text=True,
    )
    stack.processes.append(proc)
    line = _read_line(proc, READY_TIMEOUT_S)
    stack.simulator_url = line.rsplit(" ", 1)[-1]
    with urllib.request.urlopen(stack.simulator_url + "cameras.json", timeout=10) as response:
        stack.cameras = json.load(response)


def start_worker(stack: DemoStack, worker_id: str = "demo-worker") -> None:
    env = dict(os.environ)
    env.setdefault("EASYSIGHT_LOG_LEVEL", "WARNING")  # the demo prints results, not task logs
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker_node.cli", "run", "--id", worker_id],
        env=env,
        text=True,
    )
    stack.processes.append(proc)


@contextlib.contextmanager
def demo_stack() -> Iterator[DemoStack]:
    stack = DemoStack()
    try:
        start_simulator(stack)
        start_worker(stack)
        yield stack
    finally:
        stack.stop()
