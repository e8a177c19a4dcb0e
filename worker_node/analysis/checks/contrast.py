"""``contrast``: a flat, washed-out picture (fog, condensation, a veiling glare, a worn-out
sensor or a mis-set gain) in which details no longer stand out.

Without a reference view it is measured as the old system did, by the spread of the grey levels
on the downscale: their standard deviation (old default: below 20 is too low). A night scene is
dark and its std small even though its street lights stand out clearly; so the spread is also
read from the 1st–99th percentile range divided by 4.65 (for normally distributed grey levels
that equals the std), and the larger of the two counts. Fog lowers both; a few lights on a dark
scene keep the range.

An absolute spread cannot tell a naturally low-contrast view (a brick wall reads 25) from a
fogged high-contrast one (a fogged street reads 21), and blurring a fine texture lowers it too.
With the camera's reference view the check asks what an operator asks instead: how much of the
contrast this view HAD is left? Both pictures are first reduced to a coarse image 40 px wide, so
that the spread is the picture's large-scale contrast: fog scales it down by its own factor,
while blur, noise, snow or compression, which change fine detail, leave it nearly whole. On the
tune half of the VQD set, fogged clips kept 15–32 % of their reference's contrast, healthy
clips 88 % or more, and every other fault 55 % or more (a hand over half the view): the limit
sits at 45 %.
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
# Width of the coarse images compared with the reference: large-scale contrast only.
COARSE_WIDTH = 40


def _validate(t: Thresholds) -> None:
    if not 0 < t["min_std"] < t["good_std"]:
        raise ValueError("need 0 < min_std < good_std")
    if not 0 < t["min_ratio"] < t["good_ratio"]:
        raise ValueError("need 0 < min_ratio < good_ratio")


def grey_spread(grey: Image) -> float:
    """The larger of the grey std and the 1st–99th percentile range / 4.65."""
    _, std = cv2.meanStdDev(grey)
    hist = cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()
    cumulative = np.cumsum(hist) / grey.size
    low, high = np.searchsorted(cumulative, [0.01, 0.99])
    return max(float(std[0][0]), float(high - low) / RANGE_IN_STD)


def _coarse(grey: Image, width: int) -> Image:
    height = max(1, round(grey.shape[0] * width / grey.shape[1]))
    return np.asarray(cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA), np.uint8)


def kept_percent(greys: list[Image], reference: Image) -> float:
    """Median over the frames of the coarse spread, as a percentage of the reference's."""
    ref_grey = np.asarray(cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY), np.uint8)
    width = min(COARSE_WIDTH, ref_grey.shape[1])
    ref_spread = grey_spread(_coarse(ref_grey, width))
    if ref_spread < 1.0:
        return 100.0  # a featureless reference: nothing to compare against
    kept = [grey_spread(_coarse(grey, width)) / ref_spread for grey in greys]
    return 100.0 * float(np.median(kept))


@register(
    NAME,
    defaults={"min_std": 20, "good_std": 40, "min_ratio": 45, "good_ratio": 70},
    validate=_validate,
)
def contrast(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Contrast: share of the reference view's contrast left (default < 45 %), else grey spread.

    With a reference, value: median over the frames of the coarse grey spread as a percentage
    of the reference's; score 60 at ``min_ratio``, 100 at ``good_ratio``. Without one, value:
    median grey spread (see the module); score 60 at ``min_std`` (default 20), 100 at
    ``good_std``.
    """
    if ctx.reference is not None:
        low, good = t["min_ratio"], t["good_ratio"]
        value = kept_percent(ctx.grey, ctx.reference)
        code = "faded" if value < low else "kept"
    else:
        low, good = t["min_std"], t["good_std"]
        value = float(np.median([grey_spread(grey) for grey in ctx.grey]))
        code = "low" if value < low else "normal"
    score = ramp(value, [(0.0, 0.0), (low, 60.0), (good, 100.0)])
    return scored(NAME, score, code, {"value": value, "low": low}, value=value, threshold=low)
