r"""A plan for the priced path by diving on the open flags of the relaxation (stage 3a of
:mod:`models.sact.large`).

Why.  The sites the strong relaxation opens fully are not always those of the optimum: on
``lsc-sact`` it opens Ulverston fully and Westmorland 0.4, where the optimum opens Furness
instead; fixing what the relaxation opens (stage 3) then finds a plan 0.8 % dear, and the whole model
(stage 4) must find the optimum itself before it can prove it.

How (:func:`dive_sites`).  Fractional diving over the open flags: on the model restricted to the
arcs priced in (the linking rows found as ordinary rows, the rest lazy), repeatedly fix the
fractional :math:`y_s` nearest a whole number to that number (an open flag within
:data:`~models.sact.heuristic.FIX_TOLERANCE` of 0 or 1 counts as whole) and solve the linear
relaxation again, at most :data:`DIVE_STEPS` times; a fixing that leaves no plan is tried the other
way once.  Then every open flag is fixed to its rounding and the restricted MILP (chairs and hub
links integer) gives the plan (:func:`models.sact.large._restricted_mip`).  A heuristic: it fixes
integers, so what it returns is a plan of the whole model but proves nothing; the bound stays that of
stage 1 and stage 4.
"""

from __future__ import annotations

import numpy as np

from models.sact.heuristic import FIX_TOLERANCE
from solvers import MatrixModel, SolveOptions, solve_matrix

DIVE_STEPS = 8  # most open flags fixed one at a time by the dive


def dive_sites(
    model: MatrixModel,
    active: np.ndarray,
    lazy_added: np.ndarray,
    y_lp: np.ndarray,
    options: SolveOptions,
) -> np.ndarray | None:
    """Open flags (0 or 1 for every site) from diving from the relaxation's ``y_lp`` over the
    columns ``active`` (see the module docstring); None when a fixing leaves no plan either way."""
    y = model.variable_blocks["open"].index
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    y_now = np.asarray(y_lp, dtype=float).copy()
    for _ in range(DIVE_STEPS):
        free = upper[y] > lower[y]
        distance = np.minimum(y_now, 1.0 - y_now)
        fractional = free & (distance > FIX_TOLERANCE)
        if not fractional.any():
            break
        site = int(np.flatnonzero(fractional)[np.argmin(distance[fractional])])
        for value in (float(y_now[site] >= 0.5), float(y_now[site] < 0.5)):
            lower[y[site]] = upper[y[site]] = value
            x = _relaxed(model, active, lazy_added, lower, upper, options)
            if x is not None:
                y_now = x[y]
                break
        else:
            return None
    return np.where(upper[y] > lower[y], np.round(y_now), lower[y])


def _relaxed(
    model: MatrixModel,
    active: np.ndarray,
    lazy_added: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    options: SolveOptions,
) -> np.ndarray | None:
    """The linear relaxation over ``active`` with the bounds given, as a full point (None: no plan)."""
    sub = model.restricted(active, lazy_rows=lazy_added, keep_lazy=True, col_lower=lower, col_upper=upper)
    _, xs = solve_matrix(sub, options, relax=True)
    return None if xs is None else sub.expand(xs, model.num_cols)
