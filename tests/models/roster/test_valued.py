"""A rota valued by the whole model with its assignments fixed (:mod:`models.roster.valued`)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from instances.generators.rostering import generate
from models.roster.build import build_roster_model
from models.roster.parameters import RosterParameters
from models.roster.valued import value_rota
from solvers import SolveOptions, SolveResult, request_stop, solve_cpsat
from solvers.interrupt import clear_stop
from tests.models.roster.quick_rota import quick_rota


def test_a_rota_is_valued_at_its_penalty_even_after_a_stop_request() -> None:
    """Ctrl-C as a search values the rota it built must not lose it: CP-SAT given no time finds
    not even a rota fixed whole (the rescue construction's rota was valued without
    ``despite_stop``, so a stop then ended the run without it)."""
    inp = generate(5, 14, 4)
    rm = build_roster_model(inp, RosterParameters())
    found, rota = quick_rota(rm)
    request_stop()
    try:
        stopped, _ = solve_cpsat(rm.narrowed(rota), SolveOptions(threads=1))
        valued, holder = value_rota(rm, rota, SolveOptions(threads=1))
    finally:
        clear_stop()
    assert not stopped.has_plan  # what the searches did before: the rota lost
    assert valued.has_plan and not valued.interrupted
    assert valued.objective == found.objective == float(rm.penalty_of(holder.value))
    assert {key: int(holder.value(var)) for key, var in rm.x.items()} == rota


def test_a_rota_is_valued_at_its_exact_penalty_not_at_an_overstated_objective(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A completion stopped before CP-SAT proves it may report its presolved objective, above the
    rota's penalty (HiGHS's rota on a busy machine was reported above the penalty of the rota
    returned): the valuation is the rota's exact penalty."""
    import models.roster.valued as valued

    inp = generate(5, 14, 4)
    rm = build_roster_model(inp, RosterParameters())
    found, rota = quick_rota(rm)
    plain = valued.solve_cpsat

    def overstated(*args: Any, **kwargs: Any) -> tuple[SolveResult, Any]:
        result, solver = plain(*args, **kwargs)
        assert result.objective is not None
        return dataclasses.replace(result, objective=result.objective + 7, bound=result.objective + 7), solver

    monkeypatch.setattr(valued, "solve_cpsat", overstated)
    result, holder = value_rota(rm, rota, SolveOptions(threads=1))
    assert result.objective == found.objective == float(rm.penalty_of(holder.value))
    assert result.bound is not None and result.bound <= result.objective and result.gap is not None
