"""focus_blur: width of the sharpest edges at native resolution (> 4.5 px is out of focus)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis import FrameContext
from worker_node.analysis.checks.focus_blur import edge_width
from worker_node.analysis.registry import plan_checks


def calm(width: int = 640, height: int = 360) -> np.ndarray:
    """A calm, in-focus scene with little texture: smooth sky over a plain wall, one sharp
    window frame and a lamp post — the picture on which a Laplacian-variance figure is low."""
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None] * np.ones((1, width), np.float32)
    grey = 170 - 40 * ys
    image = np.repeat(grey[..., None], 3, axis=2)
    image[height // 2 :] = (120, 125, 130)
    image[height // 2 + 40 : height // 2 + 120, 200:320] = (60, 60, 70)
    image[40 : height // 2 + 150, 500:506] = (40, 40, 40)
    return scenes.with_noise(np.clip(image, 0, 255).astype(np.uint8), 2.0, seed=9)


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("focus_blur", scenes.healthy_kinds()[kind])
    assert result.status == "normal"
    assert result.value < 4.5
    assert result.message.startswith("in focus")


def test_a_calm_scene_is_in_focus(check: Evaluate) -> None:
    result = check("focus_blur", [calm(), calm()])
    assert (result.status, result.score) == ("normal", 100)


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "night", "static_noisy", "hd_indoor"])
def test_defocus_is_found_in_every_scene(check: Evaluate, kind: str) -> None:
    frames = [scenes.blurred(f, 4.5) for f in scenes.healthy_kinds()[kind]]
    result = check("focus_blur", frames)
    assert result.status in ("error", "critical")
    assert result.message.startswith("out of focus")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy"])
def test_moderate_defocus_is_at_least_a_warning(check: Evaluate, kind: str) -> None:
    frames = [scenes.blurred(f, 2.5) for f in scenes.healthy_kinds()[kind]]
    assert check("focus_blur", frames).status != "normal"


def test_defocus_on_a_calm_scene_is_found(check: Evaluate) -> None:
    assert check("focus_blur", [scenes.blurred(calm(), 3.5)]).status != "normal"


@pytest.mark.parametrize("sigma", [2.0, 3.0, 4.0])
def test_the_width_grows_with_the_blur_not_with_the_contrast(sigma: float) -> None:
    base = scenes.scene(seed=6)
    widths = []
    for gain in (1.0, 0.5):  # half the contrast: the same edges, half as high
        image = (128 + (base.astype(np.float32) - 128) * gain).astype(np.uint8)
        image = scenes.blurred(image, sigma)
        widths.append(edge_width(FrameContext([image]).native_tiles[0]))
    assert widths[0] == pytest.approx(widths[1], rel=0.2)
    assert widths[0] == pytest.approx(2.2 * sigma, abs=1.0)


def test_a_picture_without_edges_is_not_judged(check: Evaluate) -> None:
    flat = scenes.with_noise(np.full((360, 640, 3), 120, np.uint8), 2.0, seed=1)
    result = check("focus_blur", [flat, flat])
    assert (result.status, result.code, result.value) == ("normal", "no_edges", None)


def test_hd_defocus_is_measured_at_native_resolution(check: Evaluate) -> None:
    sharp = [scenes.with_noise(scenes.scene(1920, 1080, seed=3), 2.0, seed=i) for i in range(2)]
    assert check("focus_blur", sharp).status == "normal"
    # σ 3 px on a 1080p picture is hardly visible on a 480-px downscale, plain at native size
    assert check("focus_blur", [scenes.blurred(f, 3.0) for f in sharp]).status != "normal"


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frames = [scenes.blurred(f, 2.5) for f in scenes.healthy_kinds()["indoor"]]
    assert check("focus_blur", frames, {"good_width": 8, "max_width": 12}).status == "normal"


def test_inconsistent_thresholds_are_rejected() -> None:
    with pytest.raises(ValueError, match="focus_blur"):
        plan_checks(["focus_blur"], {"focus_blur": {"good_width": 6, "max_width": 5}})
