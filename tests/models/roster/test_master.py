"""The restricted master LP of the `lines` search, in a process where HiGHS already ran."""

from __future__ import annotations

import numpy as np

from instances.generators.rostering import generate
from solvers.highs_direct import new_highs, set_highs_threads
from tests.models.roster.test_diving import _seeded


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
