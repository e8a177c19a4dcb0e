"""``stripe`` (条纹干扰): interference bars rolling across the picture (a ground loop, power-line
hum, crosstalk on an analogue line, light flicker caught by a rolling shutter).

Such bars are a single spatial frequency added to the whole picture that moves on its own,
independently of the scene. A brick wall, blinds or a fence are periodic too, and can be as
strong as a real interference pattern in any single frame, so one frame cannot tell them apart;
what differs is that the scene's own texture stays put from frame to frame while the bars roll.
So the check looks at the CHANGE between consecutive frames (grey, halved to about 240 px):

1. the Hann-windowed power spectra of the frame differences are averaged and the strongest
   frequency between 2.5 and 25 px per cycle (5–50 px on the 480-px view) is taken;
2. each difference is cut into a 3 × 3 grid and, per cell, the amplitude of that one frequency
   is measured (projection on its cosine and sine) together with its share of the cell's change;
3. a cell counts only where that frequency carries at least ``min_share`` of the change: a
   static scene's change is noise, and a moving object or a shaking camera change many
   frequencies at once, never one alone;
4. the value is the median over cells and frame pairs (so the bars must cross most of the view,
   not one moving striped object) of half the difference amplitude — the difference of two
   shifted sinusoids of amplitude A has amplitude up to 2A, so this reads A for bars that move
   by half a period and is a lower bound otherwise.

A healthy camera reads well under 1 grey level (the brick wall included); bars an operator
notices (amplitude 15+) read 15+. Bars that stand perfectly still between the sampled frames
are not seen: in a single view they are indistinguishable from a striped scene.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "stripe"
WORK_WIDTH = 240  # the grey view halved: periods of 5+ px on it stay well resolved
GRID = 3
# Searched periods on the working image (px per cycle): 2.5 is close to its Nyquist limit,
# 25 is a tenth of its width (broader swells are lighting, not interference bars).
MIN_PERIOD, MAX_PERIOD = 2.5, 25.0

Floats = NDArray[np.float32]


def _validate(t: Thresholds) -> None:
    if not 0 < t["good_amplitude"] < t["max_amplitude"]:
        raise ValueError("need 0 < good_amplitude < max_amplitude")
    if not 0 < t["min_share"] < 1:
        raise ValueError("need 0 < min_share < 1")


@cache
def _hann(height: int, width: int) -> Floats:
    return np.outer(np.hanning(height), np.hanning(width)).astype(np.float32)


@cache
def _band(height: int, width: int) -> NDArray[np.bool_]:
    """Frequencies searched: half the plane (the spectrum of a real image is symmetric)."""
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.fftfreq(width)[None, :]
    radius = np.hypot(fy, fx)
    half = (fy > 0) | ((fy == 0) & (fx > 0))
    return (radius > 1 / MAX_PERIOD) & (radius < 1 / MIN_PERIOD) & half


@cache
def _cells(length: int) -> NDArray[np.float32]:
    """(length × GRID) indicator of which grid cell each row (or column) index falls in."""
    member = np.zeros((length, GRID), np.float32)
    for cell, part in enumerate(np.array_split(np.arange(length), GRID)):
        member[part, cell] = 1.0
    return member


def _offset(below: float, at: float, above: float) -> float:
    """Sub-bin position of a peak from its log-power neighbours (parabola through three)."""
    a, b, c = np.log(below + 1e-9), np.log(at + 1e-9), np.log(above + 1e-9)
    curvature = a - 2 * b + c
    return float(np.clip(0.5 * (a - c) / curvature, -0.5, 0.5)) if curvature < 0 else 0.0


def _peak_frequency(diffs: list[Floats]) -> tuple[float, float]:
    """(fy, fx) in cycles per pixel of the strongest in-band peak of the mean power spectrum.

    Two real differences share one complex transform (one as the real, one as the imaginary
    part): the sum of their power spectra is the symmetric part of its power spectrum.
    """
    height, width = diffs[0].shape
    window = _hann(height, width)
    total = np.zeros((height, width), np.float32)
    for first in range(0, len(diffs), 2):
        pair = diffs[first : first + 2]
        real = (pair[0] - float(pair[0].mean())) * window
        imag = (pair[1] - float(pair[1].mean())) * window if len(pair) > 1 else real * 0
        spectrum = cv2.dft(cv2.merge([real, imag]), flags=cv2.DFT_COMPLEX_OUTPUT)
        total += cv2.magnitude(spectrum[..., 0], spectrum[..., 1]) ** 2
    # power at -k sits at (-iy, -ix) modulo the size: flip, then roll by one
    power = total + np.roll(total[::-1, ::-1], (1, 1), axis=(0, 1))
    # energy of the 3×3 lobe around each bin (the spectrum wraps around)
    lobe = cv2.boxFilter(power, -1, (3, 3), normalize=False, borderType=cv2.BORDER_WRAP)
    iy, ix = np.unravel_index(int(np.argmax(np.where(_band(height, width), lobe, 0))), lobe.shape)
    dy = _offset(power[iy - 1, ix], power[iy, ix], power[(iy + 1) % height, ix])
    dx = _offset(power[iy, ix - 1], power[iy, ix], power[iy, (ix + 1) % width])
    fy = float(np.fft.fftfreq(height)[iy]) + dy / height
    fx = float(np.fft.fftfreq(width)[ix]) + dx / width
    return fy, fx


def stripe_figures(greys: list[Image], min_share: float) -> tuple[float, float]:
    """(amplitude in grey levels, period in px of ``greys``) of bars moving across the view.

    ``greys`` are the frames' grey images, oldest first (at least two).
    """
    width = greys[0].shape[1]
    scale = min(1.0, WORK_WIDTH / width)
    size = (max(16, round(width * scale)), max(16, round(greys[0].shape[0] * scale)))
    small = [
        cv2.resize(g, size, interpolation=cv2.INTER_AREA).astype(np.float32)
        if g.shape[:2] != (size[1], size[0])
        else g.astype(np.float32)
        for g in greys
    ]
    diffs = [b - a for a, b in pairwise(small)]
    fy, fx = _peak_frequency(diffs)
    # Per-cell projections as matrix products: cos(ay + bx) = cos ay cos bx - sin ay sin bx,
    # sin(ay + bx) = sin ay cos bx + cos ay sin bx, summed over each cell's rows and columns.
    height, width = size[1], size[0]
    rows, cols = _cells(height), _cells(width)
    ay = (2 * np.pi * fy) * np.arange(height, dtype=np.float32)
    bx = (2 * np.pi * fx) * np.arange(width, dtype=np.float32)
    col_basis = np.hstack([cols * np.cos(bx)[:, None], cols * np.sin(bx)[:, None], cols])
    col_basis = col_basis.astype(np.float32)
    row_cos, row_sin = rows * np.cos(ay)[:, None], rows * np.sin(ay)[:, None]
    count = rows.sum(axis=0)[:, None] * cols.sum(axis=0)[None, :]
    stacked = np.vstack(diffs)
    # cv2.gemm: single-threaded, so no BLAS thread start-up on these small products
    by_cols = cv2.gemm(stacked, col_basis, 1.0, None, 0.0)
    squares = cv2.gemm(cv2.multiply(stacked, stacked), cols, 1.0, None, 0.0)
    counted = []
    for index in range(len(diffs)):
        part = by_cols[index * height : (index + 1) * height]
        xc, xs, plain = part[:, :GRID], part[:, GRID : 2 * GRID], part[:, 2 * GRID :]
        c = (row_cos.T @ xc - row_sin.T @ xs) / count
        s = (row_sin.T @ xc + row_cos.T @ xs) / count
        mean = rows.T @ plain / count
        square = rows.T @ squares[index * height : (index + 1) * height] / count
        amplitude = 2 * np.hypot(c, s)
        change = np.maximum(square - mean * mean, 1e-6)
        share = amplitude * amplitude / 2 / change
        counted.append(np.where(share >= min_share, amplitude / 2, 0.0))
    period = 1.0 / max(float(np.hypot(fy, fx)), 1e-6) / scale
    return float(np.median(counted)), period


@register(
    NAME,
    defaults={"good_amplitude": 3, "max_amplitude": 6, "min_share": 0.2},
    min_frames=2,
    validate=_validate,
)
def stripe(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Stripes: interference bars rolling over the picture (default amplitude > 6 grey levels).

    Value: amplitude (grey levels) of one spatial frequency that changes between frames
    across the view while the scene stays put. Score 100 up to ``good_amplitude``, 60 at
    ``max_amplitude``, 20 at three times it, 0 at five times.
    """
    good, limit = t["good_amplitude"], t["max_amplitude"]
    value, period = stripe_figures(ctx.grey, t["min_share"])
    period *= ctx.frames[0].shape[1] / ctx.grey[0].shape[1]  # in the camera's own pixels
    knots = [(0.0, 100.0), (good, 100.0), (limit, 60.0), (3 * limit, 20.0), (5 * limit, 0.0)]
    score = ramp(value, knots)
    code = "striped" if value > limit else "normal"
    facts = {"value": value, "limit": limit, "period": period}
    return scored(NAME, score, code, facts, value=value, threshold=limit)
