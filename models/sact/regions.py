r"""Improve a plan region by region: a restricted MILP over the sites of one region (a large
neighbourhood search over sites).

Why.  The closing pass (:mod:`models.sact.close`) leaves plans that no single close or simple swap
improves: at 10,000 zones x 300 sites, seed 2, a 157-site plan 1.03 % above the bound where 1 %
needs 0.05-0.2 % less (``benchmarks/results/sact_capacitated_10k.md``).  112 of its 139 closable
sites have no room to take a neighbour's attendances, so an improvement must move attendances
along chains of full sites, resize chairs and close or open several sites at once: a neighbourhood
that only the model itself describes exactly.  From that plan the search below reached 139.19 M
(2 of 6 regions better, 62 s at load 4-5); end to end, seed 2 now meets 1 % in stage 1.

How (:func:`improve_by_regions`).  From a plan :math:`\bar x` of the whole model (every row met):

1. *Region* (:func:`region_of`) of a seed site :math:`r`: :math:`r` and the :data:`REGION_SITES`
   - 1 sites nearest to it, open or shut, where the distance of sites :math:`s, t` is
   :math:`\min_z (t_{zs} + t_{zt})` over the demand rows :math:`z` with an arc to both (the
   shortest journey from one to the other through a zone both serve; sites with no such zone are
   not in the region).
2. *Free demand rows*: every row :math:`z` served at a region site in :math:`\bar x`, and every
   row with an arc to a region site among its :data:`REGION_NEAREST` shortest arcs.  Their
   allocations are free over their arcs to region sites and to the :data:`REGION_NEAREST`
   nearest other open sites, and the arcs :math:`\bar x` uses; every other row keeps
   :math:`\bar x`'s allocations (fixed by bounds).
3. *The restricted MILP*: the whole model's rows and objective over those columns, with
   :math:`y_s` free (binary) for region sites and fixed at :math:`\bar y_s` elsewhere; chairs
   :math:`n_s` integer and free within :math:`[\underline n_s y_s, \overline n_s y_s]` at every
   site; hub links :math:`v_{sh}` free on every link between sites open or in the region for
   the region's sites and the sites a region hub supplies in :math:`\bar x`, every other site
   keeping its hub; doses free on every link allowed (the aseptic rows, including hub capacity,
   are the model's own).  Freeing every hub link (1,405 binaries at 10,000 x 300) left HiGHS
   without a better plan in 6 s where fixing them found one.  The linking rows
   :math:`x_a \le y_s` are the aggregated ones (constraint 4), exact for integer :math:`y`.
   :math:`\bar x` is a plan of it and its warm start; HiGHS runs it for at most
   :data:`REGION_SECONDS`.  Its plan is a plan of the whole model (a left-out arc is an
   allocation of 0) and is kept when it costs less and :meth:`MatrixModel.max_violation` of the
   whole model is within :data:`models.sact.transport.HEURISTIC_TOLERANCE` after
   :func:`models.sact.transport.polish` (exact demand rows, chairs rounded up to the load).
4. Seeds in turn (:func:`seed_order`): the open sites that may close, highest saving first by
   the closing pass's estimate (sites whose attendances find no room last), then the shut sites
   that may open, highest estimated gain first; a seed is skipped when it lies in the nearer half
   of a region tried since the plan last changed, or of the region whose gain changed it when its
   MILP was solved to :data:`REGION_GAP` (with the rest of the plan as it now is: at 10,000 x 300,
   seed 1, the region just improved was seeded again and its 0.85-s MILP found nothing); the
   order is made again after every gain.  Stop at the time given, at
   :data:`REGION_TRIES` regions, once the plan costs at most ``target`` (the objective that
   meets the asked gap; a function when the bound rises while the search runs beside the pricing),
   or when the options say stop (Ctrl-C, the deadline, the search called off).

The restricted MILP can only return a plan of the whole model that costs less; the choice of
regions only decides where to look.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.close import CloseState, closable_sites, closing_saving, openable_sites, opening_gain
from models.sact.input import SactParameters
from models.sact.transport import HEURISTIC_TOLERANCE, polish
from solvers import MatrixModel, SolveOptions, Status, solve_matrix

REGION_SITES = 8  # sites in a region: the seed and its nearest sites, open or shut
REGION_NEAREST = 4  # a demand row is free if a region site is among its this many shortest arcs
REGION_SECONDS = 8.0  # seconds a region's restricted MILP may take at most
REGION_TRIES = 40  # regions tried at most in one call
REGION_GAP = 1e-4  # relative gap at which a region's MILP stops (of the region's own bound)


def region_of(a: SactArrays, seed: int, size: int | None = None) -> np.ndarray:
    """The ``size`` sites nearest ``seed`` (itself first) by :math:`\\min_z (t_{zs} + t_{zt})` over
    the demand rows with an arc to both (step 1 of the module docstring); ``size`` defaults to
    :data:`REGION_SITES`."""
    size = REGION_SITES if size is None else size
    mine = np.flatnonzero(a.arc_site == seed)
    rows = a.arc_dem[mine]
    via = np.full(len(a.dem_amount), np.inf)
    via[rows] = a.arc_minutes[mine]
    other = np.isfinite(via[a.arc_dem])
    distance = np.full(a.num_sites, np.inf)
    np.minimum.at(distance, a.arc_site[other], a.arc_minutes[other] + via[a.arc_dem[other]])
    distance[seed] = -1.0
    order = np.argsort(distance, kind="stable")
    return order[: min(size, int(np.isfinite(distance).sum()))]


def seed_order(model: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> list[int]:
    """Seed sites in the order of step 4 of the module docstring: the open sites that may close,
    highest estimated saving of closing first (those whose attendances find no room last), then
    the shut sites that may open, highest estimated gain first."""
    state = CloseState(model, a, p, x)
    closing = []
    for s in np.flatnonzero(closable_sites(model, a, p, x)):
        closing.append((-closing_saving(a, state, int(s))[0], int(s)))
    opening = [
        (-opening_gain(a, state, int(o))[0], int(o)) for o in np.flatnonzero(openable_sites(model, a, p, x))
    ]
    return [s for _, s in sorted(closing)] + [o for _, o in sorted(opening)]


def _nearest_rank(a: SactArrays, arcs: np.ndarray) -> np.ndarray:
    """Rank of every arc among the arcs of its demand row where ``arcs`` (a mask) is true, by minutes
    (ties by site); -1 where ``arcs`` is false."""
    idx = np.flatnonzero(arcs)
    order = idx[np.lexsort((a.arc_site[idx], a.arc_minutes[idx], a.arc_dem[idx]))]
    dem = a.arc_dem[order]
    rank = np.full(len(a.arc_dem), -1, dtype=np.int64)
    rank[order] = np.arange(len(order)) - np.searchsorted(dem, dem)
    return rank


def region_model(
    model: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray, region: np.ndarray
) -> MatrixModel:
    """The restricted MILP of ``region`` around plan ``x`` (steps 2-3 of the module docstring)."""
    blocks = model.variable_blocks
    y, n, serve = blocks["open"].index, blocks["chairs"].index, blocks["serve"].index
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    is_open = x[y] > 0.5
    in_region = np.zeros(a.num_sites, dtype=bool)
    in_region[region] = True
    free_site = in_region & (model.col_upper[y] > 0.5)
    fixed_y = ~free_site
    lower[y[fixed_y]] = upper[y[fixed_y]] = is_open[fixed_y].astype(float)
    usable = is_open | free_site
    upper[n] = np.minimum(upper[n], a.max_chairs * usable)
    xa = x[serve]
    used = xa > 0.0
    near_all = _nearest_rank(a, np.ones(len(a.arc_dem), dtype=bool))
    free_row = np.zeros(len(a.dem_amount), dtype=bool)
    free_row[a.arc_dem[used & in_region[a.arc_site]]] = True
    free_row[a.arc_dem[in_region[a.arc_site] & (near_all < REGION_NEAREST)]] = True
    near_open = _nearest_rank(a, is_open[a.arc_site] & ~in_region[a.arc_site])
    arcs_free = free_row[a.arc_dem] & (
        (in_region[a.arc_site] & free_site[a.arc_site])
        | ((near_open >= 0) & (near_open < REGION_NEAREST))
        | used
    )
    fixed_arc = ~free_row[a.arc_dem]
    lower[serve[fixed_arc]] = upper[serve[fixed_arc]] = xa[fixed_arc]
    columns = np.ones(model.num_cols, dtype=bool)
    columns[serve] = arcs_free | (fixed_arc & used)
    if "unserved" in blocks:
        u = blocks["unserved"].index
        fixed_u = ~free_row
        lower[u[fixed_u]] = upper[u[fixed_u]] = x[u[fixed_u]]
        columns[u] = (upper[u] > 0.0) | (lower[u] > 0.0)
    if p.require_aseptic_supply:
        v, doses = blocks["supply"].index, blocks["doses"].index
        link_ok = usable[a.link_site] & usable[a.link_hub]
        upper[v] = np.minimum(upper[v], link_ok.astype(float))
        chosen = x[v] > 0.5
        # a site outside the region keeps its hub unless that hub is in the region
        served_from_region = np.zeros(a.num_sites, dtype=bool)
        served_from_region[a.link_site[chosen & in_region[a.link_hub]]] = True
        keep_hub = ~in_region[a.link_site] & ~served_from_region[a.link_site]
        lower[v[keep_hub]] = upper[v[keep_hub]] = chosen[keep_hub].astype(float)
        link_ok &= ~keep_hub | chosen
        columns[v] = columns[doses] = link_ok
    return model.restricted(columns, keep_lazy=False, col_lower=lower, col_upper=upper)


def improve_by_regions(
    model: MatrixModel,
    a: SactArrays,
    p: SactParameters,
    x: np.ndarray,
    options: SolveOptions,
    time_limit: float | None,
    target: float | Callable[[], float | None] | None = None,
) -> tuple[np.ndarray, str]:
    """The plan ``x`` improved region by region (the module docstring), ``x`` itself when nothing
    helps, with a note on what was done.  ``time_limit`` in seconds bounds the whole search, and it
    ends when ``options`` say stop (:meth:`SolveOptions.should_stop`); ``target`` is the objective
    at which a plan meets the asked gap (None: unknown), or a function giving it as it now is (the
    bound may rise while the search runs beside the pricing)."""
    t0 = time.perf_counter()
    blocks = model.variable_blocks
    y = blocks["open"].index
    best, best_obj = x, model.objective_value(x)
    start_obj, start_sites = best_obj, int((x[y] > 0.5).sum())

    def goal() -> float | None:
        return target() if callable(target) else target

    def reached() -> bool:
        aim = goal()
        return aim is not None and best_obj <= aim

    if p.single_source or reached():
        return x, "regions: not needed"

    def left() -> float:
        return math.inf if time_limit is None else time_limit - (time.perf_counter() - t0)

    tried, gains = 0, 0
    covered = np.zeros(a.num_sites, dtype=bool)
    seeds = seed_order(model, a, p, best)
    while seeds and tried < REGION_TRIES and left() > 1.0 and not options.should_stop():
        seed = seeds.pop(0)
        if covered[seed]:
            continue
        region = region_of(a, seed)
        tried += 1
        sub = region_model(model, a, p, best, region)
        limit = min(REGION_SECONDS, left())
        opts = replace(options, time_limit=limit, gap=REGION_GAP)
        result, xs = solve_matrix(sub, opts, start=best[sub.parent_columns], stop_at=goal())
        improved = False
        if xs is not None:
            plan = sub.expand(xs, model.num_cols)
            is_open = plan[y] > 0.5
            chosen = plan[blocks["supply"].index] > 0.5 if p.require_aseptic_supply else None
            plan = polish(model, a, p, plan, is_open, chosen, model.col_upper)
            value = model.objective_value(plan)
            if value < best_obj * (1.0 - 1e-7) and model.max_violation(plan) <= HEURISTIC_TOLERANCE:
                best, best_obj, improved = plan, value, True
        covered_now = region[: max(1, len(region) // 2)]
        if improved:
            gains += 1
            covered[:] = False
            if result.status is Status.OPTIMAL:  # its optimum, all else as it now is: a rerun finds nothing
                covered[covered_now] = True
            seeds = seed_order(model, a, p, best)
            if reached():
                break
        else:
            covered[covered_now] = True
    note = (
        f"regions: {start_sites} -> {int((best[y] > 0.5).sum())} sites, {start_obj:,.0f} -> {best_obj:,.0f} "
        f"({tried} regions, {gains} better, {time.perf_counter() - t0:.1f} s)"
    )
    return best, note
