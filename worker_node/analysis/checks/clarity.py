"""``clarity``: a blurred picture (out of focus, dirty or fogged lens, soft encoder).

A camera in focus has sharp detail SOMEWHERE; how much of the picture is detailed, and how
contrasted that detail is, belong to the scene. The old whole-frame figure, the variance of the
Laplacian, mixes all three: sky, a plain wall or a blurred background drag it down, and so does
low contrast (a brick wall in focus measured 70-130 on the VQD accuracy set, i.e. "blurred" by
the old limit of 100, while some blurred high-contrast scenes read more).

Measured here instead, at NATIVE resolution (on the context's tiles, so a 1080p blur the
downscale would hide still counts): how steep edges are relative to their own contrast. The
picture is cut into cells of 32 px; in each, the Laplacian energy of the picture smoothed by
about 1 px (one pyramid level down) is compared with that smoothed by about 2.2 px (two
levels down), each scaled by σ³ so that the ratio is about 1 for an ideal step edge, whatever
its contrast. Defocus spreads edges and the ratio falls: about 0.46 for an edge blurred by
1 px, 0.22 by 2 px. The smoothing keeps sensor noise from passing for detail. Only cells with
structure at the coarse scale count (flat sky, walls and black areas are skipped), and the
value is a high percentile (90th) over them: the sharpest part of the picture, not its
average. It is given in percent of an ideal edge; fine texture and noise may exceed 100. A
picture with no structure at all reads 0.

Defaults: below 44 % blurred, 100 % (an ideal edge) and above sharp. On the VQD accuracy
set's tune photographs the "blur" fault (σ 4.5 and 2.5 px at 480×270) measures 0-34 %,
healthy clips 93-235 % (the lowest: a brick wall in focus, low contrast) and other faults
71 % and up (sinusoidal stripes). 44 also keeps the generated night scene (soft street
lights, 47 %) normal while a 2-px blur at 1080p (about 39 %) fires. The old Laplacian variance
thresholds (100 / 500) have no equivalent in this unit: they are replaced.
"""

from __future__ import annotations

import cv2
import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

CELL = 32  # native pixels per cell side
# Laplacian energy of a σ-blurred picture falls as σ³ for an ideal edge. The fine response is
# taken one pyramid level down (a Gaussian of ≈ 1 native px), the coarse one two levels down
# (≈ 2.2 px); the factors below scale each to native units times σ³, so that an ideal step edge
# reads about 1 at any contrast.
FINE_SCALE = 1.0 / 16.0  # (Laplacian one level down is 4 × the native one) ** 2 × 1 px³
COARSE_SCALE = 11.2 / 256.0  # (16 ×) ** 2, × (2.24 px)³
STRUCTURE_FLOOR = 10.0  # coarse energy below which a cell is flat: weak edges drown in noise
PERCENTILE = 90.0
FRAMES = 3  # sharpness is a property of the optics: three spread frames are enough


def _validate(t: Thresholds) -> None:
    if not 0 < t["min_sharpness"] < t["good_sharpness"]:
        raise ValueError("need 0 < min_sharpness < good_sharpness")


def _cell_energy(response: np.ndarray, cells: tuple[int, int]) -> np.ndarray:
    """Per cell, the variance of ``response`` (mean of squares minus square of mean)."""
    mean = cv2.resize(response, cells, interpolation=cv2.INTER_AREA)
    square = cv2.resize(cv2.multiply(response, response), cells, interpolation=cv2.INTER_AREA)
    return np.maximum(square - mean * mean, 0.0).ravel()


def _mosaic(tiles: list[Image]) -> tuple[Image, int, int, int, int]:
    """The tiles cut to whole cells, each padded by half a cell (mirrored), in one picture.

    Returns the picture, its number of tile slots down and across and the cells of one tile
    down and across. One picture costs a few filter calls instead of a few per tile (the
    calls, not the pixels, dominate on sixteen small tiles); the mirrored padding keeps the
    filters of one tile from seeing its neighbour, which would pass for a sharp edge. Tiles
    of differing sizes (never produced by ``native_tiles``) are cut to the smallest.
    """
    height = min(tile.shape[0] for tile in tiles)
    width = min(tile.shape[1] for tile in tiles)
    rows, cols = max(1, height // CELL), max(1, width // CELL)
    if len(tiles) == 1:  # a single picture needs no padding: its own border is mirrored
        crop_h, crop_w = min(height, rows * CELL) // 4 * 4, min(width, cols * CELL) // 4 * 4
        y0, x0 = (height - crop_h) // 2, (width - crop_w) // 2
        return tiles[0][y0 : y0 + crop_h, x0 : x0 + crop_w], 1, 1, rows, cols
    rows, cols = max(1, height // CELL), max(1, width // CELL)
    crop_h, crop_w = min(height, rows * CELL), min(width, cols * CELL)
    slots_down = round(len(tiles) ** 0.5)
    slots_across = -(-len(tiles) // slots_down)
    pad = CELL // 2
    slot_h, slot_w = crop_h + 2 * pad, crop_w + 2 * pad
    mosaic = np.zeros((slots_down * slot_h, slots_across * slot_w), np.uint8)
    for index, tile in enumerate(tiles):
        y0, x0 = (tile.shape[0] - crop_h) // 2, (tile.shape[1] - crop_w) // 2
        core = tile[y0 : y0 + crop_h, x0 : x0 + crop_w]
        top, left = (index // slots_across) * slot_h, (index % slots_across) * slot_w
        mosaic[top : top + slot_h, left : left + slot_w] = cv2.copyMakeBorder(
            core, pad, pad, pad, pad, cv2.BORDER_REFLECT_101
        )
    return mosaic, slots_down, slots_across, rows, cols


def edge_ratios(tiles: list[Image]) -> np.ndarray:
    """Fine-to-coarse Laplacian energy ratio of each structured cell of one frame's tiles."""
    tiles = [tile for tile in tiles if min(tile.shape[:2]) >= 8]
    if not tiles:
        return np.empty(0, np.float32)
    mosaic, slots_down, slots_across, rows, cols = _mosaic(tiles)
    half = cv2.pyrDown(mosaic.astype(np.float32))
    quarter = cv2.pyrDown(half)
    fine_response = cv2.Laplacian(half, cv2.CV_32F)
    coarse_response = cv2.Laplacian(quarter, cv2.CV_32F)
    if slots_down * slots_across == 1:
        fine = _cell_energy(fine_response, (cols, rows))
        coarse = _cell_energy(coarse_response, (cols, rows))
        keep = np.ones(rows * cols, bool)
    else:
        # cells on a grid shifted by the padding: per slot, the tile's cells then one
        # padding cell (the halves of two neighbouring slots' padding); the last is dropped
        down, across = slots_down * (rows + 1) - 1, slots_across * (cols + 1) - 1
        shift_h, shift_q = CELL // 4, CELL // 8
        fine_response = fine_response[shift_h : shift_h + down * CELL // 2]
        fine_response = fine_response[:, shift_h : shift_h + across * CELL // 2]
        coarse_response = coarse_response[shift_q : shift_q + down * CELL // 4]
        coarse_response = coarse_response[:, shift_q : shift_q + across * CELL // 4]
        fine = _cell_energy(fine_response, (across, down))
        coarse = _cell_energy(coarse_response, (across, down))
        in_tile_down = np.arange(down) % (rows + 1) != rows
        in_tile_across = np.arange(across) % (cols + 1) != cols
        keep = (in_tile_down[:, None] & in_tile_across[None, :]).ravel()
        keep &= _filled(slots_down, slots_across, rows, cols, len(tiles))
    fine, coarse = fine * FINE_SCALE, coarse * COARSE_SCALE
    structured = keep & (coarse > STRUCTURE_FLOOR)
    return fine[structured] / coarse[structured]


def _filled(slots_down: int, slots_across: int, rows: int, cols: int, count: int) -> np.ndarray:
    """Cells (on the shifted grid of ``edge_ratios``) that lie in a slot holding a tile."""
    down, across = slots_down * (rows + 1) - 1, slots_across * (cols + 1) - 1
    slot = (np.arange(down) // (rows + 1))[:, None] * slots_across + (
        np.arange(across) // (cols + 1)
    )[None, :]
    return (slot < count).ravel()


def sharpness(tiles: list[Image]) -> float:
    """Edge sharpness of one frame in percent of an ideal edge (see the module docstring)."""
    ratios = edge_ratios(tiles)
    if ratios.size == 0:
        return 0.0
    return 100.0 * float(np.percentile(ratios, PERCENTILE))


def _spread(count: int, wanted: int) -> list[int]:
    """``wanted`` indices spread evenly over ``count`` (all of them if fewer)."""
    if count <= wanted:
        return list(range(count))
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})


@register("clarity", defaults={"min_sharpness": 44, "good_sharpness": 100}, validate=_validate)
def clarity(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Sharpness: how steep the sharpest edges are (default < 44 % blurred, ≥ 100 % sharp).

    Value: median over up to three frames spread over the window. Score: 0 with no edge at
    all, 20 at half ``min_sharpness`` (critical below), 60 at ``min_sharpness``, 100 at
    ``good_sharpness``; linear in between.
    """
    low, good = t["min_sharpness"], t["good_sharpness"]
    tiles = ctx.native_tiles
    value = float(np.median([sharpness(tiles[i]) for i in _spread(len(tiles), FRAMES)]))
    score = ramp(value, [(0.0, 0.0), (low / 2, 20.0), (low, 60.0), (good, 100.0)])
    code = "blurred" if value < low else "acceptable" if value < good else "sharp"
    facts = {"value": value, "low": low, "good": good}
    return scored("clarity", score, code, facts, value=value, threshold=low)
