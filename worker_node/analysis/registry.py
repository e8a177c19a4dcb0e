"""The check registry: a check is one function registered under its wire name.

Adding a check means one module in :mod:`worker_node.analysis.checks` that decorates a function
with :func:`register`, plus its import line in that package's ``__init__``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeAlias

from worker_node.analysis.context import FrameContext
from worker_node.protocol.catalogue import template as find_template
from worker_node.protocol.messages import CheckResult

Thresholds: TypeAlias = Mapping[str, float]
Evaluate: TypeAlias = Callable[[FrameContext, Thresholds], CheckResult]
Validate: TypeAlias = Callable[[Thresholds], None]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A registered check.

    ``defaults`` names every threshold the check reads (and so every key a task may override).
    ``min_frames``: with fewer frames the runner reports the check as not assessed instead of
    calling it. ``suppresses``: a finding worse than normal hides the other checks' findings.
    ``validate`` raises :class:`ValueError` on thresholds that make no sense together, so a
    bad task fails before its camera is contacted.
    """

    name: str
    evaluate: Evaluate
    defaults: Mapping[str, float]
    min_frames: int = 1
    suppresses: bool = False
    summary: str = ""
    validate: Validate | None = None


_CHECKS: dict[str, CheckSpec] = {}


def register(
    name: str,
    *,
    defaults: Mapping[str, float],
    min_frames: int = 1,
    suppresses: bool = False,
    validate: Validate | None = None,
) -> Callable[[Evaluate], Evaluate]:
    """Decorator: register ``evaluate`` as check ``name``; its docstring's first line is the
    summary shown to operators."""

    def decorate(evaluate: Evaluate) -> Evaluate:
        if name in _CHECKS:
            raise ValueError(f"check {name!r} is registered twice")
        summary = (evaluate.__doc__ or "").strip().splitlines()[0] if evaluate.__doc__ else ""
        _CHECKS[name] = CheckSpec(
            name=name,
            evaluate=evaluate,
            defaults=MappingProxyType({k: float(v) for k, v in defaults.items()}),
            min_frames=min_frames,
            suppresses=suppresses,
            summary=summary,
            validate=validate,
        )
        return evaluate

    return decorate


def known_checks() -> tuple[str, ...]:
    """Registered check names, in registration order (the default set)."""
    return tuple(_CHECKS)


def get_check(name: str) -> CheckSpec:
    """The spec of ``name``; :class:`ValueError` naming the known checks if there is none."""
    try:
        return _CHECKS[name]
    except KeyError:
        raise ValueError(
            f"unknown check {name!r}; known checks: {', '.join(known_checks())}"
        ) from None


@dataclass(frozen=True, slots=True)
class PlannedCheck:
    """A check to run, with its effective thresholds."""

    spec: CheckSpec
    thresholds: Mapping[str, float] = field(default_factory=dict)


def plan_checks(
    names: Iterable[str],
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    site_defaults: Mapping[str, Mapping[str, float]] | None = None,
    template: str | None = None,
) -> list[PlannedCheck]:
    """Resolve requested checks and layer thresholds: check defaults, then ``site_defaults``
    (settings), then the named ``template``'s, then ``overrides`` (the task).

    The checks are ``names``, else the template's, else (both empty) every check. Any unknown
    check, threshold or template name is a :class:`ValueError` — a typo must not silently
    keep a default.
    """
    chosen = find_template(template) if template else None
    requested = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not requested and chosen is not None:
        requested = list(chosen.checks)
    specs = [get_check(name) for name in requested or list(_CHECKS)]
    template_layer = chosen.thresholds if chosen is not None else {}
    layers = [site_defaults or {}, template_layer, overrides or {}]
    for layer in layers:
        for check_name, values in layer.items():
            spec = get_check(check_name)
            unknown = sorted(set(values) - set(spec.defaults))
            if unknown:
                raise ValueError(
                    f"unknown threshold {unknown[0]!r} for check {check_name!r}; "
                    f"known: {', '.join(spec.defaults) or 'none'}"
                )
    planned = []
    for spec in specs:
        merged = dict(spec.defaults)
        for layer in layers:
            merged.update({k: float(v) for k, v in layer.get(spec.name, {}).items()})
        if spec.validate is not None:
            try:
                spec.validate(merged)
            except ValueError as exc:
                raise ValueError(f"thresholds of check {spec.name!r}: {exc}") from None
        planned.append(PlannedCheck(spec, MappingProxyType(merged)))
    return planned
