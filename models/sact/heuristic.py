r"""A plan at once for the priced path: fix the sites from the relaxation, then transport.

Stage 2 of :mod:`models.sact.large` (:func:`fix_and_transport`, no full-size LP).  From the
stage-1 LP point: open every site with :math:`y_s \ge` a threshold (:data:`HEURISTIC_THRESHOLDS`,
tried in turn until one gives a plan), the must-open sites and those the LP opens fully; repair
the set so that every demand row reaches an open site (its nearest site opens) and the open
sites' most chairs cover all and all complex demand (:data:`HEURISTIC_SPARE`; sites added by the
LP's :math:`y`), shed sites (lowest :math:`y` first) while their least cost breaks the budget,
keep the open-site limits (:math:`K`, :math:`K'`; highest :math:`y` kept) and open the nearest
hub of any site with no open hub in reach.  With the sites fixed, the plan over them is
:func:`models.sact.transport.transport_plan` (the transport LP over the nearest open arcs, one hub
each, every row exact; kept only if it meets every row of the whole model, else solved again with
the hub links fixed, then with chairs integer).  It is skipped with ``single_source`` (fractional
allocations).

The plan is then handed to the closing pass of :mod:`models.sact.close` (:data:`CLOSE_PASS`):
sites it keeps open for nothing are closed, or swapped, where an estimate says it saves and the
plan so changed still meets every row.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.close import close_sites
from models.sact.input import SactParameters
from models.sact.transport import transport_plan
from solvers import MatrixModel, SolveOptions

FIX_TOLERANCE = 0.01  # y at or above 1 - this counts as fully open (and, in stage 3, at or below as shut)
HEURISTIC_THRESHOLDS = (0.5, 0.1, 1e-6, 0.99)  # fix-and-transport opens sites with y >= these, in turn
# the open sites' most chairs cover the demand this many times over (1.03 tried with the closing
# pass: seed 2 of 10,000 x 300 141.40 -> 139.71 M at one point, but seed 3's plan that met the gap
# became 159 sites and 137.67 M, and it missed: kept at 1.0)
HEURISTIC_SPARE = 1.0
CLOSE_PASS = True  # after a plan, close the sites it keeps open for nothing (models.sact.close)


def fix_and_transport(
    model: MatrixModel,
    a: SactArrays,
    p: SactParameters,
    x_lp: np.ndarray,
    active: np.ndarray,
    options: SolveOptions,
    time_limit: float | None,
    target: float | None = None,
) -> tuple[np.ndarray | None, str]:
    """A plan of the whole model from the relaxation's point ``x_lp`` (the heuristic of the module
    docstring), or None; with a note on what was tried.  Never returns a point that breaks a row.
    ``target``: the objective at which a plan meets the asked gap, for the closing pass."""
    if p.single_source:
        return None, "fix-and-transport: skipped (single-source allocation)"
    t0 = time.perf_counter()
    y_lp = x_lp[model.variable_blocks["open"].index]
    load_lp = np.bincount(
        a.arc_site, weights=a.arc_demand * x_lp[model.variable_blocks["serve"].index], minlength=a.num_sites
    )
    tried = []
    seen: list[np.ndarray] = []
    for threshold in HEURISTIC_THRESHOLDS:
        left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        if left is not None and left <= 0.05:
            break
        is_open = _heuristic_sites(a, p, y_lp, load_lp, threshold)
        if is_open is None or any((is_open == s).all() for s in seen):
            continue
        seen.append(is_open)
        x = transport_plan(model, a, p, is_open, active, replace(options, time_limit=left))
        tried.append(f"y >= {threshold:g}: {int(is_open.sum())} sites, {'plan' if x is not None else 'none'}")
        if x is not None:
            if CLOSE_PASS:
                left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
                x, closed = close_sites(model, a, p, x, active, options, left, target)
                tried.append(closed)
            return x, f"fix-and-transport ({'; '.join(tried)})"
    return None, f"fix-and-transport: no plan ({'; '.join(tried) or 'nothing tried'})"


def _heuristic_sites(
    a: SactArrays, p: SactParameters, y_lp: np.ndarray, load_lp: np.ndarray, threshold: float
) -> np.ndarray | None:
    """Sites to open: ``y_lp >= threshold`` and the must-open ones, repaired for reach, capacity,
    budget, open-site limits and hub cover; None when the limits cannot be met this way."""
    is_open = (y_lp >= threshold) | a.must_open | (y_lp >= 1.0 - FIX_TOLERANCE)
    # priority to add or keep: must-open, then by the relaxation's y, then by most chairs
    priority = np.lexsort((-a.max_chairs, -y_lp, ~a.must_open))
    if not p.allow_unserved:  # every demand row reaches an open site: open its nearest site
        reached = np.bincount(a.arc_dem[is_open[a.arc_site]], minlength=len(a.dem_amount)) > 0
        if not reached.all():
            order = np.lexsort((a.arc_minutes, a.arc_dem))
            first = order[np.r_[0, np.flatnonzero(np.diff(a.arc_dem[order])) + 1]]
            is_open[a.arc_site[first[~reached[a.arc_dem[first]]]]] = True
        per_chair = p.chair_hours_per_year / max(p.mean_chair_hours, 1e-9)
        complex_ok = np.bincount(a.arc_site[a.arc_class == 1], minlength=a.num_sites) > 0
        complex_demand = float(a.dem_amount[a.dem_class == 1].sum())
        for need, can in ((a.total_demand, np.ones(a.num_sites, bool)), (complex_demand, complex_ok)):
            for s in priority:
                if (a.max_chairs * per_chair)[is_open & can].sum() >= HEURISTIC_SPARE * need:
                    break
                if can[s]:
                    is_open[s] = True
    if p.budget is not None:  # close the last sites in priority while their least cost breaks it
        per_chair = p.chair_hours_per_year / max(p.mean_chair_hours, 1e-9)
        chairs = np.clip(np.ceil(load_lp / per_chair), a.min_chairs, a.max_chairs)
        least = a.fixed_cost + a.chair_cost * chairs
        for s in priority[::-1]:
            if (least * is_open).sum() <= p.budget:
                break
            if not a.must_open[s]:
                is_open[s] = False
    k = p.exact_open_sites if p.exact_open_sites is not None else p.max_open_sites
    if k is not None:
        ranked = priority[is_open[priority]]
        is_open[ranked[int(k) :]] = False
        if p.exact_open_sites is not None:
            closed = priority[~is_open[priority]]
            is_open[closed[: max(0, int(k) - int(is_open.sum()))]] = True
    if p.max_new_sites is not None:
        ranked_new = priority[(is_open & a.is_new)[priority]]
        is_open[ranked_new[int(p.max_new_sites) :]] = False
    if p.require_aseptic_supply:
        for _ in range(3):  # a site without an open hub in reach opens its nearest hub
            hub_open = is_open[a.link_hub]
            covered = np.bincount(a.link_site[hub_open], minlength=a.num_sites) > 0
            bare = np.flatnonzero(is_open & ~covered)
            if bare.size == 0:
                break
            for s in bare:
                links = np.flatnonzero(a.link_site == s)
                if links.size == 0:
                    return None
                is_open[a.link_hub[links[np.argmin(a.link_minutes[links])]]] = True
    if (is_open < a.must_open).any():
        return None
    return is_open
