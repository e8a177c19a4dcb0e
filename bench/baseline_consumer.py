"""The baseline consumer: plain aio-pika, no EasySight code, run as its own process.

It does the least a correct worker must do per message, so the ratio against it shows what the
EasySight runtime adds: consume from a plain durable queue, publish one small persistent reply
with a publisher confirm, then ack (ack after the reply is confirmed, as EasySight does). The
reply carries ``consumed_at`` (wall clock, taken first thing in the callback) for the latency
figure.

Usage: ``python bench/baseline_consumer.py URL TASK_QUEUE REPLY_QUEUE PREFETCH``. Prints
``ready`` once consuming; stops on SIGTERM/SIGINT or when stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time

import aio_pika
from aio_pika.abc import AbstractIncomingMessage


async def main(url: str, task_queue: str, reply_queue: str, prefetch: int) -> None:
    connection = await aio_pika.connect_robust(url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=prefetch)
        queue = await channel.declare_queue(task_queue, durable=True)
        await channel.declare_queue(reply_queue, durable=True)
        exchange = channel.default_exchange

        async def on_message(message: AbstractIncomingMessage) -> None:
            consumed_at = time.time()
            body = json.dumps({"id": message.correlation_id, "consumed_at": consumed_at})
            reply = aio_pika.Message(
                body=body.encode(),
                content_type="application/json",
                correlation_id=message.correlation_id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await exchange.publish(reply, routing_key=reply_queue)
            await message.ack()

        await queue.consume(on_message)
        stdin = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        eof = asyncio.create_task(stdin.read())
        eof.add_done_callback(lambda _: stop.set())
        print("ready", flush=True)
        await stop.wait()
        eof.cancel()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
