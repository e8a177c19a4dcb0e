"""Task handlers for tests and benchmarks: no-op, slow, crashing (no analysis involved)."""

from __future__ import annotations

import os
import threading

from worker_node.protocol import DiagnosisResult, TaskMessage
from worker_node.runtime.execution import Payload

NOOP_RESULT = DiagnosisResult(overall="normal", checks=[])


def noop(task: TaskMessage, cancel: threading.Event) -> Payload:
    return NOOP_RESULT


def slow(task: TaskMessage, cancel: threading.Event, seconds: float = 60.0) -> Payload:
    """Runs until cancelled or ``seconds`` pass: a task to kill, time out or cancel mid-way."""
    cancel.wait(seconds)
    return NOOP_RESULT


def crash(task: TaskMessage, cancel: threading.Event) -> Payload:
    """Takes the whole worker process down, like a decoder segfault would."""
    os._exit(70)


HANDLERS = {"noop": noop, "slow": slow, "crash": crash}
