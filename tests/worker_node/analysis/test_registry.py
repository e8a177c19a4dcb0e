"""The registry: names, defaults, overrides, and adding a check as one function."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.worker_node.analysis import scenes
from worker_node.analysis import (
    FrameContext,
    Thresholds,
    get_check,
    known_checks,
    plan_checks,
    register,
    registry,
    run_checks,
    scored,
)
from worker_node.analysis.scoring import status_for
from worker_node.protocol.messages import CheckResult


def test_built_in_checks() -> None:
    assert set(known_checks()) >= {"brightness", "clarity", "freeze", "signal_loss"}
    assert get_check("freeze").min_frames == 2
    assert get_check("signal_loss").suppresses
    assert get_check("brightness").defaults == {"min_mean": 30, "max_mean": 220}
    assert get_check("clarity").summary.startswith("Sharpness")


def test_empty_means_all_in_registry_order() -> None:
    assert [p.spec.name for p in plan_checks([])] == list(known_checks())


def test_requested_order_is_kept_and_duplicates_dropped() -> None:
    plan = plan_checks(["freeze", " brightness", "freeze"])
    assert [p.spec.name for p in plan] == ["freeze", "brightness"]


def test_unknown_check_lists_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"unknown check 'blur'; known checks: blue_screen, brightness, "
    ):
        plan_checks(["brightness", "blur"])


def test_thresholds_are_layered() -> None:
    [planned] = plan_checks(
        ["brightness"],
        overrides={"brightness": {"max_mean": 200}},
        site_defaults={"brightness": {"min_mean": 40, "max_mean": 230}},
    )
    assert planned.thresholds == {"min_mean": 40, "max_mean": 200}


def test_unknown_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown threshold 'min' for check 'brightness'"):
        plan_checks([], {"brightness": {"min": 10}})
    with pytest.raises(ValueError, match=r"unknown check 'glare'"):
        plan_checks([], {"glare": {"limit": 10}})


def test_inconsistent_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match=r"thresholds of check 'brightness': need 0 < min_mean"):
        plan_checks(["brightness"], {"brightness": {"min_mean": 250}})
    with pytest.raises(ValueError, match=r"thresholds of check 'clarity'"):
        plan_checks(["clarity"], {"clarity": {"good_sharpness": 20}})


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A copy of the registry, so a test may register checks without leaking them."""
    monkeypatch.setattr(registry, "_CHECKS", dict(registry._CHECKS))
    yield


@pytest.mark.usefixtures("scratch_registry")
def test_a_new_check_is_one_decorated_function() -> None:
    @register("redness", defaults={"max_red": 200})
    def redness(ctx: FrameContext, t: Thresholds) -> CheckResult:
        """Too much red."""
        red = float(ctx.small[-1][:, :, 2].mean())
        score = 100.0 if red <= t["max_red"] else 30.0
        status = status_for(score)
        return CheckResult(type="redness", score=score, status=status, threshold=t["max_red"])

    assert "redness" in known_checks()
    plan = plan_checks(["redness"], {"redness": {"max_red": 10}})
    [result] = run_checks(plan, FrameContext([scenes.scene()]))
    assert (result.type, result.status, result.threshold) == ("redness", "error", 10)


@pytest.mark.usefixtures("scratch_registry")
def test_a_name_registers_once() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register("freeze", defaults={})(lambda ctx, t: scored("freeze", 100, ""))
