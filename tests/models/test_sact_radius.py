"""The radius formulation of the p-median (models.sact.radius) against enumeration and the published optima.

On small random instances every subset of sites is enumerated: the radius path, the standard
(direct) model and the enumeration must agree; pmed1-5 must be proven at their published optima.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import models.sact
from models.common.contract import ModelInputError
from models.sact.arrays import prepare
from models.sact.input import SactInput, SactParameters
from models.sact.orlibrary import read_optima, read_pmed
from models.sact.pmedian_bounds import (
    dense_costs,
    interchange_heuristic,
    lagrangian_fixing,
    lagrangian_reduction,
)
from models.sact.radius import open_count, radius_levels, use_radius_path
from solvers import SolveOptions, Status
from tests.conftest import benchmark_file

EXACT = SolveOptions(gap=0.0, threads=1, seed=0, time_limit=60)


def random_instance(
    seed: int,
    zones: int,
    sites: int,
    p: int,
    *,
    limit: float = np.inf,
    must_open: int = -1,
    ties: bool = False,
) -> SactInput:
    """Random zones x sites minutes (integers 1-20 with ``ties``, else reals), attendances 1-9."""
    rng = np.random.default_rng(seed)
    minutes = (
        rng.integers(1, 21, (zones, sites)).astype(float) if ties else rng.uniform(1, 60, (zones, sites))
    )
    zone_ids = [f"z{i}" for i in range(zones)]
    site_ids = [f"s{j}" for j in range(sites)]
    site_table = pd.DataFrame(
        {
            "name": site_ids,
            "trust": "t",
            "type": "cancer_centre",
            "existing": False,
            "current_chairs": 0,
            "min_chairs": 0,
            "max_chairs": 1,
            "fixed_cost": 0.0,
            "chair_cost": 0.0,
            "is_hub": False,
            "hub_capacity": 0.0,
            "must_open": [j == must_open for j in range(sites)],
        },
        index=pd.Index(site_ids, name="site_id"),
    )
    zone_table = pd.DataFrame(
        {"attendances": rng.integers(1, 10, zones).astype(float), "quintile": 0, "population": 0},
        index=pd.Index(zone_ids, name="zone_id"),
    )
    travel = pd.DataFrame(
        {
            "zone_id": np.repeat(zone_ids, sites),
            "site_id": np.tile(site_ids, zones),
            "minutes": minutes.ravel(),
        }
    )
    params = SactParameters(
        mean_chair_hours=0.0,
        complex_share=0.0,
        max_travel_minutes=limit,
        exact_open_sites=p,
        require_aseptic_supply=False,
        objective="travel",
    )
    empty = pd.DataFrame({"from_site": [], "to_site": [], "minutes": []})
    return SactInput(zone_table, site_table, travel, empty, params, name=f"random{seed}")


def enumerate_optimum(data: SactInput) -> float:
    """The least attendance-minutes over every set of exactly p sites (with the must-open ones)."""
    p = data.parameters
    travel = data.travel[data.travel["minutes"] <= p.max_travel_minutes]
    matrix = travel.pivot(index="zone_id", columns="site_id", values="minutes")
    matrix = matrix.reindex(index=data.zones.index, columns=data.sites.index).to_numpy(float)
    matrix = np.where(np.isnan(matrix), np.inf, matrix)
    weights = data.zones["attendances"].to_numpy(float)
    must = set(np.flatnonzero(data.sites["must_open"].to_numpy(bool)).tolist())
    best = np.inf
    for subset in itertools.combinations(range(matrix.shape[1]), p.exact_open_sites):
        if must <= set(subset):
            best = min(best, float(weights @ matrix[:, subset].min(axis=1)))
    return best


CASES = {
    "square": dict(seed=1, zones=10, sites=10, p=3),
    "more zones": dict(seed=2, zones=12, sites=8, p=2),
    "one site": dict(seed=3, zones=9, sites=7, p=1),
    "many open": dict(seed=4, zones=11, sites=9, p=6),
    "ties": dict(seed=5, zones=12, sites=10, p=3, ties=True),
    "travel limit": dict(seed=6, zones=10, sites=10, p=4, limit=30.0),
    "must open": dict(seed=7, zones=10, sites=9, p=3, must_open=4),
}


@pytest.mark.parametrize("name", list(CASES))
def test_radius_and_standard_models_match_enumeration(name: str) -> None:
    data = random_instance(**CASES[name])
    best = enumerate_optimum(data)
    assert np.isfinite(best)
    plans = {
        method: models.sact.solve(data, replace(data.parameters, solve_method=method), options=EXACT)
        for method in ("radius", "direct")
    }
    for method, plan in plans.items():
        assert plan.solve_path == method
        assert plan.result.status is Status.OPTIMAL, (method, plan.result.message)
        assert plan.result.objective == pytest.approx(best, rel=1e-9), method
        assert plan.result.bound <= best * (1 + 1e-9)
        report = models.sact.check(data, plan)
        assert report.violations == () and report.mismatches == (), (method, report)
        assert int(plan.sites["open"].sum()) == data.parameters.exact_open_sites


def test_auto_takes_the_radius_path_only_on_p_median_structure() -> None:
    data = random_instance(seed=8, zones=8, sites=6, p=2)
    arrays = prepare(data)
    assert use_radius_path(arrays, data.parameters, "highs")
    assert not use_radius_path(arrays, data.parameters, "pyomo-cbc")
    for change in (
        {"objective": "cost"},
        {"exact_open_sites": None},
        {"access_target": 0.5},
        {"mean_chair_hours": 1000.0},  # one chair (2,125 hours a year) cannot carry them all
        {"solve_method": "direct"},
    ):
        params = replace(data.parameters, **change)
        assert not use_radius_path(prepare(replace(data, parameters=params)), params, "highs"), change


def test_radius_forced_where_it_is_not_exact_names_why() -> None:
    data = random_instance(seed=9, zones=8, sites=6, p=2)
    params = replace(data.parameters, solve_method="radius", access_target=0.5, budget=1e6)
    with pytest.raises(ModelInputError) as caught:
        models.sact.solve(data, params)
    texts = [problem.message for problem in caught.value.problems]
    assert any("access target" in t for t in texts) and any("budget" in t for t in texts)


def test_identical_rows_merge_and_levels_stop_past_the_pth_site() -> None:
    """Two zones with the same row become one customer of summed weight; with p = 3 of 6 sites a
    customer's levels end at its 4th nearest site (fewer than 3 lie farther)."""
    data = random_instance(seed=10, zones=4, sites=6, p=3)
    travel = data.travel.copy()
    row0 = travel.loc[travel["zone_id"] == "z0", "minutes"].to_numpy()
    travel.loc[travel["zone_id"] == "z1", "minutes"] = row0
    data = replace(data, travel=travel)
    levels = radius_levels(prepare(data), data.parameters)
    attendances = data.zones["attendances"].to_numpy()
    assert levels.num_customers == 3
    assert levels.dem_customer[0] == levels.dem_customer[1]
    assert levels.weight[levels.dem_customer[0]] == attendances[0] + attendances[1]
    per_customer = np.bincount(levels.level_customer, minlength=3)
    assert per_customer.tolist() == [4, 4, 4]  # distinct reals: one site a level, 6 - 3 + 1 = 4 levels
    assert levels.level_last.sum() == 3


@pytest.mark.parametrize("name", [f"pmed{i}" for i in range(1, 6)])
def test_pmed_proven_at_published_optimum_by_radius(name: str) -> None:
    optima = read_optima(benchmark_file("pmed", "optima.txt"))
    data = read_pmed(benchmark_file("pmed", f"{name}.txt"))
    t0 = time.perf_counter()
    plan = models.sact.solve(data, options=SolveOptions(gap=0.0, threads=1, seed=0, time_limit=60))
    seconds = time.perf_counter() - t0
    assert plan.solve_path == "radius"
    assert plan.result.status is Status.OPTIMAL
    assert plan.result.objective == pytest.approx(optima[name], abs=1e-6)
    assert plan.result.bound >= optima[name] - 1e-6
    report = models.sact.check(data, plan)
    assert report.violations == () and report.mismatches == ()
    assert seconds < 30  # about 1 s each on a quiet two-core machine


@pytest.mark.parametrize("name", list(CASES))
def test_lagrangian_bound_and_fixing_keep_every_optimum(name: str) -> None:
    """The Lagrangian bound never exceeds the optimum and no optimal set holds a site it shuts."""
    data = random_instance(**CASES[name])
    a, p = prepare(data), data.parameters
    levels = radius_levels(a, p)
    count = open_count(a, p)
    is_open = interchange_heuristic(levels, a, p, count)
    upper = float(dense_costs(levels)[:, is_open].min(axis=1).sum())
    bound, shut, held = lagrangian_fixing(levels, a, p, count, upper)
    best = enumerate_optimum(data)
    assert upper >= best - 1e-9
    assert bound <= best + 1e-6 * best
    for subset in optimal_sets(data, best):
        assert not shut[list(subset)].any()
        assert held[np.setdiff1d(np.arange(len(shut)), subset)].sum() == 0


@pytest.mark.parametrize("name", list(CASES))
def test_lagrangian_radii_keep_every_optimum(name: str) -> None:
    """Every optimal set serves every customer within the radius the Lagrangian bound gives it."""
    data = random_instance(**CASES[name])
    a, p = prepare(data), data.parameters
    levels = radius_levels(a, p)
    count = open_count(a, p)
    best = enumerate_optimum(data)
    _, _, _, radius = lagrangian_reduction(levels, a, p, count, best)
    minutes = np.full((levels.num_customers, levels.num_sites), np.inf)
    arc_cust = levels.level_customer[levels.arc_level]
    minutes[arc_cust, levels.arc_site] = levels.level_minutes[levels.arc_level]
    assert np.isfinite(radius).any()  # the reduction bites
    for subset in optimal_sets(data, best):
        assert (minutes[:, list(subset)].min(axis=1) <= radius).all()


def optimal_sets(data: SactInput, best: float) -> list[tuple[int, ...]]:
    """Every set of p sites (with the must-open ones) whose plan costs ``best``."""
    p = data.parameters
    travel = data.travel[data.travel["minutes"] <= p.max_travel_minutes]
    matrix = travel.pivot(index="zone_id", columns="site_id", values="minutes")
    matrix = matrix.reindex(index=data.zones.index, columns=data.sites.index).to_numpy(float)
    matrix = np.where(np.isnan(matrix), np.inf, matrix)
    weights = data.zones["attendances"].to_numpy(float)
    must = set(np.flatnonzero(data.sites["must_open"].to_numpy(bool)).tolist())
    return [
        subset
        for subset in itertools.combinations(range(matrix.shape[1]), p.exact_open_sites)
        if must <= set(subset) and float(weights @ matrix[:, subset].min(axis=1)) <= best * (1 + 1e-12)
    ]
