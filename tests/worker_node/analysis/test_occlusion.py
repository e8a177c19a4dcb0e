"""occlusion: a new featureless patch over the reference view's detail (limit 10 % of the view);
without a reference, a dull featureless region from the border (limit 40 %)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate, stored_reference
from worker_node.analysis import FrameContext, plan_checks, run_checks
from worker_node.protocol.messages import CheckResult

SKIN, GLOVE = (45, 60, 95), (25, 25, 30)


def judge(
    frames: Sequence[np.ndarray],
    reference: np.ndarray | None,
    thresholds: Mapping[str, float] | None = None,
) -> CheckResult:
    """Run the check as a worker does: the reference arrives as the console's JPEG thumbnail."""
    stored = None if reference is None else stored_reference(reference)
    plan = plan_checks(["occlusion"], {"occlusion": dict(thresholds)} if thresholds else None)
    [result] = run_checks(plan, FrameContext(frames, None, stored))
    return result


def stored_view(image: np.ndarray, gain: float = 1.1, seed: int = 99) -> np.ndarray:
    """The reference: the same view at another moment, other light and its own sensor noise."""
    lit = np.clip(image.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    return scenes.with_noise(lit, 2.0, seed)


def _hand(image: np.ndarray, share: float, colour: tuple, corner: int, seed: int) -> np.ndarray:
    """A soft-edged hand or glove over a corner, shaded 0.6-1.3 across, with sensor noise:
    neither as dark nor as flat as a black cut-out."""
    height, width = image.shape[:2]
    mask = np.zeros((height, width), np.float32)
    radius = np.sqrt(share * width * height * 4 / np.pi)
    centre = (0 if corner in (0, 2) else width, 0 if corner in (0, 1) else height)
    cv2.ellipse(mask, centre, (int(radius * 1.1), int(radius * 0.9)), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 12)[..., None]
    shade = np.linspace(0.6, 1.3, width, dtype=np.float32)[None, :, None]
    hand = np.full((height, width, 3), colour, np.float32) * shade
    mixed = image.astype(np.float32) * (1 - mask) + hand * mask
    return scenes.with_noise(np.clip(mixed, 0, 255).astype(np.uint8), 2.5, seed)


def _views() -> dict[str, tuple[list[np.ndarray], np.ndarray]]:
    """Healthy cameras (frames, reference) of several kinds; exposure differs by -12 to +12 %."""
    kinds = scenes.healthy_kinds()
    return {
        "indoor": (kinds["indoor"], stored_view(scenes.moving(5)[4], 1.12)),
        "outdoor": (kinds["outdoor"], stored_view(scenes.outdoor(), 0.88)),
        "night": (kinds["night"], stored_view(scenes.night(seed=2), 1.1, seed=7)),
        "static_noisy": (kinds["static_noisy"], stored_view(scenes.scene(), 0.9)),
        "hd_indoor": (kinds["hd_indoor"], stored_view(scenes.scene(1280, 720, seed=5), 1.05)),
    }


@pytest.mark.parametrize("kind", list(_views()))
def test_healthy_views_match_their_reference(kind: str) -> None:
    frames, reference = _views()[kind]
    result = judge(frames, reference)
    assert (result.status, result.score, result.code) == ("normal", 100, "clear")
    assert result.value is not None and result.value <= 2
    assert result.threshold == 10
    assert result.message.startswith("view clear")


def _backdrop(image: np.ndarray) -> np.ndarray:
    """A plain dark backdrop (a curtain, a dark wall) filling the lower left of the view."""
    out = image.copy()
    height, width = out.shape[:2]
    axes = (int(width * 0.6), int(height * 0.9))
    cv2.ellipse(out, (0, height), axes, 0, 0, 360, (38, 40, 46), -1)
    return out


def test_a_plain_dark_area_that_is_in_the_reference_too_is_not_an_occlusion() -> None:
    frames = [scenes.with_noise(_backdrop(f), 2.0, i) for i, f in enumerate(scenes.moving(3))]
    reference = stored_view(_backdrop(scenes.moving(5)[4]), 0.9)
    result = judge(frames, reference)
    assert result.status == "normal" and result.value is not None and result.value <= 2
    # a single picture cannot tell: the same frames read as a large blank region without one
    assert judge(frames, None).value > 18


@pytest.mark.parametrize("corner", [0, 1, 2, 3])
@pytest.mark.parametrize("colour", [SKIN, GLOVE])
def test_a_hand_over_a_corner_is_found(corner: int, colour: tuple) -> None:
    frames = [_hand(f, 0.3, colour, corner, i) for i, f in enumerate(scenes.moving(3))]
    result = judge(frames, stored_view(scenes.moving(5)[4]))
    assert result.status in ("warning", "error"), result.value
    assert result.value is not None and 15 < result.value < 40
    assert result.code == "blocked" and result.message.startswith("view blocked")


@pytest.mark.parametrize("kind", ["outdoor", "night", "hd_indoor"])
def test_half_the_view_blocked_is_critical(kind: str) -> None:
    frames, reference = _views()[kind]
    colour = SKIN if kind == "night" else GLOVE  # a hand is the brightest thing in a night view
    blocked = [_hand(f, 0.55, colour, 3, i) for i, f in enumerate(frames)]
    result = judge(blocked, reference)
    assert result.status == "critical", result.value


def test_a_cloth_no_darker_than_the_scene_is_found() -> None:
    # a blue tarpaulin as bright as the scene: what counts is the detail and colour it hides
    frames = [_hand(f, 0.4, (150, 110, 60), 1, i) for i, f in enumerate(scenes.moving(3))]
    assert judge(frames, stored_view(scenes.moving(5)[4])).status != "normal"


def test_a_passer_by_in_one_frame_is_not_an_occlusion() -> None:
    frames = list(scenes.moving(3))
    frames[1] = _hand(frames[1], 0.5, GLOVE, 2, 5)  # someone walking past close to the camera
    assert judge(frames, stored_view(scenes.moving(5)[4])).status == "normal"


def test_a_turned_camera_is_left_to_scene_change() -> None:
    wide = scenes.scene(960, 360, seed=3)
    frames = [scenes.with_noise(wide[:, 300:940], 1.5, i) for i in range(3)]
    result = judge(frames, stored_view(wide[:, :640]))
    assert (result.status, result.code) == ("normal", "unmatched")
    assert result.value is None


@pytest.mark.parametrize(
    "fault",
    [
        lambda f: scenes.blurred(f, 5.0),  # focus_blur's
        lambda f: scenes.dark(f, 0.1),  # brightness's
        lambda f: np.clip(f * 0.2 + 150, 0, 255).astype(np.uint8),  # fog: contrast's
    ],
    ids=["defocus", "dark", "fog"],
)
def test_a_picture_degraded_all_over_is_not_an_occlusion(fault) -> None:
    frames = [scenes.with_noise(fault(f), 1.5, i) for i, f in enumerate(scenes.moving(3))]
    assert judge(frames, stored_view(scenes.moving(5)[4])).status == "normal"


def test_a_smudge_that_keeps_the_broad_picture_is_left_to_lens_dirty() -> None:
    frame = scenes.moving(1)[0].astype(np.float32)
    height, width = frame.shape[:2]
    mask = np.zeros((height, width), np.float32)
    cv2.circle(mask, (width, 0), int(height * 0.7), 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 10)[..., None]
    haze = cv2.GaussianBlur(frame, (0, 0), 10) * 0.75 + np.float32((60, 80, 100)) * 0.25
    dirty = (frame * (1 - mask) + haze * mask).astype(np.uint8)
    frames = [scenes.with_noise(dirty, 1.5, i) for i in range(3)]
    assert judge(frames, stored_view(scenes.moving(5)[4])).status == "normal"


def test_without_a_reference_only_a_large_dull_patch_counts(check: Evaluate) -> None:
    half = [_hand(f, 0.55, GLOVE, 3, i) for i, f in enumerate(scenes.moving(3))]
    result = check("occlusion", half)
    assert result.status != "normal" and result.code == "blocked_unreferenced"
    assert result.threshold == 40
    third = [_hand(f, 0.3, GLOVE, 3, i) for i, f in enumerate(scenes.moving(3))]
    assert check("occlusion", third).status == "normal"


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_without_a_reference_are_normal(check: Evaluate, kind: str) -> None:
    result = check("occlusion", scenes.healthy_kinds()[kind])
    assert (result.status, result.code) == ("normal", "clear_unreferenced")


def test_bright_sky_without_a_reference_is_not_an_occlusion(check: Evaluate) -> None:
    frame = scenes.outdoor()
    frame[: frame.shape[0] * 2 // 3] = (235, 200, 170)  # most of the view clear, flat sky
    assert check("occlusion", [scenes.with_noise(frame, 1.5, 3)]).status == "normal"


def test_flat_picture_is_left_to_signal_loss(check: Evaluate) -> None:
    assert check("occlusion", [np.full((90, 160, 3), 10, np.uint8)]).status == "normal"
    assert judge([np.full((90, 160, 3), 10, np.uint8)], scenes.scene()).status == "normal"


def test_task_threshold_overrides_the_default() -> None:
    frames = [_hand(f, 0.3, SKIN, 0, i) for i, f in enumerate(scenes.moving(3))]
    reference = stored_view(scenes.moving(5)[4])
    assert judge(frames, reference).status != "normal"
    assert judge(frames, reference, {"max_percent": 60}).status == "normal"


@pytest.mark.parametrize(
    ("thresholds", "match"),
    [
        ({"max_percent": 0}, "max_percent"),
        ({"fallback_percent": 120}, "fallback_percent"),
        ({"lost_detail": 1.5}, "lost_detail"),
        ({"min_change": 30, "min_change_plain": 20}, "min_change"),
        ({"min_match": 150}, "min_match"),
    ],
)
def test_bad_thresholds_are_refused(check: Evaluate, thresholds: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        check("occlusion", scenes.moving(1), thresholds)
