"""``easysight-sim``: run the camera simulator until SIGINT or SIGTERM.

The first stdout line is ``easysight-sim: serving N cameras at <base URL>`` and is flushed at once,
so a parent process (demo script, test, benchmark) can start it with ``--port 0`` and read the URL.
``--wall`` serves a 16-tile wall: 16 cameras at 1280x720 and 25 frames/s, four of them faulty.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from worker_node.simulator.cameras import (
    DEFAULT_FPS,
    DEFAULT_SIZE,
    FAULT_SETS,
    MAX_FPS,
    MAX_LOOP_S,
    WALL_COUNT,
    WALL_FPS,
    WALL_SIZE,
    camera_specs,
    parse_faults,
)
from worker_node.simulator.faults import Fault
from worker_node.simulator.hub import DEFAULT_QUALITY
from worker_node.simulator.scenes import DEFAULT_LOOP_S
from worker_node.simulator.server import SimulatorServer

PROG = "easysight-sim"


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"size must look like 640x360, not {text!r}")
    return int(match.group(1)), int(match.group(2))


def _fps(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"fps must be a number, not {text!r}") from None
    if not 0 < value <= MAX_FPS:
        raise argparse.ArgumentTypeError(f"fps must be in (0, {MAX_FPS}], not {text}")
    return value


def _loop(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"loop must be a number, not {text!r}") from None
    if not 0 < value <= MAX_LOOP_S:
        raise argparse.ArgumentTypeError(f"loop must be in (0, {MAX_LOOP_S:g}] seconds")
    return value


def _dropout(text: str) -> tuple[float, float]:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[/,]\s*(\d+(?:\.\d+)?)\s*", text)
    if not match or float(match.group(1)) <= 0 or float(match.group(2)) <= 0:
        raise argparse.ArgumentTypeError(
            f"dropout must look like 20/10 (seconds up/down): {text!r}"
        )
    return float(match.group(1)), float(match.group(2))


def _faults(text: str) -> tuple[Fault, ...]:
    try:
        return parse_faults(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The command line; kept separate so tests and docs can inspect it."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serve synthetic cameras (healthy and faulty) as HTTP MJPEG streams.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8554, help="TCP port; 0 picks a free one")
    parser.add_argument(
        "--cameras",
        type=int,
        default=None,
        metavar="N",
        help="number of cameras (default: 5 healthy plus one per fault)",
    )
    parser.add_argument(
        "--wall",
        action="store_true",
        help=(
            f"a {WALL_COUNT}-tile wall: {WALL_COUNT} cameras, {WALL_SIZE[0]}x{WALL_SIZE[1]}, "
            f"{WALL_FPS:g} fps, faults 'wall' (dark, blurred, frozen, dropout); "
            "--cameras, --size, --fps and --faults still override"
        ),
    )
    parser.add_argument("--size", type=_size, help="frame size WxH (default 640x360)")
    parser.add_argument("--fps", type=_fps, help=f"frames per second (default {DEFAULT_FPS})")
    parser.add_argument(
        "--faults",
        type=_faults,
        metavar="SET",
        help=(
            "default (dark, blurred, frozen, no_signal), none, all (adds blue_screen, dropout), "
            "wall (dark, blurred, frozen, dropout), or a comma list such as dark,frozen,dropout"
        ),
    )
    parser.add_argument(
        "--loop",
        type=_loop,
        default=DEFAULT_LOOP_S,
        metavar="SECONDS",
        help=(
            f"motion repeats after this many seconds (default {DEFAULT_LOOP_S:g}); each frame "
            "of the loop is encoded once, the clock keeps real time"
        ),
    )
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="encode every loop before serving (a steady load from the first second)",
    )
    parser.add_argument(
        "--dropout",
        type=_dropout,
        default=(20.0, 10.0),
        metavar="UP/DOWN",
        help="seconds a dropout camera serves / refuses (default 20/10)",
    )
    parser.add_argument(
        "--quality", type=int, default=DEFAULT_QUALITY, help="JPEG quality 1-100 (default 80)"
    )
    parser.add_argument("--list", action="store_true", help="print the cameras as JSON and exit")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: all)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGINT/SIGTERM; exit status 0 on a clean stop, 1 if the port cannot be bound."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 1 <= args.quality <= 100:
        parser.error("--quality must be between 1 and 100")
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format=f"{PROG}: %(levelname)s %(name)s: %(message)s")
    preset = (
        (WALL_COUNT, WALL_SIZE, WALL_FPS, FAULT_SETS["wall"])
        if args.wall
        else (None, DEFAULT_SIZE, DEFAULT_FPS, FAULT_SETS["default"])
    )
    try:
        specs = camera_specs(
            preset[0] if args.cameras is None else args.cameras,
            size=preset[1] if args.size is None else args.size,
            fps=preset[2] if args.fps is None else args.fps,
            faults=preset[3] if args.faults is None else args.faults,
            dropout_up_s=args.dropout[0],
            dropout_down_s=args.dropout[1],
            loop_s=args.loop,
        )
        server = SimulatorServer(specs, host=args.host, port=args.port, quality=args.quality)
    except ValueError as exc:
        parser.error(str(exc))
    if args.list:
        print(json.dumps(server.camera_list(), indent=2))
        return 0

    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if args.prepare:
            server.prepare()
        try:
            server.start()
        except OSError as exc:
            print(f"{PROG}: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
            return 1
        print(f"{PROG}: serving {len(specs)} cameras at {server.base_url}", flush=True)
        try:
            # A timed wait, so the signal handler gets to run on every platform.
            while not stop.wait(0.5):
                pass
        finally:
            server.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(f"{PROG}: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
