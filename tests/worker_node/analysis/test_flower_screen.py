"""flower_screen: macroblock-grid edges broken by decode corruption, beyond the off-grid rate."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis.checks.flower_screen import broken_share
from worker_node.analysis.registry import get_check

Image = np.ndarray
GREEN, MAGENTA = (0, 160, 0), (200, 40, 200)


def jpeg(frame: Image, quality: int = 50) -> Image:
    """``frame`` through JPEG at ``quality`` (chroma subsampled, 8×8 blocking)."""
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def corrupted(frame: Image, share: float, seed: int, kinds: tuple[str, ...] = ()) -> Image:
    """``frame`` with runs of 16×16 macroblocks decoded wrongly, ``share`` of them in all:
    smeared down from their top line, filled with green or magenta, or taken from elsewhere."""
    rng = np.random.default_rng(seed)
    kinds = kinds or ("smear", "garbage", "displaced")
    out = frame.copy()
    height, width = frame.shape[:2]
    rows, cols = height // 16, width // 16
    todo = int(share * rows * cols)
    while todo > 0:
        run = int(rng.integers(4, 16))
        y0, x0 = 16 * int(rng.integers(0, rows)), 16 * int(rng.integers(0, cols))
        x1 = min(width, x0 + 16 * run)
        kind = kinds[int(rng.integers(0, len(kinds)))]
        if kind == "smear":
            y1 = min(height, y0 + 16 * int(rng.integers(1, 4)))
            out[y0:y1, x0:x1] = out[y0 : y0 + 1, x0:x1]
        elif kind == "garbage":
            out[y0 : y0 + 16, x0:x1] = GREEN if rng.random() < 0.6 else MAGENTA
        else:
            source = int(np.clip(x0 + rng.integers(-48, 49), 0, width - (x1 - x0)))
            out[y0 : y0 + 16, x0:x1] = frame[y0 : y0 + 16, source : source + x1 - x0][::-1]
        todo -= run
    return out


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
@pytest.mark.parametrize("quality", [None, 50])
def test_healthy_scenes_are_normal(check: Evaluate, kind: str, quality: int | None) -> None:
    frames = scenes.healthy_kinds()[kind]
    if quality is not None:
        frames = [jpeg(f, quality) for f in frames]
    result = check("flower_screen", frames)
    assert (result.status, result.score) == ("normal", 100)
    assert result.value < 2
    assert result.message.startswith("no corruption")


def test_motion_and_shake_are_not_corruption(check: Evaluate) -> None:
    base = scenes.outdoor()
    frames = []
    for i in range(5):
        shift = np.float32([[1, 0, 3.0 * np.sin(i)], [0, 1, 2.0 * np.cos(i)]])
        frame = cv2.warpAffine(base, shift, (640, 360), borderMode=cv2.BORDER_REFLECT)
        cv2.ellipse(frame, (100 + 90 * i, 200), (26, 48), 0, 0, 360, (40, 200, 40), -1)
        frames.append(jpeg(frame))
    assert check("flower_screen", frames).status == "normal"


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "night", "static_noisy"])
@pytest.mark.parametrize("quality", [None, 50])
def test_corrupted_frames_are_flagged(check: Evaluate, kind: str, quality: int | None) -> None:
    frames = [corrupted(f, 0.3, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])]
    if quality is not None:
        frames = [jpeg(f, quality) for f in frames]
    result = check("flower_screen", frames)
    assert result.status != "normal"
    assert result.threshold == 3.5
    assert result.message.startswith("corrupted picture (flower screen)")


@pytest.mark.parametrize("kinds", [("smear",), ("garbage",), ("displaced",)])
def test_each_kind_of_corruption_breaks_block_edges(kinds: tuple[str, ...]) -> None:
    frame = scenes.with_noise(scenes.outdoor(480, 272, seed=3), 2.0, seed=1)
    clean = broken_share(frame, 272, 480)
    broken = broken_share(corrupted(frame, 0.5, seed=2, kinds=kinds), 272, 480)
    assert clean < 0.02
    assert broken > clean + 0.03


def test_macroblocks_are_found_at_native_resolution_in_1080p(check: Evaluate) -> None:
    frame = scenes.with_noise(scenes.scene(1920, 1080, seed=3), 2.0, seed=1)
    assert check("flower_screen", [jpeg(frame)]).status == "normal"
    result = check("flower_screen", [jpeg(corrupted(frame, 0.3, seed=4))])
    assert result.status in ("error", "critical")


def test_one_corrupted_frame_in_five_counts_in_proportion(check: Evaluate) -> None:
    frames = [jpeg(f) for f in scenes.static_noisy(5, sigma=2.0)]
    burst = [*frames[:4], jpeg(corrupted(frames[4], 0.6, seed=5))]
    every = [jpeg(corrupted(f, 0.6, seed=i)) for i, f in enumerate(frames)]
    one, all_five = check("flower_screen", burst).value, check("flower_screen", every).value
    assert 0 < one < all_five / 2
    assert check("flower_screen", burst).status != "normal"


def test_a_pixelated_picture_is_not_read_as_corruption(check: Evaluate) -> None:
    frames = []
    for f in scenes.healthy_kinds()["indoor"]:
        small = cv2.resize(f, (40, 22), interpolation=cv2.INTER_AREA)
        frames.append(jpeg(cv2.resize(small, (640, 360), interpolation=cv2.INTER_NEAREST)))
    assert check("flower_screen", frames).status == "normal"


def test_a_flat_or_tiny_picture_reads_zero(check: Evaluate) -> None:
    assert check("flower_screen", [np.full((360, 640, 3), 90, np.uint8)]).value == 0
    assert check("flower_screen", [np.full((12, 20, 3), 90, np.uint8)]).value == 0


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frames = [corrupted(f, 0.3, seed=i) for i, f in enumerate(scenes.healthy_kinds()["indoor"])]
    assert check("flower_screen", frames, {"good_share": 90, "max_share": 99}).status == "normal"


@pytest.mark.parametrize(
    "thresholds", [{"good_share": 5, "max_share": 3}, {"good_share": -1}, {"max_share": 101}]
)
def test_bad_thresholds_are_rejected(thresholds: dict[str, float]) -> None:
    spec = get_check("flower_screen")
    validate = spec.validate
    assert validate is not None
    with pytest.raises(ValueError, match="good_share"):
        validate({**spec.defaults, **thresholds})


def _colour_bars(shift: int, seed: int) -> Image:
    """A 640×360 colour-bar test card scrolling sideways: its band edge lies on row 240, a
    macroblock row, across the whole width."""
    colours = [(192, 192, 192), (0, 192, 192), (192, 192, 0), (0, 192, 0), (192, 0, 192),
               (0, 0, 192), (192, 0, 0)]  # fmt: skip
    frame = np.zeros((360, 640, 3), np.uint8)
    for i, colour in enumerate(colours):
        x0 = (i * 92 + shift) % 640
        frame[:240, x0 : x0 + 92] = colour
        frame[240:, x0 : x0 + 92] = colours[-1 - i]
    noise = np.random.default_rng(seed).normal(0, 2, frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)


def test_a_standing_edge_on_a_macroblock_row_is_not_corruption(check: Evaluate) -> None:
    frames = [jpeg(_colour_bars(8 * i, i), 80) for i in range(4)]
    assert check("flower_screen", frames[:1]).status != "normal"  # one frame cannot tell
    result = check("flower_screen", frames)
    assert result.status == "normal", result.message


def test_corruption_over_a_standing_edge_is_still_found(check: Evaluate) -> None:
    frames = [jpeg(corrupted(_colour_bars(8 * i, i), 0.2, seed=i), 80) for i in range(4)]
    assert check("flower_screen", frames).status != "normal"
