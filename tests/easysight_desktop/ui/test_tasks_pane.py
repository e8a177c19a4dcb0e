"""The tasks pane: live rows from events, state filter, and cancel / retry / submit."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableView

from easysight_desktop.control.events import TasksChanged
from easysight_desktop.ui.panes.tasks import TasksPane
from tests.easysight_desktop.ui.conftest import until
from tests.easysight_desktop.ui.fakes import FakePlane, Notes, make_task


def make_pane(qtbot, plane: FakePlane, notes: Notes) -> TasksPane:  # type: ignore[no-untyped-def]
    pane = TasksPane(plane, notes)
    qtbot.addWidget(pane)
    return pane


def shown(pane: TasksPane) -> list[str]:
    return [pane.proxy.index(r, 0).data() for r in range(pane.proxy.rowCount())]


def select_rows(pane: TasksPane, rows: list[int]) -> None:
    selection = pane.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(pane.proxy.index(row, 0), flags)


def test_events_become_rows_and_the_filter_narrows_them(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(qtbot, plane, notes)
    assert pane.findChild(QTableView, "tasksTable") is pane.table
    pane.handle_event(TasksChanged((make_task(0), make_task(1, state="running"))))
    pane.handle_event(TasksChanged((make_task(2, state="failed"),)))
    pane.model.flush()
    assert shown(pane) == ["Camera 2", "Camera 1", "Camera 0"]
    assert pane.findChild(QLabel, "tasksCountLabel").text() == "3 tasks"
    combo = pane.findChild(QComboBox, "tasksStateFilter")
    combo.setCurrentIndex(combo.findData("running"))
    assert shown(pane) == ["Camera 1"]
    assert pane.count_label.text() == "1 of 3 tasks"
    pane.handle_event(TasksChanged((make_task(0, state="running"),)))
    pane.model.flush()
    assert shown(pane) == ["Camera 1", "Camera 0"]


def test_buttons_follow_the_selected_states(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(qtbot, plane, notes)
    pane.model.merge_snapshot(
        [
            make_task(0, submitted=False),
            make_task(1, state="running"),
            make_task(2, state="completed"),
        ]
    )
    buttons = {
        name: pane.findChild(QPushButton, name)
        for name in ("taskSubmitButton", "taskCancelButton", "taskRetryButton")
    }
    assert not any(b.isEnabled() for b in buttons.values())
    select_rows(pane, [0])  # completed
    assert [b.isEnabled() for b in buttons.values()] == [False, False, True]
    select_rows(pane, [2])  # pending, created without "submit now"
    assert [b.isEnabled() for b in buttons.values()] == [True, True, False]
    pane.model.queue([make_task(0)])  # submitted: in the outbox, nothing more to submit
    pane.model.flush()
    select_rows(pane, [2])
    assert [b.isEnabled() for b in buttons.values()] == [False, True, False]
    select_rows(pane, [1])  # running
    assert [b.isEnabled() for b in buttons.values()] == [False, True, False]


def test_selection_survives_updates_and_resets(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(qtbot, plane, notes)
    pane.model.merge_snapshot([make_task(i) for i in range(5)])
    with qtbot.waitSignal(pane.taskSelected) as selected:
        assert pane.select_task(make_task(2).id)
    assert selected.args == [make_task(2).id]
    pane.model.queue([make_task(2, state="running"), make_task(9)])
    pane.model.flush()
    assert [t.id for t in pane.selected_tasks()] == [make_task(2).id]
    pane.model.queue([make_task(100 + n) for n in range(pane.model.reset_over + 1)])
    pane.model.flush()  # a reset
    assert [t.camera_name for t in pane.selected_tasks()] == ["Camera 2"]


async def test_cancel_retry_and_submit_call_the_plane(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    plane.tasks_ = [make_task(0), make_task(1, state="running"), make_task(2, state="failed")]
    pane = make_pane(qtbot, plane, notes)
    pane.load()
    await until(lambda: pane.model.rowCount() == 3, what="the first load")
    select_rows(pane, [0, 1, 2])
    pane.cancel_button.click()
    await until(lambda: sum(c[0] == "cancel" for c in plane.calls) == 2, what="two cancels")
    assert {c[1] for c in plane.calls if c[0] == "cancel"} == {make_task(0).id, make_task(1).id}
    await until(lambda: pane.model.counts["cancelled"] == 2, what="the cancelled rows")
    select_rows(pane, [0])  # the failed one, still first
    pane.retry_button.click()
    await until(lambda: ("retry", make_task(2).id) in plane.calls, what="retry")
    await until(lambda: pane.model.get(make_task(2).id).attempt == 2, what="the new attempt")
    assert not pane.submit_button.isEnabled()  # a retry is sent at once: nothing to submit
    plane.tasks_.append(make_task(3, submitted=False))  # created without "submit now"
    pane.model.queue([plane.tasks_[-1]])
    pane.model.flush()
    select_rows(pane, [0])
    assert pane.submit_button.isEnabled()
    pane.submit_button.click()
    await until(lambda: ("submit", make_task(3).id) in plane.calls, what="submit")
    assert notes.errors == []


async def test_a_refused_action_is_reported_not_raised(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(qtbot, plane, notes)

    async def refuse(task_id):  # type: ignore[no-untyped-def]
        raise ValueError(f"task {task_id} is already completed")

    plane.cancel = refuse
    pane.model.merge_snapshot([make_task(0, state="running", camera_name="Gate")])
    select_rows(pane, [0])
    pane.cancel_button.click()
    await until(lambda: notes.errors, what="the error")
    assert notes.errors[0].startswith("Cancel task for Gate: task ")
    assert "already completed" in notes.errors[0]
