"""``contrast``: a flat, washed-out picture (fog, condensation, a veiling glare, a worn-out
sensor or a mis-set gain) in which details no longer stand out.

Measured as the old system did, by the spread of the grey levels on the downscale: their
standard deviation (old default: below 20 is too low). A night scene is dark and its std small
even though its street lights stand out clearly; so the spread is also read from the 1st–99th
percentile range divided by 4.65 (for normally distributed grey levels that equals the std),
and the larger of the two counts. Fog lowers both; a few lights on a dark scene keep the range.
"""

from __future__ import annotations

import cv2
import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "contrast"
# The 1st–99th percentile range of a normal distribution, in standard deviations.
RANGE_IN_STD = 4.65


def _validate(t: Thresholds) -> None:
    if not 0 < t["min_std"] < t["good_std"]:
        raise ValueError("need 0 < min_std < good_std")


def grey_spread(grey: Image) -> float:
    """The larger of the grey std and the 1st–99th percentile range / 4.65."""
    _, std = cv2.meanStdDev(grey)
    hist = cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()
    cumulative = np.cumsum(hist) / grey.size
    low, high = np.searchsorted(cumulative, [0.01, 0.99])
    return max(float(std[0][0]), float(high - low) / RANGE_IN_STD)


@register(NAME, defaults={"min_std": 20, "good_std": 40}, validate=_validate)
def contrast(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Contrast: spread of the grey levels (default std < 20 is too flat, ≥ 40 is good).

    Value: median over the frames of the grey spread (see the module). Score rises linearly
    from 0 (flat) to 60 at ``min_std`` and on to 100 at ``good_std``.
    """
    low, good = t["min_std"], t["good_std"]
    value = float(np.median([grey_spread(grey) for grey in ctx.grey]))
    score = ramp(value, [(0.0, 0.0), (low, 60.0), (good, 100.0)])
    code = "low" if value < low else "normal"
    return scored(NAME, score, code, {"value": value, "low": low}, value=value, threshold=low)
