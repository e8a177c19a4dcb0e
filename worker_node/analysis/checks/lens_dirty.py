"""``lens_dirty`` (镜头脏污): dirt, smudges or water drops on the lens — soft, hazy patches over
parts of the view while the rest of the picture stays sharp.

Something on the lens is far out of focus: where it sits, the scene behind keeps its broad
shapes (shading, large objects, smeared) but loses all of its fine detail. The grey 480-px view
is cut into a 16 × 9 grid; per cell, two band energies are measured:

* *coarse*: the grey standard deviation after a σ 4 px blur — broad structure;
* *fine*: the RMS of the σ 1 minus σ 4 px band-pass — detail 2–8 px across (edges, texture).

A cell has *lost its detail* when it still has broad structure (coarse ≥ ``min_structure``)
but almost no fine detail, absolutely (fine ≤ 2 grey levels: sensor noise after compression)
and relative to its structure (fine ≤ 0.15 × coarse; sharp textured cells read 0.3–1).
Naturally flat areas (sky, walls) have no structure and do not count. A picture that is soft
ALL over is out of focus, not dirty (``focus_blur``'s finding): the check needs at least a tenth
of the view to be sharp (fine / coarse ≥ 0.5; healthy VQD scenes have 35–95 % of such cells,
a defocus of σ 4.5 px about 1 %) and otherwise reads 0. The value is the share of the view
(percent of cells) that lost its detail, median over three frames spread over the window
(dirt stays put).

Healthy scenes read 0–2 %: smooth objects with a soft shadow or a shallow-focus background.
Limits, known: a smudge over a fine, even texture (a brick wall) blurs it into a plain flat
patch, which cannot be told from a plain surface and is not counted; something close in front
of the lens (a hand, a branch) also has soft edges and can count.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "lens_dirty"
GRID = (16, 9)  # columns, rows
MAX_FINE = 2.0  # grey levels: fine detail at most this is gone (noise after compression)
MAX_FINE_SHARE = 0.15  # fine / coarse at most this: the structure is there, the detail not
SHARP_RATIO = 0.5  # fine / coarse of a sharp textured cell (defocus leaves few above it)
MIN_SHARP_SHARE = 0.10  # of the cells must be sharp: dirt leaves the rest of the view sharp
FRAMES = 3

Floats = NDArray[np.float32]


def _validate(t: Thresholds) -> None:
    if not 0 < t["good_percent"] < t["max_percent"] < 100:
        raise ValueError("need 0 < good_percent < max_percent < 100")
    if t["min_structure"] <= 0:
        raise ValueError("need min_structure > 0")


def band_energies(grey: Image) -> tuple[Floats, Floats]:
    """(coarse, fine) per grid cell of ``grey``: σ 4 px blurred std, σ 1 − σ 4 band RMS."""
    values = grey.astype(np.float32)
    detail = cv2.GaussianBlur(values, (0, 0), 1.0)
    broad = cv2.GaussianBlur(values, (0, 0), 4.0)
    band = cv2.subtract(detail, broad)
    mean = cv2.resize(broad, GRID, interpolation=cv2.INTER_AREA)
    square = cv2.resize(cv2.multiply(broad, broad), GRID, interpolation=cv2.INTER_AREA)
    coarse = np.sqrt(np.maximum(square - mean * mean, 0.0))
    fine = np.sqrt(cv2.resize(cv2.multiply(band, band), GRID, interpolation=cv2.INTER_AREA))
    return coarse, fine


def soft_percent(grey: Image, min_structure: float) -> float:
    """Percentage of the view whose fine detail is gone while its broad structure is not."""
    coarse, fine = band_energies(grey)
    textured = coarse >= min_structure
    if int(textured.sum()) < 4:
        return 0.0  # nearly featureless: nothing to compare
    ratio = fine / np.maximum(coarse, 1e-3)
    if int((textured & (ratio >= SHARP_RATIO)).sum()) < MIN_SHARP_SHARE * ratio.size:
        return 0.0  # hardly anything sharp left: out of focus, not dirt
    lost = textured & (fine <= MAX_FINE) & (ratio <= MAX_FINE_SHARE)
    return 100.0 * int(lost.sum()) / lost.size


@register(
    NAME,
    defaults={"good_percent": 2, "max_percent": 4, "min_structure": 6},
    validate=_validate,
)
def lens_dirty(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Dirty lens: share of the view blurred into soft patches (default > 4 %).

    Value: median over up to three frames of the percentage of the view whose fine detail is
    gone while its broad structure is not. Score 100 up to ``good_percent``, 60 at
    ``max_percent``, 20 at four times it, 0 at eight times.
    """
    good, limit = t["good_percent"], t["max_percent"]
    greys = ctx.grey
    picked = sorted({round(i * (len(greys) - 1) / (FRAMES - 1)) for i in range(FRAMES)})
    value = float(np.median([soft_percent(greys[i], t["min_structure"]) for i in picked]))
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (4 * limit, 20.0), (8 * limit, 0.0)]
    score = ramp(value, knots)
    code = "dirty" if value > limit else "clean"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
