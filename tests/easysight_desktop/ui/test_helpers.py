"""The small modules: the async runner, formatting, status colours, the health chart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import shiboken6
from PySide6.QtWidgets import QWidget

from easysight_desktop.control.views import HealthSample
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.health_chart import HealthChart, short_queue_name
from easysight_desktop.ui.status_colors import CRITICAL, OFFLINE, status_hex, worst
from tests.easysight_desktop.ui.conftest import until

# --- the async runner --------------------------------------------------------------------------


async def test_the_runner_delivers_results_and_reports_failures(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    qtbot.addWidget(owner)
    reports: list[str] = []
    results: list[int] = []
    after: list[str] = []
    runner = AsyncRunner(owner, reports.append)

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def refuse() -> int:
        raise ConnectionError("the broker is not connected")

    runner.run(answer(), what="Answer", done=results.append, always=lambda: after.append("a"))
    runner.run(refuse(), what="Send drain", always=lambda: after.append("b"))
    assert runner.busy
    await until(lambda: len(after) == 2, what="both tasks")
    assert results == [42]
    assert reports == ["Send drain: the broker is not connected"]
    assert not runner.busy


async def test_the_runner_stays_quiet_once_its_widget_is_gone(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    reports: list[str] = []
    results: list[int] = []
    runner = AsyncRunner(owner, reports.append)
    gate = asyncio.Event()

    async def slow() -> int:
        await gate.wait()
        raise ValueError("too late to show")

    task = runner.run(slow(), what="Slow", done=results.append)
    shiboken6.delete(owner)
    gate.set()
    await until(task.done, what="the task")
    assert (reports, results) == ([], [])


def test_without_a_running_loop_the_runner_reports_instead_of_raising(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    qtbot.addWidget(owner)
    reports: list[str] = []

    async def never() -> None:
        raise AssertionError("must not run")

    assert AsyncRunner(owner, reports.append).run(never(), what="Load") is None
    assert reports == ["Load: the event loop is not running"]


# --- formatting and colours --------------------------------------------------------------------


def test_times_and_durations_read_short() -> None:
    at = datetime(2024, 5, 1, 8, 0, 5, tzinfo=UTC)
    assert fmt.local_time(at) == at.astimezone().strftime("%H:%M:%S")
    assert fmt.local_time(at.replace(tzinfo=None)) == fmt.local_time(at)  # naive means UTC
    assert fmt.local_time(None) == ""
    assert [fmt.duration(ms) for ms in (None, 12.4, 1500, 125_000)] == [
        "",
        "12 ms",
        "1.5 s",
        "2 min 5 s",
    ]
    assert fmt.age(at, at + timedelta(seconds=3)) == "3 s ago"
    assert fmt.age(at, at + timedelta(minutes=5)) == "5 min ago"
    assert fmt.age(at, at - timedelta(seconds=2)) == "0 s ago"  # clocks a little apart
    assert fmt.number(None) == "—" and fmt.number(180.234) == "180.2"
    assert fmt.plural(1, "{0} task", "{0} tasks") == "1 task"
    assert fmt.plural(3, "{0} task", "{0} tasks") == "3 tasks"


def test_status_words_map_to_colours() -> None:
    assert status_hex("critical") == status_hex("failed") == CRITICAL
    assert status_hex("something new") == OFFLINE
    assert worst(["normal", "error", "warning"]) == "error"
    assert worst([]) == "unknown"


# --- the health chart --------------------------------------------------------------------------


def test_the_chart_keeps_fifteen_minutes_of_task_queues(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = HealthChart()
    qtbot.addWidget(chart)
    assert chart.empty_text.isVisible()
    start = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    depths = {"ns.diagnosis_tasks": 3, "ns.event_tasks": 0, "ns.task_results": 9}
    chart.load_history(
        [HealthSample(start + timedelta(minutes=m), depths, 2) for m in range(0, 20, 5)]
    )
    assert chart.sample_count == 4
    chart.add_sample(HealthSample(start + timedelta(minutes=20), depths, 1))
    assert chart.sample_count == 4  # minute 0 fell out of the window
    assert sorted(chart.curves) == ["ns.diagnosis_tasks", "ns.event_tasks"]
    x, y = chart.curves["ns.diagnosis_tasks"].getData()
    assert len(x) == 4 and list(y) == [3, 3, 3, 3]
    assert list(chart.workers_curve.getData()[1]) == [2, 2, 2, 1]
    assert not chart.empty_text.isVisible()
    assert short_queue_name("ns.ai_service_tasks") == "ai_service"
