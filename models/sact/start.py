r"""A warm start from a known plan: its sites and chairs fixed, the rest solved, handed to the solver.

A plan of the same instance (from an earlier run, or from the neighbouring point of a frontier)
names which sites are open and how many chairs each has.  With the site decisions fixed,

.. math::

    y_s = \bar y_s, \qquad n_s = \bar n_s \qquad \text{for every candidate site } s,

what is left (allocation :math:`x`, unserved :math:`u`, aseptic supply :math:`v, f` and any
objective's own columns) is a linear programme, or a small MIP when supply links are binary, and
its optimum completes the plan into a full point of the model (:func:`start_point`).  Arcs to
closed sites are left out of it, so the per-arc linking rows (constraint 4 of :mod:`models.sact`)
hold by the bounds :math:`x_a \le 1 = y_s` and need not be added.  The point is checked against
every row and bound of the whole model (lazy rows included) before it is used.

A start that cannot be completed (its sites break a bound, e.g. a must-open site shut or more
chairs than allowed, or no allocation meets the requirements in force with those sites) is
ignored with a note in words, never an error: the solve goes on cold.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from models.sact.arrays import SactArrays
from solvers import MatrixModel, SolveOptions, solve_matrix

START_TOLERANCE = 1e-6  # largest violation of a row or bound a completed start may have


def start_chairs(start: Mapping[str, int] | pd.DataFrame) -> dict[str, int]:
    """Chairs by site id from ``start``: a mapping ``site_id -> chairs`` (0 or absent: closed) or a
    frame with ``site_id``, ``chairs`` and optionally ``open`` (a plan's ``sites`` table)."""
    if isinstance(start, pd.DataFrame):
        frame = start
        if "open" in frame.columns:
            frame = frame[frame["open"].astype(bool)]
        return {str(s): int(round(float(c))) for s, c in zip(frame["site_id"], frame["chairs"], strict=True)}
    return {str(s): int(round(float(c))) for s, c in start.items()}


def fixed_bounds(
    model: MatrixModel, a: SactArrays, chairs: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, str]:
    """The model's column bounds with every site's open flag and chairs fixed to ``chairs``; a note
    naming what breaks the model's own bounds (empty when nothing does)."""
    y = model.variable_blocks["open"].index
    n = model.variable_blocks["chairs"].index
    ids = [str(s) for s in a.site_ids]
    unknown = sorted(set(chairs) - set(ids))
    if unknown:
        return model.col_lower, model.col_upper, f"sites not of this instance: {', '.join(unknown[:5])}"
    count = np.array([chairs.get(s, 0) for s in ids], dtype=float)
    is_open = (count > 0).astype(float)
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    broken = [
        s
        for i, s in enumerate(ids)
        if not (lower[y[i]] - 1e-9 <= is_open[i] <= upper[y[i]] + 1e-9)
        or not (lower[n[i]] - 1e-9 <= count[i] <= upper[n[i]] + 1e-9)
    ]
    if broken:
        return lower, upper, f"its sites break the instance's limits at {', '.join(broken[:5])}"
    lower[y] = upper[y] = is_open
    lower[n] = upper[n] = count
    return lower, upper, ""


def start_point(
    model: MatrixModel,
    a: SactArrays,
    start: Mapping[str, int] | pd.DataFrame,
    options: SolveOptions,
    constant: float = 0.0,
) -> tuple[np.ndarray | None, str]:
    """A full point of ``model`` completing the plan ``start`` (see the module docstring), or None;
    and a note in words saying which (for the result's message and the plan's figures), its
    objective with ``constant`` (what ``model`` leaves out:
    :func:`models.sact.matrix.fixed_in_every_plan`)."""
    chairs = start_chairs(start)
    lower, upper, why = fixed_bounds(model, a, chairs)
    if why:
        return None, f"warm start ignored: {why}"
    serve = model.variable_blocks["serve"].index
    closed = lower[model.variable_blocks["open"].index] < 0.5
    columns = np.ones(model.num_cols, dtype=bool)
    columns[serve[closed[a.arc_site]]] = False
    sub = model.restricted(columns, keep_lazy=False, col_lower=lower, col_upper=upper)
    result, xs = solve_matrix(sub, options)
    if xs is None:
        why = f"no allocation meets the requirements with its sites ({result.status.value})"
        return None, f"warm start ignored: {why}"
    x = sub.expand(xs, model.num_cols)
    violation = model.max_violation(x)
    if violation > START_TOLERANCE:
        return None, f"warm start ignored: its completion breaks a row by {violation:.2g}"
    opened = int((lower[model.variable_blocks["open"].index] > 0.5).sum())
    objective = model.objective_value(x) + constant
    return x, f"warm start used: {opened} sites and their chairs, objective {objective:,.2f}"
