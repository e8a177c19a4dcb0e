"""Read-only snapshots the control plane hands to the window and the CLI.

Plain frozen dataclasses, detached from the database session, so they can cross from the
database thread to the event loop and into Qt models without surprises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

TaskState = Literal["pending", "queued", "running", "completed", "failed", "cancelled"]
TASK_STATES: tuple[TaskState, ...] = (
    "pending",
    "queued",
    "running",
    "completed",
    "failed",
    "cancelled",
)
FINAL_STATES: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
WorkerStatus = Literal["online", "busy", "draining", "paused", "offline"]
AlarmLevel = Literal["low", "medium", "high", "critical"]
AlarmState = Literal["open", "acknowledged", "resolved"]
CameraStatus = Literal["unknown", "normal", "warning", "error", "critical"]


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str


@dataclass(frozen=True)
class CameraView:
    id: int
    name: str
    url: str
    substream_url: str | None
    group_id: int | None
    group_name: str | None
    location: str
    enabled: bool
    status: CameraStatus
    last_diagnosed_at: datetime | None
    reference_taken_at: datetime | None = None  # when its reference view (scene_change) was kept


@dataclass(frozen=True)
class CameraInput:
    """What an operator types to add or edit a camera."""

    name: str
    url: str
    substream_url: str | None = None
    group: str | None = None
    location: str = ""
    enabled: bool = True


@dataclass
class ImportReport:
    """What a CSV import did, line by line for the ones it refused."""

    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TaskView:
    id: UUID
    kind: str
    camera_id: int | None
    camera_name: str
    checks: tuple[str, ...]
    priority: int
    state: TaskState
    attempt: int
    worker_id: str | None
    created_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float | None
    error: str | None
    overall: str | None
    submitted: bool = True  # False: created without "submit now", waiting for Submit
    template: str | None = None  # the diagnosis template the task names, if any

    @property
    def awaiting_submit(self) -> bool:
        return self.state == "pending" and not self.submitted


@dataclass(frozen=True)
class CheckView:
    type: str
    score: float
    status: str
    value: float | None
    threshold: float | None
    message: str
    code: str | None = None  # the finding in the check catalogue (None from older workers)
    facts: dict[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultView:
    """One recorded attempt's outcome with its per-check rows and snapshot."""

    task_id: UUID
    attempt: int
    camera_name: str
    status: str
    worker_id: str | None
    finished_at: datetime | None
    overall: str | None
    checks: tuple[CheckView, ...]
    snapshot_path: Path | None
    error: str | None
    camera_id: int | None = None
    template: str | None = None  # the diagnosis template the task named


@dataclass(frozen=True)
class WorkerView:
    id: str
    host: str
    pid: int
    version: str
    status: WorkerStatus
    capacity: int
    active: tuple[UUID, ...]
    completed: int
    failed: int
    cpu_percent: float
    memory_percent: float
    kinds: tuple[str, ...]
    last_heartbeat: datetime
    interval_s: float

    @property
    def load(self) -> str:
        return f"{len(self.active)}/{self.capacity}"


@dataclass(frozen=True)
class QueueView:
    name: str
    ready: int
    consumers: int
    unacked: int | None = None  # only from the management API
    publish_rate: float | None = None
    deliver_rate: float | None = None


@dataclass(frozen=True)
class AlarmView:
    id: int
    camera_id: int | None
    camera_name: str
    task_id: UUID | None
    source: str
    level: AlarmLevel
    message: str
    state: AlarmState
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    code: str | None = None  # the finding in the check catalogue (None from older workers)
    facts: dict[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectionState:
    """Broker or database health as the operator should see it."""

    ok: bool
    detail: str
    since: datetime


@dataclass(frozen=True)
class HealthSample:
    """One point of the health chart."""

    at: datetime
    queue_depths: dict[str, int] = field(default_factory=dict)
    workers_online: int = 0


@dataclass(frozen=True)
class StatusReport:
    """What ``easysight-console status`` prints."""

    broker: ConnectionState
    database: ConnectionState
    queues: tuple[QueueView, ...]
    workers: tuple[WorkerView, ...]

    def as_json(self) -> dict[str, Any]:
        def conn(c: ConnectionState) -> dict[str, Any]:
            return {"ok": c.ok, "detail": c.detail, "since": c.since.isoformat()}

        return {
            "broker": conn(self.broker),
            "database": conn(self.database),
            "queues": [q.__dict__ for q in self.queues],
            "workers": [
                {
                    "id": w.id,
                    "host": w.host,
                    "status": w.status,
                    "load": w.load,
                    "active": [str(a) for a in w.active],
                    "completed": w.completed,
                    "failed": w.failed,
                    "version": w.version,
                    "last_heartbeat": w.last_heartbeat.isoformat(),
                }
                for w in self.workers
            ],
        }
