"""``snow``: "snow" (雪花) — a picture sprinkled with sparkling dots, the salt-and-pepper
interference of a weak analogue signal, a failing video balun or a bad coaxial joint.

Measured at NATIVE resolution on the context's tiles (a downscale averages single-pixel dots
away): a pixel is a *sparkle* when it is brighter than all 8 of its neighbours by more than
``impulse_level`` grey levels, or darker than all of them by as much. Edges, thin lines, text
and small lights have neighbours like themselves along their length, and sensor noise seldom
clears every neighbour by that margin, so healthy pictures hold almost no sparkles.
"""

from __future__ import annotations

import cv2
import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "snow"
RING = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], np.uint8)  # the 8 neighbours


def _validate(t: Thresholds) -> None:
    if not 0 < t["good_percent"] < t["max_percent"]:
        raise ValueError("need 0 < good_percent < max_percent")
    if not 0 < t["impulse_level"] < 255:
        raise ValueError("need 0 < impulse_level < 255")


def sparkle_percent(tiles: list[Image], level: float) -> float:
    """Percentage of interior pixels that stand out from all 8 neighbours by > ``level``."""
    step = int(level)
    sparkles = count = 0
    for tile in tiles:
        if tile.shape[0] < 3 or tile.shape[1] < 3:
            continue
        highest = cv2.dilate(tile, RING)[1:-1, 1:-1]
        lowest = cv2.erode(tile, RING)[1:-1, 1:-1]
        inner = tile[1:-1, 1:-1]
        bright = cv2.compare(cv2.subtract(inner, highest), step, cv2.CMP_GT)
        dark = cv2.compare(cv2.subtract(lowest, inner), step, cv2.CMP_GT)
        sparkles += cv2.countNonZero(bright) + cv2.countNonZero(dark)
        count += inner.size
    return 100.0 * sparkles / count if count else 0.0


def mosaic_sparkle_percent(mosaic: Image, interior: Image, level: float) -> float:
    """:func:`sparkle_percent` of the tiles stitched in ``mosaic`` (``FrameContext.native_mosaic``).

    One pass of each filter over the mosaic instead of 16 small ones; only pixels under the
    interior mask count, where the 3×3 neighbourhood is the tile's own.
    """
    step = int(level)
    highest = cv2.dilate(mosaic, RING)
    lowest = cv2.erode(mosaic, RING)
    bright = cv2.compare(cv2.subtract(mosaic, highest), step, cv2.CMP_GT)
    dark = cv2.compare(cv2.subtract(lowest, mosaic), step, cv2.CMP_GT)
    # A pixel cannot be both above its brightest and below its darkest neighbour.
    sparkles = cv2.countNonZero(cv2.bitwise_or(bright, dark, mask=interior))
    count = cv2.countNonZero(interior)
    return 100.0 * sparkles / count if count else 0.0


@register(
    NAME,
    defaults={"impulse_level": 40, "good_percent": 0.05, "max_percent": 0.3},
    validate=_validate,
)
def snow(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Snow: isolated sparkling dots at native resolution (default > 0.3 % of pixels).

    Value: median over the frames of the percentage of sparkle pixels. Score 100 up to
    ``good_percent``, 60 at ``max_percent``, 20 at twice it, 0 at three times.
    """
    good, limit = t["good_percent"], t["max_percent"]
    value = float(
        np.median(
            [
                mosaic_sparkle_percent(mosaic, interior, t["impulse_level"])
                for mosaic, interior in ctx.native_mosaic
            ]
        )
    )
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (2 * limit, 20.0), (3 * limit, 0.0)]
    score = ramp(value, knots)
    code = "snow" if value > limit else "clear"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
