"""Publishing with publisher confirms that survives a broker outage (both programs use it).

A worker must not ack a task before its result is confirmed, and must not drop a result because the
broker restarted: :meth:`Publisher.publish` retries until the broker confirms or the worker stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aio_pika
import aiormq.exceptions
from aio_pika.abc import AbstractChannel, AbstractExchange

log = logging.getLogger(__name__)

# What a lost connection or channel looks like from a publish call.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    aio_pika.exceptions.AMQPConnectionError,
    aio_pika.exceptions.ChannelInvalidStateError,
    aiormq.exceptions.AMQPError,
    ConnectionError,
    RuntimeError,
    asyncio.TimeoutError,
)


class Publisher:
    """Confirmed publishing on one robust channel, retried across reconnects."""

    def __init__(self, channel: AbstractChannel, *, retry_interval: float = 1.0) -> None:
        self.channel = channel
        self.retry_interval = retry_interval
        self.stopping = asyncio.Event()

    async def publish(
        self,
        exchange: AbstractExchange,
        message: aio_pika.Message,
        routing_key: str = "",
        *,
        timeout: float = 10.0,
        retry: bool = True,
    ) -> bool:
        """Publish and wait for the broker's confirm; ``False`` only if stopped before it came."""
        attempt = 0
        while True:
            attempt += 1
            try:
                await exchange.publish(message, routing_key=routing_key, timeout=timeout)
                return True
            except CONNECTION_ERRORS as exc:
                if not retry or self.stopping.is_set():
                    log.warning("publish to %s failed: %s", exchange.name, exc)
                    return False
                if attempt == 1 or attempt % 30 == 0:
                    log.warning(
                        "publish to %s failed (%s); retrying until the broker is back",
                        exchange.name,
                        exc or type(exc).__name__,
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), self.retry_interval)
