"""``shake``: a camera that vibrates or swings on its mount, so the picture jumps between frames.

Measure: the global displacement between consecutive sampled frames, found by phase correlation
(``cv2.phaseCorrelate``) of the Hann-windowed grey picture at 240 px wide, and expressed in
pixels of a 480-px-wide picture, so limits mean the same at any resolution. Phase correlation
whitens the spectrum, so brightness or gain changes do not move its peak.

A walking person can still win the peak in a weakly textured scene, so a shift of a pixel or
more must EXPLAIN the change: undoing it must make most tiles of a 3 × 3 grid match clearly
better (mean absolute difference down by 10 %). A camera's shift realigns the whole picture; a
person's realigns only the tiles the person is in. A rejected shift, or a peak too weak to
trust (a flat picture), counts as no shift; a frozen picture reads zero.

A healthy mounted camera moves well under a pixel; a shaking one jumps by several, back and
forth; a panning camera (or a scrolling test card) moves by the same step every interval, so
each interval's shift is taken relative to the steady drift (the median shift per axis) first.
The value is the MEDIAN of those over the intervals: one interval spoiled by a
passing object cannot make a steady camera shake, and one interval where a shaking camera
happens to land where it was cannot hide the shake. Needs three frames (two intervals); with
fewer the runner reports it as not assessed.
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "shake"
WIDTH = 240  # analysis width; shifts are reported in pixels of a REFERENCE_WIDTH picture
REFERENCE_WIDTH = 480
MIN_RESPONSE = 0.03  # phase-correlation peak below this: no trustworthy shift
# A shift counts only if undoing it makes the two pictures this much more alike (mean absolute
# difference): a camera that moved is explained by its shift, a walking person is not.
EXPLAINED = 0.9
VOTE_GRID = 3
CHECKED_FROM = 1.0  # px at 480 wide: smaller shifts are a steady camera's, taken as they are


def _validate(t: Thresholds) -> None:
    if not 0 < t["good_shift"] < t["max_shift"]:
        raise ValueError("need 0 < good_shift < max_shift")


def _prepare(grey: Image) -> NDArray[np.float32]:
    height, width = grey.shape[:2]
    if width > WIDTH:
        size = (WIDTH, max(8, round(height * WIDTH / width)))
        grey = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), np.uint8)
    # OpenCV pads to a fast DFT size and reads half a pixel off when that size is odd: crop to
    # even sides that need no padding.
    height, width = grey.shape[:2]
    return np.asarray(grey[: _even_fast(height), : _even_fast(width)], np.float32)


def _even_fast(side: int) -> int:
    """The largest even length ≤ ``side`` that OpenCV's DFT takes without padding."""
    for length in range(side - side % 2, 1, -2):
        if cv2.getOptimalDFTSize(length) == length:
            return length
    return side


def displacements(grey: list[Image]) -> list[float]:
    """Shift in pixels of a 480-px-wide picture between each consecutive pair of ``grey``."""
    return [float(np.hypot(dx, dy)) for dx, dy in shift_vectors(grey)]


def shift_vectors(grey: list[Image]) -> list[tuple[float, float]]:
    """(dx, dy) in pixels of a 480-px-wide picture between each consecutive pair of ``grey``;
    (0, 0) where no shift explains the change."""
    prepared = [_prepare(image) for image in grey]
    shifts: list[tuple[float, float]] = []
    window: NDArray[np.float32] | None = None
    for before, after in pairwise(prepared):
        if before.shape != after.shape:
            continue  # the resolution changed: nothing to compare
        if window is None or window.shape != before.shape:
            window = np.asarray(cv2.createHanningWindow(before.shape[::-1], cv2.CV_32F))
        # Copies: cv2.phaseCorrelate multiplies its inputs by the window IN PLACE.
        (dx, dy), response = cv2.phaseCorrelate(before.copy(), after.copy(), window)
        scale = REFERENCE_WIDTH / before.shape[1]
        if response < MIN_RESPONSE:
            shifts.append((0.0, 0.0))
            continue
        small = np.hypot(dx, dy) * scale < CHECKED_FROM
        if not small and not _explains(before, after, dx, dy):
            shifts.append((0.0, 0.0))
            continue
        shifts.append((float(dx) * scale, float(dy) * scale))
    return shifts


def unsteadiness(vectors: list[tuple[float, float]]) -> list[float]:
    """How far each interval's shift is from the steady drift (the median shift per axis).

    A camera panning at an even speed, or a test card scrolling, moves the picture by the same
    step every interval: that is motion, not shake. Shake jumps back and forth.
    """
    if not vectors:
        return []
    drift = np.median(np.asarray(vectors, np.float64), axis=0)
    return [float(np.hypot(dx - drift[0], dy - drift[1])) for dx, dy in vectors]


def _explains(
    before: NDArray[np.float32], after: NDArray[np.float32], dx: float, dy: float
) -> bool:
    """Whether moving ``after`` back by (dx, dy) makes it match ``before`` better in most of
    the picture: a camera's shift does, a walking person's moves only the tiles it is in."""
    height, width = before.shape
    mx, my = int(abs(dx)) + 2, int(abs(dy)) + 2
    if 2 * mx >= width or 2 * my >= height:
        return False
    back = np.float32([[1, 0, -dx], [0, 1, -dy]])
    aligned = cv2.warpAffine(after, back, (width, height), flags=cv2.INTER_LINEAR)
    inner = (slice(my, height - my), slice(mx, width - mx))
    # Per tile of a VOTE_GRID × VOTE_GRID grid (an area average is the tile means).
    votes = (VOTE_GRID, VOTE_GRID)
    still = cv2.resize(
        cv2.absdiff(before[inner], after[inner]), votes, interpolation=cv2.INTER_AREA
    )
    moved = cv2.resize(
        cv2.absdiff(before[inner], aligned[inner]), votes, interpolation=cv2.INTER_AREA
    )
    return int(np.count_nonzero(moved < EXPLAINED * still)) > VOTE_GRID * VOTE_GRID // 2


@register(
    NAME,
    defaults={"good_shift": 2, "max_shift": 4},
    min_frames=3,
    validate=_validate,
)
def shake(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Shake: median picture displacement between sampled frames (default > 4 px at 480 wide).

    Value: the median shift, beyond the steady drift, in pixels of a 480-px-wide picture.
    Score 100 up to ``good_shift``, 60 at ``max_shift``, 20 at three times it, 0 at five times.
    """
    good, limit = t["good_shift"], t["max_shift"]
    shifts = unsteadiness(shift_vectors(ctx.grey))
    value = float(np.median(shifts)) if shifts else 0.0
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (3 * limit, 20.0), (5 * limit, 0.0)]
    score = ramp(value, knots)
    code = "shaking" if value > limit else "steady"
    facts = {"value": value, "limit": limit, "largest": max(shifts, default=0.0)}
    return scored(NAME, score, code, facts, value=value, threshold=limit)
