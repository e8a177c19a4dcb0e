"""The frames of one diagnosis, and everything derived from them that several checks share.

Derived images are computed once, on first use, and kept for the other checks. Work happens on
a downscale about 480 px wide (DESIGN §8: five basic metrics cost 2.2 ms there, 11 ms at 1080p);
measures whose meaning depends on native resolution use native-resolution tiles instead.
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

    @cached_property
    def small(self) -> list[Image]:
        """Each frame downscaled to at most 480 px wide (area average: no aliasing)."""
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


def _downscale(image: Image, width: int) -> Image:
    height, current = image.shape[:2]
    if current <= width:
        return image
    size = (width, max(1, round(height * width / current)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


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
