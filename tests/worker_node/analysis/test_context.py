"""FrameContext's shared derivatives: sizes, exact values, and each computed once."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from worker_node.analysis import context
from worker_node.analysis.context import FrameContext


@pytest.mark.parametrize(
    ("size", "small"),
    [((1920, 1080), (480, 270)), ((1280, 720), (480, 270)), ((3840, 2160), (480, 270)),
     ((704, 576), (480, 393)), ((480, 270), (480, 270)), ((320, 240), (320, 240))],
)  # fmt: skip
def test_small_is_at_most_480_wide_and_keeps_the_aspect(
    size: tuple[int, int], small: tuple[int, int]
) -> None:
    ctx = FrameContext([scenes.scene(*size)])
    assert ctx.small[0].shape == (small[1], small[0], 3)
    assert ctx.small[0].dtype == np.uint8
    assert ctx.grey[0].shape == (small[1], small[0])


def test_power_of_two_downscale_is_the_area_average() -> None:
    frame = scenes.with_noise(scenes.scene(1920, 1080, seed=4), 3.0, 2)
    area = cv2.resize(frame, (480, 270), interpolation=cv2.INTER_AREA).astype(np.int16)
    small = FrameContext([frame]).small[0].astype(np.int16)
    assert int(np.abs(small - area).max()) <= 1  # rounding only


def test_other_downscales_stay_close_to_the_area_average() -> None:
    frame = scenes.with_noise(scenes.scene(1280, 720, seed=4), 3.0, 2)
    area = cv2.resize(frame, (480, 270), interpolation=cv2.INTER_AREA).astype(np.int16)
    small = FrameContext([frame]).small[0].astype(np.int16)
    assert float(np.abs(small - area).mean()) < 2.0
    # Noise is averaged away as by an area average (grey σ 1.8 here), not aliased through as
    # by one bilinear step (3.5) or nearest-neighbour sampling (5.3).
    noisy = scenes.with_noise(np.full((720, 1280, 3), 128, np.uint8), 8.0, 3)
    assert float(FrameContext([noisy]).grey[0].std()) < 2.5


def test_small_keeps_a_frame_already_small_as_is() -> None:
    frame = scenes.scene(480, 270)
    assert FrameContext([frame]).small[0] is frame


def test_grey_hist_counts_every_pixel_of_grey() -> None:
    ctx = FrameContext(scenes.moving(3, 1920, 1080))
    assert len(ctx.grey_hist) == 3
    for grey, hist in zip(ctx.grey, ctx.grey_hist, strict=True):
        assert hist.shape == (256,)
        assert np.array_equal(hist, np.bincount(grey.ravel(), minlength=256))


def test_gradients_are_the_sobel_derivatives_of_grey() -> None:
    ramp = np.tile(np.arange(0, 240, 2, dtype=np.uint8), (60, 1))  # rises left to right
    ctx = FrameContext([cv2.cvtColor(ramp, cv2.COLOR_GRAY2BGR)])
    [(gx, gy)] = ctx.gradients
    assert gx.shape == gy.shape == ctx.grey[0].shape
    assert gx.dtype == gy.dtype == np.int16
    assert np.all(gx[1:-1, 1:-1] == 8 * 2)  # Sobel gain 8 × 2 levels per pixel
    assert not gy.any()


def test_tile_laplacians_are_exact_on_the_tile_interiors() -> None:
    frame = scenes.with_noise(scenes.scene(1920, 1080, seed=5), 2.0, 4)
    ctx = FrameContext([frame])
    [laplacians] = ctx.tile_laplacians
    [tiles] = ctx.native_tiles
    assert len(laplacians) == len(tiles) == 16
    for tile, laplacian in zip(tiles, laplacians, strict=True):
        assert laplacian.dtype == np.int16
        assert laplacian.shape == (tile.shape[0] - 2, tile.shape[1] - 2)
        exact = cv2.Laplacian(tile.astype(np.float32), cv2.CV_32F)[1:-1, 1:-1]
        assert np.array_equal(laplacian, exact.astype(np.int16))


def test_each_derivative_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"downscale": 0, "tiles": 0}
    downscale, tiles = context._downscale, context._tiles

    def counting_downscale(image: np.ndarray, width: int) -> np.ndarray:
        calls["downscale"] += 1
        return downscale(image, width)

    def counting_tiles(frame: np.ndarray) -> list[np.ndarray]:
        calls["tiles"] += 1
        return tiles(frame)

    monkeypatch.setattr(context, "_downscale", counting_downscale)
    monkeypatch.setattr(context, "_tiles", counting_tiles)
    ctx = FrameContext(scenes.moving(4, 1280, 720))
    for name in ("small", "grey", "native_tiles", "grey_hist", "gradients", "tile_laplacians"):
        first = getattr(ctx, name)
        assert getattr(ctx, name) is first
        assert len(first) == 4
    assert calls == {"downscale": 4, "tiles": 4}


def test_the_preview_is_the_downscale_only_once_it_exists() -> None:
    frames = scenes.moving(3, 1920, 1080)
    ctx = FrameContext(frames)
    assert ctx.last_preview() is frames[-1]  # no downscale made just for a thumbnail
    assert "small" not in vars(ctx)
    ctx.grey  # noqa: B018  (a check reads the grey downscale)
    assert ctx.last_preview() is ctx.small[-1]


def test_native_mosaic_filters_exactly_on_each_tile_interior() -> None:
    """A 3×3 filter on the stitched tiles equals the per-tile filter wherever the mask is set."""
    for width, height in ((1920, 1080), (1917, 1081), (640, 480)):
        ctx = FrameContext(scenes.moving(2, width, height))
        for tiles, (mosaic, interior) in zip(ctx.native_tiles, ctx.native_mosaic, strict=True):
            assert mosaic.shape == interior.shape
            assert cv2.countNonZero(interior) == sum(
                (t.shape[0] - 2) * (t.shape[1] - 2) for t in tiles
            )
            whole = cv2.Laplacian(mosaic, cv2.CV_16S)
            cut = whole[interior > 0]
            each = np.concatenate([cv2.Laplacian(t, cv2.CV_16S)[1:-1, 1:-1].ravel() for t in tiles])
            assert sorted(cut.tolist()) == sorted(each.tolist())
        for laps, tiles in zip(ctx.tile_laplacians, ctx.native_tiles, strict=True):
            for lap, tile in zip(laps, tiles, strict=True):
                assert np.array_equal(lap, cv2.Laplacian(tile, cv2.CV_16S)[1:-1, 1:-1])
