"""The frames of one diagnosis, and everything derived from them that several checks share.

Derived images are computed once, on first use, and kept for the other checks. Work happens on
a downscale about 480 px wide (DESIGN §8: five basic metrics cost 2.2 ms there, 11 ms at 1080p);
measures whose meaning depends on native resolution use native-resolution tiles instead.

Cost (bench/vqd_speed.py): the whole catalogue must run at ≥ 250 frames/s per core on 1080p,
4 ms per frame, and merely reading a 1080p frame from memory costs about 0.6 ms. So the frame
is read once for the downscale and once (16 small windows) for the tiles; everything else —
grey levels, histograms, gradients — is derived from those small images, once, here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]

SMALL_WIDTH = 480
# Native-resolution pixels sampled by `native_tiles`: as many as the downscale holds.
TILE_BUDGET = 480 * 270
TILE_GRID = 4


class FrameContext:
    """Sampled frames (BGR, oldest first) plus lazily computed, shared derivatives.

    One context belongs to one diagnosis on one thread; it is not shared between threads.
    """

    def __init__(
        self,
        frames: Sequence[Image],
        offsets_s: Sequence[float] | None = None,
        reference: Image | None = None,
    ) -> None:
        self.frames: list[Image] = list(frames)
        # The camera's stored reference view (BGR, thumbnail size), for scene_change.
        self.reference = reference
        self.offsets_s: list[float] = (
            list(offsets_s) if offsets_s is not None else [0.0] * len(self.frames)
        )
        if len(self.offsets_s) != len(self.frames):
            raise ValueError("one offset per frame")

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def native_size(self) -> tuple[int, int]:
        """Width and height of the source frames (of the last one, if they differ)."""
        height, width = self.frames[-1].shape[:2]
        return width, height

    def last_preview(self) -> Image:
        """The newest frame at the smallest size already computed, for the thumbnail.

        :attr:`small` if a check made it (the usual case), else the native frame: computing
        the downscale of every frame only for a thumbnail would cost more than it saves.
        """
        if "small" in vars(self):
            return self.small[-1]
        return self.frames[-1]

    @cached_property
    def small(self) -> list[Image]:
        """Each frame downscaled to at most 480 px wide.

        An area average, so every source pixel counts and nothing aliases (exactly so for
        power-of-two factors such as 1080p → 480; see ``_downscale`` for the rest).
        """
        return [_downscale(frame, SMALL_WIDTH) for frame in self.frames]

    @cached_property
    def grey(self) -> list[Image]:
        """Grey versions of :attr:`small`."""
        return [_grey(image) for image in self.small]

    @cached_property
    def native_tiles(self) -> list[list[Image]]:
        """Per frame, a 4×4 grid of grey tiles at native resolution, each with a 1-px border.

        Sharpness-like measures lose their meaning on a downscale (blur shrinks with it);
        these tiles keep native pixels at the downscale's cost. The border makes 3×3 filters
        exact on each tile's interior: crop it with ``tile[1:-1, 1:-1]`` after filtering.
        """
        return [_tiles(frame) for frame in self.frames]

    @cached_property
    def native_mosaic(self) -> list[tuple[Image, Image]]:
        """Per frame, :attr:`native_tiles` stitched into one image, and the mask of their interiors.

        Filtering 16 small tiles costs 16 OpenCV calls per filter, and at this size the call
        overhead is most of the cost; one filter over the stitched image does the same work at
        once. Each tile keeps its 1-px border in the mosaic, so a 3×3 filter is exact on every
        pixel where the mask (uint8, 255 on each tile's interior, 0 elsewhere) is set; read
        results there only (``mask=`` of ``cv2.calcHist``/``cv2.mean``, or a ``bitwise_and``).
        """
        masks: dict[tuple[tuple[int, int], ...], Image] = {}
        mosaics = []
        for tiles in self.native_tiles:
            mosaic, key = _stitch(tiles)
            if key not in masks:
                masks[key] = _interior_mask(tiles, mosaic.shape)
            mosaics.append((mosaic, masks[key]))
        return mosaics

    @cached_property
    def grey_hist(self) -> list[NDArray[np.float32]]:
        """Per frame, the 256-bin histogram of :attr:`grey` (exact pixel counts, float32).

        For the level statistics several checks take of the same grey image — mean, median,
        percentiles, the share near one level (brightness, contrast, signal_loss) — at the cost
        of one pass instead of one per check (~0.03 ms against 0.1–0.3 ms per numpy pass).
        """
        return [
            cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel().astype(np.float32)
            for grey in self.grey
        ]

    @cached_property
    def gradients(self) -> list[tuple[NDArray[np.int16], NDArray[np.int16]]]:
        """Per frame, the 3×3 Sobel derivatives ``(gx, gy)`` of :attr:`grey` (int16, same size).

        The one set of gradients for the edge-based checks on the downscale (edge strength and
        direction, block edges, sharpness maps): int16 holds the Sobel range (±1020) exactly
        and is half the size of float32. Magnitude: ``cv2.magnitude`` after a float32 cast,
        or ``abs(gx) + abs(gy)`` with ``cv2.convertScaleAbs`` for a cheap L1 figure.
        """
        return [
            (
                np.asarray(cv2.Sobel(grey, cv2.CV_16S, 1, 0, ksize=3), np.int16),
                np.asarray(cv2.Sobel(grey, cv2.CV_16S, 0, 1, ksize=3), np.int16),
            )
            for grey in self.grey
        ]

    @cached_property
    def tile_laplacians(self) -> list[list[NDArray[np.int16]]]:
        """Per frame and tile of :attr:`native_tiles`, the 3×3 Laplacian of the tile interior.

        Native-resolution sharpness (clarity's Laplacian variance, local sharpness maps) from
        one filter pass shared by the checks that need it. int16 holds the range (±1020)
        exactly; the 1-px tile border is already cropped, so every value is exact.
        """
        laplacians = []
        for tiles, (mosaic, _) in zip(self.native_tiles, self.native_mosaic, strict=True):
            # One filter over the stitched tiles (exact on each interior), cut back into tiles.
            whole = np.asarray(cv2.Laplacian(mosaic, cv2.CV_16S), np.int16)
            _, columns, cell_h, cell_w = _grid(tiles)
            cut = []
            for i, tile in enumerate(tiles):
                h, w = tile.shape[:2]
                if h >= 3 and w >= 3:
                    y, x = (i // columns) * cell_h, (i % columns) * cell_w
                    cut.append(whole[y + 1 : y + h - 1, x + 1 : x + w - 1])
            laplacians.append(cut)
        return laplacians


def _downscale(image: Image, width: int) -> Image:
    """Area-average ``image`` down to ``width`` px wide, fast.

    OpenCV 5's INTER_AREA takes 3–6 ms per 1080p or 720p frame (its 4× and non-integer paths
    are not vectorised), most of the per-frame budget. Halving with INTER_LINEAR is the same
    2×2 box average and vectorised (1920 → 960 → 480: ~1.2 ms, within 1 grey level of
    INTER_AREA); a remaining factor below 2 (720p: 640 → 480) is bilinear, which at that
    factor still blends every source pixel into the result.
    """
    height, current = image.shape[:2]
    if current <= width:
        return image
    target = (width, max(1, round(height * width / current)))
    while image.shape[1] >= 2 * width and image.shape[0] >= 2 * target[1]:
        half = (image.shape[1] // 2, image.shape[0] // 2)
        image = np.asarray(cv2.resize(image, half, interpolation=cv2.INTER_LINEAR), np.uint8)
    if (image.shape[1], image.shape[0]) == target:
        return image
    return np.asarray(cv2.resize(image, target, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)


def _grey(image: Image) -> Image:
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def _tiles(frame: Image) -> list[Image]:
    height, width = frame.shape[:2]
    if width * height <= 2 * TILE_BUDGET:
        return [_grey(frame)]
    scale = math.sqrt(TILE_BUDGET / (TILE_GRID * TILE_GRID * width * height))
    tile_w, tile_h = max(8, int(width * scale)), max(8, int(height * scale))
    tiles = []
    for row in range(TILE_GRID):
        for col in range(TILE_GRID):
            cx = int((col + 0.5) * width / TILE_GRID)
            cy = int((row + 0.5) * height / TILE_GRID)
            x0, y0 = max(0, cx - tile_w // 2 - 1), max(0, cy - tile_h // 2 - 1)
            x1, y1 = min(width, x0 + tile_w + 2), min(height, y0 + tile_h + 2)
            tiles.append(_grey(frame[y0:y1, x0:x1]))
    return tiles


def _grid(tiles: Sequence[Image]) -> tuple[int, int, int, int]:
    """(rows, columns, cell height, cell width) of the mosaic that holds ``tiles``."""
    columns = TILE_GRID if len(tiles) == TILE_GRID * TILE_GRID else len(tiles)
    rows = math.ceil(len(tiles) / columns)
    return rows, columns, max(t.shape[0] for t in tiles), max(t.shape[1] for t in tiles)


def _stitch(tiles: Sequence[Image]) -> tuple[Image, tuple[tuple[int, int], ...]]:
    """The tiles in a row-major grid of equal cells (each tile at its cell's top left)."""
    key = tuple((t.shape[0], t.shape[1]) for t in tiles)
    if len(tiles) == 1:
        return tiles[0], key
    rows, columns, cell_h, cell_w = _grid(tiles)
    if all(shape == (cell_h, cell_w) for shape in key) and rows * columns == len(tiles):
        strips = [cv2.hconcat(list(tiles[r * columns : (r + 1) * columns])) for r in range(rows)]
        return np.asarray(cv2.vconcat(strips), np.uint8), key
    mosaic = np.zeros((rows * cell_h, columns * cell_w), np.uint8)
    for i, tile in enumerate(tiles):
        y, x = (i // columns) * cell_h, (i % columns) * cell_w
        mosaic[y : y + tile.shape[0], x : x + tile.shape[1]] = tile
    return mosaic, key


def _interior_mask(tiles: Sequence[Image], shape: tuple[int, ...]) -> Image:
    mask = np.zeros(shape[:2], np.uint8)
    _, columns, cell_h, cell_w = _grid(tiles)
    for i, tile in enumerate(tiles):
        h, w = tile.shape[:2]
        if h >= 3 and w >= 3:
            y, x = (i // columns) * cell_h, (i % columns) * cell_w
            mask[y + 1 : y + h - 1, x + 1 : x + w - 1] = 255
    return mask
