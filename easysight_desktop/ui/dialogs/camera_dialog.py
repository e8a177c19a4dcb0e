"""Add or edit one camera: a small non-modal form that stays open until the save succeeds.

objectNames: ``cameraDialog``, ``cameraNameEdit``, ``cameraUrlEdit``, ``cameraSubstreamEdit``,
``cameraGroupCombo``, ``cameraLocationEdit``, ``cameraEnabledCheck``, ``cameraDialogError``.
The control plane's refusal (e.g. a duplicate name) is shown in the dialog, not lost.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from easysight_desktop.control.views import CameraInput, CameraView
from easysight_desktop.ui.asyncslot import AsyncRunner

Save = Callable[[CameraInput], Coroutine[Any, Any, CameraView]]


class CameraDialog(QDialog):
    saved = Signal(object)  # the CameraView the control plane stored

    def __init__(
        self,
        save: Save,
        groups: list[str],
        camera: CameraView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cameraDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Edit camera") if camera else self.tr("Add camera"))
        self._save = save
        self.camera = camera
        self._runner = AsyncRunner(self, self.show_error)

        self.name = self._line("cameraNameEdit", self.tr("e.g. Gate 3 north"))
        self.url = self._line("cameraUrlEdit", "rtsp://user:password@10.0.0.21:554/stream1")
        self.substream = self._line("cameraSubstreamEdit", self.tr("optional, lower resolution"))
        self.group = QComboBox(self)
        self.group.setObjectName("cameraGroupCombo")
        self.group.setEditable(True)
        self.group.addItem("")
        self.group.addItems(groups)
        self.group.lineEdit().setPlaceholderText(self.tr("none, or type a new group"))
        self.location = self._line("cameraLocationEdit", self.tr("optional"))
        self.enabled = QCheckBox(self.tr("Enabled (included in diagnosis tasks)"), self)
        self.enabled.setObjectName("cameraEnabledCheck")
        self.enabled.setChecked(True)
        self.error = QLabel(self)
        self.error.setObjectName("cameraDialogError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Stream URL"), self.url)
        form.addRow(self.tr("Substream URL"), self.substream)
        form.addRow(self.tr("Group"), self.group)
        form.addRow(self.tr("Location"), self.location)
        form.addRow("", self.enabled)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        if camera is not None:
            self.name.setText(camera.name)
            self.url.setText(camera.url)
            self.substream.setText(camera.substream_url or "")
            self.group.setCurrentText(camera.group_name or "")
            self.location.setText(camera.location)
            self.enabled.setChecked(camera.enabled)

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def data(self) -> CameraInput:
        return CameraInput(
            name=self.name.text().strip(),
            url=self.url.text().strip(),
            substream_url=self.substream.text().strip() or None,
            group=self.group.currentText().strip() or None,
            location=self.location.text().strip(),
            enabled=self.enabled.isChecked(),
        )

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        """Save through the control plane; close only once it has stored the camera."""
        data = self.data()
        if not data.name or not data.url:
            self.show_error(self.tr("A camera needs a name and a stream URL."))
            (self.name if not data.name else self.url).setFocus()
            return
        self.error.hide()
        self.buttons.setEnabled(False)
        self._runner.run(
            self._save(data),
            what=self.tr("Not saved"),
            done=self._stored,
            always=lambda: self.buttons.setEnabled(True),
        )

    def _stored(self, view: CameraView) -> None:
        self.saved.emit(view)
        super().accept()

    def reject(self) -> None:
        self._runner.cancel_all()
        super().reject()
