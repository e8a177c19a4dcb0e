"""Recording what workers report: results into tasks, attempts, check rows, alarms; heartbeats.

Idempotent on ``(task_id, attempt)``: a final result already recorded is a duplicate and changes
nothing; a result for an older attempt than the task's current one is stale: it is kept in
``task_attempts`` for the record but does not move the task.
"""

from __future__ import annotations

import base64
import binascii
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from easysight_desktop.control.db.models import (
    Alarm,
    Camera,
    DiagnosisResult,
    Task,
    TaskAttempt,
    Worker,
    now,
)
from easysight_desktop.control.db.references import keep_reference
from easysight_desktop.control.db.tasks import audit, requeue_or_fail
from worker_node.protocol import DiagnosisResult as WireDiagnosis
from worker_node.protocol import HeartbeatMessage, ResultMessage

log = logging.getLogger(__name__)

FINAL = frozenset({"succeeded", "failed", "timeout", "cancelled"})
# A check's status → the level of the alarm it raises.
ALARM_LEVEL = {"warning": "medium", "error": "high", "critical": "critical"}
SNAPSHOT_DIR = "snapshots"


@dataclass
class Recorded:
    """What one batch changed, for the events the window hears about."""

    tasks: dict[uuid.UUID, Task] = field(default_factory=dict)
    alarms: list[Alarm] = field(default_factory=list)
    results: list[tuple[uuid.UUID, int, int | None]] = field(default_factory=list)
    duplicates: int = 0
    stale: int = 0
    unknown: int = 0
    cameras: dict[int, Camera] = field(default_factory=dict)


def record_results(session: Session, results: Sequence[ResultMessage], data_dir: Path) -> Recorded:
    """Record a batch: its rows are loaded with one query per table, flushed once."""
    outcome = Recorded()
    with session.no_autoflush:
        rows = _Rows.load(session, {r.task_id for r in results})
        for result in results:
            _record_one(session, rows, result, data_dir, outcome)
    return outcome


@dataclass
class _Rows:
    """The batch's tasks, attempts and cameras, loaded up front instead of one query each."""

    tasks: dict[uuid.UUID, Task]
    attempts: dict[tuple[uuid.UUID, int], TaskAttempt]
    cameras: dict[int, Camera]

    @classmethod
    def load(cls, session: Session, task_ids: set[uuid.UUID]) -> _Rows:
        tasks = {t.id: t for t in session.scalars(select(Task).where(Task.id.in_(task_ids)))}
        attempts = {
            (a.task_id, a.attempt): a
            for a in session.scalars(select(TaskAttempt).where(TaskAttempt.task_id.in_(task_ids)))
        }
        camera_ids = {t.camera_id for t in tasks.values() if t.camera_id is not None}
        cameras = {
            c.id: c for c in session.scalars(select(Camera).where(Camera.id.in_(camera_ids)))
        }
        return cls(tasks, attempts, cameras)


def _record_one(
    session: Session, rows: _Rows, result: ResultMessage, data_dir: Path, out: Recorded
) -> None:
    task = rows.tasks.get(result.task_id)
    if task is None:
        out.unknown += 1
        log.warning("result for unknown task %s (another console's database?)", result.task_id)
        return
    row = rows.attempts.get((result.task_id, result.attempt))
    if row is not None and row.status in FINAL:
        out.duplicates += 1
        return
    if row is None:
        row = TaskAttempt(task_id=result.task_id, attempt=result.attempt, status=result.status)
        session.add(row)
        rows.attempts[(result.task_id, result.attempt)] = row
    row.worker_id = result.worker_id
    row.status = result.status
    row.started_at = result.started_at or row.started_at
    row.recorded_at = now()
    current = result.attempt == task.attempt and task.state in ("pending", "queued", "running")
    if result.status == "started":
        if current:
            task.state, task.outbox = "running", False
            task.worker_id, task.started_at = result.worker_id, result.started_at
            out.tasks[task.id] = task
        elif result.attempt < task.attempt:
            out.stale += 1
        return

    row.finished_at, row.duration_ms = result.finished_at, result.duration_ms
    if result.error is not None:
        row.error_code, row.error_message = result.error.code, result.error.message
    payload = result.result
    if isinstance(payload, WireDiagnosis):
        row.overall = payload.overall
        row.snapshot_path = _save_snapshot(payload.snapshot_jpeg, result, data_dir)
        row.result = payload.model_dump(mode="json", exclude={"snapshot_jpeg"})
        _add_check_rows(session, task, result, payload)
    elif payload is not None:
        row.result = payload.model_dump(mode="json")
    out.results.append((task.id, result.attempt, task.camera_id))

    if result.attempt < task.attempt:
        out.stale += 1
        return
    if not current:
        return  # the operator cancelled it meanwhile: their decision stands
    camera = rows.cameras.get(task.camera_id) if task.camera_id is not None else None
    _finish(session, task, camera, result, out)
    if camera is not None and task.state == "completed":
        _first_reference(session, camera, task, row, data_dir)


def _finish(
    session: Session, task: Task, camera: Camera | None, result: ResultMessage, out: Recorded
) -> None:
    task.worker_id = result.worker_id
    task.started_at = result.started_at or task.started_at
    task.finished_at, task.duration_ms = result.finished_at or now(), result.duration_ms
    if result.error is not None:
        task.error_code, task.error_message = result.error.code, result.error.message
    if result.status == "succeeded":
        task.state = "completed"
        if isinstance(result.result, WireDiagnosis):
            task.overall = result.result.overall
            _camera_and_alarms(session, task, camera, result, result.result, out)
    elif result.status == "cancelled":
        task.state = "cancelled"
    elif result.status == "timeout":
        requeue_or_fail(session, task, "timeout", result.error.message if result.error else "")
    else:
        task.state = "failed"
    out.tasks[task.id] = task


def _add_check_rows(
    session: Session, task: Task, result: ResultMessage, payload: WireDiagnosis
) -> None:
    session.add_all(
        DiagnosisResult(
            task_id=task.id,
            attempt=result.attempt,
            camera_id=task.camera_id,
            check_type=check.type,
            score=check.score,
            status=check.status,
            value=check.value,
            threshold=check.threshold,
            message=check.message,
        )
        for check in payload.checks
    )


def _camera_and_alarms(
    session: Session,
    task: Task,
    camera: Camera | None,
    result: ResultMessage,
    payload: WireDiagnosis,
    out: Recorded,
) -> None:
    if camera is not None:
        camera.status = payload.overall
        camera.last_diagnosed_at = result.finished_at or now()
        out.cameras[camera.id] = camera
    for check in payload.checks:
        level = ALARM_LEVEL.get(check.status)
        if level is None:
            continue
        alarm = Alarm(
            camera_id=task.camera_id,
            camera_name=task.camera_name,
            task_id=task.id,
            attempt=result.attempt,
            source=f"diagnosis.{check.type}",
            level=level,
            message=check.message,
            code=check.code,
            facts=dict(check.facts) if check.code else None,
            state="open",
            raised_at=result.finished_at or now(),
        )
        session.add(alarm)
        out.alarms.append(alarm)


def _first_reference(
    session: Session, camera: Camera, task: Task, row: TaskAttempt, data_dir: Path
) -> None:
    """A camera without a reference view gets its first healthy picture as one, so scene_change
    has something to compare with from the next diagnosis on."""
    if camera.reference_path or row.overall != "normal" or not row.snapshot_path:
        return
    if keep_reference(camera, row.snapshot_path, data_dir):
        audit(
            session,
            "easysight",
            "set_reference",
            camera.name,
            snapshot=row.snapshot_path,
            why="first healthy diagnosis",
            task_id=str(task.id),
        )


def _save_snapshot(snapshot: str | None, result: ResultMessage, data_dir: Path) -> str | None:
    """Keep the JPEG as a file under the data directory; the row stores its relative path."""
    if not snapshot:
        return None
    try:
        jpeg = base64.b64decode(snapshot, validate=True)
    except (binascii.Error, ValueError):
        log.warning("result %s:%s carries an invalid snapshot", result.task_id, result.attempt)
        return None
    relative = (
        Path(SNAPSHOT_DIR) / str(result.task_id)[:2] / f"{result.task_id}-{result.attempt}.jpg"
    )
    path = data_dir / relative
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(jpeg)
    except OSError as exc:
        log.warning("cannot keep snapshot %s: %s", path, exc)
        return None
    return str(relative)


def record_heartbeats(session: Session, beats: Sequence[HeartbeatMessage]) -> list[Worker]:
    """Keep each worker's newest heartbeat (older ones arriving late are ignored)."""
    newest: dict[str, HeartbeatMessage] = {}
    for beat in beats:
        if beat.worker_id not in newest or beat.sent_at > newest[beat.worker_id].sent_at:
            newest[beat.worker_id] = beat
    changed = []
    for beat in newest.values():
        worker = session.get(Worker, beat.worker_id)
        if worker is None:
            worker = Worker(id=beat.worker_id)
            session.add(worker)
        elif worker.last_heartbeat > beat.sent_at:
            continue
        worker.host, worker.pid, worker.version = beat.host, beat.pid, beat.version
        worker.state, worker.capacity = beat.state, beat.capacity
        worker.active = [str(a) for a in beat.active]
        worker.completed, worker.failed = beat.completed, beat.failed
        worker.cpu_percent, worker.memory_percent = beat.cpu_percent, beat.memory_percent
        worker.providers, worker.kinds = list(beat.providers), list(beat.kinds)
        worker.interval_s, worker.started_at = beat.interval_s, beat.started_at
        worker.last_heartbeat = beat.sent_at
        changed.append(worker)
    return changed
