"""The full LP's bound after the search (:mod:`models.roster.full_lp_bound`): never above the
optimum, the same in every reproducible run, taken only when higher, and within the time limit."""

from __future__ import annotations

import dataclasses
import importlib
import time

import pytest

import models.roster
from instances.generators.rostering import generate
from models.common.contract import ModelInputError
from models.roster.full_lp_bound import full_lp_bound, with_bound
from models.roster.solve import build_roster_model, proof_options
from optimiser.kinds.roster_summary import summary
from solvers import SolveOptions, SolveResult, Status, solve_cpsat

OPTIMUM = 239
"""``generate(4, 7, 2)``'s least penalty, proven by CP-SAT (checked below)."""


def _result(status: Status, objective: float | None, bound: float | None) -> SolveResult:
    gap = None if objective is None or bound is None else (objective - bound) / objective
    return SolveResult(status, objective, bound, gap, 0.0, 1.0, "cpsat")


def test_the_bound_is_taken_only_when_higher_rounded_up_and_never_above_the_rota() -> None:
    found = _result(Status.FEASIBLE, 57.0, 28.0)
    lifted = with_bound(found, 41.2)
    assert lifted.bound == 42.0 and lifted.gap == pytest.approx((57 - 42) / 57) and lifted.objective == 57.0
    assert with_bound(found, 27.0) is found and with_bound(found, None) is found
    proven = _result(Status.OPTIMAL, 45.0, 45.0)
    assert with_bound(proven, 40.0) is proven
    with pytest.raises(AssertionError, match="exceeds"):
        with_bound(found, 60.0)
    closed = with_bound(found, 56.2)  # rounded up to the rota's penalty: the rota is optimal
    assert (closed.status, closed.bound, closed.gap) == (Status.OPTIMAL, 57.0, 0.0)


def test_the_full_lp_bound_holds_below_the_optimum_and_repeats_in_deterministic_units() -> None:
    inp = generate(4, 7, 2)
    proof, _ = solve_cpsat(build_roster_model(inp).model, proof_options(60.0))
    assert proof.status is Status.OPTIMAL and proof.objective == OPTIMUM
    bounds = [full_lp_bound(build_roster_model(inp), SolveOptions(), 30.0, 0.5) for _ in range(2)]
    assert bounds[0] is not None and bounds[0] == bounds[1] and 0 < bounds[0] <= OPTIMUM
    assert (
        full_lp_bound(build_roster_model(inp), SolveOptions(time_limit=1.0).with_deadline(0.0), 30.0, 0.5)
        is None
    )


def test_on_the_bundled_nurses_the_full_lp_bounds_far_above_the_default_lp() -> None:
    """One deterministic unit each: the full LP's bound is 40 or more (the optimum is 45,
    ``instances/lsc-sact-nurses/README.md``); one worker with the default LP stays at 28 or less."""
    from instances import bundled_path
    from optimiser.kinds import load_instance

    case = load_instance(bundled_path("lsc-sact-nurses")).model_input  # type: ignore[arg-type]
    rm = build_roster_model(case.input, case.parameters)
    full = full_lp_bound(rm, SolveOptions(), 30.0, 1.0)
    assert full is not None and 40 <= full <= 45
    _, solver = solve_cpsat(
        rm.model, SolveOptions(time_limit=30.0, threads=1, extra={"max_deterministic_time": 1.0})
    )
    assert solver.best_objective_bound <= 28


def test_a_rota_search_takes_the_pass_bound_keeps_its_rota_and_keeps_to_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The search's rota is the same with or without the pass; the pass gets ``bound_share`` of
    the limit in deterministic units (reproducible) and its bound is reported when higher; with
    ``bound_share`` 0 it does not run; a wall-clock run keeps to its limit with the pass."""
    roster_solve = importlib.import_module("models.roster.solve")  # the module: the package exports solve()

    inp = generate(8, 14, 0)
    options = SolveOptions(time_limit=5.0, threads=2, seed=0)
    calls: list[tuple[float, float | None]] = []
    off = models.roster.solve(inp, models.roster.Parameters(bound_share=0.0), options=options)
    assert off.found and off.result.bound is not None and off.result.objective is not None
    lifted = off.result.bound + 10

    def fake(rm: object, options: SolveOptions, seconds: float, units: float | None) -> float:
        calls.append((seconds, units))
        return lifted

    monkeypatch.setattr(roster_solve, "full_lp_bound", fake)
    again = models.roster.solve(inp, models.roster.Parameters(bound_share=0.0), options=options).result
    assert (again.objective, again.bound) == (off.result.objective, off.result.bound)
    assert not calls
    on = models.roster.solve(inp, models.roster.Parameters(), options=options)
    assert on.result.objective == off.result.objective and on.result.bound == lifted
    assert on.result.gap == pytest.approx((off.result.objective - lifted) / off.result.objective)
    assert calls == [(pytest.approx(5.0 * 0.05 * 3.0), pytest.approx(5.0 * 0.05 * 0.4))]
    assert on.full_lp_bound == lifted and on.figures()["solve"]["full_lp_bound"] == lifted
    assert off.full_lp_bound is None and off.figures()["solve"]["full_lp_bound"] is None
    assert f"; bound {lifted:g} from CP-SAT's full LP after the search" in summary(on)
    assert "full LP" not in summary(off)
    lower = dataclasses.replace(on, full_lp_bound=lifted - 20)  # the search's bound was the higher
    assert "full LP" not in summary(lower) and lower.figures()["solve"]["full_lp_bound"] == lifted - 20
    monkeypatch.setattr(roster_solve, "full_lp_bound", lambda *args: float(off.result.objective))
    closed = models.roster.solve(inp, models.roster.Parameters(), options=options)
    assert closed.result.status is Status.OPTIMAL and closed.result.gap == 0.0
    assert closed.figures()["solve"]["stopped_by"] == "proven optimal"
    monkeypatch.undo()
    racing = dataclasses.replace(models.roster.Parameters(), reproducible=False)
    t0 = time.perf_counter()
    raced = models.roster.solve(inp, racing, options=SolveOptions(time_limit=4.0, threads=2).with_deadline())
    assert raced.found and time.perf_counter() - t0 < 4.0 + 1.0


@pytest.mark.parametrize("share", [-0.1, 1.0, float("nan")])
def test_a_bound_share_outside_0_to_1_is_refused(share: float) -> None:
    with pytest.raises(ModelInputError, match="bound_share"):
        models.roster.Parameters(bound_share=share)
