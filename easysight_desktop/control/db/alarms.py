"""Alarm rows: listing and acknowledging (raising happens while recording results)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from easysight_desktop.control.db.models import Alarm, now
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
