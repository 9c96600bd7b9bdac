"""A lower bound on the rota's penalty from CP-SAT's full LP relaxation, after the search.

The search's workers (``default_lp``: ``linearization_level`` 1) keep in their LP only the
constraints that are linear already; the rule encodings (runs, weekends, rest, counters) become
clauses and stay out, so their bound can stay far below the optimum for the whole minute. One
worker with ``linearization_level`` 2 linearises those too and adds its cuts at the root.

Measured on the bundled rotas (``benchmarks/results/roster_search.md``, 2026-12-05): on
``lsc-sact-nurses`` the search's bound is 28 after 24 deterministic units, while the full LP
reaches 40 within one deterministic unit (1.2 s), against the proven optimum 45 (at 1.2 units that
held on one seed of four, 2026-12-06: the pass now has 3.6,
:attr:`RosterParameters.bound_work_per_second`); on ``lsc-registrar-oncall`` both give 535. The
pass takes only the solver's proven bound (``best_objective_bound``, valid for every rota whether
or not the pass finds one); the rota is the search's. It runs for
:attr:`RosterParameters.bound_share` of the limit: in reproducible runs that share in deterministic
units (the same bound on every run), beside the search's own units; on the wall clock the search is
given that much less, so the run keeps to its limit.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from models.roster.vars import RosterModel
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_cpsat

__all__ = ["full_lp_bound", "whole", "with_bound"]


def full_lp_bound(
    rm: RosterModel,
    options: SolveOptions,
    seconds: float,
    units: float | None,
    rota: dict[Any, int] | None = None,
) -> float | None:
    """CP-SAT's proven lower bound on ``rm``'s objective after at most ``seconds`` of wall clock
    (and the deadline of ``options``) and, when ``units`` is given, that many deterministic units,
    with one worker and the full LP (seed of ``options``), rounded up to a whole point. None when
    it proves nothing (no finite bound, no time left, or the run was interrupted). ``rota``: the
    search's rota (its assignments), the solve's hint: on the nurses' rota of 57 (3.6 units, seeds
    0-3) the bound was 41-43 with it and 40, 9, 9, 39 without; with every variable hinted, 9."""
    left = options.remaining()
    seconds = seconds if left is None else min(seconds, left)
    if seconds <= 0:
        return None
    extra: dict[str, object] = {"linearization_level": 2}
    if units is not None:
        extra["max_deterministic_time"] = float(units)
    run = SolveOptions(
        time_limit=seconds, threads=1, seed=options.seed, log_file=options.log_file, extra=extra
    )
    result, solver = solve_cpsat(rm.model, run.with_deadline(), hint=rota)
    if result.interrupted or result.status is Status.ERROR:
        return None
    bound = float(solver.best_objective_bound)
    return whole(bound) if math.isfinite(bound) else None


def whole(bound: float) -> float:
    """``bound`` rounded up to a whole point (penalties are whole points), with room for the
    solver's rounding below a whole number."""
    return float(math.ceil(bound - 1e-6))


def with_bound(result: SolveResult, bound: float | None) -> SolveResult:
    """``result`` with ``bound`` when that is higher than its own (and at most its objective, as
    every valid bound is), its gap recomputed, and proven optimal when the bound reaches the
    objective; else ``result`` unchanged."""
    if bound is None or result.objective is None or result.status is not Status.FEASIBLE:
        return result
    bound = whole(bound)
    if result.bound is not None and bound <= result.bound:
        return result
    if bound > result.objective + 1e-6:
        raise AssertionError(f"the full LP's bound {bound} exceeds the rota's penalty {result.objective}")
    proven = bound >= result.objective - 1e-6
    return dataclasses.replace(
        result,
        status=Status.OPTIMAL if proven else result.status,
        bound=float(bound),
        gap=relative_gap(result.objective, float(bound)),
    )
