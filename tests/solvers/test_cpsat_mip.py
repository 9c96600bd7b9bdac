"""solvers.cpsat_mip: a CP-SAT model as a MILP has the same optimum (rows (1)-(5)), every CP-SAT
solution is a MILP solution, and constraints without rows are refused by name."""

from __future__ import annotations

import random

import numpy as np
import pytest
from ortools.sat.python import cp_model

from solvers import SolveOptions, Status, solve_cpsat, solve_matrix
from solvers.cpsat_mip import LinearisationStopped, UnsupportedConstraint, linear_model


def _random_model(seed: int) -> cp_model.CpModel:
    """Six Booleans and one integer under every supported constraint type, a maximum penalised."""
    rng = random.Random(seed)
    m = cp_model.CpModel()
    b = [m.new_bool_var(f"b{i}") for i in range(6)]
    n = m.new_int_var(0, 7, "n")

    def lit() -> object:
        v = rng.choice(b)
        return v if rng.random() < 0.5 else v.Not()

    m.add_bool_or([lit(), lit(), lit()])
    m.add_bool_or([lit(), lit()]).only_enforce_if(lit())
    m.add_bool_and([lit(), lit()]).only_enforce_if([lit(), lit()])
    m.add_at_most_one([b[0], b[1], b[2].Not()])
    m.add_exactly_one([b[3], b[4], b[5]])
    m.add(sum(b) + n >= rng.randint(2, 6))
    m.add(2 * b[0] + 3 * b[1] - n <= rng.randint(0, 3)).only_enforce_if(lit())
    m.add(n + b[2] >= rng.randint(1, 5)).only_enforce_if([lit(), lit()])
    top = m.new_int_var(0, 20, "top")
    m.add_max_equality(top, [2 * b[0] + n, 3 * b[1] + 1, n - b[4]])
    weights = [rng.randint(-3, 5) for _ in b]
    m.minimize(sum(w * v for w, v in zip(weights, b, strict=True)) + 2 * n + 3 * top + 4)
    return m


def _milp_optimum(m: cp_model.CpModel) -> tuple[Status, float | None, np.ndarray | None]:
    result, values = solve_matrix(linear_model(m.proto), SolveOptions(time_limit=20, threads=1, gap=0.0))
    return result.status, result.objective, values


@pytest.mark.parametrize("seed", range(12))
def test_the_milp_has_the_cp_sat_models_optimum(seed: int) -> None:
    m = _random_model(seed)
    exact, _ = solve_cpsat(m, SolveOptions(time_limit=20, threads=1))
    status, objective, _ = _milp_optimum(m)
    if exact.status is Status.INFEASIBLE:
        assert status is Status.INFEASIBLE
    else:
        assert exact.status is Status.OPTIMAL and status is Status.OPTIMAL
        assert objective == pytest.approx(exact.objective)


def test_every_cp_sat_solution_satisfies_the_milps_rows() -> None:
    """Enumerate every solution of a small model: each, as a column vector, meets every row."""
    m = _random_model(3)
    milp = linear_model(m.proto)
    a, rows = milp.matrix(), (milp.row_lower, milp.row_upper)

    class Every(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def on_solution_callback(self) -> None:
            x = np.array([self.value(v) for v in _variables(m)], dtype=float)
            ax = a @ x
            assert np.all(ax >= rows[0] - 1e-9) and np.all(ax <= rows[1] + 1e-9)
            self.count += 1

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    m.clear_objective()
    every = Every()
    assert solver.solve(m, every) == cp_model.OPTIMAL
    assert every.count > 1


def test_a_domain_is_read_to_its_last_bound() -> None:
    """ortools' repeated fields answer 0 to index -1: a variable in [0, 1] read so was fixed at 0 and
    a row's upper side of 2**63 - 1 at 0, so a feasible rota model read as infeasible."""
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(3)]
    m.add(sum(x) >= 2)
    m.minimize(sum(x))
    milp = linear_model(m.proto)
    assert list(milp.col_upper) == [1.0, 1.0, 1.0]
    status, objective, _ = _milp_optimum(m)
    assert (status, objective) == (Status.OPTIMAL, 2.0)


def test_constraints_without_rows_are_refused_by_name() -> None:
    m = cp_model.CpModel()
    a, b = m.new_bool_var("a"), m.new_bool_var("b")
    m.add_bool_xor([a, b])
    with pytest.raises(UnsupportedConstraint, match="bool_xor"):
        linear_model(m.proto)
    m = cp_model.CpModel()
    n = m.new_int_var(0, 5, "n")
    m.add_multiplication_equality(n, [m.new_int_var(0, 2, "p"), m.new_int_var(0, 2, "q")])
    with pytest.raises(UnsupportedConstraint, match="int_prod"):
        linear_model(m.proto)


def test_the_objective_offset_is_kept() -> None:
    m = cp_model.CpModel()
    x = m.new_bool_var("x")
    m.add_bool_or([x])
    m.minimize(3 * x + 7)
    assert _milp_optimum(m)[:2] == (Status.OPTIMAL, 10.0)


def _variables(m: cp_model.CpModel) -> list[object]:
    return [m.get_int_var_from_proto_index(i) for i in range(len(m.proto.variables))]


def test_the_rows_stop_at_the_deadline() -> None:
    """A year's rota for 150 people holds millions of constraints, written one by one: the run's
    deadline is looked at as they are, not only once HiGHS starts."""
    import time

    m = _random_model(0)
    with pytest.raises(LinearisationStopped, match="after 0 of"):
        linear_model(m.proto, deadline=time.monotonic() - 1.0)
    assert linear_model(m.proto, deadline=time.monotonic() + 60.0).num_rows > 0
