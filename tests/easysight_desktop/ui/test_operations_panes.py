"""Workers, queues and alarms: the bottom tabs an operator watches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox, QPushButton

from easysight_desktop.control.events import AlarmsChanged, QueuesSampled, WorkersChanged
from easysight_desktop.control.views import HealthSample, QueueView
from easysight_desktop.ui.panes.alarms import MESSAGE_COLUMN, SOURCE_COLUMN, AlarmsModel, AlarmsPane
from easysight_desktop.ui.panes.queues import QueuesPane
from easysight_desktop.ui.panes.workers import WorkersPane
from easysight_desktop.ui.status_colors import ACTIVE, ERROR, PAUSED, WARNING
from easysight_desktop.ui.table_model import KEY_ROLE
from tests.easysight_desktop.ui.conftest import until
from tests.easysight_desktop.ui.fakes import make_alarm, make_task, make_worker
from worker_node.protocol import catalogue


def column(view, number: int, role=Qt.ItemDataRole.DisplayRole) -> list:  # type: ignore[no-untyped-def]
    model = view.model()
    return [model.index(r, number).data(role) for r in range(model.rowCount())]


def select(view, rows: list[int]) -> None:  # type: ignore[no-untyped-def]
    selection = view.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(view.model().index(row, 0), flags)


# --- workers -----------------------------------------------------------------------------------


def test_workers_show_state_load_tasks_and_heartbeat_age(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    task = make_task(1, camera_name="Gate")
    now = datetime.now(UTC)
    plane.workers_ = [make_worker("w-b", status="paused")]
    pane = WorkersPane(plane, notes, task_name=lambda t: "Gate" if t == task.id else None)
    qtbot.addWidget(pane)
    pane.load()
    pane.handle_event(
        WorkersChanged(
            (
                make_worker(
                    "w-a",
                    status="busy",
                    active=(task.id, make_task(2).id),
                    last_heartbeat=now - timedelta(seconds=50),
                ),
            )
        )
    )
    table = pane.table
    assert column(table, 0) == ["w-a", "w-b"]  # sorted by id
    assert column(table, 1) == ["busy", "paused"]
    assert column(table, 1, Qt.ItemDataRole.ForegroundRole) == [QColor(ACTIVE), QColor(PAUSED)]
    assert column(table, 2) == ["2/3", "0/3"]
    assert column(table, 3)[0] == f"Gate, {str(make_task(2).id)[:8]}"
    assert column(table, 4)[0] in ("50 s ago", "51 s ago")
    assert column(table, 4, Qt.ItemDataRole.ForegroundRole)[0] == QColor(WARNING)  # late
    ticks = []
    pane.model.dataChanged.connect(lambda a, b, _r: ticks.append((a.column(), b.column())))
    qtbot.waitUntil(lambda: bool(ticks), timeout=2500)
    assert ticks[0] == (4, 4)  # only the age column repaints every second


async def test_control_commands_go_to_the_selected_workers(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    plane.workers_ = [make_worker("w-a"), make_worker("w-b"), make_worker("w-c", status="offline")]
    pane = WorkersPane(plane, notes)
    qtbot.addWidget(pane)
    pane.load()
    drain = pane.findChild(QPushButton, "workerDrainButton")
    assert not drain.isEnabled()
    select(pane.table, [2])
    assert not drain.isEnabled()  # offline workers cannot be told anything
    select(pane.table, [0, 1, 2])
    drain.click()
    await until(lambda: len(plane.calls) == 2, what="two drain commands")
    assert sorted(plane.calls) == [
        ("send_control", "w-a", "drain"),
        ("send_control", "w-b", "drain"),
    ]
    await until(lambda: len(notes.infos) == 2)


async def test_shutdown_asks_first_and_a_broker_outage_is_reported(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    plane.workers_ = [make_worker("w-a")]
    plane.broker_up = False
    pane = WorkersPane(plane, notes)
    qtbot.addWidget(pane)
    pane.show()
    pane.load()
    select(pane.table, [0])
    pane.findChild(QPushButton, "workerShutdownButton").click()
    box = pane.findChild(QMessageBox, "confirmBox")
    assert box is not None and box.isVisible() and plane.calls == []
    [yes] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
    assert yes.text() == "Shut down"
    yes.click()
    await until(lambda: notes.errors, what="the error")
    assert plane.calls == [("send_control", "w-a", "shutdown")]
    assert notes.errors == ["Shut down w-a: the broker is not connected; the command was not sent"]


# --- queues ------------------------------------------------------------------------------------


def test_queues_follow_samples(qtbot, plane) -> None:  # type: ignore[no-untyped-def]
    pane = QueuesPane(plane)
    qtbot.addWidget(pane)
    pane.load()
    assert pane.hint.label.text() == "Waiting for the first queue sample…"
    sample = HealthSample(datetime.now(UTC))
    queues = (
        QueueView("diagnosis_tasks", 12, 0),
        QueueView("task_results", 0, 1, unacked=3),
    )
    pane.handle_event(QueuesSampled(queues, sample))
    assert column(pane.table, 0) == ["diagnosis_tasks", "task_results"]
    assert column(pane.table, 2) == ["—", "3"]
    consumers = column(pane.table, 3, Qt.ItemDataRole.ForegroundRole)
    assert consumers == [QColor(ERROR), None]  # waiting work nobody takes; a served queue
    pane.handle_event(QueuesSampled(queues[1:], sample))
    assert column(pane.table, 0) == ["task_results"]
    pane.handle_event(QueuesSampled((), sample))
    assert pane.model.rowCount() == 0
    assert "broker is not connected" in pane.hint.label.text()


# --- alarms ------------------------------------------------------------------------------------


async def test_alarms_newest_first_with_open_count_and_acknowledge(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    plane.alarms_ = [
        make_alarm(1),
        make_alarm(2, level="critical"),
        make_alarm(3, state="resolved"),
    ]
    pane = AlarmsPane(plane, notes)
    qtbot.addWidget(pane)
    counts: list[int] = []
    pane.openCountChanged.connect(counts.append)
    pane.load()
    await until(lambda: counts == [2], what="the open count")
    assert column(pane.table, 0, KEY_ROLE) == [3, 2, 1]  # newest first
    assert column(pane.table, 2) == ["high", "critical", "high"]
    ack = pane.findChild(QPushButton, "acknowledgeButton")
    select(pane.table, [0])  # resolved: nothing to acknowledge
    assert not ack.isEnabled()
    select(pane.table, [0, 1, 2])
    ack.click()
    await until(lambda: counts[-1] == 0, what="no open alarms")
    assert plane.calls[-1] == ("acknowledge_alarms", [2, 1])
    pane.handle_event(AlarmsChanged((make_alarm(4),)))
    assert counts[-1] == 1
    pane.open_only.setChecked(True)
    assert pane.proxy.rowCount() == 1


def test_diagnosis_alarms_name_their_check_by_title(qtbot, language) -> None:  # type: ignore[no-untyped-def]
    model = AlarmsModel()
    model.set_rows(
        [
            make_alarm(1, source="diagnosis.brightness", message="too dark: mean grey 12"),
            make_alarm(2, source="event.intrusion", message="someone at the fence"),
        ]
    )
    texts = [model.index(r, MESSAGE_COLUMN).data() for r in range(2)]
    assert texts == ["Brightness: too dark: mean grey 12", "someone at the fence"]
    language("zh")
    assert model.index(0, SOURCE_COLUMN).data() == "亮度"
    assert model.index(1, SOURCE_COLUMN).data() == "event.intrusion"
    assert model.index(0, MESSAGE_COLUMN).data() == "亮度: too dark: mean grey 12"  # no code


def test_diagnosis_alarms_are_worded_in_the_operators_language(qtbot, language) -> None:  # type: ignore[no-untyped-def]
    facts = {"value": 11.0, "low": 30.0, "high": 220.0}
    alarm = make_alarm(
        1, source="diagnosis.brightness", message="too dark", code="too_dark", facts=facts
    )
    model = AlarmsModel()
    model.set_rows([alarm])
    language("zh")
    zh = catalogue.word("brightness", "too_dark", facts, "zh")
    assert model.index(0, MESSAGE_COLUMN).data() == f"亮度: {zh}"
    assert model.index(0, MESSAGE_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == "too dark"
