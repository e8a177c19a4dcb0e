"""``focus_blur`` (聚焦模糊): the lens is out of focus, so the whole picture is soft.

``clarity`` measures how much fine detail there is (Laplacian variance), which also falls for a
healthy scene that simply has little texture: sky, a blank wall, a blurred background. This
check instead measures how STEEP the picture's edges are, whatever their number or contrast:
an in-focus camera shows at least some crisp edges in any scene, and defocus widens every one.

At native resolution (the context's tiles, lightly smoothed against noise), every pixel where
the gradient magnitude is a local maximum (an edge's centre) gives an edge width: the edge's
height (the grey range along the gradient, ±8 px through the centre) divided by its steepest
slope, i.e. the distance the edge would take to rise at its steepest. A sharp step reads about
2–3 px here (pixel size plus the smoothing); a Gaussian defocus of σ px widens it towards
2.5 σ. Of the 1,200 steepest centres (real edges, not noise, in a sharp or a soft picture
alike), those with a height of at least 50 grey levels count — 35 or 25 if too few, since
a strong blur also flattens edges. The value is their 10th percentile (the sharpest edges in
view: a soft background or smooth objects elsewhere do not matter), median over the first
and the last frame (focus does not change within seconds). A picture with no edges at all
(fog, darkness, a flat wall) cannot be judged and reads as normal: other checks report those.

On the VQD clips (480 × 270), healthy scenes read 1.3–3.1 px and defocus of σ 2.5 px reads
4.8–5.6, σ 4.5 reads 7–9; a deliberately soft synthetic night scene reads 4.4.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "focus_blur"
REACH = 8  # px either side of an edge's centre over which its height is measured
STEPS = (50.0, 35.0, 25.0)  # edge contrast required, strongest first (grey levels)
MIN_SLOPE = 2.0  # grey levels per px: flatter than this is no edge centre
_OFFSETS = np.arange(-REACH, REACH + 1, 2, dtype=np.float32)
MIN_EDGES = 100  # edge centres needed per frame for a verdict
PERCENTILE = 10.0
MAX_CENTRES = 1200  # edge centres measured per frame, at most
MAX_FRAMES = 2  # focus does not change within seconds: the first and the last frame
SMOOTHING = 0.7  # px: keeps noise out of the slopes; widens a sharp edge a little
_PEAK_KERNEL = np.ones((3, 3), np.uint8)


def _validate(t: Thresholds) -> None:
    if not 0 < t["good_width"] < t["max_width"]:
        raise ValueError("need 0 < good_width < max_width")


def _mosaic(tiles: list[Image]) -> tuple[Image, NDArray[np.bool_]]:
    """The tiles side by side, each padded by REACH replicated pixels (so that no filter or
    profile crosses into a neighbour), and the mask of their interiors (1-px border off)."""
    pad = REACH
    height = max(tile.shape[0] for tile in tiles) + 2 * pad
    width = sum(tile.shape[1] + 2 * pad for tile in tiles)
    canvas = np.zeros((height, width), np.uint8)
    inside = np.zeros((height, width), np.bool_)
    x = 0
    for tile in tiles:
        h, w = tile.shape[:2]
        canvas[: h + 2 * pad, x : x + w + 2 * pad] = cv2.copyMakeBorder(
            tile, pad, pad, pad, pad, cv2.BORDER_REPLICATE
        )
        inside[pad + 1 : pad + h - 1, x + pad + 1 : x + pad + w - 1] = True
        x += w + 2 * pad
    return canvas, inside


def edge_figures(tiles: list[Image]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(height, width) at edge centres of one frame's ``tiles``, heights of 25+ grey levels.

    Only the MAX_CENTRES steepest centres are measured: a percentile needs no more.
    """
    empty = np.zeros(0, np.float32)
    usable = [tile for tile in tiles if min(tile.shape[:2]) > 2]
    if not usable:
        return empty, empty
    canvas, inside = _mosaic(usable)
    smooth = cv2.GaussianBlur(canvas, (0, 0), SMOOTHING)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    slope = cv2.magnitude(gx, gy)
    candidate = (slope >= cv2.dilate(slope, _PEAK_KERNEL)) & (slope > 8 * MIN_SLOPE) & inside
    points = cv2.findNonZero(candidate.view(np.uint8))
    if points is None:
        return empty, empty
    points = points.reshape(-1, 2)
    xs, ys = points[:, 0], points[:, 1]
    norm = slope[ys, xs]
    if norm.size > MAX_CENTRES:  # the steepest: real edges, not noise, whatever the focus
        top = np.argpartition(norm, norm.size - MAX_CENTRES)[-MAX_CENTRES:]
        xs, ys, norm = xs[top], ys[top], norm[top]
    # grey levels along the gradient through the centre, out to REACH px either side
    # (bilinear samples): their range is the edge's height, whether a step or a thin line
    ux, uy = gx[ys, xs] / norm, gy[ys, xs] / norm
    map_x = (xs[:, None] + ux[:, None] * _OFFSETS[None, :]).astype(np.float32)
    map_y = (ys[:, None] + uy[:, None] * _OFFSETS[None, :]).astype(np.float32)
    profile = cv2.remap(smooth, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    height = (profile.max(axis=1) - profile.min(axis=1)).astype(np.float32)
    keep = height >= STEPS[-1]
    return height[keep], height[keep] / (norm[keep] * 0.125)  # Sobel's gain on a ramp is 8


def edge_width(tiles: list[Image]) -> float | None:
    """Width (px) of the sharpest edges in one frame's ``tiles``; None without enough edges."""
    height, width = edge_figures(tiles)
    for least in STEPS:
        chosen = width[height >= least]
        if chosen.size >= MIN_EDGES:
            return float(np.percentile(chosen, PERCENTILE))
    return None


@register(NAME, defaults={"good_width": 3.8, "max_width": 4.5}, validate=_validate)
def focus_blur(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Focus: width of the picture's sharpest edges at native resolution (default > 4.5 px).

    Value: median over the frames of the edge width (px). Score 100 up to ``good_width``, 60
    at ``max_width``, 20 at twice it, 0 at three times. No edges to judge: normal, no value.
    """
    good, limit = t["good_width"], t["max_width"]
    tiles = ctx.native_tiles
    picked = sorted({round(i * (len(tiles) - 1) / (MAX_FRAMES - 1)) for i in range(MAX_FRAMES)})
    widths = [w for w in (edge_width(tiles[i]) for i in picked) if w is not None]
    if not widths:
        return scored(NAME, 100.0, "no_edges", {"limit": limit}, threshold=limit)
    value = float(np.median(widths))
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (2 * limit, 20.0), (3 * limit, 0.0)]
    score = ramp(value, knots)
    code = "out_of_focus" if value > limit else "in_focus"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
