"""Running several checks: suppression, frame minimums, order and the overall status."""

from __future__ import annotations

import pytest

from tests.worker_node.analysis import scenes
from worker_node.analysis import (
    FrameContext,
    known_checks,
    plan_checks,
    run_checks,
    status_for,
    worst,
)


def _run(names: list[str], frames: list) -> list:
    return run_checks(plan_checks(names), FrameContext(frames))


def test_healthy_scene_gives_every_check_in_order() -> None:
    results = _run([], scenes.moving(5))
    assert [r.type for r in results] == list(known_checks())
    assert {"brightness", "clarity", "freeze", "signal_loss"} <= set(known_checks())
    assert {r.status for r in results} == {"normal"}


def test_signal_loss_drops_the_other_findings() -> None:
    results = _run([], scenes.black(5))
    [finding] = results
    assert finding.type == "signal_loss"
    assert finding.status == "critical"
    assert finding.message.endswith("; other checks suppressed")


def test_intermittent_loss_also_suppresses() -> None:
    frames = scenes.moving(5)
    frames[0] = scenes.black(1)[0]
    assert [r.type for r in _run([], frames)] == ["signal_loss"]


def test_no_suppression_note_when_nothing_else_was_asked() -> None:
    [finding] = _run(["signal_loss"], scenes.black(2))
    assert finding.message == "no picture: all 2 frames are black or uniform"


def test_without_signal_loss_the_symptoms_show() -> None:
    results = {r.type: r for r in _run(["brightness", "freeze"], scenes.black(3))}
    assert results["brightness"].status == "critical"
    assert results["freeze"].status == "normal"  # sensor noise on black still moves


def test_single_frame_cannot_make_freeze_normal() -> None:
    results = {r.type: r for r in _run([], scenes.moving(1))}
    assert results["freeze"].status == "warning"
    assert results["freeze"].message.startswith("not assessed")
    assert worst(r.status for r in results.values()) == "warning"


def test_no_frames_only_checks_reachability() -> None:
    results = {r.type: r for r in _run([], [])}
    assert results["signal_loss"].status == "normal"
    for name in ("brightness", "clarity", "freeze"):
        assert results[name].status == "warning"
        assert results[name].message.startswith("not assessed")


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (100, "normal"),
        (60, "normal"),
        (59.9, "warning"),
        (40, "warning"),
        (39.9, "error"),
        (20, "error"),
        (19.9, "critical"),
        (0, "critical"),
    ],
)
def test_design_bands(score: float, status: str) -> None:
    assert status_for(score) == status


def test_worst() -> None:
    assert worst([]) == "normal"
    assert worst(["normal", "error", "warning"]) == "error"
    assert worst(["critical", "normal"]) == "critical"
