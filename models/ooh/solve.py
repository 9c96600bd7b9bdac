r"""Out-of-hours (OOH) rota consolidation: which on-call rotas to run, where, covering which sites.

Today every site runs (or shares) an on-call rota per service.  Merging rotas pools clinicians,
so fewer people are on call each night and each is on call less often (1-in-N with N the rota's
members), at the price of longer response times and travel to attend.

This module states the MILP (below) and runs the stages diagnose -> build -> solve -> extract
(:func:`solve_ooh`).  The pieces: input types in :mod:`models.ooh.input`; sets and data in
:mod:`models.ooh.sets`; the pyomo build, one function per constraint family, in
:mod:`models.ooh.pyomo_build`; the same build as arrays for HiGHS direct in :mod:`models.ooh.matrix`;
the plan in :mod:`models.ooh.plan`; why an instance has no plan in :mod:`models.ooh.diagnosis`;
an independent checker in :mod:`models.ooh.check`.

Sets
----
K            services (acute oncology second on-call, haematology, ...).
C            site-services needing cover: (k, s), one per row of ``rotas``.
A            candidate arcs (k, s, h): site s may be covered for service k by a rota based at hub
             h.  (k, s, h) is in A iff h needs and may host k, (k, h, h) is in A, the response
             time  t_hs (+ mobilisation for non-resident tiers) <= T_k, trust(s) = trust(h) unless
             cross-trust rotas are allowed, and h = s when s keeps its own rota.
R            candidate rotas (k, h) with (k, h, h) in A.
B_kh         supplement bands b of service k's category that a rota at h could fall in: those
             whose size range [lo_b, hi_b] meets [N_k, min(M_k, P_kh)], P_kh the clinicians of
             every site that could join the rota.

Data (units)
------------
c_ks   clinicians site s contributes to service k (members);  a_ks attendances per night;
q_ks   attendances a year = a_ks * nights + weekend attendances * weekend days;
t_hs   travel minutes from h to s (t_ss = 0);  N_k least rota size (1-in-N_k);  M_k largest
rota size;  L_k most sites per rota;  W most attendances per night per on-call clinician;
F_k    cover cost of a rota a year = nights * cost per night (GBP);  S_k salary (GBP a year);
sigma_b salary share of band b;  tau travel cost (GBP per minute);  r trips per attendance;
gamma  cost per change (GBP a year);  o_ks today's hub of (k, s).

Variables
---------
x_ksh in {0, 1}   site s is covered for service k by the rota at hub h ((k, s, h) in A);
                  x_khh = 1 is the decision to run a rota of k at h.
z_khb in {0, 1}   the rota at h falls in band b (b in B_kh).
w_khb >= 0        members of the rota at h counted in band b (0 unless z_khb = 1).

Constraints
-----------
(1) cover:            sum_h x_ksh = 1                                  for (k, s) in C
(2) hub_open:         x_ksh <= x_khh                                   for (k, s, h) in A, s != h
(3) min_rota_size:    sum_s c_ks x_ksh >= N_k x_khh                    for (k, h) in R
(4) max_rota_size:    sum_s c_ks x_ksh <= M_k x_khh                    for (k, h) in R, M_k finite
(5) max_sites:        sum_s x_ksh <= L_k x_khh                         for (k, h) in R, L_k finite
(6) workload:         sum_s a_ks x_ksh <= W x_khh                      for (k, h) in R
(7) band_choice:      sum_b z_khb = x_khh                              for (k, h) in R
(8) band_members:     sum_b w_khb = sum_s c_ks x_ksh                   for (k, h) in R
(9) band_range:       lo_b z_khb <= w_khb <= min(hi_b, M_k, P_kh) z_khb for b in B_kh

Since members are whole numbers and the bands partition 1, 2, 3, ..., (7)-(9) put every open
rota in exactly the band its size falls in, and w_khb equals its size there: the supplement is
exact, not an average.

Objective (GBP a year, minimised)
---------------------------------
    sum_(k,h) in R  F_k x_khh                                 cover
  + sum_(k,h,b)     sigma_b S_k w_khb                         availability supplements
  + sum_(k,s,h) in A  q_ks r t_hs tau x_ksh                   expected attendance travel (0 if h = s)
  + sum_(k,s) in C  gamma (1 - x_ks(o_ks))                    changes against today (x = 0 if no arc)

Structure: no constraint links two services and the objective is a sum over services, so the
model splits into one independent block per service; the ``highs`` backend solves the blocks one
by one (their optima and bounds add up), the pyomo backends solve the whole model at once.

Elastic form (``models.ooh.pyomo_build.build(..., elastic=True)``), used only to explain an
infeasible instance: (1), (3)-(6) get non-negative slacks (site-service uncovered, members
short, members over, sites over, attendances over), bands are not pruned below N_k, and the
objective is the weighted sum of slacks.  A positive slack in its optimum names a requirement
that no plan can meet.
"""

from __future__ import annotations

import dataclasses
import math
import time

import pandas as pd

from models.ooh.diagnosis import Finding, diagnose, explain_slacks
from models.ooh.input import OohInput, OohParameters
from models.ooh.matrix import assignment_from, build_matrix
from models.ooh.plan import OohPlan, make_plan, no_plan
from models.ooh.pyomo_build import build, extract_assignment, slack_table
from models.ooh.sets import candidate_arcs
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_matrix, solve_pyomo

__all__ = ["OohInput", "OohParameters", "OohPlan", "solve_ooh"]


def _diagnosed(backend: str, seconds: float) -> SolveResult:
    return SolveResult(Status.INFEASIBLE, None, None, None, seconds, 0.0, backend, "diagnosed before solving")


def solve_ooh(
    inp: OohInput,
    params: OohParameters | None = None,
    backend: str = "highs",
    options: SolveOptions | None = None,
) -> OohPlan:
    """Diagnose, build, solve and extract: the consolidated rotas, or why there can be none.

    ``backend`` is ``highs`` (the vectorised build handed straight to HiGHS) or a pyomo backend
    (``pyomo-highs``, ``pyomo-cbc``, ``pyomo-glpk``, ``pyomo-scip``).  An instance the pre-solve
    diagnosis proves impossible is not solved; one the solver proves infeasible is explained
    by the elastic form.  ``plan.timings`` holds the seconds of each stage.
    """
    params = params or OohParameters()
    options = options or SolveOptions()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    findings = diagnose(inp, params)
    timings["diagnose"] = time.perf_counter() - t0
    if findings:
        plan = no_plan(inp, params, _diagnosed(backend, timings["diagnose"]), findings)
        return dataclasses.replace(plan, timings=timings)
    t0 = time.perf_counter()
    if backend == "highs":
        result, assignment = _solve_by_service(inp, params, options)
        timings["build"] = result.build_seconds
    else:
        name = backend.removeprefix("pyomo-")
        model = build(inp, params)
        timings["build"] = time.perf_counter() - t0
        result = solve_pyomo(model, name, options, build_seconds=timings["build"])
        assignment = extract_assignment(model) if result.has_plan else None
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
    inp: OohInput, params: OohParameters, options: SolveOptions
) -> tuple[SolveResult, pd.DataFrame | None]:
    """Solve each service's block with HiGHS direct; combine into one result and one assignment.

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
        result, solution = solve_matrix(
            matrix, dataclasses.replace(options, time_limit=left), build_seconds=time.perf_counter() - t1
        )
        results.append(result)
        if solution is not None:
            pieces.append(assignment_from(matrix, a, solution))
        if not result.has_plan:
            break
    return _combined(results), (pd.concat(pieces, ignore_index=True) if pieces else None)


def _combined(results: list[SolveResult]) -> SolveResult:
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
        backend="highs",
        message=f"{len(results)} service block(s): {', '.join(words)}",
        options=results[0].options if results else {},
    )


def _explain_infeasible(
    inp: OohInput, params: OohParameters, backend: str, options: SolveOptions
) -> tuple[Finding, ...]:
    """Solve the elastic form (pyomo; HiGHS for the direct backend) and name its positive slacks."""
    elastic = build(inp, params, elastic=True)
    name = "highs" if backend == "highs" else backend.removeprefix("pyomo-")
    relaxed = solve_pyomo(elastic, name, options)
    if not relaxed.has_plan:
        message = f"the instance is infeasible and its elastic form could not be solved ({relaxed.message})"
        return (Finding("", "", "solver", math.nan, message),)
    return explain_slacks(inp, params, slack_table(elastic))
