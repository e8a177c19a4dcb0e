"""Publish N confirmed messages with aio-pika inside a qasync loop (run as a subprocess).

PySide6 6.12.0 with qasync 0.28 aborted here with ``none_dealloc`` after a few hundred socket
events (DESIGN.md §8); this script is how a new PySide6 release is shown to be safe.
"""

from __future__ import annotations

import asyncio
import sys

import aio_pika
import qasync
from PySide6.QtWidgets import QApplication


async def publish(url: str, queue_name: str, count: int) -> int:
    connection = await aio_pika.connect_robust(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(queue_name, auto_delete=True)
        for i in range(count):
            await channel.default_exchange.publish(
                aio_pika.Message(str(i).encode()), routing_key=queue.name
            )
        declared = await queue.declare()  # re-declare: the broker says how many it holds
        await queue.delete(if_unused=False, if_empty=False)
        return declared.message_count or 0


def main() -> int:
    url, queue_name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        queued = loop.run_until_complete(publish(url, queue_name, count))
    print(f"queued {queued}", flush=True)
    return 0 if queued == count else 1


if __name__ == "__main__":
    sys.exit(main())
