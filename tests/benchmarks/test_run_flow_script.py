"""The run-flow ablation (``benchmarks/scripts/roster_run_flow.py``) adds rows every rota satisfies:
with them the optimum of a small rota is the model's own, and every rota keeps its penalty."""

from __future__ import annotations

import pytest

from benchmarks.scripts.roster_run_flow import add_run_flows
from instances.generators.rostering import generate
from models.roster.build import build_roster_model
from models.roster.input import RosterInput
from models.roster.rules import consecutive_days
from models.roster.valued import value_rota
from solvers import SolveOptions, Status, solve_cpsat

PROOF = SolveOptions(time_limit=30, threads=1, seed=0)


def with_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    import models.roster.build as build

    families = tuple(add_run_flows if f is consecutive_days else f for f in build.FAMILIES)
    monkeypatch.setattr(build, "FAMILIES", families)


def day_shifts(staff: int, days: int, seed: int) -> RosterInput:
    """A generated rota without its night shift: proven optimal in a second (the cases' optima
    pay short runs of working days or days off)."""
    inp = generate(staff, days, seed)
    return inp.replace(cover=inp.cover[inp.cover["shift_id"] != "N"].reset_index(drop=True))


@pytest.mark.parametrize(("staff", "days", "seed"), [(4, 7, 1), (2, 10, 1), (3, 7, 2)])
def test_the_flow_keeps_the_optimum_and_the_penalty_of_every_rota(
    staff: int, days: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = day_shifts(staff, days, seed)
    base = build_roster_model(inp)
    found, solver = solve_cpsat(base.model, PROOF)
    assert found.status is Status.OPTIMAL
    rota = {key: int(solver.value(var)) for key, var in base.x.items()}
    with_flows(monkeypatch)
    flowed = build_roster_model(inp)
    assert len(flowed.model.proto.constraints) > len(base.model.proto.constraints)
    again, _ = solve_cpsat(flowed.model, PROOF)
    assert again.status is Status.OPTIMAL and again.objective == found.objective
    valued, _ = value_rota(flowed, rota, PROOF)
    assert valued.objective == found.objective
