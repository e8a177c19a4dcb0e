"""``easysight-worker``: run a worker node, or diagnose cameras by hand without a broker."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence

from worker_node import __version__
from worker_node.settings import Settings, SettingsError

log = logging.getLogger("easysight.worker")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="easysight-worker", description="EasySight worker node (analysis machine)."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="consume tasks from RabbitMQ until stopped")
    run.add_argument("--id", dest="worker_id", help="worker id (default: worker-<host name>)")
    run.add_argument("--config", help="TOML settings file (default: EASYSIGHT_CONFIG or none)")
    run.add_argument("--concurrency", type=int, dest="max_concurrent_tasks")
    run.add_argument("--kinds", help="comma-separated task kinds to consume (default: diagnosis)")

    diagnose = commands.add_parser(
        "diagnose", help="diagnose cameras or files now, without a broker"
    )
    from worker_node import diagnose_cli

    diagnose_cli.add_arguments(diagnose)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # OpenCV and FFmpeg write warnings straight to stderr; camera errors reach our log instead.
    # (Set before anything imports cv2.)
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    args = build_parser().parse_args(argv)
    if args.command == "diagnose":
        from worker_node import diagnose_cli

        return diagnose_cli.run(args)
    return run_worker(args)


def run_worker(args: argparse.Namespace) -> int:
    from worker_node.logs import setup_logging

    try:
        settings = Settings.load(
            args.config,
            worker_id=args.worker_id,
            max_concurrent_tasks=args.max_concurrent_tasks,
            kinds=args.kinds,
        )
        if "diagnosis" in settings.kinds:
            from worker_node.handlers import check_thresholds

            check_thresholds(settings)
    except SettingsError as exc:
        print(f"easysight-worker: {exc}", file=sys.stderr)
        return 2
    path = setup_logging(settings.log_dir, f"{settings.worker_id}.log", settings.log_level)
    if path is not None:
        log.info("logging to %s", path)
    try:
        asyncio.run(_serve(settings))
    except KeyboardInterrupt:
        return _exit_after_captures(130, settings.shutdown_grace)
    except Exception as exc:  # one line for the admin, the traceback in the log file
        from worker_node.protocol import TopologyMismatch
        from worker_node.runtime.worker import BrokerUnavailable

        if isinstance(exc, TopologyMismatch | BrokerUnavailable):
            log.error("%s", exc)
            return 1
        log.exception("worker stopped on an unexpected error")
        return _exit_after_captures(1, settings.shutdown_grace)
    return _exit_after_captures(0, settings.shutdown_grace)


def _exit_after_captures(code: int, grace: float) -> int:
    """Let capture threads leave FFmpeg; a thread still inside it at exit aborts the process."""
    from worker_node.sources import wait_for_captures

    if not wait_for_captures(min(grace, 10.0)):
        log.warning("a camera read is still blocked; exiting without waiting for it")
        logging.shutdown()
        os._exit(code)
    return code


async def _serve(settings: Settings) -> None:
    from worker_node.runtime.worker import Worker

    worker = Worker(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, worker.request_stop, signal.Signals(sig).name)
    await worker.run()


if __name__ == "__main__":
    sys.exit(main())
