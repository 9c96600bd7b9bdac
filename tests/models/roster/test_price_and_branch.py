"""The ``lines`` search's phases (:mod:`models.roster.price_and_branch`)."""

from __future__ import annotations

import time
from typing import Any

import pytest

import models.roster.price_and_branch as pab
from models.roster.column_generation import generate_columns
from models.roster.lines import LineModel
from models.roster.master import Master
from models.roster.solve import build_roster_model
from solvers import SolveOptions
from tests.models.test_roster_bound import tiny


@pytest.mark.parametrize(("limit", "first"), [(20.0, 1.0), (60.0, 3.0), (600.0, 5.0), (3600.0, 5.0)])
def test_the_first_cpsat_solve_has_its_share_of_the_limit_at_most_first_seconds(
    limit: float, first: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first whole-model solve gets ``first_share`` (5 %) of the limit but never more than
    ``first_seconds`` (5 s): 30 s of a 600-s limit went to a CP-SAT solve that could not prove
    what column generation proves in a second. The search still ends at the enumerated optimum."""
    limits: list[float | None] = []
    real = pab.solve_cpsat

    def watched(model: Any, options: SolveOptions, **kwargs: Any) -> Any:
        limits.append(options.time_limit)
        return real(model, options, **kwargs)

    monkeypatch.setattr(pab, "solve_cpsat", watched)
    rm = build_roster_model(tiny(1))
    result, _, _ = pab.lines_solve(rm, SolveOptions(time_limit=limit, threads=1))
    assert limits[0] == pytest.approx(first)
    assert result.objective == result.bound


@pytest.mark.parametrize("far", [True, False])
def test_a_dive_far_above_the_bound_skips_the_mip_over_the_lines(
    far: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the dive's rota is more than ``far_gap`` above the bound, phase 3 returns the dive's
    rota without the MIP and marks the record ``far`` (the caller then searches, without the
    tree); otherwise the MIP runs as before."""
    rm = build_roster_model(tiny(1))
    master = Master.of(rm)
    people = [LineModel(rm, p) for p in range(len(rm.staff))]
    generate_columns(rm, master, SolveOptions(time_limit=10.0, threads=1), people=people)
    mips: list[int] = []
    real = pab.rota_from_columns

    def watched(*args: Any, **kwargs: Any) -> Any:
        mips.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pab, "rota_from_columns", watched)
    settings = pab.LinesSettings(far_gap=0.0) if far else pab.LinesSettings()
    record: dict[str, Any] = {}
    options = SolveOptions(time_limit=10.0, threads=1)
    found = pab._rota_from_master(master, people, options, settings, record, converged=True, bound=-1000.0)
    assert found is not None and record.get("dive_penalty") is not None
    assert record.get("far", False) is far
    assert mips == ([] if far else [1])
    assert found[1] <= record["dive_penalty"]


@pytest.mark.parametrize(
    ("left", "penalty", "bound", "bandp_share", "expected"),
    [
        (50.0, 1057.0, 1055.0, 0.5, 25.0),  # a 60-s run: the share is under the cap
        (580.0, 1057.0, 1055.0, 0.5, 30.0),  # a 600-s run near the bound: the tree follows, capped
        (580.0, 1200.0, 1055.0, 0.5, 290.0),  # far from the bound: no tree, the share stands
        (580.0, 1057.0, 1055.0, 0.0, 290.0),  # no tree at all
        (580.0, 1057.0, None, 0.5, 290.0),  # no bound
        (580.0, None, 1055.0, 0.5, 290.0),  # no rota
        (None, 1057.0, 1055.0, 0.5, None),  # no limit
    ],
)
def test_a_phase_before_the_tree_is_capped_in_seconds_only_when_the_tree_follows(
    left: float | None, penalty: float | None, bound: float | None, bandp_share: float, expected: float | None
) -> None:
    """The repair and the polish before the tree get their share of the time left, at most their
    seconds when the rota is within ``bandp_gap`` of the bound (the tree's gate): at 600 s their
    shares (about 290 s each) kept the tree from Curtois & Qu Instances 5 and 6 for 400 s."""
    settings = pab.LinesSettings(bandp_share=bandp_share, bandp_gap=0.01)
    most = pab._before_tree(settings, 0.5, left, 30.0, penalty, bound)
    assert most == (None if expected is None else pytest.approx(expected))


def test_the_repair_and_the_polish_before_the_tree_have_at_most_30_seconds_by_default() -> None:
    """The defaults measured at 600 s (``roster_search.md``, 2026-12-05): 30 s each, above what a
    60-s run gives either phase, so 60-s runs are unchanged."""
    settings = pab.LinesSettings()
    assert settings.repair_seconds == settings.polish_seconds == 30.0
    assert pab._before_tree(settings, 0.5, 50.0, settings.polish_seconds, 1057.0, 1055.0) == 25.0


@pytest.mark.parametrize(
    "limit, most", [(None, 15.0), (60.0, 15.0), (300.0, 15.0), (600.0, 30.0), (1200.0, 60.0)]
)
def test_rens_has_its_seconds_or_its_share_of_the_limit_whichever_is_more(
    limit: float | None, most: float
) -> None:
    settings = pab.LinesSettings()
    assert settings.rens_seconds == 15.0 and settings.rens_limit_share == 0.05
    assert pab._rens_most(settings, SolveOptions(time_limit=limit)) == pytest.approx(most)


@pytest.mark.parametrize(("bound", "reported"), [(-11_722_119.0, 0.0), (3.0, 3.0), (None, None)])
def test_a_bound_below_zero_is_reported_as_zero(bound: float | None, reported: float | None) -> None:
    """No rota scores below 0 (every penalty a weight of at least 0 times an amount of at least 0),
    so column generation's Lagrangian bound before convergence, which can be far below, is
    reported as 0 with a gap of 100 %, not as a gap of a million per cent; other bounds stand."""
    rm = build_roster_model(tiny(1))
    result, solver = pab.solve_cpsat(rm.model.clone(), SolveOptions(time_limit=10.0, threads=1))
    objective = float(solver.objective_value)
    assert objective > 3.0
    finished, _, _ = pab._finish(result, solver, bound, 0.0, time.perf_counter(), {}, SolveOptions())
    assert finished.bound == reported
    assert finished.gap == (None if reported is None else pytest.approx((objective - reported) / objective))


def test_the_polish_starts_from_every_variable_of_the_lines_rota(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CP-SAT polish is given the rota's every variable (``_fixed``: the whole model fixed to
    the lines), a solution of its model with the cut, not the assignments alone, which CP-SAT
    must first complete (and at times did not reach in its time)."""
    from models.roster.lines import line_of_rota
    from solvers import Status, solve_cpsat

    rm = build_roster_model(tiny(1))
    found, solver = solve_cpsat(
        rm.model, SolveOptions(threads=1, seed=0, extra={"max_deterministic_time": 1.0})
    )
    assert found.has_plan
    lines = [line_of_rota(rm, p, solver.value) for p in range(len(rm.staff))]
    lines_fixed, lines_solver = pab._fixed(rm, lines)
    whole = rm.solution(lines_solver) if lines_fixed.has_plan else None
    assert whole is not None and len(whole) == len(rm.model.proto.variables)
    fixed = SolveOptions(threads=1, extra={"fix_variables_to_their_hinted_value": True})
    cut = rm.penalty_of(solver.value)  # the rota's own penalty: the tightest cut it satisfies
    held, held_solver = solve_cpsat(rm.narrowed(floor=cut), fixed, solution=whole)
    assert held.status is Status.OPTIMAL and rm.penalty_of(held_solver.value) == rm.penalty_of(solver.value)
    given: list[object] = []
    real = pab.solve_cpsat

    def watched(model: Any, options: SolveOptions, **kwargs: Any) -> Any:
        given.append(kwargs.get("solution"))
        return real(model, options, **kwargs)

    monkeypatch.setattr(pab, "solve_cpsat", watched)
    options = SolveOptions(time_limit=2.0, threads=1, seed=0)
    polished, polished_solver = pab._polish(rm, options, pab._hint_of(rm, lines), cut, "cpsat", whole)
    assert given == [whole]
    assert polished.has_plan and rm.penalty_of(polished_solver.value) <= rm.penalty_of(solver.value)


@pytest.mark.slow
def test_a_stop_as_the_lines_rota_is_valued_keeps_it_and_says_interrupted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C just before the rota built from lines is valued (the whole model with every assignment
    fixed): CP-SAT given no time found not even that rota, so the search ended 'interrupted before
    any plan was found' (a generated 10 x 28 ward stopped at 3 s and at 6 s). Now the rota is
    kept, legal, and the run says it was interrupted."""
    import models.roster
    from instances.generators.rostering import generate
    from models.roster.check import check_roster
    from models.roster.parameters import RosterParameters
    from solvers import request_stop
    from solvers.interrupt import clear_stop

    valued = pab._fixed
    calls: list[int] = []

    def stop_first(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        request_stop()
        return valued(*args, **kwargs)

    monkeypatch.setattr(pab, "_fixed", stop_first)
    inp = generate(6, 14, 1)
    try:  # the lines rota is valued at the end of the limit: 3 s left none on a busy machine
        plan = models.roster.solve(
            inp, RosterParameters(search="lines"), options=SolveOptions(time_limit=6, threads=2)
        )
    finally:
        clear_stop()
    assert calls, "no rota was built from lines within the limit"
    assert plan.found and plan.result.interrupted and plan.stopped_by == "interrupted"
    check = check_roster(inp, plan.assignments, RosterParameters())
    assert check.feasible and check.score == plan.result.objective
