"""One diagnosis: sample a source, run the checks, attach a thumbnail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from worker_node.analysis.checks.signal_loss import connection_lost
from worker_node.analysis.context import FrameContext
from worker_node.analysis.registry import PlannedCheck, plan_checks
from worker_node.analysis.runner import run_checks
from worker_node.analysis.scoring import worst
from worker_node.analysis.snapshot import decode_reference, encode_thumbnail
from worker_node.protocol.messages import DiagnosisParams, DiagnosisResult
from worker_node.sources import CancelFlag, SourceError, grab_frames


def run_diagnosis(
    source_url: str,
    params: DiagnosisParams,
    *,
    source_timeout: float,
    cancel: CancelFlag | None = None,
    site_thresholds: Mapping[str, Mapping[str, float]] | None = None,
) -> DiagnosisResult:
    """Diagnose ``source_url``: blocking, thread-safe, bounded by ``source_timeout``.

    The checks are ``params.checks``, else those of ``params.template``, else every registered
    check. Thresholds are the checks' defaults, then ``site_thresholds``, then the template's,
    then ``params.thresholds``. ``params.reference_jpeg`` is the camera's reference view.

    A source that yields no frame is a critical ``signal_loss`` finding with the connection
    error, whatever checks were asked for: the camera is never silently skipped.
    Raises :class:`ValueError` for unknown checks, thresholds or template, or an undecodable
    reference (before contacting the source), and :class:`~worker_node.sources.SourceCancelled`
    when ``cancel`` is set.
    """
    plan = plan_checks(params.checks, params.thresholds, site_thresholds, params.template)
    reference = decode_reference(params.reference_jpeg) if params.reference_jpeg else None
    try:
        frames = grab_frames(
            source_url,
            frames=params.frames,
            window_s=params.window_s,
            timeout=source_timeout,
            cancel=cancel,
        )
    except SourceError as exc:
        finding = connection_lost(str(exc))
        return DiagnosisResult(overall=finding.status, checks=[finding])
    ctx = FrameContext([f.image for f in frames], [f.offset_s for f in frames], reference)
    return diagnose_frames(plan, ctx)


def diagnose_frames(plan: Sequence[PlannedCheck], ctx: FrameContext) -> DiagnosisResult:
    """Run ``plan`` on sampled frames and attach the thumbnail (all but the grab).

    The thumbnail comes from the downscale the checks already made when there is one: from a
    480-px image it costs ~0.8 ms, from a 1080p frame ~2.5 ms (bench/vqd_speed.py).
    """
    results = run_checks(plan, ctx)
    snapshot = encode_thumbnail(ctx.last_preview()) if len(ctx) else None
    return DiagnosisResult(
        overall=worst(r.status for r in results), checks=results, snapshot_jpeg=snapshot
    )
