"""Same seed and workers, same rota: CP-SAT counts the time limit in deterministic time."""

from __future__ import annotations

import pandas as pd

import models.roster
from instances.generators.rostering import generate
from models.roster.solve import solver_options
from solvers import SolveOptions


def test_options_count_deterministic_time_only_when_the_workers_are_fixed() -> None:
    params = models.roster.Parameters(time_limit=30.0)
    fixed = solver_options(params, SolveOptions(threads=2, seed=4))
    assert (fixed.time_limit, fixed.threads, fixed.seed) == (90.0, 2, 4)  # the wall-clock backstop: 3 x
    assert fixed.extra == {"max_deterministic_time": 6.0, "interleave_search": True}  # 0.2 units a second
    racing = solver_options(params, SolveOptions(seed=4))
    assert (racing.time_limit, racing.threads, racing.extra) == (30.0, 2, {})
    off = solver_options(models.roster.Parameters(reproducible=False), SolveOptions(time_limit=5, threads=2))
    assert (off.time_limit, off.extra) == (5, {})


def test_two_solves_with_a_seed_and_two_workers_give_the_same_rota() -> None:
    inp = generate(5, 7, 2)  # stopped by the limit before optimality, so the search path matters
    options = SolveOptions(time_limit=5.0, threads=2, seed=7, gap=0)  # 1 unit of deterministic time
    first, second = (models.roster.solve(inp, options=options) for _ in range(2))
    assert first.found and second.found
    assert first.result.objective == second.result.objective
    assert first.figures()["solve"] == {"seed": 7, "workers": 2, "reproducible": True}
    pd.testing.assert_frame_equal(first.assignments, second.assignments)
