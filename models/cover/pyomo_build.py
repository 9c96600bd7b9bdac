"""Pyomo build of the cover MILP (numbers refer to :mod:`models.cover.solve`).

Components carry structured names, e.g. ``n[O12,RXN02,breast,3]`` (half-PAs of oncologist O12
at Royal Preston for breast in week 3) and ``quorum[M4,3]``, so LP files and logs stay
readable.  The three stage objectives are expressions ``f1``, ``f2``, ``f3``; :func:`set_stage`
chooses the objective and adds the stage-fixing rows of the lexicographic method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models.cover.index import CoverIndex
from models.cover.input import WEEKDAYS, CoverParameters

EMPTY = np.zeros(0, dtype=np.int64)
Vars = dict[str, list[Any]]


@dataclass(frozen=True)
class PyomoCover:
    """The pyomo model and its variables in the row order of the index tables."""

    model: Any
    vars: Vars


def _labels(idx: CoverIndex) -> dict[str, list[tuple]]:
    """Label tuples of every variable family, in the row order of the index tables."""
    o, s, t, u, m = idx.onc_ids, idx.site_ids, idx.trust_ids, idx.tumour_ids, idx.mdt_ids

    def lab(*arrays: np.ndarray) -> list[tuple]:
        return list(zip(*(np.asarray(a).tolist() for a in arrays), strict=True))

    x, v, d, a, mw, c = idx.x, idx.v, idx.dem, idx.a, idx.mw, idx.c
    return {
        "n": lab(o[x["o"]], s[x["s"]], u[x["u"]], x["w"] + 1),
        "y": lab(o[v["o"]], s[v["s"]], v["w"] + 1),
        "z": lab(o[v["o"]], s[v["s"]], v["w"] + 1),
        "l": lab(t[d["k"]], u[d["u"]], d["w"] + 1),
        "g": lab(t[d["k"]], u[d["u"]], d["w"] + 1),
        "a": lab(o[a["o"]], m[mw["m"].to_numpy()[a["mw"]]], a["w"] + 1),
        "short": lab(m[mw["m"]], mw["w"] + 1),
        "c": lab(o[c["o"]], t[c["k"]], u[c["u"]]),
    }


def build_pyomo(idx: CoverIndex, params: CoverParameters) -> PyomoCover:
    """The cover model with every variable and constraint family, and no objective yet."""
    m = pyo.ConcreteModel("oncologist_cover")
    keys = _labels(idx)
    upper = {
        "n": idx.x["ub"].to_numpy(float),
        "l": idx.dem["locum_ub"].to_numpy(float),
        "g": idx.dem["pas"].to_numpy(float),
        "short": idx.mw["quorum"].to_numpy(float),
    }
    m.n = pyo.Var(keys["n"], domain=pyo.NonNegativeIntegers, bounds=_bounds(keys["n"], upper["n"]))
    m.y = pyo.Var(keys["y"], domain=pyo.Binary)
    m.z = pyo.Var(keys["z"], domain=pyo.NonNegativeIntegers, bounds=(0, params.max_trips_per_site))
    m.l = pyo.Var(keys["l"], domain=pyo.NonNegativeReals, bounds=_bounds(keys["l"], upper["l"]))
    m.g = pyo.Var(keys["g"], domain=pyo.NonNegativeReals, bounds=_bounds(keys["g"], upper["g"]))
    m.a = pyo.Var(keys["a"], domain=pyo.Binary)
    m.short = pyo.Var(
        keys["short"], domain=pyo.NonNegativeReals, bounds=_bounds(keys["short"], upper["short"])
    )
    m.c = pyo.Var(keys["c"], domain=pyo.Binary)
    m.F = pyo.Var(domain=pyo.NonNegativeReals)
    v: Vars = {f: [getattr(m, f)[k] for k in keys[f]] for f in keys}
    v["F"] = [m.F]

    demand_balance(m, idx, v, keys)
    capacity(m, idx, v)
    away_limit(m, idx, v)
    trips_cover_pas(m, idx, params, v, keys)
    visit_links_arc(m, idx, v, keys)
    visit_needs_trip(m, idx, params, v, keys)
    site_limit(m, idx, v)
    quorum(m, idx, v, keys)
    presence(m, idx, v, keys)
    one_mdt_a_day(m, idx, v)
    away_burden(m, idx, v)
    continuity(m, idx, v, keys)

    for stage, fam_costs in idx.stage_costs(params).items():
        terms = [
            float(cf) * var for f, cost in fam_costs.items() for cf, var in zip(cost, v[f], strict=True) if cf
        ]
        setattr(m, f"f{stage}", pyo.Expression(expr=pyo.quicksum(terms) if terms else 0.0))
    m.stage_bounds = pyo.ConstraintList()
    return PyomoCover(model=m, vars=v)


def _bounds(keys: list[tuple], upper: np.ndarray) -> Any:
    ub = dict(zip(keys, upper.tolist(), strict=True))
    return lambda _m, *k: (0.0, ub[k])


def _group_positions(frame: pd.DataFrame, by: list[str]) -> dict[tuple, np.ndarray]:
    """Row positions of ``frame`` (a RangeIndex table) for each value of ``by``."""
    if frame.empty:
        return {}
    groups = frame.groupby(by, sort=True).indices
    return {(k if isinstance(k, tuple) else (k,)): frame.index.to_numpy()[p] for k, p in groups.items()}


def _sum(vs: list[Any], pos: np.ndarray, coef: float | np.ndarray = 1.0) -> Any:
    """sum_i coef_i * vs[i] over positions ``pos`` (``coef`` a scalar or an array aligned with ``vs``)."""
    if np.ndim(coef) == 0:
        return pyo.quicksum(float(coef) * vs[i] for i in pos)
    return pyo.quicksum(float(coef[i]) * vs[i] for i in pos)


def demand_balance(m: Any, idx: CoverIndex, v: Vars, keys: dict[str, list[tuple]]) -> None:
    """(1) sum_{o, s in S_k} x_osuw + l_kuw + g_kuw = d_kuw."""
    by_row = _group_positions(idx.x, ["dr"])
    pas = idx.dem["pas"].to_numpy(float)
    pos = {k: i for i, k in enumerate(keys["g"])}
    m.demand = pyo.Constraint(
        keys["g"],
        rule=lambda _m, *k: (
            _sum(v["n"], by_row.get((pos[k],), EMPTY), 0.5) + v["l"][pos[k]] + v["g"][pos[k]]
            == float(pas[pos[k]])
        ),
    )


def capacity(m: Any, idx: CoverIndex, v: Vars) -> None:
    """(2) sum_{s,u} x_osuw + sum_s pi_os z_osw + sum_m e_om a_omw <= c_ow."""
    groups: dict[tuple, dict[str, np.ndarray]] = {}
    for fam, frame in (("n", idx.x), ("z", idx.v), ("a", idx.a)):
        for key, pos in _group_positions(frame, ["o", "w"]).items():
            groups.setdefault(key, {})[fam] = pos
    trip = idx.v["trip_pas"].to_numpy(float)
    mdt = idx.a["pas"].to_numpy(float)
    names = {(idx.onc_ids[o], int(w) + 1): (o, w) for o, w in sorted(groups)}

    def rule(_m: Any, oid: str, week: int) -> Any:
        o, w = names[(oid, week)]
        g = groups[(o, w)]
        used = _sum(v["n"], g.get("n", EMPTY), 0.5) + _sum(v["z"], g.get("z", EMPTY), trip)
        return used + _sum(v["a"], g.get("a", EMPTY), mdt) <= float(idx.capacity[o, w])

    m.capacity = pyo.Constraint(list(names), rule=rule)


def away_limit(m: Any, idx: CoverIndex, v: Vars) -> None:
    """(3) sum_{s != h(o), u} x_osuw <= A_o."""
    away = idx.x[idx.x["away"]]
    groups = {
        (idx.onc_ids[o], int(w) + 1): (o, p) for (o, w), p in _group_positions(away, ["o", "w"]).items()
    }
    m.away_limit = pyo.Constraint(
        list(groups),
        rule=lambda _m, oid, wk: (
            _sum(v["n"], groups[oid, wk][1], 0.5) <= float(idx.max_away[groups[oid, wk][0]])
        ),
    )


def trips_cover_pas(
    m: Any, idx: CoverIndex, params: CoverParameters, v: Vars, keys: dict[str, list[tuple]]
) -> None:
    """(4) sum_u x_osuw <= P z_osw for s != h(o)."""
    by_v = {vr: p for (vr,), p in _group_positions(idx.x[idx.x["away"]], ["vr"]).items()}
    pos = {k: i for i, k in enumerate(keys["z"])}
    m.trips = pyo.Constraint(
        keys["z"],
        rule=lambda _m, *k: (
            _sum(v["n"], by_v.get(pos[k], EMPTY), 0.5) <= params.pas_per_trip * v["z"][pos[k]]
        ),
    )


def visit_links_arc(m: Any, idx: CoverIndex, v: Vars, keys: dict[str, list[tuple]]) -> None:
    """(5) x_osuw <= ub_osuw y_osw for s != h(o) (in half-PAs)."""
    away = np.flatnonzero(idx.x["away"].to_numpy())
    vr, ub = idx.x["vr"].to_numpy(), idx.x["ub"].to_numpy(float)
    rows = {keys["n"][i]: i for i in away}
    m.visit_arc = pyo.Constraint(
        list(rows), rule=lambda _m, *k: v["n"][rows[k]] <= float(ub[rows[k]]) * v["y"][vr[rows[k]]]
    )


def visit_needs_trip(
    m: Any, idx: CoverIndex, params: CoverParameters, v: Vars, keys: dict[str, list[tuple]]
) -> None:
    """(6) y_osw <= z_osw <= T y_osw for s != h(o)."""
    pos = {k: i for i, k in enumerate(keys["z"])}
    t = params.max_trips_per_site
    m.visit_trip_min = pyo.Constraint(keys["z"], rule=lambda _m, *k: v["y"][pos[k]] <= v["z"][pos[k]])
    m.visit_trip_max = pyo.Constraint(keys["z"], rule=lambda _m, *k: v["z"][pos[k]] <= t * v["y"][pos[k]])


def site_limit(m: Any, idx: CoverIndex, v: Vars) -> None:
    """(7) sum_{s != h(o)} y_osw <= N_o - 1 (the home site always counts as one)."""
    groups = {
        (idx.onc_ids[o], int(w) + 1): (o, p) for (o, w), p in _group_positions(idx.v, ["o", "w"]).items()
    }
    m.site_limit = pyo.Constraint(
        list(groups),
        rule=lambda _m, oid, wk: (
            _sum(v["y"], groups[oid, wk][1]) <= int(idx.max_sites[groups[oid, wk][0]]) - 1
        ),
    )


def quorum(m: Any, idx: CoverIndex, v: Vars, keys: dict[str, list[tuple]]) -> None:
    """(9) sum_o a_omw + sigma_mw >= q_m."""
    by_mw = _group_positions(idx.a, ["mw"])
    pos = {k: i for i, k in enumerate(keys["short"])}
    q = idx.mw["quorum"].to_numpy()
    m.quorum = pyo.Constraint(
        keys["short"],
        rule=lambda _m, *k: _sum(v["a"], by_mw.get((pos[k],), EMPTY)) + v["short"][pos[k]] >= int(q[pos[k]]),
    )


def presence(m: Any, idx: CoverIndex, v: Vars, keys: dict[str, list[tuple]]) -> None:
    """(10) a_omw <= sum_{s in S_{k_m}} y_osw when o visits trust k_m in person."""
    ys = _group_positions(idx.v, ["o", "w", "k"])
    ao, aw, ak = (idx.a[c].to_numpy() for c in ("o", "w", "k"))
    rows = {keys["a"][i]: i for i in np.flatnonzero(idx.a["visit"].to_numpy())}
    m.presence = pyo.Constraint(
        list(rows),
        rule=lambda _m, *k: v["a"][rows[k]] <= _sum(v["y"], ys[(ao[rows[k]], aw[rows[k]], ak[rows[k]])]),
    )


def one_mdt_a_day(m: Any, idx: CoverIndex, v: Vars) -> None:
    """(11) sum_{m: delta_m = delta} a_omw <= 1 for each oncologist, week and weekday."""
    groups = {
        (idx.onc_ids[o], int(w) + 1, WEEKDAYS[d]): p
        for (o, w, d), p in _group_positions(idx.a, ["o", "w", "day"]).items()
        if len(p) >= 2
    }
    m.one_mdt_a_day = pyo.Constraint(list(groups), rule=lambda _m, *k: _sum(v["a"], groups[k]) <= 1)


def away_burden(m: Any, idx: CoverIndex, v: Vars) -> None:
    """(12) B_o + sum_w [sum_{s != h(o), u} x_osuw + sum_s pi_os z_osw] <= F (B_o: burden committed)."""
    xs = {o: p for (o,), p in _group_positions(idx.x[idx.x["away"]], ["o"]).items()}
    zs = {o: p for (o,), p in _group_positions(idx.v, ["o"]).items()}
    trip = idx.v["trip_pas"].to_numpy(float)
    offset = idx.offset
    names = {oid: o for o, oid in enumerate(idx.onc_ids)}
    m.away_burden = pyo.Constraint(
        list(names),
        rule=lambda _m, oid: (
            float(offset[names[oid]])
            + _sum(v["n"], xs.get(names[oid], EMPTY), 0.5)
            + _sum(v["z"], zs.get(names[oid], EMPTY), trip)
            <= _m.F
        ),
    )


def continuity(m: Any, idx: CoverIndex, v: Vars, keys: dict[str, list[tuple]]) -> None:
    """(13) sum_{s in S_k} x_osuw <= min(c_ow, sum_s xbar_osuw) v_oku."""
    groups = _group_positions(idx.x, ["cr", "w"])
    rows = {(*keys["c"][cr], int(w) + 1): (cr, w) for cr, w in groups}
    co = idx.c["o"].to_numpy()
    ub = idx.x["ub"].to_numpy(float) / 2
    most = {g: min(float(idx.capacity[co[g[0]], g[1]]), float(ub[pos].sum())) for g, pos in groups.items()}
    m.continuity = pyo.Constraint(
        list(rows),
        rule=lambda _m, *k: _sum(v["n"], groups[rows[k]], 0.5) <= most[rows[k]] * v["c"][rows[k][0]],
    )


def set_stage(pc: PyomoCover, weights: dict[int, float], fixed: list[tuple[int, float]]) -> None:
    """Objective ``sum(weights[k] * f_k)`` and (14) ``f_k <= bound`` for every ``(k, bound)`` in ``fixed``."""
    m = pc.model
    if hasattr(m, "obj"):
        m.del_component(m.obj)
    m.obj = pyo.Objective(expr=sum(w * getattr(m, f"f{k}") for k, w in weights.items()), sense=pyo.minimize)
    m.del_component(m.stage_bounds)
    m.stage_bounds = pyo.ConstraintList()
    for stage, bound in fixed:
        m.stage_bounds.add(getattr(m, f"f{stage}") <= bound)


def pyomo_values(pc: PyomoCover) -> dict[str, np.ndarray]:
    """Values of every family in index-table order (0 where the solver left a variable unset)."""
    return {
        f: np.array([0.0 if var.value is None else float(var.value) for var in vs])
        for f, vs in pc.vars.items()
    }
