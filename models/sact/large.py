r"""Large SACT location instances: the strong relaxation by pricing, plans from restricted MILPs.

Why.  At 10,000 zones x 300 sites (about 485,000 arcs) HiGHS on the whole model does not finish
even its root relaxation in two minutes: the per-arc linking rows :math:`x_a \le y_s` that make
the bound strong (see :mod:`models.sact`, constraint 4') make that LP large and degenerate, and
the solver never reaches a plan.  Yet the relaxation uses few arcs: at its optimum each demand
row is served by one or two of its nearest sites (about 25,000 arcs of 485,000 at that size, none
beyond the 13th nearest), and few linking rows bind (those of sites opened fractionally).

How (:func:`solve_priced`), four stages sharing one time limit:

1. *Strong relaxation by column generation* (:func:`solvers.pricing.price_relaxation`, generic):
   start from every demand row's :data:`NEAREST` nearest arcs, with the aggregated linking rows
   only; price every other arc with the row duals (one sparse product) and add those of negative
   reduced cost; separate the per-arc linking rows (the model's lazy pool) the LP breaks; repeat.
   The *Lagrangian bound* of every round is a valid lower bound on the whole model (proof in
   :mod:`solvers.pricing`), converged or not, and equals the strong LP bound at convergence. The
   stage gets :data:`LP_SHARE` of the time limit (wall seconds; with
   :data:`LP_SHARE_PAUSES_FOR_PLANS`, not counting its plan tries). *Early stop* (issue 16): from
   the second round on, when a plan :data:`EARLY_PLAN_EXCESS` above the round's restricted LP
   objective would meet the asked gap against the round's bound, fix and transport (stage 2) is
   tried from the round's point, at most :data:`EARLY_PLANS` times; pricing stops as soon as the
   best plan is within the gap of the valid bound. At 10,000 x 300 the second round's bound (134.9
   M, 0.5 % under the converged 135.2 M) and its plan (135.8 M) meet a 1 % gap: two rounds instead
   of nine to eleven, 38-48 CPU s instead of 89-95
   (``benchmarks/results/sact_capacitated_10k.md``). *Steps* (:data:`CHECK_EVERY`): a round's
   re-solve runs in steps of simplex iterations, each giving a valid bound from the dual simplex's
   current duals; the gap is checked after every step, and a plan is tried from a step's point once
   it has settled (:data:`STEP_PLAN_UNSETTLED`). At 10,000 x 300 the second round stops after
   10,000 of its about 15,000 iterations with bound 134.76 M and plan 136.01 M (0.92 %): 26-28 CPU
   s instead of 41-45. A step has at most :data:`CHECK_MOST` iterations: on seed 1 of that size the
   plan then comes after 13,000 iterations instead of 15,000 (62.3 -> 51.6-57.7 s wall, load
   1.7-2.6), seed 0 unchanged, seed 3 80 -> 93 s (plans from earlier, poorer points: hence 4 tries,
   :data:`EARLY_PLANS`). Each plan goes through the closing pass of :mod:`models.sact.close` (told
   the objective that meets the gap), and no plan is tried once the one in hand costs at most
   :data:`EARLY_PLAN_EXCESS` above the point's LP objective (what a try could hope for). When the
   best plan then misses the gap by at most :data:`REGION_REACH`, it is improved region by region
   (:mod:`models.sact.regions`: a restricted MILP over the sites of one region at a time, the rest
   of the plan fixed) for at most :data:`REGION_EARLY_SECONDS`. *Beside the pricing*
   (:data:`PLANS_BESIDE_PRICING`): HiGHS prices on one core, so with more than one thread allowed
   each plan try (fix and transport, then its regions) runs on a second thread
   (:mod:`solvers.beside`) while the pricing goes on, one try at a time; its regions aim at the
   gap against the bound as it rises; when the try ends, the pricing's current step ends at once
   (``wake``) and its plans are offered; a bound that brings the plan in hand within the gap calls
   the try off. At 10,000 x 300 (seeds 0-3, ``--threads 2``, quiet) the wall clock went from 22,
   38, 41 and 71 s to 22, 27, 37 and 44 s, each plan within the gap as before and at most 0.15 %
   dearer (``benchmarks/results/sact_capacitated_10k.md``). Which point a try starts from then depends on
   the clock, so two runs may differ; with one thread the tries run in turn.
2. *A plan at once: fix and transport* (:func:`models.sact.heuristic.fix_and_transport`, no
   full-size LP), with at most half the time left, unless stage 1 stopped early within the gap.
   Its plan, with its gap against the stage-1 bound, is returned as it stands when within the
   asked gap; else the best plan, when within :data:`REGION_REACH` of the gap, is improved region
   by region (:mod:`models.sact.regions`) with at most :data:`REGION_SHARE` of the time left.
3a. *A plan from a dive* (:mod:`models.sact.dive`): fractional diving on the open flags over the
   arcs priced in, then the restricted MILP with every open flag fixed; when it finds a plan,
   stage 3 is skipped.  On ``lsc-sact`` it finds the optimum, where stage 3 stopped 0.8 % above.
3. *A better plan from a restricted MILP* (RINS-like), warm-started from the plan of stage 2:
   the model over the arcs priced in (and those of that plan), with the linking rows found as
   ordinary rows, every site the LP opens fully (:math:`y_s \ge 1 - \epsilon`) fixed open, every
   site it leaves shut (:math:`y_s \le \epsilon`) and the plan leaves shut fixed shut
   (:data:`FIX_TOLERANCE`) and their arcs dropped, so the plan is a plan of it.  Its plans are
   plans of the whole model (a left-out arc is an allocation of 0), so the best of its plan and
   stage 2's is kept whatever happens; it stops as soon as the gap *against the valid bound*
   reaches the asked gap.  If neither stage has a plan, the same MILP without the fixings is
   tried.  On a model of at most :data:`FULL_MODEL_ARCS` arcs a quarter of the time left is kept
   back for stage 4.
4. *The whole model, until the gap or the time limit* (issue 16): whenever the asked gap is not
   met and time is left -- a restricted MILP proves only its own optimum, and stopping there
   would return early with the gap unmet -- the whole model (every arc; linking rows found so far
   as ordinary rows, the rest lazy) is solved with all the time left, warm-started from the best
   plan so far and stopped once the gap against the valid bound is met.  Its bound is valid, so
   the answer is exact given time.  HiGHS runs it with :data:`WHOLE_MODEL_OPTIONS` (no restarts:
   with a good plan in hand it fixed many columns by reduced cost and repeated its root three
   times, 29 s CPU on ``lsc-sact`` against 19 s without) and, with a plan in hand, without
   its sub-MIP heuristics (:data:`WITH_PLAN_OPTIONS`; 19 s -> 6 s CPU there: the stage proves).

The reported bound is the best of the stage-1 bound and, when stage 4 ran, the whole model's own
MILP bound; never the bound of a restricted MILP or LP (valid only for that restriction).  Gap and
status are computed against it: ``optimal`` when within the asked gap, else ``feasible``.  The
result's message lists each stage and its outcome; the plan's ``solve_path`` figure is ``priced``.

When.  :func:`models.sact.solve.solve_sact` takes this path for HiGHS when the model has more than
:data:`PRICED_PATH_ARCS` arcs (``solve_method="auto"``); ``priced`` forces it, ``direct`` the
whole-model path.  Every feature of the formulation keeps working (the stages only leave columns
out and fix integers); the path is not used with ``strong_linking`` on but ``lazy_linking`` off
(every per-arc row asked for up front), where the direct path applies.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.dive import dive_sites
from models.sact.heuristic import FIX_TOLERANCE, fix_and_transport
from models.sact.input import SactParameters
from models.sact.matrix import build_matrix
from models.sact.regions import improve_by_regions
from models.sact.start import start_point
from models.sact.transport import HEURISTIC_TOLERANCE
from solvers import MatrixModel, SolveOptions, SolveResult, Status, solve_matrix
from solvers.beside import Beside, start_beside
from solvers.pricing import PricedRelaxation, PricingSession, RoundPoint, session_within
from solvers.search_state import StagedSearch, target_objective

__all__ = ["HEURISTIC_TOLERANCE", "fix_and_transport", "solve_priced", "use_priced_path"]

PRICED_PATH_ARCS = 30_000
"""``solve_method: auto`` takes the priced path above this many arcs (zone-site pairs within the
travel limit).  Measured 2026-12-05 on generated instances at 1 % gap, one thread, priced against
direct (``benchmarks/results/sact_capacitated_10k.md``): 14,115 arcs 31.5 s against 7.4 s and
21,823 arcs 7.4 s against 5.1 s (direct wins); 35,013 arcs 1.6-5.5 s against 6.4-8.1 s, 58,201 arcs
1.8 s against 10.8 s, 85,395 arcs 2.5-33.5 s against 19.9-74.9 s (priced wins, 3 seeds each at
35,013 and 85,395).  At the default gap with 60 s the priced path ended at 0.12 % and 0.41 %
against 0.10 % and 1.44 %."""
NEAREST = 5  # arcs per demand row in the first restricted LP
LP_SHARE = 0.5  # of the time limit, for stage 1
# stage 1's plan tries (fix and transport, closes, regions) do not count against its share
LP_SHARE_PAUSES_FOR_PLANS = False
# stage 1's plan tries run on a second thread beside the pricing (solvers.beside) when more than one
# thread is allowed: HiGHS prices on one core and the plan's MILPs and LPs use the other
PLANS_BESIDE_PRICING = True
EARLY_PLANS = 4  # most plans stage 1 tries from its rounds' points (0: none), to stop once within the gap
# ... from the second round on, when a plan this far above the round's LP objective would meet the gap
EARLY_PLAN_EXCESS = 0.005
# simplex iterations per step of a round's re-solve: after each the valid bound is read and the gap
# checked against the best plan (solvers.pricing, point 5); None re-solves each round whole
CHECK_EVERY: int | None = 1000
# ... and at most this many a step (None: the steps grow without end): at 10,000 x 300 seed 1 the
# fifth step (5,000 iterations, 26 CPU s) ran past points that already gave a plan within 1 %
CHECK_MOST: int | None = 2500
# a plan is tried from a step's point only once HiGHS counts at most this many primal
# infeasibilities per row and column the round added (10,000 x 300: at 0.46 a plan within 1 %)
STEP_PLAN_UNSETTLED = 0.5
# a plan within this share above the objective that meets the gap is improved region by region
# (models.sact.regions): from stage 1's tries with at most REGION_EARLY_SECONDS, after stage 2 with
# at most REGION_SHARE of the time left
REGION_REACH = 0.01
REGION_EARLY_SECONDS = 30.0
REGION_SHARE = 0.5
FULL_MODEL_ARCS = 20_000  # up to this many arcs stage 3 keeps a quarter of the time left for stage 4
SOLVED_LP = ("optimal", "stalled", "round_limit")
"""Stage 1 ends with its last restricted LP solved: the dive starts from it. After ``time_limit`` the
dive's first step would first finish the interrupted LP: on England (327,376 arcs, 43,595 linking
rows, load 8) that took more than the dive's 134 s, and stage 3 lost that time."""
WHOLE_MODEL_STAGE = True  # stage 4 runs whenever the gap is unmet and time is left (tests switch it off)
METHODS = ("auto", "direct", "priced")
# HiGHS options of stage 4 (options.extra wins): no restarts -- with a good plan in hand HiGHS fixes
# many columns by reduced cost and restarted its root (presolve, cut rounds) three times over
WHOLE_MODEL_OPTIONS: dict[str, object] = {"mip_allow_restart": False}
# and, when stages 2-3 have a plan, none of HiGHS's sub-MIP heuristics: on lsc-sact, with the
# optimum in hand from the dive, fourteen sub-MIPs took two thirds of stage 4 and found nothing
WITH_PLAN_OPTIONS: dict[str, object] = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}


def use_priced_path(arrays: SactArrays, p: SactParameters, method: str = "auto") -> bool:
    """Whether :func:`solve_priced` applies (``method`` one of :data:`METHODS`)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if method == "direct" or (p.strong_linking and not p.lazy_linking):
        return False
    return method == "priced" or len(arrays.arc_dem) > PRICED_PATH_ARCS


def nearest_arcs(a: SactArrays, k: int) -> np.ndarray:
    """Mask of every demand row's ``k`` shortest arcs (ties by site order)."""
    order = np.lexsort((a.arc_site, a.arc_minutes, a.arc_dem))
    dem = a.arc_dem[order]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - np.searchsorted(dem, dem)
    return rank < k


def solve_priced(
    a: SactArrays,
    p: SactParameters,
    options: SolveOptions,
    *,
    constant: float,
    build_seconds: float = 0.0,
    progress: Any = None,
    start: Any = None,
) -> tuple[SolveResult, np.ndarray | None, MatrixModel]:
    """Solve the model of ``a`` by the four stages of the module docstring; ``start`` (a plan's sites
    and chairs, :mod:`models.sact.start`) completed first, when given, is the first plan offered.
    The model leaves out ``constant``, what every plan pays of the site costs
    (:func:`models.sact.matrix.fixed_in_every_plan`), which the caller adds back to the result;
    the start's note gives its objective with it.

    Returns the result (bound valid for the whole model), the plan as a full column vector of the
    returned model (None without a plan) and that model (:func:`models.sact.matrix.build_matrix`).
    """
    t_build = time.perf_counter()
    model = build_matrix(a, p, without_constant=True)  # solve_sact adds the constant back
    run = StagedSearch(model, options, build_seconds + time.perf_counter() - t_build, progress)
    if start is not None:
        x0, note = start_point(model, a, start, options, constant)
        run.notes.append(note)
        if x0 is not None:
            run.offer(x0)
    session, relaxation = _relax(run, a, p)
    if relaxation.status == "infeasible":
        return (*run.result(Status.INFEASIBLE), model)
    stage = run.options_for()  # None once the run must stop: the plan in hand is the answer
    if relaxation.x is not None and not run.gap_met() and stage is not None:
        t_h = time.perf_counter()
        rest = stage.time_limit
        x, note = fix_and_transport(
            model,
            a,
            p,
            relaxation.x,
            relaxation.active,
            options,
            None if rest is None else 0.5 * rest,
            _target(run),
        )
        run.notes.append(f"{note} in {time.perf_counter() - t_h:.1f} s")
        if x is not None:
            run.offer(x)
            run.report(0.0, run.best_obj, None)
        rest = run.left()
        _region_stage(run, a, p, None if rest is None else REGION_SHARE * rest)
        if not run.gap_met() and not _dive_stage(run, a, session, relaxation):
            _restricted_stage(run, a, relaxation)
    if WHOLE_MODEL_STAGE and not run.gap_met() and _whole_model_stage(run, relaxation):
        return (*run.result(Status.INFEASIBLE), model)
    return (*run.result(), model)


def _relax(run: StagedSearch, a: SactArrays, p: SactParameters) -> tuple[PricingSession, PricedRelaxation]:
    """Stage 1: the strong relaxation by pricing; sets the valid bound. The session stays warm for
    the dive."""
    model, options = run.model, run.options
    serve = model.variable_blocks["serve"].index
    priced = np.zeros(model.num_cols, dtype=bool)
    priced[serve] = True
    initial = np.zeros(model.num_cols, dtype=bool)
    initial[serve[nearest_arcs(a, NEAREST)]] = True
    tries = 0
    last: list[float] = []
    job: Beside[_Found] | None = None
    wake = threading.Event()  # set when the job ends: the pricing's step ends and collects it

    def collect(cancel: bool) -> None:
        nonlocal job
        if job is not None:
            found, job = job.result(cancel), None
            wake.clear()
            _apply(run, found)

    def enough(point: RoundPoint) -> bool:
        nonlocal tries, job
        run.bound = point.bound if run.bound is None else max(run.bound, point.bound)
        if job is not None and (job.done() or run.gap_met()):
            collect(cancel=True)
        hopeful = (
            (bool(last) or not point.settled)
            and point.unsettled <= STEP_PLAN_UNSETTLED
            and target_objective(point.bound, options.gap) >= (1.0 + EARLY_PLAN_EXCESS) * point.objective
            and (run.best_obj is None or run.best_obj > (1.0 + EARLY_PLAN_EXCESS) * point.objective)
        )
        if point.settled:
            last.append(point.objective)
        if hopeful and job is None and tries < EARLY_PLANS and not run.gap_met():
            tries += 1
            job = _early_plan(run, a, p, point.x.copy(), point.active.copy(), wake)
        return run.gap_met()

    try:
        session, relaxation = session_within(
            model,
            priced,
            initial,
            options,
            LP_SHARE,
            enough=enough,
            check_every=CHECK_EVERY,
            check_most=CHECK_MOST,
            pause_for_enough=LP_SHARE_PAUSES_FOR_PLANS,
            wake=wake,
        )
    except BaseException:  # e.g. a second Ctrl-C: the try is called off, not waited for
        if job is not None:
            job.call_off()
        raise
    collect(cancel=run.gap_met())
    run.bound = relaxation.bound
    run.notes.append(relaxation.summary(priced))
    return session, relaxation


@dataclass
class _Found:
    """What a plan try found: plans of the whole model in the order found, and notes."""

    plans: list[np.ndarray] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _early_plan(
    run: StagedSearch,
    a: SactArrays,
    p: SactParameters,
    x: np.ndarray,
    active: np.ndarray,
    wake: threading.Event | None = None,
) -> Beside[_Found] | None:
    """A plan during stage 1 from a round's point ``x`` (the module docstring): fix and transport,
    then the regions. With :func:`_plans_beside` it runs beside the pricing and the job is returned
    (the caller applies its findings; ``wake`` is set when it ends); else it is applied here and
    None returned."""
    model, best_obj = run.model, run.best_obj

    def target() -> float | None:
        return _target(run)

    def job(options: SolveOptions) -> _Found:
        return _plan_try(model, a, p, x, active, options, best_obj, run.left, target)

    if _plans_beside(run.options):
        return start_beside(job, run.options, wake)
    _apply(run, job(run.options))
    return None


def _plans_beside(options: SolveOptions) -> bool:
    """Whether stage 1's plan tries run beside the pricing (:data:`PLANS_BESIDE_PRICING`): with
    more than one thread allowed on a machine of more than one core."""
    cores = os.cpu_count() or 1
    return PLANS_BESIDE_PRICING and min(options.threads or cores, cores) > 1


def _plan_try(
    model: MatrixModel,
    a: SactArrays,
    p: SactParameters,
    x: np.ndarray,
    active: np.ndarray,
    options: SolveOptions,
    best_obj: float | None,
    left: Callable[[], float | None],
    target: Callable[[], float | None],
) -> _Found:
    """Fix and transport from the point ``x``; its plan, when better than ``best_obj``, improved
    region by region for at most :data:`REGION_EARLY_SECONDS` (a plan no better than the best: its
    regions were searched). ``left`` gives the seconds left, ``target`` the objective that meets the
    gap against the bound as it now is. Reads the model only, so it may run on another thread."""
    found = _Found()
    rest = left()
    t_h = time.perf_counter()
    limit = None if rest is None else 0.5 * rest
    plan, note = fix_and_transport(model, a, p, x, active, options, limit, target())
    found.notes.append(f"during pricing, {note} in {time.perf_counter() - t_h:.1f} s")
    if plan is None or (best_obj is not None and model.objective_value(plan) >= best_obj):
        return found
    found.plans.append(plan)
    rest = left()
    seconds = REGION_EARLY_SECONDS if rest is None else min(REGION_EARLY_SECONDS, 0.5 * rest)
    searched = _region_search(model, a, p, plan, options, seconds, target)
    if searched is not None:
        found.plans.append(searched[0])
        found.notes.append(searched[1])
    return found


def _apply(run: StagedSearch, found: _Found) -> None:
    """Offer the plans of a plan try and keep its notes."""
    run.notes.extend(found.notes)
    for plan in found.plans:
        if run.offer(plan):
            run.report(0.0, run.best_obj, None)


def _region_stage(run: StagedSearch, a: SactArrays, p: SactParameters, seconds: float | None) -> None:
    """The best plan improved region by region for at most ``seconds`` (:func:`_region_search`)."""
    if run.best_x is None:
        return
    searched = _region_search(run.model, a, p, run.best_x, run.options, seconds, lambda: _target(run))
    if searched is not None:
        run.notes.append(searched[1])
        if run.offer(searched[0]):
            run.report(0.0, run.best_obj, None)


def _region_search(
    model: MatrixModel,
    a: SactArrays,
    p: SactParameters,
    x: np.ndarray,
    options: SolveOptions,
    seconds: float | None,
    target: Callable[[], float | None],
) -> tuple[np.ndarray, str] | None:
    """The plan ``x`` improved region by region (:mod:`models.sact.regions`) for at most ``seconds``,
    when it misses the gap (``target``, the objective that meets it) by at most :data:`REGION_REACH`;
    None when not tried."""
    goal = target()
    if goal is None or (seconds is not None and seconds <= 1.0):
        return None
    value = model.objective_value(x)
    if value <= goal or value > (1.0 + REGION_REACH) * goal:
        return None
    return improve_by_regions(model, a, p, x, options, seconds, target)


def _target(run: StagedSearch) -> float | None:
    """The objective at which a plan meets the asked gap against the bound so far (None without one)."""
    return None if run.bound is None else target_objective(run.bound, run.options.gap)


def _dive_stage(
    run: StagedSearch, a: SactArrays, session: PricingSession, relaxation: PricedRelaxation
) -> bool:
    """Stage 3a: the restricted MILP with the open flags of a dive (:mod:`models.sact.dive`, in
    stage 1's warm ``session``) fixed, over the arcs priced in by then; True if its plan is the best
    so far, or ties it (otherwise stage 3 runs: a dive's plan dearer than fix and transport's must
    not skip it)."""
    if relaxation.status not in SOLVED_LP:
        run.notes.append(f"dive: skipped (stage 1 ended by {relaxation.status}: its last LP unsolved)")
        return False
    opts = run.options_for()
    if opts is None:
        return False
    model = run.model
    y_lp = relaxation.x[model.variable_blocks["open"].index]
    t0 = time.perf_counter()
    dived = dive_sites(session, model, y_lp, opts)
    if dived is None:
        run.notes.append(f"dive: no plan in {time.perf_counter() - t0:.1f} s")
        return False
    opts = run.options_for()
    if opts is None:
        return False
    sub = _restricted_mip(model, a, dived.active, dived.lazy_added, dived.sites)
    result, xs = solve_matrix(sub, opts, progress=run.report, stop_at=run.stop_at())
    run.notes.append(
        f"dive ({dived.steps} steps in {time.perf_counter() - t0:.1f} s, {int(dived.sites.sum())} sites "
        f"open): {result.status.value}"
    )
    if xs is None:
        return False
    x = sub.expand(xs, model.num_cols)
    run.offer(x)
    return run.best_obj is not None and model.objective_value(x) <= run.best_obj * (1 + 1e-9) + 1e-6


def _restricted_stage(run: StagedSearch, a: SactArrays, relaxation: PricedRelaxation) -> None:
    """Stage 3: the restricted MILP with the LP's sites fixed; without the fixings if no plan yet."""
    model = run.model
    y_lp = relaxation.x[model.variable_blocks["open"].index]
    small = model.variable_blocks["serve"].size <= FULL_MODEL_ARCS
    first_lp = relaxation.history[0][0] if relaxation.history else None
    for fixed in (True, False):
        rest = run.left()
        if rest is not None and first_lp is not None and rest < first_lp:
            run.notes.append(
                f"restricted MILP not started: {rest:.1f} s left, under the {first_lp:.1f} s of the "
                "relaxation's first LP (HiGHS's presolve and root LP do not stop at the deadline)"
            )
            return
        opts = run.options_for(0.25 * rest if (small and rest is not None and WHOLE_MODEL_STAGE) else 0.0)
        if opts is None:
            return
        sub = _restricted_mip(
            model, a, relaxation.active, relaxation.lazy_added, y_lp if fixed else None, plan=run.best_x
        )
        start = None if run.best_x is None else run.best_x[sub.parent_columns]
        result, xs = solve_matrix(sub, opts, start=start, progress=run.report, stop_at=run.stop_at())
        run.notes.append(f"restricted MILP{' (LP-fixed sites)' if fixed else ''}: {result.status.value}")
        if xs is not None:
            run.offer(sub.expand(xs, model.num_cols))
        if run.best_x is not None:
            return  # a plan in hand: the whole model (stage 4) goes on from it


def _whole_model_stage(run: StagedSearch, relaxation: PricedRelaxation) -> bool:
    """Stage 4: the whole model with the time left, from the best plan; True if it is infeasible."""
    opts = run.options_for()
    if opts is None:
        return False
    preset = {**WHOLE_MODEL_OPTIONS, **(WITH_PLAN_OPTIONS if run.best_x is not None else {})}
    opts = replace(opts, extra={**preset, **opts.extra})
    model = run.model
    whole = model.restricted(
        np.ones(model.num_cols, dtype=bool), lazy_rows=relaxation.lazy_added, keep_lazy=True
    )
    result, xs = solve_matrix(whole, opts, start=run.best_x, progress=run.report, stop_at=run.stop_at())
    run.notes.append(f"whole model: {result.status.value}")
    if result.status is Status.INFEASIBLE:
        return True
    if result.bound is not None and (run.bound is None or result.bound > run.bound):
        run.bound = result.bound
    if xs is not None:
        run.offer(whole.expand(xs, model.num_cols))
    run.exact = result.status is Status.OPTIMAL and run.best_x is not None
    return False


def _restricted_mip(
    model: MatrixModel,
    a: SactArrays,
    active: np.ndarray,
    lazy_added: np.ndarray,
    y_lp: np.ndarray | None,
    plan: np.ndarray | None = None,
) -> MatrixModel:
    """The model over the priced-in arcs, linking rows found as ordinary rows; with ``y_lp`` the sites
    the relaxation opens fully fixed open and those it leaves shut fixed shut (their arcs dropped).
    With ``plan`` (a full point) its arcs are in too and its sites are neither fixed open nor shut
    against it, so that it is a plan of the restricted MILP (its warm start)."""
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    columns = active.copy()
    y = model.variable_blocks["open"].index
    serve = model.variable_blocks["serve"].index
    plan_open = np.ones(len(y), dtype=bool) if plan is None else plan[y] > 0.5
    if plan is not None:
        columns[serve[plan[serve] > 0]] = True
    if y_lp is not None:
        lower[y[(y_lp >= 1.0 - FIX_TOLERANCE) & plan_open]] = 1.0
        shut = (y_lp <= FIX_TOLERANCE) & (lower[y] < 0.5)
        if plan is not None:
            shut &= ~plan_open
        upper[y[shut]] = 0.0
        columns[serve[shut[a.arc_site]]] = False
    return model.restricted(columns, lazy_rows=lazy_added, keep_lazy=False, col_lower=lower, col_upper=upper)
