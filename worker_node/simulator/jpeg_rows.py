"""Replace the top rows of an encoded JPEG without re-encoding the rest.

A camera's clock changes once a second while the rest of its picture comes from a pre-encoded
loop. Encoding with a restart marker after every row of MCUs (16 pixel rows at 4:2:0) makes each
row an independent piece of entropy-coded data, so a freshly encoded clock band can take the place
of the first rows of any cached frame: the result is byte for byte what encoding the combined
picture would give, at the cost of one small encode per second instead of one large encode per
frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

MCU_ROWS = 16  # pixel rows per MCU row with 4:2:0 chroma subsampling
_RESTART_MARKER = re.compile(rb"\xff[\xd0-\xd7]")
_SOS = 0xDA


def encode(image: npt.NDArray[np.uint8], quality: int) -> bytes:
    """Baseline 4:2:0 JPEG with a restart marker after every MCU row, so rows can be swapped."""
    mcus_per_row = -(-image.shape[1] // 16)
    params = [
        cv2.IMWRITE_JPEG_QUALITY,
        quality,
        cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
        cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420,
        cv2.IMWRITE_JPEG_RST_INTERVAL,
        mcus_per_row,
    ]
    ok, buffer = cv2.imencode(".jpg", image, params)
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buffer.tobytes()


def scan_start(jpeg: bytes) -> int:
    """Offset of the first entropy-coded byte (just after the start-of-scan header)."""
    pos = 2  # after SOI
    while pos + 4 <= len(jpeg):
        if jpeg[pos] != 0xFF:
            raise ValueError(f"not a JPEG marker at offset {pos}")
        marker = jpeg[pos + 1]
        length = int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
        if marker == _SOS:
            return pos + 2 + length
        pos += 2 + length
    raise ValueError("JPEG has no start-of-scan")


@dataclass(frozen=True)
class RowSplicer:
    """A cached frame, indexed so its first ``band_rows`` pixel rows can be replaced cheaply."""

    head: bytes  # SOI up to and including the scan header: the frame's size and tables
    tail: bytes  # from the restart marker that ends the band to EOI

    @classmethod
    def of(cls, jpeg: bytes, band_rows: int) -> RowSplicer:
        """Index ``jpeg`` (made by :func:`encode`) for a band of ``band_rows`` (whole MCU rows)."""
        if band_rows <= 0 or band_rows % MCU_ROWS:
            raise ValueError(f"band of {band_rows} rows is not a whole number of MCU rows")
        start = scan_start(jpeg)
        markers = [m.start() for m in _RESTART_MARKER.finditer(jpeg, start)]
        index = band_rows // MCU_ROWS - 1
        if index >= len(markers):
            raise ValueError("the band covers the whole picture")
        return cls(jpeg[:start], jpeg[markers[index] :])

    def with_band(self, band_jpeg: bytes) -> bytes:
        """The frame with its band replaced by ``band_jpeg``: same width and quality, band high."""
        return self.head + band_jpeg[scan_start(band_jpeg) : -2] + self.tail
