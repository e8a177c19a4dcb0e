"""blue_screen: a flat saturated blue "no signal" screen, even with noise and a caption."""

from __future__ import annotations

import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis import FrameContext, plan_checks, run_checks


def test_blue_screen_is_critical(check: Evaluate) -> None:
    result = check("blue_screen", [scenes.blue_screen(seed=i) for i in range(3)])
    assert (result.status, result.score, result.value) == ("critical", 0, 100)
    assert result.message == "blue screen (no video input): all 3 frames are flat blue"


def test_darker_noisier_blue_screen_is_found(check: Evaluate) -> None:
    frame = scenes.blue_screen(noise=8.0)
    frame = np.clip(frame.astype(np.float32) * 0.7, 0, 255).astype(np.uint8)  # B ≈ 140
    assert check("blue_screen", [frame]).status == "critical"


@pytest.mark.parametrize(("blue", "status"), [(1, "warning"), (2, "error"), (4, "critical")])
def test_intermittent_blue_screen(check: Evaluate, blue: int, status: str) -> None:
    frames = scenes.moving(5)
    frames[:blue] = [scenes.blue_screen(seed=i) for i in range(blue)]
    result = check("blue_screen", frames)
    assert result.status == status
    assert result.message == f"intermittent blue screen: {blue} of 5 frames flat blue"


@pytest.mark.parametrize("kind", list(scenes.healthy_kinds()))
def test_healthy_scenes_are_normal(check: Evaluate, kind: str) -> None:
    result = check("blue_screen", scenes.healthy_kinds()[kind])
    assert (result.status, result.score, result.value) == ("normal", 100, 0)


def test_a_blue_wall_filling_half_the_view_is_no_blue_screen(check: Evaluate) -> None:
    frame = scenes.scene()
    frame[:, : frame.shape[1] // 2] = (200, 40, 20)
    assert check("blue_screen", [frame]).status == "normal"


def test_a_flat_grey_screen_is_not_blue(check: Evaluate) -> None:
    assert check("blue_screen", [np.full((240, 320, 3), 128, np.uint8)]).status == "normal"


def test_blue_screen_suppresses_the_other_findings() -> None:
    frames = [scenes.blue_screen(seed=i) for i in range(3)]
    results = run_checks(
        plan_checks(["brightness", "clarity", "blue_screen"]), FrameContext(frames)
    )
    [finding] = results
    assert finding.type == "blue_screen"
    assert finding.message.endswith("; other checks suppressed")


def test_no_frames_is_left_to_signal_loss(check: Evaluate) -> None:
    assert check("blue_screen", []).status == "normal"
