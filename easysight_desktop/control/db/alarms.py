"""Alarm rows: listing, acknowledging, and device_offline (diagnosis alarms are raised while
recording results)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from easysight_desktop.control.db.models import Alarm, Camera, now
from easysight_desktop.control.db.tasks import audit


def recent_alarms(session: Session, *, open_only: bool = False, limit: int = 500) -> list[Alarm]:
    query = select(Alarm).order_by(Alarm.raised_at.desc(), Alarm.id.desc()).limit(limit)
    if open_only:
        query = query.where(Alarm.state == "open")
    return list(session.scalars(query))


def acknowledge(session: Session, alarm_ids: list[int], actor: str) -> list[Alarm]:
    changed = []
    for alarm_id in alarm_ids:
        alarm = session.get(Alarm, alarm_id)
        if alarm is None or alarm.state != "open":
            continue
        alarm.state, alarm.acknowledged_at, alarm.acknowledged_by = "acknowledged", now(), actor
        audit(session, actor, "acknowledge_alarm", str(alarm_id), source=alarm.source)
        changed.append(alarm)
    return changed


DEVICE_OFFLINE = "device_offline"


def raise_device_offline(session: Session, camera_id: int, reason: str) -> Alarm | None:
    """A device_offline alarm for the camera, unless one is still open (an outage is one alarm,
    however many consoles or tiles notice it); None when nothing was raised."""
    camera = session.get(Camera, camera_id)
    if camera is None:
        return None
    already = session.scalar(
        select(Alarm.id).where(
            Alarm.camera_id == camera_id, Alarm.source == DEVICE_OFFLINE, Alarm.state == "open"
        )
    )
    if already is not None:
        return None
    alarm = Alarm(
        camera_id=camera.id,
        camera_name=camera.name,
        source=DEVICE_OFFLINE,
        level="high",
        message=f"camera offline: {reason}" if reason else "camera offline",
        state="open",
        raised_at=now(),
    )
    session.add(alarm)
    session.flush()
    return alarm
