"""Run planned checks on one frame context: frame minimums, suppression, order.

Suppression: the suppressing checks (``signal_loss``, ``blue_screen``) run first. If any of
them finds something (status worse than normal), the other checks are not run and only the
suppressing findings are reported; the rest are DROPPED from the result — with no picture they
would only repeat the cause as symptoms ("too dark", "blurred", "frozen") and raise alarms of
their own. The suppressing finding's message says so. Checks that need more frames than were
sampled are reported as not assessed: status warning, score 50, no value — never normal, since
nothing was verified.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Sequence
from pathlib import Path

from worker_node.analysis.context import FrameContext
from worker_node.analysis.registry import PlannedCheck
from worker_node.analysis.scoring import scored
from worker_node.protocol.catalogue import SUPPRESSED_FACT, word
from worker_node.protocol.messages import CheckResult

NOT_ASSESSED_SCORE = 50.0


def not_assessed(name: str, needed: int, got: int) -> CheckResult:
    """The result of a check that cannot judge from ``got`` frames."""
    return scored(name, NOT_ASSESSED_SCORE, "not_assessed", {"needed": needed, "got": got})


def _mark_suppressing(result: CheckResult) -> CheckResult:
    facts = {**result.facts, SUPPRESSED_FACT: 1.0}
    message = word(result.type, result.code, facts) if result.code else result.message
    return result.model_copy(update={"facts": facts, "message": message})


# OpenBLAS's setter under the names its builds export (numpy's wheels: scipy_openblas64_).
_BLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


@functools.cache
def single_threaded_blas() -> bool:
    """Make OpenBLAS (numpy's ``@``/``dot``) run on the calling thread; True if it was found.

    Diagnoses already run in parallel on the worker's thread pool. OpenBLAS's own threads
    add nothing there, and after each call they busy-wait for more work: one ``@`` in a check
    kept a whole core spinning, and CPU per frame rose by about 60 % for the entire catalogue
    (bench/vqd_speed.py: 90 → 55 frames/s per core at 1080p). This is the runtime equivalent of
    ``OPENBLAS_NUM_THREADS=1``, which only works if it is set before numpy loads. Linux only
    (it finds the library in /proc/self/maps); elsewhere it is a no-op.
    """
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return False
    paths = {
        fields[-1]
        for fields in (line.split() for line in maps.splitlines())
        if len(fields) >= 6 and "openblas" in fields[-1].lower()
    }
    found = False
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _BLAS_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter.argtypes = [ctypes.c_int]
                setter.restype = None
                setter(1)
                found = True
                break
    return found


def run_checks(plan: Sequence[PlannedCheck], ctx: FrameContext) -> list[CheckResult]:
    """Results in plan order, after suppression."""
    single_threaded_blas()
    results: dict[str, CheckResult] = {}
    for planned in plan:
        if planned.spec.suppresses:
            results[planned.spec.name] = _evaluate(planned, ctx)
    found = [name for name, result in results.items() if result.status != "normal"]
    others = [planned for planned in plan if not planned.spec.suppresses]
    if found:
        if others:
            for name in found:
                results[name] = _mark_suppressing(results[name])
        return [results[p.spec.name] for p in plan if p.spec.name in found]
    for planned in others:
        results[planned.spec.name] = _evaluate(planned, ctx)
    return [results[planned.spec.name] for planned in plan]


def _evaluate(planned: PlannedCheck, ctx: FrameContext) -> CheckResult:
    spec = planned.spec
    if len(ctx) < spec.min_frames:
        return not_assessed(spec.name, spec.min_frames, len(ctx))
    result = spec.evaluate(ctx, planned.thresholds)
    if result.type != spec.name:
        raise RuntimeError(f"check {spec.name!r} returned a result of type {result.type!r}")
    return result
