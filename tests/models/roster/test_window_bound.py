"""models.roster.window_bound: the windowed Lagrangian bound never exceeds a proven optimum."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from instances.generators.rostering import generate
from models.roster.check import check_roster
from models.roster.input import RosterInput
from models.roster.parameters import RosterParameters
from models.roster.solve import build_roster_model, proof_options
from models.roster.window_bound import WindowBoundSettings, contract_slopes, window_bound
from solvers import SolveOptions, Status, solve_cpsat

WEEKLY = WindowBoundSettings(window_days=7, price_seconds=5.0)


def proven_optimum(inp: RosterInput) -> int:
    """CP-SAT's proven optimum of the whole model (the test fails if it is not proven)."""
    rm = build_roster_model(inp)
    result, _ = solve_cpsat(rm.model, proof_options(60.0))
    assert result.status is Status.OPTIMAL
    assert result.objective is not None
    return round(result.objective)


def capped(inp: RosterInput, most: int = 1) -> RosterInput:
    """``inp`` without nights and with at most ``most`` people on each skill-free cover row (no
    hard minimum): the contract hours the cover allows fall short, as in a year's generated rota,
    so the bound's constant part is positive."""
    cover = inp.cover[inp.cover["shift_id"] != "N"].reset_index(drop=True)
    free = cover["skill"].fillna("") == ""
    cover.loc[free, "maximum"] = most
    cover.loc[free, "minimum"] = 0
    cover.loc[free, "preferred"] = cover.loc[free, "preferred"].clip(upper=most)
    return inp.replace(cover=cover)


@pytest.mark.parametrize(("staff", "days", "seed"), [(4, 7, 0), (6, 7, 0)])
def test_the_bound_never_exceeds_the_proven_optimum(staff: int, days: int, seed: int) -> None:
    for inp in (generate(staff, days, seed), capped(generate(staff, days, seed))):
        optimum = proven_optimum(inp)
        found = window_bound(inp, RosterParameters(), SolveOptions(threads=2), WEEKLY)
        assert found.bound is not None and found.proven
        assert 0 <= found.bound <= optimum
        assert found.pieces == staff * len(range(0, days, 7))


@pytest.mark.parametrize(
    ("staff", "days", "seed", "least"), [(5, 7, 1, 32), (6, 14, 1, 235), (6, 14, 3, 325)]
)
def test_when_the_cover_caps_the_hours_the_bound_is_near_the_optimum(
    staff: int, days: int, seed: int, least: int
) -> None:
    """Optima 109, 285 and 328 (CP-SAT, proven); the bound counts the contract hours the cover
    cannot give, as on the year's rota (``least``: the bound measured when this test was written)."""
    inp = capped(generate(staff, days, seed))
    optimum = proven_optimum(inp)
    found = window_bound(inp, RosterParameters(), SolveOptions(threads=2), WEEKLY)
    assert found.bound is not None and found.proven and found.rows > 0
    assert least <= found.bound <= optimum


@pytest.mark.parametrize("seed", [1, 2])
def test_the_bound_never_exceeds_the_enumerated_optimum(seed: int) -> None:
    """Two people, two days, early and late shifts: every one of the 81 rotas scored by the checker."""
    inp = generate(2, 2, seed)
    inp = inp.replace(cover=inp.cover[inp.cover["shift_id"] != "N"].reset_index(drop=True))
    slots = [(p, d) for p in inp.staff["staff_id"] for d in inp.dates]
    best = None
    for pick in itertools.product(["E", "L", None], repeat=len(slots)):
        rows = [(p, d, s) for (p, d), s in zip(slots, pick, strict=True) if s is not None]
        found = check_roster(inp, pd.DataFrame(rows, columns=["staff_id", "date", "shift_id"]))
        if found.feasible and (best is None or found.score < best):
            best = found.score
    bound = window_bound(inp, RosterParameters(), SolveOptions(threads=1), WindowBoundSettings(window_days=7))
    assert best is not None and bound.bound is not None and bound.proven
    assert bound.bound <= best


def test_a_bound_cut_short_is_still_valid_when_no_shift_pays_anyone() -> None:
    inp = capped(generate(6, 14, 1))
    optimum = proven_optimum(inp)
    slopes, _ = contract_slopes(inp)
    assert all(g == pytest.approx(2 / 60) for g in slopes)  # weight 2 a started hour
    settings = WindowBoundSettings(window_days=7, price_seconds=5.0, workers=1)
    cut = window_bound(inp, RosterParameters(), SolveOptions(time_limit=1e-3, threads=1), settings)
    assert cut.bound is not None and not cut.proven
    assert cut.pieces < 12 and 0 < cut.bound <= optimum
    alone = window_bound(
        inp, RosterParameters(), SolveOptions(threads=1), WindowBoundSettings(price_seconds=0)
    )
    assert alone.bound == math.ceil(alone.rows - 1e-6) and alone.bound <= optimum
