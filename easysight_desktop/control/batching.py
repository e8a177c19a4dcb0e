"""Collect deliveries into batches so one database commit covers many messages.

At a thousand results a second, a commit per message would be the bottleneck; a batch is flushed
when it is full or when its first message has waited ``max_wait_s``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from easysight_desktop.control.background import stop_task

T = TypeVar("T")


class Batcher(Generic[T]):
    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[None]],
        *,
        size: int = 250,
        max_wait_s: float = 0.02,
    ) -> None:
        self.flush = flush
        self.size = size
        self.max_wait_s = max_wait_s
        self._items: list[T] = []
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def add(self, item: T) -> None:
        self._items.append(item)
        self._ready.set()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="batcher")

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            if len(self._items) < self.size:
                await asyncio.sleep(self.max_wait_s)  # let the batch fill a little
            items, self._items = self._items[: self.size], self._items[self.size :]
            if not self._items:
                self._ready.clear()
            if items:
                await self.flush(items)

    async def close(self) -> None:
        await stop_task(self._task)
