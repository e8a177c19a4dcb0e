"""scene_change: a different view (turned, moved, rebuilt) fires; a degraded picture of the same
view (over-exposed, fogged, striped, snowy, corrupt blocks, shaking) does not."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import stored_reference as _thumbnail
from worker_node.analysis import FrameContext, plan_checks, run_checks
from worker_node.analysis.checks.scene_change import consensus
from worker_node.protocol.messages import CheckResult

Image = np.ndarray


def _run(frames: Sequence[Image], reference: Image | None) -> CheckResult:
    [result] = run_checks(plan_checks(["scene_change"]), FrameContext(frames, None, reference))
    return result


def _shifted(image: Image, dx: float, angle: float = 0.0, dy: float = 0.0) -> Image:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    matrix[0, 2] += dx
    matrix[1, 2] += dy
    return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)


def _live(base: Image, count: int = 5, sigma: float = 2.0) -> list[Image]:
    return [scenes.with_noise(base, sigma, seed=10 + i) for i in range(count)]


def bricks(width: int = 640, height: int = 360, seed: int = 3) -> Image:
    """A periodic brick wall (the hard case: a turned view lines up with itself elsewhere)."""
    rng = np.random.default_rng(seed)
    wall = np.full((height, width, 3), 200, np.float32)  # mortar
    brick_w, brick_h = 64, 24
    for row, y in enumerate(range(0, height, brick_h)):
        offset = (brick_w // 2) * (row % 2) + int(rng.integers(-4, 5))
        for x in range(-brick_w + offset, width, brick_w):
            shade = rng.uniform(0.7, 1.1)
            colour = (60 * shade, 80 * shade, 150 * shade)
            x0, x1 = x + int(rng.integers(2, 5)), x + brick_w - int(rng.integers(2, 5))
            cv2.rectangle(wall, (x0, y + 3), (x1, y + brick_h - 3), colour, -1)
    light = np.linspace(0.8, 1.15, width, dtype=np.float32)[None, :, None]
    return np.clip(wall * light, 0, 255).astype(np.uint8)


BASES = {
    "indoor": scenes.scene(),
    "outdoor": scenes.outdoor(),
    "night": scenes.night(),
    "bricks": bricks(),
}


# --- faults of picture quality: the camera still looks at its reference view ----------------


def _over_exposed(image: Image, i: int) -> Image:
    """Lifted towards white: the picture keeps a tenth of its contrast."""
    lifted = 255.0 - (255.0 - image.astype(np.float32)) * 0.1
    return scenes.with_noise(np.clip(lifted, 0, 255).astype(np.uint8), 2.0, seed=i)


def _fogged(image: Image, i: int) -> Image:
    """Fog: 18 % of the contrast left over a bright veil."""
    veiled = image.astype(np.float32) * 0.18 + 160.0 * 0.82
    return scenes.with_noise(veiled.astype(np.uint8), 2.0, seed=i)


def _striped(image: Image, i: int) -> Image:
    """Interference: strong diagonal stripes rolling through the picture."""
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    wave = 38.0 * np.sin((ys + 0.5 * xs) * (2 * np.pi / 20.0) + 2.5 * i)[..., None]
    return scenes.with_noise(np.clip(image + wave, 0, 255).astype(np.uint8), 2.0, seed=i)


def _snowy(image: Image, i: int) -> Image:
    """Snow and heavy noise: 8 % of the pixels white or black, grain of sigma 20."""
    rng = np.random.default_rng(50 + i)
    frame = scenes.with_noise(image, 20.0, seed=i)
    hit = rng.random(image.shape[:2]) < 0.08
    frame[hit] = np.where(rng.random(int(hit.sum())) < 0.6, 255, 0).astype(np.uint8)[:, None]
    return frame


def _corrupt_blocks(image: Image, i: int) -> Image:
    """Decoder errors: runs of 16-px blocks smeared or filled with garbage colour (35 %)."""
    rng = np.random.default_rng(70 + i)
    frame = scenes.with_noise(image, 2.0, seed=i)
    height, width = frame.shape[:2]
    cols, rows = width // 16, height // 16
    todo = int(0.35 * cols * rows)
    while todo > 0:
        run = int(rng.integers(4, 24))
        r, c = int(rng.integers(0, rows)), int(rng.integers(0, cols))
        x0, y0, x1 = c * 16, r * 16, min(width, (c + run) * 16)
        if rng.random() < 0.5:
            frame[y0 : y0 + 48, x0:x1] = frame[y0 : y0 + 1, x0:x1]
        else:
            frame[y0 : y0 + 16, x0:x1] = (0, 160, 0)
        todo -= run
    return frame


def _shaking(image: Image, i: int) -> Image:
    """A shaking mount: each frame displaced by up to 4 % of the width and tilted 2°."""
    offsets = [(-20, 8, 1.5), (18, -10, -2.0), (-8, -12, 0.5), (22, 6, 2.0), (4, 12, -1.0)]
    dx, dy, angle = offsets[i % len(offsets)]
    return scenes.with_noise(_shifted(image, dx, angle, dy), 2.0, seed=i)


DEGRADED: dict[str, Callable[[Image, int], Image]] = {
    "over_exposed": _over_exposed,
    "fogged": _fogged,
    "striped": _striped,
    "snowy": _snowy,
    "corrupt_blocks": _corrupt_blocks,
    "shaking": _shaking,
}


def test_without_a_reference_it_is_normal_and_says_so() -> None:
    result = _run(_live(BASES["indoor"]), None)
    assert (result.status, result.code, result.value) == ("normal", "no_reference", None)
    assert "no reference view is stored" in result.message


@pytest.mark.parametrize("kind", list(BASES))
def test_the_same_scene_matches(kind: str) -> None:
    result = _run(_live(BASES[kind]), _thumbnail(scenes.with_noise(BASES[kind], 2.0, seed=1)))
    assert (result.status, result.code) == ("normal", "matches")
    assert result.value > 80


@pytest.mark.parametrize("kind", list(BASES))
@pytest.mark.parametrize("fault", list(DEGRADED))
def test_a_degraded_picture_of_the_same_view_does_not_count(kind: str, fault: str) -> None:
    base = BASES[kind]
    frames = [DEGRADED[fault](base, i) for i in range(5)]
    result = _run(frames, _thumbnail(base))
    assert (result.status, result.code) == ("normal", "matches"), result.message
    assert result.value > 60, result.message  # clear of the limit (50)


@pytest.mark.parametrize("kind", ["indoor", "outdoor"])
@pytest.mark.parametrize("gain", [0.35, 1.6])
def test_exposure_noise_and_jitter_do_not_count(kind: str, gain: float) -> None:
    base = BASES[kind]
    exposed = np.clip(base.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    frames = [scenes.with_noise(_shifted(exposed, 2.0 * i), 6.0, seed=i) for i in range(3)]
    result = _run(frames, _thumbnail(base))
    assert result.status == "normal", result.message


def test_a_person_walking_through_does_not_count() -> None:
    frames = scenes.moving(5)
    result = _run(frames, _thumbnail(scenes.scene()))
    assert result.status == "normal", result.message


@pytest.mark.parametrize("kind", list(BASES))
@pytest.mark.parametrize("turn", [0.2, 0.45])
def test_a_turned_camera_fires_and_says_where_it_looks(kind: str, turn: float) -> None:
    base = BASES[kind]
    width = base.shape[1]
    frames = _live(_shifted(base, -turn * width))  # the view moved: it looks further right
    result = _run(frames, _thumbnail(base))
    assert result.status != "normal", result.message
    assert result.code == "turned", result.message
    assert abs(result.facts["dx"] - 100 * turn) < 5, result.message
    assert abs(result.facts["dy"]) < 5, result.message


def test_a_camera_knocked_down_fires() -> None:
    base = BASES["outdoor"]
    height = base.shape[0]
    result = _run(_live(_shifted(base, 0.0, dy=0.3 * height)), _thumbnail(base))
    assert result.code == "turned", result.message
    assert result.facts["dy"] < -20  # the view moved down: the camera looks higher


def test_a_rotated_view_fires() -> None:
    base = BASES["indoor"]
    result = _run(_live(_shifted(base, 0.0, angle=25.0)), _thumbnail(base))
    assert result.status != "normal", result.message


@pytest.mark.parametrize(("seen", "stored"), [("outdoor", "indoor"), ("bricks", "night")])
def test_a_different_scene_fires(seen: str, stored: str) -> None:
    result = _run(_live(BASES[seen]), _thumbnail(BASES[stored]))
    assert result.status != "normal", result.message
    assert result.value < 50


def test_a_blank_picture_matches_nothing() -> None:
    flat = np.full((360, 640, 3), 128, np.uint8)
    result = _run([flat] * 3, _thumbnail(BASES["indoor"]))
    assert result.value == 0.0
    assert result.code == "changed"


def test_the_consensus_is_the_per_pixel_median() -> None:
    rng = np.random.default_rng(0)
    for count in (1, 2, 5, 6):
        frames = [rng.normal(0, 1, (7, 9)).astype(np.float32) for _ in range(count)]
        np.testing.assert_allclose(consensus(frames), np.median(np.stack(frames), axis=0))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"min_similarity": 80}, "min_similarity < good_similarity"),
        ({"max_gain": 0}, "0 < max_gain"),
    ],
)
def test_bad_thresholds_are_refused(override: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_checks(["scene_change"], {"scene_change": override})
