"""mosaic: share of the edge contrast on a regular block grid found from the picture (> 25 %)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis.checks.mosaic import edge_profiles, grid_fit
from worker_node.analysis.registry import get_check

Image = np.ndarray


def jpeg(frame: Image, quality: int = 50) -> Image:
    """``frame`` through JPEG at ``quality``: 8×8 blocking like any compressed stream's."""
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def pixelated(frame: Image, block: int) -> Image:
    """``frame`` averaged into ``block``-px blocks and blown up again (nearest neighbour)."""
    height, width = frame.shape[:2]
    small = cv2.resize(frame, (width // block, height // block), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_NEAREST)


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
@pytest.mark.parametrize("quality", [None, 50])
def test_healthy_scenes_are_normal(check: Evaluate, kind: str, quality: int | None) -> None:
    frames = scenes.healthy_kinds()[kind]
    if quality is not None:
        frames = [jpeg(f, quality) for f in frames]
    result = check("mosaic", frames)
    assert (result.status, result.score) == ("normal", 100)
    assert result.value < 12
    assert result.message.startswith("no mosaic")


@pytest.mark.parametrize("quality", [50, 30])
def test_compression_blocking_on_flat_pictures_is_not_mosaic(check: Evaluate, quality: int) -> None:
    # A smooth sky gradient and a plain wall: their only edges are JPEG's 8×8 block steps.
    ramp = np.tile(np.linspace(100, 200, 360, dtype=np.float32)[:, None], (1, 640))
    sky = scenes.with_noise(np.dstack([ramp * 1.1, ramp, ramp * 0.8]).clip(0, 255), 2.0, seed=1)
    wall = scenes.with_noise(np.full((360, 640, 3), 150, np.uint8), 2.0, seed=2)
    for frame in (sky, wall):
        assert check("mosaic", [jpeg(frame, quality)]).status == "normal"


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "night", "static_noisy"])
@pytest.mark.parametrize("block", [16, 24])
def test_pixelated_scenes_are_flagged(check: Evaluate, kind: str, block: int) -> None:
    frames = [jpeg(pixelated(f, block)) for f in scenes.healthy_kinds()[kind]]
    result = check("mosaic", frames)
    assert result.status != "normal"
    assert result.threshold == 25
    assert result.message.startswith("mosaic: picture broken into blocks of about")


def test_heavy_pixelation_is_critical_and_names_the_block_size(check: Evaluate) -> None:
    frames = [pixelated(f, 20) for f in scenes.healthy_kinds()["indoor"]]
    result = check("mosaic", frames)
    assert result.status == "critical"
    assert result.value > 75
    assert "about 20 px" in result.message


@pytest.mark.parametrize("block", [16, 32, 64])
def test_blocks_are_measured_in_native_pixels_at_1080p(check: Evaluate, block: int) -> None:
    frame = scenes.with_noise(scenes.scene(1920, 1080, seed=3), 2.0, seed=1)
    assert check("mosaic", [jpeg(frame)]).status == "normal"
    result = check("mosaic", [jpeg(pixelated(frame, block))])
    assert result.status != "normal"
    assert f"about {block} px" in result.message


def test_a_fractional_block_height_is_found() -> None:
    # 270 rows in 16 blocks: 16.875 px each, as a scaler makes them.
    frame = scenes.with_noise(scenes.scene(480, 270, seed=6), 2.0, seed=3)
    small = cv2.resize(frame, (30, 16), interpolation=cv2.INTER_AREA)
    blocky = cv2.resize(small, (480, 270), interpolation=cv2.INTER_NEAREST)
    cols, rows = edge_profiles([cv2.cvtColor(blocky, cv2.COLOR_BGR2GRAY)])
    across, down = grid_fit(cols), grid_fit(rows)
    assert across.period == pytest.approx(16, abs=0.1)
    assert down.period == pytest.approx(16.875, abs=0.2)  # 15 edges: 17 fits them as well
    assert min(across.share, down.share) > 0.7


def test_a_flat_or_tiny_picture_reads_zero(check: Evaluate) -> None:
    assert check("mosaic", [np.full((360, 640, 3), 128, np.uint8)]).value == 0
    assert check("mosaic", [np.full((20, 30, 3), 128, np.uint8)]).value == 0


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frames = [jpeg(pixelated(f, 16)) for f in scenes.healthy_kinds()["indoor"]]
    assert check("mosaic", frames, {"good_share": 90, "max_share": 99}).status == "normal"


@pytest.mark.parametrize(
    "thresholds", [{"good_share": 30, "max_share": 20}, {"good_share": -1}, {"max_share": 120}]
)
def test_bad_thresholds_are_rejected(thresholds: dict[str, float]) -> None:
    spec = get_check("mosaic")
    validate = spec.validate
    assert validate is not None
    with pytest.raises(ValueError, match="good_share"):
        validate({**spec.defaults, **thresholds})
