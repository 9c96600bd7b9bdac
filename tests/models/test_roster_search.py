"""Large-neighbourhood search of the rota model (:mod:`models.roster.search`): legal, optimal on a
small instance, and the same rota for the same seed and workers."""

from __future__ import annotations

import dataclasses

import pytest

import models.roster
from models.common.contract import ModelInputError
from models.roster.check import check_roster
from models.roster.curtois_qu import read_instance, roster_from_assignments, score_roster, to_roster_input
from models.roster.report import extract_tables
from models.roster.search import LnsSettings, _aimed, _breaches, lns_solve
from models.roster.solve import build_roster_model
from solvers import SolveOptions, Status, solve_cpsat
from tests.conftest import benchmark_file

# Neighbourhoods from the start: the first whole-model solve ends at its first rota.
EAGER = LnsSettings(first_rota_only=True, polish_share=0.1, step_seconds=0.3)
# Deterministic budgets below (0.2 units per second of limit through solve) take a few seconds
# on an idle machine; a loose wall-clock backstop keeps the results independent of the load.
LOOSE = 30.0


def instance(name: str):
    return read_instance(benchmark_file("shift-scheduling", f"{name}.txt"))


@pytest.mark.slow  # 5 deterministic seconds: about 7 s idle, minutes on a loaded machine
def test_lns_reaches_the_optimum_of_instance1_and_the_checker_agrees() -> None:
    inst = instance("Instance1")
    inp = to_roster_input(inst)
    rm = build_roster_model(inp)
    options = SolveOptions(time_limit=5.0, threads=2, seed=3)
    result, solver = lns_solve(rm, options, deterministic=True, settings=EAGER, wall_clock_factor=LOOSE)
    assert "neighbourhoods" in result.message and not result.message.startswith(
        "large-neighbourhood search: 0 "
    )
    assert result.objective == 607
    tables = extract_tables(rm, solver)
    assert int(tables["penalties"]["cost"].sum()) == 607
    found = check_roster(inp, tables["assignments"])
    assert found.feasible and found.score == 607
    score = score_roster(inst, roster_from_assignments(inst, tables["assignments"]))
    assert score.feasible and score.penalty == 607


@pytest.mark.slow
def test_lns_rota_is_legal_and_its_score_is_the_objective() -> None:
    inst = instance("Instance2")
    inp = to_roster_input(inst)
    params = models.roster.Parameters(search="lns", wall_clock_factor=LOOSE)
    plan = models.roster.solve(inp, params, options=SolveOptions(time_limit=15.0, threads=2, seed=1))
    assert plan.found
    report = models.roster.check(inp, plan)
    assert not report.violations and not report.mismatches
    assert plan.result.bound is not None and 0 < plan.result.bound <= plan.result.objective
    assert plan.result.objective >= 828  # the proven optimum
    assert (
        score_roster(inst, roster_from_assignments(inst, plan.assignments)).penalty == plan.result.objective
    )


@pytest.mark.slow
def test_same_seed_and_workers_give_the_same_rota() -> None:
    inp = to_roster_input(instance("Instance2"))
    params = models.roster.Parameters(search="lns", wall_clock_factor=LOOSE)
    runs = [
        models.roster.solve(inp, params, options=SolveOptions(time_limit=10.0, threads=2, seed=7))
        for _ in range(2)
    ]
    assert runs[0].found and runs[0].result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert runs[0].assignments.equals(runs[1].assignments)
    assert runs[0].result.objective == runs[1].result.objective


def test_unknown_search_is_refused() -> None:
    with pytest.raises(ModelInputError, match="search 'tabu' must be one of cpsat, lns"):
        models.roster.Parameters(search="tabu")


def test_an_aimed_neighbourhood_frees_the_person_throughout_and_everyone_around_the_day() -> None:
    rm = build_roster_model(to_roster_input(instance("Instance1")))  # 8 people, 14 days
    free = _aimed(rm, (2, 6), 0.3)  # half-width max(2, round(0.3 * 14 / 2)) = 2: days 4-8
    assert {k for k in rm.x if k[0] == 2} <= free
    assert {k for k in rm.x if 4 <= k[1] <= 8} <= free
    assert all(k[0] == 2 or 4 <= k[1] <= 8 for k in free)
    assert {k for k in rm.x if k[0] != 2 and k[1] in (3, 9)}.isdisjoint(free)


def test_breaches_are_the_dated_penalties_of_the_rota() -> None:
    inp = to_roster_input(instance("Instance1"))
    rm = build_roster_model(inp)
    result, solver = solve_cpsat(rm.model, SolveOptions(time_limit=20.0, threads=2, seed=0))
    assert result.has_plan
    penalties = extract_tables(rm, solver)["penalties"]
    person = {staff_id: p for p, staff_id in enumerate(rm.staff)}
    dated = penalties[penalties["date"].notna() & penalties["staff"].isin(list(person))]
    expected = sorted((person[r.staff], (r.date - inp.first_date).days) for r in dated.itertuples())
    assert len(expected) > 0  # Instance1's optimum (607) breaks requests on given days
    assert sorted(_breaches(rm, solver)) == expected


@pytest.mark.slow
def test_a_search_of_aimed_neighbourhoods_only_keeps_a_legal_rota() -> None:
    inst = instance("Instance1")
    inp = to_roster_input(inst)
    rm = build_roster_model(inp)
    settings = dataclasses.replace(EAGER, aimed_every=1, line_seconds=0)
    options = SolveOptions(time_limit=0.2, threads=2, seed=0)  # hundreds of steps, a few seconds
    result, solver = lns_solve(rm, options, deterministic=True, settings=settings, wall_clock_factor=LOOSE)
    assert result.has_plan and result.objective >= 607  # the proven optimum
    assert not result.message.startswith("large-neighbourhood search: 0 ")
    found = check_roster(inp, extract_tables(rm, solver)["assignments"])
    assert found.feasible and found.score == result.objective


def test_every_neighbourhood_starts_from_the_whole_incumbent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each step (and the final whole-model solve) is given the incumbent's value of every
    variable (a complete hint, a solution of the step's model), not only its assignments: on a
    generated 30 x 28 ward (60 s, two threads) that took ``search: lns`` from 211 to 158, and
    15 x 28 from 161 to 127."""
    from models.roster import search

    real = search.solve_cpsat
    steps: list[tuple[object, list[int] | None]] = []

    def watched(model: object, options: SolveOptions, **kwargs: object) -> object:
        result, solver = real(model, options, **kwargs)
        steps.append((model, kwargs.get("solution")))  # type: ignore[arg-type]
        return result, solver

    monkeypatch.setattr(search, "solve_cpsat", watched)
    rm = build_roster_model(to_roster_input(instance("Instance1")))
    options = SolveOptions(time_limit=1.0, threads=1, seed=3)
    lns_solve(rm, options, deterministic=True, settings=EAGER, wall_clock_factor=LOOSE)
    count = len(rm.model.proto.variables)
    steps = [(model, start) for model, start in steps if len(model.proto.variables) == count]  # type: ignore[attr-defined]
    assert len(steps) >= 3 and steps[0][1] is None  # (each person's first line is another model)
    for model, start in steps[1:]:  # after the first rota: every step, then the final whole-model solve
        assert start is not None and len(start) == count
        fixed = SolveOptions(threads=1, extra={"fix_variables_to_their_hinted_value": True})
        held, _ = solve_cpsat(model.clone(), fixed, solution=start)  # type: ignore[attr-defined]
        assert held.status is Status.OPTIMAL  # the start satisfies the step's model
