"""docs/diagnosis.md lists every check, threshold and template that the code ships."""

from __future__ import annotations

from pathlib import Path

from worker_node.analysis import known_checks
from worker_node.analysis.registry import get_check
from worker_node.protocol import catalogue

DOC = Path(__file__).resolve().parent.parent / "docs" / "diagnosis.md"


def test_every_check_and_threshold_is_documented_with_its_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in known_checks():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{name}`")), None)
        assert row is not None, f"check {name} is not in docs/diagnosis.md"
        for key, default in get_check(name).defaults.items():
            assert f"`{key}` {default:g}" in row, f"{name}.{key} default {default:g} not in the doc"


def test_every_template_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for template in catalogue.templates():
        assert f"| `{template.name}` |" in text
