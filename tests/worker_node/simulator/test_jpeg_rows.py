"""Swapping a JPEG's top rows: the result is exactly the JPEG of the combined picture."""

from __future__ import annotations

import numpy as np
import pytest

from worker_node.simulator.jpeg_rows import RowSplicer, encode


@pytest.mark.parametrize(
    ("width", "height", "band"), [(1280, 720, 64), (640, 360, 32), (322, 90, 16)]
)
def test_spliced_band_equals_encoding_the_combined_picture(
    width: int, height: int, band: int
) -> None:
    rng = np.random.default_rng(width)
    picture = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    top = rng.integers(0, 256, (band, width, 3), dtype=np.uint8)
    combined = picture.copy()
    combined[:band] = top
    spliced = RowSplicer.of(encode(picture, 80), band).with_band(encode(top, 80))
    assert spliced == encode(combined, 80)


def test_band_must_be_whole_mcu_rows_inside_the_picture() -> None:
    jpeg = encode(np.zeros((64, 64, 3), np.uint8), 80)
    with pytest.raises(ValueError, match="MCU rows"):
        RowSplicer.of(jpeg, 24)
    with pytest.raises(ValueError, match="whole picture"):
        RowSplicer.of(jpeg, 64)
