"""Pyomo backends (each one installed here), CP-SAT, the uniform result and relative_gap."""

from __future__ import annotations

import math

import pytest

from solvers import (
    PYOMO_BACKENDS,
    SolveOptions,
    SolveResult,
    Status,
    available_backends,
    pyomo_backend_available,
    relative_gap,
    solve_cpsat,
    solve_pyomo,
)

pyo = pytest.importorskip("pyomo.environ")

VALUES = [10, 13, 7, 8]
WEIGHTS = [4, 6, 3, 5]
CAPACITY = 10
OPTIMUM = 23  # items 1 and 2, by enumeration of the 16 subsets


def installed(name: str) -> str:
    if not pyomo_backend_available(name):
        pytest.skip(f"pyomo backend {name!r} is not installed on this machine")
    return name


@pytest.fixture(params=PYOMO_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return installed(request.param)


def knapsack(sense: str = "max") -> object:
    m = pyo.ConcreteModel()
    m.take = pyo.Var(range(4), domain=pyo.Binary)
    m.weight = pyo.Constraint(expr=sum(WEIGHTS[i] * m.take[i] for i in range(4)) <= CAPACITY)
    value = sum(VALUES[i] * m.take[i] for i in range(4))
    if sense == "max":
        m.value = pyo.Objective(expr=value, sense=pyo.maximize)
    else:
        m.value = pyo.Objective(expr=-value, sense=pyo.minimize)
    return m


# --------------------------------------------------------------------------- pyomo


def test_available_backends_lists_highs_first() -> None:
    names = available_backends()
    assert names[0] == "highs"
    assert all(n.removeprefix("pyomo-") in PYOMO_BACKENDS for n in names[1:])
    assert "pyomo-highs" in names


@pytest.mark.parametrize("sense", ["max", "min"])
def test_knapsack_optimum(backend: str, sense: str) -> None:
    m = knapsack(sense)
    result = solve_pyomo(m, backend, SolveOptions(gap=0.0))
    expected = OPTIMUM if sense == "max" else -OPTIMUM
    assert result.status is Status.OPTIMAL
    assert result.backend == f"pyomo-{backend}"
    assert result.objective == pytest.approx(expected)
    assert result.bound == pytest.approx(expected, abs=1e-6)
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    assert [round(pyo.value(m.take[i])) for i in range(4)] == [1, 1, 0, 0]


def test_infeasible(backend: str) -> None:
    m = knapsack()
    m.too_much = pyo.Constraint(expr=sum(m.take[i] for i in range(4)) >= 5)
    result = solve_pyomo(m, backend)
    assert result.status is Status.INFEASIBLE
    assert result.objective is None and not result.has_plan


def test_unbounded_is_never_a_plan(backend: str) -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var([0, 1], domain=pyo.NonNegativeReals)
    m.row = pyo.Constraint(expr=m.x[0] - m.x[1] <= 1)
    m.obj = pyo.Objective(expr=-m.x[0])
    result = solve_pyomo(m, backend)
    assert not result.has_plan
    assert result.status in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NO_SOLUTION)


def test_unknown_and_missing_backends_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        solve_pyomo(knapsack(), "gurobi-but-not-listed")
    missing = [name for name in PYOMO_BACKENDS if not pyomo_backend_available(name)]
    if not missing:
        pytest.skip("every pyomo backend is installed here")
    with pytest.raises(RuntimeError, match="not installed"):
        solve_pyomo(knapsack(), missing[0])


# --------------------------------------------------------------------------- CP-SAT


def cpsat_knapsack() -> tuple[object, list[object]]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    take = [model.new_bool_var(f"take[{i}]") for i in range(4)]
    model.add(sum(w * t for w, t in zip(WEIGHTS, take, strict=True)) <= CAPACITY)
    model.maximize(sum(v * t for v, t in zip(VALUES, take, strict=True)))
    return model, take


def test_cpsat_knapsack() -> None:
    model, take = cpsat_knapsack()
    result, solver = solve_cpsat(model, SolveOptions(seed=3, threads=1))
    assert result.status is Status.OPTIMAL
    assert result.backend == "cpsat"
    assert result.objective == pytest.approx(OPTIMUM)
    assert result.bound == pytest.approx(OPTIMUM)
    assert result.gap == 0.0
    assert [solver.value(t) for t in take] == [1, 1, 0, 0]


def test_cpsat_hint_and_no_objective() -> None:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    model.add(x >= 2)
    result, solver = solve_cpsat(model, hint={x: 3})
    assert result.status is Status.OPTIMAL
    assert result.objective == 0.0  # a pure feasibility model
    assert 2 <= solver.value(x) <= 5


def test_cpsat_infeasible() -> None:
    model, take = cpsat_knapsack()
    model.add(sum(take) >= 4)
    result, _ = solve_cpsat(model)
    assert result.status is Status.INFEASIBLE
    assert result.objective is None and not result.has_plan


# --------------------------------------------------------------------------- result vocabulary


def test_relative_gap() -> None:
    assert relative_gap(None, 1.0) is None
    assert relative_gap(1.0, None) is None
    assert relative_gap(1.0, math.inf) is None
    assert relative_gap(math.nan, 1.0) is None
    assert relative_gap(100.0, 100.0) == 0.0
    assert relative_gap(100.0, 100.0 + 1e-10) == 0.0
    assert relative_gap(100.0, 90.0) == pytest.approx(0.1)
    assert relative_gap(-50.0, -60.0) == pytest.approx(0.2)
    assert relative_gap(0.0, -1.0) == pytest.approx(1e9)  # |objective| floored at 1e-9


def test_status_and_result() -> None:
    assert Status.OPTIMAL.has_plan and Status.FEASIBLE.has_plan
    assert not any(
        s.has_plan for s in (Status.INFEASIBLE, Status.UNBOUNDED, Status.NO_SOLUTION, Status.ERROR)
    )
    result = SolveResult(
        Status.FEASIBLE, 10.0, 9.0, 0.1, 0.123456, 2.0, "highs", "time limit reached", {"seed": 1}
    )
    out = result.to_dict()
    assert out["status"] == "feasible"
    assert out["build_seconds"] == 0.1235
    assert out["options"] == {"seed": 1}
    assert result.has_plan


def test_point_violation_sees_fractional_and_broken_rows() -> None:
    """A point a solver reports when stopped by a limit is checked before it counts as a plan."""
    import pyomo.environ as pyo

    from solvers.pyomo_backend import point_violation

    m = pyo.ConcreteModel()
    m.y = pyo.Var(domain=pyo.Binary)
    m.x = pyo.Var(bounds=(0, 1))
    m.link = pyo.Constraint(expr=m.x <= m.y)
    m.obj = pyo.Objective(expr=m.x)
    m.y.value, m.x.value = 1, 0.5
    assert point_violation(m) == 0.0
    m.y.value = 0.4
    assert point_violation(m) == pytest.approx(0.4)  # fractional binary
    m.y.value, m.x.value = 0, 0.7
    assert point_violation(m) == pytest.approx(0.7)  # serves a closed site
    m.x.value = None
    assert point_violation(m) == float("inf")


def test_cpsat_takes_list_valued_parameters() -> None:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    model.maximize(x)
    result, solver = solve_cpsat(
        model, SolveOptions(threads=2, extra={"subsolvers": ["default_lp", "max_lp"]})
    )
    assert result.status is Status.OPTIMAL and result.objective == 5
    assert list(solver.parameters.subsolvers) == ["default_lp", "max_lp"]


@pytest.mark.parametrize(
    ("objective", "reported", "gap", "maximise", "expected"),
    [
        (8079.28, 7247.72, 0.01, False, 8079.28 - 0.01 * 8079.28),  # root LP reported: the claim wins
        (100.0, 99.5, 0.01, False, 99.5),  # a closer proven bound is kept
        (100.0, None, 0.0, False, 100.0),  # exact optimum without a reported bound
        (100.0, None, 0.05, False, 95.0),
        (100.0, 130.0, 0.01, True, 101.3),  # maximising: scale from the larger magnitude
        (-50.0, -80.0, 0.01, False, -50.8),  # negative objective: |reported| is the larger scale
    ],
)
def test_bound_claimed_by_an_optimal_legacy_solver(
    objective: float, reported: float | None, gap: float, maximise: bool, expected: float
) -> None:
    from solvers.pyomo_backend import _claimed_bound

    bound = _claimed_bound(objective, reported, gap, maximise)
    assert bound == pytest.approx(expected)
    assert (bound >= objective) if maximise else (bound <= objective)
