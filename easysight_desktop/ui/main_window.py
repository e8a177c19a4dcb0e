"""The operator's window: cameras left, the live wall (and the tasks) centre, results right,
operations at the bottom.

``MainWindow(plane)`` takes a :class:`ControlPlane` (started or not) and subscribes to its
events at once; ``await window.start()`` once the plane has started reads the first picture.
It never touches the database or the broker itself. Panes are attributes (``cameras``,
``tasks``, ``results``, ``workers``, ``queues``, ``alarms``, ``chart``, ``status``) and every
dock has an objectName (``camerasDock``, ``resultsDock``, ``workersDock``, ``queuesDock``,
``alarmsDock``, ``chartDock``), so tests and the layout store can find them. The centre is a
tab widget (``centralTabs``): the live wall (``wall``, the screen of the day) and the tasks.
The wall's layout and cameras are saved with the window's layout and come back at the next start;
on a first start :meth:`MainWindow.show_group_at_first_start` can fill it with a group instead.
Camera links and ``device_offline`` alarms come from the control plane's presence service
(``presence``, the same one ``--headless`` runs), fed by the wall's tiles.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from easysight_desktop.control.events import (
    AlarmsChanged,
    CamerasChanged,
    DatabaseStateChanged,
    Event,
)
from easysight_desktop.control.views import CameraView, TaskView
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner, describe
from easysight_desktop.ui.dialogs.new_task_dialog import NewTaskDialog
from easysight_desktop.ui.event_relay import EventRelay
from easysight_desktop.ui.health_chart import HealthChart
from easysight_desktop.ui.panes.alarms import AlarmsPane
from easysight_desktop.ui.panes.cameras import CamerasPane
from easysight_desktop.ui.panes.queues import QueuesPane
from easysight_desktop.ui.panes.results import ResultsPane
from easysight_desktop.ui.panes.tasks import TasksPane
from easysight_desktop.ui.panes.workers import WorkersPane
from easysight_desktop.ui.status_bar import StatusBar
from easysight_desktop.ui.wall import LiveWall
from easysight_desktop.ui.wall.layouts import LAYOUTS
from easysight_desktop.ui.wall.presence import CameraPresence

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane

log = logging.getLogger(__name__)

LAYOUT_VERSION = 1  # bump when docks are added or renamed, so an old saved layout is ignored
DOCKS = Qt.DockWidgetArea
WIDE_WINDOW = 1600  # narrower: the chart joins the bottom tabs instead of sitting beside them
WALL_TAB, TASKS_TAB = 0, 1
ALARM_COUNTS_DELAY_MS = 300  # alarm changes come in bursts: the wall's badges are read once
SAVE_AFTER_MS = 1000  # the wall is saved this long after the operator last changed it
GROUP_LAYOUTS = ("1", "4", "9", "16")  # a group shown on the wall gets the first that holds it


def fitting_layout(count: int) -> str:
    """The smallest square layout that holds ``count`` cameras (16 tiles from 10 on)."""
    return next((n for n in GROUP_LAYOUTS if LAYOUTS[n].size >= count), GROUP_LAYOUTS[-1])


class MainWindow(QMainWindow):
    def __init__(
        self,
        plane: ControlPlane,
        *,
        layout_settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.plane = plane
        self._settings = layout_settings
        self._new_task_dialog: NewTaskDialog | None = None
        self._started = False  # start() has read the first picture
        self._database_ok: bool | None = None
        self._wall_saved = False  # the operator's wall came back from the settings
        self._first_group: str | None = None  # shown on the wall until the operator arranges it
        self._first_group_placed: list[int | None] = []
        operator = getattr(plane, "actor", "")
        title = self.tr("EasySight — operator console")
        self.setWindowTitle(f"{title} — {operator}" if operator else title)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.setCorner(Qt.Corner.BottomLeftCorner, DOCKS.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, DOCKS.RightDockWidgetArea)

        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.tasks = TasksPane(plane, self.status, self)
        self.cameras = CamerasPane(plane, self.status, self)
        self.results = ResultsPane(plane, self.status, self)
        self.workers = WorkersPane(plane, self.status, self.tasks.model.camera_of, self)
        self.queues = QueuesPane(plane, self)
        self.alarms = AlarmsPane(plane, self.status, self)
        self.chart = HealthChart(self)
        self.wall = LiveWall()
        settings = getattr(plane, "settings", None)  # the widget tests' fake plane has none
        timing = (
            {}
            if settings is None
            else {
                "probe_every_s": settings.camera_probe_interval,
                "alarm_after_s": settings.camera_offline_alarm_after,
            }
        )
        self.presence = CameraPresence(plane, self, **timing)
        self._runner = AsyncRunner(self, self.status.error)
        self._alarm_counts_timer = QTimer(self)
        self._alarm_counts_timer.setSingleShot(True)
        self._alarm_counts_timer.setInterval(ALARM_COUNTS_DELAY_MS)
        self._alarm_counts_timer.timeout.connect(self._read_alarm_counts)
        wall_page = QWidget(self)
        wall_page.setObjectName("wallPage")
        holder = QVBoxLayout(wall_page)  # the wall returns here from full screen
        holder.setContentsMargins(0, 0, 0, 0)
        holder.addWidget(self.wall)
        self.central_tabs = QTabWidget(self)
        self.central_tabs.setObjectName("centralTabs")
        self.central_tabs.setDocumentMode(True)
        self.central_tabs.addTab(wall_page, self.tr("Live wall"))
        self.central_tabs.addTab(self.tasks, self.tr("Tasks"))
        self.setCentralWidget(self.central_tabs)

        self.cameras_dock = self._dock("camerasDock", self.tr("Cameras"), self.cameras)
        self.results_dock = self._dock("resultsDock", self.tr("Results"), self.results)
        self.workers_dock = self._dock("workersDock", self.tr("Workers"), self.workers)
        self.queues_dock = self._dock("queuesDock", self.tr("Queues"), self.queues)
        self.alarms_dock = self._dock("alarmsDock", self.tr("Alarms"), self.alarms)
        self.chart_dock = self._dock("chartDock", self.tr("Queue and worker health"), self.chart)
        self._arrange_docks()
        self._default_state = self.saveState(LAYOUT_VERSION)
        self._build_menus()
        self._connect_panes()

        self.status.set_broker(plane.broker_state)
        self.status.set_database(plane.database_state)
        self.relay = EventRelay(plane.events, self)
        self.relay.received.connect(self.handle_event)
        self._fitted = self._restore_layout()
        self._restore_wall()

    # --- layout ------------------------------------------------------------------------------

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        return dock

    def _arrange_docks(self) -> None:
        self.addDockWidget(DOCKS.LeftDockWidgetArea, self.cameras_dock)
        self.addDockWidget(DOCKS.RightDockWidgetArea, self.results_dock)
        self.addDockWidget(DOCKS.BottomDockWidgetArea, self.alarms_dock)
        self.splitDockWidget(self.alarms_dock, self.chart_dock, Qt.Orientation.Horizontal)
        self.tabifyDockWidget(self.alarms_dock, self.workers_dock)
        self.tabifyDockWidget(self.workers_dock, self.queues_dock)
        self.alarms_dock.raise_()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.tr("Import cameras from CSV…"), self.cameras.import_csv)
        file_menu.addAction(self.tr("Export cameras to CSV…"), self.cameras.export_csv)
        file_menu.addSeparator()
        close = file_menu.addAction(self.tr("Close window"), self.close)
        close.setShortcut(QKeySequence.StandardKey.Quit)

        task_menu = self.menuBar().addMenu(self.tr("&Tasks"))
        new_task = QAction(self.tr("New diagnosis task…"), self)
        new_task.setObjectName("newTaskAction")
        new_task.setShortcut(QKeySequence.StandardKey.New)
        new_task.triggered.connect(lambda: self.open_new_task_dialog())
        task_menu.addAction(new_task)
        task_menu.addSeparator()
        for text, slot in (
            (self.tr("Submit selected"), self.tasks.submit_selected),
            (self.tr("Cancel selected"), self.tasks.cancel_selected),
            (self.tr("Retry selected"), self.tasks.retry_selected),
        ):
            task_menu.addAction(text, slot)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for dock in (
            self.cameras_dock,
            self.results_dock,
            self.alarms_dock,
            self.workers_dock,
            self.queues_dock,
            self.chart_dock,
        ):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        reload = view_menu.addAction(self.tr("Reload from the database"), self.reload)
        reload.setShortcut(QKeySequence.StandardKey.Refresh)
        view_menu.addAction(self.tr("Reset layout"), self.reset_layout)

    def reset_layout(self) -> None:
        for dock in self.findChildren(QDockWidget):
            dock.setFloating(False)
            dock.show()
        self.restoreState(self._default_state, LAYOUT_VERSION)
        self.fit_docks()

    def _restore_layout(self) -> bool:
        """The operator's own layout from the last session; False if there is none."""
        if self._settings is None:
            return False
        geometry = self._settings.value("window/geometry")
        state = self._settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        return isinstance(state, QByteArray) and self.restoreState(state, LAYOUT_VERSION)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self.fit_docks)  # once the window has its real size

    def fit_docks(self) -> None:
        """Side panes in proportion to the window: a 1366 px laptop keeps a usable centre."""
        width, height = self.width(), self.height()
        narrow = width < WIDE_WINDOW
        if narrow and not self.tabifiedDockWidgets(self.chart_dock):
            self.tabifyDockWidget(self.queues_dock, self.chart_dock)  # too small side by side
            self.alarms_dock.raise_()
        self.resizeDocks(
            [self.cameras_dock, self.results_dock],
            [min(280, max(210, width * 15 // 100)), min(520, max(380, width * 26 // 100))],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [self.alarms_dock], [min(300, max(210, height * 27 // 100))], Qt.Orientation.Vertical
        )
        if not narrow:
            self.resizeDocks(
                [self.alarms_dock, self.chart_dock], [60, 40], Qt.Orientation.Horizontal
            )

    def _save_layout(self) -> None:
        if self._settings is not None:
            self._settings.setValue("window/geometry", self.saveGeometry())
            self._settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
            self._settings.setValue("wall/state", json.dumps(self.wall.save_state()))
            self._settings.setValue("window/tab", self.central_tabs.currentIndex())
            self._settings.sync()

    def _restore_wall(self) -> None:
        """The wall as the operator left it; its cameras appear when the registry is read."""
        if self._settings is None:
            return
        text = self._settings.value("wall/state")
        try:
            state = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            state = None
        if isinstance(state, dict):
            self.wall.restore_state(state)
            cameras = state.get("cameras")
            self._wall_saved = isinstance(cameras, list) and any(
                isinstance(i, int) for i in cameras
            )
        tab = self._settings.value("window/tab")
        if tab is not None and str(tab).isdigit() and int(tab) < self.central_tabs.count():
            self.central_tabs.setCurrentIndex(int(tab))

    def show_tasks(self) -> None:
        self.central_tabs.setCurrentIndex(TASKS_TAB)

    def show_wall(self) -> None:
        self.central_tabs.setCurrentIndex(WALL_TAB)

    # --- a group on the wall -----------------------------------------------------------------

    def group_members(self, name: str) -> list[CameraView]:
        return [c for c in self.cameras.cameras if c.enabled and c.group_name == name]

    def show_group(self, name: str) -> bool:
        """The group's enabled cameras on the wall, in a layout that holds them; False if the
        registry as read so far has none."""
        members = self.group_members(name)
        if not members:
            return False
        self.wall.set_layout(fitting_layout(len(members)))
        self.wall.show_cameras(members)
        return True

    def show_group_at_first_start(self, name: str) -> None:
        """When the operator has no wall of their own yet (nothing saved), the wall shows this
        group, and follows it as its cameras are registered, until the operator arranges the
        wall differently (``make demo`` fills the wall with the simulator's cameras)."""
        if self._wall_saved or any(self.wall.assigned()):
            return
        self._first_group, self._first_group_placed = name, []
        self._follow_first_group()

    def _follow_first_group(self) -> None:
        name = self._first_group
        if name is None:
            return
        on_wall = [c.id if c else None for c in self.wall.assigned()]
        if on_wall != self._first_group_placed:
            self._first_group = None  # the operator changed the wall: it is theirs now
            return
        members = [c.id for c in self.group_members(name)]
        if members and members != on_wall and self.show_group(name):
            self._first_group_placed = list(members)

    # --- wiring ------------------------------------------------------------------------------

    def _connect_panes(self) -> None:
        self.tasks.taskSelected.connect(self.results.show_task)
        self.tasks.newTaskRequested.connect(lambda: self.open_new_task_dialog())
        self.tasks.model.countsChanged.connect(
            lambda: self.status.set_task_counts(self.tasks.model.counts)
        )
        self.cameras.cameraSelected.connect(self.results.show_camera)
        self.cameras.diagnoseRequested.connect(self.open_new_task_dialog)
        self.alarms.openCountChanged.connect(self._open_alarms_changed)
        self.cameras.reloaded.connect(self._registry_loaded)
        self.wall.diagnoseRequested.connect(self.diagnose_now)
        self.wall.linkChanged.connect(self.presence.report_tile)
        self.wall.assignmentChanged.connect(
            lambda: self.presence.set_on_wall(self.wall.camera_ids_on_wall())
        )
        self.wall.info.connect(self.status.info)
        # The wall is saved as the operator changes it, not only at close: a console that is
        # killed or loses power comes back with the wall it had.
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_AFTER_MS)
        self._save_timer.timeout.connect(self._save_layout)
        for changed in (
            self.wall.assignmentChanged,
            self.wall.tour_check.toggled,
            self.wall.tour_seconds.valueChanged,
        ):
            changed.connect(lambda *_: self._save_timer.start())
        self.wall.error.connect(self.status.error)
        self.presence.stateChanged.connect(self.cameras.set_link_state)

    def _registry_loaded(self) -> None:
        self.wall.set_registry(self.cameras.cameras)
        self._follow_first_group()
        self.presence.set_on_wall(self.wall.camera_ids_on_wall())

    def diagnose_now(self, camera_id: int) -> None:
        """A tile's "diagnose now": one urgent diagnosis task with every check, sent at once."""
        camera = self.cameras.camera(camera_id)
        name = camera.name if camera is not None else str(camera_id)
        self._runner.run(
            self.plane.create_tasks("diagnosis", {}, camera_ids=[camera_id], priority=8),
            what=self.tr("Diagnose “{0}”").format(name),
            done=lambda tasks: self._tasks_created(tasks, True),
        )

    def _read_alarm_counts(self) -> None:
        async def counts() -> dict[int, int]:
            per_camera: dict[int, int] = {}
            for alarm in await self.plane.alarms(open_only=True):
                if alarm.camera_id is not None:
                    per_camera[alarm.camera_id] = per_camera.get(alarm.camera_id, 0) + 1
            return per_camera

        self._runner.run(counts(), what=self.tr("Loading alarms"), done=self.wall.set_alarm_counts)

    def handle_event(self, event: Event) -> None:
        """Every pane sees every event and keeps what concerns it; each only queues or
        patches rows, so this stays quick however many events arrive."""
        if isinstance(event, DatabaseStateChanged):
            self._database_state(event.state.ok)
        elif isinstance(event, AlarmsChanged):
            self._alarm_counts_timer.start()
        elif isinstance(event, CamerasChanged) and event.cameras:
            self.wall.update_cameras(event.cameras)
        for pane in (
            self.status,
            self.tasks,
            self.results,
            self.workers,
            self.queues,
            self.alarms,
            self.cameras,
            self.chart,
        ):
            pane.handle_event(event)

    async def start(self) -> None:
        """Read the first picture once the plane has started; events keep it current after.

        The window may be shown before (it then says "connecting…"); the application awaits
        this after ``plane.start()``. A read that fails is reported in the status bar, and the
        other panes still load.
        """
        self._started = True
        self._database_ok = self.plane.database_state.ok
        self.status.set_broker(self.plane.broker_state)
        self.status.set_database(self.plane.database_state)
        self.workers.load()
        self.queues.load()
        self.chart.load_history(self.plane.health_history())
        reads = {
            self.tr("Loading cameras"): self.cameras.refresh(),
            self.tr("Loading tasks"): self.tasks.refresh(),
            self.tr("Loading alarms"): self.alarms.refresh(),
        }
        outcomes = await asyncio.gather(*reads.values(), return_exceptions=True)
        for what, outcome in zip(reads, outcomes, strict=True):
            if isinstance(outcome, Exception):
                log.warning("%s failed: %s", what, outcome, exc_info=outcome)
                self.status.error(f"{what}: {describe(outcome)}")
        self._read_alarm_counts()
        self.presence.start()

    def reload(self) -> None:
        """Read everything again without waiting (e.g. after the database came back)."""
        self.cameras.load()
        self.tasks.load()
        self.alarms.load()
        self.workers.load()
        self.queues.load()
        self.chart.load_history(self.plane.health_history())

    def _database_state(self, ok: bool) -> None:
        """The database is back after an outage: what changed meanwhile is read again."""
        came_back = ok and self._database_ok is False and self._started
        self._database_ok = ok
        if came_back:
            self.status.info(self.tr("The database is back; reloading"))
            self.reload()

    def _open_alarms_changed(self, count: int) -> None:
        title = self.tr("Alarms")
        self.alarms_dock.setWindowTitle(f"{title} ({count})" if count else title)
        self.status.set_open_alarms(count)

    # --- dialogs -----------------------------------------------------------------------------

    @property
    def new_task_dialog(self) -> NewTaskDialog | None:
        return self._new_task_dialog

    def open_new_task_dialog(
        self, camera_ids: Iterable[int] = (), group_ids: Iterable[int] = ()
    ) -> NewTaskDialog:
        """Non-modal: the operator can keep watching the tables while choosing cameras."""
        if self._new_task_dialog is not None:
            self._new_task_dialog.raise_()
            self._new_task_dialog.activateWindow()
            return self._new_task_dialog
        camera_ids = list(camera_ids) or self.cameras.selected_camera_ids()
        group_ids = list(group_ids) or self.cameras.selected_group_ids()
        dialog = NewTaskDialog(
            self.plane,
            self.cameras.cameras,
            self.cameras.groups,
            camera_ids=camera_ids,
            group_ids=group_ids,
            parent=self,
        )
        dialog.created.connect(
            lambda tasks, d=dialog: self._tasks_created(tasks, d.submit_now.isChecked())
        )
        dialog.finished.connect(self._new_task_dialog_closed)
        self._new_task_dialog = dialog
        dialog.show()
        return dialog

    def _new_task_dialog_closed(self) -> None:
        self._new_task_dialog = None

    def _tasks_created(self, tasks: list[TaskView], submitted: bool) -> None:
        self.tasks.model.queue(tasks)
        text = fmt.plural(
            len(tasks),
            self.tr("Created {0} diagnosis task"),
            self.tr("Created {0} diagnosis tasks"),
        )
        if not submitted:
            text += self.tr(" (pending: select them and press Submit)")
        self.status.info(text)

    # --- closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop listening to the plane and every decoder thread; closing the plane itself is
        the application's job."""
        if self.wall.full_screen:
            self.wall.leave_full_screen()
        self._save_timer.stop()
        self._save_layout()
        self.relay.close()
        self.presence.stop()
        self._alarm_counts_timer.stop()
        left = self.wall.stop()
        if left:
            log.warning("%d decoder threads did not stop in time", len(left))
        super().closeEvent(event)
