"""``occlusion``: part of the view blocked by something in front of the lens (a hand, a bag, a
tarpaulin, a lens cap half on, a branch pressed against the housing).

Judged AGAINST THE CAMERA'S REFERENCE VIEW (``ctx.reference``, stored from a healthy run). An
occlusion is something NEW in front of the lens; so close it is far out of focus: a featureless
patch, usually of one dull colour, over a part of the view that had detail. A single picture
cannot tell that from a plain surface that belongs to the scene (a dark backdrop, a wall, a
table reaching the edge: the single-picture measure this replaces false-alarmed on them); the
reference can, because such a surface is plain in the reference too.

Frames and reference are brought to one size (the grey picture averaged down to 240 px wide,
then halved by the image pyramid: 120 px, where sensor noise and compression are muted; the
reference's thumbnail takes the same path) and cut into ``CELL``-pixel cells (30 × 17 on a 16:9
view). Per cell: *detail* (mean |Laplacian|) and mean colour. Per frame:

* exposure: the median level ratio of the cells textured in both pictures (the uncovered part
  of the view) is the exposure change; the frame's colours are divided by it (±15 % light and
  gain changes cancel). Ratios outside ``GAIN_RANGE`` are a lighting fault, not comparable;
* *colour change*: ΔE (Lab) to the NEAREST of the reference's colours in the cell and its
  8 neighbours, so a view that jitters or settled a few pixels off is not "changed";
* a cell is *covered* when it is blank now (detail ≤ ``max_detail``, not bright: mean grey ≤
  ``max_level``; glare and washed-out areas are brightness's) and either it had detail in the
  reference, kept at most ``lost_detail`` of it, and changed colour (ΔE ≥ ``min_change``), or
  it was plain in the reference and changed colour strongly (ΔE ≥ ``min_change_plain``: a hand
  over a plain sky or a dark night area).

Both conditions matter: lost detail alone is also defocus and lens dirt (a tinted haze that
keeps the broad colours: lens_dirty's), a colour change alone is also lighting.

A cell counts when covered in MORE than half of the frames (a passer-by is not an occlusion;
a hand held there is). The value is the share of the view in the largest 4-connected region
of counted cells touching the picture's border.

Gate (not comparable → normal, code ``unmatched``): at least ``min_match`` % (median over the
frames) of the reference's detailed cells outside the covered ones must still look as in the
reference (detailed, ≥ ``KEPT_DETAIL`` of their detail, same colour). A turned camera
(scene_change's), a picture soft or foggy all over (focus_blur's, contrast's), dark, washed out
or no signal fail it: then the loss of detail is not something in front of the lens.

Tune clips of the VQD accuracy set (bench, ``tune`` half): occluded (a soft blob from a corner
covering 30 % / 55 % of the view) 23-49 %, healthy 0 %, every other fault ≤ 1.4 % (those that
fail the gate read up to 22 % before it: fog). Limit 10 %, between the two. Cost about 0.25 ms
per frame, reference preparation included (the frames' 480-px downscale is shared).

Limits: something that was in the reference and has gone (a parked car leaving a plain road
behind) looks like a new plain patch too: keep the reference current. A day reference against
an infrared night picture may fail the gate (colours differ) and leave the check unjudged. A
cover of the scene's own colours and brightness (a grey sheet over a grey scene) counts only
where it hides colours unlike its own: a 40 % grey cloth over the test scene reads about 14 %.

Without a reference (a new camera: the console stores one from the first normal diagnosis,
or on demand) the single-picture measure is kept, with a strict limit: the largest
featureless, not bright region touching the border (``FALLBACK_*`` cells blank in at least half
the frames) must exceed ``fallback_percent`` (40 %). On the tune clips it reads 45-49 % for the
55 % blobs, at most 7 % healthy and 13 % for other faults; a dull surface over more than 40 % of
a healthy view still alarms, and the message asks to store the reference if the view is right.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "occlusion"
CELL = 4  # px of the working picture (120 px wide): a 30 × 17 grid on a 16:9 view
BASE_WIDTH = 240  # frames (480 px) and reference (320 px) are averaged down to this width
MIN_SHARED = 0.05  # share of cells textured in frame and reference needed to match exposure
GAIN_RANGE = (0.4, 2.5)  # exposure ratios beyond this are a lighting fault, not comparable
KEPT_DETAIL = 0.5  # a cell that kept at least this share of its detail still shows the scene
# single-picture measure (no reference): grid, blank-cell detail limits, brightest level
FALLBACK_GRID = (32, 18)  # columns, rows
FALLBACK_DETAIL = 2.0  # mean |Laplacian| at most this ...
FALLBACK_RELATIVE = 0.25  # ... and this share of the textured part's (75th percentile)
FALLBACK_LEVEL = 100.0  # cells brighter than this are sky, walls, glare: never a hand

Grid = NDArray[np.float32]


def _validate(t: Thresholds) -> None:
    if not 0 < t["max_percent"] < 100 or not 0 < t["fallback_percent"] <= 100:
        raise ValueError("need 0 < max_percent < 100 and 0 < fallback_percent <= 100")
    if t["max_detail"] <= 0 or not 0 < t["lost_detail"] < 1 or t["max_level"] <= 0:
        raise ValueError("need max_detail > 0, 0 < lost_detail < 1 and max_level > 0")
    if not 0 < t["min_change"] <= t["min_change_plain"]:
        raise ValueError("need 0 < min_change <= min_change_plain")
    if not 0 <= t["min_match"] <= 100:
        raise ValueError("need 0 <= min_match <= 100")


# --- against the reference view ---------------------------------------------------------------


def cell_stats(grey: Image, colour: Image, base: tuple[int, int]) -> tuple[Grid, Grid]:
    """Per cell (``CELL`` px square on the half of ``base``): detail, the mean |Laplacian| of
    the grey picture averaged down to ``base`` then halved by the image pyramid (pixel noise
    and compression are muted there), and mean colour (BGR, float32)."""
    work = cv2.pyrDown(cv2.resize(grey, base, interpolation=cv2.INTER_AREA))
    rows, cols = work.shape[0] // CELL, work.shape[1] // CELL
    lap = np.abs(cv2.Laplacian(work[: rows * CELL, : cols * CELL].astype(np.float32), cv2.CV_32F))
    detail = cv2.resize(lap, (cols, rows), interpolation=cv2.INTER_AREA)
    # colour: sparse bilinear samples (4 per cell) averaged per cell: cheap, and the hand,
    # the cloth and other smooth surfaces this is about are alike everywhere in a cell
    samples = cv2.resize(colour, (2 * cols, 2 * rows), interpolation=cv2.INTER_LINEAR)
    means = cv2.resize(samples, (cols, rows), interpolation=cv2.INTER_AREA)
    return np.asarray(detail, np.float32), np.asarray(means, np.float32)


def _lab(colour: Grid) -> Grid:
    return np.asarray(cv2.cvtColor(colour * (1 / 255.0), cv2.COLOR_BGR2Lab), np.float32)


def _level(colour: Grid) -> Grid:
    return np.asarray(colour @ np.array([0.114, 0.587, 0.299], np.float32), np.float32)


class Reference:
    """The reference view's cells, prepared once per diagnosis."""

    def __init__(self, image: Image) -> None:
        height, width = image.shape[:2]
        self.size = (BASE_WIDTH, max(4 * CELL, round(height * BASE_WIDTH / width)))
        grey = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)
        self.detail, colour = cell_stats(grey, image, self.size)
        self.level = _level(colour)
        # each cell's colour and its 8 neighbours': a view that settled a few pixels off still
        # finds its own colours next door
        rows, cols = self.detail.shape
        lab = cv2.copyMakeBorder(_lab(colour), 1, 1, 1, 1, cv2.BORDER_REPLICATE)
        self.near = np.stack(
            [lab[dy : dy + rows, dx : dx + cols] for dy in range(3) for dx in range(3)]
        )

    def change(self, colour: Grid) -> Grid:
        """Per cell, the colour difference (ΔE, Lab) to the nearest of the reference's colours
        in and around it."""
        diff = self.near - _lab(colour)[None]
        return np.asarray(np.sqrt(np.min(np.einsum("nijk,nijk->nij", diff, diff), axis=0)))


def compare(
    grey: Image, colour: Image, reference: Reference, t: Thresholds
) -> tuple[NDArray[np.bool_], float]:
    """One frame against the reference: its covered cells (boolean grid) and the share (0–1)
    of the reference's detailed cells outside them that still look as in the reference."""
    detail, means = cell_stats(grey, colour, reference.size)
    ref_detail = reference.detail
    texture = t["max_detail"]
    shared = (detail > texture) & (ref_detail > texture)
    count = int(np.count_nonzero(shared))
    if count < MIN_SHARED * shared.size:
        return np.zeros(shared.shape, bool), 0.0  # nothing left to compare: blank, blurred
    level = _level(means)
    ratios = level[shared] / np.maximum(reference.level[shared], 1.0)
    gain = float(np.partition(ratios, count // 2)[count // 2])  # median: exposure change
    if not GAIN_RANGE[0] <= gain <= GAIN_RANGE[1]:
        return np.zeros(shared.shape, bool), 0.0  # a lighting fault, not comparable
    change = reference.change(np.minimum(means * (1.0 / gain), 255.0))
    expected = ref_detail * gain
    had = expected > texture
    different = change >= t["min_change"]
    lost = had & different & (detail <= t["lost_detail"] * expected)
    recoloured = ~had & (change >= t["min_change_plain"])
    covered = (detail <= texture) & (level <= t["max_level"]) & (lost | recoloured)
    kept = had & ~different & (detail > texture) & (detail >= KEPT_DETAIL * expected)
    judged = int(np.count_nonzero(had & ~covered))
    return covered, int(np.count_nonzero(kept)) / max(1, judged)


# --- single picture (no reference) --------------------------------------------------------------


def blank_cells(grey: Image) -> NDArray[np.bool_]:
    """Boolean grid (rows × columns): featureless cells that are not bright (in a night scene,
    dim and soft everywhere, the dim parts are not blank by the textured part's standard)."""
    half = cv2.pyrDown(cv2.pyrDown(grey)).astype(np.float32)  # smoothing mutes pixel noise
    lap = np.abs(cv2.Laplacian(half, cv2.CV_32F))
    detail = cv2.resize(lap, FALLBACK_GRID, interpolation=cv2.INTER_AREA)
    level = cv2.resize(half, FALLBACK_GRID, interpolation=cv2.INTER_AREA)
    if float(np.percentile(detail, 95)) < FALLBACK_DETAIL:
        return np.zeros(detail.shape, bool)  # featureless all over: signal loss, not a hand
    textured = float(np.percentile(detail, 75))
    limit = min(FALLBACK_DETAIL, FALLBACK_RELATIVE * textured)
    return np.asarray((detail <= limit) & (level <= FALLBACK_LEVEL))


def blocked_percent(blank: NDArray[np.bool_]) -> float:
    """Share of the grid (percent) in the largest 4-connected blank region touching the border."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(blank.astype(np.uint8), connectivity=4)
    rows, cols = blank.shape
    best = 0
    for x, y, width, height, area in stats[1:count]:
        if x == 0 or y == 0 or x + width == cols or y + height == rows:
            best = max(best, int(area))
    return 100.0 * best / blank.size


def _result(value: float, limit: float, blocked: str, clear: str) -> CheckResult:
    knots = [(0.0, 100.0), (limit / 2, 100.0), (limit, 60.0), (3 * limit, 20.0)]
    score = ramp(value, [*knots, (4 * limit, 0.0)])
    code = blocked if value > limit else clear
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)


@register(
    NAME,
    defaults={
        "max_percent": 10,
        "max_detail": 2.5,
        "lost_detail": 0.4,
        "min_change": 8,
        "min_change_plain": 20,
        "max_level": 170,
        "min_match": 50,
        "fallback_percent": 40,
    },
    validate=_validate,
)
def occlusion(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Occlusion: a new featureless patch over the reference view's detail (default > 10 %).

    Value: percent of the view in the largest border-touching region covered in most frames
    (without a reference: featureless and dull, limit ``fallback_percent``). Score 100 up to
    half the limit, 60 at the limit, 20 at three times it, 0 at four times.
    """
    if ctx.reference is None:
        votes = np.mean([blank_cells(grey) for grey in ctx.grey], axis=0)
        value = blocked_percent(votes >= 0.5)
        return _result(value, t["fallback_percent"], "blocked_unreferenced", "clear_unreferenced")
    reference = Reference(ctx.reference)
    pairs = zip(ctx.grey, ctx.small, strict=True)
    judged = [compare(grey, small, reference, t) for grey, small in pairs]
    match = 100.0 * float(np.median([kept for _, kept in judged]))
    if match < t["min_match"]:
        return scored(NAME, 100.0, "unmatched", {"match": match, "limit": t["min_match"]})
    value = blocked_percent(np.mean([covered for covered, _ in judged], axis=0) > 0.5)
    return _result(value, t["max_percent"], "blocked", "clear")
