"""Composition root of the window: QApplication on a qasync loop, start and stop in order.

Start: window first (the operator sees it at once, with "connecting…"), then the control plane
(database migration on its thread, broker in the background). Stop: the window closes, then the
control plane closes its services and connections, then the loop ends.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from easysight_desktop.control.background import settled
from easysight_desktop.control.plane import ControlPlane
from worker_node.settings import Settings

log = logging.getLogger(__name__)


def close_on_signals(loop: asyncio.AbstractEventLoop, close: Callable[[], object]) -> None:
    """Ctrl+C or SIGTERM (``make demo`` in a terminal, a service manager) closes the window as
    its close button does: the wall is saved and the decoder processes end. A second Ctrl+C
    interrupts at once. Python runs the handler when the GUI thread next runs Python code,
    which the wall's refresh timer and the loop's own timers do several times a second."""

    def on_signal(number: int, _frame: object) -> None:
        log.info("%s: closing the window", signal.Signals(number).name)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        loop.call_soon_threadsafe(close)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)


def run_window(
    settings: Settings,
    on_started: Callable[[ControlPlane], Awaitable[None]] | None = None,
) -> int:
    """Run the window until it closes; ``on_started`` runs once the control plane is up."""
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from easysight_desktop.ui.catalogue import set_language
    from easysight_desktop.ui.main_window import MainWindow
    from easysight_desktop.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("EasySight")
    app.setOrganizationName("EasySight")
    # Closing the window must not stop the loop before the control plane has closed.
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)  # type: ignore[arg-type]
    language = set_language(settings.language)  # check titles and findings, before any widget
    log.info("console language: %s (setting %s)", language, settings.language)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    plane = ControlPlane(settings)
    # The operator's layout and window geometry come back at the next start.
    layout = QSettings("EasySight", "console")
    window = MainWindow(plane, layout_settings=layout)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)  # type: ignore[union-attr]
    app.lastWindowClosed.connect(closed.set)  # type: ignore[union-attr]
    close_on_signals(loop, window.close)

    async def main() -> int:
        if layout.value("window/geometry") is None:
            # First start: a control-room screen is the console's own (also without a window
            # manager to maximise it).
            screen = app.primaryScreen()
            if screen is not None:
                window.setGeometry(screen.availableGeometry())
            window.showMaximized()
        else:
            window.show()
        try:
            await plane.start()
        except Exception as exc:  # a database that cannot be opened: say so and stop
            log.error("cannot start: %s", exc)
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(QMessageBox.Icon.Critical, "EasySight", f"Cannot start: {exc}")
            acknowledged = asyncio.Event()
            box.finished.connect(acknowledged.set)
            box.open()  # never exec() inside a coroutine (qasync)
            await acknowledged.wait()
            await plane.close()
            return 1
        await window.start()
        # Start-up objects live for the whole session: keep them out of the full collections
        # that otherwise stall the GUI for ~80 ms while results stream in.
        gc.collect()
        gc.freeze()
        if on_started is not None:
            await on_started(plane)
        await closed.wait()
        await plane.close()
        return 0

    with loop:
        return loop.run_until_complete(settled(main()))
