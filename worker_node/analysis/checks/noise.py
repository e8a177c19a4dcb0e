"""``noise``: a grainy picture (sensor gain turned up at night, a failing sensor, interference on
an analogue line).

Measured at NATIVE resolution on the context's tiles (a downscale averages noise away): each
tile is filtered with the 3×3 kernel of Immerkær's fast noise estimator
(``[[1,-2,1],[-2,4,-2],[1,-2,1]]``), which cancels flat areas and smooth gradients and passes
pixel noise with a gain of 6. The noise level is the MEDIAN absolute response divided by
6 × 0.6745 (the median of a normal variable's absolute value): Gaussian noise of σ grey levels
reads σ, while edges and texture, a minority of pixels, barely move a median. Healthy cameras
read about 1–2; noise that an operator notices starts near 5.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "noise"
KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
# KERNEL is the outer product of this row with itself: filtered as two 1-D passes.
ROW = np.array([1, -2, 1], np.float32)
# |response| of Gaussian noise σ: median 0.6745 × 6σ.
MEDIAN_GAIN = 0.6745 * 6.0


def _validate(t: Thresholds) -> None:
    if not 0 < t["good_sigma"] < t["max_sigma"]:
        raise ValueError("need 0 < good_sigma < max_sigma")


def noise_sigma(tiles: list[Image]) -> float:
    """Estimated noise standard deviation (grey levels) over the interiors of ``tiles``."""
    hist = np.zeros(256, np.float64)
    for tile in tiles:
        if tile.shape[0] < 3 or tile.shape[1] < 3:
            continue
        hist += _tile_hist(tile)
    return _sigma(hist)


def mosaic_noise_sigma(mosaic: Image, interior: Image) -> float:
    """:func:`noise_sigma` of the tiles stitched in ``mosaic`` (``FrameContext.native_mosaic``).

    One separable filter over the mosaic instead of 16 small ones (the call overhead was most
    of the cost); the mask keeps each tile's interior, where the 3×3 response is exact.
    """
    magnitude = cv2.convertScaleAbs(cv2.sepFilter2D(mosaic, cv2.CV_16S, ROW, ROW))
    return _sigma(cv2.calcHist([magnitude], [0], interior, [256], [0, 256]).ravel())


def _tile_hist(tile: Image) -> NDArray[np.float32]:
    response = cv2.sepFilter2D(tile, cv2.CV_16S, ROW, ROW)[1:-1, 1:-1]
    magnitude = cv2.convertScaleAbs(response)  # saturates at 255: far above any median
    return cv2.calcHist([magnitude], [0], None, [256], [0, 256]).ravel()


def _sigma(hist: NDArray[np.floating]) -> float:
    """σ from the histogram of |response|: its median (interpolated in the bin) / gain."""
    hist = np.asarray(hist, np.float64)
    total = hist.sum()
    if total == 0:
        return 0.0
    cumulative = np.cumsum(hist)
    level = int(np.searchsorted(cumulative, total / 2))
    below = cumulative[level - 1] if level else 0.0
    median = level + (total / 2 - below) / hist[level] - 0.5  # interpolated inside the bin
    return max(0.0, float(median)) / MEDIAN_GAIN


@register(NAME, defaults={"good_sigma": 3, "max_sigma": 5}, validate=_validate)
def noise(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Noise: estimated grain σ at native resolution (default ≤ 3 clean, > 5 noisy).

    Value: median over the frames of the estimated σ (grey levels). Score 100 up to
    ``good_sigma``, 60 at ``max_sigma``, 20 at twice ``max_sigma``, 0 at three times.
    """
    good, limit = t["good_sigma"], t["max_sigma"]
    value = float(np.median([mosaic_noise_sigma(*pair) for pair in ctx.native_mosaic]))
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (2 * limit, 20.0), (3 * limit, 0.0)]
    score = ramp(value, knots)
    code = "noisy" if value > limit else "normal"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
