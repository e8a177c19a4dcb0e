"""``easysight-console status`` and ``submit``: the control plane for scripts and admins.

``status`` answers what the old ``/api/v1/rabbitmq/status``, ``/diagnosis/queue/status`` and
``/diagnosis/workers`` endpoints did; ``submit`` is the old create-and-submit in one call.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from uuid import UUID

from easysight_desktop.control.db.database import DatabaseUnavailable
from easysight_desktop.control.events import Event, TasksChanged
from easysight_desktop.control.plane import ControlPlane
from easysight_desktop.control.views import FINAL_STATES, CameraInput, StatusReport, TaskView
from worker_node.protocol import catalogue
from worker_node.settings import Settings

CONNECT_TIMEOUT_S = 10.0


async def _wait_for_broker(plane: ControlPlane, timeout: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(plane.broker.connected.wait(), timeout)
    return plane.broker.connected.is_set()


async def status(settings: Settings, *, as_json: bool, listen_s: float) -> int:
    plane = ControlPlane(settings, record=False, supervise=False, dispatch=False)
    try:
        await plane.start()
    except DatabaseUnavailable as exc:
        print(f"easysight-console: {exc}", file=sys.stderr)
        return 1
    try:
        connected = await _wait_for_broker(plane, min(listen_s, CONNECT_TIMEOUT_S) or 0.1)
        if connected:
            await asyncio.sleep(max(listen_s, 0))  # hear heartbeats sent meanwhile
            await plane.monitor.sample_now()
        report = await plane.status()
    finally:
        await plane.close()
    if as_json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(format_status(report))
    return 0 if report.broker.ok else 1


def format_status(report: StatusReport) -> str:
    mark = {True: "OK  ", False: "DOWN"}
    lines = [
        f"broker    {mark[report.broker.ok]} {report.broker.detail}",
        f"database  {mark[report.database.ok]} {report.database.detail}",
        "",
        f"{'queue':<28}{'ready':>8}{'unacked':>9}{'consumers':>11}",
    ]
    for q in report.queues:
        unacked = "-" if q.unacked is None else str(q.unacked)
        lines.append(f"{q.name:<28}{q.ready:>8}{unacked:>9}{q.consumers:>11}")
    if not report.queues:
        lines.append("(no queue figures: broker not reachable)")
    lines += ["", f"{'worker':<24}{'state':<10}{'load':>6}  {'last heartbeat':<26}host"]
    for w in report.workers:
        beat = w.last_heartbeat.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        lines.append(f"{w.id:<24}{w.status:<10}{w.load:>6}  {beat:<26}{w.host}")
    if not report.workers:
        lines.append("(no worker has sent a heartbeat)")
    return "\n".join(lines)


async def submit(settings: Settings, args: argparse.Namespace) -> int:
    params: dict[str, object] = {"frames": args.frames}
    if args.checks:
        params["checks"] = [c.strip() for c in args.checks.split(",") if c.strip()]
    if args.template:
        try:
            params["template"] = catalogue.template(args.template).name
        except catalogue.CatalogueError as exc:
            print(f"easysight-console: {exc}", file=sys.stderr)
            return 2
    plane = ControlPlane(settings, supervise=False)
    finished: dict[UUID, TaskView] = {}
    sent: set[UUID] = set()
    done, all_sent = asyncio.Event(), asyncio.Event()
    wanted: set[UUID] = set()

    def on_event(event: Event) -> None:
        if isinstance(event, TasksChanged):
            for task in event.tasks:
                if task.id in wanted and task.state != "pending":
                    sent.add(task.id)
                if task.id in wanted and task.state in FINAL_STATES:
                    finished[task.id] = task
            if wanted and wanted <= sent:
                all_sent.set()
            if wanted and wanted <= finished.keys():
                done.set()

    plane.events.subscribe(on_event)
    try:
        await plane.start()
        camera_ids = [await _camera_id(plane, name) for name in args.camera]
        tasks = await plane.create_tasks(
            "diagnosis", params, camera_ids=camera_ids, priority=args.priority
        )
        wanted.update(t.id for t in tasks)
        if not await _wait_for_broker(plane, CONNECT_TIMEOUT_S):
            print(
                f"broker not reachable ({plane.broker_state.detail}); "
                f"{len(tasks)} task(s) saved as pending and sent when it is back",
                file=sys.stderr,
            )
            return 1 if args.wait else 0
        if not args.wait:
            with contextlib.suppress(TimeoutError):  # the outbox keeps the rest: said below
                await asyncio.wait_for(all_sent.wait(), CONNECT_TIMEOUT_S)
            if not all_sent.is_set():
                print(
                    "some tasks are still pending; they go out with the next console",
                    file=sys.stderr,
                )
            for task in tasks:
                print(task.id)
            return 0
        try:
            await asyncio.wait_for(done.wait(), args.timeout)
        except TimeoutError:
            print(f"no result within {args.timeout:g} s", file=sys.stderr)
            return 1
        return await _print_results(plane, tasks, finished, as_json=args.json)
    except (ValueError, LookupError, DatabaseUnavailable) as exc:
        print(f"easysight-console: {exc}", file=sys.stderr)
        return 2
    finally:
        await plane.close()


async def _camera_id(plane: ControlPlane, name_or_url: str) -> int:
    """A registered camera by name or URL; an unknown URL is registered on the fly."""
    for camera in await plane.cameras():
        if name_or_url in (camera.name, camera.url):
            return camera.id
    if "://" not in name_or_url and not name_or_url.isdigit():
        raise LookupError(f"no camera named {name_or_url!r} (give a URL to register a new one)")
    view = await plane.add_camera(CameraInput(name=name_or_url, url=name_or_url, group="Ad hoc"))
    return view.id


async def _print_results(
    plane: ControlPlane, tasks: list[TaskView], finished: dict[UUID, TaskView], *, as_json: bool
) -> int:
    worst_ok = True
    for task in tasks:
        final = finished[task.id]
        results = await plane.results(task.id)
        latest = results[0] if results else None
        ok = final.state == "completed" and (final.overall in (None, "normal"))
        worst_ok &= ok
        if as_json:
            print(
                json.dumps(
                    {
                        "task_id": str(task.id),
                        "camera": task.camera_name,
                        "state": final.state,
                        "overall": final.overall,
                        "error": final.error,
                        "checks": [c.__dict__ for c in latest.checks] if latest else [],
                    }
                )
            )
            continue
        print(f"{task.camera_name}: {final.state} {final.overall or ''} {final.error or ''}")
        for check in latest.checks if latest else ():
            print(f"    {check.status:<9}{check.type:<14}{check.score:6.1f}  {check.message}")
    return 0 if worst_ok else 1
