"""The diagnosis vocabulary that workers and consoles share: checks, finding messages, templates.

It is data, not code: one TOML file per check in ``checks/`` (title, hint and the wording of
each finding in English and Chinese) and the named check sets in ``templates.toml``. A worker
words a finding from it in English (``CheckResult.message``) and tags the result with the
finding's ``code`` and ``facts``; a console words the same finding again in the operator's
language. So a finding's wording lives in one place, and a console never imports the analysis.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")
Facts = Mapping[str, float | str]

_HERE = Path(__file__).parent
CHECKS_DIR = _HERE / "checks"
TEMPLATES_FILE = _HERE / "templates.toml"
COMMON_FILE = _HERE / "common.toml"
# A fact the runner adds to a suppressing finding: the other checks were not reported.
SUPPRESSED_FACT = "others_suppressed"


class CatalogueError(ValueError):
    """A catalogue file is malformed, or a name asked for is not in it."""


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of text in every supported language."""

    en: str
    zh: str

    def get(self, language: str) -> str:
        """The text in ``language``; English for a language the catalogue does not have."""
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """What an operator is told about one check."""

    name: str
    order: int
    title: Text
    hint: Text
    findings: Mapping[str, Text]


@dataclass(frozen=True, slots=True)
class Template:
    """A named set of checks with threshold overrides (``checks`` empty: every check)."""

    name: str
    title: Text
    checks: tuple[str, ...]
    thresholds: Mapping[str, Mapping[str, float]]


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in LANGUAGES):
        raise CatalogueError(f"{where}: needs a string for each of {', '.join(LANGUAGES)}")
    return Text(en=raw["en"], zh=raw["zh"])


def _findings(raw: Any, where: str) -> Mapping[str, Text]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: findings must be a table")
    return MappingProxyType(
        {code: _text(text, f"{where} findings.{code}") for code, text in raw.items()}
    )


@cache
def _common() -> Mapping[str, Text]:
    raw = tomllib.loads(COMMON_FILE.read_text(encoding="utf-8"))
    return _findings(raw.get("findings"), COMMON_FILE.name)


def _load_check(path: Path) -> CheckInfo:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    name = path.stem
    findings = raw.get("findings", {})
    if not isinstance(findings, dict) or not findings:
        raise CatalogueError(f"{path.name}: needs at least one [findings.CODE]")
    return CheckInfo(
        name=name,
        order=int(raw.get("order", 1000)),
        title=_text(raw.get("title"), f"{path.name} title"),
        hint=_text(raw.get("hint"), f"{path.name} hint"),
        findings=_findings(findings, path.name),
    )


@cache
def _checks() -> Mapping[str, CheckInfo]:
    infos = sorted((_load_check(p) for p in CHECKS_DIR.glob("*.toml")), key=lambda i: i.order)
    return MappingProxyType({info.name: info for info in infos})


@cache
def _templates() -> Mapping[str, Template]:
    raw = tomllib.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    templates = {}
    for name, body in raw.items():
        checks = body.get("checks", [])
        thresholds = body.get("thresholds", {})
        if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
            raise CatalogueError(f"template {name!r}: checks must be a list of names")
        templates[name] = Template(
            name=name,
            title=_text(body.get("title"), f"template {name!r} title"),
            checks=tuple(checks),
            thresholds=MappingProxyType(
                {
                    check: MappingProxyType({k: float(v) for k, v in values.items()})
                    for check, values in thresholds.items()
                }
            ),
        )
    return MappingProxyType(templates)


def checks() -> tuple[CheckInfo, ...]:
    """Every check the catalogue describes, in the order operators see them."""
    return tuple(_checks().values())


def check_info(name: str) -> CheckInfo:
    """The description of check ``name``; :class:`CatalogueError` if there is none."""
    try:
        return _checks()[name]
    except KeyError:
        raise CatalogueError(f"unknown check {name!r}") from None


def templates() -> tuple[Template, ...]:
    """The named templates, in file order."""
    return tuple(_templates().values())


def template(name: str) -> Template:
    """Template ``name``; :class:`CatalogueError` naming the known ones if there is none."""
    try:
        return _templates()[name]
    except KeyError:
        known = ", ".join(_templates())
        raise CatalogueError(f"unknown template {name!r}; known templates: {known}") from None


def word(check: str, code: str, facts: Facts, language: str = "en") -> str:
    """Finding ``code`` of ``check`` worded in ``language`` with ``facts`` filled in.

    Codes shared by every check (``common.toml``: "not assessed", …) are found too, and a
    suppressing finding gets the note that the other checks were suppressed. Raises
    :class:`CatalogueError` for an unknown check or code or a missing fact, so that a check
    whose wording is wrong fails its tests instead of sending a half-filled message.
    """
    text = check_info(check).findings.get(code) or _common().get(code)
    if text is None:
        raise CatalogueError(f"check {check!r} has no finding {code!r}")
    try:
        worded = text.get(language).format(**facts)
    except (KeyError, IndexError, ValueError) as exc:
        raise CatalogueError(f"{check}.{code}: cannot fill in {exc} from {dict(facts)}") from None
    if facts.get(SUPPRESSED_FACT):
        worded += _common()[SUPPRESSED_FACT].get(language)
    return worded
