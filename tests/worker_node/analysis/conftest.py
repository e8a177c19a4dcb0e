"""Helpers for the check tests: evaluate one check the way the runner does."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
import pytest

from worker_node.analysis import FrameContext, plan_checks, run_checks
from worker_node.analysis.snapshot import decode_reference, encode_thumbnail
from worker_node.protocol.messages import CheckResult
from worker_node.sources import active_captures, wait_for_captures

Evaluate = Callable[..., CheckResult]


def evaluate(
    name: str,
    frames: Sequence[np.ndarray],
    thresholds: Mapping[str, float] | None = None,
    offsets: Sequence[float] | None = None,
) -> CheckResult:
    """Run check ``name`` alone (no suppression partner) on ``frames``."""
    plan = plan_checks([name], {name: dict(thresholds)} if thresholds else None)
    [result] = run_checks(plan, FrameContext(frames, offsets))
    assert result.type == name
    return result


def stored_reference(image: np.ndarray) -> np.ndarray:
    """A reference view as a worker receives it: the console's JPEG thumbnail (≤ 320 px)."""
    text = encode_thumbnail(image)
    assert text is not None
    return decode_reference(text)


@pytest.fixture
def check() -> Evaluate:
    return evaluate


@pytest.fixture(autouse=True)
def _captures_finish() -> Iterator[None]:
    """Capture threads a test gave up on must end before the next test (and before exit)."""
    yield
    assert wait_for_captures(10.0), f"{active_captures()} capture threads still running"
