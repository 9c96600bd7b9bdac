"""Access targets of their own per deprivation quintile (issue 13 item 5), solved by hand.

The three-zone instance of tests/conftest.py (Z1 quintile 1, Z2 quintile 2, Z3 quintile 3) with a
third site C 5 minutes from Z2 (fixed £20,000, one chair) and a 12-minute standard: the optimum
(£37,000) serves Z2 from B at 15 minutes, so quintile 2 has 0 % within the standard. Asking 100 %
for quintile 2 alone opens C: 10,000 + 4,000 + 20,000 + 3 x 5,000 + 6,000 + 300 x 5 + 2,500 = £59,000.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import models.sact
from optimiser.kinds import load_instance
from solvers import SolveOptions
from tests.conftest import with_clinic

EXACT = SolveOptions(gap=0.0)


@pytest.fixture
def three_sites(tiny_instance: Path) -> models.sact.Input:
    with_clinic(tiny_instance)
    return load_instance(tiny_instance).model_input.input


def test_a_quintile_target_binds_alone(three_sites: models.sact.Input) -> None:
    assert models.sact.solve(three_sites, options=EXACT).result.objective == pytest.approx(37000.0)
    params = replace(three_sites.parameters, access_target_q2=1.0)
    plan = models.sact.solve(three_sites, params, options=EXACT)
    assert plan.result.objective == pytest.approx(59000.0)
    q2 = plan.access_by_quintile.set_index("quintile").loc[2]
    assert q2["mean_minutes"] == pytest.approx(5.0)
    assert models.sact.check(three_sites, plan).passed


def test_the_checker_holds_a_plan_to_its_quintile_targets(three_sites: models.sact.Input) -> None:
    plan = models.sact.solve(three_sites, options=EXACT)  # quintile 2 at 0 % within 12 min
    strict = replace(plan, parameters=replace(plan.parameters, access_target_q2=0.5))
    report = models.sact.check(three_sites, strict)
    assert any("deprivation quintile 2" in v and "target 50.00%" in v for v in report.violations)


def test_an_unreachable_quintile_target_is_named_before_solving(three_sites: models.sact.Input) -> None:
    params = replace(three_sites.parameters, access_target_q1=1.0, access_minutes=8.0)
    plan = models.sact.solve(three_sites, params, options=EXACT)
    assert not plan.found
    assert any("deprivation quintile 1" in line for line in plan.explanation)


def test_access_targets_combine_overall_and_own() -> None:
    p = models.sact.Parameters(access_target=0.9, access_by_quintile=True, access_target_q1=0.97)
    assert p.access_targets() == {0: 0.9, 1: 0.97, 2: 0.9, 3: 0.9, 4: 0.9, 5: 0.9}
    assert models.sact.Parameters(access_target_q3=0.8).access_targets() == {3: 0.8}
