"""models.roster.window_search: a long rota improved window by window stays legal, and a window's
sub-model prices a change of the window exactly as the independent checker does."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from instances.generators.rostering import generate
from models.roster.check import check_roster
from models.roster.horizon import HorizonSettings, rolling_rota
from models.roster.parameters import RosterParameters
from models.roster.window_search import (
    WindowSettings,
    _fixed_solution,
    _replaced,
    improve_by_windows,
    window_model,
)
from solvers import SolveOptions, solve_cpsat

SMALL = HorizonSettings(window_days=14, min_person_days=0)
WEEKS = WindowSettings(window_days=14, tail_days=7, history_days=14, window_seconds=2.0)


def constructed(staff: int, days: int, seed: int) -> tuple[object, pd.DataFrame]:
    inp = generate(staff, days, seed, history_days=7)
    rolled = rolling_rota(inp, RosterParameters(), SolveOptions(threads=2), SMALL)
    assert rolled.assignments is not None
    return inp, rolled.assignments


def test_the_sub_model_prices_a_window_change_as_the_checker_does() -> None:
    """Re-solve the middle window of a constructed rota; the sub-model's objective at the old and
    the new rota (each fixed) differ by exactly the checker's difference of the two rotas' scores:
    the horizon's counts outside the sub-model (contract hours, weekends, fairness) and the seams
    are the whole model's."""
    inp, rota = constructed(8, 42, 1)
    _prices_as_the_checker(inp, rota, RosterParameters())


@pytest.mark.slow
def test_the_sub_model_prices_reference_periods_across_its_edges_as_the_checker_does() -> None:
    """The same with ``max_average_weekly_hours`` soft at 30 h over two-week reference periods, of
    which the six weeks hold 29, most reaching past the window's sub-model on one side or both:
    the minutes outside it count as the checker counts them."""
    inp, rota = constructed(8, 42, 1)
    row = {
        "group": "*",
        "rule": "max_average_weekly_hours",
        "shift": "",
        "limit": 30.0,
        "hard": False,
        "weight": 2,
    }
    inp = dataclasses.replace(inp, rules=pd.concat([inp.rules, pd.DataFrame([row])], ignore_index=True))
    params = RosterParameters(reference_weeks=2)
    paid = check_roster(inp, rota, params).penalties
    assert (paid["rule"] == "max_average_weekly_hours").sum() > 5  # the periods bind
    _prices_as_the_checker(inp, rota, params)


def _prices_as_the_checker(inp: object, rota: pd.DataFrame, params: RosterParameters) -> None:
    built = window_model(inp, params, rota, 14, 28, WEEKS)
    assert built is not None
    rm, values, lo = built
    fixed = _fixed_solution(rm, values, SolveOptions(threads=2))
    assert fixed is not None
    before, hint = fixed
    rm.model.proto.solution_hint.vars.extend(range(len(hint)))
    rm.model.proto.solution_hint.values.extend(hint)
    # deterministic work, not wall seconds: under load 6-8 a 5-s limit once ended with no rota
    work = SolveOptions(threads=2, seed=0, time_limit=60.0, extra={"max_deterministic_time": 0.3})
    result, solver = solve_cpsat(rm.model, work)
    assert result.has_plan
    new = _replaced(inp, rota, rm, list(solver.response_proto.solution), 14, 28, lo)
    old_score, new_check = check_roster(inp, rota, params).score, check_roster(inp, new, params)
    assert new_check.feasible
    again = window_model(inp, params, new, 14, 28, WEEKS)
    assert again is not None
    after = _fixed_solution(again[0], again[1], SolveOptions(threads=2))
    assert after is not None
    assert before - after[0] == old_score - new_check.score, (before, after[0], old_score, new_check.score)
    assert new_check.score < old_score  # the constructed rota leaves out soft rules: there is room


@pytest.mark.slow
@pytest.mark.parametrize("people", [0, 3])
def test_the_improved_rota_is_legal_and_its_saving_is_at_most_the_checkers(people: int) -> None:
    inp, rota = constructed(8, 42, 2)
    params = RosterParameters()
    first = check_roster(inp, rota, params).score
    settings = dataclasses.replace(WEEKS, people=people)
    found = improve_by_windows(inp, params, rota, SolveOptions(threads=2, time_limit=20.0), settings)
    scored = check_roster(inp, found.assignments, params)
    assert scored.feasible, scored.hard.head().to_string()
    assert found.improved > 0 and found.visits >= 3
    # a window's free solve may report a penalty above its rota's (presolve keeps one side of a
    # penalty's definition): the saving counted is at most the true one
    assert 0 < found.saved <= first - scored.score
    assert len(found.assignments) == len(found.assignments.drop_duplicates(["staff_id", "date"]))
