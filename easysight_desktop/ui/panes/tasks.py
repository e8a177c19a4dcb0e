"""The tasks pane: every task's life, live, with cancel / retry / submit.

Find things in tests by objectName: ``tasksTable``, ``tasksStateFilter``, ``newTaskButton``,
``taskSubmitButton``, ``taskCancelButton``, ``taskRetryButton``, ``tasksCountLabel``. Feed
``handle_event(TasksChanged(...))`` and call ``model.flush()`` (or wait for ``model.flushed``)
to see the rows without waiting for the timer.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any
from uuid import UUID

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from easysight_desktop.control.events import Event, TasksChanged
from easysight_desktop.control.views import FINAL_STATES, TASK_STATES, TaskView
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.empty_hint import EmptyHint
from easysight_desktop.ui.notify import Notifier
from easysight_desktop.ui.panes.tasks_model import KIND_COLUMN, TasksModel
from easysight_desktop.ui.status_words import status_word
from easysight_desktop.ui.table_model import ROW_ROLE, RowsProxy
from easysight_desktop.ui.table_view import make_table, select_keys, selected_keys

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane


class TasksPane(QWidget):
    """Centre of the window: the live task table and the operator's task actions."""

    taskSelected = Signal(object)  # the current task's UUID, or None
    newTaskRequested = Signal()

    def __init__(
        self,
        plane: ControlPlane,
        notify: Notifier,
        parent: QWidget | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tasksPane")
        self._plane = plane
        self._notify = notify
        self._runner = AsyncRunner(self, notify.error)
        self._reselect: list[Any] = []

        self.model = TasksModel(self, **model_args)
        self.proxy = RowsProxy(self)
        self.table = make_table("tasksTable", self.model, self, proxy=self.proxy)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # unsorted until a header is clicked: newest first
        self.table.setColumnHidden(KIND_COLUMN, True)  # one kind for now; the header menu shows it
        self.hint = EmptyHint(
            self.table, self.tr("No tasks yet. Use “New diagnosis task…” to check cameras.")
        )

        self.new_button = self._button("newTaskButton", self.tr("New diagnosis task…"))
        self.new_button.setProperty("accent", True)
        self.new_button.clicked.connect(self.newTaskRequested)
        self.submit_button = self._button("taskSubmitButton", self.tr("Submit"))
        self.submit_button.setToolTip(self.tr("Send the selected pending tasks to the workers"))
        self.submit_button.clicked.connect(self.submit_selected)
        self.cancel_button = self._button("taskCancelButton", self.tr("Cancel"))
        self.cancel_button.setToolTip(
            self.tr("Cancel the selected pending, queued or running tasks")
        )
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.retry_button = self._button("taskRetryButton", self.tr("Retry"))
        self.retry_button.setToolTip(self.tr("Run the selected finished tasks again"))
        self.retry_button.clicked.connect(self.retry_selected)

        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("tasksStateFilter")
        self.state_filter.addItem(self.tr("All states"), None)
        for state in TASK_STATES:
            self.state_filter.addItem(status_word(state), state)
        self.state_filter.currentIndexChanged.connect(self._filter_changed)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("tasksCountLabel")
        self.count_label.setProperty("muted", True)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.new_button)
        bar.addSpacing(12)
        for button in (self.submit_button, self.cancel_button, self.retry_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addSpacing(8)
        bar.addWidget(QLabel(self.tr("Show:"), self))
        bar.addWidget(self.state_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.countsChanged.connect(self._update_count)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(self._update_count)
        self._selection_changed()
        self._update_count()

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        return button

    # --- data in -----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the newest tasks from the database (events keep them current afterwards)."""
        self._runner.run(self.refresh(), what=self.tr("Loading tasks"))

    async def refresh(self) -> None:
        self.model.merge_snapshot(await self._plane.tasks(limit=self.model.cap))

    def handle_event(self, event: Event) -> None:
        if isinstance(event, TasksChanged):
            self.model.queue(event.tasks)

    # --- selection ---------------------------------------------------------------------------

    def selected_tasks(self) -> list[TaskView]:
        selection = self.table.selectionModel()
        rows = sorted(selection.selectedRows(), key=lambda index: index.row())
        return [index.data(ROW_ROLE) for index in rows]

    def select_task(self, task_id: UUID) -> bool:
        """Select one task's row (for tests and "show task" links); False if it is not shown."""
        self.model.flush()
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ROW_ROLE).id == task_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return True
        return False

    def _selection_changed(self) -> None:
        tasks = self.selected_tasks()
        self.submit_button.setEnabled(any(t.awaiting_submit for t in tasks))
        self.cancel_button.setEnabled(any(t.state not in FINAL_STATES for t in tasks))
        self.retry_button.setEnabled(any(t.state in FINAL_STATES for t in tasks))

    def _current_changed(self) -> None:
        index = self.table.selectionModel().currentIndex()
        task = index.data(ROW_ROLE) if index.isValid() else None
        self.taskSelected.emit(task.id if task is not None else None)

    def _remember_selection(self) -> None:
        self._reselect = selected_keys(self.table)

    def _restore_selection(self) -> None:
        select_keys(self.table, self._reselect)
        self._reselect = []

    # --- filtering ---------------------------------------------------------------------------

    def set_state_filter(self, state: str | None) -> None:
        self.state_filter.setCurrentIndex(max(0, self.state_filter.findData(state)))

    def _filter_changed(self) -> None:
        state = self.state_filter.currentData()
        self.proxy.set_predicate(None if state is None else (lambda t: t.state == state))
        if state is not None:  # older tasks in that state than the table holds, if any
            self._runner.run(
                self._plane.tasks(states=[state], limit=self.model.cap),
                what=self.tr("Loading {0} tasks").format(status_word(state)),
                done=self.model.merge_snapshot,
            )
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown == total:
            text = fmt.plural(total, self.tr("{0} task"), self.tr("{0} tasks"))
        else:
            text = self.tr("{0} of {1} tasks").format(shown, total)
        self.count_label.setText(text)
        self._selection_changed()

    # --- actions -----------------------------------------------------------------------------

    def submit_selected(self) -> None:
        self._act(
            [t for t in self.selected_tasks() if t.awaiting_submit],
            self._plane.submit,
            self.tr("Submit"),
        )

    def cancel_selected(self) -> None:
        self._act(
            [t for t in self.selected_tasks() if t.state not in FINAL_STATES],
            self._plane.cancel,
            self.tr("Cancel"),
        )

    def retry_selected(self) -> None:
        self._act(
            [t for t in self.selected_tasks() if t.state in FINAL_STATES],
            self._plane.retry,
            self.tr("Retry"),
        )

    def _act(
        self,
        tasks: list[TaskView],
        action: Callable[[UUID], Coroutine[Any, Any, TaskView]],
        verb: str,
    ) -> None:
        for task in tasks:
            self._runner.run(
                action(task.id),
                what=self.tr("{0} task for {1}").format(verb, task.camera_name),
                done=lambda view: self.model.queue([view]),
            )
        if len(tasks) > 1:
            self._notify.info(
                f"{verb}: " + fmt.plural(len(tasks), self.tr("{0} task"), self.tr("{0} tasks"))
            )

    def _context_menu(self, at: QPoint) -> None:
        tasks = self.selected_tasks()
        if not tasks:
            return
        menu = QMenu(self)
        for button in (self.submit_button, self.cancel_button, self.retry_button):
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.addSeparator()
        copy = QAction(self.tr("Copy task ID"), menu)
        copy.triggered.connect(
            lambda: QGuiApplication.clipboard().setText("\n".join(str(t.id) for t in tasks))
        )
        menu.addAction(copy)
        menu.popup(self.table.viewport().mapToGlobal(at))
