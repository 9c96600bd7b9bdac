r"""The radius (covering) formulation of the p-median, for SACT instances of that structure.

Why.  The SACT model (:mod:`models.sact`) carries one allocation variable per zone-site pair; on
p-median instances (every zone served by its nearest open site, nothing but the number of open
sites limiting the choice) its relaxation is weak for small :math:`p` and HiGHS spends minutes
branching (pmed16, :math:`n = 400, p = 5`: 540 s).  The radius formulation of Elloumi (2010) and
García, Labbé and Marín (2011) describes a customer's cost by the *distance levels* it is not yet
served within: it has the strong relaxation (that of :math:`x_{ij} \le y_j`) with far fewer
non-zeros, and the reductions below shrink it further.

When (:func:`radius_obstacles` returns no reason).  Objective ``travel`` (or ``cost`` whose site
cost is a fixed sum per open site: no chair cost that depends on the load); no chair-hours
capacity that can bind (every site's most chairs carry every attendance that can reach it); no
access target, budget, safe volume, aseptic supply or nurse limit; all demand served
(``allow_unserved`` off).  Then some optimal plan serves every demand row wholly from its nearest
open site, and the plan depends on the open sites alone.

Sets and data.  Customers :math:`I`: the demand rows of :func:`models.sact.arrays.prepare`, rows
with the same arcs (same sites at the same minutes) merged into one, with weight :math:`w_i` =
the sum of their objective weights (attendances, or valued attendances for ``cost``).  For
customer :math:`i`, :math:`D_{i1} < D_{i2} < \dots < D_{iK_i}` the distinct minutes of its arcs,
:math:`J_{ik} = \{j : t_{ij} = D_{ik}\}` the sites at level :math:`k`, :math:`N_{ik} = |\{j :
t_{ij} \le D_{ik}\}|`.  :math:`S` the candidate sites, :math:`F_j` the cost of an open site
(``cost`` objective: fixed cost plus its least chairs; else 0).

Variables.  :math:`y_j \in \{0,1\}` site open; :math:`z_{ik} \in [0,1]` for :math:`k < K_i`:
customer :math:`i` is farther than :math:`D_{ik}` from every open site (integral at integer
:math:`y` in every optimal solution, so continuous).

Objective

.. math:: \min \sum_j F_j y_j + \sum_i w_i \Big(D_{i1} + \sum_{k < K_i} (D_{i,k+1} - D_{ik}) z_{ik}\Big)

Constraints (each built by the one function named)

1. Covering, written telescopically (Elloumi 2010): :math:`z_{i1} + \sum_{j \in J_{i1}} y_j \ge 1`
   and :math:`z_{ik} + \sum_{j \in J_{ik}} y_j \ge z_{i,k-1}` for :math:`1 < k \le K_i`, with
   :math:`z_{iK_i} \equiv 0` (every customer served).  Summed over :math:`k' \le k` they give
   :math:`z_{ik} + \sum_{j: t_{ij} \le D_{ik}} y_j \ge 1`, with :math:`O(\text{arcs})` non-zeros
   instead of :math:`O(\text{arcs} \cdot K)` (``covering``).  :math:`z_{ik} \le z_{i,k-1}` is
   not needed: the objective keeps every :math:`z` at its least value.
2. Open sites: :math:`\sum_j y_j \le K` (or :math:`= K`), new sites :math:`\le K'`
   (:func:`models.sact.matrix.open_site_limits`); :math:`y_j = 1` for sites that must stay open
   and :math:`y_j = 0` for sites whose least chairs exceed their most (the bounds of
   :math:`y`, ``build_radius``).

Reductions (``radius_levels``)

* Identical customers merged (García et al.): demand rows with the same arcs are one customer.
* Levels past the :math:`p`-th farthest site (Elloumi 2010): with exactly :math:`p` sites open,
  once :math:`N_{ik} \ge |S| - p + 1` fewer than :math:`p` sites lie farther than :math:`D_{ik}`,
  so an open site lies within it: :math:`K_i` is cut to the first such level (its row then
  holds for every integer plan, so it stays valid) and every farther arc is left out.  Applied
  with ``exact_open_sites``, and with ``max_open_sites`` :math:`K` when opening a site never
  costs (objective ``travel``, no new-site limit): then some optimum opens exactly
  :math:`\min(K, |S|)`.
* Sites and levels beyond a plan's bound (Lagrangian fixing,
  :func:`models.sact.pmedian_bounds.lagrangian_fixing`): with a plan of cost :math:`UB` (greedy
  and interchange, :func:`models.sact.pmedian_bounds.interchange_heuristic`), a Lagrangian
  bound (assignment rows relaxed, subgradient steps) prices opening or closing each site; a site
  whose forced opening (closing) costs more than :math:`UB` stays shut (open) in every better
  plan.  Shut sites leave the levels (levels with only shut sites merge away, fewer sites lie
  beyond the :math:`p`-th) and an open one ends every customer's levels at its distance.  When
  the bound already proves the plan no MIP runs; else the plan is the MIP's start, so the
  answer is exact.  With integer costs the MIP stops once within 1 of its bound.
* Radii (the same bound, :func:`models.sact.pmedian_bounds.lagrangian_radii`): customer
  :math:`i` farther than :math:`D_{ik}` from every open site shuts every site within
  :math:`D_{ik}`; where that raises the bound above :math:`UB` every plan as good serves
  :math:`i` within :math:`D_{ik}`, and its levels end there (the first such level).
* Lagrangian branch and bound (:mod:`models.sact.pmedian_branch`), for at most
  :data:`BRANCH_MAX_OPEN` open sites, on the sites left: when it ends the plan is proven and no
  MIP runs; else its best plan is the MIP's start.

The plan (:func:`assign_nearest`) serves every demand row from its nearest open site (ties: the
first site in the input) and gives every open site its least chairs, raised to carry its load
(:math:`\lceil \eta \cdot load / C \rceil`), so :func:`models.sact.solve.extract` reads it as a plan
of the whole model.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np

from models.common.contract import InputProblem, ModelInputError
from models.sact.arrays import SactArrays
from models.sact.input import SactParameters
from models.sact.pmedian_bounds import interchange_heuristic, lagrangian_reduction
from models.sact.pmedian_branch import BranchResult, branch_on_levels
from models.sact.radius_formulation import (
    assign_nearest,
    build_radius,
    covering,
    plan_objective,
    start_vector,
)
from models.sact.radius_reductions import (
    RadiusLevels,
    merge_identical_rows,
    open_count,
    radius_levels,
)
from solvers import MatrixModel, SolveOptions, SolveResult, Status, relative_gap, solve_model

__all__ = [
    "BRANCH_MAX_OPEN",
    "BRANCH_SHARE",
    "HIGHS_OPTIONS",
    "INTEGRAL_ABS_GAP",
    "STAGE_SHARE",
    "STARTED_HIGHS_OPTIONS",
    "RadiusLevels",
    "assign_nearest",
    "build_radius",
    "covering",
    "merge_identical_rows",
    "open_count",
    "plan_objective",
    "radius_levels",
    "radius_obstacles",
    "solve_radius",
    "start_vector",
    "use_radius_path",
]

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
    integral, branch_bound = False, -np.inf  # the branch and bound's bound, where it stopped short
    if start is not None and count is not None and is_open is not None and backend == "highs":
        upper = model.objective_value(start)
        lagrange, shut, held, radius = lagrangian_reduction(levels, a, p, count, upper, _share(options))
        if _proven(upper, lagrange, options.gap):
            values = assign_nearest(a, p, is_open)
            seconds = time.perf_counter() - t0
            return _heuristic_result(a, p, values, lagrange, options, build_seconds, seconds, words), values
        if shut.any() or held.any() or np.isfinite(radius).any():
            within = radius[levels.dem_customer]
            levels = radius_levels(a, p, shut, held, within)
            model = build_radius(levels, a, p, shut, held)
            start = start_vector(model, levels, is_open)
            words += (
                f"; after the Lagrangian bound {len(levels.level_minutes)} levels, "
                f"{int(shut.sum())} sites shut, {int(held.sum())} open, "
                f"{int(np.isfinite(radius).sum())} customers within a radius"
            )
        integral = _integral_objective(model)
        branched = _branch_stage(levels, a, p, count, is_open, shut, held, integral, upper, options)
        if branched is not None:
            words += f"; Lagrangian branch and bound: {branched.nodes} nodes"
        if branched is not None and branched.finished:
            values = assign_nearest(a, p, branched.is_open)
            bound = float(np.ceil(branched.bound - 1e-6)) if integral else branched.bound
            seconds = time.perf_counter() - t0
            return _heuristic_result(a, p, values, bound, options, build_seconds, seconds, words), values
        if branched is not None:
            is_open, branch_bound = branched.is_open, branched.bound
            start = start_vector(model, levels, is_open)
        if integral and "mip_abs_gap" not in options.extra:
            options = replace(options, extra={**options.extra, "mip_abs_gap": INTEGRAL_ABS_GAP})
        options = replace(options, extra={**STARTED_HIGHS_OPTIONS, **options.extra})
    build = build_seconds + time.perf_counter() - t0
    result, x = solve_model(model, backend, options, build_seconds=build, start=start, progress=progress)
    if x is None:
        return replace(result, message=f"{result.message}; {words}"), None
    values = assign_nearest(a, p, model.values(x, "open") > 0.5)
    objective = plan_objective(a, p, values)
    bound = result.bound if result.bound is None else max(result.bound, branch_bound)
    if integral and bound is not None:
        bound = min(float(np.ceil(bound - 1e-6)), objective)  # integer costs: no plan costs less
    message = f"{result.message}; {words}"
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
    values: dict[str, np.ndarray],
    bound: float,
    options: SolveOptions,
    build_seconds: float,
    seconds: float,
    words: str,
) -> SolveResult:
    objective = plan_objective(a, p, values)
    return SolveResult(
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


def _share(options: SolveOptions, share: float = STAGE_SHARE) -> float | None:
    """The deadline of a stage: ``share`` of the time left (None: no limit)."""
    left = options.call_limit()
    return None if left is None else time.monotonic() + share * left


def _integral_objective(model: MatrixModel) -> bool:
    """Whether every plan's cost is an integer (integer costs and offset)."""
    cost = model.cost
    return bool(np.all(cost == np.round(cost)) and float(model.objective_offset).is_integer())


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
