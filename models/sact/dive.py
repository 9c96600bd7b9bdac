r"""A plan for the priced path by diving on the open flags of the relaxation (stage 3a of
:mod:`models.sact.large`).

Why.  The sites the strong relaxation opens fully are not always those of the optimum: on
``lsc-sact`` it opens Ulverston fully and Westmorland 0.4, where the optimum opens Furness
instead; fixing what the relaxation opens (stage 3) then finds a plan 0.8 % dear, and the whole model
(stage 4) must find the optimum itself before it can prove it.

How (:func:`dive_sites`).  Fractional diving over the open flags, in stage 1's pricing session
(:class:`solvers.pricing.PricingSession`): repeatedly fix the fractional :math:`y_s` nearest a
whole number to that number (an open flag within :data:`~models.sact.heuristic.FIX_TOLERANCE` of
0 or 1 counts as whole) and price the relaxation again under the new bounds, warm from the last
basis, at most :data:`DIVE_STEPS` times; a fixing that leaves no plan over the arcs priced in so
far is tried the other way once (the session does not bring in every arc to look for one).
Pricing again lets arcs that the fixing makes worth using come in (a site shut sends its zones to
arcs the relaxation never needed).  Then every open flag is fixed to its rounding and the restricted
MILP over the arcs priced in by then (chairs and hub links integer) gives the plan
(:func:`models.sact.large._restricted_mip`).  A heuristic: it fixes integers, so what it returns is a
plan of the whole model but proves nothing; the bound stays that of stage 1 and stage 4.

The steps together have :data:`DIVE_SHARE` of the time left, so the MILP keeps the rest; when it
runs out (the first step also finishes the LP that stage 1's time share interrupted) the dive gives
no plan: rounding the flags still fractional left the restricted MILP without a plan on a
10,000 x 300 instance (148 sites open).  Each step was a new restricted LP from scratch
before: on England (327,376 of 1,720,240 arcs, 43,595 linking rows) a step then took longer than
the time left, and the dive found no plan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from models.sact.heuristic import FIX_TOLERANCE
from solvers import MatrixModel, SolveOptions
from solvers.pricing import PricingSession

DIVE_STEPS = 8  # most open flags fixed one at a time by the dive
DIVE_SHARE = 0.5  # of the time left, for the dive's steps together (the MILP after it has the rest)
STEP_STALL_ROUNDS = 2  # a step's pricing stops after this many rounds without the bound moving


@dataclass(frozen=True)
class Dived:
    """The outcome of :func:`dive_sites`: whole open flags, and the columns and lazy rows of the
    session by then (the arcs priced in during the dive included)."""

    sites: np.ndarray
    active: np.ndarray
    lazy_added: np.ndarray
    steps: int


def dive_sites(
    session: PricingSession, model: MatrixModel, y_lp: np.ndarray, options: SolveOptions
) -> Dived | None:
    """Open flags (0 or 1 for every site) from diving from the relaxation's ``y_lp`` in ``session``
    (see the module docstring); None when a fixing leaves no plan either way or the dive's time
    runs out. The session's bounds are the model's own again when it returns."""
    y = model.variable_blocks["open"].index
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    y_now = np.asarray(y_lp, dtype=float).copy()
    limit = options.call_limit()
    end = None if limit is None else time.monotonic() + DIVE_SHARE * limit
    steps = 0
    try:
        for _ in range(DIVE_STEPS):
            free = upper[y] > lower[y]
            distance = np.minimum(y_now, 1.0 - y_now)
            fractional = free & (distance > FIX_TOLERANCE)
            if not fractional.any():
                break
            site = int(np.flatnonzero(fractional)[np.argmin(distance[fractional])])
            outcome = _fix_one(session, lower, upper, y[site], y_now[site], end, options)
            if outcome is None:
                return None
            if isinstance(outcome, str):  # out of time: rounding the fractional flags left no plan
                return None  # (10,000 x 300: 148 sites open, restricted MILP infeasible)
            y_now = outcome[y]
            steps += 1
        sites = np.where(upper[y] > lower[y], np.round(y_now), lower[y])
        lp = session.lp
        return Dived(sites, lp.active.copy(), lp.added.copy(), steps)
    finally:
        session.change_bounds(model.col_lower, model.col_upper)


def _fix_one(
    session: PricingSession,
    lower: np.ndarray,
    upper: np.ndarray,
    column: int,
    value_now: float,
    end: float | None,
    options: SolveOptions,
) -> np.ndarray | str | None:
    """Fix ``column`` to its rounding (the other way if that leaves no plan) and price again: the
    new point, ``"time"`` when the dive's time ran out first, None when neither way has a plan."""
    for value in (float(value_now >= 0.5), float(value_now < 0.5)):
        lower[column] = upper[column] = value
        seconds = None if end is None else end - time.monotonic()
        if seconds is not None and seconds <= 0:
            return "time"
        session.change_bounds(lower, upper)
        relaxation = session.price(
            widen=False, time_limit=seconds, deadline=options.deadline, stall_rounds=STEP_STALL_ROUNDS
        )
        if relaxation.status != "infeasible":
            return "time" if relaxation.x is None else relaxation.x
    return None
