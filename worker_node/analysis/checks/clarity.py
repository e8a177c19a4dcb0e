"""``clarity``: a blurred picture (out of focus, dirty or fogged lens, soft encoder).

Measured as the variance of the Laplacian, the classic sharpness figure, at NATIVE resolution
on the context's tiles. On the 480-px downscale the same figure cannot keep the old thresholds'
meaning: blur shrinks with the image, and on 1080p scenes a blurred picture (old value ≈ 100)
and a sharp one (≈ 500+) both measured 600–2,500 on the downscale. The tiles cost the same as
the downscale and give the old full-resolution value (sampled over 16 spread tiles).
"""

from __future__ import annotations

import cv2
import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult


def _validate(t: Thresholds) -> None:
    if not 0 < t["min_variance"] < t["good_variance"]:
        raise ValueError("need 0 < min_variance < good_variance")


def laplacian_variance(tiles: list[Image]) -> float:
    """Variance of the 3×3 Laplacian over the interiors of ``tiles`` (see ``native_tiles``)."""
    total = squares = 0.0
    count = 0
    for tile in tiles:
        if tile.shape[0] < 3 or tile.shape[1] < 3:
            continue
        response = cv2.Laplacian(tile, cv2.CV_32F)[1:-1, 1:-1].astype(np.float64)
        total += float(response.sum())
        squares += float(np.square(response).sum())
        count += response.size
    if count == 0:
        return 0.0
    mean = total / count
    return max(0.0, squares / count - mean * mean)


@register("clarity", defaults={"min_variance": 100, "good_variance": 500}, validate=_validate)
def clarity(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Sharpness: Laplacian variance at native resolution (default < 100 blurred, ≥ 500 sharp).

    Value: median over the frames. Score rises linearly from 0 (flat) to 60 at
    ``min_variance`` and on to 100 at ``good_variance``.
    """
    low, good = t["min_variance"], t["good_variance"]
    value = float(np.median([laplacian_variance(tiles) for tiles in ctx.native_tiles]))
    score = ramp(value, [(0.0, 0.0), (low, 60.0), (good, 100.0)])
    code = "blurred" if value < low else "acceptable" if value < good else "sharp"
    facts = {"value": value, "low": low, "good": good}
    return scored("clarity", score, code, facts, value=value, threshold=low)
