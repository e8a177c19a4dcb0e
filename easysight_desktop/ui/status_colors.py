"""One place for the colours that carry meaning, so every pane says "critical" the same way.

Chosen for a dark background: each status colour keeps at least 4.5:1 contrast against the
table base colour, and the five severities stay apart for the common colour-vision deficiencies
by lightness as well as hue (green, amber, orange, red, grey).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

NORMAL = "#3fb950"  # green
WARNING = "#e3b341"  # amber
ERROR = "#ff8c42"  # orange
CRITICAL = "#ff5c5c"  # red
OFFLINE = "#8b949e"  # grey
INFO = "#58a6ff"  # blue: queued, low alarms
ACTIVE = "#39c5cf"  # cyan: running, busy
PAUSED = "#b392f0"  # violet: paused on purpose, not a fault

_BY_STATUS: dict[str, str] = {
    # camera and check status (DESIGN §5)
    "normal": NORMAL,
    "warning": WARNING,
    "error": ERROR,
    "critical": CRITICAL,
    "unknown": OFFLINE,
    # task states
    "pending": OFFLINE,
    "queued": INFO,
    "running": ACTIVE,
    "completed": NORMAL,
    "failed": CRITICAL,
    "cancelled": OFFLINE,
    # result status of one attempt
    "started": ACTIVE,
    "succeeded": NORMAL,
    "timeout": ERROR,
    # workers
    "online": NORMAL,
    "busy": ACTIVE,
    "draining": WARNING,
    "paused": PAUSED,
    "offline": OFFLINE,
    # alarm levels and states
    "low": INFO,
    "medium": WARNING,
    "high": ERROR,
    "open": CRITICAL,
    "acknowledged": OFFLINE,
    "resolved": NORMAL,
    # connections
    "ok": NORMAL,
    "down": CRITICAL,
}

SEVERITY = ("unknown", "normal", "warning", "error", "critical")


def status_hex(status: str | None) -> str:
    """The colour for any status word the control plane uses; grey for one it does not know."""
    return _BY_STATUS.get(status or "", OFFLINE)


def status_color(status: str | None) -> QColor:
    return QColor(status_hex(status))


def worst(statuses: list[str]) -> str:
    """The most severe camera/check status of several ("unknown" if none is known)."""
    ranked = [s for s in statuses if s in SEVERITY]
    return max(ranked, key=SEVERITY.index) if ranked else "unknown"


@cache
def dot_icon(color: str, size: int = 12) -> QIcon:
    """A filled circle of ``color``: a status mark that also reads in a monochrome screenshot."""
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x so it stays crisp on high-DPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#0d1117"))
    painter.setBrush(QColor(color))
    painter.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    painter.end()
    return QIcon(pixmap)


def status_icon(status: str | None) -> QIcon:
    return dot_icon(status_hex(status))
