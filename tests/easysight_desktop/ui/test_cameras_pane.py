"""The cameras pane: the tree by group, and add / edit / remove / import / export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QTreeWidget

from easysight_desktop.control.views import GroupView
from easysight_desktop.ui.dialogs.camera_dialog import CameraDialog
from easysight_desktop.ui.panes.cameras import CamerasPane
from tests.easysight_desktop.ui.conftest import signal_seen, until
from tests.easysight_desktop.ui.fakes import T0, FakePlane, make_camera

NORTH, SOUTH = GroupView(1, "North"), GroupView(2, "South")


def registry(plane: FakePlane) -> FakePlane:
    plane.groups_ = [NORTH, SOUTH]
    plane.cameras_ = [
        make_camera(1, "Gate", NORTH, status="critical"),
        make_camera(2, "Yard", NORTH, status="normal"),
        make_camera(3, "Lobby", None, status="warning"),
        make_camera(4, "Spare", SOUTH, enabled=False),
    ]
    return plane


def tree_text(tree: QTreeWidget) -> list[str]:
    lines = []
    for n in range(tree.topLevelItemCount()):
        node = tree.topLevelItem(n)
        lines.append(node.text(0))
        lines.extend("  " + node.child(c).text(0) for c in range(node.childCount()))
    return lines


async def loaded_pane(qtbot, plane, notes) -> CamerasPane:  # type: ignore[no-untyped-def]
    pane = CamerasPane(plane, notes)
    qtbot.addWidget(pane)
    plane.events.subscribe(pane.handle_event)  # what the window's event relay does
    pane.show()
    async with signal_seen(pane.reloaded):
        pane.load()
    return pane


async def test_the_tree_groups_cameras_and_marks_disabled_ones(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    pane = await loaded_pane(qtbot, registry(plane), notes)
    assert tree_text(pane.findChild(QTreeWidget, "camerasTree")) == [
        "North  (2)",
        "  Gate",
        "  Yard",
        "South  (1)",
        "  Spare (disabled)",
        "(no group)  (1)",
        "  Lobby",
    ]
    gate = pane.tree.topLevelItem(0).child(0)
    assert "rtsp://admin:***@10.0.0.1/stream1" in gate.toolTip(0)  # never the password
    pane.filter.setText("ya")
    assert [pane.tree.topLevelItem(n).isHidden() for n in range(3)] == [False, True, True]
    assert pane.tree.topLevelItem(0).child(0).isHidden()


async def test_selecting_a_camera_announces_it_and_enables_actions(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    pane = await loaded_pane(qtbot, registry(plane), notes)
    assert not pane.edit_button.isEnabled() and not pane.diagnose_button.isEnabled()
    async with signal_seen(pane.cameraSelected) as seen:
        assert pane.select_camera(2)
    assert seen == [(2, "Yard")]
    assert pane.edit_button.isEnabled() and pane.diagnose_button.isEnabled()
    pane.tree.clearSelection()
    pane.tree.topLevelItem(0).setSelected(True)  # a whole group
    async with signal_seen(pane.diagnoseRequested) as asked:
        pane.diagnose_button.click()
    assert asked == [([], [1])]


async def test_adding_a_camera_through_the_dialog(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    pane = await loaded_pane(qtbot, registry(plane), notes)
    pane.add_button.click()
    dialog = pane.dialog
    assert isinstance(dialog, CameraDialog) and dialog.isVisible() and not dialog.isModal()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    save.click()  # empty: refused locally, the dialog stays
    error = dialog.findChild(QLabel, "cameraDialogError")
    assert error.isVisible() and "name" in error.text()
    dialog.name.setText("Gate")  # a duplicate: the plane refuses
    dialog.url.setText("rtsp://10.0.0.9/1")
    dialog.group.setCurrentText("East")
    save.click()
    await until(lambda: "already exists" in error.text(), what="the plane's refusal")
    assert dialog.isVisible()
    dialog.name.setText("Gate 2")
    async with signal_seen(pane.reloaded):
        save.click()
    await until(lambda: pane.dialog is None, what="the dialog to close")
    assert "East  (1)" in tree_text(pane.tree)
    assert notes.infos == ["Camera “Gate 2” saved"]
    added = plane.calls[-3][1]  # add_camera, then the reload's cameras and groups
    assert (added.name, added.url, added.group) == ("Gate 2", "rtsp://10.0.0.9/1", "East")


async def test_editing_and_removing(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    pane = await loaded_pane(qtbot, registry(plane), notes)
    pane.select_camera(1)
    pane.edit_button.click()
    dialog = pane.dialog
    assert dialog.name.text() == "Gate" and dialog.group.currentText() == "North"
    dialog.enabled.setChecked(False)
    async with signal_seen(pane.reloaded):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "  Gate (disabled)" in tree_text(pane.tree)
    pane.select_camera(2)
    pane.remove_button.click()
    box = pane.findChild(QMessageBox, "confirmBox")
    assert "Yard" in box.text()
    [yes] = [b for b in box.buttons() if b.text() == "Remove"]
    async with signal_seen(pane.reloaded):
        yes.click()
    assert ("remove_camera", 2) in plane.calls
    assert "  Yard" not in tree_text(pane.tree)


async def test_import_and_export_through_non_blocking_dialogs(
    qtbot, plane, notes, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    pane = await loaded_pane(qtbot, registry(plane), notes)
    source = tmp_path / "site.csv"
    source.write_text("name,url\nA,rtsp://a\n", encoding="utf-8")

    def pick(path: Path) -> None:
        dialog = pane.findChild(QFileDialog, "fileDialog")
        assert dialog is not None and dialog.isVisible()
        dialog.fileSelected.emit(str(path))
        dialog.close()

    pane.import_csv()  # returns at once: the dialog is open, nothing waits on it
    QTimer.singleShot(0, lambda: pick(source))
    await until(lambda: notes.infos, what="the import report")
    assert ("import_cameras_csv", source) in plane.calls
    assert notes.infos == ["Imported cameras: 2 added, 1 updated"]
    target = tmp_path / "out.csv"
    pane.export_csv()
    QTimer.singleShot(0, lambda: pick(target))
    await until(lambda: len(notes.infos) == 2, what="the export report")
    assert notes.infos[1] == f"Exported 4 cameras to {target}"
    assert target.exists()


def menu_action(pane: CamerasPane, name: str):  # type: ignore[no-untyped-def]
    pane._context_menu(QPoint(5, 5))
    [action] = [a for a in pane.context_menu.actions() if a.objectName() == name]
    pane.context_menu.close()
    return action


async def test_the_reference_is_set_and_cleared_from_the_context_menu(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    registry(plane)
    plane.cameras_[1] = make_camera(2, "Yard", NORTH, last_diagnosed_at=T0)  # has a picture
    pane = await loaded_pane(qtbot, plane, notes)
    pane.select_camera(1)  # Gate: never diagnosed, no reference
    assert menu_action(pane, "setReferenceAction").text() == "Set reference from latest picture"
    assert not menu_action(pane, "setReferenceAction").isEnabled()
    assert not menu_action(pane, "clearReferenceAction").isEnabled()

    pane.select_camera(2)
    action = menu_action(pane, "setReferenceAction")
    assert action.isEnabled()
    action.trigger()
    await until(lambda: pane.camera(2).reference_taken_at is not None, what="the reference")
    assert ("set_reference", 2) in plane.calls
    assert "Reference view since" in pane.tree.currentItem().toolTip(0)
    assert notes.infos[-1] == "“Yard”: its latest picture is now the reference view"

    clear = menu_action(pane, "clearReferenceAction")
    assert clear.text() == "Clear reference" and clear.isEnabled()
    clear.trigger()
    await until(lambda: pane.camera(2).reference_taken_at is None, what="no reference")
    assert ("clear_reference", 2) in plane.calls
    assert notes.errors == []
