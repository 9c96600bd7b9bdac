"""The radius relaxation of the capacitated SACT model (models.sact.radius_bound): a valid lower bound.

On the enumeration cases of ``test_sact_enumeration`` (every feature of the model, optimum by brute
force) and on OR-Library cap41-44 (published optima): the relaxation's LP is at most its MILP, which
is at most the capacitated optimum; where nothing it drops binds, its MILP is the optimum.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.sact.arrays import prepare
from models.sact.input import SactInput
from models.sact.orlibrary import read_cap, read_optima
from models.sact.radius_bound import effective_minutes, radius_relaxation
from solvers import SolveOptions, Status, solve_matrix
from tests.conftest import benchmark_file
from tests.models.test_sact_enumeration import CASES, make_instance, optimum, with_params

EXACT = SolveOptions(gap=0.0, threads=1, seed=0, time_limit=60)


def relaxation_bounds(data: SactInput) -> tuple[float, float]:
    """The relaxation's LP optimum and MILP optimum."""
    rel = radius_relaxation(prepare(data), data.parameters)
    assert rel is not None
    lp, _ = solve_matrix(rel.model, EXACT, relax=True)
    mip, _ = solve_matrix(rel.model, EXACT)
    assert lp.status is Status.OPTIMAL and mip.status is Status.OPTIMAL
    return float(lp.objective), float(mip.objective)


@pytest.mark.parametrize("name", [n for n in CASES if n != "unserved_penalty"])
def test_bound_never_above_the_enumerated_optimum(name: str) -> None:
    lp, mip = relaxation_bounds(CASES[name].data)
    assert lp <= mip + 1e-6
    assert mip <= optimum(name) + 1e-6


def test_bound_is_the_optimum_where_nothing_dropped_binds() -> None:
    """No chair hours, least chairs or chair costs: the uncapacitated problem is the problem."""
    m = np.array([[5.0, 30.0, 40.0], [25.0, 6.0, 35.0], [40.0, 20.0, 7.0], [9.0, 28.0, 33.0]])
    data = make_instance(
        m,
        [4, 6, 3, 5],
        mean_chair_hours=0.0,
        sites={"chair_cost": [0.0] * 3, "fixed_cost": [90.0, 60.0, 80.0]},
    )
    lp, mip = relaxation_bounds(data)
    # brute force: every non-empty set of open sites, each zone to its nearest open site
    weights = np.array([4.0, 6.0, 3.0, 5.0])
    fixed = np.array([90.0, 60.0, 80.0])
    best = min(
        fixed[list(s)].sum() + weights @ m[:, list(s)].min(axis=1)
        for s in ([0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2])
    )
    assert mip == pytest.approx(best, rel=1e-9)
    assert lp <= mip + 1e-6


def test_capacity_makes_the_bound_strictly_lower() -> None:
    """The capacity case's optimum pays for chairs and capacity the relaxation ignores."""
    _, mip = relaxation_bounds(CASES["capacity"].data)
    assert mip < optimum("capacity") - 1.0


def test_effective_minutes_price_chairs_at_their_load() -> None:
    data = CASES["capacity"].data
    a, p = prepare(data), data.parameters
    chair_share = p.mean_chair_hours / p.chair_hours_per_year
    expected = a.arc_minutes * p.travel_cost_per_minute * p.trips_per_attendance + 40.0 * chair_share
    np.testing.assert_allclose(effective_minutes(a, p), expected)
    travel = with_params(data, objective="travel")
    np.testing.assert_allclose(effective_minutes(a, travel.parameters), a.arc_minutes)


def test_unserved_demand_has_no_relaxation() -> None:
    data = CASES["unserved_penalty"].data
    assert radius_relaxation(prepare(data), data.parameters) is None


@pytest.mark.parametrize("name", ["cap41", "cap42", "cap43", "cap44"])
def test_cap_bound_below_published_optimum(name: str) -> None:
    best = read_optima(benchmark_file("cap", "optima.txt"))[name]
    lp, mip = relaxation_bounds(read_cap(benchmark_file("cap", f"{name}.txt")))
    assert lp <= mip + 1e-6
    assert mip <= best * (1 + 1e-9)
    assert mip < 0.95 * best  # capacities bind in cap41-44: the relaxation is well below
