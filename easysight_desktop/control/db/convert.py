"""Rows to views: the only place that knows how a database row becomes what the window shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from easysight_desktop.control.db.models import (
    Alarm,
    Camera,
    CameraGroup,
    DiagnosisResult,
    Task,
    TaskAttempt,
    Worker,
)
from easysight_desktop.control.views import (
    AlarmView,
    CameraView,
    CheckView,
    GroupView,
    ResultView,
    TaskView,
    WorkerView,
)
from worker_node.protocol import HeartbeatMessage


def group_view(group: CameraGroup) -> GroupView:
    return GroupView(id=group.id, name=group.name)


def camera_view(camera: Camera) -> CameraView:
    return CameraView(
        id=camera.id,
        name=camera.name,
        url=camera.url,
        substream_url=camera.substream_url,
        group_id=camera.group_id,
        group_name=camera.group.name if camera.group else None,
        location=camera.location,
        enabled=camera.enabled,
        status=camera.status,  # type: ignore[arg-type]
        last_diagnosed_at=camera.last_diagnosed_at,
        reference_taken_at=camera.reference_taken_at if camera.reference_path else None,
    )


def task_view(task: Task) -> TaskView:
    error = None
    if task.error_code or task.error_message:
        error = (
            f"{task.error_code}: {task.error_message}" if task.error_code else task.error_message
        )
    return TaskView(
        id=task.id,
        kind=task.kind,
        camera_id=task.camera_id,
        camera_name=task.camera_name,
        checks=tuple(task.params.get("checks") or ()),
        priority=task.priority,
        state=task.state,  # type: ignore[arg-type]
        attempt=task.attempt,
        worker_id=task.worker_id,
        created_at=task.created_at,
        queued_at=task.queued_at,
        started_at=task.started_at,
        finished_at=task.finished_at,
        duration_ms=task.duration_ms,
        error=error,
        overall=task.overall,
        submitted=task.outbox or task.state != "pending",
        template=task.params.get("template") or None,
    )


def result_view(
    task: Task, attempt: TaskAttempt, checks: list[DiagnosisResult], data_dir: Path
) -> ResultView:
    error = None
    if attempt.error_code or attempt.error_message:
        error = f"{attempt.error_code}: {attempt.error_message}"
    findings = _findings(attempt.result)
    return ResultView(
        task_id=task.id,
        attempt=attempt.attempt,
        camera_name=task.camera_name,
        status=attempt.status,
        worker_id=attempt.worker_id,
        finished_at=attempt.finished_at,
        overall=attempt.overall,
        checks=tuple(
            CheckView(
                type=c.check_type,
                score=c.score,
                status=c.status,
                value=c.value,
                threshold=c.threshold,
                message=c.message,
                code=findings.get(c.check_type, (None, {}))[0],
                facts=findings.get(c.check_type, (None, {}))[1],
            )
            for c in checks
        ),
        snapshot_path=data_dir / attempt.snapshot_path if attempt.snapshot_path else None,
        error=error,
        camera_id=task.camera_id,
        template=task.params.get("template") or None,
    )


def _findings(result: dict[str, Any] | None) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """Each check's finding code and facts from the recorded wire result (kept as JSON)."""
    if not isinstance(result, dict):
        return {}
    found = {}
    for check in result.get("checks") or ():
        if isinstance(check, dict) and isinstance(check.get("type"), str):
            facts = check.get("facts")
            found[check["type"]] = (check.get("code"), facts if isinstance(facts, dict) else {})
    return found


def worker_view(worker: Worker, status: str | None = None) -> WorkerView:
    return WorkerView(
        id=worker.id,
        host=worker.host,
        pid=worker.pid,
        version=worker.version,
        status=(status or worker.state),  # type: ignore[arg-type]
        capacity=worker.capacity,
        active=tuple(UUID(str(a)) for a in worker.active),
        completed=worker.completed,
        failed=worker.failed,
        cpu_percent=worker.cpu_percent,
        memory_percent=worker.memory_percent,
        kinds=tuple(worker.kinds),
        last_heartbeat=worker.last_heartbeat,
        interval_s=worker.interval_s,
    )


def heartbeat_view(beat: HeartbeatMessage) -> WorkerView:
    """A worker as its latest heartbeat describes it (the live feed's view, before any row)."""
    return WorkerView(
        id=beat.worker_id,
        host=beat.host,
        pid=beat.pid,
        version=beat.version,
        status=beat.state,
        capacity=beat.capacity,
        active=tuple(beat.active),
        completed=beat.completed,
        failed=beat.failed,
        cpu_percent=beat.cpu_percent,
        memory_percent=beat.memory_percent,
        kinds=tuple(beat.kinds),
        last_heartbeat=beat.sent_at,
        interval_s=beat.interval_s,
    )


def alarm_view(alarm: Alarm) -> AlarmView:
    return AlarmView(
        id=alarm.id,
        camera_id=alarm.camera_id,
        camera_name=alarm.camera_name,
        task_id=alarm.task_id,
        source=alarm.source,
        level=alarm.level,  # type: ignore[arg-type]
        message=alarm.message,
        state=alarm.state,  # type: ignore[arg-type]
        raised_at=alarm.raised_at,
        acknowledged_at=alarm.acknowledged_at,
        acknowledged_by=alarm.acknowledged_by,
        code=alarm.code,
        facts=dict(alarm.facts or {}),
    )
