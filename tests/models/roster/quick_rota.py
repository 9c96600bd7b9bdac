"""A rota CP-SAT finds in a second of deterministic time, for tests that start from one."""

from __future__ import annotations

from typing import Any

from models.roster.vars import RosterModel
from solvers import SolveOptions, SolveResult, solve_cpsat


def quick_rota(rm: RosterModel) -> tuple[SolveResult, dict[Any, int]]:
    """CP-SAT's result on ``rm`` with one worker, seed 0 and 1 deterministic second, and its rota:
    every assignment's value (the result is asserted to hold a rota)."""
    quick = SolveOptions(time_limit=10, threads=1, seed=0, extra={"max_deterministic_time": 1.0})
    found, solver = solve_cpsat(rm.model, quick)
    assert found.has_plan
    return found, {key: int(solver.value(var)) for key, var in rm.x.items()}
