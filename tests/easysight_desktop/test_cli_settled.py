"""A command's event loop closes only after the tasks its clean-up started have ended."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from easysight_desktop.cli import settled


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
