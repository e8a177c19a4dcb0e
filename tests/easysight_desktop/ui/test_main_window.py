"""The window as a whole: panes found by name, events routed, panes wired to each other."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QPushButton, QWidget

from easysight_desktop.control.events import (
    AlarmsChanged,
    BrokerStateChanged,
    DatabaseStateChanged,
    QueuesSampled,
    TasksChanged,
)
from easysight_desktop.control.views import ConnectionState, HealthSample, QueueView
from easysight_desktop.ui.main_window import MainWindow
from easysight_desktop.ui.theme import apply_theme, load_style_sheet
from tests.easysight_desktop.ui.conftest import signal_seen, until
from tests.easysight_desktop.ui.fakes import FakePlane, make_alarm, make_camera, make_result
from tests.easysight_desktop.ui.fakes import make_task as task

OBJECT_NAMES = [
    "camerasTree",
    "camerasFilter",
    "cameraAddButton",
    "cameraEditButton",
    "cameraRemoveButton",
    "cameraMoreButton",
    "cameraDiagnoseButton",
    "tasksTable",
    "tasksStateFilter",
    "tasksCountLabel",
    "newTaskButton",
    "taskSubmitButton",
    "taskCancelButton",
    "taskRetryButton",
    "resultsHeader",
    "resultsAttemptCombo",
    "resultsChecksTable",
    "snapshotLabel",
    "workersTable",
    "workerDrainButton",
    "workerPauseButton",
    "workerResumeButton",
    "workerShutdownButton",
    "queuesTable",
    "alarmsTable",
    "acknowledgeButton",
    "alarmsOpenOnly",
    "healthChart",
    "statusMessageLabel",
    "brokerStatusLabel",
    "databaseStatusLabel",
    "taskCountsLabel",
    "alarmCountLabel",
    "camerasDock",
    "resultsDock",
    "workersDock",
    "queuesDock",
    "alarmsDock",
    "chartDock",
    "centralTabs",
    "liveWall",
    "wallLayoutCombo",
    "wallPageLabel",
    "wallFullScreenButton",
]


@pytest.fixture
async def window(qtbot, plane: FakePlane) -> MainWindow:  # type: ignore[no-untyped-def]
    """Made on the running loop, as the application makes it."""
    plane.cameras_ = [make_camera(1, "Gate")]
    plane.tasks_ = [task(0, camera_id=1, camera_name="Gate", state="completed")]
    plane.alarms_ = [make_alarm(1)]
    window = MainWindow(plane)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


async def loaded(window: MainWindow) -> MainWindow:
    await window.start()
    assert window.tasks.model.rowCount() == 1 and len(window.cameras.cameras) == 1
    return window


async def test_every_documented_object_name_is_there(window: MainWindow) -> None:
    await loaded(window)
    missing = [name for name in OBJECT_NAMES if window.findChild(QWidget, name) is None]
    assert missing == []
    assert window.wall.isVisible()  # the screen of the day comes first
    window.show_tasks()
    assert window.findChild(QPushButton, "newTaskButton").isVisible()


async def test_events_reach_the_panes(window: MainWindow, plane: FakePlane) -> None:
    await loaded(window)
    plane.events.emit(TasksChanged((task(5, camera_name="Yard", state="running"),)))
    await until(lambda: window.tasks.model.counts["running"] == 1, what="the task row")
    assert "running 1" in window.findChild(QLabel, "taskCountsLabel").text()
    plane.events.emit(
        BrokerStateChanged(ConnectionState(False, "broker: connection refused", datetime.now(UTC)))
    )
    assert "connection refused" in window.findChild(QLabel, "brokerStatusLabel").text()
    plane.events.emit(AlarmsChanged((make_alarm(2), make_alarm(3, state="acknowledged"))))
    dock = window.findChild(QDockWidget, "alarmsDock")
    assert dock.windowTitle() == "Alarms (2)"
    assert window.findChild(QLabel, "alarmCountLabel").text().endswith("Open alarms: 2</span>")
    sample = HealthSample(datetime.now(UTC), {"diagnosis_tasks": 4}, 1)
    plane.events.emit(QueuesSampled((QueueView("diagnosis_tasks", 4, 1),), sample))
    assert window.queues.model.rowCount() == 1
    assert window.chart.sample_count == 1


async def test_choosing_a_task_or_a_camera_shows_its_results(window, plane) -> None:  # type: ignore[no-untyped-def]
    await loaded(window)
    done = task(0, camera_id=1, camera_name="Gate", state="completed")
    plane.results_[done.id] = [make_result(done)]
    async with signal_seen(window.results.loaded):
        window.tasks.select_task(done.id)
    assert window.results.shown_task == done.id
    assert window.results.model.rowCount() == 2
    async with signal_seen(window.results.loaded):
        window.cameras.select_camera(1)
    assert ("latest_results_for_camera", 1) in plane.calls


async def test_the_new_task_dialog_is_one_non_modal_window(window, plane) -> None:  # type: ignore[no-untyped-def]
    await loaded(window)
    window.cameras.select_camera(1)
    window.findChild(QPushButton, "newTaskButton").click()
    dialog = window.new_task_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert dialog.camera_ids() == [1]  # the camera selected in the tree
    window.tasks.new_button.click()
    assert window.new_task_dialog is dialog  # raised, not opened twice
    dialog.accept()
    await until(lambda: window.new_task_dialog is None, what="the dialog to close")
    await until(lambda: window.tasks.model.rowCount() == 2, what="the new task row")
    assert window.status.message.text() == "Created 1 diagnosis task"


async def test_the_window_waits_for_start_and_reports_a_failed_read(qtbot, plane) -> None:  # type: ignore[no-untyped-def]
    async def broken(states=None, limit=1000):  # type: ignore[no-untyped-def]
        raise ConnectionError("database: unreachable")

    plane.tasks = broken
    plane.alarms_ = [make_alarm(1)]
    window = MainWindow(plane)
    qtbot.addWidget(window)
    await asyncio.sleep(0)
    assert plane.calls == []  # nothing read before start(): the plane may not be started yet
    await window.start()
    assert window.status.message.text() == "Loading tasks: database: unreachable"
    assert window.alarms.open_count() == 1  # the other panes still loaded


async def test_the_window_reads_again_when_the_database_comes_back(window, plane) -> None:  # type: ignore[no-untyped-def]
    await loaded(window)
    reads = plane.calls.count(("tasks", (), window.tasks.model.cap))
    now = datetime.now(UTC)
    plane.events.emit(DatabaseStateChanged(ConnectionState(False, "database: gone", now)))
    assert "database: gone" in window.findChild(QLabel, "databaseStatusLabel").text()
    plane.events.emit(DatabaseStateChanged(ConnectionState(True, "database: ok", now)))
    await until(
        lambda: plane.calls.count(("tasks", (), window.tasks.model.cap)) == reads + 1,
        what="a second read",
    )
    assert window.status.message.text() == "The database is back; reloading"


async def test_closing_the_window_stops_listening(window, plane) -> None:  # type: ignore[no-untyped-def]
    await loaded(window)
    window.close()
    plane.events.emit(TasksChanged((task(7),)))
    window.tasks.model.flush()
    assert window.tasks.model.get(task(7).id) is None


def test_the_theme_is_dark_and_loads_its_style_sheet(qapp: QApplication) -> None:
    sheet = load_style_sheet()
    assert "QDockWidget::title" in sheet
    old_sheet, old_palette = qapp.styleSheet(), qapp.palette()
    try:
        apply_theme(qapp)
        assert qapp.styleSheet() == sheet
        assert qapp.palette().window().color().lightness() < 60
        assert qapp.palette().text().color().lightness() > 200
    finally:
        qapp.setStyleSheet(old_sheet)
        qapp.setPalette(old_palette)
