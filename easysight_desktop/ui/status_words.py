"""The status words the control plane sends (task states, check results, worker states, alarm
levels), as the operator reads them: one translation context, so each word is translated once.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "status"

_WORDS = (
    QT_TRANSLATE_NOOP("status", "unknown"),
    QT_TRANSLATE_NOOP("status", "normal"),
    QT_TRANSLATE_NOOP("status", "warning"),
    QT_TRANSLATE_NOOP("status", "error"),
    QT_TRANSLATE_NOOP("status", "critical"),
    QT_TRANSLATE_NOOP("status", "pending"),
    QT_TRANSLATE_NOOP("status", "queued"),
    QT_TRANSLATE_NOOP("status", "running"),
    QT_TRANSLATE_NOOP("status", "completed"),
    QT_TRANSLATE_NOOP("status", "failed"),
    QT_TRANSLATE_NOOP("status", "cancelled"),
    QT_TRANSLATE_NOOP("status", "started"),
    QT_TRANSLATE_NOOP("status", "succeeded"),
    QT_TRANSLATE_NOOP("status", "timeout"),
    QT_TRANSLATE_NOOP("status", "online"),
    QT_TRANSLATE_NOOP("status", "busy"),
    QT_TRANSLATE_NOOP("status", "draining"),
    QT_TRANSLATE_NOOP("status", "paused"),
    QT_TRANSLATE_NOOP("status", "offline"),
    QT_TRANSLATE_NOOP("status", "low"),
    QT_TRANSLATE_NOOP("status", "medium"),
    QT_TRANSLATE_NOOP("status", "high"),
    QT_TRANSLATE_NOOP("status", "open"),
    QT_TRANSLATE_NOOP("status", "acknowledged"),
    QT_TRANSLATE_NOOP("status", "resolved"),
)


def status_word(word: str | None) -> str:
    """The translated word; a word this console does not know is shown as it came."""
    if not word:
        return ""
    return QCoreApplication.translate(CONTEXT, word) if word in _WORDS else word
