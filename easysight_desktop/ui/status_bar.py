"""The status bar: broker and database health at a glance, task and alarm counts, messages.

objectNames: ``statusMessageLabel`` (the latest message; its tooltip keeps the last few),
``brokerStatusLabel``, ``databaseStatusLabel``, ``taskCountsLabel``, ``alarmCountLabel``.
Connection texts come from ``ConnectionState.detail``, which the control plane already masks.
"""

from __future__ import annotations

import html
import logging
from collections import Counter, deque
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from easysight_desktop.control.events import BrokerStateChanged, DatabaseStateChanged, Event
from easysight_desktop.control.views import ConnectionState
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.status_colors import CRITICAL, NORMAL, OFFLINE, status_hex

log = logging.getLogger(__name__)
MESSAGE_MS = 10_000
HISTORY = 8
DETAIL_WIDTH = 340  # a long broker URL is elided; the tooltip has all of it


def _dot(color: str) -> str:
    return f'<span style="color:{color}">●</span>'


class StatusBar(QStatusBar):
    """Also the window's :class:`~easysight_desktop.ui.notify.Notifier`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.setSizeGripEnabled(False)
        self._history: deque[str] = deque(maxlen=HISTORY)
        self.message = QLabel(self)
        self.message.setObjectName("statusMessageLabel")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setMinimumWidth(80)
        self.broker = self._label("brokerStatusLabel")
        self.database = self._label("databaseStatusLabel")
        self.tasks = self._label("taskCountsLabel")
        self.alarms = self._label("alarmCountLabel")
        self.addWidget(self.message, 1)
        for label in (self.tasks, self.alarms, self.broker, self.database):
            self.addPermanentWidget(label)
        self._clear = QTimer(self)
        self._clear.setSingleShot(True)
        self._clear.timeout.connect(lambda: self.message.setText(""))
        self.set_task_counts(Counter())
        self.set_open_alarms(0)

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setContentsMargins(8, 0, 8, 0)
        return label

    # --- Notifier ----------------------------------------------------------------------------

    def info(self, text: str) -> None:
        self._show(text, error=False)

    def error(self, text: str) -> None:
        log.warning("shown to the operator: %s", text)
        self._show(text, error=True)

    def _show(self, text: str, *, error: bool) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        self._history.appendleft(f"{stamp}  {text}")
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setToolTip("\n".join(self._history))
        self._clear.start(MESSAGE_MS * (3 if error else 1))

    # --- state -------------------------------------------------------------------------------

    def handle_event(self, event: Event) -> None:
        if isinstance(event, BrokerStateChanged):
            self.set_broker(event.state)
        elif isinstance(event, DatabaseStateChanged):
            self.set_database(event.state)

    def set_broker(self, state: ConnectionState) -> None:
        self._set_connection(self.broker, state)

    def set_database(self, state: ConnectionState) -> None:
        self._set_connection(self.database, state)

    def _set_connection(self, label: QLabel, state: ConnectionState) -> None:
        color = NORMAL if state.ok else CRITICAL
        detail = label.fontMetrics().elidedText(
            state.detail, Qt.TextElideMode.ElideRight, DETAIL_WIDTH
        )
        label.setText(f"{_dot(color)} {html.escape(detail)}")
        label.setToolTip(
            self.tr("{0}\nsince {1}").format(state.detail, fmt.local_datetime(state.since))
        )
        label.setProperty("ok", state.ok)

    def set_task_counts(self, counts: Counter[str]) -> None:
        parts = []
        for state, text in (
            ("pending", self.tr("pending {0}")),
            ("queued", self.tr("queued {0}")),
            ("running", self.tr("running {0}")),
        ):
            color = status_hex(state) if counts.get(state) else OFFLINE
            parts.append(f'<span style="color:{color}">{text.format(counts.get(state, 0))}</span>')
        self.tasks.setText(self.tr("Tasks: ") + " · ".join(parts))
        self.tasks.setToolTip(self.tr("Among the tasks loaded in the table"))

    def set_open_alarms(self, count: int) -> None:
        color = CRITICAL if count else OFFLINE
        self.alarms.setText(
            f'<span style="color:{color}">{self.tr("Open alarms: {0}").format(count)}</span>'
        )
