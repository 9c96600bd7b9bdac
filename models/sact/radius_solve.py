"""The radius path of the SACT model: whether to take it, and the stages that solve it.

The formulation and its reductions are stated in :mod:`models.sact.radius`.
:func:`use_radius_path` chooses the path (``solve_method``; :func:`radius_obstacles` says why the
formulation would not be exact); :func:`solve_radius` runs the stages on one time limit: the
interchange heuristic, the Lagrangian bound and the reductions it proves, the Lagrangian branch
and bound, then the MIP started from the best plan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from models.common.contract import InputProblem, ModelInputError
from models.sact.arrays import SactArrays
from models.sact.input import SactParameters
from models.sact.pmedian_bounds import interchange_heuristic, lagrangian_reduction
from models.sact.pmedian_branch import BranchResult, branch_on_levels
from models.sact.radius_formulation import assign_nearest, build_radius, plan_objective, start_vector
from models.sact.radius_reductions import RadiusLevels, open_count, radius_levels
from solvers import MatrixModel, SolveOptions, SolveResult, Status, relative_gap, solve_model

HIGHS_OPTIONS = {"presolve": "off"}  # HiGHS's MIP presolve spends seconds on the covering chains, for nothing
# With the interchange plan as the start HiGHS's own primal heuristics (sub-MIPs above all) rarely
# better it and took two thirds of pmed6's time (2.7 s of CPU against 1.0 s without them); the
# bound closes in a handful of nodes, where strong branching costs more than it saves (pmed16:
# 8.9 s of CPU with it, 6.2 s without)
STARTED_HIGHS_OPTIONS = {
    "mip_pscost_minreliable": 0,
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_feasibility_jump": False,
}
STAGE_SHARE = 0.2  # of the time left, for each of the heuristic and the Lagrangian bound
BRANCH_SHARE = 0.5  # of the time left, for the Lagrangian branch and bound before the MIP
# most open sites for the branch and bound: it proves pmed16 (p = 5) in 1 s of CPU against 6 s
# for the MIP, but spends minutes where p is large (pmed19, p = 80) and the MIP takes seconds
BRANCH_MAX_OPEN = 10
INTEGRAL_ABS_GAP = 0.999  # HiGHS stops within this of the bound when every cost is an integer


def radius_obstacles(a: SactArrays, p: SactParameters) -> list[str]:
    """Why the radius formulation is not exact for this instance (empty: it is)."""
    why = []
    if p.objective == "cost" and p.mean_chair_hours > 0 and (a.chair_cost > 0).any():
        why.append("chair costs depend on each site's load (cost objective with chair costs)")
    if p.mean_chair_hours > 0:
        reach = np.bincount(a.arc_site, weights=a.arc_demand, minlength=a.num_sites)
        if (p.mean_chair_hours * reach > p.chair_hours_per_year * a.max_chairs + 1e-9).any():
            why.append("chair-hours capacity may bind at some site")
    for flag, text in (
        (p.access_target is not None, "an access target"),
        (p.budget is not None, "a budget"),
        (p.min_site_attendances > 0, "a safe-volume minimum"),
        (p.require_aseptic_supply, "aseptic supply"),
        (len(a.nurse_trusts) > 0, "nurse limits"),
        (p.allow_unserved, "unserved demand allowed"),
    ):
        if flag:
            why.append(text)
    return why


def use_radius_path(a: SactArrays, p: SactParameters, backend: str) -> bool:
    """Whether :func:`models.sact.solve.solve_sact` solves by this formulation.

    ``solve_method: radius`` forces it (any backend; an instance it is not exact for raises
    :class:`~models.common.contract.ModelInputError` naming why).  ``auto`` takes it exactly when
    the backend is ``highs``, the objective is ``travel``, ``exact_open_sites`` or
    ``max_open_sites`` is set and :func:`radius_obstacles` finds nothing (no chair-hours capacity
    that can bind, no access target, budget, safe volume, aseptic supply, nurse limit or unserved
    demand): the p-median structure.
    """
    if p.solve_method == "radius":
        why = radius_obstacles(a, p)
        if why:
            raise ModelInputError(
                [
                    InputProblem(
                        "parameters", f"the radius formulation is not exact with {w}", column="solve_method"
                    )
                    for w in why
                ]
            )
        return True
    limited = p.exact_open_sites is not None or p.max_open_sites is not None
    return (
        p.solve_method == "auto"
        and backend == "highs"
        and p.objective == "travel"
        and limited
        and not radius_obstacles(a, p)
    )


Proven = tuple[SolveResult, dict[str, np.ndarray]]  # a plan the Lagrangian stages prove, and its arrays


@dataclass(frozen=True)
class RadiusMip:
    """The MIP the radius path solves: its levels, model, start and options, and what led to it."""

    levels: RadiusLevels
    model: MatrixModel
    start: np.ndarray | None  # column vector of the best plan so far (None: no plan)
    options: SolveOptions
    words: str  # what the stages did, for the result's message
    integral: bool = False  # every plan's cost an integer (found by the Lagrangian stages)
    branch_bound: float = -np.inf  # the branch and bound's bound, where it stopped short


def solve_radius(
    a: SactArrays,
    p: SactParameters,
    backend: str,
    options: SolveOptions,
    *,
    build_seconds: float = 0.0,
    progress: Any = None,
) -> tuple[SolveResult, dict[str, np.ndarray] | None]:
    """Solve by the radius formulation; return the result and the standard solution arrays (or None).

    With a heuristic plan (exactly :math:`p` open, HiGHS): the Lagrangian bound first; when it
    proves the plan within the asked gap no MIP runs, else the sites it fixes leave the levels
    and the MIP starts from the plan, with HiGHS's own primal heuristics off
    (:data:`STARTED_HIGHS_OPTIONS`; an option in ``options.extra`` wins).  With integer costs
    the MIP stops within :data:`INTEGRAL_ABS_GAP` of its bound and the bound reported is rounded up.
    """
    t0 = time.perf_counter()
    options = options.with_deadline()  # the heuristic, the bound and the MIP share one time limit
    levels = radius_levels(a, p)
    model = build_radius(levels, a, p)
    count = open_count(a, p)
    is_open = None if count is None else interchange_heuristic(levels, a, p, count, _share(options))
    start = None if is_open is None else start_vector(model, levels, is_open)
    if backend == "highs":
        options = replace(options, extra={**HIGHS_OPTIONS, **options.extra})
    words = (
        f"radius formulation: {levels.num_customers} customers of {len(a.dem_amount)} demand rows, "
        f"{len(levels.level_minutes)} levels, {len(levels.arc_site)} of {len(a.arc_dem)} arcs"
    )
    mip = RadiusMip(levels, model, start, options, words)
    if start is not None and count is not None and is_open is not None and backend == "highs":
        upper = model.objective_value(start)
        staged = _lagrangian_stages(mip, a, p, count, is_open, upper, t0, build_seconds)
        if not isinstance(staged, RadiusMip):
            return staged
        mip = staged
    build = build_seconds + time.perf_counter() - t0
    return _solve_mip(mip, a, p, backend, build, progress)


def _lagrangian_stages(
    mip: RadiusMip,
    a: SactArrays,
    p: SactParameters,
    count: int,
    is_open: np.ndarray,
    upper: float,
    t0: float,
    build_seconds: float,
) -> RadiusMip | Proven:
    """The Lagrangian bound and branch and bound from the heuristic plan ``is_open`` (cost ``upper``).

    Returns the plan and its result where they prove it; else the MIP left: reduced by what the
    bound fixes, started from the best plan, with :data:`STARTED_HIGHS_OPTIONS`.
    """
    options = mip.options
    lagrange, shut, held, radius = lagrangian_reduction(mip.levels, a, p, count, upper, _share(options))
    if _proven(upper, lagrange, options.gap):
        return _heuristic_result(a, p, is_open, lagrange, options, build_seconds, t0, mip.words)
    if shut.any() or held.any() or np.isfinite(radius).any():
        mip = _reduced(mip, a, p, is_open, shut, held, radius)
    integral = _integral_objective(mip.model)
    branched = _branch_stage(mip.levels, a, p, count, is_open, shut, held, integral, upper, options)
    words = (
        mip.words if branched is None else f"{mip.words}; Lagrangian branch and bound: {branched.nodes} nodes"
    )
    if branched is not None and branched.finished:
        bound = float(np.ceil(branched.bound - 1e-6)) if integral else branched.bound
        return _heuristic_result(a, p, branched.is_open, bound, options, build_seconds, t0, words)
    start, branch_bound = mip.start, -np.inf
    if branched is not None:
        start, branch_bound = start_vector(mip.model, mip.levels, branched.is_open), branched.bound
    if integral and "mip_abs_gap" not in options.extra:
        options = replace(options, extra={**options.extra, "mip_abs_gap": INTEGRAL_ABS_GAP})
    options = replace(options, extra={**STARTED_HIGHS_OPTIONS, **options.extra})
    return replace(
        mip, start=start, options=options, words=words, integral=integral, branch_bound=branch_bound
    )


def _reduced(
    mip: RadiusMip,
    a: SactArrays,
    p: SactParameters,
    is_open: np.ndarray,
    shut: np.ndarray,
    held: np.ndarray,
    radius: np.ndarray,
) -> RadiusMip:
    """The MIP without the ``shut`` sites, with the ``held`` ones open and every customer served
    within its ``radius`` (minutes; ``inf``: none), started from ``is_open``."""
    levels = radius_levels(a, p, shut, held, radius[mip.levels.dem_customer])
    model = build_radius(levels, a, p, shut, held)
    words = (
        f"{mip.words}; after the Lagrangian bound {len(levels.level_minutes)} levels, "
        f"{int(shut.sum())} sites shut, {int(held.sum())} open, "
        f"{int(np.isfinite(radius).sum())} customers within a radius"
    )
    return replace(mip, levels=levels, model=model, start=start_vector(model, levels, is_open), words=words)


def _solve_mip(
    mip: RadiusMip, a: SactArrays, p: SactParameters, backend: str, build_seconds: float, progress: Any
) -> tuple[SolveResult, dict[str, np.ndarray] | None]:
    """Solve the MIP; its plan serves every demand row from the nearest open site, and its bound is
    the better of the MIP's and the branch and bound's (integer costs: rounded up)."""
    result, x = solve_model(
        mip.model, backend, mip.options, build_seconds=build_seconds, start=mip.start, progress=progress
    )
    message = f"{result.message}; {mip.words}"
    if x is None:
        return replace(result, message=message), None
    values = assign_nearest(a, p, mip.model.values(x, "open") > 0.5)
    objective = plan_objective(a, p, values)
    bound = result.bound if result.bound is None else max(result.bound, mip.branch_bound)
    if mip.integral and bound is not None:
        bound = min(float(np.ceil(bound - 1e-6)), objective)  # integer costs: no plan costs less
    return replace(
        result, objective=objective, bound=bound, gap=relative_gap(objective, bound), message=message
    ), values


def _branch_stage(
    levels: RadiusLevels,
    a: SactArrays,
    p: SactParameters,
    count: int,
    is_open: np.ndarray,
    shut: np.ndarray,
    held: np.ndarray,
    integral: bool,
    upper: float,
    options: SolveOptions,
) -> BranchResult | None:
    """The Lagrangian branch and bound with :data:`BRANCH_SHARE` of the time left, when at most
    :data:`BRANCH_MAX_OPEN` sites open (else None); an improvement counts from 1 with integer costs."""
    if count > BRANCH_MAX_OPEN:
        return None
    gain = INTEGRAL_ABS_GAP if integral else max(options.gap, 1e-9) * max(1.0, abs(upper))
    deadline = _share(options, BRANCH_SHARE)
    return branch_on_levels(levels, a, p, count, is_open, shut, held, least_gain=gain, deadline=deadline)


def _proven(upper: float, bound: float, gap: float) -> bool:
    """Whether a plan of cost ``upper`` is within ``gap`` of the bound (integer costs: of its ceiling)."""
    within = relative_gap(upper, bound)
    if within is not None and within <= gap:
        return True
    return float(upper).is_integer() and np.ceil(bound - 1e-6) >= upper


def _heuristic_result(
    a: SactArrays,
    p: SactParameters,
    is_open: np.ndarray,
    bound: float,
    options: SolveOptions,
    build_seconds: float,
    t0: float,
    words: str,
) -> Proven:
    """The plan that opens ``is_open``, proven by ``bound``, and its result (times from ``t0``)."""
    values = assign_nearest(a, p, is_open)
    seconds = time.perf_counter() - t0
    objective = plan_objective(a, p, values)
    result = SolveResult(
        status=Status.OPTIMAL,
        objective=objective,
        bound=min(bound, objective),
        gap=relative_gap(objective, min(bound, objective)),
        build_seconds=build_seconds,
        solve_seconds=seconds,
        backend="highs",
        message=f"the plan is proven by the Lagrangian bound; {words}",
        options=options.as_dict(),
    )
    return result, values


def _share(options: SolveOptions, share: float = STAGE_SHARE) -> float | None:
    """The deadline of a stage: ``share`` of the time left (None: no limit)."""
    left = options.call_limit()
    return None if left is None else time.monotonic() + share * left


def _integral_objective(model: MatrixModel) -> bool:
    """Whether every plan's cost is an integer (integer costs and offset)."""
    cost = model.cost
    return bool(np.all(cost == np.round(cost)) and float(model.objective_offset).is_integer())
