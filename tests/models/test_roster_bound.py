"""The rota's reported bound is honest: never above the optimum found by trying every rota of a
tiny instance with the independent checker (:func:`models.roster.check.check_roster`)."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

import models.roster
from instances.generators.rostering import generate
from models.roster.check import check_roster
from models.roster.input import RosterInput
from models.roster.solve import build_roster_model
from solvers import SolveOptions, Status, solve_cpsat


def tiny(seed: int) -> RosterInput:
    """Two people, two days, early and late shifts only: 3^4 = 81 rotas."""
    inp = generate(2, 2, seed)
    return inp.replace(cover=inp.cover[inp.cover["shift_id"] != "N"].reset_index(drop=True))


def enumerated_optimum(inp: RosterInput) -> int:
    """The least penalty over every legal rota, scored by the independent checker."""
    slots = [(p, d) for p in inp.staff["staff_id"] for d in inp.dates]
    choices = sorted(set(inp.cover["shift_id"])) + [None]
    best = None
    for pick in itertools.product(choices, repeat=len(slots)):
        rows = [(p, d, s) for (p, d), s in zip(slots, pick, strict=True) if s is not None]
        rota = pd.DataFrame(rows, columns=["staff_id", "date", "shift_id"])
        found = check_roster(inp, rota)
        if found.feasible and (best is None or found.score < best):
            best = found.score
    assert best is not None
    return best


@pytest.mark.parametrize("seed", [1, 2])
def test_bound_never_exceeds_the_enumerated_optimum(seed: int) -> None:
    inp = tiny(seed)
    optimum = enumerated_optimum(inp)
    # stopped at once (its first rota, no search): the bound is whatever presolve proves
    rm = build_roster_model(inp)
    early = SolveOptions(threads=1, extra={"stop_after_first_solution": True, "linearization_level": 0})
    result, _ = solve_cpsat(rm.model, early)
    assert result.bound is not None and result.bound <= optimum <= result.objective
    plan = models.roster.solve(inp, options=SolveOptions(time_limit=30.0, seed=seed))
    assert plan.result.status is Status.OPTIMAL and plan.stopped_by == "proven optimal"
    assert plan.result.objective == optimum == plan.result.bound
