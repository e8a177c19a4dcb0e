"""How times, durations and numbers read in the tables: local wall-clock time, short units."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication

DASH = "—"


def _tr(text: str) -> str:
    return QCoreApplication.translate("formatting", text)


def local_time(at: datetime | None) -> str:
    """``hh:mm:ss`` in the operator's time zone; the control plane keeps UTC."""
    if at is None:
        return ""
    return _aware(at).astimezone().strftime("%H:%M:%S")


def local_datetime(at: datetime | None) -> str:
    """The full local date and time, for tooltips and the results header."""
    if at is None:
        return ""
    return _aware(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def short_datetime(at: datetime | None, now: datetime | None = None) -> str:
    """``hh:mm:ss`` for today, ``MM-dd hh:mm`` before: short enough for a narrow column."""
    if at is None:
        return ""
    local = _aware(at).astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()
    return local.strftime("%H:%M:%S" if local.date() == today else "%m-%d %H:%M")


def duration(ms: float | None) -> str:
    if ms is None:
        return ""
    if ms < 1000:
        return _tr("{0} ms").format(round(ms))
    seconds = ms / 1000
    if seconds < 60:
        return _tr("{0} s").format(f"{seconds:.1f}")
    return _tr("{0} min {1} s").format(int(seconds // 60), int(seconds % 60))


def age(at: datetime | None, now: datetime | None = None) -> str:
    """How long ago: "3 s ago", "4 min ago", "2 h ago" — what a heartbeat column needs."""
    if at is None:
        return _tr("never")
    seconds = max(0, int(((now or datetime.now(UTC)) - _aware(at)).total_seconds()))
    if seconds < 60:
        return _tr("{0} s ago").format(seconds)
    if seconds < 3600:
        return _tr("{0} min ago").format(seconds // 60)
    if seconds < 86400:
        return _tr("{0} h ago").format(seconds // 3600)
    return _tr("{0} d ago").format(seconds // 86400)


def plural(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` with ``{0}`` filled in: English needs both, Chinese uses one for both.

    Both strings come from the caller's ``tr()`` so each is translated in its own context.
    """
    return (one if count == 1 else many).format(count)


def number(value: float | None) -> str:
    """A measured value or threshold: four significant digits, a dash when there is none."""
    if value is None:
        return DASH
    return f"{value:.4g}"


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
