"""Infeasibility explained with the shortfall in numbers, and allow_unserved always giving a plan.

The aggregate checks made before solving (chair hours, complex chair hours, hub doses, nurses,
budget) name what is short and by how much; with ``allow_unserved`` unserved attendances need no
chairs, doses or nurses and the access target applies to the served attendances, so a plan
exists; no explanation suggests a setting that is already on.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import models.sact
from instances import bundled_path
from models.sact.input import SactInput
from optimiser.kinds import load_instance
from optimiser.overrides import Overrides
from solvers import SolveOptions, Status
from tests.models.test_sact_diagnosis import must_open, reachable

OPTIONS = SolveOptions(gap=1e-6, threads=1)


def explanation(data: SactInput) -> tuple[str, ...]:
    plan = models.sact.solve(data, options=OPTIONS)
    assert plan.result.status is Status.INFEASIBLE and not plan.found
    return plan.explanation


def solved_with_unserved(data: SactInput) -> models.sact.Plan:
    plan = models.sact.solve(data, replace(data.parameters, allow_unserved=True), options=OPTIONS)
    assert plan.found, plan.explanation
    report = models.sact.check(data, plan)
    assert report.passed, (report.violations, report.mismatches)
    return plan


def with_nurses(data: SactInput, nurses: float) -> SactInput:
    return replace(data, nurses=pd.DataFrame({"trust": ["T1"], "nurses": [nurses]}))


def test_hub_doses_short_names_both_figures_and_unserved_takes_the_rest() -> None:
    data = reachable(require_aseptic_supply=True)  # 24 attendances, one dose each
    hubs = data.sites.copy()
    hubs.loc["S1", "hub_capacity"] = 20.0
    data = replace(data, sites=hubs)
    assert explanation(data) == (
        "aseptic hubs can prepare 20 doses a year; the demand needs 24 (4 short): raise "
        "hub_capacity or allow unserved demand (allow_unserved)",
    )
    plan = solved_with_unserved(data)
    assert plan.unserved["attendances"].sum() == pytest.approx(4.0)
    assert plan.hub_links["doses"].sum() == pytest.approx(20.0)


def test_nurses_short_of_the_chairs_demand_needs() -> None:
    data = with_nurses(reachable(chairs_per_nurse=3.5), 0.4)  # 1.4 chairs staffed, 2.4 needed
    text = explanation(data)
    assert text == (
        "demand needs 2.4 chairs (usable chair hours a year after the 100% utilisation) but the nurses, "
        "with sites of trusts not in the nurses table at their most chairs, staff at most 1.4 (1.0 short)",
    )
    plan = solved_with_unserved(data)
    assert plan.sites["chairs"].sum() == 1  # a whole chair only: 10 attendances served
    assert plan.unserved["attendances"].sum() == pytest.approx(14.0)


def test_budget_below_the_least_cost_of_the_chairs_needed() -> None:
    # 3 chairs needed; the cheapest is S3 at 10 + 200 / 3 a chair: at least 230 a year
    assert explanation(reachable(budget=200.0)) == (
        "serving all demand needs at least 3 chairs, which with the sites that must stay open cost at "
        "least £230 a year; the budget is £200 (£30 short)",
    )
    assert models.sact.solve(reachable(budget=240.0), options=OPTIONS).found  # the bound is tight here


def test_complex_chair_hours_short_at_centres() -> None:
    data = reachable(complex_share=0.5)  # 12 complex attendances; S1 and S2 may give them
    sites = data.sites.copy()
    sites["max_chairs"] = [1, 0, 3]
    text = explanation(replace(data, sites=sites))
    assert text == (
        "complex regimens need 12 chair hours a year but the cancer centres and hospital units at their "
        "most chairs give 10 (2 short)",
    )


def test_must_open_site_too_small_for_its_safe_volume() -> None:
    data = must_open(reachable(min_site_attendances=35.0), "S3")
    data = replace(data, zones=data.zones.assign(attendances=20.0))
    assert explanation(data) == (
        "site S3 must stay open and give at least 35 attendances a year (the safe minimum), which need 35 "
        "chair hours, but its 3 chairs at most give 30",
    )


def test_must_open_chairs_beyond_the_trusts_nurses_even_with_unserved_allowed() -> None:
    data = must_open(with_nurses(reachable(allow_unserved=True, chairs_per_nurse=3.5), 0.5), "S1")
    sites = data.sites.copy()
    sites.loc["S1", "min_chairs"] = 2
    text = explanation(replace(data, sites=sites))
    assert text == (
        "trust T1: its sites that must stay open need at least 2 chairs but its nurses staff 1.75 (0.25 short)",
    )


def test_jointly_infeasible_with_unserved_allowed_never_suggests_allowing_it() -> None:
    """S1 and S2 must stay open with 14 attendances each; each reaches all 24, together they need 28."""
    for allow in (False, True):
        data = must_open(reachable(min_site_attendances=14.0, allow_unserved=allow), "S1", "S2")
        (text,) = explanation(data)
        assert "together" in text and "the safe-volume minimum (14 attendances)" in text
        assert ("allow unserved demand (allow_unserved)" in text) is not allow
        assert ("already allowed" in text) is allow
        assert "access target" not in text and "budget" not in text


def test_access_target_applies_to_the_served_attendances_when_unserved_is_allowed() -> None:
    """Z4 is 100 minutes from every site: 90% within 20 minutes is out of reach unless it goes unserved."""
    from tests.models.test_sact_diagnosis import instance

    data = instance(max_travel_minutes=200.0, access_minutes=20.0, access_target=0.9, unserved_penalty=1000.0)
    assert "access target" in explanation(data)[0]
    plan = solved_with_unserved(data)
    # the 24 near attendances allow 24 / 9 far ones: the rest of Z4 goes unserved, at its penalty
    assert plan.unserved.set_index("zone_id")["attendances"].to_dict() == pytest.approx(
        {"Z4": 8.0 - 24.0 / 9}
    )
    near = plan.allocation.loc[plan.allocation["minutes"] <= 20.0, "attendances"].sum()
    assert near / plan.allocation["attendances"].sum() == pytest.approx(0.9)


def test_lsc_growth_names_the_hub_shortfall_and_solves_with_unserved_allowed() -> None:
    """lsc-sact-districts with 68% more demand: its three hubs prepare 115,000 doses a year."""
    case = load_instance(
        bundled_path("lsc-sact-districts"), overrides=Overrides(set={"demand_growth": 0.68})
    ).model_input
    plan = models.sact.solve(case.input, case.parameters, options=OPTIONS)
    assert plan.explanation == (
        "aseptic hubs can prepare 115,000 doses a year; the demand needs 141,718 (26,718 short): "
        "raise hub_capacity or allow unserved demand (allow_unserved)",
    )
    params = replace(case.parameters, allow_unserved=True)
    plan = models.sact.solve(case.input, params, options=SolveOptions(gap=0.01, threads=1))
    assert plan.found, plan.explanation
    assert models.sact.check(case.input, plan).passed
    assert plan.unserved["attendances"].sum() == pytest.approx(26_718, abs=1.0)
    assert plan.hub_links["doses"].sum() == pytest.approx(115_000, abs=1.0)
