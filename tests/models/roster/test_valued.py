"""A rota valued by the whole model with its assignments fixed (:mod:`models.roster.valued`)."""

from __future__ import annotations

from instances.generators.rostering import generate
from models.roster.build import build_roster_model
from models.roster.parameters import RosterParameters
from models.roster.valued import value_rota
from solvers import SolveOptions, request_stop, solve_cpsat
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
