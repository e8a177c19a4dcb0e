"""The workers pane: who is analysing, how loaded, how recently heard from; drain/pause/resume.

objectNames: ``workersTable``, ``workerDrainButton``, ``workerPauseButton``,
``workerResumeButton``, ``workerShutdownButton`` (asks first: ``confirmBox``). The "last
heartbeat" column ticks every second without touching the rest of the table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from easysight_desktop.control.events import Event, WorkersChanged
from easysight_desktop.control.views import WorkerView
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.empty_hint import EmptyHint
from easysight_desktop.ui.notify import Notifier
from easysight_desktop.ui.prompts import confirm
from easysight_desktop.ui.status_words import status_word
from easysight_desktop.ui.table_model import ROW_ROLE, Column, RowsModel, RowsProxy
from easysight_desktop.ui.table_view import make_table

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane

TaskName = Callable[[UUID], str | None]


def heartbeat_status(worker: WorkerView, now: datetime | None = None) -> str | None:
    """Amber once a heartbeat is overdue by half an interval; grey when offline."""
    if worker.status == "offline":
        return "offline"
    late = (now or datetime.now(UTC)) - worker.last_heartbeat
    return "warning" if late > timedelta(seconds=worker.interval_s * 1.5) else None


class WorkersModel(RowsModel):
    def __init__(self, task_name: TaskName, parent: QWidget | None = None) -> None:
        self._task_name = task_name
        tr = self.tr
        super().__init__(
            [
                Column(tr("Worker"), lambda w: w.id, width=130),
                Column(tr("State"), lambda w: status_word(w.status),
                       status=lambda w: w.status, width=88),
                Column(tr("Load"), lambda w: w.load,
                       sort=lambda w: len(w.active) / max(w.capacity, 1), align_right=True,
                       width=50),
                Column(tr("Current tasks"), self._current, tooltip=self._current_tip, width=150),
                Column(tr("Last heartbeat"), lambda w: fmt.age(w.last_heartbeat),
                       sort=lambda w: w.last_heartbeat, status=heartbeat_status, icon=False,
                       tooltip=lambda w: fmt.local_datetime(w.last_heartbeat), width=118),
                Column(tr("CPU %"), lambda w: f"{w.cpu_percent:.0f}",
                       sort=lambda w: w.cpu_percent, align_right=True, width=58),
                Column(tr("Done / failed"), lambda w: f"{w.completed} / {w.failed}",
                       sort=lambda w: w.completed, align_right=True, width=100),
                Column(tr("Version"), lambda w: w.version, width=64),
                Column(tr("Host"), lambda w: f"{w.host} ({w.pid})", width=140),
            ],
            key=lambda w: w.id,
            parent=parent,
        )  # fmt: skip
        self.age_column = 4  # "Last heartbeat"

    def _current(self, worker: WorkerView) -> str:
        return ", ".join(self._task_name(t) or str(t)[:8] for t in worker.active)

    def _current_tip(self, worker: WorkerView) -> str | None:
        return "\n".join(f"{self._task_name(t) or ''} {t}".strip() for t in worker.active) or None


class WorkersPane(QWidget):
    def __init__(
        self,
        plane: ControlPlane,
        notify: Notifier,
        task_name: TaskName = lambda _id: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workersPane")
        self._plane = plane
        self._notify = notify
        self._runner = AsyncRunner(self, notify.error)
        self.model = WorkersModel(task_name, self)
        self.proxy = RowsProxy(self)
        self.table = make_table("workersTable", self.model, self, proxy=self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.hint = EmptyHint(
            self.table,
            self.tr("No worker has reported yet. Start one with “easysight-worker run”."),
        )
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        labels = {
            "drain": (self.tr("Drain"), self.tr("Finish current tasks, take no new ones")),
            "pause": (self.tr("Pause"), self.tr("Stop taking tasks until resumed")),
            "resume": (self.tr("Resume"), self.tr("Take tasks again")),
            "shutdown": (self.tr("Shut down…"), self.tr("Stop the worker process")),
        }
        for command, (text, tip) in labels.items():
            button = QPushButton(text, self)
            button.setObjectName(f"worker{command.capitalize()}Button")
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, c=command: self.send(c))
            self.buttons[command] = button
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(lambda: self.model.refresh_column(self.model.age_column))
        self._tick.start()

    def load(self) -> None:
        """The monitor's current picture (kept in memory: no database read)."""
        self.model.set_rows(self._plane.workers())

    def handle_event(self, event: Event) -> None:
        if isinstance(event, WorkersChanged):
            self.model.upsert(event.workers)
            self._selection_changed()

    def selected_workers(self) -> list[WorkerView]:
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [index.data(ROW_ROLE) for index in rows]

    def _selection_changed(self) -> None:
        reachable = [w for w in self.selected_workers() if w.status != "offline"]
        for button in self.buttons.values():
            button.setEnabled(bool(reachable))

    def send(self, command: str) -> None:
        """Send ``command`` to every selected worker that is not offline."""
        workers = [w for w in self.selected_workers() if w.status != "offline"]
        if not workers:
            return
        if command == "shutdown":
            names = ", ".join(w.id for w in workers)
            confirm(
                self,
                self.tr("Shut down workers"),
                self.tr("Stop {0}? Running tasks are handed back to the queue.").format(names),
                lambda: self._send(command, workers),
                yes_text=self.tr("Shut down"),
            )
        else:
            self._send(command, workers)

    def _send(self, command: str, workers: list[WorkerView]) -> None:
        for worker in workers:
            self._runner.run(
                self._plane.send_control(worker.id, command),
                what=self.tr("{0} {1}").format(self.buttons[command].text().rstrip("…"), worker.id),
                done=lambda _none, w=worker.id: self._notify.info(
                    self.tr("Sent “{0}” to {1}").format(command, w)
                ),
            )
