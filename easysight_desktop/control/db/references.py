"""Cameras' reference views for the scene_change check: JPEG files kept under the data directory.

A reference is a copy of one of the camera's diagnosis snapshots, so pruning snapshots never
takes a reference with it. The row keeps the file's path relative to the data directory, like
snapshots. Functions run on the database thread; the files are small (≤ 200 KB).
"""

from __future__ import annotations

import base64
import logging
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from easysight_desktop.control.db.models import Camera, Task, TaskAttempt, now
from easysight_desktop.control.db.tasks import audit
from worker_node.protocol.messages import MAX_SNAPSHOT_B64

log = logging.getLogger(__name__)

REFERENCE_DIR = "references"


def _camera(session: Session, camera_id: int) -> Camera:
    camera = session.get(Camera, camera_id)
    if camera is None:
        raise LookupError(f"no camera {camera_id}")
    return camera


def latest_snapshot(session: Session, camera_id: int) -> str | None:
    """The relative path of the camera's newest diagnosis snapshot, if any."""
    return session.scalar(
        select(TaskAttempt.snapshot_path)
        .join(Task, Task.id == TaskAttempt.task_id)
        .where(Task.camera_id == camera_id, TaskAttempt.snapshot_path.is_not(None))
        .order_by(TaskAttempt.finished_at.desc().nulls_last(), TaskAttempt.id.desc())
        .limit(1)
    )


def keep_reference(camera: Camera, snapshot: str, data_dir: Path) -> bool:
    """Copy snapshot file ``snapshot`` (relative) to be the camera's reference; False if the
    snapshot cannot be read or the copy not written (the camera keeps what it had)."""
    relative = Path(REFERENCE_DIR) / f"camera-{camera.id}-{uuid.uuid4().hex[:8]}.jpg"
    try:
        jpeg = (data_dir / snapshot).read_bytes()
        (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (data_dir / relative).write_bytes(jpeg)
    except OSError as exc:
        log.warning("cannot keep a reference for camera %s: %s", camera.name, exc)
        return False
    _forget_file(camera, data_dir)
    camera.reference_path, camera.reference_taken_at = str(relative), now()
    return True


def _forget_file(camera: Camera, data_dir: Path) -> None:
    if camera.reference_path:
        (data_dir / camera.reference_path).unlink(missing_ok=True)
    camera.reference_path, camera.reference_taken_at = None, None


def set_reference(session: Session, camera_id: int, data_dir: Path, actor: str) -> Camera:
    """The camera's latest snapshot becomes its reference view."""
    camera = _camera(session, camera_id)
    snapshot = latest_snapshot(session, camera_id)
    if snapshot is None:
        raise ValueError(f"camera {camera.name!r} has no diagnosis picture yet; diagnose it first")
    if not keep_reference(camera, snapshot, data_dir):
        raise ValueError(f"the latest picture of camera {camera.name!r} cannot be read")
    audit(session, actor, "set_reference", camera.name, snapshot=snapshot)
    return camera


def clear_reference(session: Session, camera_id: int, data_dir: Path, actor: str) -> Camera:
    camera = _camera(session, camera_id)
    if camera.reference_path:
        _forget_file(camera, data_dir)
        audit(session, actor, "clear_reference", camera.name)
    return camera


def reference_bytes(session: Session, camera_id: int, data_dir: Path) -> bytes | None:
    camera = _camera(session, camera_id)
    return read_reference(camera, data_dir)


def read_reference(camera: Camera, data_dir: Path) -> bytes | None:
    """The reference JPEG, or None without one (or when its file has gone)."""
    if not camera.reference_path:
        return None
    try:
        return (data_dir / camera.reference_path).read_bytes()
    except OSError as exc:
        log.warning("reference of camera %s unreadable: %s", camera.name, exc)
        return None


def reference_b64(camera: Camera, data_dir: Path) -> str | None:
    """The reference as a task carries it; None if there is none or it is too big to send."""
    jpeg = read_reference(camera, data_dir)
    if jpeg is None:
        return None
    encoded = base64.b64encode(jpeg).decode("ascii")
    if len(encoded) > MAX_SNAPSHOT_B64:
        log.warning("reference of camera %s is too big to send; not attached", camera.name)
        return None
    return encoded
