"""The console's window with the wall on a file source, its wall sent full screen and brought
back, on the screens a test chose; one JSON line of facts per step on stdout.

Run by ``test_wall_screens.py`` in a process of its own: Qt fixes its platform, and so its
screens, when the QApplication is made, and pytest-qt's application already exists in the test
process. Usage::

    python -m tests.easysight_desktop.ui.wall_screens_scenario WORKDIR --screens 1920x1080,1280x1024
        [--console-on 0] [--leave esc|button|close|f11|console-f11|hint|none]
        [--unplug wall|console] [--plug 1280x1024]

Steps: ``home`` (the wall live in its tab), ``full`` (after F11 on the window), ``unplugged``
(with ``--unplug``: the wall's or the console's screen removed while full screen), ``plugged``
(with ``--plug``: a monitor added while full screen), ``back``
(after leaving the way ``--leave`` says; not with ``--leave none``) and ``closed``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.easysight_desktop.ui.offscreen_screens import (
    screen_config,
    set_configuration,
    use_offscreen,
)

WAIT_S = 10.0


def write_clip(path: Path) -> Path:
    """A short MJPEG file: the tile's source, so nothing here needs a camera."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (160, 90))
    for n in range(25):
        writer.write(np.full((90, 160, 3), (n * 10, 80, 200 - n * 8), np.uint8))
    writer.release()
    return path


async def settle(condition: Callable[[], object], timeout: float = WAIT_S) -> bool:
    """Let the loop run until ``condition()`` holds; False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


def rect(r: Any) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


class Scenario:
    """The window, its wall and the facts the test checks."""

    def __init__(self, args: argparse.Namespace, config: dict[str, Any]) -> None:
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QWidget

        from easysight_desktop.ui.main_window import MainWindow
        from tests.easysight_desktop.ui.fakes import FakePlane, make_camera

        self.args, self.config = args, config
        clip = write_clip(Path(args.workdir) / "clip.avi")
        self.plane = FakePlane()
        self.plane.cameras_ = [make_camera(1, "Clip", url=str(clip))]
        self.window = MainWindow(self.plane)
        self.wall = self.window.wall
        self.page = self.wall.parentWidget()
        assert isinstance(self.page, QWidget)
        screen = QGuiApplication.screens()[args.console_on]
        self.window.setGeometry(screen.availableGeometry().adjusted(40, 40, -40, -40))
        self.window.show()

    def wall_screen(self) -> str:
        handle = self.wall.window().windowHandle()
        screen = handle.screen() if handle is not None else None
        return screen.name() if screen is not None else ""

    def facts(self, step: str, waited: bool) -> dict[str, Any]:
        from PySide6.QtGui import QGuiApplication

        top = self.wall.window()
        return {
            "step": step,
            "waited": waited,
            "screens": {s.name(): rect(s.geometry()) for s in QGuiApplication.screens()},
            "console_screen": self.window.screen().name(),
            "wall_is_window": self.wall.isWindow(),
            "wall_screen": self.wall_screen(),
            "wall_geometry": rect(top.geometry()),
            "wall_window_full_screen": top.isFullScreen(),
            "full_screen": self.wall.full_screen,
            "in_tab": self.wall.parentWidget() is self.page,
            # a child wall with a window of its own would be painted apart from the console's
            "wall_has_own_window": self.wall.windowHandle() is not None,
            "wall_visible": self.wall.isVisible(),
            "button": self.wall.full_button.text(),
            "away_hint": [b.text() for b in self.away_buttons() if b.isVisible()],
            "decoders_alive": sum(d.alive for d in self.wall.decoders()),
            "tile_size": [self.wall.tiles[0].width(), self.wall.tiles[0].height()],
        }

    def away_buttons(self) -> list[Any]:
        """What the wall's tab shows while the wall is full screen elsewhere."""
        from PySide6.QtWidgets import QPushButton

        return self.page.findChildren(QPushButton, "wallAwayButton")

    def report(self, step: str, waited: bool) -> None:
        print(json.dumps(self.facts(step, waited)), flush=True)

    def shown_on_its_screen(self) -> bool:
        """The wall is a full-screen window covering the screen it is on."""
        top = self.wall.window()
        handle = top.windowHandle()
        if top is self.window or handle is None or not handle.isExposed():
            return False
        screen = handle.screen()
        return screen is not None and top.isFullScreen() and top.geometry() == screen.geometry()

    async def pictures_flow(self) -> bool:
        """The first tile paints new frames (its decoder runs and the tile is shown)."""
        tile = self.wall.tiles[0]
        before = tile.displayed
        return await settle(lambda: tile.shows_live_picture and tile.displayed > before + 3)

    async def run(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        await self.window.start()
        self.wall.show_cameras(self.plane.cameras_)
        self.report("home", await self.pictures_flow())

        QTest.keyClick(self.window.windowHandle(), Qt.Key.Key_F11)  # as the operator does
        waited = await settle(self.shown_on_its_screen)
        self.report("full", waited and await self.pictures_flow())

        if self.args.unplug:
            gone = self.wall_screen() if self.args.unplug == "wall" else self.console_screen()
            kept = [s for s in self.config["screens"] if s["name"] != gone]
            set_configuration({**self.config, "screens": kept})
            waited = await settle(lambda: self.wall.full_screen is False or self.settled())
            self.report("unplugged", waited and await self.pictures_flow())

        if self.args.plug:
            width, height = (int(v) for v in self.args.plug.split("x"))
            more = screen_config([(s["width"], s["height"]) for s in self.config["screens"]]
                                 + [(width, height)])  # fmt: skip
            set_configuration(more)
            self.report("plugged", await settle(self.settled) and await self.pictures_flow())

        if self.args.leave != "none":
            if self.args.leave == "console-f11":  # the operator goes back to the console first
                self.window.activateWindow()
                await settle(self.window.isActiveWindow)
            self.leave(self.args.leave)
            waited = await settle(lambda: self.wall.parentWidget() is self.page)
            self.report("back", waited and await self.pictures_flow())

        self.window.close()
        self.window.deleteLater()
        self.report("closed", await settle(lambda: not any(d.alive for d in self.wall.decoders())))

    def console_screen(self) -> str:
        return self.window.screen().name()

    def settled(self) -> bool:
        """Full screen on a screen that is still there and is not the console's."""
        return self.shown_on_its_screen() and self.wall_screen() != self.console_screen()

    def leave(self, how: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        handle = self.wall.window().windowHandle()
        if how == "esc":
            QTest.keyClick(handle, Qt.Key.Key_Escape)  # to whichever widget has the focus
        elif how == "f11":
            QTest.keyClick(handle, Qt.Key.Key_F11)
        elif how == "console-f11":
            QTest.keyClick(self.window.windowHandle(), Qt.Key.Key_F11)
        elif how == "hint":
            self.away_buttons()[0].click()
        elif how == "button":
            self.wall.full_button.click()
        elif how == "close":
            self.wall.window().close()  # the window manager's close button does this


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir")
    parser.add_argument("--screens", default="1920x1080,1280x1024")
    parser.add_argument("--console-on", type=int, default=0)
    parser.add_argument(
        "--leave",
        choices=["esc", "button", "close", "f11", "console-f11", "hint", "none"],
        default="esc",
    )
    parser.add_argument("--unplug", choices=["wall", "console"])
    parser.add_argument("--plug", metavar="WxH", help="a monitor plugged in while full screen")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in size.split("x")) for size in args.screens.split(",")]
    config = screen_config([(w, h) for w, h in sizes])
    use_offscreen(config, Path(args.workdir) / "screens.json")

    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(Scenario(args, config).run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
