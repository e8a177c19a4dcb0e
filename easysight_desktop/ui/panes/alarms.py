"""The alarms pane: what needs the operator's attention, newest first, with Acknowledge.

objectNames: ``alarmsTable``, ``acknowledgeButton``, ``alarmsOpenOnly``. ``openCountChanged``
carries the number of open alarms (the window puts it in the tab title and the status bar).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from easysight_desktop.control.events import AlarmsChanged, Event
from easysight_desktop.control.views import AlarmView
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.catalogue import check_label, finding
from easysight_desktop.ui.empty_hint import EmptyHint
from easysight_desktop.ui.notify import Notifier
from easysight_desktop.ui.status_words import status_word
from easysight_desktop.ui.table_model import ROW_ROLE, Column, RowsModel, RowsProxy
from easysight_desktop.ui.table_view import make_table

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane

MESSAGE_COLUMN = 4
SOURCE_COLUMN = 5
_LEVEL_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def source_text(alarm: AlarmView) -> str:
    """A diagnosis alarm's source is its check (``diagnosis.<check>``), shown by its title."""
    if alarm.source == "device_offline":
        return QCoreApplication.translate("AlarmsPane", "Camera offline")
    kind, _, check = alarm.source.partition(".")
    return check_label(check) if kind == "diagnosis" and check else alarm.source


def alarm_text(alarm: AlarmView) -> str:
    """The finding in the operator's language, led by its check's title so the operator sees
    what was checked (the worker's English message when it has no finding code)."""
    kind, _, check = alarm.source.partition(".")
    if kind != "diagnosis" or not check:
        return alarm.message
    return f"{check_label(check)}: {finding(check, alarm.code, alarm.facts, alarm.message)}"


class AlarmsModel(RowsModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        tr = self.tr
        super().__init__(
            [
                Column(tr("Time"), lambda a: fmt.short_datetime(a.raised_at),
                       sort=lambda a: (a.raised_at, a.id),
                       tooltip=lambda a: fmt.local_datetime(a.raised_at), width=116),
                Column(tr("Camera"), lambda a: a.camera_name, width=110),
                Column(tr("Level"), lambda a: status_word(a.level),
                       status=lambda a: a.level, sort=lambda a: _LEVEL_RANK.get(a.level, 0),
                       width=84),
                Column(tr("State"), lambda a: status_word(a.state), status=lambda a: a.state,
                       icon=False, tooltip=self._state_tip, width=100),
                Column(tr("Message"), alarm_text, tooltip=lambda a: a.message or None,
                       width=300),
                Column(tr("Source"), source_text, tooltip=lambda a: a.source, width=90),
            ],
            key=lambda a: a.id,
            parent=parent,
        )  # fmt: skip

    def _state_tip(self, alarm: AlarmView) -> str | None:
        if alarm.acknowledged_at is None:
            return None
        return self.tr("Acknowledged by {0} at {1}").format(
            alarm.acknowledged_by or "?", fmt.local_datetime(alarm.acknowledged_at)
        )

    def open_count(self) -> int:
        return sum(1 for alarm in self._rows if alarm.state == "open")


class AlarmsPane(QWidget):
    openCountChanged = Signal(int)

    def __init__(self, plane: ControlPlane, notify: Notifier, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("alarmsPane")
        self._plane = plane
        self._notify = notify
        self._runner = AsyncRunner(self, notify.error)
        self.model = AlarmsModel(self)
        self.proxy = RowsProxy(self)
        self.table = make_table("alarmsTable", self.model, self, proxy=self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # the message takes the room, the source does not
        header.setSectionResizeMode(MESSAGE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionHidden(
            SOURCE_COLUMN, True
        )  # the message says it; the header menu shows it
        self.hint = EmptyHint(self.table, self.tr("No alarms. Findings that need you appear here."))

        self.ack_button = QPushButton(self.tr("Acknowledge"), self)
        self.ack_button.setObjectName("acknowledgeButton")
        self.ack_button.setToolTip(self.tr("Acknowledge the selected open alarms"))
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.open_only = QCheckBox(self.tr("Open only"), self)
        self.open_only.setObjectName("alarmsOpenOnly")
        self.open_only.toggled.connect(self._filter_changed)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.ack_button)
        bar.addStretch(1)
        bar.addWidget(self.open_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def load(self) -> None:
        self._runner.run(self.refresh(), what=self.tr("Loading alarms"))

    async def refresh(self) -> None:
        self._loaded(await self._plane.alarms())

    def _loaded(self, alarms: list[AlarmView]) -> None:
        self.model.upsert(alarms)
        self._counts_changed()

    def handle_event(self, event: Event) -> None:
        if isinstance(event, AlarmsChanged):
            self.model.upsert(event.alarms)
            self._counts_changed()

    def open_count(self) -> int:
        return self.model.open_count()

    def selected_alarms(self) -> list[AlarmView]:
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [index.data(ROW_ROLE) for index in rows]

    def acknowledge_selected(self) -> None:
        ids = [a.id for a in self.selected_alarms() if a.state == "open"]
        if not ids:
            return
        self.ack_button.setEnabled(False)
        self._runner.run(
            self._plane.acknowledge_alarms(ids),
            what=self.tr("Acknowledge alarms"),
            done=self._loaded,
            always=self._selection_changed,
        )

    def _filter_changed(self, open_only: bool) -> None:
        self.proxy.set_predicate((lambda a: a.state == "open") if open_only else None)

    def _selection_changed(self) -> None:
        self.ack_button.setEnabled(any(a.state == "open" for a in self.selected_alarms()))

    def _counts_changed(self) -> None:
        self._selection_changed()
        self.openCountChanged.emit(self.open_count())
