"""Task rows: creation (the outbox), dispatch bookkeeping, operator actions, supervision.

Functions take a :class:`Session` and run on the database thread inside one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from easysight_desktop.control.db.models import AuditEntry, Camera, Task, now
from worker_node.protocol import Camera as WireCamera
from worker_node.protocol import TaskKind, TaskMessage

ACTIVE_STATES = ("pending", "queued", "running")


@dataclass(frozen=True)
class NewTask:
    """What the operator asked for; one task is created per camera."""

    kind: TaskKind
    params: dict[str, Any]
    priority: int = 0
    deadline_s: float = 300.0


def audit(session: Session, actor: str, action: str, target: str, **details: Any) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, details=details))


def create_tasks(
    session: Session,
    cameras: Sequence[Camera],
    spec: NewTask,
    *,
    actor: str,
    submit: bool,
    max_attempts: int,
) -> list[Task]:
    """Commit one pending task per camera; ``submit`` puts them in the outbox at once."""
    TaskMessage.model_validate(  # fail here, with the operator's input, not at dispatch
        {
            "task_id": uuid.uuid4(),
            "kind": spec.kind,
            "camera": {"id": "x", "name": "x", "url": "x"},
            "params": spec.params,
            "priority": spec.priority,
            "deadline_s": spec.deadline_s,
        }
    )
    tasks = [
        Task(
            id=uuid.uuid4(),
            kind=spec.kind,
            camera_id=camera.id,
            camera_name=camera.name,
            camera_url=camera.url,
            camera_substream_url=camera.substream_url,
            params=spec.params,
            priority=spec.priority,
            deadline_s=spec.deadline_s,
            state="pending",
            outbox=submit,
            attempt=1,
            max_attempts=max_attempts,
            created_by=actor,
            created_at=now(),
        )
        for camera in cameras
    ]
    session.add_all(tasks)
    audit(
        session,
        actor,
        "create_tasks",
        ",".join(c.name for c in cameras)[:500],
        kind=spec.kind,
        count=len(tasks),
        submit=submit,
        priority=spec.priority,
    )
    return tasks


def wire_message(task: Task, reference_jpeg: str | None = None) -> TaskMessage:
    """The task as it goes on the wire, for its current attempt; a diagnosis task carries its
    camera's reference view (``reference_jpeg``) when the camera has one."""
    params = task.params
    if task.kind == "diagnosis" and reference_jpeg and not params.get("reference_jpeg"):
        params = {**params, "reference_jpeg": reference_jpeg}
    return TaskMessage.model_validate(
        {
            "task_id": task.id,
            "attempt": task.attempt,
            "kind": task.kind,
            "created_at": task.created_at,
            "deadline_s": task.deadline_s,
            "priority": task.priority,
            "camera": WireCamera(
                id=str(task.camera_id if task.camera_id is not None else task.camera_name),
                name=task.camera_name,
                url=task.camera_url,
                substream_url=task.camera_substream_url,
            ),
            "params": params,
        }
    )


def outbox(session: Session, limit: int, data_dir: Path | None = None) -> list[TaskMessage]:
    """Pending tasks to publish, most urgent first; with ``data_dir``, diagnosis tasks carry
    their camera's reference view (read when sent, so a retry sends the current one)."""
    rows = list(
        session.scalars(
            select(Task)
            .where(Task.state == "pending", Task.outbox.is_(True))
            .order_by(Task.priority.desc(), Task.created_at)
            .limit(limit)
        )
    )
    references: dict[int, str | None] = {}
    if data_dir is not None:
        from easysight_desktop.control.db.references import reference_b64

        wanted = {t.camera_id for t in rows if t.kind == "diagnosis" and t.camera_id is not None}
        query = select(Camera).where(Camera.id.in_(wanted), Camera.reference_path.is_not(None))
        references = {c.id: reference_b64(c, data_dir) for c in session.scalars(query)}
    return [
        wire_message(task, references.get(task.camera_id) if task.camera_id else None)
        for task in rows
    ]


def mark_queued(session: Session, confirmed: Iterable[tuple[uuid.UUID, int]]) -> list[Task]:
    """After the broker's confirm: pending → queued, unless the operator changed it meanwhile."""
    attempts = dict(confirmed)
    changed = []
    at = now()
    query = select(Task).where(Task.id.in_(attempts)).order_by(Task.id)
    for task in session.scalars(query):
        if task.attempt != attempts[task.id] or task.state != "pending":
            continue
        task.state, task.outbox, task.queued_at = "queued", False, at
        changed.append(task)
    return changed


def submit(session: Session, task_id: uuid.UUID, actor: str) -> Task:
    """Put a created task in the outbox (the old ``POST …/submit``)."""
    task = _get(session, task_id)
    if task.state != "pending":
        raise ValueError(f"task {task_id} is {task.state}, not pending")
    task.outbox = True
    audit(session, actor, "submit", str(task_id))
    return task


def cancel(session: Session, task_id: uuid.UUID, actor: str) -> Task:
    task = _get(session, task_id)
    if task.state not in ACTIVE_STATES:
        raise ValueError(f"task {task_id} is already {task.state}")
    task.state, task.outbox, task.finished_at = "cancelled", False, now()
    task.error_code, task.error_message = "cancelled", f"cancelled by {actor}"
    audit(session, actor, "cancel", str(task_id))
    return task


def retry(session: Session, task_id: uuid.UUID, actor: str) -> Task:
    """Run a finished task again as a new attempt."""
    task = _get(session, task_id)
    if task.state in ACTIVE_STATES:
        raise ValueError(f"task {task_id} is still {task.state}")
    _next_attempt(task, reset_limit=True)
    audit(session, actor, "retry", str(task_id), attempt=task.attempt)
    return task


def requeue_or_fail(session: Session, task: Task, code: str, reason: str) -> Task:
    """A lost or overdue attempt: try again as attempt + 1, or fail past ``max_attempts``."""
    if task.attempt < task.max_attempts:
        _next_attempt(task)
        task.error_code, task.error_message = code, reason
    else:
        task.state, task.outbox, task.finished_at = "failed", False, now()
        task.error_code = code
        task.error_message = f"{reason}; gave up after {task.attempt} attempts"
    audit(
        session,
        "supervisor",
        "requeue" if task.state == "pending" else "fail",
        str(task.id),
        reason=reason,
        attempt=task.attempt,
    )
    return task


def _next_attempt(task: Task, *, reset_limit: bool = False) -> None:
    task.attempt += 1
    if reset_limit:
        task.max_attempts = max(task.max_attempts, task.attempt)
    task.state, task.outbox = "pending", True
    task.worker_id = task.queued_at = task.started_at = task.finished_at = None
    task.duration_ms, task.overall = None, None
    task.error_code = task.error_message = None


def _get(session: Session, task_id: uuid.UUID) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise LookupError(f"no task {task_id}")
    return task


def running_on(session: Session, worker_ids: Sequence[str]) -> list[Task]:
    if not worker_ids:
        return []
    return list(
        session.scalars(select(Task).where(Task.state == "running", Task.worker_id.in_(worker_ids)))
    )


def overdue(session: Session, at: datetime, grace_s: float) -> list[Task]:
    """Running tasks past their deadline plus a grace for the worker's own timeout report."""
    rows = session.scalars(select(Task).where(Task.state == "running"))
    return [
        t
        for t in rows
        if t.started_at is not None
        and t.started_at + timedelta(seconds=t.deadline_s + grace_s) < at
    ]


def recent(
    session: Session, *, states: Sequence[str] | None = None, limit: int = 500
) -> list[Task]:
    query = select(Task).order_by(Task.created_at.desc()).limit(limit)
    if states:
        query = query.where(Task.state.in_(states))
    return list(session.scalars(query))


def by_ids(session: Session, ids: Iterable[uuid.UUID]) -> list[Task]:
    ids = list(ids)
    if not ids:
        return []
    return list(session.scalars(select(Task).where(Task.id.in_(ids))))


def counts_by_state(session: Session) -> dict[str, int]:
    rows = session.execute(select(Task.state, func.count()).group_by(Task.state))
    return {state: count for state, count in rows}
