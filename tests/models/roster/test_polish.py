"""models.roster.polish: windows of every person's days re-solved with the rest of the rota fixed
give legal rotas, never worse, the same on every run, and the optimum when one window is the rota."""

from __future__ import annotations

from typing import Any

import pytest

import models.roster
from instances.generators.rostering import generate
from models.common.contract import ModelInputError
from models.roster.build import build_roster_model
from models.roster.check import check_roster
from models.roster.parameters import RosterParameters
from models.roster.polish import Polish, fixed_outside, polish_by_windows, sweep_offset, window_centres
from models.roster.solve import polish_words, proof_options
from solvers import SolveOptions, Status, request_stop, solve_cpsat
from solvers.interrupt import clear_stop

REPRODUCIBLE = {"interleave_search": True, "subsolvers": ["default_lp"], "interleave_batch_size": 2}


def test_the_centres_cover_the_rota_and_the_sweeps_visit_every_offset() -> None:
    assert window_centres(28, 7) == [0, 7, 14, 21]
    assert window_centres(28, 7, 4) == [4, 11, 18, 25]
    assert [sweep_offset(k, 7) for k in range(7)] == [0, 4, 1, 5, 2, 6, 3]  # each day a centre once
    assert [sweep_offset(k, 3) for k in range(3)] == [0, 2, 1]
    assert sweep_offset(5, 1) == 0


def test_a_window_fixes_every_assignment_outside_it_and_none_inside() -> None:
    rm = build_roster_model(generate(4, 21, 0), RosterParameters())
    model = fixed_outside(rm, [1] * len(rm.model.proto.variables), 10, 3)
    for (_, d, _), var in rm.x.items():
        domain = list(model.proto.variables[var.index].domain)
        if abs(d - 10) > 3:
            assert domain == [1, 1]
        else:
            assert domain == list(rm.model.proto.variables[var.index].domain)


def _poor_rota(rm: Any, seed: int = 0) -> tuple[list[int], float]:
    """A legal rota of ``rm`` from the shortest reproducible search that finds one (from 0.02
    deterministic units, doubled until it does): its complete solution and penalty."""
    units = 0.02
    while True:
        options = SolveOptions(threads=2, seed=seed, extra={**REPRODUCIBLE, "max_deterministic_time": units})
        result, solver = solve_cpsat(rm.model, options)
        if result.has_plan:
            return rm.solution(solver), float(rm.penalty_of(solver.value))
        units *= 2


def test_one_window_over_the_whole_rota_reaches_the_proven_optimum() -> None:
    """With ``half`` as long as the rota one window frees every assignment: the polish is the
    whole model solved from the poor rota (here with the proof's settings), so it ends at the
    optimum a proof finds, and one sweep without gain ends it. Windows of five days stop short."""
    rm = build_roster_model(generate(4, 10, 3), RosterParameters())
    proof, solver = solve_cpsat(rm.model, proof_options(60))
    assert proof.status is Status.OPTIMAL
    optimum = float(rm.penalty_of(solver.value))
    solution, poor = _poor_rota(rm)
    assert poor > optimum  # the start is worse, so the polish has something to do
    found = polish_by_windows(rm, solution, poor, proof_options(seed=0), 50.0, 10)
    assert (found.objective, found.improved, found.windows, found.ended_by) == (optimum, 1, 2, "converged")
    assert float(rm.penalty_of(lambda var: found.solution[var.index])) == optimum
    local = polish_by_windows(rm, solution, poor, proof_options(seed=0), 50.0, 2)
    assert optimum < local.objective < poor and local.converged  # a local optimum of 5-day windows


@pytest.mark.slow
def test_the_polish_never_worsens_the_rota_and_stops_within_its_units() -> None:
    rm = build_roster_model(generate(6, 28, 1), RosterParameters())
    solution, poor = _poor_rota(rm)
    options = SolveOptions(threads=2, seed=0, extra=REPRODUCIBLE)
    found = polish_by_windows(rm, solution, poor, options, 1.0, 3)
    assert found.objective <= poor
    assert found.units <= 1.0 + 0.5  # a window's search checks its limit between batches of work
    if found.solver is not None:
        assert float(rm.penalty_of(found.solver.value)) == found.objective


def _solved(share: float) -> models.roster.RosterPlan:
    """The generated 6 x 28 ward solved reproducibly (two workers, seed 0, a 10-s limit): the
    search 0.5 deterministic units, and the polish ``share`` of the limit at 0.1 units a second.
    In one phase, with a 100-s backstop: on a busy machine the first phase gave up by the wall
    clock on one run and not the next, and the 30-s backstop stopped the search (CI, load 6)."""
    params = RosterParameters(
        work_per_second=0.05,
        polish_share=share,
        polish_work_per_second=0.1,
        polish_half_days=3,
        first_hard=(),
        wall_clock_factor=10.0,
    )
    return models.roster.solve(
        generate(6, 28, 1), params, options=SolveOptions(time_limit=10, threads=2, seed=0)
    )


@pytest.mark.slow
def test_the_polish_improves_the_same_search_s_rota_legally_and_the_same_on_every_run() -> None:
    """The search alone with 0.5 units, and the same search polished with 0.5 units more:
    the polished rota is better, passes the independent checker at its own penalty, and a second
    run gives the same rota (the polish counts deterministic units, as the search does)."""
    alone = _solved(0.0)
    polished = _solved(0.5)
    again = _solved(0.5)
    assert polished.result.objective < alone.result.objective
    assert "polished window by window" in polished.result.message
    check = check_roster(generate(6, 28, 1), polished.assignments, RosterParameters())
    assert check.feasible and check.score == polished.result.objective
    assert again.result.objective == polished.result.objective
    assert again.assignments.equals(polished.assignments)
    assert polished.stopped_by == "deterministic limit"


@pytest.mark.parametrize("share", [-0.1, 1.0, float("nan")])
def test_a_polish_share_outside_0_to_1_is_refused(share: float) -> None:
    with pytest.raises(ModelInputError, match="polish_share"):
        RosterParameters(polish_share=share)


@pytest.mark.parametrize("half", [0, 2.5, True])
def test_polish_half_days_must_be_a_whole_number_of_days(half: object) -> None:
    with pytest.raises(ModelInputError, match="polish_half_days"):
        RosterParameters(polish_half_days=half)  # type: ignore[arg-type]


def test_a_stop_asked_for_during_the_polish_keeps_its_best_rota_and_says_interrupted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while the polish runs: the window being solved stops, the best rota so far is the
    plan (legal, scored exactly) and the run says it was interrupted, not stopped by a limit."""
    import models.roster.polish as polish

    solved = polish.solve_cpsat

    def stop_after_one(*args: Any, **kwargs: Any) -> Any:
        found = solved(*args, **kwargs)
        request_stop()
        return found

    monkeypatch.setattr(polish, "solve_cpsat", stop_after_one)
    try:
        plan = _solved(0.5)
    finally:
        clear_stop()
    assert plan.found and plan.result.interrupted and plan.stopped_by == "interrupted"
    assert plan.polish is not None and (plan.polish["windows"], plan.polish["ended_by"]) == (1, "stopped")
    check = check_roster(generate(6, 28, 1), plan.assignments, RosterParameters())
    assert check.feasible and check.score == plan.result.objective


@pytest.mark.slow
def test_no_polish_on_the_wall_clock_nor_for_a_rota_no_longer_than_one_window() -> None:
    """Racing workers (no worker count named) keep the whole limit for the search; a 15-day rota's
    one window would be the whole model again. Neither is polished, nor counts polish units."""
    # 6 s: 2 s found no rota on a busy machine
    racing = models.roster.solve(generate(6, 28, 1), RosterParameters(), options=SolveOptions(time_limit=6))
    assert racing.found and racing.polish is None and racing.deterministic_limit is None
    params = RosterParameters(work_per_second=0.05, polish_work_per_second=0.1)
    short = models.roster.solve(generate(6, 15, 1), params, options=SolveOptions(time_limit=10, threads=2))
    assert short.found and short.polish is None and short.deterministic_limit == pytest.approx(0.5)
    longer = models.roster.solve(generate(6, 16, 1), params, options=SolveOptions(time_limit=10, threads=2))
    assert longer.deterministic_limit == pytest.approx(0.5 + 0.2)  # a 16-day rota is polished


def test_the_message_says_why_no_window_was_polished() -> None:
    """A short run's polish that solved no window said "0 of 0 windows improved the rota from 2037
    to 2037" (``optimiser solve lsc-registrar-oncall --time-limit 15 --threads 2``)."""

    def polish(windows: int, improved: int, objective: float, ended_by: str) -> Polish:
        return Polish([], objective, None, windows, improved, 1, 0.0, ended_by, 2037)

    assert polish_words(polish(0, 0, 2037, "stopped")) == (
        "not polished window by window: no time was left for a window"
    )
    assert "too few units were left" in polish_words(polish(0, 0, 2037, "units"))
    assert polish_words(polish(4, 1, 2001, "converged")) == (
        "polished window by window: 1 of 4 windows improved the rota from 2037 to 2001; "
        "no window improves it further"
    )
