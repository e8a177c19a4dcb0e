"""New diagnosis task: the choices become one ``create_tasks`` call; refusals stay visible."""

from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QLabel, QListWidget, QPushButton, QWidget

from easysight_desktop.control.views import GroupView
from easysight_desktop.ui.catalogue import check_names
from easysight_desktop.ui.dialogs.new_task_dialog import NewTaskDialog
from tests.easysight_desktop.ui.conftest import signal_seen, until
from tests.easysight_desktop.ui.fakes import FakePlane, make_camera

NORTH, SPARE = GroupView(1, "North"), GroupView(2, "Spare")


def make_dialog(qtbot, plane: FakePlane, **chosen) -> NewTaskDialog:  # type: ignore[no-untyped-def]
    plane.groups_ = [NORTH, SPARE]
    plane.cameras_ = [
        make_camera(1, "Gate", NORTH),
        make_camera(2, "Yard", NORTH),
        make_camera(3, "Old", SPARE, enabled=False),
    ]
    owner = QWidget()  # the dialog deletes itself on close; the owner is what qtbot cleans up
    qtbot.addWidget(owner)
    dialog = NewTaskDialog(plane, plane.cameras_, plane.groups_, parent=owner, **chosen)
    dialog.show()
    plane.owner = owner  # type: ignore[attr-defined]  # keep it alive for the test
    return dialog


def checked(widget: QListWidget) -> list[str]:
    return [
        widget.item(i).text()
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


def test_the_catalogue_is_offered_and_preselection_applies(qtbot, plane) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, plane, camera_ids=[2], group_ids=[])
    assert check_names() == (
        "brightness",
        "clarity",
        "freeze",
        "signal_loss",
        "blue_screen",
        "color_cast",
        "contrast",
        "noise",
        "occlusion",
        "snow",
    )
    for name in check_names():
        assert dialog.findChild(QCheckBox, f"check_{name}").isChecked()
    assert checked(dialog.findChild(QListWidget, "newTaskCameraList")) == ["Yard  ·  North"]
    assert dialog.findChild(QLabel, "newTaskSummary").text() == "1 camera · 10 checks"
    assert not dialog.isModal()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    for name in check_names():
        dialog.checks[name].setChecked(False)
    assert not ok.isEnabled()  # nothing to check


async def test_ok_creates_the_tasks_with_the_chosen_parameters(qtbot, plane) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, plane)
    dialog.groups.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.checks["freeze"].setChecked(False)
    dialog.priority.setValue(9)
    dialog.submit_now.setChecked(False)
    dialog.sampling.setChecked(True)
    dialog.frames.setValue(8)
    dialog.window_s.setValue(4.0)
    async with signal_seen(dialog.created) as created:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert plane.calls == [
        (
            "create_tasks",
            "diagnosis",
            {
                "checks": [name for name in check_names() if name != "freeze"],
                "frames": 8,
                "window_s": 4.0,
            },
            [],
            [1],
            9,
            False,
        )
    ]
    assert [t.camera_name for t in created[0][0]] == ["Gate", "Yard"]
    await until(lambda: not shiboken6.isValid(dialog), what="the dialog to close and go")


async def test_a_refusal_from_the_plane_stays_in_the_dialog(qtbot, plane) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, plane)
    dialog.groups.item(1).setCheckState(Qt.CheckState.Checked)  # only a disabled camera
    plane.gate = asyncio.Event()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert not dialog.buttons.isEnabled()  # busy: no double submission
    plane.gate.set()
    error = dialog.findChild(QLabel, "newTaskError")
    await until(error.isVisible, what="the error")
    assert error.text() == "No tasks created: choose at least one enabled camera or group"
    assert dialog.isVisible() and dialog.buttons.isEnabled()


def test_the_camera_filter_and_select_all_touch_only_shown_enabled_cameras(qtbot, plane) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, plane)
    dialog.camera_filter.setText("a")  # Gate, Yard
    dialog.findChild(QPushButton, "newTaskSelectAll").click()
    assert dialog.camera_ids() == [1, 2]
    dialog.camera_filter.setText("yard")
    dialog._check_shown(False)
    assert dialog.camera_ids() == [1]
    dialog.camera_filter.setText("old")
    dialog._check_shown(True)
    assert dialog.camera_ids() == [1]  # disabled cameras are never chosen
