"""The OOH formulation of :mod:`models.ooh` as arrays: one function per numbered constraint.

The variables, constraints (numbered as in the docstring of :mod:`models.ooh`) and objective,
assembled block by block from numpy arrays without a loop over single variables, as one
:class:`solvers.MatrixModel`: HiGHS takes it directly, every pyomo backend through
:mod:`solvers.pyomo_matrix`.  Columns: ``x`` (one per candidate arc), ``z`` and ``w`` (one per
rota-band pair).  Each constraint function takes optional ``slack`` columns, one per row, used
only by the elastic form (:mod:`models.ooh.elastic`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.ooh.input import OohInput, OohParameters
from models.ooh.sets import band_table, candidate_arcs, rota_table
from solvers import MatrixModel


@dataclass(frozen=True)
class OohArrays:
    """The formulation's data as aligned arrays; ``arcs``, ``rotas``, ``bands`` keep their keys."""

    arcs: pd.DataFrame  # + cover (row of (1)), rota (index into rotas), own (index of the hub's own arc)
    rotas: pd.DataFrame  # + own (index of the arc (k, h, h))
    bands: pd.DataFrame  # + rota
    n_cover: int
    cover: pd.DataFrame  # service_id, site_id of each row of (1)


def arrays(
    inp: OohInput,
    params: OohParameters,
    *,
    service: str | None = None,
    arcs: pd.DataFrame | None = None,
    elastic: bool = False,
) -> OohArrays:
    """Number the site-services, arcs, rotas and bands, and link them by position.

    ``service`` keeps one service only (the model splits into one independent block per
    service); ``arcs`` passes :func:`candidate_arcs` when already computed.  ``elastic`` keeps
    bands below N_k and site-services without any candidate rota (the elastic form leaves them
    uncovered); otherwise such a site-service raises ValueError.
    """
    arcs = candidate_arcs(inp, params) if arcs is None else arcs
    cover = inp.rotas[["service_id", "site_id"]]
    if service is not None:
        arcs = arcs[arcs["service_id"] == service].reset_index(drop=True)
        cover = cover[cover["service_id"] == service]
    rotas = rota_table(inp, params, arcs)
    bands = band_table(inp, rotas, prune=not elastic)
    cover = cover.reset_index(drop=True)
    cover["cover"] = np.arange(len(cover))
    arcs = arcs.merge(cover, on=["service_id", "site_id"], how="left")
    missing = cover[~cover["cover"].isin(arcs["cover"])]
    if len(missing) and not elastic:
        keys = list(missing[["service_id", "site_id"]].itertuples(index=False, name=None))
        raise ValueError(f"no candidate rota can cover {keys[:3]}; see models.ooh.diagnosis.diagnose")
    own = arcs.index[arcs["site_id"] == arcs["hub_id"]]
    own_of = pd.Series(own, index=pd.MultiIndex.from_frame(arcs.loc[own, ["service_id", "hub_id"]]))
    rotas = rotas.assign(
        own=own_of.loc[list(rotas[["service_id", "hub_id"]].itertuples(index=False))].to_numpy()
    )
    rota_of = pd.Series(
        np.arange(len(rotas)), index=pd.MultiIndex.from_frame(rotas[["service_id", "hub_id"]])
    )
    arcs["rota"] = rota_of.loc[list(arcs[["service_id", "hub_id"]].itertuples(index=False))].to_numpy()
    arcs["own"] = rotas["own"].to_numpy()[arcs["rota"].to_numpy()]
    bands = bands.assign(
        rota=rota_of.loc[list(bands[["service_id", "hub_id"]].itertuples(index=False))].to_numpy()
    )
    return OohArrays(arcs=arcs, rotas=rotas, bands=bands, n_cover=len(cover), cover=cover)


def cover_once(mm: MatrixModel, a: OohArrays, x: np.ndarray, slack: np.ndarray | None = None) -> None:
    """(1) sum_h x_ksh (+ uncovered_ks) = 1 for every site-service needing cover."""
    rows, cols = a.arcs["cover"].to_numpy(), x
    if slack is not None:
        rows, cols = np.concatenate([rows, np.arange(a.n_cover)]), np.concatenate([cols, slack])
    mm.add_constraints("cover", a.n_cover, rows, cols, 1.0, lower=1.0, upper=1.0)


def hub_open(mm: MatrixModel, a: OohArrays, x: np.ndarray) -> None:
    """(2) x_ksh - x_khh <= 0 for arcs into another site's rota."""
    away = np.flatnonzero(a.arcs.index.to_numpy() != a.arcs["own"].to_numpy())
    rows = np.arange(away.size)
    mm.add_constraints(
        "hub_open",
        away.size,
        np.concatenate([rows, rows]),
        np.concatenate([x[away], x[a.arcs["own"].to_numpy()[away]]]),
        np.concatenate([np.ones(away.size), -np.ones(away.size)]),
        upper=0.0,
    )


def _rota_rows(
    mm: MatrixModel,
    name: str,
    a: OohArrays,
    x: np.ndarray,
    coef: np.ndarray,
    rhs: np.ndarray,
    keep: np.ndarray,
    lower: float,
    upper: float,
    slack: np.ndarray | None = None,
    extra: np.ndarray | None = None,
) -> None:
    """Rows ``lower <= sum_s coef_s x_ksh (+ extra_kh) - rhs_kh x_khh (+- slack) <= upper``, kept rotas.

    ``slack`` (one column per kept rota) enters with +1 on ``>=`` rows and -1 on ``<=`` rows;
    ``extra`` (one column per rota) with +1.
    """
    rotas = np.flatnonzero(keep)
    row_of = np.full(len(a.rotas), -1)
    row_of[rotas] = np.arange(rotas.size)
    arc_rota = a.arcs["rota"].to_numpy()
    members = np.flatnonzero(row_of[arc_rota] >= 0)
    rows = np.concatenate([row_of[arc_rota[members]], np.arange(rotas.size)])
    cols = np.concatenate([x[members], x[a.rotas["own"].to_numpy()[rotas]]])
    vals = np.concatenate([coef[members], -rhs[rotas]])
    if extra is not None:
        rows = np.concatenate([rows, np.arange(rotas.size)])
        cols = np.concatenate([cols, extra[rotas]])
        vals = np.concatenate([vals, np.ones(rotas.size)])
    if slack is not None:
        rows = np.concatenate([rows, np.arange(rotas.size)])
        cols = np.concatenate([cols, slack])
        vals = np.concatenate([vals, np.full(rotas.size, 1.0 if np.isinf(upper) else -1.0)])
    mm.add_constraints(name, rotas.size, rows, cols, vals, lower=lower, upper=upper)


def capped(a: OohArrays, column: str) -> np.ndarray:
    """Which rotas have a finite ``column`` (``max_rota_size``, ``max_sites_per_rota``): rows of (4), (5)."""
    return ~np.isnan(a.rotas[column].to_numpy(float))


def min_rota_size(
    mm: MatrixModel, a: OohArrays, x: np.ndarray, u: np.ndarray, slack: np.ndarray | None = None
) -> None:
    """(3) sum_s c_ks x_ksh + u_kh - N_k x_khh (+ short_kh) >= 0: slots, substantive and temporary."""
    clinicians = a.arcs["clinicians"].to_numpy(float)
    need = a.rotas["min_rota_size"].to_numpy(float)
    every = np.ones(len(a.rotas), bool)
    _rota_rows(mm, "min_rota_size", a, x, clinicians, need, every, 0.0, np.inf, slack, extra=u)


def max_rota_size(mm: MatrixModel, a: OohArrays, x: np.ndarray, slack: np.ndarray | None = None) -> None:
    """(4) sum_s c_ks x_ksh - M_k x_khh (- over_size_kh) <= 0 where M_k is finite."""
    cap = np.nan_to_num(a.rotas["max_rota_size"].to_numpy(float))
    clinicians = a.arcs["clinicians"].to_numpy(float)
    keep = capped(a, "max_rota_size")
    _rota_rows(mm, "max_rota_size", a, x, clinicians, cap, keep, -np.inf, 0.0, slack)


def max_sites(mm: MatrixModel, a: OohArrays, x: np.ndarray, slack: np.ndarray | None = None) -> None:
    """(5) sum_s x_ksh - L_k x_khh (- extra_sites_kh) <= 0 where L_k is finite."""
    cap = np.nan_to_num(a.rotas["max_sites_per_rota"].to_numpy(float))
    keep = capped(a, "max_sites_per_rota")
    _rota_rows(mm, "max_sites", a, x, np.ones(len(a.arcs)), cap, keep, -np.inf, 0.0, slack)


def workload(
    mm: MatrixModel, a: OohArrays, x: np.ndarray, limit: float, slack: np.ndarray | None = None
) -> None:
    """(6) sum_s a_ks x_ksh - W x_khh (- overload_kh) <= 0."""
    load = a.arcs["attendances_per_night"].to_numpy(float)
    cap = np.full(len(a.rotas), limit)
    _rota_rows(mm, "workload", a, x, load, cap, np.ones(len(a.rotas), bool), -np.inf, 0.0, slack)


def band_choice(mm: MatrixModel, a: OohArrays, x: np.ndarray, z: np.ndarray) -> None:
    """(7) sum_b z_khb - x_khh = 0."""
    nr, nb = len(a.rotas), len(a.bands)
    mm.add_constraints(
        "band_choice",
        nr,
        np.concatenate([a.bands["rota"].to_numpy(), np.arange(nr)]),
        np.concatenate([z, x[a.rotas["own"].to_numpy()]]),
        np.concatenate([np.ones(nb), -np.ones(nr)]),
        lower=0.0,
        upper=0.0,
    )


def band_slots(mm: MatrixModel, a: OohArrays, x: np.ndarray, w: np.ndarray, u: np.ndarray) -> None:
    """(8) sum_b w_khb - sum_s c_ks x_ksh - u_kh = 0: the rota's slots, disaggregated by band."""
    nr = len(a.rotas)
    mm.add_constraints(
        "band_slots",
        nr,
        np.concatenate([a.bands["rota"].to_numpy(), a.arcs["rota"].to_numpy(), np.arange(nr)]),
        np.concatenate([w, x, u]),
        np.concatenate([np.ones(len(a.bands)), -a.arcs["clinicians"].to_numpy(float), -np.ones(nr)]),
        lower=0.0,
        upper=0.0,
    )


def band_range(mm: MatrixModel, a: OohArrays, z: np.ndarray, w: np.ndarray) -> None:
    """(9) w_khb - lo_b z_khb >= 0 and w_khb - hi_b z_khb <= 0."""
    nb = len(a.bands)
    rows = np.concatenate([np.arange(nb), np.arange(nb)])
    for name, bound, lower, upper in (("band_lower", "lo", 0.0, np.inf), ("band_upper", "hi", -np.inf, 0.0)):
        vals = np.concatenate([np.ones(nb), -a.bands[bound].to_numpy(float)])
        mm.add_constraints(name, nb, rows, np.concatenate([w, z]), vals, lower=lower, upper=upper)


def temporary_slots(mm: MatrixModel, a: OohArrays, z: np.ndarray, u: np.ndarray) -> None:
    """(10) u_kh - N_k sum_{b in B_kh, lo_b <= N_k} z_khb <= 0: temporary staff fill a rota up to N_k only."""
    nr = len(a.rotas)
    fills = np.flatnonzero(a.bands["fills"].to_numpy(bool))
    need = a.rotas["min_rota_size"].to_numpy(float)
    rota = a.bands["rota"].to_numpy()[fills]
    mm.add_constraints(
        "temporary_slots",
        nr,
        np.concatenate([np.arange(nr), rota]),
        np.concatenate([u, z[fills]]),
        np.concatenate([np.ones(nr), -need[rota]]),
        upper=0.0,
    )


def annual_cost(params: OohParameters, a: OohArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Cost of each x, w and u column (GBP a year) and the constant part of the change cost."""
    x_cost = a.arcs["travel_cost"].to_numpy(float).copy()
    np.add.at(x_cost, a.rotas["own"].to_numpy(), a.rotas["cover_cost"].to_numpy(float))
    offset = 0.0
    if params.cost_per_change:
        today = a.arcs["hub_id"].to_numpy() == a.arcs["current_hub"].to_numpy()
        x_cost[today] -= params.cost_per_change
        offset = params.cost_per_change * a.n_cover
    u_cost = np.nan_to_num(a.rotas["temporary_cost"].to_numpy(float))
    return x_cost, a.bands["unit_cost"].to_numpy(float), u_cost, offset


@dataclass(frozen=True)
class Columns:
    """Column indices of the variable blocks ``x``, ``z``, ``w`` and ``u``."""

    x: np.ndarray
    z: np.ndarray
    w: np.ndarray
    u: np.ndarray


def add_columns(mm: MatrixModel, params: OohParameters, a: OohArrays, *, priced: bool = True) -> Columns:
    """The variables, with their annual cost when ``priced`` (the elastic form prices only slacks).

    ``u_kh`` (temporary slots) is bounded by N_k where the service's premium is given, else by 0.
    """
    x_cost, w_cost, u_cost, offset = annual_cost(params, a)
    if not priced:
        x_cost, w_cost, u_cost, offset = 0.0 * x_cost, 0.0 * w_cost, 0.0 * u_cost, 0.0
    allowed = a.rotas["temporary_cost"].notna().to_numpy()
    u_upper = np.where(allowed, a.rotas["min_rota_size"].to_numpy(float), 0.0)
    mm.objective_offset = offset
    return Columns(
        x=mm.add_variables("x", len(a.arcs), upper=1.0, cost=x_cost, integer=True),
        z=mm.add_variables("z", len(a.bands), upper=1.0, integer=True),
        w=mm.add_variables("w", len(a.bands), cost=w_cost),
        u=mm.add_variables("u", len(a.rotas), upper=u_upper, cost=u_cost),
    )


def build_matrix(
    inp: OohInput, params: OohParameters, *, service: str | None = None, arcs: pd.DataFrame | None = None
) -> tuple[MatrixModel, OohArrays]:
    """The MILP (of one ``service`` only, if given) as a :class:`MatrixModel` and its arrays."""
    a = arrays(inp, params, service=service, arcs=arcs)
    mm = MatrixModel(f"ooh_rota {inp.name}".strip())
    c = add_columns(mm, params, a)
    cover_once(mm, a, c.x)
    hub_open(mm, a, c.x)
    min_rota_size(mm, a, c.x, c.u)
    max_rota_size(mm, a, c.x)
    max_sites(mm, a, c.x)
    workload(mm, a, c.x, params.max_attendances_per_night)
    band_choice(mm, a, c.x, c.z)
    band_slots(mm, a, c.x, c.w, c.u)
    band_range(mm, a, c.z, c.w)
    temporary_slots(mm, a, c.z, c.u)
    return mm, a


def assignment_from(mm: MatrixModel, a: OohArrays, solution: np.ndarray) -> pd.DataFrame:
    """The chosen arcs of a solution vector: ``service_id, site_id, hub_id``."""
    chosen = mm.values(solution, "x") > 0.5
    return a.arcs.loc[chosen, ["service_id", "site_id", "hub_id"]].reset_index(drop=True)
