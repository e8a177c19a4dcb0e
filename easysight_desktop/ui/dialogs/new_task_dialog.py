"""New diagnosis task: which cameras (one by one or whole groups), which checks, how urgent.

objectNames: ``newTaskDialog``, ``newTaskCameraList`` and ``newTaskGroupList`` (checkable
items; item data = camera / group id), ``newTaskCameraFilter``, ``check_<name>`` checkboxes,
``newTaskPriority``, ``newTaskSubmitNow``, ``newTaskSampling`` (checkable group box),
``newTaskFrames``, ``newTaskWindow``, ``newTaskError``, ``newTaskSummary``. On OK it calls
``plane.create_tasks("diagnosis", …)``; a ``ValueError`` from the plane stays in the dialog.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
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
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.catalogue import DIAGNOSIS_CHECKS, check_hint, check_label
from easysight_desktop.ui.status_colors import status_icon

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane

ID_ROLE = Qt.ItemDataRole.UserRole
ITEM_HEIGHT = 26
DEFAULT_PRIORITY = 5  # above scheduled patrols (0), below an urgent re-check (10)


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

        # --- which checks ---
        check_box = QGroupBox(self.tr("Checks"), self)
        check_grid = QGridLayout(check_box)
        self.checks: dict[str, QCheckBox] = {}
        for number, (name, _label) in enumerate(DIAGNOSIS_CHECKS):
            box = QCheckBox(check_label(name), check_box)
            box.setObjectName(f"check_{name}")
            box.setToolTip(check_hint(name))
            box.setChecked(True)
            box.toggled.connect(self._update_summary)
            self.checks[name] = box
            check_grid.addWidget(box, number // 2, number % 2)

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
        right.addWidget(check_box)
        right.addLayout(how)
        right.addWidget(self.sampling)
        top = QHBoxLayout()
        top.addWidget(camera_box, 3)
        top.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 520)
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

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"checks": self.chosen_checks()}
        if self.sampling.isChecked():
            params["frames"] = self.frames.value()
            params["window_s"] = self.window_s.value()
        return params

    # --- reacting ----------------------------------------------------------------------------

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
