"""The tasks model coalesces bursts of events into few, cheap model updates."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from easysight_desktop.ui.panes.tasks_model import TasksModel
from tests.easysight_desktop.ui.fakes import make_task
from worker_node.protocol import catalogue


class Signals:
    """Counts what the model told its views."""

    def __init__(self, model: TasksModel) -> None:
        self.reset = 0
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        self.changed: list[tuple[int, int]] = []
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.removed.append((a, b)))
        model.dataChanged.connect(lambda a, b, _r: self.changed.append((a.row(), b.row())))

    def _reset(self) -> None:
        self.reset += 1

    def clear(self) -> None:
        self.reset = 0
        self.inserted.clear()
        self.removed.clear()
        self.changed.clear()


def names(model: TasksModel) -> list[str]:
    return [model.row(i).camera_name for i in range(model.rowCount())]


@pytest.fixture
def model(qtbot) -> TasksModel:  # type: ignore[no-untyped-def]
    model = TasksModel(flush_ms=20)
    model.merge_snapshot([make_task(i) for i in range(10)])
    return model


def test_first_load_is_newest_first(model: TasksModel) -> None:
    assert names(model) == [f"Camera {i}" for i in reversed(range(10))]
    assert model.counts["pending"] == 10


def test_queued_changes_wait_for_the_flush(model: TasksModel) -> None:
    seen = Signals(model)
    for n in range(500):  # a burst: the same task changing, and new tasks
        model.queue([make_task(3, state="running", attempt=1 + n % 2), make_task(100 + n)])
    assert (seen.reset, seen.inserted, seen.changed) == (0, [], [])
    assert model.rowCount() == 10
    model.flush()
    assert model.rowCount() == 510
    assert model.get(make_task(3).id).state == "running"


def test_a_small_flush_patches_rows_and_inserts_new_ones_at_the_top(model: TasksModel) -> None:
    seen = Signals(model)
    model.queue([make_task(2, state="queued"), make_task(3, state="running")])
    model.queue([make_task(20), make_task(21)])
    model.flush()
    assert seen.reset == 0
    assert seen.inserted == [(0, 1)]
    assert seen.changed == [(6, 7)]  # rows 6 and 7 (tasks 3 and 2), one signal for the run
    assert names(model)[:3] == ["Camera 21", "Camera 20", "Camera 9"]
    assert model.counts == {"pending": 10, "queued": 1, "running": 1}


def test_a_huge_batch_resets_once(model: TasksModel) -> None:
    seen = Signals(model)
    model.queue([make_task(100 + n) for n in range(model.reset_over + 1)])
    model.flush()
    assert seen.reset == 1 and seen.inserted == []
    assert names(model)[0] == f"Camera {100 + model.reset_over}"


def test_the_table_keeps_at_most_cap_rows_dropping_the_oldest(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = TasksModel(cap=5)
    model.merge_snapshot([make_task(i) for i in range(5)])
    seen = Signals(model)
    model.queue([make_task(10), make_task(11)])
    model.flush()
    assert seen.removed == [(5, 6)]
    assert names(model) == ["Camera 11", "Camera 10", "Camera 4", "Camera 3", "Camera 2"]
    assert sum(model.counts.values()) == 5
    assert model.get(make_task(0).id) is None


def test_a_late_arrival_goes_to_its_place(model: TasksModel) -> None:
    just_after_4 = make_task(4).created_at.replace(microsecond=5)
    old = make_task(4, camera_name="Late", created_at=just_after_4)
    model.queue([replace(old, id=make_task(555).id)])
    model.flush()
    shown = names(model)
    assert shown[shown.index("Late") - 1 : shown.index("Late") + 2] == [
        "Camera 5",
        "Late",
        "Camera 4",
    ]


def test_a_snapshot_never_takes_a_task_backwards(model: TasksModel) -> None:
    model.queue([make_task(1, state="running")])
    model.flush()
    model.merge_snapshot([make_task(1, state="queued"), make_task(2, state="completed")])
    assert model.get(make_task(1).id).state == "running"  # the event was newer
    assert model.get(make_task(2).id).state == "completed"  # the snapshot was further on
    model.queue([make_task(2, state="pending", attempt=2)])  # an event always wins: a retry
    model.flush()
    assert model.get(make_task(2).id).attempt == 2


def test_the_timer_applies_queued_changes(qtbot, model: TasksModel) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(model.flushed, timeout=2000) as blocker:
        model.queue([make_task(5, state="failed", error="boom\nsecond line")])
    assert blocker.args == [1]
    row = model.row_number(make_task(5).id)
    cell = model.index(row, model.column_number("Error"))
    assert model.data(cell) == "boom"  # the first line in the table, all of it in the tooltip
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole) == "boom\nsecond line"


def test_thousands_of_events_cost_one_update(qtbot) -> None:  # type: ignore[no-untyped-def]
    """1,000 events per second must not stall the GUI: 5,000 events on 5,000 rows are queued
    without touching the view and applied in one flush, as one update of the view (their cost
    is measured by bench/console_throughput.py, not timed here)."""
    model = TasksModel()
    model.merge_snapshot([make_task(i) for i in range(5000)])
    updates: list[str] = []
    model.dataChanged.connect(lambda *_: updates.append("data"))
    model.modelReset.connect(lambda: updates.append("reset"))
    model.rowsInserted.connect(lambda *_: updates.append("rows"))
    for n in range(5000):
        model.queue([make_task(n * 7 % 5000, state="running", worker_id="w")])
    assert updates == []
    model.flush()
    assert model.counts["running"] == len({n * 7 % 5000 for n in range(5000)})
    assert len(updates) == 1, updates


def test_a_template_task_shows_the_template(qtbot, language) -> None:  # type: ignore[no-untyped-def]
    model = TasksModel()
    quick = catalogue.template("quick")
    model.queue(
        [
            make_task(1, checks=(), template="quick"),
            make_task(2, checks=("brightness",), template="quick"),
            make_task(3, checks=()),
        ]
    )
    model.flush()
    column = [c.title for c in model.columns].index("Checks")
    texts = {model.rows()[r].id.int: model.index(r, column).data() for r in range(3)}
    assert texts == {2: quick.title.en, 3: f"{quick.title.en} (changed)", 4: "all checks"}
    language("zh")
    row = next(r for r in range(3) if model.rows()[r].id.int == 2)
    assert model.index(row, column).data() == quick.title.zh
    assert model.index(row, column).data(Qt.ItemDataRole.ToolTipRole).endswith(quick.title.zh)
