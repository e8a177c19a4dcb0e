"""Run a control-plane coroutine from a Qt slot without blocking the GUI thread.

Under qasync the slot runs on the event loop's thread, so the coroutine is scheduled on the
running loop and the slot returns at once. The runner keeps a reference to every task (a bare
``ensure_future`` can be garbage-collected mid-flight), reports failures through one callback
(the status bar, or a dialog's error label) instead of a traceback nobody reads, and skips the
result callbacks if their widget was deleted meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject

log = logging.getLogger(__name__)
T = TypeVar("T")

Report = Callable[[str], None]


def describe(exc: BaseException) -> str:
    """One line an operator can read: the message, or the exception's name if it has none."""
    text = str(exc).strip()
    if isinstance(exc, TimeoutError) and not text:
        return "timed out"
    return text.splitlines()[0] if text else type(exc).__name__


class AsyncRunner:
    """Schedules coroutines for one owner widget; ``cancel_all`` when the owner goes away."""

    def __init__(self, owner: QObject, report: Report) -> None:
        self._owner = owner
        self._report = report
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def run(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        what: str,
        done: Callable[[T], None] | None = None,
        failed: Report | None = None,
        always: Callable[[], None] | None = None,
    ) -> asyncio.Task[T] | None:
        """Start ``coro``; ``done(result)`` on success, else ``failed`` (or the runner's report)
        gets ``"<what>: <reason>"``. ``always()`` runs after either, e.g. to re-enable a button.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()
            (failed or self._report)(f"{what}: the event loop is not running")
            return None
        task = loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._finished(t, what, done, failed, always))
        return task

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()

    def _finished(
        self,
        task: asyncio.Task[T],
        what: str,
        done: Callable[[T], None] | None,
        failed: Report | None,
        always: Callable[[], None] | None,
    ) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        alive = shiboken6.isValid(self._owner)
        exc = task.exception()
        if exc is not None:
            log.warning("%s failed: %s", what, exc, exc_info=exc)
            if alive:
                (failed or self._report)(f"{what}: {describe(exc)}")
        elif alive and done is not None:
            try:
                done(task.result())
            except Exception:
                log.exception("handling the result of %s failed", what)
                self._report(f"{what}: the window could not show the result (see the log)")
        if alive and always is not None:
            always()
