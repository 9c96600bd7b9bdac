r"""``search: mip``: the rota model solved as a MILP by HiGHS, CP-SAT completing and valuing the rota.

Formulation. The CP-SAT model of :func:`models.roster.build.build_roster_model` (the formulation of
:mod:`models.roster`), its every constraint written as linear rows by
:func:`solvers.cpsat_mip.linear_model` (rows (1)-(5) there), is searched by HiGHS's branch and cut
for the time limit (seed: the run's; ``mip_heuristic_effort``: :attr:`RosterParameters.
mip_heuristic_effort`). Every row is implied by the rota model, so HiGHS's dual bound, rounded up
to a whole point, is a lower bound of every rota's penalty. Its best solution's assignments
:math:`x_{pds}` are then fixed in the CP-SAT model (:meth:`RosterModel.narrowed`), which completes
every other variable from them and values the rota exactly (a maximum's row (5) is a relaxation,
so the MILP's own objective is not trusted): the rota returned is always a rota of the model and
its penalty CP-SAT's. A start rota (a re-rostering's published rota, or the caller's hint) is
completed the same way first and handed to HiGHS as its first solution.

Why (``benchmarks/results/roster_search.md``, 2026-12-07 (12:33-)): on ``lsc-sact-nurses`` the
LP relaxation with HiGHS's cuts bounds the rota at 43 within 11 s, 44 on some seeds by 53 s,
and HiGHS proves the optimum, 45, in 72 s (seed 0), where CP-SAT's one full-LP worker took
513 s; within 53 s its rotas (seeds 0-4: 45, 48, 48, 48, 56) are no better on average than
CP-SAT's reproducible search's (53, 47, 48, 48, 52), so it is a choice, not the default.

Reproducibility. HiGHS's search is deterministic for a seed and thread count, but it has no
deterministic time limit: the rota is the one standing when the wall clock ends the search, the
same on every run only while the machine does the same work in the time. The plan says so
(``stopped_by`` ``wall clock``, unless proven optimal).
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np

from models.roster.valued import value_rota
from models.roster.vars import RosterModel
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_matrix
from solvers.cpsat_mip import LinearisationStopped, linear_model

__all__ = ["COMPLETION_SECONDS", "mip_solve"]

COMPLETION_SECONDS = 2.0
"""Wall-clock seconds kept from the MILP's limit for CP-SAT to complete and value its rota (the
nurses' 3,474 variables: 0.1 s), at most :data:`COMPLETION_SHARE` of the time left."""
COMPLETION_SHARE = 0.1


def mip_solve(
    rm: RosterModel,
    options: SolveOptions,
    effort: float,
    *,
    hint: dict[tuple[int, int, str], int] | None = None,
    build_seconds: float = 0.0,
) -> tuple[SolveResult, Any]:
    """Search ``rm`` as a MILP (module docstring) within ``options``' time limit and deadline;
    return the result (objective: the rota's penalty; bound: HiGHS's, whole) and a CP-SAT solver
    holding the rota (None without one). ``hint``: assignments ``x[p, d, s]`` to start from."""
    t0 = time.perf_counter()
    options = options.with_deadline()
    try:
        milp = linear_model(rm.model.proto, "roster", options.deadline)
    except LinearisationStopped as stopped:
        message = f"the time limit came while the MILP was written ({stopped})"
        seconds = time.perf_counter() - t0
        unsolved = SolveResult(Status.NO_SOLUTION, None, None, None, build_seconds, seconds, "highs", message)
        return dataclasses.replace(unsolved, options=options.as_dict()), None
    start = _completed(rm, hint, options) if hint else None
    left = options.call_limit()
    run = dataclasses.replace(
        options,
        time_limit=None if left is None else left - min(COMPLETION_SECONDS, COMPLETION_SHARE * left),
        extra={"mip_heuristic_effort": float(effort)},
    )
    found, values = solve_matrix(milp, run, build_seconds=build_seconds, start=start)
    bound = _whole(found.bound)
    if values is None:
        return _without_rota(found, bound, time.perf_counter() - t0), None
    fixed = {key: int(round(values[var.index])) for key, var in rm.x.items()}
    completion = dataclasses.replace(options, time_limit=None, threads=1, extra={})
    if found.interrupted or options.remaining() == 0.0:  # Ctrl-C or the deadline: value it anyway
        completion = dataclasses.replace(completion, deadline=None, time_limit=COMPLETION_SECONDS)
    every = [int(round(v)) for v in values[: milp.num_cols]]  # HiGHS's value of every variable
    result, solver = value_rota(rm, fixed, completion, solution=every)
    seconds = time.perf_counter() - t0
    if not result.has_plan:
        message = f"HiGHS's rota could not be completed by CP-SAT ({result.message})"
        return _without_rota(dataclasses.replace(found, message=message), bound, seconds), None
    objective = float(result.objective) if result.objective is not None else math.inf
    if bound is not None and bound > objective + 1e-6:
        raise AssertionError(f"HiGHS's bound {bound} exceeds the rota's penalty {objective}")
    proven = bound is not None and bound >= objective - 1e-6
    return (
        SolveResult(
            Status.OPTIMAL if proven else Status.FEASIBLE,
            objective,
            bound,
            None if bound is None else relative_gap(objective, bound),
            build_seconds,
            seconds,
            "highs",
            found.message,
            {**options.as_dict(), "mip_heuristic_effort": float(effort)},
            found.interrupted,
            found.first_solution_seconds,
        ),
        solver,
    )


def _completed(
    rm: RosterModel, hint: dict[tuple[int, int, str], int], options: SolveOptions
) -> np.ndarray | None:
    """Every variable's value in the rota ``hint``, completed by CP-SAT (None: not a legal rota,
    or not completed within a tenth of the time left, at least :data:`COMPLETION_SECONDS` and at
    most half of it: on a busy machine a 6 x 28 ward's completion took more than the 0.23 s a
    tenth of 2.3 s gave it, and HiGHS, left without its start, ended without a rota)."""
    left = options.call_limit()
    seconds = None if left is None else min(left / 2, max(left / 10, COMPLETION_SECONDS))
    run = dataclasses.replace(options, time_limit=seconds, threads=1, extra={})
    result, solver = value_rota(rm, hint, run)
    return np.array(rm.solution(solver), dtype=float) if result.has_plan else None


def _whole(bound: float | None) -> float | None:
    """HiGHS's dual bound rounded up to a whole point (penalties are whole), with room for its
    tolerances; None when it proves nothing."""
    if bound is None or not math.isfinite(bound):
        return None
    return float(math.ceil(bound - 1e-6))


def _without_rota(found: SolveResult, bound: float | None, seconds: float) -> SolveResult:
    """HiGHS's result without a rota: infeasible (the MILP is a relaxation of the model, so no rota
    exists) or stopped without one."""
    status = Status.INFEASIBLE if found.status is Status.INFEASIBLE else Status.NO_SOLUTION
    return dataclasses.replace(
        found, status=status, objective=None, bound=bound, gap=None, solve_seconds=seconds
    )
