"""The real window against the real broker, database and worker, as an operator drives it.

The window, the control plane and in-process workers share one qasync loop, as in the console.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QTableView, QWidget

from easysight_desktop.control.plane import ControlPlane
from easysight_desktop.control.views import TaskView
from easysight_desktop.ui.main_window import MainWindow
from tests.easysight_desktop.ui.conftest import until
from tests.support.broker import rabbitmqctl
from tests.support.broker_fixtures import worker_settings
from tests.support.handlers import noop
from worker_node.runtime.execution import Handler
from worker_node.runtime.worker import Worker
from worker_node.simulator import SimulatorServer, camera_specs

pytestmark = [pytest.mark.broker, pytest.mark.slow]


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorServer]:
    server = SimulatorServer(camera_specs()).start()
    yield server
    server.stop()


class LiveConsole:
    """Control plane, window and in-process workers, all started and stopped inside the test.

    Nothing may outlive the test body: between pytest's calls into the qasync loop, pytest-qt
    processes Qt events, and a coroutine resumed then finds no running asyncio loop.
    """

    def __init__(self, namespace: str, database_url: str, data_dir: Path) -> None:
        self.settings = worker_settings(
            namespace,
            database_url=database_url,
            data_dir=data_dir,
            monitor_interval=0.3,
            operator="tester",
        )
        self.plane = ControlPlane(self.settings)
        self.window: MainWindow | None = None
        self.workers: list[tuple[Worker, asyncio.Task[None]]] = []

    async def __aenter__(self) -> MainWindow:
        await self.plane.start()
        self.window = MainWindow(self.plane)
        self.window.resize(1600, 900)
        self.window.show()
        await self.window.start()
        return self.window

    async def start_worker(self, handler: Handler | None = None, **overrides: object) -> Worker:
        settings = worker_settings(self.settings.namespace, **overrides)
        worker = Worker(settings, handler=handler)
        self.workers.append((worker, asyncio.create_task(worker.run())))
        await asyncio.wait_for(worker.ready.wait(), 20)
        return worker

    async def __aexit__(self, *exc: object) -> None:
        for worker, _ in self.workers:
            worker.request_stop("test over")
        for _, running in self.workers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(running, 15)
        if self.window is not None:
            self.window.close()
        await self.plane.close()


@pytest.fixture
def console(namespace: str, database_url: str, tmp_path: Path) -> LiveConsole:
    return LiveConsole(namespace, database_url, tmp_path / "data")


def child(window: MainWindow, cls: type, name: str):  # type: ignore[no-untyped-def]
    found = window.findChild(cls, name)
    assert found is not None, f"no {cls.__name__} named {name}"
    return found


def task_rows(window: MainWindow) -> list[TaskView]:
    window.tasks.model.flush()
    return window.tasks.model.rows()


async def add_camera(window: MainWindow, name: str, url: str) -> int:
    """Through the camera dialog, as an operator does."""
    window.cameras.add_camera()
    dialog: QDialog = await _dialog(window, "cameraDialog")
    dialog.name.setText(name)  # type: ignore[attr-defined]
    dialog.url.setText(url)  # type: ignore[attr-defined]
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()  # type: ignore[attr-defined]
    await until(lambda: any(c.name == name for c in window.cameras.cameras), 10, "the camera")
    return next(c.id for c in window.cameras.cameras if c.name == name)


async def _dialog(window: MainWindow, name: str) -> QDialog:
    """The open dialog of that name: one closed a moment ago may not have been deleted yet."""

    def shown() -> QDialog | None:
        return next((d for d in window.findChildren(QDialog, name) if d.isVisible()), None)

    await until(lambda: shown() is not None, 5, name)
    return shown()  # type: ignore[return-value]


async def submit_from_dialog(window: MainWindow, camera_id: int, checks: set[str]) -> None:
    """New diagnosis task dialog: the selected camera, some checks, submit now."""
    assert window.cameras.select_camera(camera_id)
    child(window, QPushButton, "newTaskButton").click()
    dialog = await _dialog(window, "newTaskDialog")
    for box in dialog.findChildren(QWidget):
        name = box.objectName()
        if name.startswith("check_"):
            box.setChecked(name.removeprefix("check_") in checks)  # type: ignore[attr-defined]
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]
    await until(
        lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), 10, "the dialog to close"
    )


async def test_operator_diagnoses_a_new_camera_and_reads_the_results(
    console: LiveConsole, simulator: SimulatorServer
) -> None:
    async with console as window:
        await console.start_worker()  # the real analysis, reading the simulator over HTTP
        await diagnose_dark_camera(window, simulator)


async def diagnose_dark_camera(window: MainWindow, simulator: SimulatorServer) -> None:
    dark = next(s for s in simulator.cameras if s.fault.value == "dark")
    camera_id = await add_camera(window, "Dock camera", simulator.stream_url(dark.id))
    await submit_from_dialog(window, camera_id, {"brightness", "signal_loss"})

    await until(lambda: len(task_rows(window)) == 1, 10, "the task row")
    [task] = task_rows(window)
    assert task.camera_name == "Dock camera"
    await until(lambda: task_rows(window)[0].state == "completed", 30, "completed in Tasks")
    done = task_rows(window)[0]
    assert done.worker_id == "test-worker" and done.overall in ("error", "critical")

    assert window.tasks.select_task(done.id)
    checks: QTableView = child(window, QTableView, "resultsChecksTable")
    await until(lambda: checks.model().rowCount() == 2, 10, "two check rows in Results")
    shown = {checks.model().index(r, 0).data() for r in range(2)}
    assert any("rightness" in str(s) for s in shown), shown
    snapshot: QLabel = child(window, QLabel, "snapshotLabel")
    await until(
        lambda: snapshot.pixmap() is not None and not snapshot.pixmap().isNull(), 10, "the snapshot"
    )
    # The camera's status and an alarm follow from the finding.
    await until(
        lambda: window.cameras.camera(camera_id).status in ("error", "critical"),
        10,
        "camera status",
    )
    await until(lambda: len(window.alarms.model.rows()) >= 1, 10, "an alarm")


async def test_stopped_worker_is_shown_offline_and_its_task_requeued(
    console: LiveConsole, spawn
) -> None:
    async with console as window:
        await requeue_from_stopped_worker(console, window, spawn)


async def requeue_from_stopped_worker(console: LiveConsole, window: MainWindow, spawn) -> None:  # type: ignore[no-untyped-def]
    plane = window.plane
    doomed = spawn("slow", "doomed", heartbeat_interval=0.3, max_concurrent_tasks=1)
    await doomed.ready()
    camera_id = await add_camera(window, "Yard", "noop://yard")
    await submit_from_dialog(window, camera_id, {"brightness"})
    await until(
        lambda: task_rows(window) and task_rows(window)[0].state == "running", 20, "running"
    )
    assert window.workers.model.rows()[0].id == "doomed"

    doomed.proc.send_signal(signal.SIGSTOP)  # no more heartbeats, no result
    await until(
        lambda: [w.status for w in window.workers.model.rows() if w.id == "doomed"] == ["offline"],
        10,
        "doomed shown offline",
    )
    await until(lambda: task_rows(window)[0].attempt == 2, 10, "the task re-queued as attempt 2")
    await console.start_worker(noop, worker_id="rescuer")
    await until(lambda: task_rows(window)[0].state == "completed", 20, "completed by the rescuer")
    assert task_rows(window)[0].worker_id == "rescuer"
    assert plane.supervisor is not None and plane.supervisor.requeued == 1


async def test_broker_outage_is_shown_and_tasks_made_meanwhile_go_out_after(
    console: LiveConsole,
) -> None:
    async with console as window:
        await console.start_worker(noop)
        await outage(window)


async def outage(window: MainWindow) -> None:
    camera_id = await add_camera(window, "Hall", "noop://hall")
    broker_label: QLabel = child(window, QLabel, "brokerStatusLabel")
    await until(lambda: broker_label.property("ok") is True, 10, "broker shown up")
    await asyncio.to_thread(rabbitmqctl, "stop_app")
    try:
        await until(lambda: broker_label.property("ok") is False, 20, "broker shown down")
        assert "lost" in broker_label.toolTip() or "unreachable" in broker_label.toolTip()
        for _ in range(3):
            await submit_from_dialog(window, camera_id, {"brightness"})
        await until(lambda: len(task_rows(window)) == 3, 10, "three pending rows")
        assert {t.state for t in task_rows(window)} == {"pending"}
    finally:
        await asyncio.to_thread(rabbitmqctl, "start_app")
    await until(lambda: broker_label.property("ok") is True, 60, "broker shown back")
    await until(
        lambda: [t.state for t in task_rows(window)] == ["completed"] * 3, 60, "all three done"
    )
    for task in task_rows(window):
        assert task.attempt == 1
        assert len(await window.plane.results(task.id)) == 1  # none doubled
