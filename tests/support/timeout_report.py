"""A test that times out ends the run with its name and its last log lines, not only stacks.

pytest-timeout's "thread" method dumps every thread's stack and exits; CI keeps only the tail
of the output, where the test's name never appears. This plugin starts the same timer, adds
where each asyncio task waits, and ends its report with the test's id and the end of what the
test logged, so the tail names the hang.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import threading
import traceback
from typing import Any

import pytest
import pytest_timeout
from _pytest.logging import caplog_handler_key

LOG_TAIL_LINES = 25


def _report_and_exit(item: pytest.Item, timeout: float) -> None:
    terminal = item.config.get_terminal_writer()
    try:
        captured = _captured(item)
        terminal.sep("+", title="Timeout: stacks")
        for dump in (pytest_timeout.dump_stacks, _dump_tasks):
            try:
                dump(terminal)
            except Exception:
                traceback.print_exc()  # a broken part of the report must not hide the rest
        tail = "\n".join(captured.splitlines()[-LOG_TAIL_LINES:])
        if tail:
            terminal.sep("~", title="End of the test's output and log")
            terminal.write(tail + "\n")
    finally:
        terminal.sep("+", title=f"TIMEOUT after {timeout:g} s in {item.nodeid}")
        terminal.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


def _captured(item: pytest.Item) -> str:
    """What the test printed and logged so far (capture is suspended so the report shows)."""
    text = ""
    try:
        capman = item.config.pluginmanager.getplugin("capturemanager")
        if capman is not None:
            capman.suspend_global_capture(item)
            out, err = capman.read_global_capture()
            text = out + err
        handler = item.stash.get(caplog_handler_key, None)
        if handler is not None:
            text += "".join(f"{_line(handler, r)}\n" for r in list(handler.records))
    except Exception:
        text += traceback.format_exc()
    return text


def _line(handler: logging.Handler, record: logging.LogRecord) -> str:
    try:
        return handler.format(record)
    except Exception as exc:  # a record whose arguments do not fit its message
        return f"{record.levelname} {record.name}: {record.msg!r} (unformattable: {exc})"


def _dump_tasks(terminal: Any) -> None:
    """Where each task of a running event loop waits: the thread stacks of a test stuck in
    ``await`` only show the loop idling; the coroutine that never resumed is found here."""
    # type(), not isinstance(): a dead weak proxy raises when asked for its class.
    loops = [o for o in gc.get_objects() if issubclass(type(o), asyncio.AbstractEventLoop)]
    for loop in (loop for loop in loops if loop.is_running()):
        for task in list(asyncio.all_tasks(loop)):
            terminal.sep("~", title=f"Task {task.get_name()} of {type(loop).__name__}")
            terminal.write(_await_chain(task.get_coro()))


def _await_chain(awaitable: Any) -> str:
    """The chain of ``await``s from a task's coroutine down to what it waits on."""
    lines = []
    while awaitable is not None:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
        if frame is None:
            lines.append(f"  waiting on {awaitable!r}\n")
            break
        lines.append(f'  File "{frame.f_code.co_filename}", line {frame.f_lineno}, in ')
        lines.append(f"{frame.f_code.co_name}\n")
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)
    return "".join(lines)


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """Take over the "thread" method only; the others keep pytest-timeout's own handling."""
    if settings.method != "thread" or not settings.timeout:
        return None
    timer = threading.Timer(settings.timeout, _report_and_exit, (item, settings.timeout))
    timer.name = f"timeout {item.nodeid}"
    timer.daemon = True

    def cancel() -> None:
        timer.cancel()
        timer.join()

    item.cancel_timeout = cancel  # type: ignore[attr-defined]  # read by pytest-timeout's cancel
    timer.start()
    return True
