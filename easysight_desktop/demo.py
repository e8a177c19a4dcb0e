"""``make demo``: camera simulator + one worker + the console, on the local RabbitMQ.

With a display, the console's window opens with the simulator's cameras registered (group
"Simulator"), on the live wall at a first start, and one diagnosis per camera submitted. Without
one (a server, CI), the same control plane runs headless and prints each camera's result as it
lands.
"""

from __future__ import annotations

import asyncio
import os
import sys
from uuid import UUID

from easysight_desktop.control.events import Event, TasksChanged
from easysight_desktop.control.plane import ControlPlane
from easysight_desktop.control.views import FINAL_STATES, CameraInput, TaskView
from easysight_desktop.demo_stack import DemoStack, demo_stack
from worker_node.settings import Settings

GROUP = "Simulator"
MARK = {"normal": "OK  ", "warning": "WARN", "error": "ERR ", "critical": "CRIT"}


async def register_and_diagnose(plane: ControlPlane, stack: DemoStack) -> list[TaskView]:
    """Register (or refresh) the simulator's cameras, then diagnose each one once."""
    existing = {c.name: c for c in await plane.cameras()}
    ids = []
    for cam in stack.cameras:
        data = CameraInput(
            name=cam["name"],
            url=cam["url"],
            substream_url=cam.get("substream_url"),  # the wall plays it; enlarged tiles the main
            group=GROUP,
            location="demo site",
        )
        known = existing.get(cam["name"])
        view = await (plane.update_camera(known.id, data) if known else plane.add_camera(data))
        ids.append(view.id)
    return await plane.create_tasks("diagnosis", {"frames": 5, "window_s": 2.0}, camera_ids=ids)


async def print_results(settings: Settings, stack: DemoStack, timeout: float = 120) -> int:
    plane = ControlPlane(settings)
    finished: dict[UUID, TaskView] = {}
    done = asyncio.Event()
    wanted: set[UUID] = set()
    printing: list[asyncio.Task[None]] = []

    def on_event(event: Event) -> None:
        if isinstance(event, TasksChanged):
            for task in event.tasks:
                if task.id in wanted and task.state in FINAL_STATES and task.id not in finished:
                    finished[task.id] = task
                    printing.append(asyncio.ensure_future(show(plane, task)))
            if wanted and wanted <= finished.keys():
                done.set()

    plane.events.subscribe(on_event)
    await plane.start()
    try:
        tasks = await register_and_diagnose(plane, stack)
        wanted.update(t.id for t in tasks)
        print(f"Submitted {len(tasks)} diagnosis tasks; results as they arrive:\n", flush=True)
        try:
            await asyncio.wait_for(done.wait(), timeout)
        except TimeoutError:
            print(f"\n{len(wanted - finished.keys())} task(s) unfinished", file=sys.stderr)
            return 1
        await asyncio.gather(*printing)
    finally:
        await plane.close()
    return 0


async def show(plane: ControlPlane, task: TaskView) -> None:
    results = await plane.results(task.id)
    latest = results[0] if results else None
    overall = task.overall or task.state
    print(f"{task.camera_name:<18} {MARK.get(overall, '    ')} {overall}", flush=True)
    for check in latest.checks if latest else ():
        line = f"    {MARK[check.status]} {check.type:<12} {check.score:5.1f}  {check.message}"
        print(line, flush=True)


def show_on_wall_at_first_start(group: str) -> None:
    """The window's wall shows the group unless the operator's own wall was saved (a first
    start; later ``make demo`` runs keep what the operator left)."""
    from PySide6.QtWidgets import QApplication

    from easysight_desktop.ui.main_window import MainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.show_group_at_first_start(group)


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or (
        sys.platform in ("win32", "darwin")
    )


def main() -> int:
    settings = Settings.load()
    with demo_stack() as stack:
        print(f"Camera simulator at {stack.simulator_url} with {len(stack.cameras)} cameras")
        if not has_display():
            print("No display: running the console headless.")
            return asyncio.run(print_results(settings, stack))
        from easysight_desktop.app import run_window

        async def on_started(plane: ControlPlane) -> None:
            show_on_wall_at_first_start(GROUP)
            await register_and_diagnose(plane, stack)

        return run_window(settings, on_started=on_started)


if __name__ == "__main__":
    sys.exit(main())
