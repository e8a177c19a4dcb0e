"""New diagnosis task: the choices become one ``create_tasks`` call; refusals stay visible;
the checks and templates are the protocol catalogue's, in the operator's language."""

from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QWidget,
)

from easysight_desktop.control.views import GroupView
from easysight_desktop.ui.catalogue import check_names
from easysight_desktop.ui.dialogs.new_task_dialog import NewTaskDialog
from tests.easysight_desktop.ui.conftest import signal_seen, until
from tests.easysight_desktop.ui.fakes import FakePlane, make_camera
from worker_node.protocol import catalogue as protocol_catalogue
from worker_node.protocol.catalogue import CheckInfo, Text

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
    names = [info.name for info in protocol_catalogue.checks()]
    assert len(names) >= 10 and list(dialog.checks) == names  # the catalogue, in its order
    for info in protocol_catalogue.checks():
        box = dialog.findChild(QCheckBox, f"check_{info.name}")
        assert box.isChecked()
        assert (box.text(), box.toolTip()) == (info.title.en, info.hint.en)
    assert checked(dialog.findChild(QListWidget, "newTaskCameraList")) == ["Yard  ·  North"]
    assert dialog.findChild(QLabel, "newTaskSummary").text() == f"1 camera · {len(names)} checks"
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


def choose_template(dialog: NewTaskDialog, name: str | None) -> None:
    combo = dialog.findChild(QComboBox, "newTaskTemplate")
    index = combo.findData(name)
    assert index >= 0, f"template {name!r} not offered"
    combo.setCurrentIndex(index)


async def test_a_template_ticks_its_checks_and_travels_by_name(qtbot, plane) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, plane, camera_ids=[1])
    combo = dialog.findChild(QComboBox, "newTaskTemplate")
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered == ["Custom"] + [t.title.en for t in protocol_catalogue.templates()]
    quick = protocol_catalogue.template("quick")
    choose_template(dialog, "quick")
    assert dialog.chosen_checks() == [n for n in check_names() if n in quick.checks]
    assert dialog.findChild(QLabel, "newTaskTemplateNote").text() == ""
    summary = dialog.findChild(QLabel, "newTaskSummary").text()
    assert summary.endswith(f"{len(quick.checks)} checks · template {quick.title.en}")
    assert dialog.params() == {"template": "quick"}  # the worker resolves it, limits included
    choose_template(dialog, "nightly")  # an empty list in the catalogue: every check
    assert dialog.chosen_checks() == list(check_names())
    assert dialog.params() == {"template": "nightly"}
    choose_template(dialog, "quick")

    async with signal_seen(dialog.created) as created:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert plane.calls[-1][1:3] == ("diagnosis", {"template": "quick"})
    assert created[0][0][0].template == "quick"


def test_changing_a_templates_selection_sends_the_checks_too(qtbot, plane) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, plane, camera_ids=[1])
    choose_template(dialog, "quick")
    dialog.checks["clarity"].setChecked(False)
    assert dialog.findChild(QLabel, "newTaskTemplateNote").text() == "changed"
    assert dialog.params() == {
        "template": "quick",
        "checks": [n for n in check_names() if n in ("signal_loss", "blue_screen", "brightness")],
    }
    dialog.checks["clarity"].setChecked(True)  # back to the template's own choice
    assert dialog.params() == {"template": "quick"}
    choose_template(dialog, None)  # Custom keeps the ticks, sends them
    assert dialog.params() == {"checks": dialog.chosen_checks()}


def test_titles_and_templates_in_chinese(qtbot, plane, language) -> None:  # type: ignore[no-untyped-def]
    language("zh")
    dialog = make_dialog(qtbot, plane)
    for info in protocol_catalogue.checks():
        box = dialog.findChild(QCheckBox, f"check_{info.name}")
        assert (box.text(), box.toolTip()) == (info.title.zh, info.hint.zh)
    combo = dialog.findChild(QComboBox, "newTaskTemplate")
    assert combo.itemText(1) == protocol_catalogue.templates()[0].title.zh


def test_seventeen_checks_fit_a_small_screen(qtbot, plane, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """DESIGN §5's 17 checks, with titles as long as the catalogue's longest, on 1366×768."""
    longest = max((i.title for i in protocol_catalogue.checks()), key=lambda t: len(t.en))
    many = tuple(
        CheckInfo(f"check{n}", n, Text(f"{longest.en} {n}", longest.zh), longest, {})
        for n in range(17)
    )
    monkeypatch.setattr(protocol_catalogue, "checks", lambda: many)
    dialog = make_dialog(qtbot, plane)
    assert len(dialog.checks) == 17
    dialog.resize(dialog.size().expandedTo(dialog.minimumSizeHint()))
    assert dialog.width() <= 1366 and dialog.height() <= 768 - 60  # room for a title bar, panel
    for box in dialog.checks.values():
        assert box.isVisible()
        assert box.width() >= box.sizeHint().width(), f"{box.text()!r} is cut off"
        inside = box.mapTo(dialog, box.rect().bottomRight())
        assert dialog.rect().contains(inside)


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
