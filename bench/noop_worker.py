"""A real EasySight worker with a no-op handler, run as its own process by ``bench/dispatch.py``.

The worker must live in a separate process so the benchmark measures what a deployment pays: two
event loops, two AMQP connections and the broker between them. It logs like the shipped worker
(``setup_logging`` at INFO: console + rotating file) so per-task logging is part of the figure.

Usage: ``python bench/noop_worker.py NAMESPACE CONCURRENCY LOG_DIR [LOG_LEVEL [WORKER_ID]]``.
Several workers side by side need their own ``WORKER_ID`` (default ``bench-worker``): it names
their heartbeats and their log file. It prints ``ready`` on stdout once it consumes, and stops
gracefully on SIGTERM/SIGINT or when its stdin closes (so it never outlives a benchmark that died
without cleaning up).
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from pathlib import Path

from worker_node.logs import setup_logging
from worker_node.protocol import DiagnosisResult, TaskMessage
from worker_node.runtime.execution import Payload
from worker_node.runtime.worker import Worker
from worker_node.settings import Settings

EMPTY = DiagnosisResult(overall="normal", checks=[])


def noop(task: TaskMessage, cancel: threading.Event) -> Payload:
    """Return at once: the figure is the runtime's overhead, never a camera's."""
    return EMPTY


async def _stop_on_eof(worker: Worker) -> None:
    """Stop when the parent's end of our stdin closes: the parent is gone or done with us."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()
    worker.request_stop("stdin closed")


async def main(
    namespace: str,
    concurrency: int,
    log_dir: Path,
    log_level: str,
    worker_id: str = "bench-worker",
) -> None:
    setup_logging(log_dir, f"{worker_id}.log", log_level)
    # Settings built directly, not Settings.load(): a developer's EASYSIGHT_* variables or config
    # file must not change what the benchmark measures.
    settings = Settings(
        namespace=namespace,
        worker_id=worker_id,
        max_concurrent_tasks=concurrency,
        log_dir=log_dir,
        log_level=log_level,
        shutdown_grace=5.0,
    )
    worker = Worker(settings, handler=noop)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, worker.request_stop, signal.Signals(sig).name)
    serving = asyncio.create_task(worker.run(), name="worker")
    ready = asyncio.create_task(worker.ready.wait())
    done, _ = await asyncio.wait({serving, ready}, return_when=asyncio.FIRST_COMPLETED)
    if serving in done:
        serving.result()  # a start-up error: raise it (the parent shows our stderr)
        return
    watchdog = asyncio.create_task(_stop_on_eof(worker), name="stdin-watchdog")
    print("ready", flush=True)
    try:
        await serving
    finally:
        watchdog.cancel()


if __name__ == "__main__":
    level = sys.argv[4] if len(sys.argv) > 4 else "INFO"
    name = sys.argv[5] if len(sys.argv) > 5 else "bench-worker"
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), level, name))
