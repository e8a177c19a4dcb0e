"""The live wall on its own: layouts, pages and tour, a lost stream shown as lost and recovering
by itself, enlarge to the main stream and back, and every decoder stopped at the end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import Qt

from easysight_desktop.ui.wall import LiveWall
from easysight_desktop.ui.wall.layouts import LAYOUTS
from easysight_desktop.ui.wall.tile import WallTile
from easysight_desktop.video.link import LinkState, LinkStatus
from tests.easysight_desktop.ui.conftest import until
from tests.easysight_desktop.ui.wall_support import MAIN, SPECS, all_stopped, site_cameras
from worker_node.simulator import start_simulator
from worker_node.simulator.server import SimulatorServer


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    with start_simulator([*SPECS, MAIN]) as server:
        yield server


@pytest.fixture
def wall(qtbot) -> Iterator[LiveWall]:  # type: ignore[no-untyped-def]
    wall = LiveWall()
    wall.resize(1280, 760)
    wall.show()
    yield wall
    assert wall.stop() == []
    assert all_stopped(wall)
    wall.close()
    wall.deleteLater()


def live(tile: WallTile) -> bool:
    return tile.shows_live_picture and tile.displayed > 0


def test_every_layout_fills_its_grid_exactly() -> None:
    sizes = {name: layout.size for name, layout in LAYOUTS.items()}
    assert sizes == {"1": 1, "4": 4, "9": 9, "16": 16, "1+5": 6, "1+7": 8}
    for layout in LAYOUTS.values():
        covered = [
            (r, c)
            for row, col, rows, cols in layout.cells
            for r in range(row, row + rows)
            for c in range(col, col + cols)
        ]
        assert sorted(covered) == [(r, c) for r in range(layout.grid) for c in range(layout.grid)]


async def test_cameras_page_and_tour_through_the_tiles(wall: LiveWall, sim) -> None:  # type: ignore[no-untyped-def]
    cameras = site_cameras(sim)
    wall.show_cameras(cameras)  # 6 cameras, 4 tiles: two pages
    assert wall.page_count == 2 and wall.page_label.text() == "Page 1/2"
    assert [t.camera.id for t in wall.tiles if t.camera] == [1, 2, 3, 4]
    await until(lambda: all(live(t) for t in wall.tiles), 10, "four live tiles")
    assert wall.running_decoders() == 4 and len(wall.decoder_processes()) == 2
    wall.tour_check.setChecked(True)
    assert wall._tour.isActive() and wall._tour.interval() == 20_000
    wall._tour.timeout.emit()  # the tour's next turn, without waiting 20 s
    assert wall.page == 1 and [t.camera.id if t.camera else None for t in wall.tiles] == [
        5, 6, None, None,
    ]  # fmt: skip
    await until(lambda: live(wall.tiles[0]) and live(wall.tiles[1]), 10, "the second page")
    await until(lambda: wall.running_decoders() == 2, 5, "the first page's decoders to end")
    wall.set_layout("1+7")  # eight tiles: one page again, the tour stops
    assert wall.page_count == 1 and wall.page == 0 and not wall._tour.isActive()
    assert [t.camera.id for t in wall.tiles if t.camera] == [1, 2, 3, 4, 5, 6]
    big = wall.tiles[0]
    assert big.width() > 2.5 * wall.tiles[1].width()


async def test_a_stream_that_dies_is_shown_lost_within_3_s_and_recovers_by_itself(
    wall, qtbot
) -> None:  # type: ignore[no-untyped-def]
    server = start_simulator(SPECS[:1])
    port = server.port
    try:
        wall.set_layout("1")
        wall.show_cameras(site_cameras(server)[1:2])  # "Camera 1", plain stream c1
        tile = wall.tiles[0]
        # c1 is not served: lost with the server's reason, never a picture
        await until(lambda: tile.lost, 5, "the lost state of a missing camera")
        assert "404" in tile.status.reason and not tile.shows_live_picture
        assert tile.status.misconfigured
        seen: list[tuple[int, str, str]] = []
        wall.linkChanged.connect(lambda *args: seen.append(args))
        wall.show_cameras([replace(site_cameras(server)[1], url=server.stream_url("c0"))])
        tile = wall.tiles[0]
        await until(lambda: live(tile), 10, "a live picture")
        await until(lambda: seen and seen[-1][1] == "online", 2, "the link announced")
        server.stop()
        stopped = time.monotonic()
        await until(lambda: tile.lost and not tile.shows_live_picture, 3, "the lost state")
        assert time.monotonic() - stopped < 3.0
        assert tile.status.last_frame_at is not None
        image = tile.grab().toImage()
        centre = image.pixelColor(image.width() // 2, image.height() // 2 + 40)
        assert centre.red() < 60 and centre.green() < 60  # the dark "no signal" panel
        server = start_simulator(SPECS[:1], port=port)
        await until(lambda: live(tile) and tile.status.state is LinkState.LIVE, 10, "recovery")
        await until(lambda: seen[-1][1] == "online", 2, "the link back online")
        assert [state for _, state, _ in seen][-3:] == ["online", "offline", "online"]
    finally:
        server.stop()


def plays(tile: WallTile, url: str) -> bool:
    status = tile.status
    return live(tile) and status is not None and status.url == url and status.state == "live"


def picture_size(tile: WallTile, folder: Path) -> tuple[int, int]:
    """Width and height of the stream the tile plays, from a full-size snapshot."""
    assert tile.decoder is not None
    saved = tile.decoder.snapshot_to(folder / f"{time.monotonic_ns()}.png").result(5)
    height, width = cv2.imread(str(saved)).shape[:2]
    return width, height


async def test_an_enlarged_tile_plays_the_main_stream_and_goes_back(
    wall, qtbot, sim, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    wall.show_cameras(site_cameras(sim)[:4])
    gate = wall.tiles[0]
    assert gate.decoder.url == sim.stream_url("c0")  # the substream on the wall
    await until(lambda: live(gate), 10, "the substream")
    qtbot.mouseDClick(gate, Qt.MouseButton.LeftButton)
    assert wall.enlarged == 0 and gate.decoder.url == sim.stream_url("main")
    assert not wall.tiles[1].isVisible()
    await until(lambda: gate.width() > 1000, 2, "the tile to fill the wall")
    await until(lambda: plays(gate, sim.stream_url("main")), 10, "the main stream painted")
    assert picture_size(gate, tmp_path) == (640, 360)
    qtbot.mouseDClick(gate, Qt.MouseButton.LeftButton)
    assert wall.enlarged is None and gate.decoder.url == sim.stream_url("c0")
    assert wall.tiles[1].isVisible()
    await until(lambda: plays(gate, sim.stream_url("c0")), 10, "the substream painted")
    assert picture_size(gate, tmp_path) == (320, 180)
    wall.enlarge(1)  # from the menu; Esc returns
    qtbot.keyClick(wall.tiles[1], Qt.Key.Key_Escape)
    assert wall.enlarged is None and wall.tiles[0].isVisible()


async def test_snapshot_and_diagnose_now_from_the_tile_menu(wall, qtbot, sim, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wall.snapshot_dir = tmp_path
    wall.show_cameras(site_cameras(sim)[1:2])
    tile = wall.tiles[0]
    await until(lambda: live(tile), 10, "a live picture")
    wall._tile_menu(0, tile.mapToGlobal(tile.rect().center()))
    menu = wall.context_menu
    actions = {a.objectName(): a for a in menu.actions()}
    saved: list[str] = []
    wall.info.connect(saved.append)
    actions["wallSnapshotAction"].trigger()
    await until(lambda: saved, 5, "the snapshot")
    [path] = list(tmp_path.glob("Camera_1-*.jpg"))
    assert path.stat().st_size > 1000 and str(path) in saved[0]
    with qtbot.waitSignal(wall.diagnoseRequested) as asked:
        actions["wallDiagnoseAction"].trigger()
    assert asked.args == [2]
    menu.close()


def test_the_link_words_say_live_without_a_rate_until_it_is_measured(qtbot) -> None:  # type: ignore[no-untyped-def]
    tile = WallTile(0)
    qtbot.addWidget(tile)
    up = LinkStatus(LinkState.LIVE, "", time.time(), 0.0, "u")
    assert tile.link_words(up, lost=False)[1] == "LIVE"  # not "0 fps" under a moving picture
    assert tile.link_words(replace(up, fps=24.6), lost=False)[1] == "LIVE  25 fps"
    assert tile.link_words(None, lost=True)[1] == "connecting"
    down = LinkStatus(LinkState.LOST, "HTTP 503", None, 0.0, "u", 2.0)
    assert tile.link_words(down, lost=True)[1] == "no signal"
    assert tile.link_words(replace(down, misconfigured=True), lost=True)[1] == "stream error"
