"""A rota valued by the whole model: its assignments fixed, CP-SAT completes and scores the rest.

Several searches build a rota outside the CP-SAT model of :func:`models.roster.build.
build_roster_model` (HiGHS's MILP in :mod:`models.roster.mip_search`, the lines of
:mod:`models.roster.price_and_branch`, the window-by-window construction of
:func:`models.roster.solve`) or start from one (a re-rostering's published rota). Each is valued
by that model with every assignment :math:`x_{pds}` fixed to the rota (:meth:`models.roster.vars.
RosterModel.narrowed`): CP-SAT completes every other variable (work and night indicators, runs,
counters, penalty terms) and returns the rota's exact penalty, which the plan reports and the
independent checker recomputes. None of the rota's decisions is left to search, so the solve is
short, but CP-SAT given no time finds not even such a rota: a stop request (Ctrl-C) must not end
it, or the run's rota is lost ("interrupted before any plan was found", as the ``lines`` search
lost its rota on a 10 x 28 ward stopped at 3 s before this solve ran despite the stop).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from models.roster.vars import RosterModel
from solvers import SolveOptions, SolveResult, relative_gap, solve_cpsat

__all__ = ["value_rota"]


def value_rota(
    rm: RosterModel,
    assignments: Mapping[tuple[int, int, str], int],
    options: SolveOptions,
    *,
    solution: Sequence[int] | None = None,
) -> tuple[SolveResult, Any]:
    """``rm``'s model with each assignment ``x[p, d, s]`` of ``assignments`` fixed, solved within
    ``options`` (its time limit and deadline) even after a stop request: the result (CP-SAT's
    status is of the fixed model: OPTIMAL says nothing of other rotas) and a solver holding every
    variable's value. ``solution``: every variable's value, when the caller has them (a complete
    hint, CP-SAT's first solution as soon as presolve ends).

    The objective is the rota's exact penalty (:meth:`RosterModel.penalty_of`), not CP-SAT's: a
    completion stopped before it is proven optimal may report its presolved objective, whose
    penalty variables sit above their true values (HiGHS's rota on a busy machine was reported a
    point above the penalty of the rota returned)."""
    result, solver = solve_cpsat(rm.narrowed(assignments), options, solution=solution, despite_stop=True)
    if not result.has_plan:
        return result, solver
    score = float(rm.penalty_of(solver.value))
    if result.objective == score:
        return result, solver
    bound = None if result.bound is None else min(result.bound, score)
    return dataclasses.replace(result, objective=score, bound=bound, gap=relative_gap(score, bound)), solver
