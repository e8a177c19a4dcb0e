"""contrast: grey spread (std, or percentile range for scenes with a few lights) against 20."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate, evaluate
from tests.worker_node.analysis.conftest import stored_reference as _reference
from worker_node.analysis import FrameContext, plan_checks, run_checks
from worker_node.protocol.messages import CheckResult


def _fog(image: np.ndarray, keep: float, level: float = 170.0) -> np.ndarray:
    """Blend ``image`` towards a bright flat veil, keeping ``keep`` of its contrast."""
    veiled = image.astype(np.float32) * keep + level * (1.0 - keep)
    return np.clip(veiled, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("contrast", scenes.healthy_kinds()[kind])
    assert result.status == "normal"
    assert result.score >= 70
    assert result.message.startswith("contrast normal")


def test_a_night_scene_counts_its_lights(check: Evaluate) -> None:
    # the dim surroundings alone have a std near 20; the lights make the contrast
    assert check("contrast", [scenes.night()]).value > 25


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "hd_indoor"])
def test_moderate_fog_is_a_warning(check: Evaluate, kind: str) -> None:
    frames = [_fog(frame, 0.5) for frame in scenes.healthy_kinds()[kind]]
    result = check("contrast", frames)
    assert result.status == "warning"
    assert result.threshold == 20
    assert result.message.startswith("low contrast")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy"])
def test_thick_fog_is_an_error_or_worse(check: Evaluate, kind: str) -> None:
    frames = [_fog(frame, 0.25) for frame in scenes.healthy_kinds()[kind]]
    assert check("contrast", frames).status in ("error", "critical")


def test_flat_picture_scores_zero(check: Evaluate) -> None:
    result = check("contrast", [np.full((90, 160, 3), 128, np.uint8)])
    assert (result.score, result.value) == (0, 0)


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frame = scenes.scene()
    assert check("contrast", [frame], {"min_std": 50, "good_std": 80}).status != "normal"


def _against_reference(frames: list[np.ndarray], reference: np.ndarray) -> CheckResult:
    plan = plan_checks(["contrast"])
    [result] = run_checks(plan, FrameContext(frames, None, reference))
    return result


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "night", "static_noisy"])
@pytest.mark.parametrize("gain", [0.85, 1.0, 1.15])
def test_same_view_under_other_light_keeps_its_contrast(kind: str, gain: float) -> None:
    frames = scenes.healthy_kinds()[kind]
    lit = [np.clip(f.astype(np.float32) * gain, 0, 255).astype(np.uint8) for f in frames]
    result = _against_reference(lit, _reference(frames[0]))
    assert result.status == "normal", result.message
    assert result.message.startswith("contrast normal") and "reference" in result.message


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy"])
def test_fog_against_the_reference_fires(kind: str) -> None:
    frames = scenes.healthy_kinds()[kind]
    reference = _reference(frames[0])
    result = _against_reference([_fog(f, 0.3) for f in frames], reference)
    assert result.status != "normal"
    assert result.code == "faded" and result.threshold == 45
    thick = _against_reference([_fog(f, 0.15) for f in frames], reference)
    assert thick.status in ("error", "critical")


def test_blur_is_not_lost_contrast_against_the_reference() -> None:
    frames = scenes.healthy_kinds()["outdoor"]
    blurred = [cv2.GaussianBlur(f, (0, 0), 4) for f in frames]
    assert _against_reference(blurred, _reference(frames[0])).status == "normal"


def test_a_low_contrast_view_is_normal_against_its_own_reference() -> None:
    # without a reference this flat scene is "low"; it is what the camera always saw
    frames = [_fog(f, 0.35) for f in scenes.healthy_kinds()["indoor"]]
    assert evaluate("contrast", frames).status != "normal"
    assert _against_reference(frames, _reference(frames[0])).status == "normal"


def test_ratio_thresholds_are_validated(check: Evaluate) -> None:
    with pytest.raises(ValueError, match="min_ratio < good_ratio"):
        check("contrast", [scenes.scene()], {"min_ratio": 80, "good_ratio": 70})
