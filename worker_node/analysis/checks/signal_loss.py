"""``signal_loss``: no picture at all — black or featureless frames, or no stream to read.

A frame has no picture when its mean grey is at most ``black_level`` or when at least
``uniform_percent`` % of its pixels lie within ``uniform_tolerance`` grey levels of the median
(a flat "no video" screen, even with a small OSD caption on it). An unreachable source is the
same finding with the connection error as its message (see :func:`connection_lost`). This
check suppresses the others when it finds anything: their findings would only be symptoms.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import scored
from worker_node.protocol.messages import CheckResult

NAME = "signal_loss"
LEVELS = np.arange(256, dtype=np.float64)


def _validate(t: Thresholds) -> None:
    if not 0 < t["uniform_percent"] <= 100:
        raise ValueError("need 0 < uniform_percent <= 100")


def connection_lost(message: str) -> CheckResult:
    """The finding for a source that gave no frame at all: critical, score 0."""
    return scored(NAME, 0.0, "unreachable", {"error": message})


def has_no_picture(grey: Image, t: Thresholds, hist: NDArray[np.float32] | None = None) -> bool:
    """Black, or flat enough to be a "no video" screen.

    ``hist``: the 256-bin histogram of ``grey`` if already made (``FrameContext.grey_hist``);
    mean, median and the share near it all come from it, with no pass over the pixels.
    """
    if hist is None:
        hist = np.bincount(grey.ravel(), minlength=256).astype(np.float32)
    counts = hist.astype(np.float64)
    if float((counts * LEVELS).sum()) / grey.size <= t["black_level"]:
        return True
    median = int(np.searchsorted(np.cumsum(counts), grey.size / 2))
    tol = int(t["uniform_tolerance"])
    near = int(counts[max(0, median - tol) : median + tol + 1].sum())
    return near * 100 >= t["uniform_percent"] * grey.size


@register(
    NAME,
    defaults={"black_level": 8, "uniform_percent": 98, "uniform_tolerance": 6},
    min_frames=0,
    suppresses=True,
    validate=_validate,
)
def signal_loss(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """No picture: black or uniform frames, or an unreachable source.

    Value: percentage of sampled frames without a picture. All frames lost: score 0; some
    lost: 60 × the share with a picture (intermittent loss: warning to critical).
    """
    if not ctx.frames:
        return scored(NAME, 100.0, "no_frames_requested")
    lost = sum(
        has_no_picture(grey, t, hist) for grey, hist in zip(ctx.grey, ctx.grey_hist, strict=True)
    )
    total = len(ctx)
    percent = 100.0 * lost / total
    facts = {"lost": lost, "total": total}
    if lost == 0:
        return scored(NAME, 100.0, "present", facts, value=percent)
    score = 60.0 * (total - lost) / total
    code = "intermittent" if lost < total else "lost" if total > 1 else "lost_frame"
    return scored(NAME, score, code, facts, value=percent)
