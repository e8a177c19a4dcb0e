"""The registered checks and the shared catalogue describe the same set, templates included."""

from __future__ import annotations

import pytest

from worker_node.analysis import known_checks
from worker_node.analysis.registry import get_check, plan_checks
from worker_node.protocol import catalogue


def test_every_registered_check_is_in_the_catalogue_and_back() -> None:
    assert sorted(known_checks()) == sorted(info.name for info in catalogue.checks())


@pytest.mark.parametrize("tpl", catalogue.templates(), ids=lambda t: t.name)
def test_every_template_plans_cleanly(tpl: catalogue.Template) -> None:
    planned = plan_checks([], template=tpl.name)
    assert [p.spec.name for p in planned] == list(tpl.checks or known_checks())
    for check, values in tpl.thresholds.items():
        assert set(values) <= set(get_check(check).defaults)


def test_task_checks_and_thresholds_win_over_the_template() -> None:
    planned = plan_checks(["brightness"], {"brightness": {"min_mean": 20}}, template="low_light")
    assert [p.spec.name for p in planned] == ["brightness"]
    assert planned[0].thresholds["min_mean"] == 20
    template_only = plan_checks([], template="low_light")
    assert {p.spec.name: p for p in template_only}["brightness"].thresholds["min_mean"] == 15


def test_an_unknown_template_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown template 'weekly'"):
        plan_checks([], template="weekly")
