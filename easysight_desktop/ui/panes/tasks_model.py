"""The tasks table's model: thousands of rows, updated by bursts of events without stalling.

``TasksChanged`` can arrive a thousand times a second. ``queue()`` only records the newest view of
each task in a dict (O(1), nothing repaints); a 200 ms timer then applies everything queued in
one go: rows that changed get one ``dataChanged`` per run of adjacent rows, new tasks are
inserted with one ``beginInsertRows`` at the top (newest first), and only a very large batch
resets the model. The table keeps at most ``cap`` rows, dropping the oldest.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from uuid import UUID

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QTimer, Signal

from easysight_desktop.control.views import FINAL_STATES, TaskView
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.catalogue import check_label, check_names, template_label
from easysight_desktop.ui.status_words import status_word
from easysight_desktop.ui.table_model import Column, RowsModel

FLUSH_MS = 200
DEFAULT_CAP = 5000
KIND_COLUMN = 1
_SEVERITY = {"normal": 0, "warning": 1, "error": 2, "critical": 3}
RESET_OVER = 1000  # a batch bigger than this repaints the whole table instead of row by row
_EPOCH = datetime.min.replace(tzinfo=UTC)
_STATE_RANK = {"pending": 0, "queued": 1, "running": 2, "completed": 3, "failed": 3, "cancelled": 3}


def progress(task: TaskView) -> tuple[int, int]:
    """How far a task has got; a later attempt, or a later state of one attempt, is further."""
    return task.attempt, _STATE_RANK.get(task.state, 0)


def _newest_first(task: TaskView) -> float:
    return -task.created_at.timestamp()


def _time_sort(at: datetime | None) -> datetime:
    return at if at is not None else _EPOCH


def _checks_text(task: TaskView) -> str:
    if task.template:
        title = template_label(task.template)
        if task.checks:  # the operator changed the template's selection
            return QCoreApplication.translate("TasksModel", "{0} (changed)").format(title)
        return title
    if not task.checks:
        return QCoreApplication.translate("TasksModel", "all checks")
    if len(task.checks) > 1 and set(task.checks) == set(check_names()):
        return QCoreApplication.translate("TasksModel", "all ({0})").format(len(task.checks))
    return ", ".join(task.checks)


def _checks_tip(task: TaskView) -> str | None:
    lines = [check_label(c) for c in task.checks]
    if task.template:
        title = QCoreApplication.translate("TasksModel", "Template: {0}")
        lines.insert(0, title.format(template_label(task.template)))
    return "\n".join(lines) or None


def _error_line(task: TaskView) -> str:
    return (task.error or "").splitlines()[0] if task.error else ""


class TasksModel(RowsModel):
    """Newest task first; ``queue()`` from events, ``flush()`` applies on the timer."""

    countsChanged = Signal()  # Qt naming
    flushed = Signal(int)  # how many task changes the last flush applied (for tests and tools)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        cap: int = DEFAULT_CAP,
        flush_ms: int = FLUSH_MS,
        reset_over: int = RESET_OVER,
    ) -> None:
        super().__init__(self._make_columns(), key=lambda t: t.id, parent=parent)
        self.cap = cap
        self.reset_over = reset_over
        self.counts: Counter[str] = Counter()
        self._pending: dict[UUID, TaskView] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(flush_ms)
        self._timer.timeout.connect(self.flush)

    def _make_columns(self) -> list[Column]:
        tr = self.tr
        return [
            Column(tr("Camera"), lambda t: t.camera_name, width=130),
            Column(tr("Kind"), lambda t: t.kind, width=80),
            Column(
                tr("Checks"),
                _checks_text,
                tooltip=_checks_tip,
                width=150,
            ),
            Column(tr("State"), lambda t: status_word(t.state), status=lambda t: t.state,
                   sort=lambda t: _STATE_RANK.get(t.state, 0), width=100),
            Column(tr("Result"), lambda t: status_word(t.overall), status=lambda t: t.overall,
                   sort=lambda t: _SEVERITY.get(t.overall or "", -1),
                   tooltip=lambda t: tr("Worst finding of the diagnosis") if t.overall else None,
                   width=84),
            Column(tr("Attempt"), lambda t: str(t.attempt), sort=lambda t: t.attempt,
                   align_right=True, width=72),
            Column(tr("Priority"), lambda t: str(t.priority), sort=lambda t: t.priority,
                   align_right=True, width=66),
            Column(tr("Worker"), lambda t: t.worker_id or "", width=136),
            Column(tr("Created"), lambda t: fmt.local_time(t.created_at),
                   sort=lambda t: t.created_at, tooltip=lambda t: fmt.local_datetime(t.created_at),
                   width=72),
            Column(tr("Queued"), lambda t: fmt.local_time(t.queued_at),
                   sort=lambda t: _time_sort(t.queued_at),
                   tooltip=lambda t: fmt.local_datetime(t.queued_at) or None, width=72),
            Column(tr("Started"), lambda t: fmt.local_time(t.started_at),
                   sort=lambda t: _time_sort(t.started_at),
                   tooltip=lambda t: fmt.local_datetime(t.started_at) or None, width=72),
            Column(tr("Finished"), lambda t: fmt.local_time(t.finished_at),
                   sort=lambda t: _time_sort(t.finished_at),
                   tooltip=lambda t: fmt.local_datetime(t.finished_at) or None, width=72),
            Column(tr("Duration"), lambda t: fmt.duration(t.duration_ms),
                   sort=lambda t: t.duration_ms if t.duration_ms is not None else -1.0,
                   align_right=True, width=72),
            Column(tr("Error"), _error_line, tooltip=lambda t: t.error or None, width=160),
        ]  # fmt: skip

    # --- arriving changes --------------------------------------------------------------------

    @property
    def pending_changes(self) -> int:
        return len(self._pending)

    def queue(self, tasks: Iterable[TaskView]) -> None:
        """Remember the newest view of each task; applied within ``flush_ms``. Cheap by design."""
        for task in tasks:
            self._pending[task.id] = task
        if self._pending and not self._timer.isActive():
            self._timer.start()

    def merge_snapshot(self, tasks: Iterable[TaskView]) -> None:
        """Rows read from the database: events seen meanwhile win unless the row is further on."""
        for task in tasks:
            known = self._pending.get(task.id) or self.get(task.id)
            if known is None or progress(task) > progress(known):
                self._pending[task.id] = task
        self.flush()

    def flush(self) -> None:
        """Apply every queued change in one model update."""
        self._timer.stop()
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        if len(pending) > self.reset_over or not self._rows:
            self._rebuild(pending)
        else:
            self._apply_in_place(pending)
        self._trim()
        self.countsChanged.emit()
        self.flushed.emit(len(pending))

    # --- applying ----------------------------------------------------------------------------

    def _apply_in_place(self, pending: dict[UUID, TaskView]) -> None:
        changed: list[int] = []
        new: list[TaskView] = []
        for task_id, task in pending.items():
            number = self._index.get(task_id)
            if number is None:
                new.append(task)
                continue
            self.counts[self._rows[number].state] -= 1
            self.counts[task.state] += 1
            self._rows[number] = task
            changed.append(number)
        self._emit_changed(changed)
        if new:
            self._insert(new)

    def _insert(self, new: list[TaskView]) -> None:
        new.sort(key=_newest_first)
        rows = self._rows
        if not rows or new[-1].created_at >= rows[0].created_at:
            self.beginInsertRows(QModelIndex(), 0, len(new) - 1)  # the usual case: all newest
            rows[0:0] = new
            self.endInsertRows()
        else:
            for task in new:  # a late arrival (another console, a refresh): at its place
                at = bisect.bisect_right(rows, _newest_first(task), key=_newest_first)
                self.beginInsertRows(QModelIndex(), at, at)
                rows.insert(at, task)
                self.endInsertRows()
        for task in new:
            self.counts[task.state] += 1
        self._reindex()

    def _rebuild(self, pending: dict[UUID, TaskView]) -> None:
        merged = {task.id: task for task in self._rows}
        merged.update(pending)
        self.beginResetModel()
        self._rows = sorted(merged.values(), key=_newest_first)[: self.cap]
        self._reindex()
        self.counts = Counter(task.state for task in self._rows)
        self.endResetModel()

    def _trim(self) -> None:
        extra = len(self._rows) - self.cap
        if extra <= 0:
            return
        self.beginRemoveRows(QModelIndex(), self.cap, len(self._rows) - 1)
        for task in self._rows[self.cap :]:
            self.counts[task.state] -= 1
            self._index.pop(task.id, None)
        del self._rows[self.cap :]
        self.endRemoveRows()

    # --- questions the pane asks -------------------------------------------------------------

    def camera_of(self, task_id: UUID) -> str | None:
        task = self.get(task_id)
        return task.camera_name if task is not None else None

    @staticmethod
    def is_active(task: TaskView) -> bool:
        return task.state not in FINAL_STATES
