"""SQLAlchemy 2.0 models of the console's database (SQLite by default, PostgreSQL by URL).

Every timestamp is stored as aware UTC. Task ids are the wire UUIDs. ``(task_id, attempt)`` is
unique in ``task_attempts``: that is what makes recording idempotent.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in and out, also on SQLite (which stores no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class CameraGroup(Base):
    __tablename__ = "camera_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    cameras: Mapped[list[Camera]] = relationship(back_populates="group")


class Camera(Base):
    __tablename__ = "cameras"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    substream_url: Mapped[str | None] = mapped_column(String(2000))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("camera_groups.id", ondelete="SET NULL"), index=True
    )
    location: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="unknown")
    last_diagnosed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    # The camera's reference view for scene_change: a JPEG under the data directory.
    reference_path: Mapped[str | None] = mapped_column(String(500))
    reference_taken_at: Mapped[datetime | None]

    group: Mapped[CameraGroup | None] = relationship(back_populates="cameras")


class Task(Base):
    """One operator task; ``state`` is the console's view, ``attempt`` the current attempt.

    ``state == "pending"`` is the outbox: the dispatcher publishes pending rows and marks them
    ``queued`` only after the broker's confirm.
    """

    __tablename__ = "tasks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    camera_id: Mapped[int | None] = mapped_column(
        ForeignKey("cameras.id", ondelete="SET NULL"), index=True
    )
    camera_name: Mapped[str] = mapped_column(String(200))
    camera_url: Mapped[str] = mapped_column(String(2000))
    camera_substream_url: Mapped[str | None] = mapped_column(String(2000))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    deadline_s: Mapped[float] = mapped_column(Float, default=300.0)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    outbox: Mapped[bool] = mapped_column(Boolean, default=False)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    worker_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    queued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[float | None] = mapped_column(Float)
    overall: Mapped[str | None] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(100))
    error_message: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_tasks_state_priority", "state", "priority", "created_at"),
        Index("ix_tasks_created_at", "created_at"),
    )


class TaskAttempt(Base):
    """What a worker reported for one attempt of a task."""

    __tablename__ = "task_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    worker_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[float | None] = mapped_column(Float)
    overall: Mapped[str | None] = mapped_column(String(20))
    snapshot_path: Mapped[str | None] = mapped_column(String(500))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error_code: Mapped[str | None] = mapped_column(String(100))
    error_message: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (UniqueConstraint("task_id", "attempt", name="uq_task_attempt"),)


class DiagnosisResult(Base):
    """One row per check of a finished diagnosis attempt."""

    __tablename__ = "diagnosis_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    camera_id: Mapped[int | None] = mapped_column(
        ForeignKey("cameras.id", ondelete="SET NULL"), index=True
    )
    check_type: Mapped[str] = mapped_column(String(50))
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (Index("ix_diagnosis_results_task", "task_id", "attempt"),)


class Worker(Base):
    """The newest heartbeat of each worker, and what the monitor concluded from it."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(200), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[str] = mapped_column(String(50), default="")
    state: Mapped[str] = mapped_column(String(20), default="online")
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[list[Any]] = mapped_column(JSON, default=list)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    cpu_percent: Mapped[float] = mapped_column(Float, default=0.0)
    memory_percent: Mapped[float] = mapped_column(Float, default=0.0)
    providers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kinds: Mapped[list[Any]] = mapped_column(JSON, default=list)
    interval_s: Mapped[float] = mapped_column(Float, default=30.0)
    started_at: Mapped[datetime | None]
    last_heartbeat: Mapped[datetime] = mapped_column(default=now)


class Alarm(Base):
    __tablename__ = "alarms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    camera_id: Mapped[int | None] = mapped_column(
        ForeignKey("cameras.id", ondelete="SET NULL"), index=True
    )
    camera_name: Mapped[str] = mapped_column(String(200), default="")
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    attempt: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    # The finding in the check catalogue, so a console words it in its operator's language.
    code: Mapped[str | None] = mapped_column(String(100))
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="open")
    raised_at: Mapped[datetime] = mapped_column(default=now)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_alarms_state_raised", "state", "raised_at"),
        UniqueConstraint("task_id", "attempt", "source", name="uq_alarm_per_finding"),
    )


class AuditEntry(Base):
    """Who did what, when: every operator action that changes something."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
