"""``scene_change``: the camera no longer looks at its stored reference view (turned, knocked,
moved, the scene rebuilt) — and NOT a degraded picture of the same view.

Both pictures are reduced to their local structure (a slightly blurred grey picture minus its
local mean, divided by its local contrast, at 96 and at 48 px wide): exposure, gain, fog and
over-exposure scale the local contrast and are divided out; the small size washes out sensor
noise, snow and compression. Two questions are then asked.

1. Where does the view match the reference best? (geometry first) The frames' CONSENSUS (the
   per-pixel temporal median of the 5 frames: snow, corrupt blocks, rolling stripes and
   passers-by change from frame to frame and drop out, the view stays) is correlated with the
   reference at every shift up to ``REACH`` of the picture, each over the overlap only. The
   same view, however degraded, matches best in place (within ``SEARCH``): a degradation lowers
   every placement alike. A turned camera matches the reference clearly better elsewhere,
   even on a periodic wall whose pattern also lines up, less well, in place. A shifted match
   that beats the in-place one by more than ``max_gain`` points (and is a real match, at least
   ``MATCH``) is a turned camera: finding ``turned``, with the shift.
2. How well does the view match in place? The similarity (%) is the best normalised correlation
   within ``SEARCH`` (jitter, a shaking mount) of the consensus at both sizes and, when that
   falls short of ``good_similarity``, of each single frame at the coarse size: a fault that
   spares one frame, or the coarse layout, still finds the view; a different scene matches
   nothing. Below ``min_similarity``: ``changed``.

Margins (benchmark tune photos, and 8 other scikit-image photos rendered with the benchmark's
faults): a degraded same view is >= 71 % alike in place and its best shifted match is >= 7 points
WORSE; a turned camera's shifted match is >= 29 points better (limit 10); a different scene is
<= 34 % alike (limit 50). Cost: ~1 ms per 5-frame diagnosis (thumbnails of ctx.grey).

Without a reference there is nothing to compare with: the finding is normal, code
``no_reference``, and carries no value (the console stores a reference from a healthy run).
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "scene_change"
WIDTH = 96  # width of the fine structure maps
COARSE = 48  # width of the coarse maps, on which the geometry is searched too
SEARCH = 0.08  # largest shift still "in place" (jitter, shake), share of width / height
REACH = 0.48  # largest shift the geometry tries: at least 52 % of the picture overlaps
MATCH = 0.5  # a shifted placement must correlate at least this well to count as a match
BLUR = 1.0  # pixels of the structure map: washes out noise and compression
FLOOR = 2.0  # grey levels added to the local contrast: flat areas stay flat, noise unamplified
GAIN_SPAN = 40.0  # points beyond ``max_gain`` at which a turned view scores 0

Structure = NDArray[np.float32]


def _validate(t: Thresholds) -> None:
    if not 0 <= t["min_similarity"] < t["good_similarity"] <= 100:
        raise ValueError("need 0 <= min_similarity < good_similarity <= 100")
    if not 0 < t["max_gain"] <= 100:
        raise ValueError("need 0 < max_gain <= 100")


def structure(small: NDArray[np.float32], local: int) -> Structure:
    """Local structure of a small grey picture: zero local mean, unit local contrast."""
    small = cv2.GaussianBlur(small, (3, 3), BLUR)
    box = (2 * local + 1, 2 * local + 1)
    detail = small - cv2.blur(small, box)
    spread = cv2.sqrt(np.maximum(cv2.blur(detail * detail, box), 0.0))  # rounding may dip below 0
    return np.asarray(detail / (spread + FLOOR), np.float32)


def in_place(frame: Structure, reference: Structure) -> float:
    """Best normalised correlation (0–1) of ``frame`` with ``reference`` within ``SEARCH``."""
    height, width = frame.shape
    margin_x = max(1, round(width * SEARCH))
    margin_y = max(1, round(height * SEARCH))
    centre = frame[margin_y : height - margin_y, margin_x : width - margin_x]
    if cv2.norm(centre) < 1e-2 * np.sqrt(centre.size):  # a featureless frame matches nothing
        return 0.0
    scores = cv2.matchTemplate(reference, centre, cv2.TM_CCOEFF_NORMED)
    return max(0.0, float(scores.max()))


@lru_cache(maxsize=8)
def _shifts(height: int, width: int) -> tuple[NDArray, ...]:
    """Per shape: the overlap bounds of every shift up to ``REACH`` (frame rows, frame columns,
    reference rows, reference columns: start and end each) and which shifts are in place."""
    pad_x, pad_y = round(width * REACH), round(height * REACH)
    shift_x, shift_y = np.arange(-pad_x, pad_x + 1), np.arange(-pad_y, pad_y + 1)
    bounds = []
    for shift, size in ((-shift_y, height), (-shift_x, width), (shift_y, height), (shift_x, width)):
        bounds += [np.clip(shift, 0, size), np.clip(size + shift, 0, size)]
    dx, dy = shift_x / width, shift_y / height
    home = np.maximum(np.abs(dx)[None, :], np.abs(dy)[:, None]) <= SEARCH
    return (shift_x, shift_y, *bounds, home)


def _energy(image: Structure, rows: tuple, cols: tuple) -> NDArray[np.float64]:
    """Sum of ``image``² over rows[0]..rows[1] × cols[0]..cols[1] for every pair of bounds."""
    table = cv2.integral(image * image, sdepth=cv2.CV_64F)
    (y0, y1), (x0, x1) = rows, cols
    strips = table[y1] - table[y0]  # per row bound pair: column sums of the integral
    return np.asarray(strips[:, x1] - strips[:, x0])


def alignment(frame: Structure, reference: Structure) -> tuple[float, float, float, float]:
    """(in place, best elsewhere, its dx, its dy): correlations (0–1) over the overlap.

    Every shift up to ``REACH`` is tried; dx, dy (shares of width and height) say where the
    frame's view sits in the reference's: + = the camera now looks further right / lower.
    """
    height, width = frame.shape
    shift_x, shift_y, *bounds, home = _shifts(height, width)
    pad_x, pad_y = int(shift_x[-1]), int(shift_y[-1])
    padded = cv2.copyMakeBorder(reference, pad_y, pad_y, pad_x, pad_x, cv2.BORDER_CONSTANT, 0.0)
    product = cv2.matchTemplate(padded, frame, cv2.TM_CCORR)  # [pad_y + dy, pad_x + dx]
    frame_energy = _energy(frame, (bounds[0], bounds[1]), (bounds[2], bounds[3]))
    ref_energy = _energy(reference, (bounds[4], bounds[5]), (bounds[6], bounds[7]))
    corr = product / np.sqrt(np.maximum(frame_energy * ref_energy, 1e-6))
    there = np.where(home, -1.0, corr)
    y, x = np.unravel_index(int(np.argmax(there)), there.shape)
    placed = (float(shift_x[x]) / width, float(shift_y[y]) / height)
    return max(0.0, float(corr[home].max())), float(there[y, x]), *placed


def consensus(frames: list[NDArray[np.float32]]) -> NDArray[np.float32]:
    """Per-pixel temporal median: what stays from frame to frame (the view), not what changes
    (snow, corrupt blocks, rolling stripes, passers-by). A sorting network for few frames:
    np.median costs more than the whole check."""
    if len(frames) > 9:
        return np.median(np.stack(frames), axis=0).astype(np.float32)
    rows = list(frames)
    for sweep in range(len(rows)):  # odd-even transposition sort, per pixel
        for i in range(sweep % 2, len(rows) - 1, 2):
            low, high = rows[i], rows[i + 1]
            rows[i], rows[i + 1] = np.minimum(low, high), np.maximum(low, high)
    middle = len(rows) // 2
    if len(rows) % 2:
        return rows[middle]
    return np.asarray((rows[middle - 1] + rows[middle]) / 2, np.float32)


def _grey(image: Image) -> Image:
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)


def _small(image: Image | NDArray[np.float32], size: tuple[int, int]) -> NDArray[np.float32]:
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return np.asarray(small, np.float32)


def measure(
    greys: list[Image], reference: Image, enough: float = 1.0
) -> tuple[float, float, float, float, float]:
    """(in-place similarity, in place and best elsewhere on the coarse consensus, dx, dy).

    The in-place similarity is the best of the consensus at both sizes and, when these fall
    short of ``enough``, of each single frame at the coarse size (a fault that spares one
    frame; a shaking mount, whose consensus is smeared).
    """
    ref_grey = _grey(reference)
    height, width = ref_grey.shape[:2]
    fine = (WIDTH, max(16, round(height * WIDTH / width)))
    coarse = (COARSE, max(8, round(height * COARSE / width)))
    ref_fine = _small(ref_grey, fine)
    frames_fine = [_small(grey, fine) for grey in greys]
    best = in_place(structure(consensus(frames_fine), 6), structure(ref_fine, 6))
    frames_coarse = [_small(frame, coarse) for frame in frames_fine]
    ref_coarse = structure(_small(ref_fine, coarse), 3)
    home, there, dx, dy = alignment(structure(consensus(frames_coarse), 3), ref_coarse)
    best = max(best, home)
    if best < enough and len(frames_coarse) > 1:
        best = max(best, *(in_place(structure(f, 3), ref_coarse) for f in frames_coarse))
    return best, home, there, dx, dy


@register(
    NAME,
    defaults={"min_similarity": 50, "good_similarity": 70, "max_gain": 10},
    validate=_validate,
)
def scene_change(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Scene change: the view matches the reference better shifted (turned) or nowhere.

    Value: the in-place similarity in % (score 100 from ``good_similarity``, 60 at
    ``min_similarity``). A shifted placement ``max_gain`` points better than in place scores
    60, ``GAIN_SPAN`` points more 0; the lower score wins.
    """
    good, limit, max_gain = t["good_similarity"], t["min_similarity"], t["max_gain"]
    if ctx.reference is None:
        return scored(NAME, 100.0, "no_reference", {})
    best, home, there, dx, dy = measure(ctx.grey, ctx.reference, good / 100.0)
    value = 100.0 * best
    gain = 100.0 * (there - home) if there >= MATCH else 0.0
    knots = [(0.0, 0.0), (limit, 60.0), (good, 100.0), (100.0, 100.0)]
    turn_knots = [(0.0, 100.0), (max_gain, 60.0), (max_gain + GAIN_SPAN, 0.0)]
    score = min(ramp(value, knots), ramp(gain, turn_knots))
    facts = {"value": value, "limit": limit}
    if gain > max_gain:
        code = "turned"
        facts |= {"there": 100.0 * there, "dx": 100.0 * dx, "dy": 100.0 * dy}
    else:
        code = "changed" if value < limit else "matches"
    return scored(NAME, score, code, facts, value=value, threshold=limit)
