"""Worker nodes as real subprocesses, for tests that kill, stop or crash them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """A worker subprocess running a test handler, with its settings in the environment."""

    def __init__(self, namespace: str, handler: str, worker_id: str, **settings: object) -> None:
        settings = {"heartbeat_interval": 1, **settings}
        env = dict(os.environ)
        env.update(EASYSIGHT_NAMESPACE=namespace, EASYSIGHT_WORKER_ID=worker_id)
        env.update({f"EASYSIGHT_{k.upper()}": str(v) for k, v in settings.items()})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.worker_process", handler],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    async def ready(self, timeout: float = 20) -> None:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(self.proc.stdout.readline), timeout)
        assert line.strip() == "worker ready", f"worker printed {line!r}"

    async def exit_code(self, timeout: float = 30) -> int:
        return await asyncio.wait_for(asyncio.to_thread(self.proc.wait), timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
async def spawn(  # start worker subprocesses; killed after the test
    namespace: str,
) -> AsyncIterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(handler: str, worker_id: str = "proc-worker", **settings: object) -> WorkerProcess:
        process = WorkerProcess(namespace, handler, worker_id, **settings)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
