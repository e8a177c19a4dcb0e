"""The live view wall: tiles in a layout, pages of cameras, enlarge, tour and full screen.

Use::

    wall = LiveWall(parent)
    wall.show_cameras(cameras)       # CameraView list: fills the tiles, pages if there are more
    wall.set_layout("16")            # "1", "4", "9", "16", "1+5", "1+7"
    ...
    wall.stop()                      # stops every decoder and its processes (closeEvent does too)

Each tile on the current page has its own decoder thread playing the camera's substream (its
main stream when the tile is enlarged); the threads run in the wall's decoder processes
(:class:`~easysight_desktop.video.pool.DecoderPool`), so decoding never competes with the GUI
for the interpreter and a crashing stream cannot take the console down. One timer at the
screen's refresh rate hands each visible tile its decoder's newest frame from shared memory;
nothing here ever waits for a decoder.
objectNames: ``liveWall``, ``wallLayoutCombo``, ``wallPrevPage``, ``wallNextPage``,
``wallPageLabel``, ``wallTourCheck``, ``wallTourSeconds``, ``wallFullScreenButton``,
``wallTile<n>``; context-menu actions ``wallEnlargeAction``, ``wallSnapshotAction``,
``wallDiagnoseAction``, ``wallRemoveAction``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QScreen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from easysight_desktop.control.views import CameraView
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.wall.layouts import DEFAULT_LAYOUT, LAYOUTS, WallLayout
from easysight_desktop.ui.wall.mime import DraggedCameras
from easysight_desktop.ui.wall.tile import STALE_S, WallTile
from easysight_desktop.video.link import LinkState
from easysight_desktop.video.pool import DecoderPool, RemoteDecoder

LINK_CHECK_S = 0.5  # how often tiles' link states are compared for linkChanged
JOIN_TIMEOUT_S = 6.0  # stop(): longest wait for every decoder (one open or read time limit)
NO_GROUP = -1
AWAY_NAME = "wallAwayButton"  # in the wall's tab while the wall is full screen elsewhere


def live_url(camera: CameraView, enlarged: bool) -> str:
    """The substream on the wall (cheaper to decode), the main stream when enlarged."""
    return camera.url if enlarged or not camera.substream_url else camera.substream_url


class LiveWall(QWidget):
    diagnoseRequested = Signal(int)  # camera id: "diagnose now" from a tile
    # camera id, "online" / "offline" / "error" (a wrong address or path), reason: on a change
    linkChanged = Signal(int, str, str)
    assignmentChanged = Signal()  # cameras, layout or page changed (the layout store saves)
    info = Signal(str)
    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("liveWall")
        self._layout: WallLayout = LAYOUTS[DEFAULT_LAYOUT]
        self._assigned: list[CameraView | None] = []
        self._page = 0
        self._enlarged: int | None = None
        self._registry: dict[int, CameraView] = {}
        self._pending: dict[str, Any] | None = None  # a saved state waiting for the registry
        self._pool = DecoderPool()  # its processes start with the first tile
        self._retired: list[RemoteDecoder] = []  # stopped decoders not yet ended
        self._links: dict[int, str] = {}  # camera id -> link state last announced
        self._alarm_counts: dict[int, int] = {}
        self._link_checked = 0.0
        self._selected = 0
        self._home: QVBoxLayout | None = None  # the layout holding the wall when not full screen
        self._stopped = False
        self.snapshot_dir = (
            Path(
                QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
                or Path.home()
            )
            / "EasySight"
        )
        self._runner = AsyncRunner(self, self.error.emit)
        self.tiles: list[WallTile] = []
        self.context_menu: QMenu | None = None

        self.layout_combo = QComboBox(self)
        self.layout_combo.setObjectName("wallLayoutCombo")
        for name in LAYOUTS:
            self.layout_combo.addItem(self._layout_label(name), name)
        self.layout_combo.setToolTip(self.tr("Layout of the wall"))
        self.layout_combo.setCurrentIndex(list(LAYOUTS).index(DEFAULT_LAYOUT))
        self.layout_combo.currentIndexChanged.connect(
            lambda: self.set_layout(self.layout_combo.currentData())
        )
        self.prev_button = self._tool("wallPrevPage", "◀", self.tr("Previous page"), self.prev_page)
        self.next_button = self._tool("wallNextPage", "▶", self.tr("Next page"), self.next_page)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("wallPageLabel")
        self.tour_check = QCheckBox(self.tr("Tour every"), self)
        self.tour_check.setObjectName("wallTourCheck")
        self.tour_check.setToolTip(self.tr("Turn the pages by themselves"))
        self.tour_seconds = QSpinBox(self)
        self.tour_seconds.setObjectName("wallTourSeconds")
        self.tour_seconds.setRange(5, 600)
        self.tour_seconds.setValue(20)
        self.tour_seconds.setSuffix(self.tr(" s"))
        self.tour_check.toggled.connect(self._tour_changed)
        self.tour_seconds.valueChanged.connect(self._tour_changed)
        self.full_button = self._tool(
            "wallFullScreenButton",
            self.tr("Full screen"),
            self.tr(
                "The wall alone, full screen, on the second monitor if there is one (F11; Esc)"
            ),
            self.toggle_full_screen,
        )
        self.full_button.setShortcut(QKeySequence(Qt.Key.Key_F11))
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.setSpacing(6)
        bar.addWidget(self.layout_combo)
        bar.addSpacing(8)
        for widget in (self.prev_button, self.page_label, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(8)
        bar.addWidget(self.tour_check)
        bar.addWidget(self.tour_seconds)
        bar.addStretch(1)
        bar.addWidget(self.full_button)
        self.bar = QWidget(self)
        self.bar.setLayout(bar)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.bar)
        outer.addWidget(self.grid_host, 1)

        self._refresh = QTimer(self)
        self._refresh.setTimerType(Qt.TimerType.PreciseTimer)
        self._refresh.timeout.connect(self._tick)
        self._tour = QTimer(self)
        self._tour.timeout.connect(self._tour_step)
        self._build_tiles()
        self._refresh.start(self.refresh_interval_ms())

    def _layout_label(self, name: str) -> str:
        if "+" in name:
            return self.tr("{0} (one large)").format(name)
        return self.tr("1 tile") if name == "1" else self.tr("{0} tiles").format(name)

    def _tool(self, name: str, text: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def refresh_interval_ms(self) -> int:
        """The screen's frame interval (16 ms at 60 Hz): tiles are painted at its pace."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        rate = screen.refreshRate() if screen is not None else 60.0
        return max(5, int(1000 / (rate if 20 <= rate <= 240 else 60.0)))

    # --- what is on the wall -----------------------------------------------------------------

    @property
    def layout_name(self) -> str:
        return self._layout.name

    @property
    def page(self) -> int:
        return self._page

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self._assigned) / self._layout.size))

    @property
    def enlarged(self) -> int | None:
        """The enlarged tile's index on the page, or None."""
        return self._enlarged

    def assigned(self) -> list[CameraView | None]:
        return list(self._assigned)

    def decoders(self) -> list[RemoteDecoder]:
        """Decoders of the tiles on the page (one thread each, in a decoder process)."""
        return [t.decoder for t in self.tiles if t.decoder is not None]

    def decoder_processes(self) -> list[int]:
        """Process ids of the running decoder processes (none once stopped)."""
        return self._pool.pids

    def running_decoders(self) -> int:
        """Decoder threads running in the decoder processes, those being stopped included."""
        return self._pool.running

    def camera_ids_on_wall(self) -> set[int]:
        """Cameras with a running tile (their link state comes from the tile)."""
        return {t.camera.id for t in self.tiles if t.camera is not None and t.decoder}

    def show_cameras(self, cameras: Sequence[CameraView], *, page: int = 0) -> None:
        """Put these cameras on the wall in order (pages when there are more than tiles)."""
        self._assigned = list(cameras)
        self._enlarged = None
        self._page = min(max(0, page), self.page_count - 1)
        self._show_page()

    def place(self, cameras: Sequence[CameraView], tile_index: int) -> None:
        """Put cameras in the tiles from ``tile_index`` on (a drop of one or a few cameras)."""
        start = self._page * self._layout.size + tile_index
        needed = start + len(cameras)
        self._assigned += [None] * max(0, needed - len(self._assigned))
        for offset, camera in enumerate(cameras):
            self._assigned[start + offset] = camera
        self._show_page()

    def remove(self, tile_index: int) -> None:
        slot = self._page * self._layout.size + tile_index
        if slot < len(self._assigned):
            self._assigned[slot] = None
            while self._assigned and self._assigned[-1] is None:
                self._assigned.pop()
            if self._enlarged == tile_index:
                self._enlarged = None
            self._page = min(self._page, self.page_count - 1)
            self._show_page()

    def set_layout(self, name: str) -> None:
        if name not in LAYOUTS or (name == self._layout.name and self.tiles):
            return
        first = self._page * self._layout.size  # keep the first camera shown in view
        self._layout = LAYOUTS[name]
        self._enlarged = None
        self._page = min(first // self._layout.size, self.page_count - 1)
        self.layout_combo.blockSignals(True)
        self.layout_combo.setCurrentIndex(list(LAYOUTS).index(name))
        self.layout_combo.blockSignals(False)
        self._build_tiles()

    def set_page(self, page: int) -> None:
        page %= self.page_count
        if page != self._page:
            self._page = page
            self._enlarged = None
            self._show_page()

    def next_page(self) -> None:
        self.set_page(self._page + 1)

    def prev_page(self) -> None:
        self.set_page(self._page - 1)

    # --- the registry (names, status, URLs) --------------------------------------------------

    def set_registry(self, cameras: Iterable[CameraView]) -> None:
        """The camera list as read from the control plane: a saved wall is filled from it,
        changed cameras are updated in place, removed ones leave the wall."""
        self._registry = {c.id: c for c in cameras}
        if self._pending is not None:
            state, self._pending = self._pending, None
            ids = state.get("cameras", [])
            self._assigned = [self._registry.get(i) if isinstance(i, int) else None for i in ids]
            self._page = min(max(0, int(state.get("page", 0))), self.page_count - 1)
            self._show_page()
            return
        self.update_cameras(self._registry.values(), drop_missing=True)

    def update_cameras(self, cameras: Iterable[CameraView], *, drop_missing: bool = False) -> None:
        changed = {c.id: c for c in cameras}
        self._registry.update(changed)
        before = [c.id if c else None for c in self._assigned]
        for n, camera in enumerate(self._assigned):
            if camera is None:
                continue
            if camera.id in changed:
                self._assigned[n] = changed[camera.id]
            elif drop_missing:
                self._assigned[n] = None
        if before != [c.id if c else None for c in self._assigned]:
            self._show_page()
            return
        for index, tile in enumerate(self.tiles):
            camera = tile.camera
            if camera is None or camera.id not in changed:
                continue
            tile.update_camera(changed[camera.id])
            if tile.decoder is not None:
                tile.decoder.set_url(live_url(changed[camera.id], index == self._enlarged))

    def set_alarm_counts(self, counts: dict[int, int]) -> None:
        """Open alarms per camera id, for the tiles' badges."""
        self._alarm_counts = dict(counts)
        for tile in self.tiles:
            tile.set_alarm_count(counts.get(tile.camera.id, 0) if tile.camera else 0)

    def drop(self, tile_index: int, dragged: DraggedCameras) -> None:
        """A drag from the camera tree: a group fills the wall from its first tile, in the
        tree's order; single cameras go where they were dropped."""
        if dragged.group_ids:
            groups = set(dragged.group_ids)
            members = [
                c
                for c in self._registry.values()
                if c.enabled and (c.group_id if c.group_id is not None else NO_GROUP) in groups
            ]
            members.sort(key=lambda c: dragged.group_ids.index(c.group_id or NO_GROUP))  # stable
            extra = [self._registry[i] for i in dragged.camera_ids if i in self._registry]
            self.show_cameras(members + [c for c in extra if c not in members])
            return
        cameras = [self._registry[i] for i in dragged.camera_ids if i in self._registry]
        if cameras:
            self.place(cameras, tile_index)

    # --- saved state -------------------------------------------------------------------------

    def save_state(self) -> dict[str, Any]:
        """What the operator set up, as plain data for the settings file."""
        if self._pending is not None:
            return dict(self._pending)  # never loaded: keep what was saved
        return {
            "layout": self._layout.name,
            "cameras": [c.id if c else None for c in self._assigned],
            "page": self._page,
            "tour": self.tour_check.isChecked(),
            "tour_s": self.tour_seconds.value(),
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """A saved wall; its cameras appear once :meth:`set_registry` names them."""
        layout = state.get("layout")
        if isinstance(layout, str) and layout in LAYOUTS:
            self.set_layout(layout)
        if isinstance(state.get("tour_s"), int):
            self.tour_seconds.setValue(state["tour_s"])
        self.tour_check.setChecked(bool(state.get("tour")))
        if isinstance(state.get("cameras"), list):
            self._pending = state
            if self._registry:
                self.set_registry(self._registry.values())

    # --- tiles and decoders ------------------------------------------------------------------

    def _build_tiles(self) -> None:
        """New tiles for the layout; decoders of cameras that stay on the page are kept."""
        kept = self._detach_all()
        for tile in self.tiles:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        for index in range(self._layout.size):
            tile = WallTile(index, self.grid_host)
            tile.doubleClicked.connect(self.toggle_enlarge)
            tile.menuRequested.connect(self._tile_menu)
            tile.dropped.connect(self.drop)
            tile.clicked.connect(self._select)
            self.tiles.append(tile)
        self._place_tiles()
        self._show_page(kept)

    def _detach_all(self) -> dict[int, RemoteDecoder]:
        kept: dict[int, RemoteDecoder] = {}
        for tile in self.tiles:
            camera = tile.camera
            decoder = tile.decoder
            tile.decoder = None
            tile.attach(None, None)
            if decoder is not None and camera is not None and camera.id not in kept:
                kept[camera.id] = decoder
            elif decoder is not None:
                self._retire(decoder)
        return kept

    def _show_page(self, kept: dict[int, RemoteDecoder] | None = None) -> None:
        """Give each tile of the page its camera; reuse running decoders where possible."""
        if self._stopped:
            return
        running = kept if kept is not None else self._detach_all()
        first = self._page * self._layout.size
        for index, tile in enumerate(self.tiles):
            slot = first + index
            camera = self._assigned[slot] if slot < len(self._assigned) else None
            decoder = None
            if camera is not None:
                url = live_url(camera, index == self._enlarged)
                decoder = running.pop(camera.id, None)
                if decoder is not None:
                    decoder.set_url(url)
                else:
                    decoder = self._pool.decoder(url, name=f"{camera.id}").start()
            tile.attach(camera, decoder)
            tile.set_alarm_count(self._alarm_counts.get(camera.id, 0) if camera else 0)
        for decoder in running.values():
            self._retire(decoder)
        self._links = {k: v for k, v in self._links.items() if k in self.camera_ids_on_wall()}
        self._place_tiles()
        self._update_pages()
        self.assignmentChanged.emit()

    def _retire(self, decoder: RemoteDecoder) -> None:
        decoder.stop()
        self._retired = [d for d in self._retired if d.alive]
        self._retired.append(decoder)

    def _place_tiles(self) -> None:
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        grid = self._layout.grid
        for index, tile in enumerate(self.tiles):
            tile.enlarged = index == self._enlarged
            if self._enlarged is None:
                row, col, rows, cols = self._layout.cells[index]
                self.grid.addWidget(tile, row, col, rows, cols)
                tile.show()
            elif index == self._enlarged:
                self.grid.addWidget(tile, 0, 0, grid, grid)
                tile.show()
            else:
                tile.hide()
        for n in range(4):
            self.grid.setRowStretch(n, 1 if n < grid else 0)
            self.grid.setColumnStretch(n, 1 if n < grid else 0)
        self._select(min(self._selected, len(self.tiles) - 1))

    def _update_pages(self) -> None:
        count = self.page_count
        self.page_label.setText(self.tr("Page {0}/{1}").format(self._page + 1, count))
        for widget in (self.prev_button, self.next_button, self.page_label):
            widget.setEnabled(count > 1)
        self._tour_changed()

    def _select(self, index: int) -> None:
        self._selected = index
        for tile in self.tiles:
            tile.set_selected(tile.index == index and tile.camera is not None)

    # --- enlarge -----------------------------------------------------------------------------

    def toggle_enlarge(self, index: int) -> None:
        if self._enlarged is None:
            self.enlarge(index)
        else:
            self.restore_grid()

    def enlarge(self, index: int) -> None:
        """One tile fills the wall and plays the camera's main stream."""
        tile = self.tiles[index]
        if tile.camera is None or tile.decoder is None:
            return
        self._enlarged = index
        tile.decoder.set_url(live_url(tile.camera, True))
        self._place_tiles()
        self._tour_changed()

    def restore_grid(self) -> None:
        index, self._enlarged = self._enlarged, None
        if index is not None:
            tile = self.tiles[index]
            if tile.camera is not None and tile.decoder is not None:
                tile.decoder.set_url(live_url(tile.camera, False))
        self._place_tiles()
        self._tour_changed()

    # --- tour --------------------------------------------------------------------------------

    def _tour_changed(self) -> None:
        wanted = self.tour_check.isChecked() and self.page_count > 1 and self._enlarged is None
        interval = self.tour_seconds.value() * 1000
        if wanted and (not self._tour.isActive() or self._tour.interval() != interval):
            self._tour.start(interval)
        elif not wanted:
            self._tour.stop()

    def _tour_step(self) -> None:
        self.next_page()

    # --- refresh -----------------------------------------------------------------------------

    def _tick(self) -> None:
        now = time.monotonic()
        for tile in self.tiles:
            if tile.isVisible():
                tile.poll(now)
        if now - self._link_checked >= LINK_CHECK_S:
            self._link_checked = now
            self._check_links()

    def _check_links(self) -> None:
        """Tell observers (the camera tree, the offline alarm) when a tile's link changes."""
        wall_now = time.time()
        for tile in self.tiles:
            if tile.camera is None or tile.decoder is None:
                continue
            status = tile.decoder.status()
            if status.state is LinkState.CONNECTING:
                continue
            fresh = status.last_frame_at is not None and wall_now - status.last_frame_at <= STALE_S
            if status.state is LinkState.LIVE and fresh:
                link, reason = "online", ""
            else:
                link = "error" if status.misconfigured else "offline"
                reason = status.reason or self.tr("no picture")
            if self._links.get(tile.camera.id) != link:
                self._links[tile.camera.id] = link
                self.linkChanged.emit(tile.camera.id, link, reason)

    # --- tile menu ---------------------------------------------------------------------------

    def _tile_menu(self, index: int, at: QPoint) -> None:
        tile = self.tiles[index]
        if tile.camera is None:
            return
        menu = QMenu(self)
        enlarge = menu.addAction(
            self.tr("Back to the wall") if self._enlarged is not None else self.tr("Enlarge")
        )
        enlarge.setObjectName("wallEnlargeAction")
        enlarge.triggered.connect(lambda: self.toggle_enlarge(index))
        snap = menu.addAction(self.tr("Snapshot to file"))
        snap.setObjectName("wallSnapshotAction")
        snap.setEnabled(tile.decoder is not None and tile.shows_live_picture)
        snap.triggered.connect(lambda: self.snapshot(index))
        diagnose = menu.addAction(self.tr("Diagnose now"))
        diagnose.setObjectName("wallDiagnoseAction")
        camera_id = tile.camera.id
        diagnose.triggered.connect(lambda: self.diagnoseRequested.emit(camera_id))
        menu.addSeparator()
        remove = menu.addAction(self.tr("Remove from the wall"))
        remove.setObjectName("wallRemoveAction")
        remove.triggered.connect(lambda: self.remove(index))
        self.context_menu = menu
        menu.popup(at)

    def snapshot(self, index: int) -> None:
        """Save the tile's newest full-size frame to the snapshot folder; the decoder process
        writes it (the GUI never holds full-size frames)."""
        tile = self.tiles[index]
        decoder = tile.decoder
        if tile.camera is None or decoder is None or not tile.shows_live_picture:
            self.error.emit(self.tr("No picture to save: the camera is not live"))
            return
        safe = re.sub(r"[^\w.-]+", "_", tile.camera.name).strip("_") or "camera"
        path = self.snapshot_dir / f"{safe}-{datetime.now():%Y%m%d-%H%M%S}.jpg"

        async def write() -> Path:
            return await asyncio.wrap_future(decoder.snapshot_to(path))

        self._runner.run(
            write(),
            what=self.tr("Snapshot of “{0}”").format(tile.camera.name),
            done=lambda saved: self.info.emit(self.tr("Snapshot saved: {0}").format(saved)),
        )

    # --- full screen -------------------------------------------------------------------------

    @property
    def full_screen(self) -> bool:
        return self._home is not None or (self.isWindow() and self.isFullScreen())

    def toggle_full_screen(self) -> None:
        if self.full_screen:
            self.leave_full_screen()
        else:
            self.enter_full_screen()

    def enter_full_screen(self) -> None:
        """The wall alone, full screen, on a monitor other than the console's when there is one
        (the operator keeps the console in view); on the console's own monitor otherwise."""
        if self.full_screen:
            return
        parent = self.parentWidget()
        home = parent.layout() if parent is not None else None
        if not isinstance(home, QVBoxLayout):
            self.showFullScreen()  # a stand-alone wall (bench, tests): on its own screen
            self._label_full_button(self.tr("Leave full screen"))
            return
        console = self.window().screen()
        target = self._other_screen(console) or console
        self._home = home
        home.removeWidget(self)
        self.setParent(None)  # a window of its own; the decoders keep running
        self.setWindowTitle(self.tr("EasySight — live wall"))
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenRemoved.connect(self._screen_removed)
            app.screenAdded.connect(self._screen_added)
        self._cover(target)
        self._label_full_button(self.tr("Leave full screen"))
        if target is not console:
            home.addWidget(self._away_button(), 1, Qt.AlignmentFlag.AlignCenter)

    def leave_full_screen(self) -> None:
        """Back into the console's tab (Esc, F11, the button, closing the full-screen window)."""
        home, self._home = self._home, None
        self._label_full_button(self.tr("Full screen"))
        if home is None:
            if self.isWindow():
                self.showNormal()
            return
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            with contextlib.suppress(RuntimeError, TypeError):
                app.screenRemoved.disconnect(self._screen_removed)
            with contextlib.suppress(RuntimeError, TypeError):
                app.screenAdded.disconnect(self._screen_added)
        tab = home.parentWidget()
        for away in tab.findChildren(QPushButton, AWAY_NAME) if tab is not None else []:
            home.removeWidget(away)
            away.deleteLater()
        self.hide()
        self.setWindowState(Qt.WindowState.WindowNoState)
        self.setParent(home.parentWidget())  # a child again: its own window is destroyed
        home.addWidget(self)
        self.show()
        self._refresh.setInterval(self.refresh_interval_ms())
        console = self.window()
        console.raise_()
        console.activateWindow()

    def _away_button(self) -> QPushButton:
        """What the wall's tab shows while the wall is on another monitor: where it is, and a
        way back from the console (a click, or F11 there: the wall's own F11 lives in its
        window)."""
        away = QPushButton(
            self.tr("The live wall is full screen on the other monitor.\nBring it back here (F11)")
        )
        away.setObjectName(AWAY_NAME)
        away.setShortcut(QKeySequence(Qt.Key.Key_F11))
        away.clicked.connect(self.leave_full_screen)
        return away

    def _label_full_button(self, text: str) -> None:
        """A new text on the button; F11 again, because a button's new text replaces its
        shortcut (with the text's mnemonic: none here)."""
        self.full_button.setText(text)
        self.full_button.setShortcut(QKeySequence(Qt.Key.Key_F11))

    def _other_screen(self, console: QScreen | None) -> QScreen | None:
        return next((s for s in QGuiApplication.screens() if s is not console), None)

    def _cover(self, screen: QScreen) -> None:
        """Full screen on ``screen``: the window is put on that screen first, because the
        platform (or the window manager) makes a window full screen where it stands."""
        if self.isFullScreen():
            self.showNormal()  # a full-screen window's geometry is not moved
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self._refresh.setInterval(self.refresh_interval_ms())  # that screen's frame rate

    def _screen_removed(self, gone: QScreen) -> None:
        """A monitor went away while the wall was full screen. Qt calls this before it moves
        windows off that screen: the wall moves to a monitor other than the console's, or comes
        home when none is left — it never ends up covering the console unasked."""
        home = self._home
        page = home.parentWidget() if home is not None else None
        if page is None:
            return
        console = page.window().screen()
        if console is gone:
            console = QGuiApplication.primaryScreen()  # where Qt is about to move the console
        handle = self.windowHandle()
        here = handle.screen() if handle is not None else None
        if here is not gone and here is not console:
            return
        target = self._other_screen(console)  # screens() no longer lists ``gone``
        if target is None:
            self.leave_full_screen()
        else:
            self._cover(target)

    def _screen_added(self, new: QScreen) -> None:
        """A monitor plugged in while the wall covers the console's only one: the wall moves to
        it and the console is in view again, as if full screen had been chosen with both."""
        home = self._home
        page = home.parentWidget() if home is not None else None
        handle = self.windowHandle()
        if home is None or page is None or handle is None:
            return
        if handle.screen() is not page.window().screen():
            return  # already on a monitor of its own
        self._cover(new)
        home.addWidget(self._away_button(), 1, Qt.AlignmentFlag.AlignCenter)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._enlarged is not None:
            self.restore_grid()
        elif event.key() == Qt.Key.Key_Escape and self.full_screen:
            self.leave_full_screen()
        else:
            super().keyPressEvent(event)

    # --- stopping ----------------------------------------------------------------------------

    def stop(self, timeout: float = JOIN_TIMEOUT_S) -> list[RemoteDecoder]:
        """Stop every decoder, wait for their threads, then end the decoder processes; returns
        the decoders that had not stopped in time (their process was then killed)."""
        self._stopped = True
        self._refresh.stop()
        self._tour.stop()
        decoders = [t.decoder for t in self.tiles if t.decoder is not None] + self._retired
        for tile in self.tiles:
            tile.attach(tile.camera, None)
        for decoder in decoders:
            decoder.stop()
        deadline = time.monotonic() + timeout
        left = [d for d in decoders if not d.join(max(0.0, deadline - time.monotonic()))]
        self._pool.shutdown(max(1.0, deadline - time.monotonic()))
        self._retired = []
        return left

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._home is not None:  # closing the full-screen window brings the wall home
            event.ignore()
            self.leave_full_screen()
            return
        if self.isWindow():
            self.stop()
        super().closeEvent(event)
