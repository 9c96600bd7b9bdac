"""Vectorised build of the cover MILP (constraint numbers as in :mod:`models.cover`).

Every family is added as one block of rows from numpy arrays; nothing loops over variables.
Column blocks, in this order: ``n`` steps of ``pa_step`` PAs, ``y`` visits, ``z`` trips, ``l`` locum
PAs, ``g`` uncovered PAs, ``a`` MDT attendance, ``short`` quorum shortfall, ``c`` cover pairs, ``F``
largest away burden.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.cover.index import CoverIndex
from models.cover.input import CoverParameters
from solvers import MatrixModel

Columns = dict[str, np.ndarray]
FAMILIES = ("n", "y", "z", "l", "g", "a", "short", "c", "F")
INTEGER = frozenset({"n", "y", "z", "a", "c"})


def build_matrix(
    idx: CoverIndex,
    params: CoverParameters,
    weights: dict[int, float],
    fixed: Sequence[tuple[int, float]] = (),
) -> MatrixModel:
    """Minimise ``sum(weights[k] * f_k)`` subject to (1)-(13) and (14) ``f_k <= bound`` per ``fixed``."""
    mm = MatrixModel("oncologist_cover")
    costs = idx.stage_costs(params)
    col = _variables(mm, idx, params, costs, weights)
    demand_balance(mm, idx, col)
    capacity(mm, idx, col)
    away_limit(mm, idx, col)
    trips_cover_pas(mm, idx, params, col)
    visit_links_arc(mm, idx, col)
    visit_needs_trip(mm, idx, params, col)
    site_limit(mm, idx, col)
    quorum(mm, idx, col)
    presence(mm, idx, col)
    one_mdt_a_day(mm, idx, col)
    away_burden(mm, idx, col)
    continuity(mm, idx, col)
    for stage, bound in fixed:
        stage_bound(mm, costs[stage], col, stage, bound)
    return mm


def family_sizes(idx: CoverIndex) -> dict[str, int]:
    """Number of variables of each family, in column order."""
    n_v, n_d = len(idx.v), len(idx.dem)
    sizes = {"n": len(idx.x), "y": n_v, "z": n_v, "l": n_d, "g": n_d, "a": len(idx.a)}
    sizes.update({"short": len(idx.mw), "c": len(idx.c), "F": 1})
    return sizes


def _variables(
    mm: MatrixModel,
    idx: CoverIndex,
    params: CoverParameters,
    costs: dict[int, dict[str, np.ndarray]],
    weights: dict[int, float],
) -> Columns:
    sizes = family_sizes(idx)
    upper = {
        "n": idx.x["ub"].to_numpy(float),
        "y": 1.0,
        "z": float(params.max_trips_per_site),
        "l": idx.dem["locum_ub"].to_numpy(float),
        "g": idx.dem["pas"].to_numpy(float),
        "a": 1.0,
        "short": idx.mw["quorum"].to_numpy(float),
        "c": 1.0,
        "F": np.inf,
    }
    col: Columns = {}
    for fam in FAMILIES:
        cost = np.zeros(sizes[fam])
        for stage, w in weights.items():
            if fam in costs[stage]:
                cost = cost + w * costs[stage][fam]
        col[fam] = mm.add_variables(fam, sizes[fam], upper=upper[fam], cost=cost, integer=fam in INTEGER)
    return col


def _group(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense row number of each key (in sorted key order) and the first position of each row."""
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return inverse.ravel(), first


def demand_balance(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(1) sum_{o, s in S_k} x_osuw + l_kuw + g_kuw = d_kuw."""
    n_d = len(idx.dem)
    r = np.arange(n_d)
    rows = np.concatenate([idx.x["dr"].to_numpy(), r, r])
    cols = np.concatenate([col["n"], col["l"], col["g"]])
    vals = np.concatenate([np.full(len(idx.x), idx.pa_step), np.ones(2 * n_d)])
    pas = idx.dem["pas"].to_numpy(float)
    mm.add_constraints("demand", n_d, rows, cols, vals, lower=pas, upper=pas)


def capacity(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(2) sum_{s,u} x_osuw + sum_s pi_os z_osw + sum_m e_om a_omw <= c_ow."""
    nw = idx.num_weeks
    parts = (idx.x, idx.v, idx.a)
    keys = np.concatenate([p["o"].to_numpy() * nw + p["w"].to_numpy() for p in parts])
    rows, first = _group(keys)
    cols = np.concatenate([col["n"], col["z"], col["a"]])
    vals = np.concatenate(
        [np.full(len(idx.x), idx.pa_step), idx.v["trip_pas"].to_numpy(float), idx.a["pas"].to_numpy(float)]
    )
    ok = keys[first]
    mm.add_constraints("capacity", len(first), rows, cols, vals, upper=idx.capacity[ok // nw, ok % nw])


def away_limit(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(3) sum_{s != h(o), u} x_osuw <= A_o."""
    away = idx.x["away"].to_numpy()
    keys = idx.x["o"].to_numpy()[away] * idx.num_weeks + idx.x["w"].to_numpy()[away]
    rows, first = _group(keys)
    upper = idx.max_away[keys[first] // idx.num_weeks]
    mm.add_constraints("away_limit", len(first), rows, col["n"][away], idx.pa_step, upper=upper)


def trips_cover_pas(mm: MatrixModel, idx: CoverIndex, params: CoverParameters, col: Columns) -> None:
    """(4) sum_u x_osuw - P z_osw <= 0 for s != h(o)."""
    away = idx.x["away"].to_numpy()
    n_v = len(idx.v)
    rows = np.concatenate([idx.x["vr"].to_numpy()[away], np.arange(n_v)])
    cols = np.concatenate([col["n"][away], col["z"]])
    vals = np.concatenate([np.full(away.sum(), idx.pa_step), np.full(n_v, -params.pas_per_trip)])
    mm.add_constraints("trips", n_v, rows, cols, vals, upper=0.0)


def visit_links_arc(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(5) x_osuw - ub_osuw y_osw <= 0 for s != h(o) (in steps of ``pa_step``)."""
    away = np.flatnonzero(idx.x["away"].to_numpy())
    r = np.arange(len(away))
    cols = np.concatenate([col["n"][away], col["y"][idx.x["vr"].to_numpy()[away]]])
    vals = np.concatenate([np.ones(len(away)), -idx.x["ub"].to_numpy(float)[away]])
    mm.add_constraints("visit_arc", len(away), np.concatenate([r, r]), cols, vals, upper=0.0)


def visit_needs_trip(mm: MatrixModel, idx: CoverIndex, params: CoverParameters, col: Columns) -> None:
    """(6) y_osw - z_osw <= 0 and z_osw - T y_osw <= 0 for s != h(o)."""
    n_v = len(idx.v)
    r = np.arange(n_v)
    rows = np.concatenate([r, r, n_v + r, n_v + r])
    cols = np.concatenate([col["y"], col["z"], col["z"], col["y"]])
    t = float(params.max_trips_per_site)
    vals = np.concatenate([np.ones(n_v), -np.ones(n_v), np.ones(n_v), np.full(n_v, -t)])
    mm.add_constraints("visit_trip", 2 * n_v, rows, cols, vals, upper=0.0)


def site_limit(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(7) sum_{s != h(o)} y_osw <= N_o - 1 (the home site always counts as one)."""
    keys = idx.v["o"].to_numpy() * idx.num_weeks + idx.v["w"].to_numpy()
    rows, first = _group(keys)
    upper = idx.max_sites[keys[first] // idx.num_weeks] - 1.0
    mm.add_constraints("site_limit", len(first), rows, col["y"], 1.0, upper=upper)


def quorum(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(9) sum_o a_omw + sigma_mw >= q_m."""
    n_mw = len(idx.mw)
    rows = np.concatenate([idx.a["mw"].to_numpy(), np.arange(n_mw)])
    cols = np.concatenate([col["a"], col["short"]])
    mm.add_constraints("quorum", n_mw, rows, cols, 1.0, lower=idx.mw["quorum"].to_numpy(float))


def presence(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(10) a_omw - sum_{s in S_{k_m}} y_osw <= 0 when o must visit trust k_m to attend."""
    visit = np.flatnonzero(idx.a["visit"].to_numpy())
    av = idx.a.iloc[visit][["o", "w", "k"]].assign(r=np.arange(len(visit)))
    pairs = av.merge(idx.v[["o", "w", "k"]].assign(vr=np.arange(len(idx.v))), on=["o", "w", "k"])
    rows = np.concatenate([np.arange(len(visit)), pairs["r"].to_numpy()])
    cols = np.concatenate([col["a"][visit], col["y"][pairs["vr"].to_numpy()]])
    vals = np.concatenate([np.ones(len(visit)), -np.ones(len(pairs))])
    mm.add_constraints("presence", len(visit), rows, cols, vals, upper=0.0)


def one_mdt_a_day(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(11) sum_{m: delta_m = delta} a_omw <= 1 for each oncologist, week and weekday."""
    keys = (idx.a["o"].to_numpy() * idx.num_weeks + idx.a["w"].to_numpy()) * 5 + idx.a["day"].to_numpy()
    rows, first = _group(keys)
    counts = np.bincount(rows, minlength=len(first))
    keep = counts[rows] >= 2
    dense = np.cumsum(counts >= 2) - 1
    n_rows = int((counts >= 2).sum())
    mm.add_constraints("one_mdt_a_day", n_rows, dense[rows[keep]], col["a"][keep], 1.0, upper=1.0)


def away_burden(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(12) sum_w [sum_{s != h(o), u} x_osuw + sum_s pi_os z_osw] - F <= -B_o (B_o: burden committed)."""
    n_o = len(idx.onc_ids)
    away = idx.x["away"].to_numpy()
    rows = np.concatenate([idx.x["o"].to_numpy()[away], idx.v["o"].to_numpy(), np.arange(n_o)])
    cols = np.concatenate([col["n"][away], col["z"], np.repeat(col["F"], n_o)])
    vals = np.concatenate(
        [np.full(away.sum(), idx.pa_step), idx.v["trip_pas"].to_numpy(float), -np.ones(n_o)]
    )
    mm.add_constraints("away_burden", n_o, rows, cols, vals, upper=-idx.offset)


def continuity(mm: MatrixModel, idx: CoverIndex, col: Columns) -> None:
    """(13) sum_{s in S_k} x_osuw - min(c_ow, sum_s xbar_osuw) v_oku <= 0."""
    nw = idx.num_weeks
    keys = idx.x["cr"].to_numpy() * nw + idx.x["w"].to_numpy()
    rows, first = _group(keys)
    cr, w = keys[first] // nw, keys[first] % nw
    most = np.bincount(rows, weights=idx.x["ub"].to_numpy(float) * idx.pa_step, minlength=len(first))
    cap = np.minimum(idx.capacity[idx.c["o"].to_numpy()[cr], w], most)
    rows = np.concatenate([rows, np.arange(len(first))])
    cols = np.concatenate([col["n"], col["c"][cr]])
    vals = np.concatenate([np.full(len(idx.x), idx.pa_step), -cap])
    mm.add_constraints("continuity", len(first), rows, cols, vals, upper=0.0)


def stage_bound(
    mm: MatrixModel, costs: dict[str, np.ndarray], col: Columns, stage: int, bound: float
) -> None:
    """(14) f_k <= f_k* + tolerance, holding an earlier stage's value."""
    cols = np.concatenate([col[f] for f in costs])
    vals = np.concatenate([costs[f] for f in costs])
    mm.add_constraints(f"stage{stage}_bound", 1, np.zeros(len(cols), dtype=np.int64), cols, vals, upper=bound)


def column_vector(idx: CoverIndex, values: dict[str, np.ndarray]) -> np.ndarray:
    """A full column vector (e.g. a warm start) from values per family."""
    return np.concatenate([np.asarray(values[f], dtype=float) for f in FAMILIES])
