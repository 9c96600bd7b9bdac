"""Solving the cover model: one sub-model per week for stages 1 and 2, then stage 3 week by week.

Constraints (1)-(11) and objectives f1, f2 involve one week at a time, so minimising f1 and
then f2 over the horizon is the same as doing so week by week (holding a week's f1 while its f2
is minimised holds the sum).  Weekly sub-models are small and solve far faster than one model
of the horizon.  Fairness and continuity (12), (13) span weeks: stage 3 goes week by week,
each week holding its f1 and f2 and counting the away burden and cover pairs of the weeks
before (a heuristic: no bound), then ``stage3_polish`` solves the whole horizon, holding the
totals of f1 and f2, warm-started from that plan, for a proven bound.  The weighted mode solves
``W1 f1 + f2`` week by week, then ``W1 f1 + f2 + W3 f3`` over the horizon from that plan.

Time: one budget covers the run (:class:`Run`), its end the deadline of the solve options; each
solve gets at most ``time_limit_per_solve`` and at most its weighted share of the time left.
Stage 1 starts from the baseline's plan of the week (or the plan that covers nothing), stage 2
from stage 1's, so every weekly solve of stages 1-2 has a plan whenever it stops, even at the
deadline.  A stop request (the first Ctrl-C in the shell, :mod:`solvers.interrupt`) ends the run
after the current solve, keeping the weeks done and the plan of the week being solved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from models.common.words import count
from models.cover.index import CoverIndex, horizon_slice, prepare, week_slice
from models.cover.input import CoverInstance
from models.cover.matrix import FAMILIES, build_matrix, column_vector
from models.cover.parameters import CoverParameters
from models.cover.plan import StageOutcome
from models.cover.values import (
    Values,
    burden,
    combine,
    complete,
    gather,
    hold,
    nothing_done,
    objective_values,
    scatter,
    stage_value,
    transfer,
)
from solvers import SolveOptions, SolveResult, Status, solve_matrix
from solvers.interrupt import stop_requested
from solvers.progress import takes_stage
from solvers.pyomo_matrix import solve_matrix_pyomo

BACKENDS = ("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk")
STAGE_NAMES = {
    1: "stage 1: uncovered demand and MDT shortfall",
    2: "stage 2: locum and travel cost",
    3: "stage 3: fairness and continuity",
}
MIN_SOLVE_SECONDS = 0.25
"""Least time limit of one solve, even when the budget is spent (stages 1-2 always have a plan)."""
WEIGHTS = {"stage 1": 3.0, "stage 2": 4.0, "baseline": 0.25, "stage 3": 1.0, "whole horizon": 10.0}
"""Relative time each kind of solve may claim of the budget: stages 1 and 2 decide what is
covered and what it costs; stage 3 is a heuristic; the baseline, with nobody travelling, solves
in hundredths of a second."""


@dataclass
class Run:
    """What the solves of one call share: backend, options, the budget, progress and the solves table.

    ``planned`` adds up the :data:`WEIGHTS` of the solves the run expects to make, ``made``
    those of the solves made; a solve of weight ``q`` gets ``min(time_limit_per_solve, time left
    * q / (planned - made))`` seconds, at least :data:`MIN_SOLVE_SECONDS`, and never past the
    deadline of ``options`` (the end of the budget).  ``interrupted`` says where a stop request
    (Ctrl-C, :func:`solvers.interrupt.stop_requested`) stopped the run; ``timed_out`` where the
    deadline ended the plan's weeks (:meth:`out_of_time`).
    """

    params: CoverParameters
    backend: str
    options: SolveOptions
    planned: float
    progress: Callable[..., None] | None = None
    budget: float = 0.0
    started: float = field(default_factory=time.perf_counter)
    made: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)
    interrupted: str | None = None
    timed_out: str | None = None

    def left(self) -> float:
        """Seconds before the deadline (infinite without one)."""
        left = self.options.remaining()
        return float("inf") if left is None else left

    def stop(self, where: str) -> bool:
        """Whether a stop was requested; if so, remember ``where`` the run stopped (the first place)."""
        if self.interrupted is None and stop_requested():
            self.interrupted = where
        return self.interrupted is not None

    def out_of_time(self, where: str) -> bool:
        """Whether the deadline has passed; if so, remember ``where`` (the first place).  Past it
        every solve would only hand back its start (:func:`solvers.highs_direct.solve_matrix`), so
        the plan's remaining weeks are left as the start has them rather than built to no end:
        a user's ``--time-limit`` is the wall clock of the whole run."""
        if self.timed_out is None and self.options.deadline is not None and self.left() <= 0.0:
            self.timed_out = where
        return self.timed_out is not None

    def solve_options(self, weight: float) -> SolveOptions:
        share = max(self.left(), 0.0) * weight / max(self.planned - self.made, weight)
        limit = max(MIN_SOLVE_SECONDS, min(self.params.time_limit_per_solve, share))
        return replace(self.options, time_limit=limit)

    def record(self, model: str, stage: str, week: int, result: SolveResult, weight: float) -> None:
        self.made += weight
        self.rows.append({"model": model, "stage": stage, "week": week, **result.to_dict()})

    def tell(self, label: str, best: float | None, bound: float | None) -> None:
        """Report progress: ``progress(elapsed, best, bound)``, with ``stage=label`` when it takes one.

        ``best`` and ``bound`` are those of the stage being solved, summed over the weeks done
        (stage 3: those of the week just solved).
        """
        if self.progress is None:
            return
        elapsed = time.perf_counter() - self.started
        if takes_stage(self.progress):
            self.progress(elapsed, best, bound, stage=label)
        else:
            self.progress(elapsed, best, bound)


@dataclass(frozen=True)
class Solved:
    """Outcome of one model's solves: the index, each stage, the plan's values and the weeks done."""

    idx: CoverIndex
    stages: tuple[StageOutcome, ...]
    values: Values | None
    weeks_done: int = 0
    weeks: int = 0


def solve_once(
    idx: CoverIndex,
    run: Run,
    claim: float,
    weights: dict[int, float],
    fixed: list[tuple[int, float]],
    start: Values | None,
) -> tuple[SolveResult, Values | None]:
    """One solve of ``idx``: the arrays of :mod:`models.cover.matrix`, by HiGHS or through pyomo.

    ``claim`` is the solve's weight in the time budget (:data:`WEIGHTS`).  The pyomo backends
    solve the same arrays (:func:`solvers.pyomo_matrix.solve_matrix_pyomo`).
    """
    t0 = time.perf_counter()
    options = run.solve_options(claim)
    mm = build_matrix(idx, run.params, weights, fixed)
    x0 = None if start is None else column_vector(idx, start)
    build = time.perf_counter() - t0
    if run.backend == "highs":
        result, x = solve_matrix(mm, options, build_seconds=build, start=x0)
    else:
        result, x = solve_matrix_pyomo(
            mm, run.backend.removeprefix("pyomo-"), options, build_seconds=build, start=x0
        )
    return result, (None if x is None else {f: mm.values(x, f) for f in FAMILIES})


def weekly_stages(params: CoverParameters, baseline: bool) -> list[tuple[str, dict[int, float], int | None]]:
    """(name, objective weights, stage to hold next, budget weight) of each solve made week by week."""
    first = {1: 1.0, 2: params.stage1_cost_weight}  # f1, with the cost as a tie-break
    if baseline:
        return [
            (STAGE_NAMES[1], first, 1, WEIGHTS["baseline"]),
            (STAGE_NAMES[2], {2: 1.0}, 2, WEIGHTS["baseline"]),
        ]
    if params.mode == "weighted":
        weights = {1: params.weighted_stage1, 2: 1.0}
        return [
            ("weighted: W1 f1 + f2, week by week", weights, None, WEIGHTS["stage 1"] + WEIGHTS["stage 2"])
        ]
    return [
        (STAGE_NAMES[1], first, 1, WEIGHTS["stage 1"]),
        (STAGE_NAMES[2], {2: 1.0}, 2, WEIGHTS["stage 2"]),
    ]


def planned_weight(params: CoverParameters, weeks: int) -> float:
    """The budget weight of every solve a run makes over ``weeks`` weeks (:data:`WEIGHTS`)."""
    total = weeks * sum(q for *_, q in weekly_stages(params, False) + weekly_stages(params, True))
    if params.mode == "weighted":
        return total + WEIGHTS["whole horizon"]
    if params.run_stage3:
        total += weeks * WEIGHTS["stage 3"] + (WEIGHTS["whole horizon"] if params.stage3_polish else 0.0)
    return total


def solve_weeks(
    inst: CoverInstance,
    params: CoverParameters,
    run: Run,
    *,
    baseline: bool = False,
    start_from: Solved | None = None,
) -> Solved:
    """Stages 1-2 (or the weighted weekly solve) week by week; ``baseline``: everyone at home.

    The baseline is solved over the whole horizon at once (one solve a stage): with nobody
    travelling it is small, and one solve of 26 weeks took a fifth of the time of 26 weekly ones
    (0.10 s against 0.41-0.51 s for lsc-cover), the build and hand-off of each small model being
    most of their cost.  Each week of the plan starts from ``start_from``'s plan of that week
    (the baseline's: so the plan is never worse than the baseline in stage 1), else from the
    plan that covers nothing; weeks a stop request or the deadline leaves unsolved keep that
    plan, and then a stage's objective is that of the whole plan so assembled, with no bound.
    """
    idx = prepare(inst, params, home_only=baseline)
    first = None
    if start_from is not None and start_from.values is not None:
        first = transfer(start_from.idx, start_from.values, idx)
    model = "baseline" if baseline else "plan"
    weekly = weekly_stages(params, baseline)
    # weeks a stop leaves unplanned keep the start's plan (the baseline's, for the plan)
    assembled = [
        nothing_done(idx) if first is None else {f: v.copy() for f, v in first.items()} for _ in weekly
    ]
    per_stage: list[list[SolveResult]] = [[] for _ in weekly]
    weeks = sorted(set(idx.dem["w"]) | set(idx.mw["w"]))
    parts: list[int | None] = [None] if baseline else list(weeks)  # None: the whole horizon
    span = len(weeks) if baseline else 1  # the weeks one part holds
    done, failed = 0, False
    for w in parts:
        where = "the baseline" if w is None else f"{model}, week {w + 1} of {inst.weeks}"
        label = (
            f"{model} week {w + 1} of {inst.weeks}"
            if w is not None
            else f"baseline, {count(inst.weeks, 'week')}"
        )
        if run.stop(where) or (done and run.out_of_time(where)):
            break
        part, part_rows = horizon_slice(idx) if w is None else week_slice(idx, w)
        fixed: list[tuple[int, float]] = []
        start: Values | None = nothing_done(part) if first is None else gather(part, part_rows, first)
        for s, (name, weights, held, claim) in enumerate(weekly):
            if run.stop(where):  # keep this week's plan so far: later stages take it as theirs
                for later in assembled[s:]:
                    scatter(part_rows, start, later)  # type: ignore[arg-type]
                break
            result, vals = solve_once(part, run, claim * span, weights, fixed, start)
            per_stage[s].append(result)
            run.record(model, name, 0 if w is None else w + 1, result, claim * span)
            if vals is None:
                failed = True
                break
            scatter(part_rows, vals, assembled[s])
            start = vals
            if held is not None:
                fixed.append((held, hold(params, stage_value(part, params, vals, held), span)))
            bounds = [r.bound for r in per_stage[s]]
            run.tell(
                f"{label}, {name}",
                sum(r.objective or 0.0 for r in per_stage[s]),
                None if any(b is None for b in bounds) else sum(bounds),  # type: ignore[misc]
            )
        if failed:
            break
        done += 1
    stages: list[StageOutcome] = []
    values = None
    for s, (name, weights, *_) in enumerate(weekly):
        kept = per_stage[s][:done]
        if failed and not kept:
            stages.append(StageOutcome(name, per_stage[s][-1] if per_stage[s] else combine([], run.backend)))
            break
        vals = complete(idx, assembled[s]) if done else None
        res = combine(kept, run.backend, "whole-horizon solves" if baseline else "weekly solves")
        if done < len(parts) and res.has_plan and vals is not None:
            objective = sum(q * stage_value(idx, params, vals, k) for k, q in weights.items())
            res = replace(
                res,
                status=Status.FEASIBLE,
                objective=objective,
                bound=None,
                gap=None,
                message=f"{res.message}; {done} of {count(len(weeks), 'week')} solved, "
                "the objective is the whole plan's",
            )
        stages.append(
            StageOutcome(name, res, objective_values(idx, params, vals) if vals is not None else {})
        )
        values = vals if vals is not None else values
    return Solved(idx=idx, stages=tuple(stages), values=values, weeks_done=done * span, weeks=len(weeks))


def improve(params: CoverParameters, run: Run, solved: Solved) -> Solved:
    """Stage 3 (lexicographic) or the whole-horizon weighted solve, from the weekly plan."""
    if solved.values is None or run.interrupted:
        return solved
    idx, values = solved.idx, solved.values
    if params.mode == "weighted":
        name = "weighted: W1 f1 + f2 + W3 f3, whole horizon"
        weights = {1: params.weighted_stage1, 2: 1.0, 3: params.weighted_stage3}
        result, vals = solve_once(idx, run, WEIGHTS["whole horizon"], weights, [], values)
        run.record("plan", name, 0, result, WEIGHTS["whole horizon"])
        values = vals if vals is not None else values
        outcome = StageOutcome(name, result, objective_values(idx, params, values))
    elif params.run_stage3:
        values, outcome = _stage3(params, run, idx, values)
    else:
        return solved
    return replace(solved, stages=(*solved.stages, outcome), values=values)


def _stage3(
    params: CoverParameters, run: Run, idx: CoverIndex, values: Values
) -> tuple[Values, StageOutcome]:
    """Stage 3 week by week (holding each week's f1, f2; carrying burden and pairs), then polished."""
    name = STAGE_NAMES[3]
    out = {f: v.copy() for f, v in values.items()}
    offset = np.zeros(len(idx.onc_ids))
    used = np.zeros(len(idx.c), dtype=bool)
    results, kept = [], 0
    weeks = sorted(set(idx.dem["w"]) | set(idx.mw["w"]))
    for w in weeks:
        part, part_rows = week_slice(idx, w)
        c_rows = part_rows["c"]
        part = replace(part, burden_offset=offset.copy(), pair_used=used[c_rows])
        start = gather(part, part_rows, values)
        vals = start
        if run.left() > MIN_SOLVE_SECONDS and not run.stop(f"stage 3, week {w + 1}"):
            fixed = [(k, hold(params, stage_value(part, params, start, k))) for k in (1, 2)]
            result, new = solve_once(part, run, WEIGHTS["stage 3"], {3: 1.0}, fixed, start)
            results.append(result)
            run.record("plan", f"{name} (week by week)", w + 1, result, WEIGHTS["stage 3"])
            run.tell(f"plan week {w + 1} of {idx.num_weeks}, {name}", result.objective, result.bound)
            vals = new if new is not None else start
        if vals is start:
            kept += 1
        scatter(part_rows, vals, out)
        offset = offset + burden(part, vals)
        used[c_rows[np.unique(part.x["cr"].to_numpy()[np.round(vals["n"]) > 0])]] = True
    out = complete(idx, out)
    weekly = combine(results, run.backend)
    if len(weeks) == 1 and len(results) == 1 and not kept:  # one week: the weekly solve is exact
        return out, StageOutcome(name, results[0], objective_values(idx, params, out))
    note = (
        f"; {count(kept, 'week')} kept {'its' if kept == 1 else 'their'} stage-2 plan "
        "(time budget spent or interrupted)"
        if kept
        else ""
    )
    result = replace(
        weekly,
        status=Status.FEASIBLE,  # a week without a new plan keeps its stage-2 plan
        objective=stage_value(idx, params, out, 3),
        bound=None,
        gap=None,
        message=f"week by week ({weekly.message}){note}; no bound on f3 over the horizon",
    )
    if params.stage3_polish and not run.stop("the whole-horizon stage 3") and run.left() > MIN_SOLVE_SECONDS:
        out, result = _polish(params, run, idx, out, result)
    return out, StageOutcome(name, result, objective_values(idx, params, out))


def _polish(
    params: CoverParameters, run: Run, idx: CoverIndex, out: Values, weekly: SolveResult
) -> tuple[Values, SolveResult]:
    """Stage 3 over the whole horizon from the weekly plan, for a proven bound."""
    name = STAGE_NAMES[3]
    f3 = stage_value(idx, params, out, 3)
    fixed = [(k, hold(params, stage_value(idx, params, out, k))) for k in (1, 2)]
    polish, vals = solve_once(idx, run, WEIGHTS["whole horizon"], {3: 1.0}, fixed, out)
    run.record("plan", f"{name} (whole horizon)", 0, polish, WEIGHTS["whole horizon"])
    if vals is not None and stage_value(idx, params, vals, 3) <= f3 + 1e-9:
        out = vals
    if not polish.has_plan:
        return out, weekly
    seconds = {
        "build_seconds": weekly.build_seconds + polish.build_seconds,
        "solve_seconds": weekly.solve_seconds + polish.solve_seconds,
    }
    return out, replace(polish, **seconds)


def solves_table(run: Run) -> pd.DataFrame:
    """One row per solve: model (plan/baseline), stage, week (0 = whole horizon), the result."""
    columns = ["model", "stage", "week", *SolveResult(Status.ERROR, None, None, None, 0, 0, "").to_dict()]
    return pd.DataFrame(run.rows, columns=columns)
