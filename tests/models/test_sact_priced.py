"""The priced path of the SACT model (models.sact_large) against the enumerated optima.

Forced on every hand-made case (``method="priced"``) it must reach the same optimum as the direct
path; with its last, whole-model stage switched off it must still return plans of the whole model
and a bound that never exceeds the true optimum.
"""

from __future__ import annotations

import math

import pytest

import models.sact_large as sact_large
from instances.generators.sact import generate
from models.checks.sact import check_sact_plan
from models.sact import solve_sact
from models.sact_data import prepare
from models.sact_large import PRICED_PATH_ARCS, use_priced_path
from optimiser.kinds import get_kind
from optimiser.kinds.base import input_from_tables
from solvers import SolveOptions, Status
from tests.models.test_sact_enumeration import CASES, EXACT, optimum


@pytest.mark.parametrize("name", list(CASES))
def test_priced_path_matches_enumeration(name: str) -> None:
    data = CASES[name].data
    plan = solve_sact(data, "highs", EXACT, method="priced")
    assert plan.result.status is Status.OPTIMAL, (plan.result.message, plan.explanation)
    assert plan.result.objective == pytest.approx(optimum(name), rel=1e-6, abs=1e-6)
    assert plan.result.bound <= optimum(name) * (1 + 1e-6) + 1e-6
    assert "relaxation by pricing" in plan.result.message
    report = check_sact_plan(data, plan)
    assert report.violations == []


@pytest.mark.parametrize("name", list(CASES))
def test_restricted_stages_give_plans_and_a_valid_bound(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the whole-model stage: any plan is a plan of the whole model, the bound is valid."""
    monkeypatch.setattr(sact_large, "FULL_MODEL_ARCS", 0)
    monkeypatch.setattr(sact_large, "NEAREST", 1)
    data = CASES[name].data
    plan = solve_sact(data, "highs", EXACT, method="priced")
    best = optimum(name)
    assert plan.result.bound is not None
    assert plan.result.bound <= best * (1 + 1e-6) + 1e-6
    if plan.found:
        assert plan.result.objective >= best * (1 - 1e-6) - 1e-6
        assert plan.result.gap == pytest.approx(
            (plan.result.objective - plan.result.bound) / plan.result.objective
        )
        report = check_sact_plan(data, plan)
        assert report.violations == []
        assert report.objective == pytest.approx(plan.result.objective, rel=1e-6)


def test_method_choice() -> None:
    data = CASES["capacity"].data
    arrays = prepare(data)
    assert not use_priced_path(arrays, data.parameters)  # a few arcs: direct
    assert use_priced_path(arrays, data.parameters, "priced")
    assert not use_priced_path(arrays, data.parameters, "direct")
    assert len(arrays.arc_dem) < PRICED_PATH_ARCS
    strong_up_front = data.parameters.__class__(strong_linking=True, lazy_linking=False)
    assert not use_priced_path(arrays, strong_up_front, "priced")
    with pytest.raises(ValueError, match="method"):
        use_priced_path(arrays, data.parameters, "fast")


def test_infeasible_instance_is_reported() -> None:
    """Budget too small for any plan (not caught before solving): infeasible, no plan."""
    data = CASES["budget_travel"].data
    tight = data.__class__(
        data.zones,
        data.sites,
        data.travel,
        data.site_travel,
        data.parameters.__class__(**{**data.parameters.__dict__, "budget": 150.0}),
        data.nurses,
        data.name,
    )
    plan = solve_sact(tight, "highs", EXACT, method="priced")
    direct = solve_sact(tight, "highs", EXACT, method="direct")
    assert direct.result.status is Status.INFEASIBLE
    assert plan.result.status is Status.INFEASIBLE and not plan.found


def test_plan_at_a_short_time_limit_on_a_medium_instance() -> None:
    inst = generate(zones=400, sites=30, seed=2)
    data = input_from_tables(get_kind("sact"), inst.tables, inst.parameters, inst.name)
    plan = solve_sact(data, "highs", SolveOptions(time_limit=8.0, gap=0.01, threads=1), method="priced")
    assert plan.found, plan.result.message
    assert plan.result.solve_seconds < 20.0
    assert plan.result.bound is not None and math.isfinite(plan.result.gap)
    assert check_sact_plan(data, plan).violations == []
    exact = solve_sact(data, "highs", SolveOptions(gap=1e-6, threads=1), method="direct")
    assert plan.result.bound <= exact.result.objective * (1 + 1e-7)
    assert plan.result.objective >= exact.result.bound * (1 - 1e-7)
