"""Running one task's analysis off the event loop, within its deadline, cancellable.

Analysis is blocking (OpenCV, onnxruntime), so it runs on a thread pool and the event loop stays
free for heartbeats and control commands. A thread cannot be killed: at the deadline or on cancel
the task's ``cancel`` event is set (sources and checks poll it) and the worker reports at once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from worker_node.protocol import (
    AiServiceResult,
    DiagnosisResult,
    ErrorInfo,
    EventResult,
    ResultMessage,
    TaskMessage,
    utcnow,
)

Payload = DiagnosisResult | AiServiceResult | EventResult
# A task handler: blocking, given the task and an event that asks it to stop early.
Handler = Callable[[TaskMessage, threading.Event], Payload]


class TaskError(Exception):
    """A task that cannot be done, with a stable ``code`` for the operator and the database."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class RunningTask:
    """What the worker knows about one task while it runs."""

    task: TaskMessage
    started_at: datetime = field(default_factory=utcnow)
    started_mono: float = field(default_factory=time.monotonic)
    cancel: threading.Event = field(default_factory=threading.Event)
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)
    cancel_reason: str | None = None

    def request_cancel(self, reason: str) -> None:
        """Ask the handler to stop (it polls ``cancel``) and wake the waiting coroutine."""
        self.cancel_reason = self.cancel_reason or reason
        self.cancel.set()
        self.cancelled.set()


class Executor:
    """Runs handlers on a bounded thread pool and turns every outcome into a result message."""

    def __init__(self, handler: Handler, worker_id: str, threads: int) -> None:
        self.handler = handler
        self.worker_id = worker_id
        # Spare threads so a task abandoned at its deadline cannot starve the next ones.
        self.pool = ThreadPoolExecutor(max_workers=threads * 2, thread_name_prefix="task")

    def started(self, running: RunningTask) -> ResultMessage:
        return ResultMessage.for_task(
            running.task, self.worker_id, "started", started_at=running.started_at
        )

    async def run(self, running: RunningTask, timeout: float) -> ResultMessage:
        """Run the handler; return ``succeeded``, ``failed``, ``timeout`` or ``cancelled``."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, self.handler, running.task, running.cancel)
        cancelled = asyncio.ensure_future(running.cancelled.wait())
        try:
            done, _ = await asyncio.wait(
                {future, cancelled}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            cancelled.cancel()
        if future in done:
            try:
                payload = future.result()
            except TaskError as exc:
                return self._final(
                    running, "failed", error=ErrorInfo(code=exc.code, message=str(exc))
                )
            except Exception as exc:  # analysis bugs must not take the worker down
                error = ErrorInfo(code="internal_error", message=f"{type(exc).__name__}: {exc}")
                return self._final(running, "failed", error=error)
            if running.cancel_reason:
                return self._cancelled(running)
            return self._final(running, "succeeded", result=payload)
        future.add_done_callback(_swallow)
        if running.cancel_reason:
            return self._cancelled(running)
        running.request_cancel("timeout")
        message = f"stopped at its deadline of {timeout:g} s"
        return self._final(running, "timeout", error=ErrorInfo(code="deadline", message=message))

    def _cancelled(self, running: RunningTask) -> ResultMessage:
        reason = running.cancel_reason or "cancelled"
        return self._final(running, "cancelled", error=ErrorInfo(code="cancelled", message=reason))

    def _final(
        self,
        running: RunningTask,
        status: str,
        *,
        result: Payload | None = None,
        error: ErrorInfo | None = None,
    ) -> ResultMessage:
        return ResultMessage.for_task(
            running.task,
            self.worker_id,
            status,  # type: ignore[arg-type]
            started_at=running.started_at,
            finished_at=utcnow(),
            duration_ms=round((time.monotonic() - running.started_mono) * 1000, 3),
            result=result,
            error=error,
        )

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _swallow(future: asyncio.Future[Payload]) -> None:
    """Retrieve an abandoned handler's outcome so asyncio does not log it as never retrieved."""
    if not future.cancelled():
        future.exception()
