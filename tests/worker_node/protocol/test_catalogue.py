"""The shared check catalogue: every entry is complete and words its findings in both languages."""

from __future__ import annotations

import string

import pytest

from worker_node.protocol import catalogue
from worker_node.protocol.catalogue import CatalogueError, check_info, template, word


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("info", catalogue.checks(), ids=lambda i: i.name)
def test_each_finding_names_the_same_facts_in_both_languages(info: catalogue.CheckInfo) -> None:
    for code, text in info.findings.items():
        assert _fields(text.en) == _fields(text.zh), f"{info.name}.{code}"
        assert any(ord(ch) > 0x2E80 for ch in text.zh), f"{info.name}.{code}: no Chinese text"
    assert info.title.zh != info.title.en


def test_word_fills_in_facts_in_the_language_asked_for() -> None:
    facts = {"value": 12.4, "low": 30.0, "high": 220.0}
    assert word("brightness", "too_dark", facts) == "too dark: mean grey 12 (normal 30–220)"
    assert word("brightness", "too_dark", facts, "zh").startswith("画面过暗")
    assert word("brightness", "too_dark", facts, "fr") == word("brightness", "too_dark", facts)


def test_common_findings_and_the_suppression_note() -> None:
    assert word("freeze", "not_assessed", {"needed": 2, "got": 1}).startswith("not assessed")
    worded = word("signal_loss", "lost", {"lost": 5, "total": 5, "others_suppressed": 1})
    assert worded.endswith("; other checks suppressed")


@pytest.mark.parametrize(
    ("check", "code", "facts", "error"),
    [
        ("brightness", "too_dark", {"value": 1.0}, "cannot fill in"),
        ("brightness", "purple", {}, "no finding 'purple'"),
        ("nonsense", "x", {}, "unknown check 'nonsense'"),
    ],
)
def test_wording_errors_are_clear(check: str, code: str, facts: dict, error: str) -> None:
    with pytest.raises(CatalogueError, match=error):
        word(check, code, facts)


def test_templates_are_found_by_name_and_an_unknown_one_lists_the_known() -> None:
    quick = template("quick")
    assert "clarity" in quick.checks and quick.title.zh
    assert template("low_light").thresholds["brightness"]["min_mean"] == 15
    with pytest.raises(CatalogueError, match="known templates: nightly"):
        template("weekly")


def test_check_info_of_an_unknown_check_is_an_error() -> None:
    with pytest.raises(CatalogueError, match="unknown check"):
        check_info("ptz")
