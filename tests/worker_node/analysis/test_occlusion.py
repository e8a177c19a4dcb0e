"""occlusion: a featureless, not bright region entering from the border (limit 18 % of view)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate


def _blocked(image: np.ndarray, share: float, level: int = 25, seed: int = 0) -> np.ndarray:
    """A dark, out-of-focus blob (a hand or bag) rising from the lower left corner."""
    out = image.copy()
    height, width = out.shape[:2]
    axes = (int(width * share * 1.6), int(height * 1.1))
    cv2.ellipse(out, (0, height), axes, 0, 0, 360, (level, level + 3, level + 6), -1)
    return scenes.with_noise(out, 2.0, seed)


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("occlusion", scenes.healthy_kinds()[kind])
    assert (result.status, result.score) == ("normal", 100)
    assert result.value <= 5
    assert result.message.startswith("view clear")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "hd_indoor"])
def test_a_third_blocked_is_an_error(check: Evaluate, kind: str) -> None:
    frames = [_blocked(f, 0.3, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])]
    result = check("occlusion", frames)
    assert result.status == "error"
    assert 30 < result.value < 45
    assert result.threshold == 18
    assert result.message.startswith("view blocked")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy"])
def test_half_blocked_is_critical(check: Evaluate, kind: str) -> None:
    frames = [_blocked(f, 0.5, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])]
    assert check("occlusion", frames).status == "critical"


def test_bright_sky_is_not_an_occlusion(check: Evaluate) -> None:
    frame = scenes.outdoor()
    frame[: frame.shape[0] // 2] = (235, 200, 170)  # half the view clear, flat sky
    assert check("occlusion", [scenes.with_noise(frame, 1.5, 3)]).status == "normal"


def test_flat_picture_is_left_to_signal_loss(check: Evaluate) -> None:
    assert check("occlusion", [np.full((90, 160, 3), 10, np.uint8)]).status == "normal"


def test_task_threshold_overrides_the_default(check: Evaluate) -> None:
    frame = _blocked(scenes.scene(), 0.3)
    assert check("occlusion", [frame]).status != "normal"
    assert check("occlusion", [frame], {"max_percent": 60}).status == "normal"


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


@pytest.mark.parametrize("corner", [0, 1, 2, 3])
@pytest.mark.parametrize("colour", [(45, 60, 95), (25, 25, 30)])  # skin, black glove
def test_a_shaded_hand_over_a_corner_is_found(check: Evaluate, corner: int, colour: tuple) -> None:
    frames = [_hand(f, 0.3, colour, corner, i) for i, f in enumerate(scenes.moving(3))]
    assert check("occlusion", frames).status != "normal"


def test_a_hand_brighter_than_a_dark_scene_is_found(check: Evaluate) -> None:
    # in front of a dim scene the hand is not darker than the rest: it is featureless
    dim = [scenes.dark(f, 0.35) for f in scenes.moving(3)]
    frames = [_hand(f, 0.4, (45, 60, 95), 3, i) for i, f in enumerate(dim)]
    assert check("occlusion", frames).status != "normal"


def test_a_blank_patch_inside_the_view_is_not_an_occlusion(check: Evaluate) -> None:
    frames = []
    for i, frame in enumerate(scenes.moving(3)):
        frame = frame.copy()
        cv2.rectangle(frame, (160, 90), (480, 270), (60, 70, 80), -1)  # a plain door, a van
        frames.append(scenes.with_noise(frame, 1.5, i))
    assert check("occlusion", frames).status == "normal"


def test_an_object_in_one_frame_only_is_not_an_occlusion(check: Evaluate) -> None:
    frames = list(scenes.moving(3))
    frames[1] = _blocked(frames[1], 0.5)  # a lorry passing close to the camera
    assert check("occlusion", frames).status == "normal"


def test_bad_thresholds_are_refused(check: Evaluate) -> None:
    with pytest.raises(ValueError, match="relative_detail"):
        check("occlusion", scenes.moving(1), {"relative_detail": 2})
