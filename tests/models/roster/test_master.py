"""The restricted master LP of the `lines` search, in a process where HiGHS already ran."""

from __future__ import annotations

import numpy as np

from instances.generators.rostering import generate
from models.roster.column_generation import price_round
from models.roster.master import DUAL, PRIMAL, Master
from models.roster.solve import build_roster_model
from solvers import SolveOptions
from solvers.highs_direct import new_highs, set_highs_threads
from tests.models.roster.test_diving import _seeded, seeded_master


def test_the_master_solves_after_a_highs_run_on_two_threads() -> None:
    """HiGHS sizes one thread scheduler per process: a one-thread master after a two-thread solve
    (an `optimiser` command before it in the same process) ran into an error status, and the dive
    and the tree then ended at once with no rota."""
    other = new_highs()
    other.setOptionValue("output_flag", False)
    set_highs_threads(other, 2)
    other.addVar(0.0, 1.0)
    other.changeColCost(0, -1.0)
    other.run()
    assert str(other.getModelStatus()).endswith("kOptimal")

    _, master, _ = _seeded(generate(3, 7, 1))
    solved = master.solve_lp(None)
    assert solved is not None
    value, multipliers = solved
    assert np.isfinite(value) and len(multipliers) == master.h.getNumRow()


def _strategy(master: Master) -> int:
    return int(master.h.getOptionValue("simplex_strategy")[1])


def test_the_master_re_solves_by_the_primal_method_after_columns_and_by_the_dual_after_bounds() -> None:
    """Columns joined since the last solve: the primal simplex method (the old basis stays primal
    feasible); a column's bounds changed (a dive's or a tree's fixing): the dual method. Both give
    the LP value of a master solved by the dual method throughout, over the same lines."""
    inp = generate(6, 14, seed=5)
    rm = build_roster_model(inp)
    master, people = seeded_master(rm)
    dual = Master.of(rm, primal=False)
    for line in master.lines:
        dual.add(line)
    for _ in range(2):
        solved = master.solve_lp(None)
        assert solved is not None
        value, y = solved
        before = len(master.lines)
        price_round(master, people, y, y, SolveOptions(), 2.0, 5)
        assert len(master.lines) > before
        for line in master.lines[before:]:
            dual.add(line)
        again, other = master.solve_lp(None), dual.solve_lp(None)
        assert again is not None and other is not None
        assert _strategy(master) == PRIMAL and _strategy(dual) == DUAL
        assert abs(again[0] - other[0]) <= 1e-6 * max(1.0, abs(other[0]))
    value = np.asarray(master.h.getSolution().col_value)
    unused = next(col for col in master.line_cols if value[col] <= 1e-9)
    master.h.changeColBounds(unused, 0.0, 0.0)  # a line the LP does not use: still feasible
    master.bounds_changed()
    assert master.solve_lp(None) is not None and _strategy(master) == DUAL
