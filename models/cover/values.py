"""Solution values of the cover model: objectives, derived variables, weekly pieces and summed results.

Values are numpy vectors per variable family (``n`` steps of ``pa_step`` PAs, ``y``, ``z``, ``l``,
``g``, ``a``, ``short``, ``c``, ``F``), in the row order of the index tables of :mod:`models.cover.index`.
"""

from __future__ import annotations

import numpy as np

from models.cover.index import CoverIndex
from models.cover.matrix import FAMILIES, family_sizes
from models.cover.parameters import CoverParameters
from models.cover.plan import clean_pas
from solvers import SolveResult, Status, relative_gap

Values = dict[str, np.ndarray]


def stage_value(idx: CoverIndex, params: CoverParameters, values: Values, stage: int) -> float:
    """f_stage of ``values`` as the model's stage-fixing row (14) measures it."""
    return float(sum(np.dot(c, values[f]) for f, c in idx.stage_costs(params)[stage].items()))


def hold(params: CoverParameters, value: float, weeks: int = 1) -> float:
    """The most a later stage may let an earlier stage's ``value`` rise to (14).

    ``weeks``: the weeks ``value`` sums when they are solved as one model (the baseline); the
    relative tolerance is then that of one week of the same value, so that the slack a later
    stage may use, spread over the weeks when each is solved alone, does not gather on one
    variable (the whole-horizon baseline of lsc-cover otherwise left 433.0001 PAs uncovered,
    trading 0.0001 PA for 6 pence of locum).
    """
    rel = params.stage_rel_tolerance * abs(value) / max(weeks, 1)
    return value + max(params.stage_abs_tolerance, rel)


def nothing_done(idx: CoverIndex) -> Values:
    """The plan that covers nothing: every demand uncovered, every quorum short (always feasible)."""
    out = {f: np.zeros(n) for f, n in family_sizes(idx).items()}
    out["g"] = idx.dem["pas"].to_numpy(float).copy()
    out["short"] = idx.mw["quorum"].to_numpy(float).copy()
    return complete(idx, out)


def gather(part: CoverIndex, rows: dict[str, np.ndarray], values: Values) -> Values:
    """A weekly model's values read from whole-horizon vectors (c and F set to match)."""
    return complete(part, {f: values[f][r] for f, r in rows.items() if f != "c"})


def scatter(rows: dict[str, np.ndarray], part_values: Values, out: Values) -> None:
    """Copy a weekly model's values into the whole-horizon vectors (c and F are set afterwards)."""
    for f, r in rows.items():
        if f != "c":
            out[f][r] = part_values[f]


def burden(idx: CoverIndex, values: Values) -> np.ndarray:
    """Away PAs plus travel PAs per oncologist in ``values`` (rounded decisions)."""
    away = idx.x["away"].to_numpy()
    n_o = len(idx.onc_ids)
    pas = idx.pa_step * np.round(values["n"])
    trips = np.round(values["z"]) * idx.v["trip_pas"].to_numpy()
    out = np.bincount(idx.x["o"].to_numpy()[away], weights=pas[away], minlength=n_o)
    return out + np.bincount(idx.v["o"].to_numpy(), weights=trips, minlength=n_o)


def complete(idx: CoverIndex, values: Values) -> Values:
    """Set c (cover pairs) and F (largest away burden) from the allocations, as (12), (13) require."""
    out = dict(values)
    used = np.round(values["n"]) > 0
    out["c"] = np.zeros(len(idx.c))
    out["c"][np.unique(idx.x["cr"].to_numpy()[used])] = 1.0
    load = idx.offset + burden(idx, values)
    out["F"] = np.array([load.max() if len(load) else 0.0])
    return out


def objective_values(idx: CoverIndex, params: CoverParameters, values: Values) -> dict[str, float]:
    """f1, f2, f3 of a solution, from its rounded decisions (as the plan's tables report them)."""
    pas = np.round(values["n"]) * idx.pa_step
    dem = idx.dem
    d = dem["pas"].to_numpy(float)
    covered = np.bincount(idx.x["dr"].to_numpy(), weights=pas, minlength=len(dem))
    locum = np.minimum(clean_pas(values["l"]), np.maximum(d - covered, 0.0))
    gap = np.round(np.maximum(d - covered - locum, 0.0), 4)
    attending = np.bincount(idx.a["mw"].to_numpy(), weights=np.round(values["a"]), minlength=len(idx.mw))
    short = np.maximum(idx.mw["quorum"].to_numpy() - attending, 0.0)
    trips = np.round(values["z"])
    n_o = len(idx.onc_ids)
    pairs = len(np.unique(idx.x["cr"].to_numpy()[pas > 0]))
    f1 = gap.sum() + params.mdt_shortfall_penalty * short.sum()
    f2 = (locum * dem["locum_cost"].to_numpy(float)).sum() + (trips * idx.v["trip_cost"].to_numpy()).sum()
    f3 = (
        params.fairness_weight * (burden(idx, values).max() if n_o else 0.0)
        + params.continuity_weight * pairs
    )
    return {"f1": round(float(f1), 6), "f2": round(float(f2), 6), "f3": round(float(f3), 6)}


def zeros(idx: CoverIndex) -> Values:
    """Zero vectors of every family of ``idx``."""
    sizes = family_sizes(idx)
    return {f: np.zeros(sizes[f]) for f in FAMILIES}


def combine(results: list[SolveResult], backend: str, what: str = "weekly solves") -> SolveResult:
    """One result for a stage solved week by week: sums of objectives, bounds and times."""
    failed = [r for r in results if not r.has_plan]
    if failed:
        status = failed[0].status
    elif not results:
        status = Status.NO_SOLUTION
    else:
        status = Status.OPTIMAL if all(r.status is Status.OPTIMAL for r in results) else Status.FEASIBLE
    objective = None if failed or not results else float(sum(r.objective or 0.0 for r in results))
    bounds = [r.bound for r in results]
    bound = None if not results or any(b is None for b in bounds) else float(sum(bounds))  # type: ignore[arg-type]
    n_opt = sum(r.status is Status.OPTIMAL for r in results)
    return SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=float(sum(r.build_seconds for r in results)),
        solve_seconds=float(sum(r.solve_seconds for r in results)),
        backend=results[0].backend if results else backend,
        message=f"{len(results)} {what}: {n_opt} optimal, {len(results) - n_opt} stopped at a limit",
        options=dict(results[0].options) if results else {},
    )


def transfer(source: CoverIndex, values: Values, target: CoverIndex) -> Values:
    """``values`` of one model of an instance carried into another of the same instance (by keys).

    The baseline (everyone at home) has a subset of the plan's allocations and visits, the same
    demand rows, locum bounds and meetings, so its plan is a feasible start for the plan's model:
    allocations, visits and attendance it lacks are 0.
    """
    out = zeros(target)
    keys = {
        "n": (source.x, target.x, ["o", "s", "u", "w"]),
        "y": (source.v, target.v, ["o", "s", "w"]),
        "z": (source.v, target.v, ["o", "s", "w"]),
        "l": (source.dem, target.dem, ["k", "u", "w"]),
        "g": (source.dem, target.dem, ["k", "u", "w"]),
        "a": (source.a, target.a, ["o", "mw"]),
        "short": (source.mw, target.mw, ["m", "w"]),
    }
    for family, (src, dst, key) in keys.items():
        to, source_rows = dst[key].assign(_to=np.arange(len(dst))), src[key].assign(_from=np.arange(len(src)))
        pairs = to.merge(source_rows, on=key)
        out[family][pairs["_to"].to_numpy()] = values[family][pairs["_from"].to_numpy()]
    return complete(target, out)
