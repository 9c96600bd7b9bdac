"""models.roster.mip_search (``search: mip``): HiGHS on the rota model's MILP finds the proven optimum
of a small ward and proves it, its rota passes the independent checker at the penalty reported, its
bound never exceeds it, a start rota is its first solution, and no rota is proven infeasible."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

import models.roster
from instances.generators.rostering import generate
from models.common.contract import ModelInputError
from models.roster.build import build_roster_model
from models.roster.check import check_roster
from models.roster.input import rules_table
from models.roster.mip_search import mip_solve
from models.roster.parameters import RosterParameters
from models.roster.solve import proof_options
from solvers import SolveOptions, Status, solve_cpsat
from tests.models.roster.quick_rota import quick_rota

MIP = RosterParameters(search="mip")


@pytest.mark.slow
def test_a_small_ward_is_solved_to_the_optimum_cp_sat_proves() -> None:
    inp = generate(4, 10, 3)
    rm = build_roster_model(inp, RosterParameters())
    proof, solver = solve_cpsat(rm.model, proof_options(60))
    assert proof.status is Status.OPTIMAL
    plan = models.roster.solve(inp, MIP, options=SolveOptions(time_limit=30, threads=2))
    assert plan.result.status is Status.OPTIMAL and plan.result.backend == "highs"
    assert plan.result.objective == proof.objective == plan.result.bound
    assert (plan.search, plan.stopped_by, plan.reproducible) == ("mip", "proven optimal", False)
    check = check_roster(inp, plan.assignments, RosterParameters())
    assert check.feasible and check.score == plan.result.objective


@pytest.mark.slow
def test_stopped_by_the_clock_the_rota_is_legal_and_the_bound_below_its_penalty() -> None:
    inp = generate(8, 28, 1)
    plan = models.roster.solve(inp, MIP, options=SolveOptions(time_limit=8, threads=1))
    assert plan.found and plan.stopped_by in ("wall clock", "proven optimal")
    assert plan.result.bound is not None and plan.result.bound <= plan.result.objective
    assert plan.result.bound == int(plan.result.bound)  # whole points
    check = check_roster(inp, plan.assignments, RosterParameters())
    assert check.feasible and check.score == plan.result.objective
    assert int(plan.tables()["penalties"]["cost"].sum()) == plan.result.objective


@pytest.mark.slow
def test_a_start_rota_is_highs_first_solution() -> None:
    """With no time for HiGHS to search beyond its start, the rota returned is no worse than the
    start: the hint was completed by CP-SAT and handed over whole."""
    inp = generate(6, 28, 2)
    rm = build_roster_model(inp, RosterParameters())
    start, hint = quick_rota(rm)
    options = SolveOptions(time_limit=2.3, threads=1, extra={})
    found, holder = mip_solve(rm, options, 0.2, hint=hint)
    assert found.has_plan and holder is not None
    assert found.objective <= start.objective
    assert float(rm.penalty_of(holder.value)) == found.objective


def test_no_rota_is_proven_infeasible_and_explained() -> None:
    """Two people, three days, two needed each day and at most one day in a row: the MILP is
    infeasible, so the rota model is (the MILP is its relaxation), and the breach is named."""
    monday = dt.date(2025, 3, 3)
    inp = models.roster.Input(
        staff=pd.DataFrame([{"staff_id": "A"}, {"staff_id": "B"}]),
        shifts=pd.DataFrame([{"shift_id": "D", "start": "09:00", "length_minutes": 480}]),
        first_date=monday,
        days=3,
        cover=pd.DataFrame(
            [
                {"date": monday + dt.timedelta(days=d), "shift_id": "D", "minimum": 2, "preferred": 2}
                for d in range(3)
            ]
        ),
        rules=rules_table("*", {"max_consecutive_days": (1, True, 1)}),
    )
    plan = models.roster.solve(inp, MIP, options=SolveOptions(time_limit=10, threads=1))
    assert not plan.found and plan.result.status is Status.INFEASIBLE
    assert plan.stopped_by == "infeasible"
    assert "max_consecutive_days" in " ".join(plan.explanation) or len(plan.tables()["violations"]) > 0


def test_a_deadline_passed_while_the_milp_is_written_ends_without_a_rota_and_says_why() -> None:
    import time

    rm = build_roster_model(generate(4, 10, 3), RosterParameters())
    late = SolveOptions(time_limit=10, threads=1, deadline=time.monotonic() - 1.0)
    found, holder = mip_solve(rm, late, 0.05)
    assert holder is None and found.status is Status.NO_SOLUTION
    assert "the time limit came while the MILP was written" in found.message
    assert found.options["time_limit"] == 10


@pytest.mark.parametrize("effort", [-0.1, 1.5, float("nan")])
def test_a_heuristic_effort_outside_0_to_1_is_refused(effort: float) -> None:
    with pytest.raises(ModelInputError, match="mip_heuristic_effort"):
        dataclasses.replace(MIP, mip_heuristic_effort=effort)


def test_a_stop_during_highs_keeps_its_rota_and_says_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while HiGHS searches: its best rota is still completed and valued by CP-SAT (which,
    given no time, found not even a rota fixed whole, so the plan was lost) and the run says it
    was interrupted."""
    import models.roster.mip_search as mip_search
    from solvers import request_stop
    from solvers.interrupt import clear_stop

    searched = mip_search.solve_matrix

    def stopped(model: object, options: SolveOptions, **kwargs: object) -> object:
        first = dataclasses.replace(options, extra={**options.extra, "mip_max_improving_sols": 1})
        found, values = searched(model, first, **kwargs)  # type: ignore[arg-type]
        assert values is not None  # HiGHS's first rota, however busy the machine (not the clock)
        request_stop()
        return dataclasses.replace(found, interrupted=True), values

    monkeypatch.setattr(mip_search, "solve_matrix", stopped)
    inp = generate(6, 28, 2)
    try:
        plan = models.roster.solve(inp, MIP, options=SolveOptions(time_limit=60, threads=1))
    finally:
        clear_stop()
    assert plan.found and plan.result.interrupted and plan.stopped_by == "interrupted"
    check = check_roster(inp, plan.assignments, RosterParameters())
    assert check.feasible and check.score == plan.result.objective


@pytest.mark.slow
def test_a_start_rota_is_completed_with_at_least_the_completion_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tenth of a short limit (0.23 s of 2.3 s) was too little to complete the start on a busy
    machine, and HiGHS, left without it, ended without a rota: the completion has at least
    ``COMPLETION_SECONDS``, at most half of the time left, and a tenth of a long limit."""
    import models.roster.mip_search as mip_search

    given: list[float | None] = []
    value_rota = mip_search.value_rota

    def valued(rm: object, hint: object, options: SolveOptions, **kwargs: object) -> object:
        given.append(options.time_limit)
        return value_rota(rm, hint, options, **kwargs)  # type: ignore[arg-type]

    inp = generate(4, 10, 3)
    rm = build_roster_model(inp, RosterParameters())
    proof, solver = solve_cpsat(rm.model, SolveOptions(time_limit=10, threads=1))
    hint = {key: int(solver.value(var)) for key, var in rm.x.items()}
    monkeypatch.setattr(mip_search, "value_rota", valued)
    for limit in (2.3, 5.0, 60.0):
        assert mip_search._completed(rm, hint, SolveOptions(time_limit=limit, threads=1)) is not None
    assert given == pytest.approx([1.15, mip_search.COMPLETION_SECONDS, 6.0], abs=0.05)
