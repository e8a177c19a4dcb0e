"""Camera registry rows: groups, cameras, and CSV import/export for site lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from easysight_desktop.control.db.models import Camera, CameraGroup
from easysight_desktop.control.db.tasks import audit
from easysight_desktop.control.views import CameraInput, ImportReport

CSV_FIELDS = ("name", "url", "substream_url", "group", "location", "enabled")


def all_cameras(session: Session) -> list[Camera]:
    return list(
        session.scalars(select(Camera).options(selectinload(Camera.group)).order_by(Camera.name))
    )


def all_groups(session: Session) -> list[CameraGroup]:
    return list(session.scalars(select(CameraGroup).order_by(CameraGroup.name)))


def group_named(session: Session, name: str | None) -> CameraGroup | None:
    """The group of that name, created if new; ``None`` for no group."""
    name = (name or "").strip()
    if not name:
        return None
    group = session.scalar(select(CameraGroup).where(CameraGroup.name == name))
    if group is None:
        group = CameraGroup(name=name)
        session.add(group)
        session.flush()
    return group


def validate(data: CameraInput) -> CameraInput:
    name, url = data.name.strip(), data.url.strip()
    if not name:
        raise ValueError("a camera needs a name")
    if not url:
        raise ValueError(f"camera {name!r} needs a stream URL, file path or device number")
    if len(name) > 200 or len(url) > 2000:
        raise ValueError(f"camera {name!r}: name or URL too long")
    return CameraInput(
        name=name,
        url=url,
        substream_url=(data.substream_url or "").strip() or None,
        group=(data.group or "").strip() or None,
        location=data.location.strip(),
        enabled=data.enabled,
    )


def add_camera(session: Session, data: CameraInput, actor: str) -> Camera:
    data = validate(data)
    if session.scalar(select(Camera).where(Camera.name == data.name)) is not None:
        raise ValueError(f"a camera named {data.name!r} already exists")
    camera = Camera(name=data.name, url=data.url)
    _apply(session, camera, data)
    session.add(camera)
    session.flush()
    audit(session, actor, "add_camera", data.name, url=_safe(data.url))
    return camera


def update_camera(session: Session, camera_id: int, data: CameraInput, actor: str) -> Camera:
    data = validate(data)
    camera = session.get(Camera, camera_id)
    if camera is None:
        raise LookupError(f"no camera {camera_id}")
    clash = session.scalar(select(Camera).where(Camera.name == data.name, Camera.id != camera_id))
    if clash is not None:
        raise ValueError(f"a camera named {data.name!r} already exists")
    _apply(session, camera, data)
    audit(session, actor, "update_camera", data.name, url=_safe(data.url))
    return camera


def remove_camera(session: Session, camera_id: int, actor: str) -> None:
    camera = session.get(Camera, camera_id)
    if camera is None:
        raise LookupError(f"no camera {camera_id}")
    audit(session, actor, "remove_camera", camera.name)
    session.delete(camera)


def cameras_for(
    session: Session, camera_ids: Sequence[int] = (), group_ids: Sequence[int] = ()
) -> list[Camera]:
    """Cameras chosen one by one or by whole group, each once, enabled ones only."""
    chosen = Camera.id.in_(list(camera_ids)) | Camera.group_id.in_(list(group_ids))
    query = select(Camera).where(Camera.enabled.is_(True), chosen).order_by(Camera.name)
    return list(session.scalars(query))


def find_camera(session: Session, name_or_url: str) -> Camera | None:
    return session.scalar(
        select(Camera).where((Camera.name == name_or_url) | (Camera.url == name_or_url))
    )


def _apply(session: Session, camera: Camera, data: CameraInput) -> None:
    camera.name, camera.url = data.name, data.url
    camera.substream_url = data.substream_url
    camera.location, camera.enabled = data.location, data.enabled
    group = group_named(session, data.group)
    camera.group_id = group.id if group else None
    camera.group = group


def _safe(url: str) -> str:
    from worker_node.settings import mask_url

    return mask_url(url)


def export_csv(session: Session) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for camera in all_cameras(session):
        writer.writerow(
            {
                "name": camera.name,
                "url": camera.url,
                "substream_url": camera.substream_url or "",
                "group": camera.group.name if camera.group else "",
                "location": camera.location,
                "enabled": "yes" if camera.enabled else "no",
            }
        )
    return out.getvalue()


def import_csv(session: Session, text: str, actor: str) -> ImportReport:
    """Add new cameras and update existing ones (matched by name); bad lines are reported."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "url"} - set(reader.fieldnames or ())
    if missing:
        report.errors.append(f"header must have columns name and url (missing {sorted(missing)})")
        return report
    for line, row in enumerate(reader, start=2):
        enabled = (row.get("enabled") or "yes").strip().lower() not in ("no", "false", "0")
        data = CameraInput(
            name=row.get("name") or "",
            url=row.get("url") or "",
            substream_url=row.get("substream_url"),
            group=row.get("group"),
            location=row.get("location") or "",
            enabled=enabled,
        )
        try:
            data = validate(data)
            existing = session.scalar(select(Camera).where(Camera.name == data.name))
            with session.begin_nested():
                if existing is None:
                    add_camera(session, data, actor)
                    report.added += 1
                else:
                    update_camera(session, existing.id, data, actor)
                    report.updated += 1
        except ValueError as exc:
            report.errors.append(f"line {line}: {exc}")
    return report
