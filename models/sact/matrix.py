"""Vectorised build of the SACT location model (the mathematics is in :mod:`models.sact`).

Every constraint family is one call that adds all its rows from arrays; the pyomo backends solve
the same model through :mod:`solvers.pyomo_matrix`.  Variable blocks: ``open[s]``, ``chairs[s]``,
``serve[a]``, ``unserved[d]``, ``supply[l]``, ``doses[l]``.
"""

from __future__ import annotations

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.cuts import chair_rounding, cover_rows, only_hub_of, opened_by_cover, reached_by_one_site
from models.sact.input import SactParameters
from models.sact.objectives import (
    arc_objective,
    dose_objective,
    objective_rows,
    site_objective,
    unserved_objective,
)
from solvers import MatrixModel

INF = float("inf")


def fixed_in_every_plan(a: SactArrays, p: SactParameters) -> float:
    """What every plan pays of the site costs, as the objective weighs them: the fixed cost and the
    least chairs' cost (fixed cost + chair cost x min_chairs) of the sites every plan opens
    (:func:`open_in_every_plan`).  A constant of the objective, which :func:`build_matrix` leaves
    out with ``without_constant``."""
    fixed, chairs = _in_every_plan(a, p)
    return float(fixed.sum() + chairs.sum())


def open_in_every_plan(a: SactArrays, p: SactParameters) -> np.ndarray:
    """(17 of :mod:`models.sact.cuts`) Mask of the sites every plan opens: must-open, fixed open by
    a cover (15, 16), the only site some demand row reaches, and the only hub that can supply one
    of these; never one that may not open."""
    opened = (a.must_open | opened_by_cover(a, p) | reached_by_one_site(a, p)) & a.can_open
    return opened | (only_hub_of(a, p, opened) & a.can_open)


def _in_every_plan(a: SactArrays, p: SactParameters) -> tuple[np.ndarray, np.ndarray]:
    """By site, the weighted fixed cost and least chairs' cost every plan pays (0 elsewhere)."""
    fixed_cost, chair_cost = site_objective(a, p)
    every = open_in_every_plan(a, p)
    fixed = np.where(every, np.broadcast_to(fixed_cost, (a.num_sites,)), 0.0)
    chairs = np.where(every, np.broadcast_to(chair_cost, (a.num_sites,)) * a.min_chairs, 0.0)
    return fixed, chairs


def build_matrix(a: SactArrays, p: SactParameters, *, without_constant: bool = False) -> MatrixModel:
    """The whole model as a :class:`MatrixModel`; ``without_constant``: what every plan pays of the
    site costs left out of the objective (:func:`fixed_in_every_plan`: the fixed cost of the sites
    every plan opens, and their least chairs' cost as a negative offset), so that the solver's
    relative gap is of the cost the plan decides (a must-open site at a fixed £1e12 made a gap of
    £498,304 on £5.4M decided 0.00 % of the whole, 'optimal')."""
    m = MatrixModel("sact_location")
    fixed_cost, chair_cost = site_objective(a, p)
    every = open_in_every_plan(a, p)
    if without_constant:
        fixed, chairs = _in_every_plan(a, p)
        fixed_cost = fixed_cost - fixed
        m.objective_offset = -float(chairs.sum())
    y = m.add_variables(
        "open",
        a.num_sites,
        lower=every.astype(float),
        upper=a.can_open.astype(float),
        cost=fixed_cost,
        integer=True,
    )
    n = m.add_variables(
        "chairs",
        a.num_sites,
        lower=np.where(every, a.min_chairs, 0.0),
        upper=a.max_chairs,
        cost=chair_cost,
        integer=True,
    )
    x = m.add_variables(
        "serve", len(a.arc_dem), lower=0.0, upper=1.0, cost=arc_objective(a, p), integer=p.single_source
    )
    u = m.add_variables(
        "unserved",
        len(a.dem_amount),
        lower=0.0,
        upper=1.0 if p.allow_unserved else 0.0,
        cost=unserved_objective(a, p),
    )
    demand_served(m, a, x, u)
    chairs_when_open(m, a, y, n)
    chair_hours_capacity(m, a, p, n, x)
    chair_rounding(m, a, p, n)
    cover_rows(m, a, p, y)
    if p.strong_linking and not p.lazy_linking:
        serve_only_open(m, a, x, y)
    else:
        serve_only_open_aggregated(m, a, x, y)
        if p.strong_linking:
            serve_only_open(m, a, x, y, lazy=True)
    if p.access_targets():
        access_target(m, a, p, x)
    open_site_limits(m, a, p, y)
    if p.budget is not None:
        budget(m, a, p, y, n)
    if p.min_site_attendances > 0:
        safe_volume(m, a, p, x, y)
    if p.require_aseptic_supply:
        v = aseptic_supply(m, a, p, x, y)
        hub_supplies_itself(m, a, v, y)
    if len(a.nurse_trusts):
        nurse_staffing(m, a, n)
    objective_rows(m, a, p, x)
    return m


def demand_served(m: MatrixModel, a: SactArrays, x: np.ndarray, u: np.ndarray) -> None:
    """(1) sum_s x[z,s,k] + u[z,k] = 1 for every demand row."""
    nd = len(a.dem_amount)
    rows = np.concatenate([a.arc_dem, np.arange(nd)])
    cols = np.concatenate([x, u])
    m.add_constraints("demand", nd, rows, cols, 1.0, lower=1.0, upper=1.0)


def chairs_when_open(m: MatrixModel, a: SactArrays, y: np.ndarray, n: np.ndarray) -> None:
    """(2) min_chairs[s] y[s] <= n[s] <= max_chairs[s] y[s]."""
    s = np.arange(a.num_sites)
    m.add_constraints(
        "chairs_min",
        a.num_sites,
        np.concatenate([s, s]),
        np.concatenate([n, y]),
        np.concatenate([np.ones(a.num_sites), -a.min_chairs]),
        lower=0.0,
    )
    m.add_constraints(
        "chairs_max",
        a.num_sites,
        np.concatenate([s, s]),
        np.concatenate([n, y]),
        np.concatenate([np.ones(a.num_sites), -a.max_chairs]),
        upper=0.0,
    )


def chair_hours_capacity(
    m: MatrixModel, a: SactArrays, p: SactParameters, n: np.ndarray, x: np.ndarray
) -> None:
    """(3) sum_a eta d[a] x[a] - C n[s] <= 0 for every site."""
    s = np.arange(a.num_sites)
    rows = np.concatenate([a.arc_site, s])
    cols = np.concatenate([x, n])
    vals = np.concatenate([p.mean_chair_hours * a.arc_demand, np.full(a.num_sites, -p.chair_hours_per_year)])
    m.add_constraints("chair_hours", a.num_sites, rows, cols, vals, upper=0.0)


def serve_only_open(m: MatrixModel, a: SactArrays, x: np.ndarray, y: np.ndarray, lazy: bool = False) -> None:
    """(4) x[a] - y[s(a)] <= 0 for every arc (``lazy``: a pool added where the relaxation breaks it)."""
    na = len(x)
    r = np.arange(na)
    m.add_constraints(
        "serve_open",
        na,
        np.concatenate([r, r]),
        np.concatenate([x, y[a.arc_site]]),
        np.concatenate([np.ones(na), -np.ones(na)]),
        upper=0.0,
        lazy=lazy,
    )


def serve_only_open_aggregated(m: MatrixModel, a: SactArrays, x: np.ndarray, y: np.ndarray) -> None:
    """(4') sum_{a at s} x[a] - |A_s| y[s] <= 0 for every site: enough for integer plans on its own."""
    s = np.arange(a.num_sites)
    arcs_at = np.bincount(a.arc_site, minlength=a.num_sites).astype(float)
    m.add_constraints(
        "serve_open_sum",
        a.num_sites,
        np.concatenate([a.arc_site, s]),
        np.concatenate([x, y]),
        np.concatenate([np.ones(len(x)), -arcs_at]),
        upper=0.0,
    )


def access_target(m: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> None:
    """(5) sum_{a: t <= T} d[a] x[a] >= alpha * total demand, overall or per quintile; with
    ``allow_unserved`` over the served attendances: sum_a d[a] (1[t <= T] - alpha) x[a] >= 0."""
    if p.allow_unserved:
        _access_of_served(m, a, p, x)
        return
    near = a.arc_minutes <= p.access_minutes
    groups = _access_groups(a, p)
    rows, cols, vals, lower = [], [], [], []
    for g, (mask, target) in enumerate(groups):
        arcs = np.flatnonzero(near & mask[a.arc_dem])
        rows.append(np.full(len(arcs), g))
        cols.append(x[arcs])
        vals.append(a.arc_demand[arcs])
        lower.append(target * a.dem_amount[mask].sum())
    m.add_constraints(
        "access",
        len(groups),
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(vals),
        lower=np.array(lower),
    )


def _access_of_served(m: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> None:
    """(5) with unserved demand allowed: a share alpha of the served attendances within T."""
    groups = _access_groups(a, p)
    near = (a.arc_minutes <= p.access_minutes).astype(float)
    rows, cols, vals = [], [], []
    for g, (mask, target) in enumerate(groups):
        arcs = np.flatnonzero(mask[a.arc_dem])
        rows.append(np.full(len(arcs), g))
        cols.append(x[arcs])
        vals.append(a.arc_demand[arcs] * (near[arcs] - target))
    m.add_constraints(
        "access", len(groups), np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), lower=0.0
    )


def _access_groups(a: SactArrays, p: SactParameters) -> list[tuple[np.ndarray, float]]:
    """(demand-row mask, target) of every access target in force: all zones, then each quintile
    present with a target of its own or the overall one under ``access_by_quintile``."""
    groups = []
    present = set(np.unique(a.dem_quintile).tolist())
    for q, target in p.access_targets().items():
        if q == 0:
            groups.append((np.ones(len(a.dem_amount), bool), target))
        elif q in present:
            groups.append((a.dem_quintile == q, target))
    return groups


def open_site_limits(m: MatrixModel, a: SactArrays, p: SactParameters, y: np.ndarray) -> None:
    """(6) sum y <= K (or = K); sum of new sites' y <= K'."""
    if p.exact_open_sites is not None or p.max_open_sites is not None:
        k = p.exact_open_sites if p.exact_open_sites is not None else p.max_open_sites
        lower = float(k) if p.exact_open_sites is not None else -INF
        m.add_constraints("open_sites", 1, np.zeros(a.num_sites), y, 1.0, lower=lower, upper=float(k))
    if p.max_new_sites is not None:
        new = np.flatnonzero(a.is_new)
        m.add_constraints("new_sites", 1, np.zeros(len(new)), y[new], 1.0, upper=float(p.max_new_sites))


def budget(m: MatrixModel, a: SactArrays, p: SactParameters, y: np.ndarray, n: np.ndarray) -> None:
    """(7) sum F[s] y[s] + c[s] n[s] <= B."""
    m.add_constraints(
        "budget",
        1,
        np.zeros(2 * a.num_sites),
        np.concatenate([y, n]),
        np.concatenate([a.fixed_cost, a.chair_cost]),
        upper=float(p.budget),
    )


def safe_volume(m: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray, y: np.ndarray) -> None:
    """(8) sum_a d[a] x[a] - V y[s] >= 0 for every site."""
    s = np.arange(a.num_sites)
    m.add_constraints(
        "safe_volume",
        a.num_sites,
        np.concatenate([a.arc_site, s]),
        np.concatenate([x, y]),
        np.concatenate([a.arc_demand, np.full(a.num_sites, -p.min_site_attendances)]),
        lower=0.0,
    )


def aseptic_supply(
    m: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """(10) one open hub supplies every open site, within stability time and hub capacity; every
    dose carries its transport minutes into the objective.  Returns the supply-link columns."""
    nl = len(a.link_site)
    ns = a.num_sites
    v = m.add_variables("supply", nl, lower=0.0, upper=1.0, integer=True)
    f = m.add_variables("doses", nl, lower=0.0, upper=a.link_big_m, cost=dose_objective(a, p))
    s = np.arange(ns)
    m.add_constraints(
        "one_hub",
        ns,
        np.concatenate([a.link_site, s]),
        np.concatenate([v, y]),
        np.concatenate([np.ones(nl), -np.ones(ns)]),
        lower=0.0,
        upper=0.0,
    )
    r = np.arange(nl)
    m.add_constraints(
        "hub_open",
        nl,
        np.concatenate([r, r]),
        np.concatenate([v, y[a.link_hub]]),
        np.concatenate([np.ones(nl), -np.ones(nl)]),
        upper=0.0,
    )
    m.add_constraints(
        "doses_balance",
        ns,
        np.concatenate([a.link_site, a.arc_site]),
        np.concatenate([f, x]),
        np.concatenate([np.ones(nl), -p.doses_per_attendance * a.arc_demand]),
        lower=0.0,
        upper=0.0,
    )
    m.add_constraints(
        "doses_link",
        nl,
        np.concatenate([r, r]),
        np.concatenate([f, v]),
        np.concatenate([np.ones(nl), -a.link_big_m]),
        upper=0.0,
    )
    hubs = np.flatnonzero(a.is_hub)
    hub_row = np.full(ns, -1)
    hub_row[hubs] = np.arange(len(hubs))
    m.add_constraints(
        "hub_capacity",
        len(hubs),
        np.concatenate([hub_row[a.link_hub], np.arange(len(hubs))]),
        np.concatenate([f, y[hubs]]),
        np.concatenate([np.ones(nl), -a.hub_capacity[hubs]]),
        upper=0.0,
    )
    return v


def hub_supplies_itself(m: MatrixModel, a: SactArrays, v: np.ndarray, y: np.ndarray) -> None:
    """(10') v[h,h] - y[h] = 0 for every hub: an open hub supplies itself, so no site is supplied
    through another site (no chains) and a hub's own doses count against its own capacity."""
    own = np.flatnonzero(a.link_site == a.link_hub)
    r = np.arange(len(own))
    m.add_constraints(
        "hub_self",
        len(own),
        np.concatenate([r, r]),
        np.concatenate([v[own], y[a.link_hub[own]]]),
        np.concatenate([np.ones(len(own)), -np.ones(len(own))]),
        lower=0.0,
        upper=0.0,
    )


def nurse_staffing(m: MatrixModel, a: SactArrays, n: np.ndarray) -> None:
    """(11) sum_{s in trust r} n[s] <= kappa N[r]."""
    trust_row = {t: i for i, t in enumerate(a.nurse_trusts)}
    rows = np.array([trust_row.get(t, -1) for t in a.site_trust])
    sel = np.flatnonzero(rows >= 0)
    m.add_constraints("nurses", len(a.nurse_trusts), rows[sel], n[sel], 1.0, upper=a.nurse_chairs)
