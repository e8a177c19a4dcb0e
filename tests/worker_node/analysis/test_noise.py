"""noise: Immerkær's high-pass residual at native resolution, median-based, against σ 5."""

from __future__ import annotations

import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis import FrameContext
from worker_node.analysis.checks.noise import noise_sigma


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("noise", scenes.healthy_kinds()[kind])
    assert (result.status, result.score) == ("normal", 100)
    assert result.value < 2.5
    assert result.message.startswith("noise level normal")


@pytest.mark.parametrize("sigma", [2.0, 5.0, 10.0])
def test_the_estimate_reads_the_noise_sigma(sigma: float) -> None:
    rng = np.random.default_rng(1)
    flat = np.clip(128 + rng.normal(0, sigma, (360, 640)), 0, 255).astype(np.uint8)
    frame = np.repeat(flat[:, :, None], 3, axis=2)
    assert noise_sigma(FrameContext([frame]).native_tiles[0]) == pytest.approx(sigma, rel=0.15)


def test_sharp_texture_is_not_noise(check: Evaluate) -> None:
    assert check("noise", [scenes.scene(1280, 720, seed=4)]).status == "normal"


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "hd_indoor"])
def test_moderate_noise_is_a_warning(check: Evaluate, kind: str) -> None:
    frames = [scenes.with_noise(f, 8.0, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])]
    result = check("noise", frames)
    assert result.status == "warning"
    assert result.threshold == 5
    assert result.message.startswith("noisy picture")


@pytest.mark.parametrize("kind", ["indoor", "night", "static_noisy"])
def test_heavy_noise_is_an_error_or_worse(check: Evaluate, kind: str) -> None:
    frames = [
        scenes.with_noise(f, 16.0, seed=i) for i, f in enumerate(scenes.healthy_kinds()[kind])
    ]
    assert check("noise", frames).status in ("error", "critical")


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frames = scenes.static_noisy(2, sigma=2.0)
    assert check("noise", frames, {"good_sigma": 0.5, "max_sigma": 1.0}).status != "normal"
