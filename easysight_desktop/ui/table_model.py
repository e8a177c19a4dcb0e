"""A table model over a list of frozen view objects, described column by column.

The panes' tables (workers, queues, alarms, checks, tasks) differ only in their columns and in
how rows arrive, so the Qt model plumbing lives here once: rows are keyed (worker id, alarm id,
task id…) so an update changes a row in place with ``dataChanged`` and keeps the operator's
selection, instead of resetting the table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from easysight_desktop.ui.status_colors import status_color, status_icon

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's key (task id, worker id…)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the view object itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a value that sorts right (numbers, times)

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: its (already translated) title and how a row shows in it."""

    title: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None  # default: the text, case-insensitively
    status: Callable[[Any], str | None] | None = None  # colours the cell; None: plain text
    icon: bool = True  # with ``status``: a coloured dot before the text as well
    tooltip: Callable[[Any], str] | None = None
    align_right: bool = False
    width: int = 100  # initial width in pixels; never computed from thousands of rows


class RowsModel(QAbstractTableModel):
    """Rows of view objects with a key; ``upsert`` changes rows in place or adds them."""

    def __init__(
        self, columns: Sequence[Column], key: Callable[[Any], Hashable], parent: QObject | None
    ) -> None:
        super().__init__(parent)
        self.columns: tuple[Column, ...] = tuple(columns)
        self._key = key
        self._rows: list[Any] = []
        self._index: dict[Hashable, int] = {}

    # --- reading -----------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row(self, number: int) -> Any:
        return self._rows[number]

    def key_of(self, row: Any) -> Hashable:
        return self._key(row)

    def row_number(self, key: Hashable) -> int | None:
        return self._index.get(key)

    def get(self, key: Hashable) -> Any | None:
        number = self._index.get(key)
        return None if number is None else self._rows[number]

    def column_number(self, title: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.title == title)

    def sort_key(self, row: Any, column: int) -> Any:
        col = self.columns[column]
        return col.sort(row) if col.sort is not None else col.text(row).casefold()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.ForegroundRole and col.status is not None:
            word = col.status(row)
            return status_color(word) if word is not None else None  # None: the plain colour
        if role == Qt.ItemDataRole.DecorationRole and col.status is not None and col.icon:
            word = col.status(row)
            return status_icon(word) if word is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip(row) if col.tooltip is not None else col.text(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if col.align_right else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == KEY_ROLE:
            return self._key(row)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return self.sort_key(row, index.column())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    # --- changing ----------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace everything (a first load); resets the view, so use it rarely."""
        self.beginResetModel()
        self._rows = list(rows)
        self._reindex()
        self.endResetModel()

    def upsert(self, rows: Iterable[Any]) -> None:
        """Change known rows in place and append new ones — selection survives."""
        changed: list[int] = []
        new: list[Any] = []
        for row in rows:
            number = self._index.get(self._key(row))
            if number is None:
                new.append(row)
            else:
                self._rows[number] = row
                changed.append(number)
        self._emit_changed(changed)
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            for offset, row in enumerate(new):
                self._index[self._key(row)] = first + offset
            self.endInsertRows()

    def remove_keys(self, keys: Iterable[Hashable]) -> None:
        for number in sorted((self._index[k] for k in keys if k in self._index), reverse=True):
            self.beginRemoveRows(QModelIndex(), number, number)
            del self._rows[number]
            self.endRemoveRows()
        self._reindex()

    def refresh_column(self, column: int) -> None:
        """Repaint one column of every row (e.g. "3 s ago" ticking)."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, column), self.index(len(self._rows) - 1, column), []
            )

    def _emit_changed(self, numbers: list[int]) -> None:
        """One ``dataChanged`` per run of adjacent rows, not one per row."""
        if not numbers:
            return
        last_column = len(self.columns) - 1
        numbers = sorted(set(numbers))
        start = prev = numbers[0]
        for number in [*numbers[1:], None]:
            if number is not None and number == prev + 1:
                prev = number
                continue
            self.dataChanged.emit(self.index(start, 0), self.index(prev, last_column), [])
            if number is not None:
                start = prev = number

    def _reindex(self) -> None:
        self._index = {self._key(row): number for number, row in enumerate(self._rows)}


class RowsProxy(QSortFilterProxyModel):
    """Sorting by each column's sort key, and filtering by a predicate on the row object."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accepts: Callable[[Any], bool] | None = None
        self.setDynamicSortFilter(True)

    def set_predicate(self, accepts: Callable[[Any], bool] | None) -> None:
        self.beginFilterChange()
        self._accepts = accepts
        self.endFilterChange()

    def source_rows(self) -> RowsModel:
        model = self.sourceModel()
        assert isinstance(model, RowsModel)
        return model

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._accepts is None:
            return True
        return self._accepts(self.source_rows().row(source_row))

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        model = self.source_rows()
        a = model.sort_key(model.row(left.row()), left.column())
        b = model.sort_key(model.row(right.row()), right.column())
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
