"""The results pane: checks, snapshot and attempts of a task, or a camera's latest diagnosis."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QComboBox, QLabel, QTableView

from easysight_desktop.control.events import ResultRecorded
from easysight_desktop.control.views import CheckView
from easysight_desktop.ui.panes.results import ResultsPane
from easysight_desktop.ui.status_colors import WARNING
from tests.easysight_desktop.ui.conftest import signal_seen, until
from tests.easysight_desktop.ui.fakes import make_camera, make_result, make_task
from worker_node.protocol import catalogue


def jpeg(path: Path, width: int = 64, height: int = 36) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    assert image.save(str(path), "JPEG")
    return path


def make_pane(qtbot, plane, notes) -> ResultsPane:  # type: ignore[no-untyped-def]
    pane = ResultsPane(plane, notes)
    qtbot.addWidget(pane)
    pane.resize(420, 600)
    pane.show()
    return pane


def cells(pane: ResultsPane, column: int, role=Qt.ItemDataRole.DisplayRole) -> list:  # type: ignore[no-untyped-def]
    model = pane.table.model()
    return [model.index(r, column).data(role) for r in range(model.rowCount())]


async def test_a_task_shows_its_checks_and_snapshot(qtbot, plane, notes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    task = make_task(1, camera_name="Gate")
    plane.results_[task.id] = [make_result(task, snapshot=jpeg(tmp_path / "s.jpg"))]
    pane = make_pane(qtbot, plane, notes)
    assert pane.findChild(QTableView, "resultsChecksTable") is pane.table
    pane.show_task(task.id)
    await until(pane.snapshot.has_image, what="the snapshot")
    assert pane.snapshot.image_size().width() == 64
    assert pane.findChild(QLabel, "snapshotLabel").pixmap().width() > 64  # scaled to fit
    assert cells(pane, 0) == ["Brightness", "Clarity (blur)"]
    assert cells(pane, 1) == ["normal", "warning"]
    assert cells(pane, 1, Qt.ItemDataRole.ForegroundRole)[1] == QColor(WARNING)
    assert cells(pane, 3) == ["120.5 / 30", "180 / 100"]
    assert "Gate" in pane.header.text() and "warning" in pane.header.text()
    assert not pane.findChild(QComboBox, "resultsAttemptCombo").isVisible()
    assert notes.errors == []


async def test_several_attempts_can_be_chosen(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    task = make_task(1)
    plane.results_[task.id] = [
        make_result(task, 2),
        make_result(task, 1, status="timeout", overall=None, checks=(), error="timeout: late"),
    ]
    pane = make_pane(qtbot, plane, notes)
    async with signal_seen(pane.loaded):
        pane.show_task(task.id)
    combo = pane.attempt_combo
    assert combo.isVisible() and combo.count() == 2
    assert combo.itemText(0) == "#2 · succeeded"
    combo.setCurrentIndex(1)
    assert pane.model.rowCount() == 0
    assert "timeout: late" in pane.header.text()
    assert pane.hint.label.text() == "This attempt reported no checks."
    assert pane.snapshot.text() == "No snapshot for this attempt"


async def test_a_missing_snapshot_file_is_said_so(qtbot, plane, notes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    task = make_task(1)
    plane.results_[task.id] = [make_result(task, snapshot=tmp_path / "gone.jpg")]
    pane = make_pane(qtbot, plane, notes)
    pane.show_task(task.id)
    await until(lambda: pane.snapshot.text() == "The snapshot file is missing", what="the text")
    assert notes.errors == []  # a missing thumbnail is not an operator error


async def test_a_late_answer_for_an_earlier_choice_is_dropped(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    first, second = make_task(1, camera_name="First"), make_task(2, camera_name="Second")
    first_may_answer = asyncio.Event()
    answered: list[str] = []

    async def results(task_id):  # type: ignore[no-untyped-def]
        if task_id == first.id:
            await first_may_answer.wait()  # the first answer arrives after the second
        answered.append("first" if task_id == first.id else "second")
        return [make_result(first if task_id == first.id else second)]

    plane.results = results
    pane = make_pane(qtbot, plane, notes)
    pane.show_task(first.id)
    pane.show_task(second.id)
    await until(lambda: "Second" in pane.header.text(), what="the second task")
    first_may_answer.set()
    await until(lambda: answered == ["second", "first"], what="the late answer")
    await until(lambda: not pane._runner.busy, what="its handling")
    assert "Second" in pane.header.text()


async def test_a_camera_without_results_says_so_and_updates_on_new_results(  # type: ignore[no-untyped-def]
    qtbot, plane, notes
) -> None:
    pane = make_pane(qtbot, plane, notes)
    async with signal_seen(pane.loaded):
        pane.show_camera(7, "Dock <2>")
    assert "Dock &lt;2&gt;" in pane.header.text()
    assert pane.hint.label.isVisible()
    assert pane.hint.label.text() == "No finished diagnosis for this camera yet."
    task = make_task(3, camera_id=7, camera_name="Dock <2>")
    plane.camera_results[7] = [
        make_result(task, checks=(CheckView("signal_loss", 0, "critical", None, None, "no"),))
    ]
    async with signal_seen(pane.loaded):
        pane.handle_event(ResultRecorded(task.id, 1, 7))
    assert cells(pane, 0) == ["Signal loss"]
    assert cells(pane, 3) == ["—"]
    pane.handle_event(ResultRecorded(task.id, 1, 8))  # another camera: nothing to do
    assert plane.calls.count(("latest_results_for_camera", 7)) == 2
    assert ("latest_results_for_camera", 8) not in plane.calls


DARK = {"value": 12.0, "low": 40.0, "high": 220.0}
CHECKS_WITH_CODES = (
    CheckView("brightness", 30.0, "error", 12.0, 40.0, "too dark: mean grey 12", "too_dark", DARK),
    CheckView("clarity", 90.0, "normal", 300.0, 100.0, "sharp (older worker)"),  # no code
    CheckView("freeze", 90.0, "normal", None, None, "as sent", "no_such_code", {}),
    CheckView("brand_new_check", 90.0, "normal", None, None, "from a newer worker", "x", {}),
)


async def test_findings_are_worded_in_the_operators_language(qtbot, plane, notes, language) -> None:  # type: ignore[no-untyped-def]
    language("zh")
    task = make_task(1)
    plane.results_[task.id] = [make_result(task, checks=CHECKS_WITH_CODES, template="quick")]
    pane = make_pane(qtbot, plane, notes)
    async with signal_seen(pane.loaded):
        pane.show_task(task.id)
    titles = [catalogue.check_info(name).title.zh for name in ("brightness", "clarity", "freeze")]
    assert cells(pane, 0) == [*titles, "brand_new_check"]  # an unknown check: its wire name
    assert cells(pane, 4) == [
        catalogue.word("brightness", "too_dark", DARK, "zh"),
        "sharp (older worker)",  # no code: the worker's message
        "as sent",  # a code this console cannot word
        "from a newer worker",
    ]
    assert cells(pane, 4)[0].startswith("画面过暗")
    tip = cells(pane, 0, Qt.ItemDataRole.ToolTipRole)[0]
    assert tip.splitlines()[1] == cells(pane, 4)[0]
    assert catalogue.template("quick").title.zh in pane.header.text()


async def test_findings_in_english_by_default(qtbot, plane, notes) -> None:  # type: ignore[no-untyped-def]
    task = make_task(1)
    plane.results_[task.id] = [make_result(task, checks=CHECKS_WITH_CODES[:2])]
    pane = make_pane(qtbot, plane, notes)
    async with signal_seen(pane.loaded):
        pane.show_task(task.id)
    assert cells(pane, 0) == ["Brightness", "Clarity (blur)"]
    assert cells(pane, 4) == [
        catalogue.word("brightness", "too_dark", DARK, "en"),
        "sharp (older worker)",
    ]
    # The finding gets the room, whole: no sideways scrolling, wrapped onto more lines.
    header = pane.table.horizontalHeader()
    assert pane.table.isColumnHidden(2) and pane.table.isColumnHidden(3)  # score, value / limit
    await until(lambda: header.length() <= pane.table.viewport().width(), what="the fit")
    assert pane.table.wordWrap()


async def test_the_reference_view_is_shown_beside_the_picture(
    qtbot, plane, notes, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    task = make_task(1, camera_id=7)
    plane.cameras_ = [make_camera(7, "Gate")]
    plane.results_[task.id] = [make_result(task, snapshot=jpeg(tmp_path / "s.jpg"))]
    plane.references[7] = jpeg(tmp_path / "r.jpg", 80, 45).read_bytes()
    pane = make_pane(qtbot, plane, notes)
    plane.events.subscribe(pane.handle_event)  # what the window's event relay does
    async with signal_seen(pane.referenceShown):
        pane.show_task(task.id)
    await until(pane.snapshot.has_image, what="the snapshot")
    reference = pane.findChild(QLabel, "referenceLabel")
    assert pane.has_reference() and reference.isVisible()
    assert pane.reference.image_size().width() == 80
    caption = pane.findChild(QLabel, "referenceCaption")
    assert caption.text() == "Reference view"
    assert "scene change" in caption.toolTip()
    # Side by side, sharing the room equally: the reference to the right of the picture.
    assert reference.mapTo(pane, reference.rect().topLeft()).x() > pane.snapshot.x()
    assert abs(reference.width() - pane.snapshot.width()) <= 2

    async with signal_seen(pane.referenceShown):
        await plane.clear_reference(7)  # the pane hears CamerasChanged and reads it again
    assert not pane.has_reference() and not reference.isVisible()
    assert caption.text() == "No reference view"
    assert pane.snapshot.has_image()  # the picture stays
    await until(lambda: pane.snapshot.width() > 0.9 * pane.width(), what="the picture alone")

    pane.show_task(None)
    assert not caption.isVisible() and not reference.isVisible()
    await until(lambda: pane.snapshot.width() > 0.9 * pane.width(), what="the empty box")
    assert notes.errors == []
