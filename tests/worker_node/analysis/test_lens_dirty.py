"""lens_dirty: share of the view whose fine detail is gone while its broad structure is not."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis.checks.lens_dirty import soft_percent
from worker_node.analysis.registry import plan_checks


def smudged(frames: list[np.ndarray], count: int, seed: int) -> list[np.ndarray]:
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


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("lens_dirty", scenes.healthy_kinds()[kind])
    assert (result.status, result.score) == ("normal", 100)
    assert result.message.startswith("lens clean")


@pytest.mark.parametrize("kind", ["indoor", "outdoor", "static_noisy", "hd_indoor"])
@pytest.mark.parametrize("count", [6, 9])
def test_smudges_are_found(check: Evaluate, kind: str, count: int) -> None:
    result = check("lens_dirty", smudged(list(scenes.healthy_kinds()[kind]), count, seed=count))
    assert result.status in ("warning", "error", "critical")
    assert result.value > 4
    assert result.message.startswith("dirty lens")


def test_a_picture_soft_all_over_is_out_of_focus_not_dirty(check: Evaluate) -> None:
    frames = [scenes.blurred(f, 4.5) for f in scenes.healthy_kinds()["indoor"]]
    assert check("lens_dirty", frames).value == 0


def test_plain_surfaces_do_not_count() -> None:
    frame = scenes.outdoor()
    frame[:, 320:] = (128, 128, 128)  # half the view a plain wall
    grey = cv2.cvtColor(scenes.with_noise(frame, 2.0, seed=3), cv2.COLOR_BGR2GRAY)
    assert soft_percent(cv2.resize(grey, (480, 270), interpolation=cv2.INTER_AREA), 6.0) < 2


def test_more_dirt_scores_worse(check: Evaluate) -> None:
    frames = list(scenes.healthy_kinds()["indoor"])
    light = check("lens_dirty", smudged(frames, 6, seed=6))
    heavy = check("lens_dirty", smudged(frames, 9, seed=9))
    assert heavy.value > light.value
    assert heavy.score < light.score


def test_task_thresholds_override_the_defaults(check: Evaluate) -> None:
    frames = smudged(list(scenes.healthy_kinds()["indoor"]), 6, seed=6)
    relaxed = {"good_percent": 20, "max_percent": 40}
    assert check("lens_dirty", frames, relaxed).status == "normal"


@pytest.mark.parametrize(
    "bad",
    [{"good_percent": 5, "max_percent": 4}, {"max_percent": 120}, {"min_structure": 0}],
)
def test_inconsistent_thresholds_are_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="lens_dirty"):
        plan_checks(["lens_dirty"], {"lens_dirty": bad})
