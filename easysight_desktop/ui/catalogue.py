"""The diagnosis checks and templates the operator sees, in the operator's language.

Everything comes from the shared protocol catalogue (``worker_node.protocol.catalogue``), so a
check added there appears in the console without a change here. The language is chosen once at
start (setting ``language``: ``auto`` follows the system locale) with :func:`set_language`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale

from worker_node.protocol import catalogue
from worker_node.protocol.catalogue import CatalogueError, CheckInfo, Facts, Template

log = logging.getLogger(__name__)

_language: str = "en"


def resolve_language(setting: str) -> str:
    """``en`` or ``zh`` for the setting; ``auto`` reads the system locale (Chinese → zh)."""
    if setting in catalogue.LANGUAGES:
        return setting
    return "zh" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def set_language(setting: str) -> str:
    """Word checks and findings in this language from now on; returns the one chosen."""
    global _language
    _language = resolve_language(setting)
    return _language


def language() -> str:
    return _language


def checks() -> tuple[CheckInfo, ...]:
    """Every check of the catalogue, in the order operators see them."""
    return catalogue.checks()


def check_names() -> tuple[str, ...]:
    return tuple(info.name for info in catalogue.checks())


def _info(name: str) -> CheckInfo | None:
    try:
        return catalogue.check_info(name)
    except CatalogueError:
        return None


def check_label(name: str) -> str:
    """The check's title; the wire name itself for one this console's catalogue lacks."""
    info = _info(name)
    return info.title.get(_language) if info is not None else name


def check_hint(name: str) -> str:
    info = _info(name)
    return info.hint.get(_language) if info is not None else ""


def templates() -> tuple[Template, ...]:
    return catalogue.templates()


def template_label(name: str) -> str:
    """A template's title; its name for one this console does not know (another version)."""
    try:
        return catalogue.template(name).title.get(_language)
    except CatalogueError:
        return name


def template_checks(template: Template) -> tuple[str, ...]:
    """The checks a template runs (an empty list in the catalogue means every check)."""
    return template.checks or check_names()


def finding(check: str, code: str | None, facts: Facts, message: str) -> str:
    """The finding worded in the operator's language; the worker's English ``message`` when
    there is no code (an older worker) or this catalogue cannot word it (a newer one)."""
    if not code:
        return message
    try:
        return catalogue.word(check, code, facts, _language)
    except CatalogueError as exc:
        log.debug("finding shown as sent: %s", exc)
        return message
