"""New diagnosis task: which cameras (one by one or whole groups), which checks, how urgent.

objectNames: ``newTaskDialog``, ``newTaskCameraList`` and ``newTaskGroupList`` (checkable
items; item data = camera / group id), ``newTaskCameraFilter``, ``newTaskTemplate`` (item data =
template name, None for Custom), ``check_<name>`` checkboxes (every check of the protocol
catalogue), ``newTaskTemplateNote``, ``newTaskPriority``, ``newTaskSubmitNow``,
``newTaskSampling`` (checkable group box), ``newTaskFrames``, ``newTaskWindow``,
``newTaskError``, ``newTaskSummary``. On OK it calls
``plane.create_tasks("diagnosis", …)``; a ``ValueError`` from the plane stays in the dialog.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from easysight_desktop.control.views import CameraView, GroupView, TaskView
from easysight_desktop.ui import catalogue
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.status_colors import status_icon
from worker_node.protocol.catalogue import Template

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane

ID_ROLE = Qt.ItemDataRole.UserRole
ITEM_HEIGHT = 26
DEFAULT_PRIORITY = 5  # above scheduled patrols (0), below an urgent re-check (10)
CHECK_COLUMNS = 4  # 17+ checks in a few short rows: the dialog fits 1366×768 without scrolling


def template_titles(template: Template) -> list[str]:
    return [catalogue.check_label(name) for name in catalogue.template_checks(template)]


class NewTaskDialog(QDialog):
    created = Signal(list)  # the TaskViews the plane created

    def __init__(
        self,
        plane: ControlPlane,
        cameras: Iterable[CameraView],
        groups: Iterable[GroupView],
        *,
        camera_ids: Iterable[int] = (),
        group_ids: Iterable[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newTaskDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("New diagnosis task"))
        self._plane = plane
        self._runner = AsyncRunner(self, self.show_error)
        chosen_cameras, chosen_groups = set(camera_ids), set(group_ids)

        # --- what to diagnose ---
        self.groups = QListWidget(self)
        self.groups.setObjectName("newTaskGroupList")
        for group in groups:
            self._add_item(self.groups, group.name, group.id, group.id in chosen_groups)
        self.cameras = QListWidget(self)
        self.cameras.setObjectName("newTaskCameraList")
        for camera in cameras:
            label = camera.name + (f"  ·  {camera.group_name}" if camera.group_name else "")
            item = self._add_item(self.cameras, label, camera.id, camera.id in chosen_cameras)
            item.setIcon(status_icon(camera.status))
            if not camera.enabled:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(self.tr("Disabled cameras are not diagnosed"))
        self.camera_filter = QLineEdit(self)
        self.camera_filter.setObjectName("newTaskCameraFilter")
        self.camera_filter.setPlaceholderText(self.tr("Filter cameras…"))
        self.camera_filter.setClearButtonEnabled(True)
        self.camera_filter.textChanged.connect(self._filter_cameras)
        select_all = QPushButton(self.tr("All shown"), self)
        select_all.setObjectName("newTaskSelectAll")
        select_all.clicked.connect(lambda: self._check_shown(True))
        select_none = QPushButton(self.tr("None"), self)
        select_none.setObjectName("newTaskSelectNone")
        select_none.clicked.connect(lambda: self._check_shown(False))

        camera_box = QGroupBox(self.tr("Cameras"), self)
        camera_layout = QVBoxLayout(camera_box)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.camera_filter, 1)
        filter_row.addWidget(select_all)
        filter_row.addWidget(select_none)
        camera_layout.addLayout(filter_row)
        camera_layout.addWidget(self.cameras, 1)
        group_box = QGroupBox(self.tr("Whole groups"), self)
        group_layout = QVBoxLayout(group_box)
        group_layout.addWidget(self.groups)
        if self.groups.count() == 0:
            group_layout.addWidget(QLabel(self.tr("No groups yet"), group_box))

        # --- which checks: every check of the catalogue, or a template's ---
        check_box = QGroupBox(self.tr("Checks"), self)
        self.template = QComboBox(check_box)
        self.template.setObjectName("newTaskTemplate")
        self.template.addItem(self.tr("Custom"), None)
        for template in catalogue.templates():
            self.template.addItem(catalogue.template_label(template.name), template.name)
            self.template.setItemData(
                self.template.count() - 1, ", ".join(template_titles(template)),
                Qt.ItemDataRole.ToolTipRole,
            )  # fmt: skip
        self.template.setToolTip(
            self.tr("A named set of checks with its own limits; the worker applies it")
        )
        self.template.currentIndexChanged.connect(self._template_chosen)
        self.template_note = QLabel(check_box)
        self.template_note.setObjectName("newTaskTemplateNote")
        self.template_note.setProperty("muted", True)
        template_row = QHBoxLayout()
        template_row.addWidget(QLabel(self.tr("Template"), check_box))
        template_row.addWidget(self.template, 1)
        template_row.addWidget(self.template_note)
        check_grid = QGridLayout()
        check_grid.setHorizontalSpacing(12)
        check_grid.setVerticalSpacing(2)
        self.checks: dict[str, QCheckBox] = {}
        names = catalogue.check_names()
        rows = max(1, -(-len(names) // CHECK_COLUMNS))  # filled column by column
        for number, name in enumerate(names):
            box = QCheckBox(catalogue.check_label(name), check_box)
            box.setObjectName(f"check_{name}")
            box.setToolTip(catalogue.check_hint(name))
            box.setChecked(True)
            box.toggled.connect(self._check_toggled)
            self.checks[name] = box
            check_grid.addWidget(box, number % rows, number // rows)
        for column in range(CHECK_COLUMNS):
            check_grid.setColumnStretch(column, 1)
        check_layout = QVBoxLayout(check_box)
        check_layout.addLayout(template_row)
        check_layout.addLayout(check_grid)

        # --- how ---
        self.priority = QSpinBox(self)
        self.priority.setObjectName("newTaskPriority")
        self.priority.setRange(0, 10)
        self.priority.setValue(DEFAULT_PRIORITY)
        self.priority.setToolTip(self.tr("0 = background patrol, 10 = most urgent"))
        self.submit_now = QCheckBox(self.tr("Submit now"), self)
        self.submit_now.setObjectName("newTaskSubmitNow")
        self.submit_now.setChecked(True)
        self.submit_now.setToolTip(
            self.tr("Off: the tasks are created as pending and wait for Submit")
        )
        self.sampling = QGroupBox(self.tr("Sampling (optional)"), self)
        self.sampling.setObjectName("newTaskSampling")
        self.sampling.setCheckable(True)
        self.sampling.setChecked(False)
        self.frames = QSpinBox(self.sampling)
        self.frames.setObjectName("newTaskFrames")
        self.frames.setRange(1, 250)
        self.frames.setValue(5)
        self.window_s = QDoubleSpinBox(self.sampling)
        self.window_s.setObjectName("newTaskWindow")
        self.window_s.setRange(0.0, 120.0)
        self.window_s.setDecimals(1)
        self.window_s.setSingleStep(0.5)
        self.window_s.setValue(2.0)
        self.window_s.setSuffix(self.tr(" s"))
        sampling_form = QFormLayout(self.sampling)
        sampling_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        sampling_form.addRow(self.tr("Frames"), self.frames)
        sampling_form.addRow(self.tr("Over"), self.window_s)
        how = QFormLayout()
        how.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        how.addRow(self.tr("Priority"), self.priority)
        how.addRow("", self.submit_now)

        self.summary = QLabel(self)
        self.summary.setObjectName("newTaskSummary")
        self.summary.setProperty("muted", True)
        self.error = QLabel(self)
        self.error.setObjectName("newTaskError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create tasks"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        right = QVBoxLayout()
        right.addWidget(group_box, 1)
        right.addLayout(how)
        right.addWidget(self.sampling)
        top = QHBoxLayout()
        top.addWidget(camera_box, 3)
        top.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(check_box)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(820, 640)  # fits a 1366×768 screen with every check visible
        self.cameras.itemChanged.connect(self._update_summary)
        self.groups.itemChanged.connect(self._update_summary)
        self._update_summary()

    @staticmethod
    def _add_item(widget: QListWidget, text: str, ident: int, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(text, widget)
        item.setSizeHint(QSize(0, ITEM_HEIGHT))
        item.setData(ID_ROLE, ident)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    # --- reading the form --------------------------------------------------------------------

    @staticmethod
    def _checked_ids(widget: QListWidget) -> list[int]:
        return [
            widget.item(i).data(ID_ROLE)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
            and widget.item(i).flags() & Qt.ItemFlag.ItemIsEnabled
        ]

    def camera_ids(self) -> list[int]:
        return self._checked_ids(self.cameras)

    def group_ids(self) -> list[int]:
        return self._checked_ids(self.groups)

    def chosen_checks(self) -> list[str]:
        return [name for name, box in self.checks.items() if box.isChecked()]

    def chosen_template(self) -> str | None:
        name = self.template.currentData()
        return name if isinstance(name, str) else None

    def _template_checks(self) -> set[str] | None:
        name = self.chosen_template()
        if name is None:
            return None
        for template in catalogue.templates():
            if template.name == name:
                return set(catalogue.template_checks(template))
        return None

    def template_changed(self) -> bool:
        """True when the operator ticked other checks than the chosen template's."""
        wanted = self._template_checks()
        return wanted is not None and set(self.chosen_checks()) != wanted

    def params(self) -> dict[str, Any]:
        """A template travels by name (the worker resolves it, with its limits); explicit checks
        only for a custom choice or when the operator changed the template's selection."""
        params: dict[str, Any] = {}
        template = self.chosen_template()
        if template is not None:
            params["template"] = template
        if template is None or self.template_changed():
            params["checks"] = self.chosen_checks()
        if self.sampling.isChecked():
            params["frames"] = self.frames.value()
            params["window_s"] = self.window_s.value()
        return params

    # --- reacting ----------------------------------------------------------------------------

    def _template_chosen(self) -> None:
        """Tick exactly the template's checks (Custom leaves the ticks as they are)."""
        wanted = self._template_checks()
        if wanted is not None:
            for name, box in self.checks.items():
                box.blockSignals(True)
                box.setChecked(name in wanted)
                box.blockSignals(False)
        self._check_toggled()

    def _check_toggled(self) -> None:
        self.template_note.setText(self.tr("changed") if self.template_changed() else "")
        self.template_note.setToolTip(
            self.tr("The template's limits apply to the checks ticked here")
            if self.template_changed()
            else ""
        )
        self._update_summary()

    def _filter_cameras(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.cameras.count()):
            item = self.cameras.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def _check_shown(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for i in range(self.cameras.count()):
            item = self.cameras.item(i)
            if not item.isHidden() and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setCheckState(state)

    def _update_summary(self) -> None:
        cameras, groups, checks = self.camera_ids(), self.group_ids(), self.chosen_checks()
        parts = [fmt.plural(len(cameras), self.tr("{0} camera"), self.tr("{0} cameras"))]
        if groups:
            parts.append(fmt.plural(len(groups), self.tr("{0} group"), self.tr("{0} groups")))
        parts.append(fmt.plural(len(checks), self.tr("{0} check"), self.tr("{0} checks")))
        template = self.chosen_template()
        if template is not None:
            parts.append(self.tr("template {0}").format(catalogue.template_label(template)))
        self.summary.setText(" · ".join(parts))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(cameras or groups) and bool(checks) and not self._runner.busy)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        """Create the tasks through the control plane; stay open with its reason if it refuses."""
        if not self.chosen_checks():
            self.show_error(self.tr("Choose at least one check."))
            return
        self.error.hide()
        self.buttons.setEnabled(False)
        self._runner.run(
            self._plane.create_tasks(
                "diagnosis",
                self.params(),
                camera_ids=self.camera_ids(),
                group_ids=self.group_ids(),
                priority=self.priority.value(),
                submit_now=self.submit_now.isChecked(),
            ),
            what=self.tr("No tasks created"),
            done=self._done,
            always=lambda: self.buttons.setEnabled(True),
        )

    def _done(self, tasks: list[TaskView]) -> None:
        self.created.emit(tasks)
        super().accept()

    def reject(self) -> None:
        self._runner.cancel_all()
        super().reject()
