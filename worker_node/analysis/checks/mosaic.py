"""``mosaic`` (马赛克): the picture is made of large flat blocks — an encoder or decoder starved
of bit rate, or a scaler fault, pixelating the whole frame.

Measured on the grey downscale (≤ 480 px wide: mosaic blocks are large, and a 1080p camera's
blocks are 4× bigger in native pixels than a 480-px stream's). For each axis, the mean absolute
difference between neighbouring columns (rows), averaged over all rows (columns) and frames,
gives a 1-D edge profile. A pixelated picture's profile is a comb: its edge contrast sits on a
regular grid of period P (the block size) and the block interiors are flat. The period is found
from the data: the profile is folded at every integer P from 4 to 40 px, then at fractional
periods around the best one and its sub-multiples (a scaler's blocks need not be whole pixels;
at 270 rows, 16 blocks are 16.875 px tall). A fold's teeth are 2 px wide, so that a block edge
split across two pixels by the downscale still counts.

The value is the share of the picture's edge contrast that the best comb's teeth carry above its
off-grid level: about 100 % for a mosaic, a few % for a healthy picture, whose edges fall
anywhere. Normal 8×8 JPEG / H.264 blocking also lies on a grid, but its steps are a grey level
or two; so the share is discounted by a soft knee on the tooth's step (s² / (s² + 2²), s in grey
levels), which keeps a flat sky, a wall or a night scene whose only edges are faint compression
blocks from reading as a mosaic. A mosaic is blocky across both axes: the value is the smaller
of the two. A picture of a real regular grid facing the camera (a chessboard, tiles) can read
as a mosaic.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "mosaic"
MIN_PERIOD, MAX_PERIOD = 4, 40  # block sizes searched, in pixels of the grey downscale
KNEE = 2.0  # grey levels: block steps well below this are compression blocking, not mosaic
Profile = NDArray[np.float32]


class GridFit(NamedTuple):
    """The strongest block grid along one axis."""

    share: float  # share of the axis's edge contrast on the grid (0–1, knee applied)
    step: float  # mean grey-level step on the grid above the off-grid level
    period: float  # block size, pixels of the downscale


def _validate(t: Thresholds) -> None:
    if not 0 <= t["good_share"] < t["max_share"] <= 100:
        raise ValueError("need 0 ≤ good_share < max_share ≤ 100")


def edge_profiles(greys: list[Image]) -> tuple[Profile, Profile]:
    """Mean |difference| between neighbouring columns and between neighbouring rows, averaged
    over the frames that share the last frame's size."""
    shape = greys[-1].shape
    same = [g for g in greys if g.shape == shape]
    cols = np.zeros(shape[1] - 1, np.float32)
    rows = np.zeros(shape[0] - 1, np.float32)
    for grey in same:
        dx = cv2.absdiff(grey[:, 1:], grey[:, :-1])
        dy = cv2.absdiff(grey[1:], grey[:-1])
        cols += cv2.reduce(dx, 0, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
        rows += cv2.reduce(dy, 1, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
    return cols / len(same), rows / len(same)


@cache
def _integer_bins(length: int, low: int, high: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Fold indices for the integer periods low..high over a profile of ``length`` (cached:
    the frame size of a camera does not change)."""
    periods = np.arange(low, high + 1)
    bins = np.arange(length)[None, :] % periods[:, None]
    return periods, bins


def _fold(
    profile: Profile, periods: NDArray[np.float64], bins: NDArray[np.int64] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per candidate period: (share, step) of its best 2-px comb tooth over the median bin."""
    count, length = len(periods), len(profile)
    nbins = np.floor(periods).astype(np.int64)
    if bins is None:
        phase = np.multiply.outer(
            (1.0 / periods).astype(np.float32), np.arange(length, dtype=np.float32)
        )
        phase -= np.floor(phase)
        bins = (phase * nbins[:, None].astype(np.float32)).astype(np.int64)
        np.minimum(bins, nbins[:, None] - 1, out=bins)
    width = int(nbins.max())
    index = (bins + (np.arange(count) * width)[:, None]).ravel()
    sums = np.bincount(
        index, np.broadcast_to(profile.astype(np.float64), (count, length)).ravel(), count * width
    )
    counts = np.bincount(index, None, count * width)
    valid = np.arange(width)[None, :] < nbins[:, None]
    means = np.where(valid, (sums / np.maximum(counts, 1)).reshape(count, width), np.inf)
    off = np.take_along_axis(np.sort(means, axis=1), ((nbins - 1) // 2)[:, None], axis=1)[:, 0]
    following = np.roll(means, -1, axis=1)
    following[np.arange(count), nbins - 1] = means[:, 0]  # the comb wraps round
    teeth = np.where(valid, means + following, -np.inf).max(axis=1)
    step = teeth - 2.0 * off
    share = step / (periods * float(profile.mean()))
    return share, step


def grid_fit(profile: Profile) -> GridFit:
    """The block grid that carries the largest share × step of ``profile``'s edge contrast."""
    high = min(MAX_PERIOD, len(profile) // 3)
    if high < MIN_PERIOD or float(profile.mean()) <= 1e-3:
        return GridFit(0.0, 0.0, 0.0)
    periods, bins = _integer_bins(len(profile), MIN_PERIOD, high)
    share, step = _fold(profile, periods.astype(np.float64), bins)
    # A fractional period shows in the integer fold through a near-whole multiple of it:
    # refine around the best integer period, then try its halves, thirds and quarters.
    best = float(periods[int(np.argmax(share * np.maximum(step, 0.0)))])
    fine = np.linspace(max(MIN_PERIOD, best - 1), best + 1, 21)
    share, step = _fold(profile, fine)
    best = float(fine[int(np.argmax(share * np.maximum(step, 0.0)))])
    fine = np.concatenate(
        [best / k + np.linspace(-0.05, 0.05, 5) / k for k in (1, 2, 3, 4) if best / k >= MIN_PERIOD]
    )
    fine = np.maximum(fine, MIN_PERIOD)
    share, step = _fold(profile, fine)
    i = int(np.argmax(share * np.maximum(step, 0.0)))
    s = max(0.0, float(step[i]))
    knee = s * s / (s * s + KNEE * KNEE)
    return GridFit(float(np.clip(share[i], 0.0, 1.0)) * knee, s, float(fine[i]))


@register(NAME, defaults={"good_share": 12, "max_share": 25}, validate=_validate)
def mosaic(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Mosaic: share of the edge contrast on a regular block grid (default > 25 % pixelated).

    Value: the smaller of the two axes' grid shares, in %. Score 100 up to ``good_share``, 60 at
    ``max_share``, 20 at twice it, 0 at three times.
    """
    good, limit = t["good_share"], t["max_share"]
    cols, rows = edge_profiles(ctx.grey)
    across, down = grid_fit(cols), grid_fit(rows)
    value = 100.0 * min(across.share, down.share)
    native_w, _ = ctx.native_size
    scale = native_w / ctx.grey[-1].shape[1]
    block = across.period * scale
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (2 * limit, 20.0), (3 * limit, 0.0)]
    score = ramp(value, knots)
    code = "pixelated" if value > limit else "normal"
    facts = {"value": value, "limit": limit, "block": block}
    return scored(NAME, score, code, facts, value=value, threshold=limit)
