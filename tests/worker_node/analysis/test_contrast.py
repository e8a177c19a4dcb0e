"""contrast: grey spread (std, or percentile range for scenes with a few lights) against 20."""

from __future__ import annotations

import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate


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
