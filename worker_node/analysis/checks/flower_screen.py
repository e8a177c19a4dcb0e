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

Judged per frame: corruption is a property of each decoded frame. One exception uses several
frames: a segment broken in all sampled frames but one (of at least 3) is a straight scene edge
that happens to lie on a macroblock row — a horizon, a shelf, the bands of a colour-bar test
card (which read 4.8 % on their own) — and is not counted; corruption moves with the lost
packets from frame to frame. Corruption frozen in place for the whole 2-s window is missed. The
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
    grid, control = broken_segments(image, native_height, native_width)
    return max(0.0, float(grid.mean()) - control) if grid.size else 0.0


def broken_segments(
    image: Image, native_height: int, native_width: int
) -> tuple[NDArray[np.bool_], float]:
    """The broken grid segments (boundary rows × segments) and the off-grid rows' highest
    broken rate (0–1): the picture's own rate of such steps."""
    none = np.zeros((0, 0), np.bool_)
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
        return none, 0.0
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
        return none, 0.0
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
    grid_count = len(groups[0][0])
    return broken[:grid_count].astype(np.bool_), max(rates[1:])


def _without_standing_edges(
    grids: list[NDArray[np.bool_]],
) -> list[NDArray[np.bool_]]:
    """Drop segments broken in all frames but one or more (with at least 3 frames).

    A scene's own straight edge that happens to lie on a macroblock row (a horizon, a shelf,
    the bands of a colour-bar test card) breaks the same segments in every frame; decoding
    corruption moves with the lost packets from frame to frame.
    """
    if len(grids) < 3 or len({g.shape for g in grids}) != 1 or grids[0].size == 0:
        return grids
    counts = np.sum(grids, axis=0)
    standing = counts >= max(3, len(grids) - 1)
    return [g & ~standing for g in grids]


@register(NAME, defaults={"good_share": 2, "max_share": 3.5}, validate=_validate)
def flower_screen(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Flower screen: macroblock edges broken by decode corruption (default > 3.5 % corrupted).

    Value: mean over the frames of the share of horizontal macroblock-boundary segments with a
    step far above the picture's own, beyond the rate at off-grid rows, in %. Score 100 up to
    ``good_share``, 60 at ``max_share``, 20 at three times it, 0 at six times.
    """
    good, limit = t["good_share"], t["max_share"]
    found = [
        broken_segments(small, frame.shape[0], frame.shape[1])
        for small, frame in zip(ctx.small, ctx.frames, strict=True)
    ]
    grids = _without_standing_edges([grid for grid, _ in found])
    shares = [
        max(0.0, float(grid.mean()) - control) if grid.size else 0.0
        for grid, (_, control) in zip(grids, found, strict=True)
    ]
    value = 100.0 * float(np.mean(shares))
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (3 * limit, 20.0), (6 * limit, 0.0)]
    score = ramp(value, knots)
    code = "corrupted" if value > limit else "normal"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
