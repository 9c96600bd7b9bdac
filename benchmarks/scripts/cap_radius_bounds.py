"""Bounds of the capacitated SACT model against the radius relaxation (issue 16, item 2).

Usage (from the repository root, one CSV line per case)::

    python benchmarks/scripts/cap_radius_bounds.py bounds CASE [CASE ...]
    python benchmarks/scripts/cap_radius_bounds.py start CASE [CASE ...]   # or start-cold, start-radius
    python benchmarks/scripts/cap_radius_bounds.py cuts CASE [CASE ...]
    python benchmarks/scripts/cap_radius_bounds.py reduce CASE=UPPER [CASE=UPPER ...]

A CASE is an OR-Library ``capNN.txt`` file or a SACT instance folder; ``NAME@F`` scales every
site's most chairs by F (tighter capacities below 1).  ``bounds``: the radius relaxation's LP and
MILP (:mod:`models.sact.radius_bound`), the capacitated model's LP without the per-arc linking
rows (weak) and with them (strong: root cut loop over the lazy pool; skipped above
``STRONG_MAX_ARCS`` arcs), each with wall and CPU seconds.  ``start``: the capacitated solve cold
and from the radius optimum's sites repaired by fix and transport
(:func:`models.sact.heuristic.fix_and_transport`), time to first plan and to the end.  ``cuts``:
the LP and MILP of the model without per-arc linking rows but with the radius level rows of every
demand row.  ``reduce``: sites and levels the radius LP's reduced costs fix given a plan's cost.
HiGHS, two threads, gap 0 for cap files and 1 % for SACT folders.  Results:
``benchmarks/results/sact_capacitated_radius.md``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from models.sact.arrays import SactArrays, prepare
from models.sact.heuristic import fix_and_transport
from models.sact.input import SactInput, SactParameters
from models.sact.matrix import build_matrix
from models.sact.orlibrary import read_cap
from models.sact.radius_bound import radius_relaxation
from models.sact.radius_formulation import assign_nearest
from models.sact.solve import solve_sact
from optimiser.kinds.base import load_instance
from solvers import SolveOptions, solve_matrix

STRONG_MAX_ARCS = 200_000
MILP_LIMIT = 120.0


class Clock:
    """Wall and CPU seconds since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __call__(self) -> str:
        return f"{time.perf_counter() - self.wall:.2f},{time.process_time() - self.cpu:.2f}"


def load(case: str) -> tuple[SactInput, str, bool]:
    name, _, factor = case.partition("@")
    path = Path(name)
    data = read_cap(path) if path.is_file() else load_instance(path).model_input.input
    if factor:
        sites = data.sites.copy()
        sites["max_chairs"] = np.floor(sites["max_chairs"] * float(factor)).astype(int)
        data = replace(data, sites=sites)
    return data, path.stem + (f"@{factor}" if factor else ""), path.is_file()


def bounds(case: str) -> None:
    data, name, is_cap = load(case)
    a, p = prepare(data), data.parameters
    opts = SolveOptions(threads=2, gap=0.0, time_limit=MILP_LIMIT)
    c = Clock()
    rel = radius_relaxation(a, p)
    assert rel is not None
    build = c()
    c = Clock()
    lp, _ = solve_matrix(rel.model, opts, relax=True)
    lp_t = c()
    c = Clock()
    mip, _ = solve_matrix(rel.model, opts)
    mip_t = c()
    model = build_matrix(a, p)
    weak_model = model.restricted(np.ones(model.num_cols, bool), keep_lazy=False)
    c = Clock()
    weak, _ = solve_matrix(weak_model, opts, relax=True)
    weak_t = c()
    strong_obj: float | None = float("nan")
    strong_t = "nan,nan"
    if len(a.arc_dem) <= STRONG_MAX_ARCS:
        c = Clock()
        strong, _ = solve_matrix(model, opts, relax=True)
        strong_obj, strong_t = strong.objective, c()
    print(
        f"{name},{len(a.arc_dem)},{len(rel.levels.level_minutes)},{build},"
        f"{lp.objective},{lp_t},{mip.objective},{mip.bound},{mip.status.value},{mip_t},"
        f"{weak.objective},{weak_t},{strong_obj},{strong_t}",
        flush=True,
    )


def reduce(case: str, upper: float) -> None:
    """Sites the radius LP's reduced costs shut or hold open, and customers it covers, given a plan
    of cost ``upper``: forcing ``y_s`` (or a ``z``) to its other bound raises the Lagrangian bound
    of the LP's duals by ``|d_s|``; above ``upper`` no better capacitated plan does it."""
    import highspy

    from solvers.highs_direct import highs_lp
    from solvers.restricted_lp import lagrangian_bound

    data, name, _ = load(case)
    a, p = prepare(data), data.parameters
    c = Clock()
    rel = radius_relaxation(a, p)
    assert rel is not None
    m = rel.model
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 2)
    h.passModel(highs_lp(m))
    h.run()
    dual = np.asarray(h.getSolution().row_dual)
    bound, d = lagrangian_bound(
        m.cost, m.col_lower, m.col_upper, m.matrix(), m.row_lower, m.row_upper, dual, m.objective_offset
    )
    y, z = m.variable_blocks["open"].index, m.variable_blocks["radius"].index
    free = m.col_lower[y] < m.col_upper[y]
    shut = free & (d[y] > 0) & (bound + d[y] > upper)
    held = free & (d[y] < 0) & (bound - d[y] > upper)
    covered = (d[z] > 0) & (bound + d[z] > upper)
    print(
        f"{name},{upper},{bound},{(upper - bound) / upper:.4f},{int(free.sum())},{int(shut.sum())},"
        f"{int(held.sum())},{len(z)},{int(covered.sum())},{c()}",
        flush=True,
    )


def level_cuts(case: str) -> None:
    """The capacitated LP without per-arc linking rows, with the radius rows of every demand row's
    levels (sum over its arcs a with e_a <= D_k of x_a - y_s(a) <= 0), against the strong LP."""
    from models.sact.radius_bound import effective_minutes

    data, name, _ = load(case)
    a, p = prepare(data), data.parameters
    opts = SolveOptions(threads=2, gap=0.0, time_limit=MILP_LIMIT)
    model = build_matrix(a, p)
    cut = model.restricted(np.ones(model.num_cols, bool), keep_lazy=False)
    x, y = cut.variable_blocks["serve"].index, cut.variable_blocks["open"].index
    e = effective_minutes(a, p)
    order = np.lexsort((e, a.arc_dem))
    dem, cost = a.arc_dem[order], e[order]
    start = np.searchsorted(dem, dem)
    ends = np.flatnonzero(np.r_[(dem[1:] != dem[:-1]) | (cost[1:] != cost[:-1]), True])
    ends = ends[cost[ends] < np.inf]
    sizes = ends - start[ends] + 1
    row = np.repeat(np.arange(len(ends)), sizes)
    pos = np.repeat(start[ends] - np.r_[0, np.cumsum(sizes)[:-1]], sizes) + np.arange(sizes.sum())
    arcs = order[pos]
    cut.add_constraints(
        "radius_levels",
        len(ends),
        np.r_[row, row],
        np.r_[x[arcs], y[a.arc_site[arcs]]],
        np.r_[np.ones(len(arcs)), -np.ones(len(arcs))],
        upper=0.0,
    )
    c = Clock()
    lp, _ = solve_matrix(cut, opts, relax=True)
    lp_t = c()
    c = Clock()
    mip, _ = solve_matrix(cut, replace(opts, gap=0.0 if len(a.arc_dem) < 5000 else 0.01))
    mip_t = c()
    print(
        f"{name},{len(ends)},{len(arcs)},{lp.objective},{lp_t},{mip.objective},{mip.bound},"
        f"{mip.status.value},{mip_t}",
        flush=True,
    )


def radius_start(a: SactArrays, p: SactParameters, opts: SolveOptions) -> tuple[dict[str, int] | None, str]:
    """Chairs by site id of the radius optimum's sites repaired by fix and transport, and its time."""
    c = Clock()
    rel = radius_relaxation(a, p)
    assert rel is not None
    res, x = solve_matrix(rel.model, opts)
    if x is None:
        return None, c()
    is_open = rel.model.values(x, "open") > 0.5
    model = build_matrix(a, p)
    point = np.zeros(model.num_cols)
    point[model.variable_blocks["open"].index] = is_open
    point[model.variable_blocks["serve"].index] = assign_nearest(rel.arrays, rel.parameters, is_open)["serve"]
    active = np.ones(model.num_cols, bool)
    plan, _ = fix_and_transport(model, a, p, point, active, opts, None)
    if plan is None:
        return None, c()
    chairs = np.round(model.values(plan, "chairs")).astype(int)
    opened = model.values(plan, "open") > 0.5
    return {str(s): int(n) for s, n, o in zip(a.site_ids, chairs, opened, strict=True) if o}, c()


def start(case: str, labels: tuple[str, ...] = ("cold", "radius")) -> None:
    data, name, is_cap = load(case)
    a, p = prepare(data), data.parameters
    opts = SolveOptions(threads=2, gap=0.0 if is_cap else 0.01, time_limit=600.0)
    for label in labels:
        print(f"{name},{label},{solve_from(data, a, p, opts, label == 'radius')}", flush=True)


def solve_from(data: SactInput, a: SactArrays, p: SactParameters, opts: SolveOptions, radius: bool) -> str:
    """One solve, cold or from the radius start: the start's seconds and note, the first plan's
    seconds (from before the start is computed) and objective, the result, wall and CPU seconds."""
    c = Clock()
    t0 = time.perf_counter()
    first: list[float] = []

    def progress(_seconds: float, objective: float, *_rest: object) -> None:
        if not first:
            first.extend([time.perf_counter() - t0, objective])

    plan_start, start_t = radius_start(a, p, replace(opts, time_limit=60.0)) if radius else (None, "0,0")
    plan = solve_sact(data, "highs", opts, start=plan_start, progress=progress)
    r = plan.result
    seen = f"{first[0]:.2f},{first[1]}" if first else "nan,nan"
    return (
        f"{start_t},{plan.warm_start or '-'},{seen},{r.objective},{r.bound},{r.status.value},"
        f"{plan.solve_path},{c()}"
    )


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "reduce":  # CASE=UPPER pairs
        for arg in sys.argv[2:]:
            case, _, value = arg.rpartition("=")
            reduce(case, float(value))
    for arg in sys.argv[2:] if mode != "reduce" else []:
        if mode.startswith("start-"):  # start-cold or start-radius: one of the two solves
            start(arg, (mode.removeprefix("start-"),))
        else:
            {"bounds": bounds, "start": start, "cuts": level_cuts}[mode](arg)
