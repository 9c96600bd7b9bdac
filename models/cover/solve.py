"""Plan cross-trust cover: prepare -> diagnose -> solve the stages -> baseline -> extract.

The formulation is in the docstring of :mod:`models.cover`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd

from models.common.contract import InputProblem, ModelInputError
from models.common.words import count
from models.cover.diagnose import diagnose
from models.cover.extract import costs_table, empty_tables, metrics, plan_tables, shortfall_messages
from models.cover.input import CoverInstance
from models.cover.parameters import CoverParameters
from models.cover.plan import CoverPlan, StageOutcome
from models.cover.stages import BACKENDS, Run, Solved, improve, planned_weight, solve_weeks, solves_table
from solvers import SolveOptions, SolveResult, Status, relative_gap


def solve(
    instance: CoverInstance,
    params: CoverParameters | None = None,
    *,
    backend: str = BACKENDS[0],
    options: SolveOptions | None = None,
    progress: Callable[..., None] | None = None,
) -> CoverPlan:
    """Plan cross-trust cover for ``instance``; never raises for an instance without a plan.

    ``backend`` is ``"highs"`` (vectorised, default) or ``"pyomo-highs"``, ``"pyomo-cbc"``,
    ``"pyomo-glpk"``.  ``options.time_limit`` is the budget of the whole run (default
    ``params.time_budget``); each solve also stops at ``params.time_limit_per_solve``; the gap,
    threads and seed apply to every solve.  ``progress(elapsed, best, bound)`` is called after
    each solve (with ``stage=`` the week and stage as text when it takes that keyword).  A stop
    request (Ctrl-C in the shell) keeps the weeks planned so far: the plan is ``feasible``, its
    result ``interrupted`` and its explanation says so.
    """
    params = params or CoverParameters()
    options = options or SolveOptions()
    if not isinstance(instance, CoverInstance):
        raise ModelInputError(
            InputProblem("instance", f"must be a CoverInstance, got {type(instance).__name__}")
        )
    if not isinstance(params, CoverParameters):
        raise ModelInputError(
            InputProblem("parameters", f"must be CoverParameters, got {type(params).__name__}")
        )
    if backend not in BACKENDS:
        raise ModelInputError(
            InputProblem("parameters", f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        )
    budget = options.time_limit if options.time_limit is not None else params.time_budget
    t0 = time.perf_counter()
    options = options.with_deadline(budget)  # an earlier deadline (the shell's) is kept
    run = Run(params, backend, options, planned_weight(params, instance.weeks), progress, budget)
    base = solve_weeks(instance, params, run, baseline=True)
    t1 = time.perf_counter()
    solved = solve_weeks(instance, params, run, start_from=None if run.interrupted else base)
    base = base if base.values is not None and base.weeks_done == base.weeks else None
    solved = improve(params, run, solved)
    t3 = time.perf_counter()
    plan = _plan(instance, params, run, solved, base)
    solves = solves_table(run)
    timings = {
        "solve_plan": t3 - t1,
        "solve_baseline": t1 - t0,
        "build": float(solves["build_seconds"].sum()),
        "solve": float(solves["solve_seconds"].sum()),
        "extract": time.perf_counter() - t3,
    }
    return replace(plan, solves=solves, timings=timings)


def _plan(
    inst: CoverInstance, params: CoverParameters, run: Run, solved: Solved, base: Solved | None
) -> CoverPlan:
    """The plan's tables, costs against the baseline, result and explanation."""
    idx = solved.idx
    found = solved.values is not None
    tables = (
        plan_tables(inst, params, idx, solved.values) if found else empty_tables(inst, params, idx)  # type: ignore[arg-type]
    )
    base_tables = plan_tables(inst, params, base.idx, base.values) if base is not None else None  # type: ignore[arg-type]
    cannot = tuple(diagnose(inst, idx))
    shortfalls = tuple(shortfall_messages(inst, tables)) if found else _no_plan(solved.stages)
    notes = _notes(run, solved, base)
    base_cover = base_tables["cover"] if base_tables is not None else empty_tables(inst, params, idx)["cover"]
    return CoverPlan(
        result=_result(run, solved, found),
        parameters=params,
        stages=solved.stages,
        rota=tables["rota"],
        visits=tables["visits"],
        workload=tables["workload"],
        cover=tables["cover"],
        mdts=tables["mdts"],
        mdt_attendance=tables["mdt_attendance"],
        travel=tables["travel"],
        costs=costs_table(metrics(tables) if found else {}, metrics(base_tables) if base_tables else {}),
        baseline_stages=base.stages if base is not None else (),
        baseline_cover=base_cover,
        solves=pd.DataFrame(),
        cannot_meet=cannot,
        shortfalls=shortfalls,
        explanation=(*notes, *cannot, *shortfalls),
        timings={},
        holidays=inst.holiday_dates(),
    )


def _result(run: Run, solved: Solved, found: bool) -> SolveResult:
    """One result for the run: the status over every stage, stage 2's (or the weighted) objective."""
    stages = solved.stages
    if not found:
        failed = next((st.result for st in stages if not st.result.has_plan), None)
        status = failed.status if failed is not None else Status.NO_SOLUTION
    elif run.interrupted or any(st.result.status is not Status.OPTIMAL for st in stages):
        status = Status.FEASIBLE  # a limit was reached, a stage has no bound, or the run was stopped
    else:
        status = Status.OPTIMAL
    main = _main_result(stages)
    plan_rows = [r for r in run.rows if r["model"] == "plan"]
    objective = main.objective if found else None
    bound = main.bound if found else None
    return SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=float(sum(r["build_seconds"] for r in plan_rows)),
        solve_seconds=float(sum(r["solve_seconds"] for r in plan_rows)),
        backend=run.backend,
        message=f"{_solves_said(plan_rows)}; objective and bound: {main.message or 'see stages'}",
        options=run.options.as_dict() | {"time_budget": run.budget},
        interrupted=run.interrupted is not None,
    )


def _main_result(stages: tuple[StageOutcome, ...]) -> SolveResult:
    """The stage whose objective and bound are the run's: stage 2 (pounds), else the last."""
    return stages[1].result if len(stages) > 1 and stages[1].name.startswith("stage 2") else stages[-1].result


def _solves_said(rows: list[dict[str, Any]]) -> str:
    """The plan's solves, how many stopped at a limit, and in which stages: the message counted
    them all but named stage 2's alone ('7 optimal, 9 stopped'), where stage 1 had stopped too."""
    stopped: dict[str, int] = {}
    for row in rows:
        if row["status"] != Status.OPTIMAL.value:
            stage = str(row["stage"]).split(":", 1)[0]
            stopped[stage] = stopped.get(stage, 0) + 1
    said = f"{count(len(rows), 'solve')} of the plan"
    if not stopped:
        return f"{said}, every one optimal"
    where = ", ".join(f"{stage} {n}" for stage, n in stopped.items())
    return f"{said}, {sum(stopped.values())} stopped at a limit ({where})"


def _notes(run: Run, solved: Solved, base: Solved | None) -> tuple[str, ...]:
    out = []
    if run.timed_out and not run.interrupted:
        out.append(
            f"the time limit ended the run at {run.timed_out}: {solved.weeks_done} of {solved.weeks} "
            "weeks planned; "
            + (
                "the weeks not planned keep the baseline (everyone at home)"
                if base is not None
                else "no baseline; the weeks not planned show their demand uncovered"
            )
        )
    if run.interrupted:
        done = f"{solved.weeks_done} of {count(solved.weeks, 'week')} planned"
        out.append(
            f"interrupted during {run.interrupted}: {done}; "
            + (
                "the weeks not planned keep the baseline (everyone at home)"
                if base is not None
                else "no baseline; the weeks not planned show their demand uncovered"
            )
        )
    if base is not None and _at_limit(run, "baseline"):
        out.append(
            "the baseline (everyone at home) stopped at its time limit: its figures are those of a "
            "feasible plan, not the least uncovered demand and cost it could have"
        )
    limited = _at_limit(run, "plan")
    if limited:
        main = _main_result(solved.stages) if solved.stages else None
        known = main is not None and relative_gap(main.objective, main.bound) is not None
        out.append(
            f"{count(len(limited), 'solve')} stopped at {'its' if len(limited) == 1 else 'their'} "
            f"time limit (budget {run.budget:g} s); the plan is the best found, "
            + ("with the gap shown" if known else "with no bound, so its gap is unknown")
        )
    return tuple(out)


def _at_limit(run: Run, model: str) -> list[dict]:
    """The solves of ``model`` (plan or baseline) that stopped short of optimal."""
    return [r for r in run.rows if r["model"] == model and r["status"] != Status.OPTIMAL.value]


def _no_plan(stages: tuple[StageOutcome, ...]) -> tuple[str, ...]:
    failed = next((st for st in stages if not st.result.has_plan), None)
    if failed is None:
        return ("no plan was found",)
    return (
        f"no plan was found: {failed.name} stopped with status {failed.result.status.value} "
        f"({failed.result.message}); allow more time or a larger gap",
    )
