"""solvers.cpsat: the uniform result of a CP-SAT solve, with the time to its first solution."""

from __future__ import annotations

from pathlib import Path

import ortools
import pytest
from ortools.sat.python import cp_model

from solvers import SolveOptions, Status, solve_cpsat


def _choose_five() -> cp_model.CpModel:
    """Pick at least 5 of 30 items, item i costing i: optimum 0 + 1 + 2 + 3 + 4 = 10."""
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(30)]
    m.add(sum(x) >= 5)
    m.minimize(sum(i * v for i, v in enumerate(x)))
    return m


def test_the_first_solution_time_is_recorded_and_within_the_solve() -> None:
    result, _ = solve_cpsat(_choose_five(), SolveOptions(time_limit=10, threads=1))
    assert result.status is Status.OPTIMAL and result.objective == 10.0
    assert result.first_solution_seconds is not None
    assert 0 <= result.first_solution_seconds <= result.solve_seconds
    assert result.to_dict()["first_solution_seconds"] == round(result.first_solution_seconds, 4)


def test_no_first_solution_time_without_a_solution() -> None:
    m = cp_model.CpModel()
    v = m.new_bool_var("v")
    m.add(v + v.Not() == 2)  # infeasible
    result, _ = solve_cpsat(m, SolveOptions(time_limit=10, threads=1))
    assert result.status is Status.INFEASIBLE
    assert result.first_solution_seconds is None


def _cover_40000() -> cp_model.CpModel:
    """300 items of weight 100-999 (seed 1), value within 50 of the weight; cover weight 40,000 at
    least value: CP-SAT's first plans are within 2 % of its bound long before the optimum is proved."""
    import random

    rng = random.Random(1)
    m = cp_model.CpModel()
    weight = [rng.randint(100, 999) for _ in range(300)]
    value = [w + rng.randint(-50, 50) for w in weight]
    x = [m.new_bool_var(f"x{i}") for i in range(300)]
    m.add(sum(w * v for w, v in zip(weight, x, strict=True)) >= 40_000)
    m.minimize(sum(c * v for c, v in zip(value, x, strict=True)))
    return m


def test_optimal_within_the_gap_keeps_cp_sats_bound() -> None:
    # CP-SAT calls a plan OPTIMAL once within relative_gap_limit; the bound used to be set to the
    # objective, a gap of 0 that no search proved
    result, solver = solve_cpsat(_cover_40000(), SolveOptions(time_limit=10, threads=1, gap=0.02))
    assert result.status is Status.OPTIMAL
    assert result.bound == solver.best_objective_bound
    assert result.bound is not None and result.objective is not None and result.bound <= result.objective
    assert result.gap is not None and 0 < result.gap <= 0.02


def _pigeons(holes: int) -> cp_model.CpModel:
    """``holes + 1`` pigeons, each in one of ``holes`` holes, at most one a hole: infeasible, and
    exponential for clause learning without the LP, presolve or symmetry (the options below)."""
    m = cp_model.CpModel()
    x = {(p, h): m.new_bool_var(f"x{p}_{h}") for p in range(holes + 1) for h in range(holes)}
    for p in range(holes + 1):
        m.add_exactly_one(x[p, h] for h in range(holes))
    for h in range(holes):
        m.add_at_most_one(x[p, h] for p in range(holes + 1))
    return m


BLIND = {"linearization_level": 0, "cp_model_presolve": False, "symmetry_level": 0}


def test_a_search_with_no_solution_gives_up_after_its_seconds() -> None:
    """``give_up``: a search that has found nothing by then stops (no plan), long before its limit."""
    result, _ = solve_cpsat(_pigeons(13), SolveOptions(time_limit=60, threads=1, extra=BLIND), give_up=0.5)
    assert result.status is Status.NO_SOLUTION and not result.has_plan
    assert 0.5 <= result.solve_seconds < 10


def _assignment(people: int) -> cp_model.CpModel:
    """Each of ``people`` to one of as many posts, random costs (seed 3): a plan at once, and with
    the options above no proof of optimality in seconds at 20 people."""
    import random

    rng = random.Random(3)
    m = cp_model.CpModel()
    x = {(p, j): m.new_bool_var(f"x{p}_{j}") for p in range(people) for j in range(people)}
    for p in range(people):
        m.add_exactly_one(x[p, j] for j in range(people))
    for j in range(people):
        m.add_exactly_one(x[p, j] for p in range(people))
    m.minimize(sum(rng.randint(1, 1000) * v for v in x.values()))
    return m


def test_a_search_with_a_solution_runs_on_after_give_up() -> None:
    """A search with a plan by ``give_up`` is not stopped: it runs to its own limit."""
    result, _ = solve_cpsat(_assignment(20), SolveOptions(time_limit=2, threads=1, extra=BLIND), give_up=0.2)
    assert result.status is Status.FEASIBLE
    assert result.first_solution_seconds is not None and result.first_solution_seconds < 0.2
    assert result.solve_seconds >= 1.9


def test_stop_at_ends_the_search_at_a_good_enough_plan() -> None:
    """``stop_at``: the search ends at its first plan of that objective or better, unproven
    (FEASIBLE), long before its limit; a figure below the optimum stops nothing."""
    m = _cover_40000()
    proven, _ = solve_cpsat(m, SolveOptions(time_limit=30, threads=1))
    assert proven.objective is not None
    enough = proven.objective * 1.05
    result, _ = solve_cpsat(_cover_40000(), SolveOptions(time_limit=30, threads=1), stop_at=enough)
    assert result.status is Status.FEASIBLE and result.objective is not None
    assert result.objective <= enough and result.solve_seconds < 10
    below, _ = solve_cpsat(_cover_40000(), SolveOptions(time_limit=30, threads=1), stop_at=0)
    assert below.status is proven.status and below.objective == proven.objective


def test_a_hint_given_to_a_solve_is_not_left_on_the_callers_model() -> None:
    """``hint`` and ``solution`` hold for that solve only: the model keeps the hint it had, so a
    later solve of the same model (the rota's bound pass after its search) is not steered by it."""
    m = _choose_five()
    x = [m.get_int_var_from_proto_index(i) for i in range(30)]
    m.add_hint(x[0], 1)
    before = (list(m.proto.solution_hint.vars), list(m.proto.solution_hint.values))
    options = SolveOptions(time_limit=10, threads=1)
    solve_cpsat(m, options, hint={x[29]: 1, x[28]: 1})
    assert (list(m.proto.solution_hint.vars), list(m.proto.solution_hint.values)) == before
    result, _ = solve_cpsat(m, options, solution=[1] * 5 + [0] * 25)
    assert result.objective == 10.0
    assert (list(m.proto.solution_hint.vars), list(m.proto.solution_hint.values)) == before


def test_the_log_file_gets_every_calls_search_log_appended_and_the_terminal_none(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "cpsat.log"
    log.write_text("kept\n")
    options = SolveOptions(time_limit=10, threads=1, log_file=log)
    for _ in range(2):
        result, _ = solve_cpsat(_choose_five(), options)
        assert result.status is Status.OPTIMAL
    lines = log.read_text().splitlines()
    assert lines[0] == "kept"
    assert [line for line in lines if line.startswith("Starting CP-SAT solver")] == [
        f"Starting CP-SAT solver v{ortools.__version__}"
    ] * 2
    assert lines.count("status: OPTIMAL") == 2
    assert "CP-SAT" not in capfd.readouterr().out  # not verbose: nothing on the terminal


def test_without_a_log_file_nothing_is_logged(capfd: pytest.CaptureFixture[str]) -> None:
    solve_cpsat(_choose_five(), SolveOptions(time_limit=10, threads=1))
    assert "CP-SAT" not in capfd.readouterr().out


def test_a_fixed_model_is_valued_despite_a_stop_request() -> None:
    """After Ctrl-C a caller values a plan whose every decision the model fixes: given no time
    CP-SAT finds not even that plan, so ``despite_stop`` lets the solve run (not 'interrupted')."""
    from solvers import request_stop
    from solvers.interrupt import clear_stop

    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(30)]
    for i in range(29):
        m.add_bool_or([x[i], x[i + 1]])
    m.add(sum(x) == 15)
    m.minimize(sum((i % 7) * v for i, v in enumerate(x)))
    for i, v in enumerate(x):
        m.add(v == i % 2)
    request_stop()
    try:
        stopped, _ = solve_cpsat(m, SolveOptions(threads=1))
        valued, solver = solve_cpsat(m, SolveOptions(threads=1), despite_stop=True)
    finally:
        clear_stop()
    assert not stopped.has_plan and stopped.interrupted
    assert valued.status is Status.OPTIMAL and not valued.interrupted
    assert [solver.value(v) for v in x] == [i % 2 for i in range(30)]
