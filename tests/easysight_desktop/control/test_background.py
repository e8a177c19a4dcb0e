"""Background tasks: a swallowed cancellation must not hang a close, and a command's loop closes
only after the tasks its clean-up started have ended."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from easysight_desktop.control import background
from easysight_desktop.control.background import settled, stop_task


async def test_a_loop_that_swallows_its_first_cancellation_is_still_stopped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rounds = 0

    async def stubborn() -> None:
        """As a service loop does when a library eats the CancelledError mid-round."""
        nonlocal rounds
        while True:
            rounds += 1
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if rounds == 1:
                    continue  # swallowed once
                raise

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)
    await asyncio.wait_for(stop_task(task), 5)
    assert task.cancelled() and rounds == 2
    assert "ignored its cancellation" in caplog.text


async def test_a_task_that_never_stops_is_left_behind_with_an_error_not_a_hang(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "FIRST_GRACE_S", 0.05)
    monkeypatch.setattr(background, "RECANCEL_EVERY_S", 0.05)
    release = asyncio.Event()

    async def deaf() -> None:
        while not release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await release.wait()

    task = asyncio.create_task(deaf(), name="deaf")
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(stop_task(task, patience_s=0.3), 5)
    assert not task.done()
    assert "deaf did not stop" in caplog.text
    release.set()
    await asyncio.wait_for(task, 5)


async def test_a_task_that_failed_is_logged_and_the_close_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken() -> None:
        raise RuntimeError("disk full")

    task = asyncio.create_task(broken(), name="broken")
    await asyncio.wait({task})
    await stop_task(task)
    assert "broken ended with an error" in caplog.text
    await stop_task(None)  # a service that never started


def run_command(wrap: Callable[[Coroutine[Any, Any, int]], Coroutine[Any, Any, int]]) -> list[str]:
    """A command that returns while a reader task is still ending, whose done-callback starts
    one more task (as aiormq's connection does when it closes); what had finished, in order."""
    finished: list[str] = []

    async def command() -> int:
        loop = asyncio.get_running_loop()

        async def step(name: str) -> None:
            await asyncio.sleep(0.01)
            finished.append(name)

        reader = loop.create_task(step("reader"))
        reader.add_done_callback(lambda _: loop.create_task(step("closer")))
        return 0

    assert asyncio.run(wrap(command())) == 0
    gc.collect()  # a task destroyed pending is reported when it is collected
    return finished


def test_tasks_left_by_a_command_end_before_its_loop_closes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert run_command(lambda main: main) == []  # bare asyncio.run: both cut off
    assert "Task was destroyed but it is pending" in caplog.text
    caplog.clear()
    assert run_command(settled) == ["reader", "closer"]
    assert "Task was destroyed" not in caplog.text


def test_a_task_that_never_ends_costs_the_settle_time_and_no_more() -> None:
    async def command() -> int:
        asyncio.get_running_loop().create_task(asyncio.Event().wait())
        return 3

    async def timed() -> tuple[int, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        code = await settled(command(), settle_s=0.2)
        return code, loop.time() - start

    code, took = asyncio.run(timed())
    assert code == 3 and 0.2 <= took < 2.0
