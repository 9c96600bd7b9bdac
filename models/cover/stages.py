"""Solving the cover model: one sub-model per week for stages 1 and 2, the whole horizon for stage 3.

Constraints (1)-(11) and objectives f1, f2 involve one week at a time, so minimising f1 and
then f2 over the horizon is the same as doing so week by week (holding a week's f1 while its f2
is minimised holds the sum).  Weekly sub-models are small and solve far faster than one model
of the horizon.  Fairness and continuity (12), (13) span weeks: stage 3 goes week by week,
each week holding its f1 and f2 and counting the away burden and cover pairs of the weeks
before (a heuristic: no bound), then ``stage3_polish`` solves the whole horizon, holding the
totals of f1 and f2, warm-started from that plan, for a proven bound.  The weighted mode solves
``W1 f1 + f2`` week by week, then ``W1 f1 + f2 + W3 f3`` over the horizon from that plan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from models.cover.index import CoverIndex, prepare, week_slice
from models.cover.input import CoverInstance, CoverParameters
from models.cover.matrix import FAMILIES, build_matrix, column_vector, family_sizes
from models.cover.plan import StageOutcome, clean_pas
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_matrix, solve_pyomo

BACKENDS = ("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk")
STAGE_NAMES = {
    1: "stage 1: uncovered demand and MDT shortfall",
    2: "stage 2: locum and travel cost",
    3: "stage 3: fairness and continuity",
}


@dataclass(frozen=True)
class Solved:
    """Outcome of every solve: the index, each stage, the plan's values, and one row per solve."""

    idx: CoverIndex
    stages: tuple[StageOutcome, ...]
    values: dict[str, np.ndarray] | None
    solves: pd.DataFrame


def stage_value(idx: CoverIndex, params: CoverParameters, values: dict[str, np.ndarray], stage: int) -> float:
    """f_stage of ``values`` as the model's stage-fixing row measures it."""
    return float(sum(np.dot(c, values[f]) for f, c in idx.stage_costs(params)[stage].items()))


def _hold(params: CoverParameters, value: float) -> float:
    return value + max(params.stage_abs_tolerance, params.stage_rel_tolerance * abs(value))


def _solve_once(
    idx: CoverIndex,
    params: CoverParameters,
    backend: str,
    options: SolveOptions,
    weights: dict[int, float],
    fixed: list[tuple[int, float]],
    start: dict[str, np.ndarray] | None,
    cache: dict[str, Any],
) -> tuple[SolveResult, dict[str, np.ndarray] | None]:
    """One solve of ``idx`` (vectorised HiGHS, or pyomo; ``cache`` keeps the pyomo model)."""
    t0 = time.perf_counter()
    if backend == "highs":
        mm = build_matrix(idx, params, weights, fixed)
        x0 = None if start is None else column_vector(idx, start)
        result, x = solve_matrix(mm, options, build_seconds=time.perf_counter() - t0, start=x0)
        return result, (None if x is None else {f: mm.values(x, f) for f in FAMILIES})
    from models.cover.pyomo_build import build_pyomo, pyomo_values, set_stage

    if "pyomo" not in cache:
        cache["pyomo"] = build_pyomo(idx, params)
    set_stage(cache["pyomo"], weights, fixed)
    result = solve_pyomo(
        cache["pyomo"].model, backend.removeprefix("pyomo-"), options, build_seconds=time.perf_counter() - t0
    )
    return result, (pyomo_values(cache["pyomo"]) if result.has_plan else None)


def _gather(
    part: CoverIndex, rows: dict[str, np.ndarray], values: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """A weekly model's values read from whole-horizon vectors (c and F set to match)."""
    return _complete(part, {f: values[f][r] for f, r in rows.items() if f != "c"})


def _scatter(
    rows: dict[str, np.ndarray], part_values: dict[str, np.ndarray], out: dict[str, np.ndarray]
) -> None:
    """Copy a weekly model's values into the whole-horizon vectors (c and F are set afterwards)."""
    for f, r in rows.items():
        if f != "c":
            out[f][r] = part_values[f]


def _burden(idx: CoverIndex, values: dict[str, np.ndarray]) -> np.ndarray:
    """Away PAs plus travel PAs per oncologist in ``values`` (rounded decisions)."""
    away = idx.x["away"].to_numpy()
    n_o = len(idx.onc_ids)
    pas = 0.5 * np.round(values["n"])
    trips = np.round(values["z"]) * idx.v["trip_pas"].to_numpy()
    out = np.bincount(idx.x["o"].to_numpy()[away], weights=pas[away], minlength=n_o)
    return out + np.bincount(idx.v["o"].to_numpy(), weights=trips, minlength=n_o)


def _complete(idx: CoverIndex, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Set c (cover pairs) and F (largest away burden) from the allocations, as (12), (13) require."""
    out = dict(values)
    used = np.round(values["n"]) > 0
    out["c"] = np.zeros(len(idx.c))
    out["c"][np.unique(idx.x["cr"].to_numpy()[used])] = 1.0
    burden = idx.offset + _burden(idx, values)
    out["F"] = np.array([burden.max() if len(burden) else 0.0])
    return out


def objective_values(
    idx: CoverIndex, params: CoverParameters, values: dict[str, np.ndarray]
) -> dict[str, float]:
    """f1, f2, f3 of a solution, from its rounded decisions (as the plan's tables report them)."""
    pas = np.round(values["n"]) / 2.0
    dem = idx.dem
    d = dem["pas"].to_numpy(float)
    covered = np.bincount(idx.x["dr"].to_numpy(), weights=pas, minlength=len(dem))
    locum = np.minimum(clean_pas(values["l"]), np.maximum(d - covered, 0.0))
    gap = np.round(np.maximum(d - covered - locum, 0.0), 4)
    attending = np.bincount(idx.a["mw"].to_numpy(), weights=np.round(values["a"]), minlength=len(idx.mw))
    short = np.maximum(idx.mw["quorum"].to_numpy() - attending, 0.0)
    trips = np.round(values["z"])
    away = idx.x["away"].to_numpy()
    n_o = len(idx.onc_ids)
    burden = np.bincount(idx.x["o"].to_numpy()[away], weights=pas[away], minlength=n_o) + np.bincount(
        idx.v["o"].to_numpy(), weights=trips * idx.v["trip_pas"].to_numpy(), minlength=n_o
    )
    pairs = len(np.unique(idx.x["cr"].to_numpy()[pas > 0]))
    f1 = gap.sum() + params.mdt_shortfall_penalty * short.sum()
    f2 = (locum * dem["locum_cost"].to_numpy(float)).sum() + (trips * idx.v["trip_cost"].to_numpy()).sum()
    f3 = params.fairness_weight * (burden.max() if n_o else 0.0) + params.continuity_weight * pairs
    return {"f1": round(float(f1), 6), "f2": round(float(f2), 6), "f3": round(float(f3), 6)}


def combine(results: list[SolveResult], backend: str) -> SolveResult:
    """One result for a stage solved week by week: sums of objectives, bounds and times."""
    failed = [r for r in results if not r.has_plan]
    if failed:
        status = failed[0].status
    else:
        status = Status.OPTIMAL if all(r.status is Status.OPTIMAL for r in results) else Status.FEASIBLE
    objective = None if failed else float(sum(r.objective or 0.0 for r in results))
    bounds = [r.bound for r in results]
    bound = None if any(b is None for b in bounds) else float(sum(bounds))  # type: ignore[arg-type]
    n_opt = sum(r.status is Status.OPTIMAL for r in results)
    return SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=float(sum(r.build_seconds for r in results)),
        solve_seconds=float(sum(r.solve_seconds for r in results)),
        backend=results[0].backend if results else backend,
        message=f"{len(results)} weekly solves: {n_opt} optimal, {len(results) - n_opt} stopped at a limit",
        options=dict(results[0].options) if results else {},
    )


def solve_all(
    inst: CoverInstance,
    params: CoverParameters,
    backend: str,
    options: SolveOptions,
    *,
    baseline: bool = False,
) -> Solved:
    """Solve every stage; ``baseline`` solves stages 1-2 with everyone at home and unlimited locums."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    idx = prepare(inst, params, home_only=baseline, unlimited_locums=baseline)
    weighted = params.mode == "weighted" and not baseline
    weekly = (
        [("weighted: W1 f1 + f2, week by week", {1: params.weighted_stage1, 2: 1.0}, None)]
        if weighted
        else [
            (STAGE_NAMES[1], {1: 1.0}, 1),
            (STAGE_NAMES[2], {2: 1.0}, 2),
        ]
    )
    sizes = family_sizes(idx)
    assembled = [{f: np.zeros(sizes[f]) for f in FAMILIES} for _ in weekly]
    per_stage: list[list[SolveResult]] = [[] for _ in weekly]
    rows: list[dict[str, Any]] = []
    weeks = sorted(set(idx.dem["w"]) | set(idx.mw["w"]))
    complete = True
    for w in weeks:
        part, part_rows = week_slice(idx, w)
        fixed: list[tuple[int, float]] = []
        start, cache = None, {}
        for s, (name, weights, hold) in enumerate(weekly):
            result, vals = _solve_once(part, params, backend, options, weights, fixed, start, cache)
            per_stage[s].append(result)
            rows.append({"stage": name, "week": w + 1, **result.to_dict()})
            if vals is None:
                complete = False
                break
            _scatter(part_rows, vals, assembled[s])
            start = vals
            if hold is not None:
                fixed.append((hold, _hold(params, stage_value(part, params, vals, hold))))
        if not complete:
            break
    stages = []
    values = None
    for s, (name, _, _) in enumerate(weekly):
        if not per_stage[s]:
            break  # an earlier stage stopped without a plan
        res = combine(per_stage[s], backend)
        done = complete and len(per_stage[s]) == len(weeks)
        vals = _complete(idx, assembled[s]) if done else None
        stages.append(
            StageOutcome(name, res, objective_values(idx, params, vals) if vals is not None else {})
        )
        values = vals if vals is not None else values
    if values is not None and weighted:
        name = "weighted: W1 f1 + f2 + W3 f3, whole horizon"
        weights = {1: params.weighted_stage1, 2: 1.0, 3: params.weighted_stage3}
        result, vals = _solve_once(idx, params, backend, options, weights, [], values, {})
        rows.append({"stage": name, "week": 0, **result.to_dict()})
        values = vals if vals is not None else values
        stages.append(StageOutcome(name, result, objective_values(idx, params, values)))
    elif values is not None and params.run_stage3 and not baseline:
        values, outcome = _stage3(params, backend, options, idx, values, weeks, rows)
        stages.append(outcome)
    return Solved(idx=idx, stages=tuple(stages), values=values, solves=pd.DataFrame(rows))


def _stage3(
    params: CoverParameters,
    backend: str,
    options: SolveOptions,
    idx: CoverIndex,
    values: dict[str, np.ndarray],
    weeks: list[int],
    rows: list[dict[str, Any]],
) -> tuple[dict[str, np.ndarray], StageOutcome]:
    """Stage 3 week by week (holding each week's f1, f2; carrying burden and pairs), then polished."""
    name = STAGE_NAMES[3]
    out = {f: v.copy() for f, v in values.items()}
    offset = np.zeros(len(idx.onc_ids))
    used = np.zeros(len(idx.c), dtype=bool)
    results = []
    for w in weeks:
        part, part_rows = week_slice(idx, w)
        c_rows = part_rows["c"]
        part = replace(part, burden_offset=offset.copy(), pair_used=used[c_rows])
        start = _gather(part, part_rows, values)
        fixed = [(k, _hold(params, stage_value(part, params, start, k))) for k in (1, 2)]
        result, vals = _solve_once(part, params, backend, options, {3: 1.0}, fixed, start, {})
        results.append(result)
        rows.append({"stage": f"{name} (week by week)", "week": w + 1, **result.to_dict()})
        vals = vals if vals is not None else start
        _scatter(part_rows, vals, out)
        offset = offset + _burden(part, vals)
        used[c_rows[np.unique(part.x["cr"].to_numpy()[np.round(vals["n"]) > 0])]] = True
    out = _complete(idx, out)
    f3 = stage_value(idx, params, out, 3)
    weekly = combine(results, backend)
    result = replace(
        weekly,
        status=Status.FEASIBLE,  # a week without a new plan keeps its stage-2 plan
        objective=f3,
        bound=None,
        gap=None,
        message=f"week by week ({weekly.message}); no bound on f3 over the horizon",
    )
    if params.stage3_polish:
        fixed = [(k, _hold(params, stage_value(idx, params, out, k))) for k in (1, 2)]
        polish, vals = _solve_once(idx, params, backend, options, {3: 1.0}, fixed, out, {})
        rows.append({"stage": f"{name} (whole horizon)", "week": 0, **polish.to_dict()})
        build, solve = (
            result.build_seconds + polish.build_seconds,
            result.solve_seconds + polish.solve_seconds,
        )
        if vals is not None and stage_value(idx, params, vals, 3) <= f3 + 1e-9:
            out = vals
        if polish.has_plan:
            result = replace(polish, build_seconds=build, solve_seconds=solve)
    return out, StageOutcome(name, result, objective_values(idx, params, out))
