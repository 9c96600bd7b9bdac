r"""A plan at once for the priced path: fix the sites from the relaxation, then transport.

Stage 2 of :mod:`models.sact.large` (:func:`fix_and_transport`, no full-size LP).  From the
stage-1 LP point: open every site with :math:`y_s \ge` a threshold (:data:`HEURISTIC_THRESHOLDS`,
tried in turn until one gives a plan), the must-open sites and those the LP opens fully; repair
the set so that every demand row reaches an open site (its nearest site opens) and the open
sites' most chairs cover all and all complex demand (:data:`HEURISTIC_SPARE`; sites added by the
LP's :math:`y`), shed sites (lowest :math:`y` first) while their least cost breaks the budget,
keep the open-site limits (:math:`K`, :math:`K'`; highest :math:`y` kept) and open the nearest
hub of any site with no open hub in reach.  With the sites fixed, solve the LP over every demand
row's :data:`HEURISTIC_NEAREST` nearest *open* arcs (and the priced ones to open sites): chairs
continuous in :math:`[\underline n_s, \overline n_s]`, hub links continuous over open hubs -- a
transportation-like LP of about a quarter of the arcs, seconds at 10,000 zones.  Then give every
open site one hub (:func:`_assign_hubs`: an open hub itself, any other site a small assignment
MILP within hub capacities, least transport dose-minutes first; greedy if it has no plan), make
every demand row exact, set chairs to :math:`\lceil \eta \cdot load / C \rceil` within their
least and most and doses to the load.  The point is kept only if
:meth:`MatrixModel.max_violation` of the whole model is at most :data:`HEURISTIC_TOLERANCE`
(every row and integrality by construction); if not, the LP is solved again with the hub links
fixed, then with chairs integer (nurse or budget rows that rounding up breaks).  It is skipped
with ``single_source`` (fractional allocations).

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
from solvers import MatrixModel, SolveOptions, Status, solve_matrix

FIX_TOLERANCE = 0.01  # y at or above 1 - this counts as fully open (and, in stage 3, at or below as shut)
HEURISTIC_THRESHOLDS = (0.5, 0.1, 1e-6, 0.99)  # fix-and-transport opens sites with y >= these, in turn
HEURISTIC_NEAREST = 5  # open arcs per demand row in its transport LP (besides the priced ones)
# the open sites' most chairs cover the demand this many times over (1.03 tried with the closing
# pass: seed 2 of 10,000 x 300 141.40 -> 139.71 M at one point, but seed 3's plan that met the gap
# became 159 sites and 137.67 M, and it missed: kept at 1.0)
HEURISTIC_SPARE = 1.0
CLOSE_PASS = True  # after a plan, close the sites it keeps open for nothing (models.sact.close)
HEURISTIC_TOLERANCE = 1e-6  # largest row violation (MatrixModel.max_violation) of a plan it returns


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
        x = _transport(model, a, p, is_open, active, replace(options, time_limit=left))
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


def _transport(
    model: MatrixModel,
    a: SactArrays,
    p: SactParameters,
    is_open: np.ndarray,
    active: np.ndarray,
    options: SolveOptions,
) -> np.ndarray | None:
    """Fix the open sites, solve the LP in chairs, allocations, hub links and doses over the nearest
    open arcs, give every site one hub, round chairs up to the load; the full point if it meets
    every row, else the same with the hubs fixed, then also chairs integer; else None."""
    t0 = time.perf_counter()
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    blocks = model.variable_blocks
    y, n, serve = blocks["open"].index, blocks["chairs"].index, blocks["serve"].index
    if (is_open & (upper[y] < 0.5)).any() or (~is_open & (lower[y] > 0.5)).any():
        return None
    lower[y] = upper[y] = is_open.astype(float)
    lower[n] = a.min_chairs * is_open
    upper[n] = a.max_chairs * is_open
    if p.require_aseptic_supply:
        v = blocks["supply"].index
        lower[v] = 0.0
        upper[v] = (is_open[a.link_site] & is_open[a.link_hub]).astype(float)
    open_arc = is_open[a.arc_site]
    arcs = open_arc & (_nearest_among(a, open_arc, HEURISTIC_NEAREST) | active[serve])
    columns = np.ones(model.num_cols, dtype=bool)
    columns[serve] = arcs
    chosen = None
    # hub links free then fixed, chairs continuous (rounded up); last, chairs integer (nurses, budget)
    for relax in (True, True, False):
        opts = options
        if options.time_limit is not None:
            left = options.time_limit - (time.perf_counter() - t0)
            if left <= 0.05:
                return None
            opts = replace(options, time_limit=left)
        if chosen is not None:
            lower[v] = upper[v] = chosen.astype(float)
        sub = model.restricted(columns, keep_lazy=False, col_lower=lower, col_upper=upper)
        result, xs = solve_matrix(sub, opts, relax=relax)
        if xs is None or (relax and result.status is not Status.OPTIMAL):
            return None
        x = sub.expand(xs, model.num_cols)
        if p.require_aseptic_supply and chosen is None:
            load = np.bincount(a.arc_site, weights=a.arc_demand * x[serve], minlength=a.num_sites)
            chosen = _assign_hubs(a, p, is_open, load, x[blocks["doses"].index], opts)
            if chosen is None:
                return None
        x = _polish(model, a, p, x, is_open, chosen, upper)
        if model.max_violation(x) <= HEURISTIC_TOLERANCE:
            return x
    return None


def _polish(
    model: MatrixModel,
    a: SactArrays,
    p: SactParameters,
    x: np.ndarray,
    is_open: np.ndarray,
    chosen: np.ndarray | None,
    upper: np.ndarray,
) -> np.ndarray:
    """Exact demand rows, chairs rounded up to the load (within least and most), doses = load."""
    blocks = model.variable_blocks
    y, n, serve = blocks["open"].index, blocks["chairs"].index, blocks["serve"].index
    xa = np.clip(x[serve], 0.0, 1.0)
    unserved = blocks["unserved"].index
    u = np.clip(x[unserved], 0.0, upper[unserved])
    total = np.bincount(a.arc_dem, weights=xa, minlength=len(a.dem_amount)) + u
    scale = np.divide(1.0, total, out=np.ones_like(total), where=total > 0)
    xa *= scale[a.arc_dem]
    x[serve], x[unserved] = xa, u * scale
    load = np.bincount(a.arc_site, weights=a.arc_demand * xa, minlength=a.num_sites)
    chairs = np.ceil(load * p.mean_chair_hours / p.chair_hours_per_year - 1e-9)
    x[n] = np.clip(chairs, a.min_chairs, a.max_chairs) * is_open
    x[y] = is_open.astype(float)
    if chosen is not None:
        x[blocks["supply"].index] = chosen.astype(float)
        x[blocks["doses"].index] = np.where(chosen, p.doses_per_attendance * load[a.link_site], 0.0)
    return x


def _assign_hubs(
    a: SactArrays,
    p: SactParameters,
    is_open: np.ndarray,
    load: np.ndarray,
    doses: np.ndarray,
    options: SolveOptions,
) -> np.ndarray | None:
    """One open hub in reach for every open site (a supply link each) for the sites' ``load``; an
    open hub supplies itself: a small assignment MILP within hub capacities, least transport
    dose-minutes first, keeping the LP's split of ``doses`` among equals; if it has no plan,
    greedily, biggest sites first, the nearest hub with room (the one with most room when none
    has).  None when some open site has no open hub in reach."""
    need = p.doses_per_attendance * load
    slack = 1e-9 * np.maximum(1.0, need)  # a site at its most chairs has need = big M
    own = a.link_site == a.link_hub
    hub_site = np.zeros(a.num_sites, dtype=bool)
    hub_site[a.link_site[own]] = True
    links = np.flatnonzero(is_open[a.link_site] & is_open[a.link_hub] & (own | ~hub_site[a.link_site]))
    sites = np.flatnonzero(is_open)
    if (np.bincount(a.link_site[links], minlength=a.num_sites)[sites] == 0).any():
        return None
    chosen = np.zeros(len(a.link_site), dtype=bool)
    fit = links[a.link_big_m[links] + slack[a.link_site[links]] >= need[a.link_site[links]]]
    if (np.bincount(a.link_site[fit], minlength=a.num_sites)[sites] > 0).all():
        share = doses[fit] / np.maximum(need[a.link_site[fit]], 1e-9)
        m = MatrixModel("hub_assignment")
        cols = m.add_variables(
            "supply",
            len(fit),
            upper=1.0,
            cost=need[a.link_site[fit]] * (a.link_minutes[fit] + 1e-3 * (1.0 - share)),
            integer=True,
        )
        site_row = np.full(a.num_sites, -1)
        site_row[sites] = np.arange(len(sites))
        m.add_constraints("one_hub", len(sites), site_row[a.link_site[fit]], cols, 1.0, lower=1.0, upper=1.0)
        hubs = np.unique(a.link_hub[fit])
        hub_row = np.full(a.num_sites, -1)
        hub_row[hubs] = np.arange(len(hubs))
        m.add_constraints(
            "hub_capacity",
            len(hubs),
            hub_row[a.link_hub[fit]],
            cols,
            need[a.link_site[fit]],
            upper=a.hub_capacity[hubs],
        )
        limit = 10.0 if options.time_limit is None else min(10.0, 0.25 * options.time_limit)
        _, xs = solve_matrix(m, replace(options, time_limit=limit, gap=1e-3))
        if xs is not None:
            chosen[fit[xs > 0.5]] = True
            return chosen
    room = np.where(is_open, a.hub_capacity, 0.0).astype(float)
    for s in sites[np.lexsort((-need[sites], ~hub_site[sites]))]:  # hubs (themselves) first
        mine = links[a.link_site[links] == s]
        mine = mine[np.lexsort((-doses[mine], a.link_minutes[mine]))]
        room_ok = room[a.link_hub[mine]] + slack[s] >= need[s]
        fits = mine[room_ok & (a.link_big_m[mine] + slack[s] >= need[s])]
        pick = fits[0] if fits.size else mine[np.argmax(room[a.link_hub[mine]])]
        chosen[pick] = True
        room[a.link_hub[pick]] -= need[s]
    return chosen


def _nearest_among(a: SactArrays, mask: np.ndarray, k: int) -> np.ndarray:
    """Mask of every demand row's ``k`` shortest arcs among those where ``mask`` is true."""
    idx = np.flatnonzero(mask)
    order = idx[np.lexsort((a.arc_site[idx], a.arc_minutes[idx], a.arc_dem[idx]))]
    dem = a.arc_dem[order]
    rank = np.arange(len(order)) - np.searchsorted(dem, dem)
    out = np.zeros(len(mask), dtype=bool)
    out[order[rank < k]] = True
    return out
