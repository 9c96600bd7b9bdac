"""The pyomo model generated from a MatrixModel reaches the same optimum as HiGHS direct."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from solvers import pyomo_backend_available
from solvers.matrix import MatrixModel
from solvers.pyomo_matrix import component_name, solve_model, to_pyomo


def facility_model(
    fixed: list[float], cost: np.ndarray, capacity: list[float], demand: list[float]
) -> MatrixModel:
    """Capacitated facility location with single sourcing: small enough to enumerate."""
    n_sites, n_zones = cost.shape
    m = MatrixModel("cfl")
    y = m.add_variables("open", n_sites, upper=1, cost=fixed, integer=True)
    x = m.add_variables("assign", n_sites * n_zones, upper=1, cost=cost.ravel(), integer=True)
    xs = x.reshape(n_sites, n_zones)
    m.add_constraints(
        "serve", n_zones, np.tile(np.arange(n_zones), n_sites), xs.ravel(), 1.0, lower=1, upper=1
    )
    rows = np.repeat(np.arange(n_sites), n_zones + 1)
    cols = np.column_stack([xs, y]).ravel()
    vals = np.column_stack([np.tile(demand, (n_sites, 1)), -np.asarray(capacity)[:, None]]).ravel()
    m.add_constraints("capacity", n_sites, rows, cols, vals, upper=0)
    m.add_constraints(
        "link",
        n_sites * n_zones,
        np.arange(n_sites * n_zones).repeat(2),
        np.column_stack([xs.ravel(), np.repeat(y, n_zones)]).ravel(),
        np.tile([1.0, -1.0], n_sites * n_zones),
        upper=0,
        lazy=True,
    )
    return m


def brute_force(fixed: list[float], cost: np.ndarray, capacity: list[float], demand: list[float]) -> float:
    n_sites, n_zones = cost.shape
    best = np.inf
    for choice in itertools.product(range(n_sites), repeat=n_zones):
        load = np.zeros(n_sites)
        for z, s in enumerate(choice):
            load[s] += demand[z]
        if (load > np.asarray(capacity) + 1e-9).any():
            continue
        total = sum(fixed[s] for s in set(choice)) + sum(cost[s, z] for z, s in enumerate(choice))
        best = min(best, total)
    return float(best)


CASE = dict(
    fixed=[10.0, 14.0, 9.0],
    cost=np.array([[1.0, 4.0, 6.0, 3.0], [5.0, 1.0, 2.0, 6.0], [4.0, 5.0, 1.0, 2.0]]),
    capacity=[5.0, 6.0, 4.0],
    demand=[2.0, 3.0, 2.0, 2.0],
)


@pytest.mark.parametrize("backend", ["highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk", "pyomo-scip"])
def test_every_backend_reaches_the_enumerated_optimum(backend: str) -> None:
    if backend != "highs" and not pyomo_backend_available(backend.removeprefix("pyomo-")):
        pytest.skip(f"{backend} is not installed")
    expected = brute_force(**CASE)
    result, x = solve_model(facility_model(**CASE), backend)
    assert result.objective == pytest.approx(expected, abs=1e-6)
    assert x is not None
    assert facility_model(**CASE).max_violation(x) <= 1e-6


def test_blocks_keep_their_names_and_sizes() -> None:
    m, columns = to_pyomo(facility_model(**CASE))
    assert len(columns) == 3 + 12
    assert m.find_component("open") is not None and len(m.find_component("assign")) == 12
    assert len(m.find_component("capacity")) == 3 and len(m.find_component("lazy_link")) == 12


def test_infeasible_model_gives_no_plan() -> None:
    case = dict(CASE, capacity=[1.0, 1.0, 1.0])
    result, x = solve_model(facility_model(**case), "pyomo-highs")
    assert not result.has_plan and x is None


def test_component_names_are_identifiers() -> None:
    assert component_name("assign[a]") == "assign_a_"
    assert component_name("1st") == "b_1st"
