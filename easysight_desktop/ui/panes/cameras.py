"""The cameras pane: the registry as a tree by group, each camera marked by its last status.

objectNames: ``camerasTree`` (items carry ``KIND_ROLE`` "group"/"camera" and ``ID_ROLE``),
``camerasFilter``, ``cameraAddButton``, ``cameraEditButton``, ``cameraRemoveButton``,
``cameraMoreButton`` (menu: import / export CSV), ``cameraDiagnoseButton``. ``reloaded`` fires
after the tree was rebuilt from the control plane (tests wait on it). Cameras and groups drag
onto the live wall; :meth:`CamerasPane.set_link_state` marks a camera online, offline or error (from
the wall's tiles and the periodic probe).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from easysight_desktop.control.events import CamerasChanged, Event
from easysight_desktop.control.views import CameraInput, CameraView, GroupView, ImportReport
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.dialogs.camera_dialog import CameraDialog
from easysight_desktop.ui.empty_hint import EmptyHint
from easysight_desktop.ui.notify import Notifier
from easysight_desktop.ui.prompts import choose_file, confirm
from easysight_desktop.ui.status_colors import CRITICAL, ERROR, OFFLINE, status_icon, worst
from easysight_desktop.ui.status_words import status_word
from easysight_desktop.ui.wall.mime import encode as encode_drag
from worker_node.settings import mask_url

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane

KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
NO_GROUP = -1  # the id of the "no group" node
CSV_FILTER = "CSV (*.csv);;All files (*)"


class CameraTree(QTreeWidget):
    """The tree, dragging the chosen cameras and groups (by id) onto the live wall."""

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        cameras = [i.data(0, ID_ROLE) for i in items if i.data(0, KIND_ROLE) == "camera"]
        groups = [i.data(0, ID_ROLE) for i in items if i.data(0, KIND_ROLE) == "group"]
        return encode_drag(cameras, groups)


class CamerasPane(QWidget):
    cameraSelected = Signal(object, str)  # camera id (or None), camera name
    diagnoseRequested = Signal(list, list)  # camera ids, group ids
    reloaded = Signal()

    def __init__(self, plane: ControlPlane, notify: Notifier, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("camerasPane")
        self._plane = plane
        self._notify = notify
        self._runner = AsyncRunner(self, notify.error)
        self.cameras: list[CameraView] = []
        self.groups: list[GroupView] = []
        self._loading = False
        self._stale = False
        self._dialog: CameraDialog | None = None
        self.links: dict[int, tuple[str, str]] = {}  # camera id -> ("online"/"offline", reason)

        self.filter = QLineEdit(self)
        self.filter.setObjectName("camerasFilter")
        self.filter.setPlaceholderText(self.tr("Filter cameras…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.tree = CameraTree(self)
        self.tree.setObjectName("camerasTree")
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self._edit_item(item))
        self.hint = EmptyHint(self.tree, self.tr("Loading cameras…"))

        self.add_button = self._button("cameraAddButton", self.tr("Add"), self.add_camera)
        self.edit_button = self._button("cameraEditButton", self.tr("Edit"), self.edit_selected)
        self.remove_button = self._button("cameraRemoveButton", self.tr("Remove"),
                                          self.remove_selected)  # fmt: skip
        self.more_button = QToolButton(self)
        self.more_button.setObjectName("cameraMoreButton")
        self.more_button.setText(self.tr("CSV"))
        self.more_button.setToolTip(self.tr("Import or export the camera list"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more = QMenu(self.more_button)
        more.addAction(self.tr("Import cameras from CSV…"), self.import_csv)
        more.addAction(self.tr("Export cameras to CSV…"), self.export_csv)
        self.more_button.setMenu(more)
        self.diagnose_button = QPushButton(self.tr("Diagnose selected…"), self)
        self.diagnose_button.setObjectName("cameraDiagnoseButton")
        self.diagnose_button.clicked.connect(self._diagnose)
        self.diagnose_button.setToolTip(self.tr("New diagnosis task for the selected cameras"))

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        for widget in (self.add_button, self.edit_button, self.remove_button, self.more_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.diagnose_button)
        self._selection_changed()

    def _button(self, name: str, text: str, slot: object) -> QToolButton:
        button = QToolButton(self)  # compact: four of them fit a narrow dock
        button.setText(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # --- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Re-read the registry; calls during a read are folded into one more read after it."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._runner.run(
            self._read(),
            what=self.tr("Loading cameras"),
            done=self._loaded,
            always=self._load_finished,
        )

    async def _read(self) -> tuple[list[CameraView], list[GroupView]]:
        return await self._plane.cameras(), await self._plane.groups()

    async def refresh(self) -> None:
        """Read the registry now and show it (the window's ``start`` awaits this)."""
        self._loaded(await self._read())

    def _load_finished(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.load()

    def handle_event(self, event: Event) -> None:
        if isinstance(event, CamerasChanged) and not (event.cameras and self._patch(event.cameras)):
            self.load()

    def _patch(self, changed: tuple[CameraView, ...]) -> bool:
        """Update changed cameras' items in place (a diagnosis finished); False if one is not
        in the tree, so the caller reloads. Rebuilding a large tree per result would stall."""
        by_id = {c.id: c for c in changed}
        index = {c.id: n for n, c in enumerate(self.cameras)}
        if any(camera_id not in index for camera_id in by_id):
            return False
        for camera_id, camera in by_id.items():
            self.cameras[index[camera_id]] = camera
        for node_index in range(self.tree.topLevelItemCount()):
            node = self.tree.topLevelItem(node_index)
            touched = False
            for child_index in range(node.childCount()):
                item = node.child(child_index)
                camera = by_id.get(item.data(0, ID_ROLE))
                if camera is not None:
                    self._decorate(item, camera)
                    touched = True
            if touched:
                members = [
                    c for c in self.cameras if (c.group_id or NO_GROUP) == node.data(0, ID_ROLE)
                ]
                node.setIcon(0, status_icon(worst([c.status for c in members if c.enabled])))
        return True

    def _loaded(self, data: tuple[list[CameraView], list[GroupView]]) -> None:
        self.cameras, self.groups = data
        self._rebuild()
        self.reloaded.emit()

    def _rebuild(self) -> None:
        """Rebuild the tree, keeping what was selected and which groups were collapsed."""
        selected = {(i.data(0, KIND_ROLE), i.data(0, ID_ROLE)) for i in self.tree.selectedItems()}
        collapsed = {
            self.tree.topLevelItem(n).data(0, ID_ROLE)
            for n in range(self.tree.topLevelItemCount())
            if not self.tree.topLevelItem(n).isExpanded()
            and self.tree.topLevelItem(n).data(0, KIND_ROLE) == "group"
        }
        self.tree.blockSignals(True)
        self.tree.clear()
        by_group: dict[int, list[CameraView]] = {}
        for camera in self.cameras:
            by_group.setdefault(camera.group_id or NO_GROUP, []).append(camera)
        nodes = [(g.id, g.name) for g in self.groups if g.id in by_group]
        if NO_GROUP in by_group:
            nodes.append((NO_GROUP, self.tr("(no group)")))
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for group_id, name in nodes:
            members = by_group[group_id]
            node = QTreeWidgetItem(self.tree, [f"{name}  ({len(members)})"])
            node.setData(0, KIND_ROLE, "group")
            node.setData(0, ID_ROLE, group_id)
            node.setFont(0, bold)
            node.setIcon(0, status_icon(worst([c.status for c in members if c.enabled])))
            for camera in members:
                self._camera_item(node, camera)
            node.setExpanded(group_id not in collapsed)
            if ("group", group_id) in selected:
                node.setSelected(True)
        for node_index in range(self.tree.topLevelItemCount()):
            node = self.tree.topLevelItem(node_index)
            for child_index in range(node.childCount()):
                child = node.child(child_index)
                if ("camera", child.data(0, ID_ROLE)) in selected:
                    child.setSelected(True)
        self.hint.set_text(self.tr("No cameras yet. Add one, or import a list from a CSV file."))
        self.tree.blockSignals(False)
        self.hint.update()
        self._apply_filter(self.filter.text())
        self._selection_changed()

    def _camera_item(self, parent: QTreeWidgetItem, camera: CameraView) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [camera.name])
        item.setData(0, KIND_ROLE, "camera")
        item.setData(0, ID_ROLE, camera.id)
        self._decorate(item, camera)
        return item

    def set_link_state(self, camera_id: int, state: str, reason: str = "") -> None:
        """Online, offline or error (answers, but not as configured), as the live wall or the
        probe found it; shown beside the name."""
        self.links[camera_id] = (state, reason)
        camera = self.camera(camera_id)
        item = self._item(camera_id)
        if camera is not None and item is not None:
            self._decorate(item, camera)

    def _item(self, camera_id: int) -> QTreeWidgetItem | None:
        for node_index in range(self.tree.topLevelItemCount()):
            node = self.tree.topLevelItem(node_index)
            for child_index in range(node.childCount()):
                if node.child(child_index).data(0, ID_ROLE) == camera_id:
                    return node.child(child_index)
        return None

    def _decorate(self, item: QTreeWidgetItem, camera: CameraView) -> None:
        """Icon, text and tooltip of a camera's item, from its current view."""
        item.setIcon(0, status_icon(camera.status if camera.enabled else "unknown"))
        link, reason = self.links.get(camera.id, ("unknown", ""))
        if camera.enabled:
            marks = {"offline": self.tr("{0} — offline"), "error": self.tr("{0} — stream error")}
            item.setText(0, marks[link].format(camera.name) if link in marks else camera.name)
            colour = {"offline": QColor(CRITICAL), "error": QColor(ERROR)}.get(link)
            item.setForeground(0, colour if colour is not None else self.tree.palette().text())
        if not camera.enabled:
            item.setText(0, self.tr("{0} (disabled)").format(camera.name))
            font = item.font(0)
            font.setItalic(True)
            item.setFont(0, font)
            item.setForeground(0, QColor(OFFLINE))
        lines = [
            f"<b>{html.escape(camera.name)}</b>",
            self.tr("Status: {0}").format(status_word(camera.status)),
            self.tr("Link: {0}").format(
                status_word(link) + (f" ({html.escape(reason)})" if reason else "")
                if link != "unknown"
                else self.tr("not checked yet")
            ),
            html.escape(mask_url(camera.url)),
        ]
        if camera.location:
            lines.append(self.tr("Location: {0}").format(html.escape(camera.location)))
        if camera.last_diagnosed_at is not None:
            lines.append(
                self.tr("Last diagnosed: {0}").format(fmt.local_datetime(camera.last_diagnosed_at))
            )
        if camera.reference_taken_at is not None:
            lines.append(
                self.tr("Reference view since {0}").format(
                    fmt.local_datetime(camera.reference_taken_at)
                )
            )
        item.setToolTip(0, "<br>".join(lines))

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for node_index in range(self.tree.topLevelItemCount()):
            node = self.tree.topLevelItem(node_index)
            shown = 0
            for child_index in range(node.childCount()):
                child = node.child(child_index)
                hide = bool(needle) and needle not in child.text(0).casefold()
                child.setHidden(hide)
                shown += not hide
            if node.childCount():
                node.setHidden(bool(needle) and shown == 0)

    # --- selection ---------------------------------------------------------------------------

    def camera(self, camera_id: int) -> CameraView | None:
        return next((c for c in self.cameras if c.id == camera_id), None)

    def selected_camera_ids(self) -> list[int]:
        return [i.data(0, ID_ROLE) for i in self.tree.selectedItems() if self._is(i, "camera")]

    def selected_group_ids(self) -> list[int]:
        return [
            i.data(0, ID_ROLE)
            for i in self.tree.selectedItems()
            if self._is(i, "group") and i.data(0, ID_ROLE) != NO_GROUP
        ]

    def select_camera(self, camera_id: int) -> bool:
        for node_index in range(self.tree.topLevelItemCount()):
            node = self.tree.topLevelItem(node_index)
            for child_index in range(node.childCount()):
                child = node.child(child_index)
                if child.data(0, ID_ROLE) == camera_id:
                    self.tree.setCurrentItem(child)
                    return True
        return False

    @staticmethod
    def _is(item: QTreeWidgetItem, kind: str) -> bool:
        return item.data(0, KIND_ROLE) == kind

    def _selection_changed(self) -> None:
        cameras = self.selected_camera_ids()
        self.edit_button.setEnabled(len(cameras) == 1)
        self.remove_button.setEnabled(bool(cameras))
        self.diagnose_button.setEnabled(bool(cameras or self.selected_group_ids()))
        current = self.tree.currentItem()
        if len(cameras) == 1 and current is not None and self._is(current, "camera"):
            camera = self.camera(current.data(0, ID_ROLE))
            if camera is not None:
                self.cameraSelected.emit(camera.id, camera.name)

    def _diagnose(self) -> None:
        self.diagnoseRequested.emit(self.selected_camera_ids(), self.selected_group_ids())

    # --- add / edit / remove -----------------------------------------------------------------

    def add_camera(self) -> None:
        group = None
        current = self.tree.currentItem()
        if current is not None and self._is(current, "group"):
            group = next((g.name for g in self.groups if g.id == current.data(0, ID_ROLE)), None)
        dialog = self._open_dialog(None)
        if group and dialog is not None:
            dialog.group.setCurrentText(group)

    def edit_selected(self) -> None:
        ids = self.selected_camera_ids()
        camera = self.camera(ids[0]) if len(ids) == 1 else None
        if camera is not None:
            self._open_dialog(camera)

    def _edit_item(self, item: QTreeWidgetItem) -> None:
        camera = self.camera(item.data(0, ID_ROLE)) if self._is(item, "camera") else None
        if camera is not None:
            self._open_dialog(camera)

    def _open_dialog(self, camera: CameraView | None) -> CameraDialog | None:
        if self._dialog is not None:
            self._dialog.raise_()
            self._dialog.activateWindow()
            return None

        async def save(data: CameraInput) -> CameraView:
            if camera is None:
                return await self._plane.add_camera(data)
            return await self._plane.update_camera(camera.id, data)

        dialog = CameraDialog(save, [g.name for g in self.groups], camera, self)
        dialog.saved.connect(
            lambda view: self._notify.info(self.tr("Camera “{0}” saved").format(view.name))
        )
        dialog.finished.connect(self._dialog_closed)
        self._dialog = dialog
        dialog.show()
        return dialog

    def _dialog_closed(self) -> None:
        self._dialog = None

    @property
    def dialog(self) -> CameraDialog | None:
        return self._dialog

    def remove_selected(self) -> None:
        cameras = [c for i in self.selected_camera_ids() if (c := self.camera(i)) is not None]
        if not cameras:
            return
        names = ", ".join(c.name for c in cameras[:5]) + (" …" if len(cameras) > 5 else "")
        confirm(
            self,
            self.tr("Remove cameras"),
            fmt.plural(
                len(cameras),
                self.tr("Remove {0} camera from the registry?"),
                self.tr("Remove {0} cameras from the registry?"),
            )
            + "\n"
            + names,
            lambda: self._remove(cameras),
            yes_text=self.tr("Remove"),
        )

    def _remove(self, cameras: list[CameraView]) -> None:
        for camera in cameras:
            self._runner.run(
                self._plane.remove_camera(camera.id),
                what=self.tr("Remove camera “{0}”").format(camera.name),
            )

    # --- CSV ---------------------------------------------------------------------------------

    def import_csv(self) -> None:
        choose_file(self, self.tr("Import cameras"), CSV_FILTER, self._import_from)

    def _import_from(self, path: Path) -> None:
        self._runner.run(
            self._plane.import_cameras_csv(path),
            what=self.tr("Import {0}").format(path.name),
            done=self._imported,
        )

    def _imported(self, report: ImportReport) -> None:
        text = self.tr("Imported cameras: {0} added, {1} updated").format(
            report.added, report.updated
        )
        if report.errors:
            text += fmt.plural(
                len(report.errors),
                self.tr(", {0} line refused: "),
                self.tr(", {0} lines refused: "),
            )
            text += "; ".join(report.errors[:3]) + (" …" if len(report.errors) > 3 else "")
            self._notify.error(text)
        else:
            self._notify.info(text)

    def export_csv(self) -> None:
        choose_file(
            self,
            self.tr("Export cameras"),
            CSV_FILTER,
            self._export_to,
            save=True,
            default_name="cameras.csv",
            default_suffix="csv",
        )

    def _export_to(self, path: Path) -> None:
        self._runner.run(
            self._plane.export_cameras_csv(path),
            what=self.tr("Export {0}").format(path.name),
            done=lambda count: self._notify.info(
                fmt.plural(count, self.tr("Exported {0} camera"), self.tr("Exported {0} cameras"))
                + self.tr(" to {0}").format(path)
            ),
        )

    def _context_menu(self, at: QPoint) -> None:
        menu = QMenu(self)
        for button in (self.diagnose_button, self.add_button, self.edit_button, self.remove_button):
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.addSeparator()
        self._reference_actions(menu)
        menu.addSeparator()
        menu.addActions(self.more_button.menu().actions())
        self.context_menu = menu  # for tests and tools
        menu.popup(self.tree.viewport().mapToGlobal(at))

    def _reference_actions(self, menu: QMenu) -> None:
        """Set/clear the reference view scene_change compares with, for one chosen camera."""
        ids = self.selected_camera_ids()
        camera = self.camera(ids[0]) if len(ids) == 1 else None
        set_action = menu.addAction(self.tr("Set reference from latest picture"))
        set_action.setObjectName("setReferenceAction")
        set_action.setToolTip(
            self.tr("The scene change check compares later pictures with this one")
        )
        set_action.setEnabled(camera is not None and camera.last_diagnosed_at is not None)
        clear_action = menu.addAction(self.tr("Clear reference"))
        clear_action.setObjectName("clearReferenceAction")
        clear_action.setEnabled(camera is not None and camera.reference_taken_at is not None)
        if camera is not None:
            set_action.triggered.connect(lambda: self.set_reference(camera))
            clear_action.triggered.connect(lambda: self.clear_reference(camera))

    def set_reference(self, camera: CameraView) -> None:
        self._runner.run(
            self._plane.set_reference(camera.id),
            what=self.tr("Set the reference of “{0}”").format(camera.name),
            done=lambda _view: self._notify.info(
                self.tr("“{0}”: its latest picture is now the reference view").format(camera.name)
            ),
        )

    def clear_reference(self, camera: CameraView) -> None:
        self._runner.run(
            self._plane.clear_reference(camera.id),
            what=self.tr("Clear the reference of “{0}”").format(camera.name),
            done=lambda _view: self._notify.info(
                self.tr("“{0}”: reference view cleared").format(camera.name)
            ),
        )
