"""Which analysis runs for which task kind: the worker's default handler.

Kinds without an implementation fail clearly rather than pretend to succeed; a worker only
consumes the kinds in its ``kinds`` setting, so an admin does not enable them yet.
"""

from __future__ import annotations

import threading

from worker_node.protocol import DiagnosisParams, TaskMessage
from worker_node.runtime.execution import Handler, Payload, TaskError
from worker_node.settings import Settings, SettingsError

SUPPORTED_KINDS = ("diagnosis",)


def check_thresholds(settings: Settings) -> None:
    """Refuse site thresholds that name an unknown check or threshold, before serving.

    A typo in the config must stop the worker at start, not fail every task it takes.
    """
    from worker_node.analysis import plan_checks

    try:
        plan_checks([], site_defaults=settings.thresholds)
    except ValueError as exc:
        raise SettingsError(f"setting thresholds: {exc}") from None


def make_handler(settings: Settings) -> Handler:
    """The handler a worker uses unless a test or benchmark injects its own."""
    from worker_node.analysis import run_diagnosis
    from worker_node.sources import SourceBusy

    def handle(task: TaskMessage, cancel: threading.Event) -> Payload:
        if task.kind == "diagnosis":
            assert isinstance(task.params, DiagnosisParams)
            source = task.camera.url
            try:
                return run_diagnosis(
                    source,
                    task.params,
                    source_timeout=settings.source_timeout,
                    cancel=cancel,
                    site_thresholds=settings.thresholds,
                )
            except ValueError as exc:  # bad check names or thresholds in the task
                raise TaskError("bad_params", str(exc)) from None
            except SourceBusy as exc:  # other cameras held the opener past its limit
                raise TaskError("source_busy", str(exc)) from None
        raise TaskError("unsupported_kind", f"this worker cannot run {task.kind} tasks yet")

    return handle
