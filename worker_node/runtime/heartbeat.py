"""What a worker says about itself every ``heartbeat_interval``: DESIGN.md §3's heartbeat."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

import psutil

from worker_node import __version__
from worker_node.protocol import HeartbeatMessage, TaskKind, utcnow
from worker_node.protocol.messages import WorkerState


def onnx_providers() -> list[str]:
    """The onnxruntime execution providers this machine offers (empty if it is not installed)."""
    try:
        import onnxruntime
    except ImportError:
        return []
    return list(onnxruntime.get_available_providers())


class HeartbeatBuilder:
    """Builds heartbeats; keeps the process handle so CPU percent is measured between beats."""

    def __init__(self, worker_id: str, interval_s: float, capacity: int, kinds: list[TaskKind]):
        self.worker_id = worker_id
        self.interval_s = interval_s
        self.capacity = capacity
        self.kinds = kinds
        self.started_at: datetime = utcnow()
        self.host = socket.gethostname()
        self.process = psutil.Process(os.getpid())
        self.process.cpu_percent(None)  # the first reading is always 0: prime it
        self.providers = onnx_providers()
        self.inference_ms: dict[str, float] = {}

    def build(
        self, state: WorkerState, active: Iterable[UUID], completed: int, failed: int
    ) -> HeartbeatMessage:
        return HeartbeatMessage(
            worker_id=self.worker_id,
            host=self.host,
            pid=os.getpid(),
            version=__version__,
            started_at=self.started_at,
            sent_at=utcnow(),
            interval_s=self.interval_s,
            state=state,
            capacity=self.capacity,
            active=list(active),
            completed=completed,
            failed=failed,
            cpu_percent=round(self.process.cpu_percent(None), 1),
            memory_percent=round(self.process.memory_percent(), 2),
            providers=self.providers,
            kinds=self.kinds,
            inference_ms=dict(self.inference_ms),
        )
