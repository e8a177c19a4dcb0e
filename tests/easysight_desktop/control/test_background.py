"""Stopping a service's loop: a swallowed cancellation must not hang the close."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from easysight_desktop.control import background
from easysight_desktop.control.background import stop_task


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
