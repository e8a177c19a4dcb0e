"""``occlusion``: part of the view blocked by something in front of the lens (a hand, a bag, a
tarpaulin, a lens cap half on, a branch pressed against the housing).

Something that close to the lens is far out of focus: a dark, featureless patch. The grey
downscale is cut into an 8 × 6 grid; a cell is *covered* when it is flat (grey std below
``flat_std``), dark (mean at most ``max_level``) and clearly darker than the textured part of
the view (mean at least ``min_step`` below the mean of the non-flat cells). Bright flat areas
(sky, white walls, glare) are never covered, and neither is a night scene that is dark all
over, since nothing in it stands out as brighter. The value is the covered share of the view.
"""

from __future__ import annotations

import cv2
import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "occlusion"
GRID = (8, 6)  # columns, rows


def _validate(t: Thresholds) -> None:
    if not 0 < t["max_percent"] < 100:
        raise ValueError("need 0 < max_percent < 100")
    if t["flat_std"] <= 0 or t["min_step"] <= 0:
        raise ValueError("need flat_std > 0 and min_step > 0")


def covered_percent(grey: Image, t: Thresholds) -> float:
    """Percentage of the grid's cells that are dark, flat and darker than the rest."""
    values = grey.astype(np.float32)
    mean = cv2.resize(values, GRID, interpolation=cv2.INTER_AREA)
    square = cv2.resize(values * values, GRID, interpolation=cv2.INTER_AREA)
    std = np.sqrt(np.maximum(square - mean * mean, 0.0))
    flat = std < t["flat_std"]
    if flat.all():
        return 0.0  # featureless everywhere: signal_loss's finding, not an occlusion
    textured = float(mean[~flat].mean())
    covered = flat & (mean <= t["max_level"]) & (mean <= textured - t["min_step"])
    return 100.0 * int(covered.sum()) / covered.size


@register(
    NAME,
    defaults={"max_percent": 25, "flat_std": 6, "max_level": 70, "min_step": 40},
    validate=_validate,
)
def occlusion(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Occlusion: a dark, featureless patch covering part of the view (default > 25 %).

    Value: median over the frames of the covered percentage of the view. Score 100 up to
    10 %, 60 at ``max_percent``, 20 at twice it, 0 at three times.
    """
    limit = t["max_percent"]
    value = float(np.median([covered_percent(grey, t) for grey in ctx.grey]))
    knots = [(0.0, 100.0), (min(10.0, limit / 2), 100.0), (limit, 60.0), (2 * limit, 20.0)]
    score = ramp(value, [*knots, (3 * limit, 0.0)])
    code = "blocked" if value > limit else "clear"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
