"""lens_dirty: share of the view whose fine detail, present in the stored reference view, is now
lost to haze while the rest of the picture still matches the reference."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import stored_reference as thumbnail
from worker_node.analysis import FrameContext, plan_checks, run_checks
from worker_node.analysis.checks.lens_dirty import blockiness
from worker_node.protocol.messages import CheckResult

Image = np.ndarray


def other_moment(image: Image, gain: float, seed: int, shift: int = 1) -> Image:
    """The same view at another moment: other exposure, fresh sensor noise, a pixel of jitter."""
    moved = np.roll(image, shift, axis=1).astype(np.float32) * gain
    return scenes.with_noise(np.clip(moved, 0, 255).astype(np.uint8), 2.0, seed)


def clean_views() -> dict[str, tuple[list[Image], Image]]:
    """Healthy cameras of several kinds: (frames, the clean scene the reference is taken of)."""
    kinds = scenes.healthy_kinds()
    night = scenes.night(seed=2)
    return {
        "indoor": (list(kinds["indoor"]), scenes.scene()),
        "outdoor": (list(kinds["outdoor"]), scenes.outdoor()),
        "night": (list(kinds["night"]), night),
        "static_noisy": (list(kinds["static_noisy"]), scenes.scene()),
        "hd_indoor": (list(kinds["hd_indoor"]), scenes.scene(1280, 720, seed=5)),
    }


def run(
    frames: Sequence[Image],
    reference: Image | None,
    thresholds: Mapping[str, float] | None = None,
) -> CheckResult:
    plan = plan_checks(["lens_dirty"], {"lens_dirty": dict(thresholds)} if thresholds else None)
    [result] = run_checks(plan, FrameContext(frames, None, reference))
    assert result.type == "lens_dirty"
    return result


def smudged(frames: Sequence[Image], count: int, seed: int) -> list[Image]:
    """``frames`` seen through a dirty lens: ``count`` soft blobs (radius 35–70 px at 480 px
    wide) where the picture is smeared (σ 10 px) and tinted brown, the same in every frame."""
    height, width = frames[0].shape[:2]
    scale = width / 480
    rng = np.random.default_rng(seed)
    mask = np.zeros((height, width), np.float32)
    for _ in range(count):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.integers(35, 70) * scale), int(rng.integers(35, 70) * scale))
        cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    mask = np.clip(cv2.GaussianBlur(mask, (0, 0), 9 * scale) * 1.2, 0, 1)[..., None]
    tint = np.array((60, 80, 100), np.float32)
    out = []
    for frame in frames:
        view = frame.astype(np.float32)
        smear = cv2.GaussianBlur(view, (0, 0), 10 * scale) * 0.75 + tint * 0.25
        out.append((view * (1 - mask) + smear * mask).astype(np.uint8))
    return out


def brick_wall(width: int = 640, height: int = 360) -> Image:
    """A fine, even texture: small bricks with light mortar, no broad structure at all."""
    image = np.full((height, width, 3), (90, 95, 120), np.uint8)
    for row, y in enumerate(range(0, height, 9)):
        cv2.line(image, (0, y), (width, y), (200, 200, 200), 1)
        for x in range((row % 2) * 10, width, 20):
            cv2.line(image, (x, y), (x, y + 9), (200, 200, 200), 1)
    return image


@pytest.mark.parametrize("kind", list(clean_views()))
@pytest.mark.parametrize("gain", [0.87, 1.13])
def test_healthy_scenes_match_their_reference(kind: str, gain: float) -> None:
    frames, view = clean_views()[kind]
    result = run(frames, thumbnail(other_moment(view, gain, seed=31)))
    assert (result.status, result.score, result.code) == ("normal", 100, "clean")
    assert result.message.startswith("lens clean")


def test_more_sensor_noise_than_in_the_reference_is_no_dirt() -> None:
    noisy = [scenes.with_noise(scenes.scene(), 6.0, seed=60 + i) for i in range(3)]
    result = run(noisy, thumbnail(other_moment(scenes.scene(), 1.0, seed=61)))
    assert (result.status, result.code) == ("normal", "clean")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy", "hd_indoor"])
@pytest.mark.parametrize("count", [6, 9])
def test_smudges_are_found(kind: str, count: int) -> None:
    frames, view = clean_views()[kind]
    result = run(smudged(frames, count, seed=count), thumbnail(other_moment(view, 1.1, seed=32)))
    assert result.status in ("warning", "error", "critical")
    assert result.value is not None and result.value > 2.5
    assert result.message.startswith("dirty lens")


def test_a_smudge_over_a_fine_even_texture_is_found() -> None:
    """A blurred brick wall looks like a plain wall in one picture; the reference tells."""
    wall = brick_wall()
    frames = [scenes.with_noise(wall, 2.0, seed=70 + i) for i in range(3)]
    result = run(smudged(frames, 6, seed=6), thumbnail(other_moment(wall, 0.9, seed=71)))
    assert result.code == "dirty"
    clean = run(frames, thumbnail(other_moment(wall, 0.9, seed=71)))
    assert (clean.code, clean.score) == ("clean", 100)


def test_more_dirt_scores_worse() -> None:
    frames, view = clean_views()["indoor"]
    reference = thumbnail(other_moment(view, 1.0, seed=33))
    light = run(smudged(frames, 6, seed=6), reference)
    heavy = run(smudged(frames, 9, seed=9), reference)
    assert light.value is not None and heavy.value is not None
    assert heavy.value > light.value
    assert heavy.score < light.score


def test_a_picture_soft_all_over_is_out_of_focus_not_dirty() -> None:
    frames, view = clean_views()["indoor"]
    blurred = [scenes.blurred(f, 4.5) for f in frames]
    result = run(blurred, thumbnail(other_moment(view, 1.0, seed=34)))
    assert (result.status, result.code, result.value) == ("normal", "other_cause", 0)


def test_a_hand_over_the_lens_is_not_dirt() -> None:
    """Opaque and featureless: the broad picture is replaced, not softened (occlusion's)."""
    frames, view = clean_views()["static_noisy"]
    height, width = frames[0].shape[:2]
    mask = np.zeros((height, width), np.float32)
    cv2.ellipse(mask, (0, height), (width // 2, height * 3 // 4), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 12)[..., None]
    hand = np.full((height, width, 3), (45, 60, 95), np.float32)
    covered = [(f * (1 - mask) + hand * mask).astype(np.uint8) for f in frames]
    result = run(covered, thumbnail(other_moment(view, 1.0, seed=35)))
    assert result.status == "normal"
    assert result.code in ("clean", "other_cause")


def test_a_turned_camera_is_not_dirt() -> None:
    frames, view = clean_views()["indoor"]
    turned = [np.roll(f, f.shape[1] * 3 // 10, axis=1) for f in smudged(frames, 6, seed=6)]
    result = run(turned, thumbnail(other_moment(view, 1.0, seed=36)))
    assert (result.status, result.code, result.value) == ("normal", "other_cause", 0)


def test_a_passer_by_is_not_dirt() -> None:
    """A large plain object hides a different part of the view in each frame."""
    frames, view = clean_views()["static_noisy"]
    height, width = frames[0].shape[:2]
    passing = []
    for i, frame in enumerate(frames):
        frame = frame.copy()
        centre = (width // 5 + i * width // 3, height // 2)
        cv2.ellipse(frame, centre, (width // 10, height // 3), 0, 0, 360, (80, 90, 100), -1)
        passing.append(frame)
    result = run(passing, thumbnail(other_moment(view, 1.0, seed=37)))
    assert (result.status, result.score) == ("normal", 100)


def test_a_mosaic_is_not_dirt() -> None:
    frames, view = clean_views()["outdoor"]
    height, width = frames[0].shape[:2]
    blocks = [
        cv2.resize(
            cv2.resize(f, (width // 16, height // 16), interpolation=cv2.INTER_AREA),
            (width, height),
            interpolation=cv2.INTER_NEAREST,
        )
        for f in frames
    ]
    grey = cv2.cvtColor(blocks[0], cv2.COLOR_BGR2GRAY)
    assert blockiness(cv2.resize(grey, (480, 270), interpolation=cv2.INTER_AREA)) > 4
    result = run(blocks, thumbnail(other_moment(view, 1.0, seed=38)))
    assert result.status == "normal"


def test_a_camera_picture_has_no_block_grid() -> None:
    for frames, _ in clean_views().values():
        grey = cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY)
        width = min(480, grey.shape[1])
        small = cv2.resize(grey, (width, width * grey.shape[0] // grey.shape[1]))
        assert blockiness(small) < 2.5


def test_without_a_reference_it_is_normal_and_says_so() -> None:
    frames, _ = clean_views()["indoor"]
    for shown in (frames, smudged(frames, 9, seed=9)):
        result = run(shown, None)
        assert (result.status, result.code, result.value) == ("normal", "no_reference", None)
        assert "no reference view is stored" in result.message


def test_task_thresholds_override_the_defaults() -> None:
    frames, view = clean_views()["indoor"]
    dirty = smudged(frames, 6, seed=6)
    relaxed = {"good_percent": 40, "max_percent": 60}
    assert run(dirty, thumbnail(other_moment(view, 1.0, seed=39)), relaxed).status == "normal"


@pytest.mark.parametrize(
    "bad",
    [{"good_percent": 5, "max_percent": 4}, {"max_percent": 120}, {"good_percent": 0}],
)
def test_inconsistent_thresholds_are_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="lens_dirty"):
        plan_checks(["lens_dirty"], {"lens_dirty": bad})
