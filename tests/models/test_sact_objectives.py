"""The ``coverage`` (maximal covering) and ``worst`` (p-centre) objectives of the SACT model.

Every optimum is compared with a brute force written here from the formulation, not from the
builders: every set of open sites the site limit or the budget allows, with its chairs at their
most (chairs are free in these instances, so more never hurts), and what is left solved as an LP
over the shares (:func:`scipy.optimize.linprog`): the most attendances within the standard
(coverage), or the least level of minutes at which every attendance can still be served within
capacity (worst).  Capacity binds in every instance, so the rest of the model keeps applying.
Every plan is passed through the independent checker.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import models.sact as sact
from models.common.contract import ModelInputError
from models.sact.input import SactInput, SactParameters
from solvers import SolveOptions, available_backends

EXACT = SolveOptions(gap=0.0, seed=1)
BACKENDS = [b for b in ("highs", "pyomo-highs") if b in available_backends()]

MINUTES = np.array(  # 7 zones x 4 sites
    [
        [10, 35, 50, 70],
        [20, 25, 45, 60],
        [40, 12, 30, 55],
        [55, 30, 15, 40],
        [65, 45, 20, 25],
        [80, 60, 35, 10],
        [70, 50, 28, 22],
    ],
    dtype=float,
)
ATTENDANCES = [60.0, 40.0, 70.0, 50.0, 30.0, 80.0, 20.0]
FIXED = [150.0, 300.0, 200.0, 250.0]
CHAIR_CAP = 10.0  # attendances a chair takes a year (10 chair hours, 1 hour each)
MAX_CHAIRS = [25, 20, 18, 15]  # capacity binds: 250, 200, 180, 150 attendances against 350 in all

BASE = SactParameters(
    chair_hours_per_day=10.0,
    days_per_week=1.0,
    weeks_per_year=1.0,
    utilisation=1.0,
    mean_chair_hours=1.0,
    complex_share=0.0,
    max_travel_minutes=90.0,
    access_minutes=30.0,
    require_aseptic_supply=False,
    travel_cost_per_minute=0.01,
    trips_per_attendance=1.0,
)


def instance(
    minutes: np.ndarray = MINUTES, attendances: list[float] = ATTENDANCES, **params: object
) -> SactInput:
    """Zones Z1.., sites S1.. (cancer centres, free chairs) from a zones x sites minutes matrix."""
    nz, ns = minutes.shape
    zone_ids = [f"Z{i + 1}" for i in range(nz)]
    site_ids = [f"S{j + 1}" for j in range(ns)]
    zones = pd.DataFrame(
        {"attendances": attendances, "quintile": 0, "population": 0}, index=pd.Index(zone_ids, name="zone_id")
    )
    sites = pd.DataFrame(
        {
            "name": site_ids,
            "trust": "T1",
            "type": "cancer_centre",
            "existing": True,
            "current_chairs": 0,
            "min_chairs": 0,
            "max_chairs": MAX_CHAIRS[:ns],
            "fixed_cost": FIXED[:ns],
            "chair_cost": 0.0,
            "is_hub": False,
            "hub_capacity": 0.0,
            "must_open": False,
        },
        index=pd.Index(site_ids, name="site_id"),
    )
    travel = pd.DataFrame(
        {"zone_id": np.repeat(zone_ids, ns), "site_id": np.tile(site_ids, nz), "minutes": minutes.ravel()}
    )
    site_travel = pd.DataFrame(columns=["from_site", "to_site", "minutes"])
    params = {**BASE.__dict__, **params}
    return SactInput(zones, sites, travel, site_travel, SactParameters(**params), None, "objectives")


# --------------------------------------------------------------------------- brute force

LIMITS = {
    "sites-2": {"max_open_sites": 2},
    "exact-3": {"exact_open_sites": 3},
    "budget-450": {"budget": 450.0},
}


def _allowed(data: SactInput) -> list[np.ndarray]:
    """Every open-site set the site limits and the budget allow."""
    p = data.parameters
    fixed = data.sites["fixed_cost"].to_numpy(float)
    out = []
    for y in itertools.product((False, True), repeat=len(fixed)):
        yv = np.array(y)
        k = int(yv.sum())
        if p.max_open_sites is not None and k > p.max_open_sites:
            continue
        if p.exact_open_sites is not None and k != p.exact_open_sites:
            continue
        if p.budget is not None and fixed[yv].sum() > p.budget + 1e-9:
            continue
        out.append(yv)
    return out


def _transport(data: SactInput, y: np.ndarray, usable: np.ndarray, gain: np.ndarray | None) -> float | None:
    """max gain.x over the shares x of every zone on the open, usable arcs, within chair capacity
    (gain None: feasibility only, 0.0); None when infeasible."""
    d = data.zones["attendances"].to_numpy(float)
    nz, ns = usable.shape
    ok = usable & y[None, :] & (minutes_of(data) <= data.parameters.max_travel_minutes)
    zi, sj = np.nonzero(ok)
    if len(zi) == 0:
        return None
    a_eq = np.zeros((nz, len(zi)))
    a_eq[zi, np.arange(len(zi))] = 1.0
    a_ub = np.zeros((ns, len(zi)))
    a_ub[sj, np.arange(len(zi))] = d[zi]
    cap = data.sites["max_chairs"].to_numpy(float) * CHAIR_CAP * y
    c = np.zeros(len(zi)) if gain is None else -gain[zi, sj]
    res = linprog(c, A_ub=a_ub, b_ub=cap, A_eq=a_eq, b_eq=np.ones(nz), bounds=(0.0, 1.0), method="highs")
    return None if res.status != 0 else -float(res.fun)


def minutes_of(data: SactInput) -> np.ndarray:
    """The zones x sites minutes of ``data``."""
    t = data.travel.pivot(index="zone_id", columns="site_id", values="minutes")
    return t.loc[data.zones.index, data.sites.index].to_numpy(float)


def brute_coverage(data: SactInput) -> float:
    """Least attendances not within the standard, over every allowed open-site set."""
    t = minutes_of(data)
    d = data.zones["attendances"].to_numpy(float)
    gain = d[:, None] * (t <= data.parameters.access_minutes)
    best = math.inf
    for y in _allowed(data):
        covered = _transport(data, y, np.ones_like(t, bool), gain)
        if covered is not None:
            best = min(best, d.sum() - covered)
    return best


def brute_worst(data: SactInput) -> float:
    """Least longest journey, over every allowed open-site set and every level of minutes."""
    t = minutes_of(data)
    levels = np.unique(t)
    best = math.inf
    for y in _allowed(data):
        if _transport(data, y, t <= levels[-1], None) is None:
            continue
        lo, hi = 0, len(levels) - 1  # feasible at levels[hi]; binary search for the least
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if _transport(data, y, t <= levels[mid], None) is not None else (mid + 1, hi)
        best = min(best, float(levels[hi]))
    return best


def brute_single_source(data: SactInput) -> float:
    """Coverage or worst with every zone at one site: every assignment of zones to open sites."""
    t = minutes_of(data)
    d = data.zones["attendances"].to_numpy(float)
    cap = data.sites["max_chairs"].to_numpy(float) * CHAIR_CAP
    rows = np.arange(len(d))
    best = math.inf
    for y in _allowed(data):
        opened = np.flatnonzero(y)
        if len(opened) == 0:
            continue
        pick = opened[np.array(list(itertools.product(range(len(opened)), repeat=len(d))))]
        load = np.zeros((len(pick), len(y)))
        np.add.at(load, (np.arange(len(pick))[:, None], pick), d[None, :])
        ok = (load <= cap + 1e-9).all(axis=1)
        minutes = t[rows[None, :], pick][ok]
        if data.parameters.objective == "coverage":
            values = (d[None, :] * (minutes > data.parameters.access_minutes)).sum(axis=1)
        else:
            values = minutes.max(axis=1)
        if len(values):
            best = min(best, float(values.min()))
    return best


@functools.cache
def brute(objective: str, limit: str) -> float:
    """The brute-force optimum of ``objective`` under one of :data:`LIMITS` (cached)."""
    data = instance(objective=objective, **LIMITS[limit])
    return brute_coverage(data) if objective == "coverage" else brute_worst(data)


# --------------------------------------------------------------------------- tests


def solved(data: SactInput, backend: str) -> sact.Plan:
    plan = sact.solve(data, backend=backend, options=EXACT)
    assert plan.found, plan.explanation
    report = sact.check(data, plan)
    assert report.passed, (report.violations, report.mismatches)
    return plan


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("limit", sorted(LIMITS))
def test_coverage_matches_brute_force(backend: str, limit: str) -> None:
    data = instance(objective="coverage", **LIMITS[limit])
    expected = brute("coverage", limit)
    plan = solved(data, backend)
    total = sum(ATTENDANCES)
    assert plan.costs["uncovered_attendances"] == pytest.approx(expected, abs=1e-4)
    assert plan.result.objective == pytest.approx(expected, abs=2 * data.parameters.objective_tie_break)
    figures = plan.figures()["objective_figures"]
    assert figures["objective"] == "coverage"
    assert figures["covered_share"] == pytest.approx((total - expected) / total, abs=1e-6)
    if "budget" in LIMITS[limit]:
        assert plan.costs["site_cost"] <= 450.0 + 1e-6


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("limit", sorted(LIMITS))
def test_worst_matches_brute_force(backend: str, limit: str) -> None:
    data = instance(objective="worst", **LIMITS[limit])
    expected = brute("worst", limit)
    plan = solved(data, backend)
    assert plan.access["worst_minutes"] == pytest.approx(expected)
    assert plan.figures()["objective_figures"]["worst_minutes"] == pytest.approx(expected)
    assert plan.result.objective == pytest.approx(expected, abs=2 * data.parameters.objective_tie_break)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("objective", ["coverage", "worst"])
def test_single_source_matches_brute_force(backend: str, objective: str) -> None:
    """Every zone at one site (binary shares), two sites at most: coverage loses 20 attendances
    against split shares (60 uncovered), the longest journey stays 35 minutes."""
    data = instance(objective=objective, max_open_sites=2, single_source=True)
    expected = brute_single_source(data)
    assert expected == {"coverage": 80.0, "worst": 35.0}[objective]
    plan = solved(data, backend)
    own = plan.figures()["objective_figures"]
    value = plan.costs["uncovered_attendances"] if objective == "coverage" else own["worst_minutes"]
    assert value == pytest.approx(expected, abs=1e-4)
    assert plan.allocation.groupby("zone_id")["site_id"].nunique().max() == 1


def test_unserved_attendances_count_as_not_covered() -> None:
    """One site at most, unserved allowed: S1 (the largest, 250) serves most; 100 attendances are
    left unserved; only Z1 and Z2 (100) are within 30 minutes of S1, so 250 are not covered."""
    data = instance(objective="coverage", max_open_sites=1, allow_unserved=True)
    plan = solved(data, "highs")
    assert plan.sites.loc[plan.sites["open"], "site_id"].tolist() == ["S1"]
    assert plan.figures()["unserved_attendances"] == pytest.approx(100.0)
    assert plan.costs["uncovered_attendances"] == pytest.approx(250.0)
    assert plan.result.objective == pytest.approx(250.0 + 10_000.0 * 100.0, abs=0.01)


def test_the_brute_force_values_differ_between_limits() -> None:
    """The limits bite: each gives its own optimum (so the comparisons above test something)."""
    coverage = {k: brute("coverage", k) for k in LIMITS}
    worst = {k: brute("worst", k) for k in LIMITS}
    assert coverage == {"sites-2": 60.0, "exact-3": 0.0, "budget-450": 80.0}
    assert worst == {"sites-2": 35.0, "exact-3": 30.0, "budget-450": 40.0}


@pytest.mark.parametrize("backend", BACKENDS)
def test_worst_counts_a_split_share_in_full(backend: str) -> None:
    """One zone of 15 attendances, each site takes 10: at least 5 must travel 50 minutes, so the
    longest journey is 50, not the 50 x 1/3 that W >= t x with shares would give; the tie-break
    (travel) sends 10 to the near site."""
    minutes = np.array([[10.0, 50.0]])
    data = instance(minutes, [15.0], objective="worst")
    sites = data.sites.copy()
    sites["max_chairs"] = [1, 1]
    data = SactInput(data.zones, sites, data.travel, data.site_travel, data.parameters, None, "split")
    plan = solved(data, backend)
    assert plan.figures()["objective_figures"]["worst_minutes"] == pytest.approx(50.0)
    assert plan.access["worst_minutes"] == pytest.approx(50.0)
    assert plan.allocation.set_index("site_id")["attendances"].to_dict() == pytest.approx(
        {"S1": 10.0, "S2": 5.0}
    )


def test_the_tie_break_picks_the_cheapest_of_equal_plans() -> None:
    """Every single site covers zone Z1 within the standard; the cheapest (S1, not the nearest) is
    chosen."""
    minutes = np.array([[25.0, 10.0, 20.0]])
    data = instance(minutes, [5.0], objective="coverage", max_open_sites=1)
    plan = solved(data, "highs")
    assert plan.sites.loc[plan.sites["open"], "site_id"].tolist() == ["S1"]
    assert plan.costs["uncovered_attendances"] == pytest.approx(0.0)


def test_a_wrong_longest_journey_is_caught_by_the_checker() -> None:
    data = instance(objective="worst", max_open_sites=2)
    plan = sact.solve(data, options=EXACT)
    costs = {**plan.costs, "worst_bound_minutes": plan.costs["worst_bound_minutes"] - 5.0}
    report = sact.check(data, replace(plan, costs=costs))
    assert any(v.startswith("longest journey:") for v in report.violations)


def test_the_priced_path_is_refused_for_the_new_objectives() -> None:
    data = instance(objective="worst", solve_method="priced")
    with pytest.raises(ModelInputError, match="solve_method"):
        sact.solve(data)
