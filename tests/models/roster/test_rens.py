"""The relaxation-enforced neighbourhood search (:mod:`models.roster.rens`): its rota keeps every
assignment the LP holds at 0 or 1, passes the independent checker at the penalty it reports and
never beats the optimum; where the LP is integral it is the LP's rota."""

from __future__ import annotations

import pandas as pd
import pytest

from instances.generators.rostering import generate
from models.roster.check import check_roster
from models.roster.column_generation import generate_columns
from models.roster.lines import LineModel, line_of_rota
from models.roster.master import Master
from models.roster.price_and_branch import LinesSettings, lines_solve
from models.roster.rens import fix_integral, lp_assignments, rens, rounded_hint
from models.roster.solve import build_roster_model
from solvers import SolveOptions, Status, solve_cpsat


def _assignments(rm, lines) -> pd.DataFrame:
    rows = [(rm.staff[line.person], rm.date(d), s) for line in lines for d, s in line.shifts]
    return pd.DataFrame(sorted(rows), columns=["staff_id", "date", "shift_id"])


def _first(rm):
    """CP-SAT's first rota of ``rm``: the solver holding it and its penalty."""
    first, solver = solve_cpsat(
        rm.model.clone(), SolveOptions(threads=1, extra={"stop_after_first_solution": True})
    )
    assert first.has_plan
    return solver, float(solver.objective_value)


def test_fix_integral_keeps_only_the_assignments_at_0_or_1() -> None:
    x = {(0, 0, "D"): 0.0, (0, 1, "D"): 1.0, (1, 0, "D"): 0.5, (1, 1, "D"): 1.0 - 1e-9, (2, 0, "N"): 0.2}
    assert fix_integral(x) == {(0, 0, "D"): 0, (0, 1, "D"): 1, (1, 1, "D"): 1}
    assert rounded_hint(x) == {(0, 0, "D"): 0, (0, 1, "D"): 1, (1, 0, "D"): 1, (1, 1, "D"): 1, (2, 0, "N"): 0}


def test_with_one_line_a_person_the_lp_is_integral_and_the_search_returns_that_rota() -> None:
    """A master holding only CP-SAT's first rota: every assignment is fixed, so the neighbourhood
    is that rota alone, proven (``OPTIMAL`` in the neighbourhood) at its penalty."""
    inp = generate(6, 14, seed=5)
    rm = build_roster_model(inp)
    solver, penalty = _first(rm)
    master = Master.of(rm)
    for p in range(len(rm.staff)):
        master.add(line_of_rota(rm, p, solver.value))
    rounding = rens(master, SolveOptions(time_limit=30.0, threads=1))
    assert rounding.integral == rounding.assignments == len(rm.x)
    assert rounding.status == "OPTIMAL" and rounding.penalty == pytest.approx(penalty)
    on = {(line.person, d, s) for line in rounding.lines for d, s in line.shifts}
    assert on == {k for k, v in rm.x.items() if solver.value(v)}
    # the floor is a constraint on the penalty: above the neighbourhood's one rota, no rota
    at_floor = rens(master, SolveOptions(time_limit=30.0, threads=1), floor=round(penalty))
    assert at_floor.penalty == pytest.approx(penalty)
    above = rens(master, SolveOptions(time_limit=30.0, threads=1), floor=round(penalty) + 1)
    assert above.lines is None and above.status == "INFEASIBLE"


@pytest.mark.slow
def test_the_rota_keeps_the_lps_integral_assignments_passes_the_checker_and_is_no_better_than_optimal() -> (
    None
):
    """A generated ward after rounds of columns (rounds, not seconds: load-proof): the LP holds
    some assignments fractionally; the rota keeps every other at the LP's value, scores the
    penalty it reports by the independent checker, and is at least the proven optimum."""
    inp = generate(4, 7, seed=2)
    rm = build_roster_model(inp)
    optimum, proof = solve_cpsat(rm.model.clone(), SolveOptions(time_limit=60.0, threads=1))
    assert optimum.status is Status.OPTIMAL
    solver, _ = _first(rm)
    master = Master.of(rm)
    for p in range(len(rm.staff)):
        master.add(line_of_rota(rm, p, solver.value))
    people = [LineModel(rm, p) for p in range(len(rm.staff))]
    cg = generate_columns(rm, master, SolveOptions(), max_rounds=20, people=people)
    assert cg.bound is not None
    master.solve_lp(None)
    fixed = fix_integral(lp_assignments(master))
    assert 0 < len(fixed) < len(rm.x)  # a fractional LP: a neighbourhood to search
    rounding = rens(master, SolveOptions(time_limit=5.0, threads=1))  # local search: to its limit
    assert rounding.lines is not None and rounding.penalty is not None
    assert rounding.integral == len(fixed)
    on = {(line.person, d, s) for line in rounding.lines for d, s in line.shifts}
    assert all((key in on) == bool(value) for key, value in fixed.items())
    checked = check_roster(inp, _assignments(rm, rounding.lines))
    assert checked.feasible and checked.score == round(rounding.penalty)
    assert rounding.penalty >= float(proof.objective_value) - 1e-6 >= cg.bound - 1e-6


@pytest.mark.slow
def test_the_lines_search_records_the_neighbourhoods_rota_and_keeps_the_best() -> None:
    """The lines search with and without the neighbourhood search: the record names its penalty
    only when it ran, and the rota returned is no worse than it."""
    inp = generate(6, 14, seed=5)
    rm = build_roster_model(inp)
    options = SolveOptions(time_limit=8.0, threads=2)
    result, solver, record = lines_solve(rm, options, settings=LinesSettings(bandp_share=0.0))
    columns = record["columns"]
    assert result.has_plan and "rens_penalty" in columns
    assert 0.0 <= columns["rens_fixed"] <= 1.0
    if columns["rens_penalty"] is not None:
        assert float(solver.objective_value) <= columns["rens_penalty"] + 1e-6
    _, _, off = lines_solve(rm, options, settings=LinesSettings(rens_share=0.0, bandp_share=0.0))
    assert "rens_penalty" not in off["columns"]


class _Pool:
    """The master as ``_relaxed`` uses it: lines join it."""

    def __init__(self) -> None:
        self.lines: list = []

    def add(self, line) -> bool:
        self.lines.append(line)
        return True


@pytest.mark.parametrize(
    ("penalties", "tries", "seeds", "best"),
    [
        ((1001, 1000), 2, [7, 8], 1000),  # near the floor (0.1 %), not at it: the next seed tries again
        ((1000,), 2, [7], 1000),  # at the floor: once
        ((1200,), 2, [7], 1200),  # far from the floor (17 %): once
        ((1001,), 1, [7], 1001),  # one try allowed
        ((1001, 1002, 1001), 3, [7, 8, 9], 1001),  # no better on later tries: the first is kept
    ],
)
def test_rens_searches_again_with_the_next_seed_only_while_near_the_floor(
    monkeypatch, penalties, tries, seeds, best
) -> None:
    import models.roster.price_and_branch as lines_search
    from models.roster.rens import Rounding

    asked: list[int] = []

    def fake_rens(master, options, floor, local_search):
        assert floor == 1000 and options.time_limit is not None
        asked.append(options.seed)
        return Rounding(("line",), float(penalties[len(asked) - 1]), 8, 10, "FEASIBLE")

    monkeypatch.setattr(lines_search, "rens", fake_rens)
    record: dict = {}
    settings = LinesSettings(rens_tries=tries)
    found = lines_search._relaxed(
        _Pool(), SolveOptions(time_limit=60.0, seed=7).with_deadline(), settings, record, 999.5
    )
    assert asked == seeds
    assert found is not None and found[1] == best and record["rens_penalty"] == best
    assert record["rens_tries"] == len(seeds)
