"""Video quality diagnosis: the check registry, the built-in checks and ``run_diagnosis``."""

from worker_node.analysis import checks as _checks  # noqa: F401  (registers the built-in checks)
from worker_node.analysis.context import FrameContext
from worker_node.analysis.diagnosis import run_diagnosis
from worker_node.analysis.registry import (
    CheckSpec,
    PlannedCheck,
    Thresholds,
    get_check,
    known_checks,
    plan_checks,
    register,
)
from worker_node.analysis.runner import run_checks
from worker_node.analysis.scoring import scored, status_for, worst

__all__ = [
    "CheckSpec",
    "FrameContext",
    "PlannedCheck",
    "Thresholds",
    "get_check",
    "known_checks",
    "plan_checks",
    "register",
    "run_checks",
    "run_diagnosis",
    "scored",
    "status_for",
    "worst",
]
