"""Infeasible SACT instances are explained in planners' words; time-limited solves never crash."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from models.sact.arrays import prepare
from models.sact.check import check_sact_plan
from models.sact.diagnose import unproven_gap, unserved_reasons
from models.sact.input import SactInput, SactParameters
from models.sact.solve import closed_sites, jointly_infeasible, solve_sact
from solvers import SolveOptions, SolveResult, Status, available_backends

BACKENDS = available_backends()

# zones x sites minutes: Z4 is 100-120 minutes from every site
MINUTES = np.array(
    [
        [10.0, 35.0, 60.0],
        [25.0, 15.0, 50.0],
        [55.0, 40.0, 20.0],
        [100.0, 110.0, 120.0],
    ]
)
HUB_MINUTES = {("S1", "S2"): 30.0, ("S1", "S3"): 150.0}


def instance(
    minutes: np.ndarray = MINUTES, attendances: list[float] | None = None, **params: object
) -> SactInput:
    """Three sites (S1 a hub cancer centre, S2 a hospital unit, S3 a community site), len(minutes) zones.

    One chair serves 10 attendances a year; every site may have up to 3 chairs.
    """
    nz, ns = minutes.shape
    zone_ids = [f"Z{i + 1}" for i in range(nz)]
    site_ids = [f"S{j + 1}" for j in range(ns)]
    zones = pd.DataFrame(
        {
            "attendances": attendances or [8.0] * nz,
            "quintile": [1 + i % 2 for i in range(nz)],
            "population": 0,
        },
        index=pd.Index(zone_ids, name="zone_id"),
    )
    sites = pd.DataFrame(
        {
            "name": site_ids,
            "trust": "T1",
            "type": [("cancer_centre", "hospital_unit", "community_site")[j % 3] for j in range(ns)],
            "existing": True,
            "current_chairs": 0,
            "min_chairs": 0,
            "max_chairs": 3,
            "fixed_cost": [(500.0, 300.0, 200.0)[j % 3] for j in range(ns)],
            "chair_cost": 10.0,
            "is_hub": [j == 0 for j in range(ns)],
            "hub_capacity": [1000.0 if j == 0 else 0.0 for j in range(ns)],
            "must_open": False,
        },
        index=pd.Index(site_ids, name="site_id"),
    )
    travel = pd.DataFrame(
        {
            "zone_id": np.repeat(zone_ids, ns),
            "site_id": np.tile(site_ids, nz),
            "minutes": minutes.ravel(),
        }
    )
    site_travel = pd.DataFrame(
        [(h, s, m) for (h, s), m in HUB_MINUTES.items()], columns=["from_site", "to_site", "minutes"]
    )
    base = SactParameters(
        chair_hours_per_day=10.0,
        days_per_week=1.0,
        weeks_per_year=1.0,
        utilisation=1.0,
        mean_chair_hours=1.0,
        complex_share=0.0,
        require_aseptic_supply=False,
    )
    return SactInput(zones, sites, travel, site_travel, replace(base, **params))


def reachable(**params: object) -> SactInput:
    """The first three zones only: every one of them can be served."""
    return instance(MINUTES[:3], **params)


def must_open(data: SactInput, *site_ids: str) -> SactInput:
    sites = data.sites.copy()
    sites.loc[list(site_ids), "must_open"] = True
    return replace(data, sites=sites)


def explained(data: SactInput, backend: str = "highs") -> str:
    """Solve ``data``, expect INFEASIBLE with no plan, return the explanation as one string."""
    plan = solve_sact(data, backend)
    assert plan.result.status is Status.INFEASIBLE
    assert not plan.found
    assert plan.sites.empty and plan.allocation.empty
    assert plan.explanation
    return " | ".join(plan.explanation)


def test_feasible_base_instance_solves() -> None:
    data = reachable(require_aseptic_supply=True)
    plan = solve_sact(data)
    assert plan.result.status is Status.OPTIMAL
    assert check_sact_plan(data, plan).violations == []


def test_zone_beyond_travel_limit_names_zone_and_minutes_over() -> None:
    text = explained(instance(max_travel_minutes=90.0))
    assert "zone Z4" in text
    assert "90-minute" in text
    assert "S1 at 100 min" in text
    assert "10 min over" in text
    for zone in ("Z1", "Z2", "Z3"):
        assert f"zone {zone}" not in text


def test_a_zone_just_beyond_the_travel_limit_is_told_to_the_tenth_of_a_minute() -> None:
    """S1 is 100 minutes from Z4: 0.16 over a 99.84-minute limit, which whole minutes hid as 0."""
    text = explained(instance(max_travel_minutes=99.84))
    assert "(nearest S1 at 100.0 min, 0.2 min over)" in text


def test_zone_beyond_limit_is_served_when_unserved_is_allowed() -> None:
    data = instance(max_travel_minutes=90.0, allow_unserved=True, unserved_penalty=50.0)
    plan = solve_sact(data)
    assert plan.result.status is Status.OPTIMAL
    assert plan.unserved.set_index("zone_id")["attendances"].to_dict() == pytest.approx({"Z4": 8.0})
    assert check_sact_plan(data, plan).violations == []


def test_complex_demand_beyond_limit_of_any_centre() -> None:
    """Z3 reaches the community site S3 in 20 minutes but no centre within 30."""
    text = explained(reachable(max_travel_minutes=30.0, complex_share=0.5))
    assert "zone Z3" in text
    assert "centre or hospital unit" in text
    assert "S2 at 40 min" in text
    assert "10 min over" in text


def test_unreachable_access_target_names_share_and_target() -> None:
    # within 20 minutes: Z1 (S1, 10 min), Z2 (S2, 15), Z3 (S3, 20) -> 3 of 4 zones = 75%
    text = explained(instance(max_travel_minutes=200.0, access_minutes=20.0, access_target=0.9))
    assert "access target" in text
    assert "75.0%" in text
    assert "90%" in text


def test_unreachable_access_target_by_quintile() -> None:
    # quintile 2 is Z2 and Z4: only Z2 within 20 minutes -> 50%; overall 75% meets 70%
    data = instance(max_travel_minutes=200.0, access_minutes=20.0, access_target=0.7, access_by_quintile=True)
    text = explained(data)
    assert "deprivation quintile 2" in text
    assert "50.0%" in text
    assert "70%" in text
    assert "quintile 1" not in text


def test_access_target_beyond_the_chairs_within_the_standard_names_them() -> None:
    """Quintile 2 is Z2 alone (40 attendances), within 20 minutes of S2 only (15 min), whose 3
    chairs treat 30 a year: at most 75 % of quintile 2 within 20 minutes, below its own 90 %.
    Every zone is within 20 minutes of some site, so the reach test alone finds nothing."""
    data = reachable(attendances=[8.0, 40.0, 8.0], access_minutes=20.0, access_target_q2=0.9)
    text = explained(data)
    assert (
        "access target: the sites within 20 min of deprivation quintile 2 (S2) have at most 3 chairs, "
        "which treat at most 30 of its 40 attendances a year (75.0%), below the target 90%"
    ) in text
    assert "together" not in text
    assert solve_sact(replace(data, parameters=replace(data.parameters, access_target_q2=0.75))).found


def test_jointly_infeasible_names_every_access_target_in_force() -> None:
    text = jointly_infeasible(SactParameters(access_target=0.95, access_target_q3=0.8))
    assert "the access targets (95% of all attendances, 80% of quintile 3 within 30 min)" in text
    assert "the access target (90% of all attendances within 30 min)" in jointly_infeasible(
        SactParameters(access_target=0.9)
    )


def test_must_open_site_without_hub_within_stability_time() -> None:
    data = must_open(reachable(require_aseptic_supply=True, drug_stability_minutes=120.0), "S3")
    text = explained(data)
    assert "site S3 must stay open" in text
    assert "120-minute drug-stability" in text


def test_budget_below_cost_of_must_open_sites() -> None:
    data = must_open(reachable(budget=600.0), "S1", "S2")
    text = explained(data)
    assert "£800" in text
    assert "£600" in text


def test_too_many_must_open_sites() -> None:
    data = must_open(reachable(max_open_sites=2), "S1", "S2", "S3")
    text = explained(data)
    assert "3 sites must stay open" in text
    assert "at most 2" in text
    assert "1 too many" in text


def test_capacity_short() -> None:
    # 3 zones x 40 attendances = 120 chair hours; 3 sites x 3 chairs x 10 hours = 90
    text = explained(reachable(attendances=[40.0, 40.0, 40.0]))
    assert "120 chair hours" in text
    assert "gives 90" in text
    assert "30 short" in text


@pytest.mark.parametrize("backend", BACKENDS)
def test_jointly_infeasible_requirements_are_reported_by_the_solver(backend: str) -> None:
    """Each rule can be met alone, not together: the budget pays for two sites at most (S2 and S3),
    but 90% within 20 minutes needs every zone's nearest site, S1, S2 and S3."""
    data = reachable(budget=600.0, access_minutes=20.0, access_target=0.9)
    plan = solve_sact(data, backend)
    assert plan.result.status is Status.INFEASIBLE
    assert not plan.found
    assert plan.explanation and "together" in plan.explanation[0]


def test_must_open_hub_without_chairs_is_feasible() -> None:
    data = must_open(reachable(require_aseptic_supply=True), "S1")
    sites = data.sites.copy()
    sites.loc["S1", "max_chairs"] = 0
    data = replace(data, sites=sites)
    plan = solve_sact(data)
    assert plan.result.status is Status.OPTIMAL, plan.explanation
    assert check_sact_plan(data, plan).violations == []


def _hard_instance() -> SactInput:
    """60 zones, 15 sites, single-sourced, tight chairs: minutes to prove optimal, not seconds."""
    rng = np.random.default_rng(1)
    z = rng.uniform(0, 60, (60, 2))
    s = rng.uniform(0, 60, (15, 2))
    minutes = np.round(np.hypot(*(z[:, None, :] - s[None, :, :]).transpose(2, 0, 1))) + 5
    att = rng.integers(5, 40, 60).astype(float)
    data = instance(
        minutes,
        att.tolist(),
        single_source=True,
        max_travel_minutes=60.0,
        chair_hours_per_day=float(np.ceil(att.sum() * 1.4 / (2.5 * 15))),
    )
    sites = pd.DataFrame(
        {
            "name": [f"S{j + 1}" for j in range(15)],
            "trust": "T1",
            "type": "cancer_centre",
            "existing": True,
            "current_chairs": 0,
            "min_chairs": 0,
            "max_chairs": rng.integers(1, 5, 15),
            "fixed_cost": rng.integers(200, 900, 15).astype(float),
            "chair_cost": 30.0,
            "is_hub": False,
            "hub_capacity": 0.0,
            "must_open": False,
        },
        index=pd.Index([f"S{j + 1}" for j in range(15)], name="site_id"),
    )
    return replace(data, sites=sites)


@pytest.mark.parametrize("backend", BACKENDS)
def test_spent_time_limit_gives_no_plan_and_says_why(backend: str) -> None:
    """A run whose deadline is spent before the solve: no plan, explained as the time limit."""
    data = _hard_instance()
    plan = solve_sact(data, backend, SolveOptions(deadline=time.monotonic() - 1.0))
    assert plan.result.status is Status.NO_SOLUTION
    assert not plan.found
    assert "time limit" in plan.explanation[0]


def test_stopped_solve_returns_a_checked_plan_with_an_honest_gap() -> None:
    """Stopped at its first plan (deterministic, one thread): a plan that passes the checker, a
    valid bound below it and a positive gap, reported as feasible, not optimal."""
    data = _hard_instance()
    options = SolveOptions(threads=1, seed=1, extra={"mip_max_improving_sols": 1})
    plan = solve_sact(data, "highs", options)
    assert plan.result.status is Status.FEASIBLE
    assert plan.found
    assert check_sact_plan(data, plan).violations == []
    assert plan.result.bound is not None and plan.result.gap is not None
    assert 0 < plan.result.gap < 1
    assert plan.result.bound < plan.result.objective


def test_must_open_site_below_safe_volume_is_explained() -> None:
    """A must-open site that cannot reach the safe minimum activity is named with the shortfall."""
    zones = pd.DataFrame(
        {"attendances": [600.0, 300.0], "quintile": [1, 2], "population": [1000, 1000]},
        index=pd.Index(["Z1", "Z2"], name="zone_id"),
    )
    sites = pd.DataFrame(
        {
            "name": ["Centre", "Unit"],
            "trust": ["T", "T"],
            "type": ["cancer_centre", "hospital_unit"],
            "existing": [True, True],
            "current_chairs": [1, 1],
            "min_chairs": [0, 0],
            "max_chairs": [5, 5],
            "fixed_cost": [0.0, 0.0],
            "chair_cost": [0.0, 0.0],
            "is_hub": [False, False],
            "hub_capacity": [0.0, 0.0],
            "must_open": [True, False],
        },
        index=pd.Index(["A", "B"], name="site_id"),
    )
    travel = pd.DataFrame(
        {"zone_id": ["Z1", "Z2", "Z2"], "site_id": ["B", "A", "B"], "minutes": [10.0, 20.0, 30.0]}
    )
    data = SactInput(
        zones,
        sites,
        travel,
        pd.DataFrame(columns=["from_site", "to_site", "minutes"]),
        SactParameters(require_aseptic_supply=False, min_site_attendances=500, complex_share=0.0),
    )
    plan = solve_sact(data)
    assert plan.result.status is Status.INFEASIBLE
    assert plan.explanation == (
        "site A must stay open but only 300 attendances a year live within reach of it, below the safe "
        "minimum of 500 (200 short)",
    )


def test_open_site_limit_short_of_chairs_names_the_sites_and_the_shortfall() -> None:
    """36 attendances need 36 chair hours; every site holds 30 (3 chairs x 10 hours), all three
    90: one site open cannot serve them.  This was reported as 'no single requirement is
    impossible on its own' (the capacity test ignored the open-site limit)."""
    text = explained(reachable(attendances=[12.0, 12.0, 12.0], max_open_sites=1))
    assert "at most 1 site open" in text
    assert "hold 3 chairs, 30 usable chair hours (6 short)" in text
    assert "together" not in text


def test_new_site_limit_short_of_chairs() -> None:
    """S2 and S3 are new; with no new site allowed only S1's 3 chairs (30 hours) are left for 36."""
    data = reachable(attendances=[12.0, 12.0, 12.0], max_new_sites=0)
    sites = data.sites.copy()
    sites.loc[["S2", "S3"], "existing"] = False
    text = explained(replace(data, sites=sites))
    assert "at most 0 new" in text and "(S1)" in text and "6 short" in text


def test_open_site_limit_with_capacity_enough_is_not_named() -> None:
    plan = solve_sact(reachable(attendances=[12.0, 12.0, 12.0], max_open_sites=2))
    assert plan.result.status is Status.OPTIMAL
    assert not any("open-site limits" in line for line in plan.explanation)


def test_access_target_is_never_rounded_up_in_the_explanation() -> None:
    """A 99.9% target was written 'the target 100%'."""
    text = explained(instance(max_travel_minutes=200.0, access_minutes=20.0, access_target=0.999))
    assert "below the target 99.9%" in text and "100%" not in text


def test_a_plan_with_unserved_demand_says_why() -> None:
    """With allow_unserved a plan once left 19% of lsc-sact-districts' demand unserved (growth-68)
    with an empty explanation; the aseptic hubs' doses were the limit.  Here S1, the only hub,
    prepares 20 doses a year for 24 attendances."""
    data = reachable(require_aseptic_supply=True, allow_unserved=True, unserved_penalty=50.0)
    sites = data.sites.copy()
    sites.loc["S1", "hub_capacity"] = 20.0
    plan = solve_sact(replace(data, sites=sites))
    assert plan.result.status is Status.OPTIMAL
    assert plan.unserved["attendances"].sum() == pytest.approx(4.0)
    assert list(plan.explanation) == [
        "demand left unserved: aseptic hubs can prepare 20 doses a year; the demand needs 24 "
        "(4 short): raise hub_capacity"
    ]


def test_unserved_demand_without_a_limit_is_said_to_be_a_choice() -> None:
    """Every zone is within the 200-minute limit and the chairs and hubs are enough, but a penalty
    of 10 an attendance is cheaper than serving it (Z4 alone travels 100 minutes)."""
    data = instance(max_travel_minutes=200.0, allow_unserved=True, unserved_penalty=10.0)
    plan = solve_sact(data)
    assert "Z4" in plan.unserved["zone_id"].tolist()
    assert len(plan.explanation) == 1 and "cost more than its penalty" in plan.explanation[0]
    assert "stopped before" not in plan.explanation[0]  # proven optimal: cost is the reason


def test_unserved_demand_of_an_unproven_plan_may_be_the_time_not_a_choice() -> None:
    """lsc-sact-rollout at +30 % with allow_unserved stopped at 40 s with a 13 % gap and said its
    3,369 unserved attendances would cost more than their penalty to serve: a plan serving them
    may exist that the solve did not reach."""
    data = instance(max_travel_minutes=200.0, allow_unserved=True, unserved_penalty=10.0)
    arrays = prepare(data)
    (choice,) = unserved_reasons(data, arrays, None)
    (stopped,) = unserved_reasons(data, arrays, 0.1334)
    assert (
        stopped
        == choice
        + ", or the solve stopped before finding a plan that serves it (gap 13.34%: allow more time)"
    )
    (unbounded,) = unserved_reasons(
        data, arrays, unproven_gap(SolveResult(Status.FEASIBLE, 5.0, None, None, 0.0, 1.0, "highs"))
    )
    assert unbounded.endswith("(gap unknown: allow more time)")
    assert unproven_gap(SolveResult(Status.OPTIMAL, 5.0, 5.0, 0.0, 0.0, 1.0, "highs")) is None


def test_a_plan_serving_everyone_has_no_explanation() -> None:
    assert solve_sact(reachable(allow_unserved=True)).explanation == ()


def test_a_closed_hub_prepares_no_doses_in_the_diagnosis() -> None:
    """syb-sact-districts with --close RHQWP (most chairs 0; the safe volume keeps it shut) was
    explained as 'no single requirement is impossible on its own': the hub test still counted the
    closed hub's 80,000 doses.  Here S1, the only hub, is closed the same way."""
    data = reachable(require_aseptic_supply=True, min_site_attendances=5.0)
    sites = data.sites.copy()
    sites.loc["S1", "max_chairs"] = 0
    sites.loc["S2", "is_hub"] = True
    sites.loc["S2", "hub_capacity"] = 10.0
    text = explained(replace(data, sites=sites))
    assert "aseptic hubs can prepare 10 doses a year (not counting S1" in text
    assert "needs 24 (14 short)" in text and "together" not in text


def test_a_hub_closed_by_must_close_is_named_closed_even_without_a_safe_volume() -> None:
    """--close RTX02 with min_site_attendances 0 left the hub open with no chairs, preparing doses
    for three sites; the diagnosis now leaves a closed hub's doses out and says it is closed."""
    data = reachable(require_aseptic_supply=True, min_site_attendances=0.0)
    sites = data.sites.copy()
    sites["must_close"] = False
    sites.loc["S1", "must_close"] = True
    sites.loc["S2", "is_hub"] = True
    sites.loc["S2", "hub_capacity"] = 10.0
    text = explained(replace(data, sites=sites))
    assert (
        "aseptic hubs can prepare 10 doses a year (not counting S1: closed (must_close, or --close))" in text
    )
    assert "needs 24 (14 short)" in text and "safe minimum" not in text


def test_chairs_no_hub_can_supply_in_time_are_not_counted() -> None:
    """Only S1 and S2 are within the 60-minute drug-stability time of the hub (S3 is 150 away):
    75 chair hours needed, 90 at every site's most chairs but 60 at the two that can open.  The
    drug-stability limit was explained as 'no single requirement is impossible on its own'."""
    data = reachable(attendances=[25.0, 25.0, 25.0], require_aseptic_supply=True, drug_stability_minutes=60.0)
    text = explained(data)
    assert (
        "demand needs 75 chair hours a year but the sites an aseptic hub can supply within the "
        "60-minute drug-stability time give 60 at their most chairs (15 short;" in text
    )
    assert "no hub reaches S3 in time, so they cannot open: raise drug_stability_minutes" in text
    assert "together" not in text
    assert "drug-stability" not in " ".join(
        solve_sact(
            reachable(
                attendances=[20.0, 20.0, 20.0], require_aseptic_supply=True, drug_stability_minutes=60.0
            ),
            "highs",
        ).explanation
    )


def test_a_travel_limit_below_the_standard_is_not_blamed_on_the_access_target() -> None:
    """Z2 and Z3 live 15 and 20 minutes from a site: within the 20-minute standard, beyond the
    12-minute travel limit. The travel limit is the cause, named by zone; the explanation said too
    that at most 33.3 % of attendances could be within 20 minutes of any candidate site (100 % can)."""
    data = reachable(max_travel_minutes=12.0, access_minutes=20.0, access_target=0.9)
    text = explained(data)
    assert "zone Z2" in text and "zone Z3" in text
    assert "access target" not in text
    assert solve_sact(replace(data, parameters=replace(data.parameters, max_travel_minutes=20.0))).found


def test_a_zone_beyond_the_travel_limit_is_told_its_nearest_site_that_may_open() -> None:
    """--close RXR20 with a 20-minute limit on lsc-sact-districts named 'nearest RXR20 at 6.9 min,
    -13.1 min over' for Blackburn: the closed site. S1, 100 minutes from Z4, is closed here."""
    data = instance(max_travel_minutes=90.0)
    sites = data.sites.copy()
    sites["must_close"] = False
    sites.loc["S1", "must_close"] = True
    text = explained(replace(data, sites=sites))
    assert "(nearest S2 at 110 min, 20 min over; closed (must_close, or --close): S1 at 100.0 min)" in text


def test_a_must_open_site_without_chairs_is_not_said_to_have_no_one_within_reach() -> None:
    """Clitheroe forced open with no chairs and a safe volume was said to have '0 attendances a year
    within reach' as well as too few chairs: zones do live within reach of it; its chairs are the cause."""
    data = must_open(reachable(min_site_attendances=5.0), "S3")
    sites = data.sites.copy()
    sites.loc["S3", "max_chairs"] = 0
    text = explained(replace(data, sites=sites))
    assert "site S3 must stay open and give at least 5 attendances a year (the safe minimum)" in text
    assert "within reach" not in text


def test_jointly_infeasible_names_single_sourcing_and_never_a_zero_target() -> None:
    """lsc-sact-districts with demand_growth 1.44, single_source, no aseptic supply, no safe volume
    and access_target 0 has no plan, and has one without single sourcing: the explanation told the
    user to relax 'the access target (0% of all attendances within 30 min)' and never named single
    sourcing."""
    text = jointly_infeasible(
        SactParameters(single_source=True, access_target=0.0, require_aseptic_supply=False)
    )
    assert "single sourcing (single_source" in text
    assert "access target" not in text


def test_jointly_infeasible_names_the_travel_limit_and_the_complex_regimens() -> None:
    """lsc-sact-districts with growth 0.8, a 36-minute travel limit and neither aseptic supply, safe
    volume nor access target has no plan, and has one at 40 minutes: the explanation named only
    'the chairs, nurses or must-open sites'."""
    text = jointly_infeasible(
        SactParameters(max_travel_minutes=36.0, access_target=0.0, require_aseptic_supply=False)
    )
    assert "the 36-minute travel limit" in text
    assert "the complex regimens (30% of attendances) kept at centres and hospital units" in text
    assert "complex regimens" not in jointly_infeasible(SactParameters(complex_share=0.0))


def test_closing_the_only_hub_is_not_blamed_on_the_drug_stability_time() -> None:
    """regret on an imported ICB forced its only hub (Royal Preston) closed and was told 'no hub
    reaches BB23HH, FY38NR, LA144LF, LA14RP in time, so they cannot open: raise
    drug_stability_minutes': no stability time helps when no hub may open at all."""
    data = reachable(require_aseptic_supply=True, min_site_attendances=0.0)
    sites = data.sites.copy()
    sites["must_close"] = False
    sites.loc["S1", "must_close"] = True
    text = explained(replace(data, sites=sites))
    assert (
        "no aseptic hub can open (S1: closed (must_close, or --close)), so no site can be supplied: "
        "open a hub, or set require_aseptic_supply false" in text
    )
    assert "raise drug_stability_minutes" not in text


def test_a_zone_whose_only_site_is_closed_is_not_told_minutes_over_the_limit() -> None:
    """regret on the Shropshire ICB (one candidate, TF16TF) forced it closed and was told 'zone
    E01014102: no site within the 90-minute travel limit ... (nearest TF16TF at 10.1 min, -79.9
    min over)': the closed site was taken for the nearest, its minutes under the limit as over."""
    data = reachable()
    sites = data.sites.copy()
    sites["must_close"] = [True, True, True]
    text = explained(replace(data, sites=sites))
    assert "zone Z1: no site within the 90-minute travel limit" in text
    assert (
        "(no travel time to any such site that may open is given; closed (must_close, or --close): S1 at 10.0"
        in text
    )
    assert "min over" not in text


def test_jointly_infeasible_names_the_closed_sites() -> None:
    """A plan ruled out with sites closed (--close) was told to relax everything but the closures."""
    data = reachable()
    sites = data.sites.copy()
    sites["must_close"] = [False, True, True]
    closed = closed_sites(prepare(replace(data, sites=sites)))
    assert closed == ["S2", "S3"] and closed_sites(prepare(data)) == []
    text = jointly_infeasible(SactParameters(), closed)
    assert "the closed sites (S2, S3: must_close or --close)" in text
    assert "closed sites" not in jointly_infeasible(SactParameters())
