"""The restricted master LP of the `lines` search, in a process where HiGHS already ran."""

from __future__ import annotations

import numpy as np

from instances.generators.rostering import generate
from models.roster.lines import line_of_rota
from models.roster.master import Master
from models.roster.solve import build_roster_model
from solvers import SolveOptions, solve_cpsat
from solvers.highs_direct import new_highs, set_highs_threads


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

    rm = build_roster_model(generate(3, 7, 1))
    first, solver = solve_cpsat(
        rm.model.clone(), SolveOptions(threads=1, extra={"stop_after_first_solution": True})
    )
    assert first.has_plan
    master = Master.of(rm)
    for p in range(len(rm.staff)):
        master.add(line_of_rota(rm, p, solver.value))
    solved = master.solve_lp(None)
    assert solved is not None
    value, multipliers = solved
    assert np.isfinite(value) and len(multipliers) == master.h.getNumRow()
