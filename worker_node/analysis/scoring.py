"""Scores and statuses: the DESIGN bands, and the helpers checks use to produce results.

Checks compute a score (0–100, higher is healthier); the status always follows from the score
through the bands, so the two can never disagree on the wire.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from worker_node.protocol.catalogue import Facts, word
from worker_node.protocol.messages import CheckResult, CheckStatus

# Lower bound of each band, best first (DESIGN §5).
BANDS: tuple[tuple[float, CheckStatus], ...] = (
    (60.0, "normal"),
    (40.0, "warning"),
    (20.0, "error"),
    (0.0, "critical"),
)
SEVERITY: dict[CheckStatus, int] = {"normal": 0, "warning": 1, "error": 2, "critical": 3}


def status_for(score: float) -> CheckStatus:
    """The band a score falls in: normal ≥ 60, warning 40–59, error 20–39, critical < 20."""
    for floor, status in BANDS:
        if score >= floor:
            return status
    return "critical"


def worst(statuses: Iterable[CheckStatus]) -> CheckStatus:
    """The most severe status, ``normal`` for none."""
    return max(statuses, key=SEVERITY.__getitem__, default="normal")


def ramp(value: float, knots: Sequence[tuple[float, float]]) -> float:
    """Piecewise-linear score through ``(value, score)`` knots (values ascending), clamped."""
    xs = [x for x, _ in knots]
    ys = [y for _, y in knots]
    return float(np.clip(np.interp(value, xs, ys), 0.0, 100.0))


def scored(
    check: str,
    score: float,
    code: str,
    facts: Facts | None = None,
    *,
    value: float | None = None,
    threshold: float | None = None,
) -> CheckResult:
    """A result whose status is derived from its score (rounded to one decimal first).

    ``code`` names the finding in the check catalogue (``worker_node/protocol/checks``), which
    words it with ``facts``: in English here, in the operator's language on the console.
    """
    score = round(min(100.0, max(0.0, score)), 1)
    facts = {
        k: (round(float(v), 3) if not isinstance(v, str) else v) for k, v in (facts or {}).items()
    }
    return CheckResult(
        type=check,
        score=score,
        status=status_for(score),
        value=None if value is None else round(float(value), 3),
        threshold=threshold,
        message=word(check, code, facts),
        code=code,
        facts=facts,
    )
