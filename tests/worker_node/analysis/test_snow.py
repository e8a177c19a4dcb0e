"""snow: isolated sparkling pixels at native resolution, against 0.3 % of them."""

from __future__ import annotations

import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate


def _snowy(image: np.ndarray, density: float, seed: int = 0) -> np.ndarray:
    """Salt-and-pepper: ``density`` of the pixels turned white or black."""
    rng = np.random.default_rng(seed)
    draw = rng.random(image.shape[:2])
    out = image.copy()
    out[draw < density / 2] = 255
    out[(draw >= density / 2) & (draw < density)] = 0
    return out


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("snow", scenes.healthy_kinds()[kind])
    assert (result.status, result.score) == ("normal", 100)
    assert result.value < 0.01
    assert result.message.startswith("no snow")


def test_heavy_sensor_noise_and_osd_text_are_not_snow(check: Evaluate) -> None:
    frames = [scenes.with_noise(f, 16.0, seed=i) for i, f in enumerate(scenes.ticking_clock(3))]
    result = check("snow", frames)
    assert result.status == "normal"
    assert result.value < 0.05


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "hd_indoor"])
def test_light_snow_is_found(check: Evaluate, kind: str) -> None:
    frames = [_snowy(f, 0.005, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])]
    result = check("snow", frames)
    assert result.status in ("warning", "error")
    assert result.threshold == 0.3
    assert result.message.startswith("snow (sparkling dots)")


@pytest.mark.parametrize("kind", ["indoor", "night", "static_noisy"])
def test_heavy_snow_is_critical(check: Evaluate, kind: str) -> None:
    frames = [_snowy(f, 0.03, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])]
    assert check("snow", frames).status == "critical"


def test_task_threshold_overrides_the_default(check: Evaluate) -> None:
    frame = _snowy(scenes.scene(), 0.005)
    assert check("snow", [frame], {"good_percent": 1, "max_percent": 2}).status == "normal"
