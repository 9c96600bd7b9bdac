"""The stages of the OOH rota model: diagnose -> build -> solve -> extract (:func:`solve`).

The formulation is stated in the docstring of :mod:`models.ooh`.
"""

from __future__ import annotations

import dataclasses
import math
import time

import pandas as pd

from models.common.contract import Progress
from models.common.words import count
from models.ooh.diagnosis import Finding, diagnose, explain_slacks
from models.ooh.elastic import build_elastic, slack_table
from models.ooh.input import OohInput, OohParameters
from models.ooh.matrix import assignment_from, build_matrix
from models.ooh.plan import OohPlan, make_plan, no_plan
from models.ooh.sets import candidate_arcs
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_model

__all__ = ["BACKENDS", "solve"]

BACKENDS = ("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk", "pyomo-scip")
"""``highs`` (the arrays straight to HiGHS) first; the others get the same arrays as a pyomo model."""


def _diagnosed(backend: str, seconds: float) -> SolveResult:
    return SolveResult(Status.INFEASIBLE, None, None, None, seconds, 0.0, backend, "diagnosed before solving")


def solve(
    inp: OohInput,
    params: OohParameters | None = None,
    *,
    backend: str = BACKENDS[0],
    options: SolveOptions | None = None,
    progress: Progress | None = None,
) -> OohPlan:
    """Diagnose, build, solve and extract: the consolidated rotas, or why there can be none.

    ``backend`` is ``highs`` (the arrays of :mod:`models.ooh.matrix` handed straight to HiGHS)
    or a pyomo backend (``pyomo-highs``, ``pyomo-cbc``, ``pyomo-glpk``, ``pyomo-scip``: the same
    arrays as a pyomo model, :mod:`solvers.pyomo_matrix`); either way one service block at a time.
    An instance the pre-solve diagnosis proves impossible is not solved; one the solver proves
    infeasible is explained by the elastic form.  ``plan.timings`` holds the seconds of each
    stage.  ``progress`` is accepted for the contract and not called: the blocks solve in seconds.
    """
    if backend not in BACKENDS:
        choose = ", ".join(BACKENDS)
        raise ValueError(f"unknown backend {backend!r} for the OOH model; choose one of {choose}")
    params = params or OohParameters()
    options = options or SolveOptions()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    findings = diagnose(inp, params)
    timings["diagnose"] = time.perf_counter() - t0
    if findings:
        plan = no_plan(inp, params, _diagnosed(backend, timings["diagnose"]), findings)
        return dataclasses.replace(plan, timings=timings)
    result, assignment = _solve_by_service(inp, params, backend, options)
    timings["build"] = result.build_seconds
    timings["solve"] = result.solve_seconds
    t0 = time.perf_counter()
    if result.has_plan and assignment is not None:
        plan = make_plan(inp, params, assignment, result)
    elif result.status is Status.INFEASIBLE:
        plan = no_plan(inp, params, result, _explain_infeasible(inp, params, backend, options))
    else:
        message = (
            f"the solver stopped without a plan ({result.status.value}: {result.message}); "
            "allow more time or relax the limits"
        )
        plan = no_plan(inp, params, result, (Finding("", "", "solver", math.nan, message),))
    timings["extract"] = time.perf_counter() - t0
    return dataclasses.replace(plan, timings=timings)


def _solve_by_service(
    inp: OohInput, params: OohParameters, backend: str, options: SolveOptions
) -> tuple[SolveResult, pd.DataFrame | None]:
    """Solve each service's block with ``backend``; combine into one result and one assignment.

    No constraint links two services and the objective is a sum over services, so the blocks'
    optima add up to the whole model's optimum (and their bounds to a bound).  A time limit is
    shared in proportion to the blocks' candidate arcs: block ``i`` may use ``left x arcs_i /
    (arcs_i + arcs of the blocks after it)``, so no block is starved by those before it, and time a
    block does not use passes to the next ones.
    """
    t0 = time.perf_counter()
    arcs = candidate_arcs(inp, params)
    results: list[SolveResult] = []
    pieces: list[pd.DataFrame] = []
    blocks = [k for k in inp.services["service_id"] if (inp.rotas["service_id"] == k).any()]
    weight = arcs.groupby("service_id").size().reindex(blocks).fillna(0).to_numpy(float) + 1.0
    for i, service in enumerate(blocks):
        left = (
            None
            if options.time_limit is None
            else max(options.time_limit - (time.perf_counter() - t0), 0.0) * weight[i] / weight[i:].sum()
        )
        t1 = time.perf_counter()
        matrix, a = build_matrix(inp, params, service=service, arcs=arcs)
        limited = dataclasses.replace(options, time_limit=left)
        result, solution = solve_model(matrix, backend, limited, build_seconds=time.perf_counter() - t1)
        results.append(result)
        if solution is not None:
            pieces.append(assignment_from(matrix, a, solution))
        if not result.has_plan:
            break
    return _combined(results, backend), (pd.concat(pieces, ignore_index=True) if pieces else None)


def _combined(results: list[SolveResult], backend: str) -> SolveResult:
    """One result for blocks solved one by one: sums of objectives, bounds and times."""
    statuses = [r.status for r in results]
    if all(s is Status.OPTIMAL for s in statuses):
        status = Status.OPTIMAL
    elif all(s.has_plan for s in statuses):
        status = Status.FEASIBLE
    else:
        status = next(s for s in statuses if not s.has_plan)
    plans = status.has_plan
    objective = sum(r.objective or 0.0 for r in results) if plans else None
    bounds = [r.bound for r in results]
    bound = sum(b for b in bounds if b is not None) if plans and None not in bounds else None
    words = sorted({r.message for r in results})
    return SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=sum(r.build_seconds for r in results),
        solve_seconds=sum(r.solve_seconds for r in results),
        backend=backend,
        message=f"{count(len(results), 'service block')}: {', '.join(words)}",
        options=results[0].options if results else {},
    )


def _explain_infeasible(
    inp: OohInput, params: OohParameters, backend: str, options: SolveOptions
) -> tuple[Finding, ...]:
    """Solve the elastic form (:mod:`models.ooh.elastic`) with ``backend`` and name its positive slacks."""
    elastic, a = build_elastic(inp, params)
    relaxed, solution = solve_model(elastic, backend, options)
    if solution is None:
        message = f"the instance is infeasible and its elastic form could not be solved ({relaxed.message})"
        return (Finding("", "", "solver", math.nan, message),)
    return explain_slacks(inp, params, slack_table(elastic, a, solution))
