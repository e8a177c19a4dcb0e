"""``lens_dirty`` (镜头脏污): dirt, smudges or water drops on the lens — soft, hazy patches over
parts of the view while the rest of the picture stays sharp.

Judged AGAINST THE CAMERA'S REFERENCE VIEW (``ctx.reference``, stored from a healthy run): dirt
develops after it. A single picture cannot tell a naturally smooth surface from a smudged one
(a plain wall and a blurred brick wall look alike); the reference can: it shows what detail the
same place had. The reference and the frames are brought to one small size (160 px wide, half
the 320-px thumbnail: cheap, and sensor noise averages out) and cut into a 16 × 9 grid. Sizes
below are in thumbnail pixels (at 480 px, 1.5 times more). Per cell:

* *fine detail*: RMS of the σ 1 − σ 3 px band-pass (dirt smears it away; sensor noise adds to
  it, never removes it; compression and sub-pixel jitter change it little). The current value is
  the MAXIMUM over the frames, so a passer-by who hides a cell in some frames does not count:
  dirt is in all of them;
* a cell has *lost its detail* when it had detail in the reference (≥ ``FLOOR`` grey levels)
  and now has under ``LOST`` of it, relative to the view's own detail gain (75th percentile of
  the per-cell ratios, about 1 when nothing changed: it takes out exposure and gain changes);
* the lost cell must still *look like the reference seen through haze*: its broad picture
  (σ 2 px, middle frame) correlates with the reference blurred by σ 6 px (≥ ``LIKE``), or, where
  the reference has no broad structure there (a fine even texture such as brick), its mean
  level is within ``LEVEL`` of the reference's. A hand, a passer-by stored in the reference or
  a new scene REPLACES the broad picture; dirt only softens it.

Gates — the loss must be dirt, not another fault: at least ``MIN_KEPT`` of the detailed cells
keep their detail (a picture soft all over is ``focus_blur``'s); the view as a whole still
matches the reference (structure similarity ≥ ``MIN_SIMILAR``: a turned camera is
``scene_change``'s); when more than a few cells are lost, ``MIN_HAZY`` of them look hazy (else
something opaque covers the view: ``occlusion``'s); and the picture is not made of flat blocks
(:func:`blockiness`: a coarse mosaic over a fine texture looks exactly like haze over it, but
dirt never makes blocks). A failed gate reads 0 with code ``other_cause``.

Value: the share of the view (percent of cells) lost to haze. Tune clips (bench, ``tune``
half): healthy and every other fault ≤ 0.7 % (one cell), dirty lenses 4–44 %; 140 more clips
rendered the same way from the tune photos: healthy ≤ 1.4 %, occlusion, mosaic, blur and turned
cameras 0, dirty lenses 41 of 44 above 2.5 % (the three below: a few small smudges over sky
and plain ground, where there was no detail to lose). Limit 2.5 % (4 cells or more).

Cost: about 0.23 ms per frame (1080p input, from the shared 480-px grey): everything runs at
160 × 90, and the similarity, haze and block tests only when some detail is lost.

Without a reference there is nothing to compare with: a single picture confuses smooth
surfaces, soft shadows and out-of-focus backgrounds with dirt (the single-picture measure this
replaces false-alarmed on healthy scenes), so the finding is normal with code ``no_reference``
and no value; the console stores a reference from the first healthy run.
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
FLOOR = 4.0  # grey levels of reference fine detail: less is too flat to judge
LOST = 0.3  # fine detail below this share of the reference's is lost
LIKE = 0.5  # correlation of the broad picture with the hazed reference: still the same scene
BROAD = 2.0  # grey levels of broad structure in the reference needed for that correlation
LEVEL = 0.15  # else the mean level may differ by this share from the reference's
MIN_KEPT = 0.2  # of the detailed cells keep ≥ KEEP of their detail: not soft all over
KEEP = 0.6
MIN_SIMILAR = 0.5  # structure similarity to the reference: the camera still sees its scene
MIN_HAZY = 0.55  # of the lost cells look hazy: else something opaque covers the view
MAX_BLOCKINESS = 4.0  # column-edge energy on one block-grid phase vs the mean: mosaic's blocks
BLOCKS = range(6, 33)  # block sizes tried, in 480-px pixels
MIN_LOST = 0.03  # share of the view lost before that is asked (a few cells are no cover)
SIMILAR_WIDTH = 80  # px: width of the structure maps compared for the similarity gate
WORK_WIDTH = 160  # px: working width (the 320-px reference halved; cheap, noise averaged out)
SCALE = WORK_WIDTH / 320  # blur sizes below are given in 320-px reference pixels

Floats = NDArray[np.float32]


def _validate(t: Thresholds) -> None:
    if not 0 < t["good_percent"] < t["max_percent"] < 100:
        raise ValueError("need 0 < good_percent < max_percent < 100")


def _grey(image: Image) -> Image:
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)


def _shrink(grey: Image, size: tuple[int, int]) -> Image:
    """``grey`` area-averaged down to ``size`` (an exact box average, so that the frames and the
    reference, reduced by different factors, alias alike on fine periodic textures).

    OpenCV's INTER_AREA takes 0.13 ms for 480 → 160 px, half this check's budget; for the usual
    integer factors (480 → 160, 320 → 160) a k × k box filter sampled every k pixels is the same
    average at half the cost. Other factors fall back to INTER_AREA.
    """
    factor = grey.shape[1] // size[0]
    if factor == 1 and (grey.shape[1], grey.shape[0]) == size:
        return grey
    if factor >= 2 and grey.shape[1] == factor * size[0] and grey.shape[0] // factor == size[1]:
        box = cv2.blur(grey, (factor, factor), anchor=(0, 0), borderType=cv2.BORDER_REPLICATE)
        return np.ascontiguousarray(box[: size[1] * factor : factor, ::factor])
    return np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), np.uint8)


def _cells(values: Floats) -> Floats:
    return np.asarray(cv2.resize(values, GRID, interpolation=cv2.INTER_AREA), np.float32)


def _fine_and_mean(grey: Image) -> tuple[Floats, Floats]:
    """Per cell: RMS of the σ 1 − σ 3 band (fine detail) and the mean grey level."""
    values = grey.astype(np.float32)
    broad = cv2.GaussianBlur(values, (0, 0), 3.0 * SCALE)
    band = cv2.subtract(cv2.GaussianBlur(values, (0, 0), 1.0 * SCALE), broad)
    return np.sqrt(_cells(cv2.multiply(band, band))), _cells(broad)


def _hazy_likeness(current: Image, reference: Image) -> tuple[Floats, Floats]:
    """Per cell: correlation of the current broad picture with the reference blurred as dirt
    blurs it, and the reference's broad structure (std) that makes the correlation meaningful."""
    a = cv2.GaussianBlur(current.astype(np.float32), (0, 0), 2.0 * SCALE)
    b = cv2.GaussianBlur(reference.astype(np.float32), (0, 0), 6.0 * SCALE)
    mean_a, mean_b = _cells(a), _cells(b)
    var_a = np.maximum(_cells(cv2.multiply(a, a)) - mean_a * mean_a, 0.0)
    var_b = np.maximum(_cells(cv2.multiply(b, b)) - mean_b * mean_b, 0.0)
    cov = _cells(cv2.multiply(a, b)) - mean_a * mean_b
    return cov / np.sqrt(var_a * var_b + 1e-3), np.sqrt(var_b)


def _structure(grey: Image) -> Floats:
    """Local structure at SIMILAR_WIDTH px: zero local mean, unit local contrast."""
    height = max(16, round(grey.shape[0] * SIMILAR_WIDTH / grey.shape[1]))
    small = cv2.resize(grey, (SIMILAR_WIDTH, height), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small.astype(np.float32), (0, 0), 1.0)
    detail = small - cv2.blur(small, (9, 9))
    return np.asarray(detail / (np.sqrt(cv2.blur(detail * detail, (9, 9))) + 2.0), np.float32)


def similarity(current: Image, reference: Image) -> float:
    """Best normalised correlation of the two structure maps over shifts of ±4 px (of 80)."""
    cur, ref = _structure(current), _structure(reference)
    scores = cv2.matchTemplate(ref, np.ascontiguousarray(cur[4:-4, 4:-4]), cv2.TM_CCOEFF_NORMED)
    return float(scores.max())


def blockiness(grey: Image) -> float:
    """How much the picture's column-to-column changes sit on one block grid (1: not at all).

    A mosaic picture is flat blocks: all its horizontal change is at the block edges, every
    ``B`` columns, and the best phase holds ``B`` times the mean (7–14 in the tune clips);
    camera pictures, dirty or not, stay ≤ 2.1. Dirt never makes blocks, so a block grid means
    the lost detail is ``mosaic``'s finding.
    """
    change = cv2.absdiff(grey[:, 1:], grey[:, :-1])
    profile = cv2.reduce(change, 0, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
    mean = float(profile.mean()) + 0.5
    best = 1.0
    for block in BLOCKS:
        whole = len(profile) // block * block
        if whole < 2 * block:
            break
        phases = profile[:whole].reshape(-1, block).mean(axis=0)
        best = max(best, (float(phases.max()) + 0.5) / mean)
    return best


def hazy_percent(greys: list[Image], reference: Image) -> tuple[float, bool]:
    """(percent of the view whose detail was lost to haze, whether the gates let it be judged).

    ``greys`` are the current frames' grey pictures and ``reference`` the reference's, all at
    the working size.
    """
    ref_fine, ref_mean = _fine_and_mean(reference)
    measured = [_fine_and_mean(grey) for grey in greys]
    fine = np.max([m[0] for m in measured], axis=0)
    mean = np.median([m[1] for m in measured], axis=0)
    detailed = ref_fine >= FLOOR
    if int(detailed.sum()) < 4:
        return 0.0, False  # a featureless reference: nothing to compare
    ratio = fine / np.maximum(ref_fine, 1e-3)
    lit = ref_mean > 20
    level = float(np.median(mean[lit] / ref_mean[lit])) if lit.any() else 1.0
    if int((detailed & (ratio >= KEEP * level)).sum()) < MIN_KEPT * int(detailed.sum()):
        return 0.0, False  # soft all over: out of focus, not dirt
    gain = float(np.percentile(ratio[detailed], 75))
    lost = detailed & (ratio < LOST * max(gain, 1e-3))
    if not lost.any():
        return 0.0, True  # the usual case: the rest is only computed when something is lost
    middle = greys[len(greys) // 2]
    if similarity(middle, reference) < MIN_SIMILAR:
        return 0.0, False  # not the reference's scene any more
    correlation, broad = _hazy_likeness(middle, reference)
    same_level = np.abs(mean / max(level, 1e-3) - ref_mean) < LEVEL * np.maximum(ref_mean, 20.0)
    hazy = lost & np.where(broad >= BROAD, correlation >= LIKE, same_level)
    if int(lost.sum()) > MIN_LOST * lost.size and int(hazy.sum()) < MIN_HAZY * int(lost.sum()):
        return 0.0, False  # mostly replaced, not softened: something covers the view
    return 100.0 * int(hazy.sum()) / hazy.size, True


@register(
    NAME,
    defaults={"good_percent": 1, "max_percent": 2.5},
    validate=_validate,
)
def lens_dirty(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Dirty lens: share of the view that lost its detail to haze since the reference (> 2.5 %).

    Value: percent of the view (16 × 9 cells). Score 100 up to ``good_percent``, 60 at
    ``max_percent``, 40 at four times it, 20 at ten times, 0 at twenty (half the view at the
    default). Without a reference: normal, code ``no_reference``, no value.
    """
    if ctx.reference is None:
        return scored(NAME, 100.0, "no_reference", {})
    good, limit = t["good_percent"], t["max_percent"]
    reference = _grey(ctx.reference)
    height, width = reference.shape[:2]
    size = (WORK_WIDTH, max(GRID[1], round(height * WORK_WIDTH / width)))
    reference = _shrink(reference, size)
    greys = [_shrink(grey, size) for grey in ctx.grey]
    value, judged = hazy_percent(greys, reference)
    if value > 0 and blockiness(ctx.grey[len(greys) // 2]) > MAX_BLOCKINESS:
        value, judged = 0.0, False  # flat blocks: the detail went to mosaic, not to dirt
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (4 * limit, 40.0), (10 * limit, 20.0)]
    knots.append((20 * limit, 0.0))
    score = ramp(value, knots)
    code = "dirty" if value > limit else ("clean" if judged else "other_cause")
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
