"""``flower_screen`` (花屏): a corrupted decode — macroblock rows smeared downwards, green or
magenta garbage blocks, stale blocks displaced from an earlier frame — typically from packet
loss on the stream.

All of these are drawn by the decoder in whole 16×16 macroblocks, so their edges lie on the
macroblock grid of the NATIVE picture (rows 16, 32, …), which maps exactly onto the ≤ 480-px
downscale for the usual sizes (1080p: every 4 rows, 720p: every 6, 480 px wide: every 16).
The measure looks at horizontal macroblock boundaries, in 16-native-px wide segments of the
colour downscale: a segment is BROKEN when the colour step across the boundary (summed over
B, G, R, over 3 rows where a macroblock is ≥ 12 px tall in the downscale, so that chroma
subsampling's two-row blur does not hide it)
exceeds the picture's own vertical change just above and just below it by 20 levels and by
2.5×. Natural horizontal edges pass that test too, but they fall on any row: the same count at
rows 6, 8 and 10 px (per 16) past the grid gives the picture's own rate, and only the grid's
excess over the highest of those three counts is kept (one long natural edge can sit on any
row). Normal 8×8 compression blocking is a step of a few levels and rarely passes; and it sits
at 16k + 8 as much as at 16k.

Single-frame by design: corruption is a property of each decoded frame (it need not persist,
and when it does, a static scene keeps it in place, so frame differences would not help). The
value is the mean over the frames of the per-frame excess, so a burst in one frame of five
counts in proportion to its size. It is insensitive to motion, shake or a walking figure,
whose edges are not tied to the macroblock grid.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "flower_screen"
MACROBLOCK = 16  # native pixels
CONTROL_OFFSETS = (6, 8, 10)  # rows past the grid (per 16): the picture's own edge rate
MIN_STEP = 20.0  # summed B+G+R levels above the surrounding vertical change
MIN_RATIO = 2.5  # … and this many times it
MIN_SEGMENT = 8  # px of the downscale: the narrowest boundary segment judged


def _validate(t: Thresholds) -> None:
    if not 0 <= t["good_share"] < t["max_share"] <= 100:
        raise ValueError("need 0 ≤ good_share < max_share ≤ 100")


def _boundary_rows(native: int, small: int) -> NDArray[np.int64]:
    """Rows of the downscale where the native macroblock rows 16k (k ≥ 1) start."""
    starts = np.arange(MACROBLOCK, native - MACROBLOCK // 2, MACROBLOCK)
    return np.round(starts * (small / native)).astype(np.int64)


def broken_share(image: Image, native_height: int, native_width: int) -> float:
    """Share (0–1) of macroblock-boundary segments broken, beyond the off-grid rate."""
    height, width = image.shape[:2]
    cell = MACROBLOCK * height / native_height
    span = int(min(3, max(1, cell // 4)))
    # Segments one macroblock wide, or several where a macroblock is under 8 px in the
    # downscale (1080p: 4 px), which halves the work and changes nothing that matters.
    per_segment = max(1, int(np.ceil(MIN_SEGMENT / (MACROBLOCK * width / native_width))))
    segments = max(1, round(native_width / (MACROBLOCK * per_segment)))
    edges = np.round(np.arange(segments + 1) * width / segments).astype(np.int64)
    starts, widths = edges[:-1], np.diff(edges)
    if height < 4 * span + 2 or widths.min() < 1:
        return 0.0
    grid = _boundary_rows(native_height, height)
    groups = []
    # Control rows at whole-pixel offsets of the downscale, like the grid rows themselves
    # (a native offset that lands mid-pixel would see every edge blurred over two rows).
    for offset in (0, *(round(cell * o / MACROBLOCK) for o in CONTROL_OFFSETS)):
        top = grid + offset - 1 - (span - 1) // 2
        bottom = top + span
        keep = (top - span >= 0) & (bottom + span < height)
        groups.append((top[keep], bottom[keep]))
    top = np.concatenate([g[0] for g in groups])
    bottom = np.concatenate([g[1] for g in groups])
    if top.size == 0:
        return 0.0
    # |row y + span − row y| summed over B, G, R and over each segment, for every y at once:
    # the boundary steps and the changes beside them are all rows of this one table.
    diff = cv2.absdiff(image[span:], image[:-span])
    if width % segments == 0:  # the usual case: equal segments, one OpenCV reduction
        cells = diff.reshape((height - span) * segments, 3 * (width // segments))
        sums = cv2.reduce(cells, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S)
        table = sums.reshape(height - span, segments) / widths
    else:
        flat = diff.reshape(height - span, width * 3)
        table = np.add.reduceat(flat, 3 * starts, axis=1, dtype=np.int32) / widths
    step = table[top]
    own = np.maximum(table[top - span], table[bottom])
    broken = (step - own > MIN_STEP) & (step > MIN_RATIO * own)
    rates, first = [], 0
    for group_top, _ in groups:
        count = len(group_top)
        rates.append(float(broken[first : first + count].mean()) if count else 0.0)
        first += count
    return max(0.0, rates[0] - max(rates[1:]))


@register(NAME, defaults={"good_share": 2, "max_share": 3.5}, validate=_validate)
def flower_screen(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Flower screen: macroblock edges broken by decode corruption (default > 3.5 % corrupted).

    Value: mean over the frames of the share of horizontal macroblock-boundary segments with a
    step far above the picture's own, beyond the rate at off-grid rows, in %. Score 100 up to
    ``good_share``, 60 at ``max_share``, 20 at three times it, 0 at six times.
    """
    good, limit = t["good_share"], t["max_share"]
    shares = [
        broken_share(small, frame.shape[0], frame.shape[1])
        for small, frame in zip(ctx.small, ctx.frames, strict=True)
    ]
    value = 100.0 * float(np.mean(shares))
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (3 * limit, 20.0), (6 * limit, 0.0)]
    score = ramp(value, knots)
    code = "corrupted" if value > limit else "normal"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
