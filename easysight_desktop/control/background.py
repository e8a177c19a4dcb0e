"""Background tasks from start to end: started without being garbage-collected mid-flight or
failing silently (``spawn``), stopped for sure (``stop_task``), and left to finish before their
loop is closed (``settled``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)
_running: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
    task = asyncio.ensure_future(coro)
    task.set_name(name)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s failed", task.get_name(), exc_info=task.exception())


FIRST_GRACE_S = 1.0
RECANCEL_EVERY_S = 0.25


async def stop_task(task: asyncio.Task[Any] | None, patience_s: float = 10.0) -> None:
    """Cancel a service's loop and wait until it has really ended.

    One ``cancel()`` is not always enough: in Python 3.11 ``asyncio.wait_for`` (used inside
    aiormq) can swallow a cancellation that lands as its inner wait completes (CPython
    gh-86296), and the loop then simply goes round again, so an ``await task`` after it hangs
    for ever. The task gets a grace period to clean up, then is cancelled again until it ends;
    after ``patience_s`` it is left behind with an error in the log rather than hanging a close.
    An exception the task ended with is logged, not raised: closing must go on.
    """
    if task is None:
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience_s
    task.cancel()
    await asyncio.wait({task}, timeout=FIRST_GRACE_S)
    while not task.done():
        if loop.time() > deadline:
            log.error("task %s did not stop in %.0f s; left running", task.get_name(), patience_s)
            return
        log.warning("task %s ignored its cancellation; cancelling it again", task.get_name())
        task.cancel()
        await asyncio.wait({task}, timeout=RECANCEL_EVERY_S)
    if not task.cancelled() and task.exception() is not None:
        log.error("task %s ended with an error", task.get_name(), exc_info=task.exception())


SETTLE_S = 1.0


async def settled(main: Coroutine[Any, Any, int], settle_s: float = SETTLE_S) -> int:
    """Run ``main``, then let the tasks it left behind end on their own before the loop
    is closed under them.

    For whoever owns the loop (the CLI's ``asyncio.run``, the window's qasync loop). aiormq
    finishes closing a connection in tasks it starts from a callback; when the last one starts
    while the loop is being shut down, the loop closes under it and the operator reads "ERROR
    Task was destroyed but it is pending!". Waiting (at most ``settle_s``) until no task but
    this one is left, new ones included, avoids that.
    """
    try:
        return await main
    finally:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + settle_s
        while (left := asyncio.all_tasks() - {asyncio.current_task()}) and (
            remaining := deadline - loop.time()
        ) > 0:
            await asyncio.wait(left, timeout=remaining)
