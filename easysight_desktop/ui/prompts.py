"""Questions and file choosers that never block the event loop.

Each shows a window-modal dialog with ``open()`` and calls back from its signal, so it is safe
from a slot and from a coroutine alike (DESIGN §8: never ``exec()`` on the qasync loop).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def confirm(
    parent: QWidget,
    title: str,
    text: str,
    on_yes: Callable[[], None],
    *,
    yes_text: str | None = None,
    object_name: str = "confirmBox",
) -> QMessageBox:
    """Ask before something that cannot be undone; ``on_yes()`` only if the operator agrees."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName(object_name)
    yes = box.addButton(yes_text or box.tr("Yes"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered() -> None:
        if box.clickedButton() is yes:
            on_yes()

    box.finished.connect(answered)
    box.open()
    return box


def choose_file(
    parent: QWidget,
    title: str,
    name_filter: str,
    on_chosen: Callable[[Path], None],
    *,
    save: bool = False,
    default_name: str = "",
    default_suffix: str = "",
    object_name: str = "fileDialog",
) -> QFileDialog:
    """An open or save dialog; ``on_chosen(path)`` once the operator picks a file."""
    dialog = QFileDialog(parent, title, default_name, name_filter)
    dialog.setObjectName(object_name)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        if default_suffix:
            dialog.setDefaultSuffix(default_suffix)
    else:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda name: on_chosen(Path(name)))
    dialog.open()
    return dialog
