r"""A SACT plan from a set of open sites: the transport LP over them, one hub each, exact rows.

Shared by the priced path's plans (:mod:`models.sact.heuristic`, fix and transport), the closing
pass (:mod:`models.sact.close`) and the region search (:mod:`models.sact.regions`).  With the open
sites :math:`y` fixed, :func:`transport_plan` solves the LP over every demand row's
:data:`HEURISTIC_NEAREST` nearest open arcs (and the priced ones to open sites): chairs continuous
in :math:`[\underline n_s, \overline n_s]`, hub links continuous over open hubs.  Then
:func:`assign_hubs` gives every open site one hub (an open hub itself; any other site a small
assignment MILP within hub capacities, least transport dose-minutes first; greedy if it has no
plan), and :func:`polish` makes every demand row exact, sets chairs to
:math:`\lceil \eta \cdot load / C \rceil` within their least and most and doses to the load.
A point is returned only if :meth:`MatrixModel.max_violation` of the whole model is at most
:data:`HEURISTIC_TOLERANCE`; if not, the LP is solved again with the hub links fixed, then with
chairs integer (nurse or budget rows that rounding up breaks).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.input import SactParameters
from solvers import MatrixModel, SolveOptions, Status, solve_matrix

HEURISTIC_NEAREST = 5  # open arcs per demand row in its transport LP (besides the priced ones)
HEURISTIC_TOLERANCE = 1e-6  # largest row violation (MatrixModel.max_violation) of a plan it returns


def transport_plan(
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
    arcs = open_arc & (nearest_among(a, open_arc, HEURISTIC_NEAREST) | active[serve])
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
            chosen = assign_hubs(a, p, is_open, load, x[blocks["doses"].index], opts)
            if chosen is None:
                return None
        x = polish(model, a, p, x, is_open, chosen, upper)
        if model.max_violation(x) <= HEURISTIC_TOLERANCE:
            return x
    return None


def polish(
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


def assign_hubs(
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


def nearest_among(a: SactArrays, mask: np.ndarray, k: int) -> np.ndarray:
    """Mask of every demand row's ``k`` shortest arcs among those where ``mask`` is true."""
    idx = np.flatnonzero(mask)
    order = idx[np.lexsort((a.arc_site[idx], a.arc_minutes[idx], a.arc_dem[idx]))]
    dem = a.arc_dem[order]
    rank = np.arange(len(order)) - np.searchsorted(dem, dem)
    out = np.zeros(len(mask), dtype=bool)
    out[order[rank < k]] = True
    return out
