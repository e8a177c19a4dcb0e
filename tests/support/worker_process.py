"""Run a worker node in a subprocess with a test handler: ``python -m tests.support.worker_process
HANDLER``; settings come from ``EASYSIGHT_*`` variables like a real worker's."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from tests.support.handlers import HANDLERS
from worker_node.runtime.worker import Worker
from worker_node.settings import Settings


async def main(handler_name: str) -> None:
    worker = Worker(Settings.load(), handler=HANDLERS[handler_name])
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, worker.request_stop, "signal")
    serving = asyncio.create_task(worker.run())
    await worker.ready.wait()
    print("worker ready", flush=True)
    await serving


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    asyncio.run(main(sys.argv[1]))
