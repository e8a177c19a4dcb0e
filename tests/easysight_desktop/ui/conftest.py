"""Window tests run on a qasync loop, as the console does, with a fake control plane.

``async def`` tests here get a ``qasync.QEventLoop``: a slot that schedules a coroutine finds the
running loop, and Qt events are processed while the test awaits. Wait with :func:`until` or
:func:`signal_seen`, never with a fixed sleep, and never with ``qtbot.waitUntil`` or
``qtbot.waitSignal`` inside a coroutine (they re-enter the loop from inside a running task).
Sync tests may use qtbot's waits as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from tests.easysight_desktop.ui.fakes import FakePlane, Notes


def pytest_asyncio_loop_factories(config, item):  # type: ignore[no-untyped-def]
    def qt_loop() -> asyncio.AbstractEventLoop:
        app = QApplication.instance() or QApplication([])
        app.setQuitOnLastWindowClosed(False)  # as in the console: closing must not stop the loop
        return qasync.QEventLoop(app)

    return {"qasync": qt_loop}


async def until(condition: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
    """Let the loop run until ``condition()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        await asyncio.sleep(0.005)


@contextlib.asynccontextmanager
async def signal_seen(signal: Any, timeout: float = 5.0) -> AsyncIterator[list[tuple[Any, ...]]]:
    """``qtbot.waitSignal`` for coroutines: the body triggers, the exit waits for the signal."""
    caught: list[tuple[Any, ...]] = []

    def handler(*args: Any) -> None:
        caught.append(args)

    signal.connect(handler)
    try:
        yield caught
        await until(lambda: caught, timeout, what=f"the signal {signal}")
    finally:
        with contextlib.suppress(RuntimeError):  # the sender may have deleted itself (a dialog)
            signal.disconnect(handler)


@pytest.fixture
def plane() -> FakePlane:
    return FakePlane()


@pytest.fixture
def notes() -> Notes:
    return Notes()


@pytest.fixture
def language() -> Iterator[Callable[[str], str]]:
    """Switch the console's language for one test (``language("zh")``); English again after."""
    from easysight_desktop.ui.catalogue import set_language

    yield set_language
    set_language("en")
