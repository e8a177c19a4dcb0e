"""``occlusion``: part of the view blocked by something in front of the lens (a hand, a bag, a
tarpaulin, a lens cap half on, a branch pressed against the housing).

Something that close to the lens is far out of focus: a featureless patch, usually of one dull
colour (skin, cloth, plastic), entering the view from its edge. The grey downscale is reduced
twice more by the image pyramid (to about 120 px wide: its smoothing mutes sensor noise, which
would otherwise pass for detail on an uncompressed picture) and cut into a 32 × 18 grid. A
cell is *blank* when its detail, the mean absolute Laplacian, is at most ``max_detail`` and at
most ``relative_detail`` times the detail of the picture's textured part (the 75th percentile
over cells: in a night scene, dim and soft everywhere, the dim parts are not blank by this
standard), and it is not bright (mean grey at most ``max_level``): bright featureless areas
are sky, white walls, glare, never an occlusion. A cell counts when it is blank in at least
half of the frames (a passing lorry is not an occlusion). The value is the share of the view
taken by the largest connected blank region touching the picture's border; blank patches in
the middle of the view (a plain door, a parked van) and scattered flat cells do not add up.

Why not "dark and flat" alone (the previous measure): an occluder is not that dark or that flat
once noise, compression and its own shading are on it (a skin-toned hand shaded 0.6-1.3 across
reads 40-90 grey), and it need not be darker than the rest: in front of a dark scene a hand
is the brightest thing in view. What it always is, is featureless.

Default limit 18 % of the view; a blank cell has detail at most 2 grey levels (on the 120-px
image) and a quarter of the textured part's, and mean grey at most 100. On the VQD accuracy
set's tune photographs the occlusion fault's blob (30 % and 55 % of the view from a corner,
soft-edged, so its feathered rim does not count) measures 23 % and up, healthy clips at most
7 %, other faults at most 13 % (a dim, soft "dark" clip). Blind spot: a plain, dull surface
filling a corner of a healthy view (a grey wall, a dark door seen close) looks the same.
"""

from __future__ import annotations

import cv2
import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "occlusion"
GRID = (32, 18)  # columns, rows
TEXTURE_PERCENTILE = 75.0


def _validate(t: Thresholds) -> None:
    if not 0 < t["max_percent"] < 100:
        raise ValueError("need 0 < max_percent < 100")
    if t["max_detail"] <= 0 or not 0 < t["relative_detail"] <= 1:
        raise ValueError("need max_detail > 0 and 0 < relative_detail <= 1")


def blank_cells(grey: Image, t: Thresholds) -> np.ndarray:
    """Boolean grid (rows × columns): featureless cells that are not bright."""
    half = cv2.pyrDown(cv2.pyrDown(grey)).astype(np.float32)  # smoothing mutes pixel noise
    detail = cv2.resize(np.abs(cv2.Laplacian(half, cv2.CV_32F)), GRID, interpolation=cv2.INTER_AREA)
    level = cv2.resize(half, GRID, interpolation=cv2.INTER_AREA)
    if float(np.percentile(detail, 95)) < t["max_detail"]:
        return np.zeros(detail.shape, bool)  # featureless all over: signal loss, not a hand
    textured = float(np.percentile(detail, TEXTURE_PERCENTILE))
    limit = min(t["max_detail"], t["relative_detail"] * textured)
    return (detail <= limit) & (level <= t["max_level"])


def blocked_percent(blank: np.ndarray) -> float:
    """Share of the grid (percent) in the largest 4-connected blank region touching the border."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(blank.astype(np.uint8), connectivity=4)
    rows, cols = blank.shape
    best = 0
    for x, y, width, height, area in stats[1:count]:
        if x == 0 or y == 0 or x + width == cols or y + height == rows:
            best = max(best, int(area))
    return 100.0 * best / blank.size


@register(
    NAME,
    defaults={"max_percent": 18, "max_detail": 2.0, "relative_detail": 0.25, "max_level": 100},
    validate=_validate,
)
def occlusion(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Occlusion: a featureless, not bright patch entering from the edge (default > 18 %).

    Value: percent of the view in the largest border-touching region blank in at least half
    the frames. Score 100 up to half the limit, 60 at ``max_percent``, 20 at three times it, 0 at
    four times.
    """
    limit = t["max_percent"]
    votes = np.mean([blank_cells(grey, t) for grey in ctx.grey], axis=0)
    value = blocked_percent(votes >= 0.5)
    knots = [(0.0, 100.0), (limit / 2, 100.0), (limit, 60.0), (3 * limit, 20.0)]
    score = ramp(value, [*knots, (4 * limit, 0.0)])
    code = "blocked" if value > limit else "clear"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
