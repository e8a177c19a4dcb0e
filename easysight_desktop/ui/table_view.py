"""The table view every pane uses: whole-row selection, fixed row height, no per-row sizing.

Row heights and column widths are set once, never measured from the data: measuring walks every
row, which a 5,000-row tasks table cannot afford on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from easysight_desktop.ui.table_model import KEY_ROLE, RowsModel, RowsProxy

ROW_HEIGHT = 24


def make_table(
    object_name: str,
    model: RowsModel,
    parent: QWidget | None = None,
    *,
    proxy: RowsProxy | None = None,
    multi_select: bool = True,
    stretch_last: bool = True,
) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(object_name)
    if proxy is not None:
        proxy.setSourceModel(model)
        view.setModel(proxy)
    else:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi_select
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_last)
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for number, column in enumerate(model.columns):
        view.setColumnWidth(number, column.width)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(lambda at: _column_menu(view, model, at))
    return view


def _column_menu(view: QTableView, model: RowsModel, at: QPoint) -> None:
    """Right-click on the header: show or hide columns (at least one stays)."""
    header = view.horizontalHeader()
    menu = QMenu(view)
    for number, column in enumerate(model.columns):
        action = menu.addAction(column.title)
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(number))
        action.toggled.connect(lambda shown, n=number: _show_column(view, n, shown))
    menu.popup(header.mapToGlobal(at))


def _show_column(view: QTableView, number: int, shown: bool) -> None:
    header = view.horizontalHeader()
    if not shown and header.count() - header.hiddenSectionCount() <= 1:
        return
    header.setSectionHidden(number, not shown)


def selected_keys(view: QTableView) -> list[Hashable]:
    """The keys of the selected rows, in view order."""
    selection = view.selectionModel()
    if selection is None:
        return []
    rows = sorted(selection.selectedRows(), key=lambda index: index.row())
    return [index.data(KEY_ROLE) for index in rows]


def select_keys(view: QTableView, keys: list[Hashable]) -> None:
    """Select the rows with these keys again (after a model reset)."""
    model: QAbstractItemModel = view.model()
    selection = view.selectionModel()
    if selection is None or not keys:
        return
    wanted = set(keys)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(KEY_ROLE) in wanted:
            selection.select(index, flags)
