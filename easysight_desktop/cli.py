"""``easysight-console``: the window, ``--headless``, and the operator CLI (status, submit)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from easysight_desktop.control.background import settled
from worker_node.settings import Settings, SettingsError

log = logging.getLogger("easysight.console")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="easysight-console", description="EasySight operator console."
    )
    parser.add_argument("--config", help="TOML settings file (default: EASYSIGHT_CONFIG or none)")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="run recorder, monitor, supervisor and dispatcher without a window",
    )
    commands = parser.add_subparsers(dest="command")

    status = commands.add_parser("status", help="broker, queues and workers at a glance")
    status.add_argument("--json", action="store_true", help="one JSON object")
    status.add_argument("--wait", type=float, default=3.0, help="seconds to listen (default 3)")

    submit = commands.add_parser("submit", help="create a diagnosis task and send it now")
    submit.add_argument("--camera", required=True, action="append", help="camera name or URL")
    submit.add_argument("--checks", help="comma-separated checks (default: all)")
    submit.add_argument("--template", help="a named template of checks, e.g. quick or nightly")
    submit.add_argument("--priority", type=int, default=0, choices=range(11), metavar="0-10")
    submit.add_argument("--frames", type=int, default=5)
    submit.add_argument("--wait", action="store_true", help="wait for the results and print them")
    submit.add_argument("--timeout", type=float, default=330.0, help="seconds to wait at most")
    submit.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.load(args.config)
    except SettingsError as exc:
        print(f"easysight-console: {exc}", file=sys.stderr)
        return 2
    if args.command == "status":
        _quiet_logging()
        from easysight_desktop.operator_cli import status

        return asyncio.run(settled(status(settings, as_json=args.json, listen_s=args.wait)))
    if args.command == "submit":
        _quiet_logging()
        from easysight_desktop.operator_cli import submit

        return asyncio.run(settled(submit(settings, args)))
    _logging(settings)
    if args.headless:
        return asyncio.run(settled(_headless(settings)))
    from easysight_desktop.app import run_window

    return run_window(settings)


def _quiet_logging() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    logging.getLogger("aiormq").setLevel(logging.CRITICAL)
    logging.getLogger("aio_pika").setLevel(logging.CRITICAL)


def _logging(settings: Settings) -> None:
    from worker_node.logs import setup_logging

    path = setup_logging(settings.log_dir, "console.log", settings.log_level)
    if path is not None:
        log.info("logging to %s", path)


async def _headless(settings: Settings) -> int:
    """The always-on recorder/scheduler of a site: the control plane, no window, and the camera
    presence probe (its state changes are logged; an outage raises a device_offline alarm)."""
    from easysight_desktop.control.db.database import DatabaseUnavailable
    from easysight_desktop.control.plane import ControlPlane
    from easysight_desktop.control.presence import PresenceService

    plane = ControlPlane(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await plane.start()
    except DatabaseUnavailable as exc:
        log.error("%s", exc)
        await plane.close()
        return 1
    presence = PresenceService(
        plane,
        probe_every_s=settings.camera_probe_interval,
        alarm_after_s=settings.camera_offline_alarm_after,
    )
    presence.start()
    log.info(
        "headless console: recording from %s into %s; cameras probed every %g s",
        settings.safe_rabbitmq_url,
        plane.db.safe_url,
        settings.camera_probe_interval,
    )
    await stop.wait()
    log.info("stopping")
    await presence.close()
    await plane.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
