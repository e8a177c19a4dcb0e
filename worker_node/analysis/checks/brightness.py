"""``brightness``: a picture too dark or too bright to watch (night, IR failure, glare)."""

from __future__ import annotations

import numpy as np

from worker_node.analysis.context import FrameContext
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult


def _validate(t: Thresholds) -> None:
    if not 0 < t["min_mean"] < t["max_mean"] < 255:
        raise ValueError("need 0 < min_mean < max_mean < 255")


@register("brightness", defaults={"min_mean": 30, "max_mean": 220}, validate=_validate)
def brightness(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Mean grey level inside the normal range (default 30–220).

    Value: median over the frames of the mean grey (0–255). Score 60 at either limit, 100 in
    the middle half of the range, 0 at pure black or pure white.
    """
    low, high = t["min_mean"], t["max_mean"]
    value = float(np.median([float(grey.mean()) for grey in ctx.grey]))
    margin = (high - low) / 4
    knots = [(0.0, 0.0), (low, 60.0), (low + margin, 100.0), (high - margin, 100.0)]
    score = ramp(value, [*knots, (high, 60.0), (255.0, 0.0)])
    if value < low:
        code, threshold = "too_dark", low
    elif value > high:
        code, threshold = "too_bright", high
    else:
        code, threshold = "normal", low if value - low < high - value else high
    facts = {"value": value, "low": low, "high": high}
    return scored("brightness", score, code, facts, value=value, threshold=threshold)
