"""``easysight-worker diagnose``: diagnose cameras or files now, without a broker.

An admin's first question about a new camera is "what would a worker say about it?"; this
answers with exactly the result object a worker sends, one source per line, as each finishes.
Exit code: 0 every source normal, 1 any finding worse than normal, 2 usage error. Sources are
printed with their passwords masked, in the human format as in ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import TextIO

from pydantic import ValidationError

from worker_node.protocol.messages import DiagnosisParams, DiagnosisResult
from worker_node.settings import Settings, SettingsError, mask_url

MAX_PARALLEL = 8
EXIT_GRACE_S = 3.0  # for abandoned capture threads to leave native code before we exit
EXIT_NORMAL, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``diagnose`` subcommand's options, added to the caller's (sub)parser."""
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="rtsp://…, http(s)://… (MJPEG, HLS), a video or image file, or a USB device number",
    )
    parser.add_argument(
        "--checks",
        default="",
        help="comma-separated checks (default: all; an unknown name lists the known ones)",
    )
    parser.add_argument("--frames", type=int, default=5, help="frames to sample (default: 5)")
    parser.add_argument(
        "--window", type=float, default=2.0, help="seconds to spread them over (default: 2)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="connect and read time limit in seconds (default: the source_timeout setting)",
    )
    parser.add_argument(
        "--template",
        default=None,
        metavar="NAME",
        help="a named diagnosis template (its checks and thresholds; --checks still wins)",
    )
    parser.add_argument(
        "--reference",
        default=None,
        metavar="IMAGE",
        help="the camera's reference view (JPEG/PNG file), for scene_change",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per line: {source, result}"
    )


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Diagnose every source concurrently; print each result as it finishes."""
    out = out or sys.stdout
    _quiet_opencv()
    from worker_node.analysis import plan_checks, run_diagnosis

    try:
        params = DiagnosisParams(
            checks=[c.strip() for c in args.checks.split(",") if c.strip()],
            frames=args.frames,
            window_s=args.window,
            template=args.template,
            reference_jpeg=_reference(args.reference) if args.reference else None,
        )
        settings = Settings.load(getattr(args, "config", None))
        plan_checks(params.checks, site_defaults=settings.thresholds, template=params.template)
        timeout = settings.source_timeout if args.timeout is None else args.timeout
        if timeout <= 0:
            raise ValueError("--timeout must be greater than 0")
    except ValidationError as exc:
        return _usage(_first_error(exc))
    except (ValueError, SettingsError) as exc:
        return _usage(str(exc))

    cancel = threading.Event()
    worst = EXIT_NORMAL
    workers = min(MAX_PARALLEL, len(args.sources))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="diagnose")
    try:
        started: dict[Future[DiagnosisResult], tuple[str, float]] = {}
        for source in args.sources:
            future = pool.submit(
                run_diagnosis,
                source,
                params,
                source_timeout=timeout,
                cancel=cancel,
                site_thresholds=settings.thresholds,
            )
            started[future] = (source, time.monotonic())
        for future in as_completed(started):
            source, began = started[future]
            result = future.result()
            _print(out, mask_url(source), result, time.monotonic() - began, args.json)
            if result.overall != "normal":
                worst = EXIT_FINDINGS
    except KeyboardInterrupt:
        cancel.set()
        print("interrupted", file=sys.stderr)
        worst = EXIT_INTERRUPTED
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    _leave_cleanly(worst)
    return worst


def _reference(path: str) -> str:
    """The image at ``path`` encoded as a stored reference is (a thumbnail JPEG, base64)."""
    import cv2

    from worker_node.analysis.snapshot import encode_thumbnail

    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"--reference: cannot read an image from {path!r}")
    text = encode_thumbnail(image)
    if text is None:
        raise ValueError(f"--reference: cannot encode {path!r} as a thumbnail")
    return text


def _leave_cleanly(code: int) -> None:
    """Let capture threads given up on at their deadline finish; if one is stuck in native
    code, exit now, because interpreter shutdown around it aborts the process."""
    from worker_node.sources import wait_for_captures

    if not wait_for_captures(EXIT_GRACE_S):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _print(
    out: TextIO, source: str, result: DiagnosisResult, elapsed: float, as_json: bool
) -> None:
    if as_json:
        line = {"source": source, "result": result.model_dump(mode="json")}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    else:
        out.write(f"{source}: {result.overall.upper()} ({elapsed:.1f} s)\n")
        for check in result.checks:
            out.write(f"  {check.type:<12} {check.status:<8} {check.score:5.1f}  {check.message}\n")
    out.flush()


def _quiet_opencv() -> None:
    """OpenCV and FFmpeg write warnings to stderr that would garble the output; the result
    already says what went wrong. An admin can still turn them on with the same variables."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET, read at first open
    if "OPENCV_LOG_LEVEL" not in os.environ:
        os.environ["OPENCV_LOG_LEVEL"] = "SILENT"
        import cv2

        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    names = {
        "frames": "--frames",
        "window_s": "--window",
        "checks": "--checks",
        "template": "--template",
        "reference_jpeg": "--reference",
    }
    field = names.get(str(err["loc"][0]) if err["loc"] else "", "argument")
    return f"{field}: {err['msg']}"


def _usage(message: str) -> int:
    print(f"easysight-worker diagnose: error: {message}", file=sys.stderr)
    return EXIT_USAGE
