"""The wall in the operator's window: filled by dragging a group from the camera tree, camera
links shown in the tree with a device_offline alarm for a dead camera, the wall's layout kept
across a restart, and no decoder thread left once the window is closed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QDropEvent

from easysight_desktop.control.events import AlarmsChanged, CamerasChanged
from easysight_desktop.ui.main_window import MainWindow, fitting_layout
from easysight_desktop.ui.panes.cameras import KIND_ROLE
from easysight_desktop.ui.wall.presence import THREAD_PREFIX as PROBE_PREFIX
from tests.easysight_desktop.ui.conftest import until
from tests.easysight_desktop.ui.fakes import FakePlane, make_alarm, make_camera
from tests.easysight_desktop.ui.wall_support import (
    MAIN,
    SITE,
    SPECS,
    all_stopped,
    site_cameras,
)
from worker_node.simulator import start_simulator
from worker_node.simulator.server import SimulatorServer

DEAD = 99


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    with start_simulator([*SPECS, MAIN]) as server:
        yield server


@pytest.fixture
def site(plane: FakePlane, sim: SimulatorServer) -> FakePlane:
    plane.groups_ = [SITE]
    plane.cameras_ = [
        *site_cameras(sim),
        make_camera(DEAD, "Fence east", url="http://127.0.0.1:9/cam/x.mjpg"),  # no group
    ]
    return plane


async def opened(plane: FakePlane, settings: QSettings | None = None) -> MainWindow:
    window = MainWindow(plane, layout_settings=settings)
    window.resize(1400, 900)
    window.show()
    await window.start()
    return window


async def closed(window: MainWindow) -> None:
    window.close()
    window.deleteLater()
    assert all_stopped(window.wall)  # close() has stopped every decoder and their processes


async def test_dragging_a_group_from_the_tree_fills_the_wall(site: FakePlane) -> None:
    window = await opened(site)
    try:
        tree = window.cameras.tree
        group = next(
            tree.topLevelItem(n)
            for n in range(tree.topLevelItemCount())
            if tree.topLevelItem(n).data(0, KIND_ROLE) == "group"
        )
        mime = tree.mimeData([group])
        tile = window.wall.tiles[2]
        drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                          Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
        tile.dropEvent(drop)
        assert drop.isAccepted()
        wall = window.wall
        assert wall.page_count == 2  # six cameras on four tiles
        assert [t.camera.name for t in wall.tiles if t.camera] == [
            "Gate", "Camera 1", "Camera 2", "Camera 3",
        ]  # fmt: skip
        await until(lambda: all(t.shows_live_picture for t in wall.tiles), 10, "a live wall")
        await until(lambda: window.presence.state(1) == "online", 3, "the link state")
        assert tree_text(window, 1) == "Gate" and "online" in window.cameras._item(1).toolTip(0)
        # one camera dragged alone goes where it is dropped
        one = tree.mimeData([window.cameras._item(DEAD)])  # kept: the event does not own it
        wall.tiles[3].dropEvent(
            QDropEvent(
                QPointF(5, 5),
                Qt.DropAction.CopyAction,
                one,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            )
        )
        assert wall.tiles[3].camera.id == DEAD
    finally:
        await closed(window)


def tree_text(window: MainWindow, camera_id: int) -> str:
    item = window.cameras._item(camera_id)
    return item.text(0) if item is not None else ""


async def test_a_dead_camera_is_offline_in_the_tree_and_raises_one_alarm(site: FakePlane) -> None:
    window = await opened(site)
    try:
        window.presence.alarm_after_s = 0.5
        window.wall.show_cameras([c for c in site.cameras_ if c.id in (2, DEAD)])
        await until(lambda: "offline" in tree_text(window, DEAD), 5, "the offline mark")
        await until(lambda: any(c[0] == "raise_device_offline" for c in site.calls), 5, "the alarm")
        [call] = [c for c in site.calls if c[0] == "raise_device_offline"]
        assert call[1] == DEAD and "refused" in call[2]
        assert tree_text(window, 2) == "Camera 1"
        # a wrong path is an error to fix, not a device that went offline
        broken = replace(site.cameras_[2], url=site.cameras_[2].url.replace(".mjpg", "x.mjpg"))
        window.wall.place([broken], 2)
        await until(lambda: "stream error" in tree_text(window, 3), 5, "the error mark")
        assert window.presence.state(3) == "error"
        window.presence.alarm_after_s = 0.0
        await window.presence.service.check_alarms()
        assert not [c for c in site.calls if c[0] == "raise_device_offline" and c[1] == 3]
        # the cameras not on the wall are probed (first round 2 s after start)
        await until(lambda: window.presence.state(4) == "online", 5, "the probe")
        assert [t for t in threading.enumerate() if t.name.startswith(PROBE_PREFIX)]
    finally:
        await closed(window)
    await until(
        lambda: not [t for t in threading.enumerate() if t.name.startswith(PROBE_PREFIX)],
        5,
        "the probe threads to end",
    )


async def test_the_wall_comes_back_as_it_was_after_a_restart(
    site: FakePlane, tmp_path: Path
) -> None:
    path = str(tmp_path / "console.ini")
    window = await opened(site, QSettings(path, QSettings.Format.IniFormat))
    try:
        window.wall.set_layout("1+5")
        chosen = [site.cameras_[n] for n in (3, 0, 5)]
        window.wall.show_cameras(chosen)
        window.wall.tour_check.setChecked(True)
        assert window.wall.running_decoders() == 3
    finally:
        await closed(window)

    again = await opened(site, QSettings(path, QSettings.Format.IniFormat))
    try:
        wall = again.wall
        assert wall.layout_name == "1+5" and len(wall.tiles) == 6
        assert [c.id if c else None for c in wall.assigned()] == [4, 1, 6]
        assert wall.tour_check.isChecked()
        assert again.central_tabs.currentIndex() == 0
        await until(lambda: all(t.shows_live_picture for t in wall.tiles[:3]), 10, "live tiles")
    finally:
        await closed(again)


async def test_the_wall_is_saved_as_it_changes_not_only_at_close(
    site: FakePlane, tmp_path: Path
) -> None:
    path = str(tmp_path / "console.ini")
    window = await opened(site, QSettings(path, QSettings.Format.IniFormat))
    try:

        def saved() -> dict[str, object]:
            text = QSettings(path, QSettings.Format.IniFormat).value("wall/state")
            return json.loads(text) if isinstance(text, str) else {}

        window.wall.set_layout("9")
        window.wall.show_cameras([site.cameras_[2]])
        await until(lambda: saved().get("layout") == "9", 5, "the layout saved")
        assert saved()["cameras"] == [3]
        window.wall.tour_seconds.setValue(45)
        await until(lambda: saved().get("tour_s") == 45, 5, "the tour saved")
    finally:
        await closed(window)


async def test_closing_the_window_stops_every_decoder_thread(site: FakePlane) -> None:
    window = await opened(site)
    window.wall.set_layout("9")
    window.wall.show_cameras(site.cameras_)  # six live cameras and a dead one
    await until(lambda: sum(t.shows_live_picture for t in window.wall.tiles) == 6, 10, "live")
    assert window.wall.running_decoders() == 7
    window.wall.enter_full_screen()  # closing from full screen too
    await closed(window)
    assert not window.wall.full_screen


async def test_diagnose_now_from_a_tile_sends_an_urgent_task(site: FakePlane) -> None:
    window = await opened(site)
    try:
        window.wall.diagnoseRequested.emit(3)
        await until(lambda: any(c[0] == "create_tasks" for c in site.calls), 5, "the task")
        [call] = [c for c in site.calls if c[0] == "create_tasks"]
        assert call[1:] == ("diagnosis", {}, [3], [], 8, True)
        assert "Created 1 diagnosis task" in window.status.message.text()
    finally:
        await closed(window)


async def test_tiles_follow_diagnosis_status_alarms_and_registry_changes(site: FakePlane) -> None:
    window = await opened(site)
    try:
        window.wall.show_cameras(site.cameras_[:3])
        tile = window.wall.tiles[1]  # "Camera 1", id 2
        site.alarms_ = [make_alarm(1, camera_id=2), make_alarm(2, camera_id=2), make_alarm(3)]
        site.events.emit(AlarmsChanged((site.alarms_[0],)))
        await until(lambda: tile.alarm_count == 2, 3, "the alarm badge")
        site.events.emit(CamerasChanged((replace(site.cameras_[1], status="critical"),)))
        assert tile.camera.status == "critical"
        site.cameras_ = [c for c in site.cameras_ if c.id != 2]  # removed from the registry
        site.events.emit(CamerasChanged())
        await until(lambda: tile.camera is None, 3, "the removed camera to leave the wall")
        assert window.wall.tiles[0].camera.id == 1 and window.wall.tiles[2].camera.id == 3
    finally:
        await closed(window)


def test_a_group_gets_the_smallest_square_layout_that_holds_it() -> None:
    assert [fitting_layout(n) for n in (1, 2, 4, 5, 9, 10, 16, 40)] == [
        "1", "4", "4", "9", "9", "16", "16", "16",
    ]  # fmt: skip


async def test_a_first_start_shows_the_group_until_the_operator_arranges_the_wall(
    site: FakePlane, sim: SimulatorServer, tmp_path: Path
) -> None:
    path = str(tmp_path / "console.ini")
    window = await opened(site, QSettings(path, QSettings.Format.IniFormat))
    try:
        wall = window.wall
        window.show_group_at_first_start(SITE.name)
        assert wall.layout_name == "9"
        assert [c.id for c in wall.assigned() if c] == [1, 2, 3, 4, 5, 6]
        # the demo registers more cameras of the group: the wall follows them
        site.cameras_ += [
            make_camera(20 + n, f"More {n}", SITE, url=sim.stream_url(SPECS[n].id))
            for n in range(5)
        ]
        site.events.emit(CamerasChanged())
        await until(lambda: len(wall.assigned()) == 11, 5, "the grown group on the wall")
        assert wall.layout_name == "16"
        # the operator arranges the wall: it is theirs from then on
        wall.show_cameras([site.cameras_[3]])
        site.cameras_.append(make_camera(30, "Late", SITE, url=sim.stream_url(SPECS[0].id)))
        site.events.emit(CamerasChanged())
        await until(lambda: window.cameras.camera(30) is not None, 5, "the registry")
        assert [c.id for c in wall.assigned() if c] == [4]
    finally:
        await closed(window)

    again = await opened(site, QSettings(path, QSettings.Format.IniFormat))
    try:
        again.show_group_at_first_start(SITE.name)  # not a first start: the saved wall wins
        assert [c.id if c else None for c in again.wall.assigned()] == [4]
        assert again.wall.layout_name == "16"
    finally:
        await closed(again)
