r"""Large roll-outs: the stacked model's strong relaxation by pricing, a plan from a restricted MILP.

Why.  Ten years of the LSOA-level Lancashire & South Cumbria instance stack to 318,000 columns
(295,000 of them allocations) and 295,000 per-arc linking rows :math:`x_a \le y_{st}` (lazy):
HiGHS on the whole model does not finish its root relaxation in five minutes, so it returns no
plan at all.  As in one year (:mod:`models.sact.large`), the relaxation needs few arcs: each
demand row of each year is served from one or two of its nearest sites.

How (:func:`solve_priced`), four stages sharing one time limit:

1. *Strong relaxation by column generation* (:func:`solvers.pricing.price_relaxation`) over the
   stacked model: every year's :data:`NEAREST` nearest arcs per demand row to start, the linking
   rows separated as the LP breaks them.  Its Lagrangian bound is valid for the whole roll-out,
   converged or not.  :data:`LP_SHARE` of the time limit.
2. *A plan from the restricted MILP*: the stacked model over the arcs priced in, the linking rows
   found as ordinary rows, every site-year the LP opens fully fixed open and every one it leaves
   shut fixed shut (their arcs dropped).  A plan of it is a plan of the whole roll-out (a left-out
   arc carries 0).  It stops once the gap against the valid bound is met; if it has no plan
   (a fixing that the years' links cannot honour), the same MILP without the fixings.
   It runs to :data:`RESTRICTED_GAP_SHARE` of the asked gap (at most :data:`RESTRICTED_TIME_SHARE`
   of the time left), stopping at once at a plan the valid bound proves: on the LSOA-level ten
   years the plan at 1 % of the restricted MILP's own bound cost £66.06m, the one at 0.01 %
   £65.97m, and only the second is within 1 % of the root bound after branching.
3. *Branching on the part-open site-years* (:func:`models.rollout.branch.branch_on_sites`):
   best-bound branch and bound over the open flags the relaxation leaves fractional, each child
   priced warm in stage 1's LP; the least leaf bound is valid for the whole roll-out.  On the
   LSOA-level ten years, branching on Chorley (RXN01, 32 % open in every year) raises the bound
   from £65,292,385 to £65,355,798 in two children.
4. *The whole model* with the time left, warm-started from the best plan (linking rows found as
   ordinary rows, the rest lazy), stopped at the gap; its own bound replaces the search's when
   higher.

The bound reported is stage 1's, stage 3's or stage 4's, never a restricted MILP's.  ``optimal``
when the gap against it is within the asked gap, else ``feasible``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from models.rollout.branch import branch_on_sites
from models.rollout.build import RolloutModel
from models.sact.large import nearest_arcs
from solvers import MatrixModel, SolveOptions, SolveResult, Status, solve_matrix
from solvers.pricing import PricedRelaxation, PricingSession
from solvers.search_state import StagedSearch

NEAREST = 5  # arcs per demand row and year in the first restricted LP
LP_SHARE = 0.5  # of the time limit, for stage 1
RESTRICTED_GAP_SHARE = 0.01  # the restricted MILP runs to this share of the asked gap (or stops at it)
RESTRICTED_TIME_SHARE = 0.5  # of the time left, at most, for the restricted MILP
FIX_TOLERANCE = 1e-6  # a site-year the LP opens at least 1 - this (or at most this) is fixed in stage 2
PRICED_PATH_ARCS = 40_000  # solve_method "auto": the priced path above this many arcs in all years
# (below one year's 100,000: LSOA x 1 year, 29,500 arcs, solves directly to 0.6 % in 18 s; LSOA x 3
# years, 88,000 arcs, directly 3.98 % in 300 s, priced 1.40 %: benchmarks/results/rollout_lsoa.md)


def use_priced_path(built: RolloutModel, method: str) -> bool:
    """The base instance's ``solve_method``: ``priced`` forces this path, ``direct`` (or
    ``radius``, which has no roll-out form) the whole model; ``auto`` above
    :data:`PRICED_PATH_ARCS` arcs over all years."""
    if method == "priced":
        return True
    arcs = sum(year.model.variable_blocks["serve"].size for year in built.years)
    return method == "auto" and arcs > PRICED_PATH_ARCS


def solve_priced(
    built: RolloutModel, options: SolveOptions, *, build_seconds: float = 0.0, progress: Any = None
) -> tuple[SolveResult, np.ndarray | None]:
    """Solve the stacked roll-out by the four stages of the module docstring."""
    run = StagedSearch(built.model, options, build_seconds, progress)
    session, relaxation = _relax(run, built)
    if relaxation.status == "infeasible":
        return run.result(Status.INFEASIBLE)
    if relaxation.x is not None:
        for fixed in (True, False):
            if run.best_x is not None or (opts := run.options_for()) is None:
                break
            sub = _restricted_mip(built, relaxation, fixed)
            tighter = replace(opts, gap=RESTRICTED_GAP_SHARE * opts.gap)
            if opts.time_limit is not None:
                tighter = replace(tighter, time_limit=RESTRICTED_TIME_SHARE * opts.time_limit)
            result, xs = solve_matrix(sub, tighter, stop_at=run.stop_at())
            run.notes.append(f"restricted MILP{' (LP-fixed sites)' if fixed else ''}: {result.status.value}")
            if xs is not None and run.offer(sub.expand(xs, built.model.num_cols)):
                run.report()
    if not run.gap_met():
        nodes = branch_on_sites(run, built, session, relaxation)
        run.notes.append(f"branching on part-open sites: {nodes} relaxations")
    if not run.gap_met() and _whole_model(run, relaxation):
        return run.result(Status.INFEASIBLE)
    return run.result()


def _relax(run: StagedSearch, built: RolloutModel) -> tuple[PricingSession, PricedRelaxation]:
    """Stage 1: the strong relaxation of the stacked model by pricing; sets the valid bound.  The
    session is kept for the branching (:mod:`models.rollout.branch`)."""
    model = built.model
    priced = np.zeros(model.num_cols, dtype=bool)
    initial = np.zeros(model.num_cols, dtype=bool)
    for year in built.years:
        serve = year.columns("serve")
        priced[serve] = True
        initial[serve[nearest_arcs(year.arrays, NEAREST)]] = True
    opts = run.options
    session = PricingSession(model, priced, initial, threads=opts.threads, verbose=opts.verbose)
    limit = opts.call_limit()
    relaxation = session.price(time_limit=None if limit is None else LP_SHARE * limit, deadline=opts.deadline)
    run.bound = relaxation.bound
    run.notes.append(relaxation.summary(priced))
    return session, relaxation


def _restricted_mip(built: RolloutModel, relaxation: PricedRelaxation, fixed: bool) -> MatrixModel:
    """Stage 2's model: the priced-in arcs, linking rows found as ordinary rows; with ``fixed`` the
    site-years the LP opens fully fixed open and those it leaves shut fixed shut, arcs dropped."""
    model = built.model
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    columns = relaxation.active.copy()
    if fixed and relaxation.x is not None:
        for year in built.years:
            y = year.columns("open")
            y_lp = relaxation.x[y]
            lower[y[y_lp >= 1.0 - FIX_TOLERANCE]] = 1.0
            shut = (y_lp <= FIX_TOLERANCE) & (lower[y] < 0.5)
            upper[y[shut]] = 0.0
            columns[year.columns("serve")[shut[year.arrays.arc_site]]] = False
    return model.restricted(
        columns, lazy_rows=relaxation.lazy_added, keep_lazy=False, col_lower=lower, col_upper=upper
    )


def _whole_model(run: StagedSearch, relaxation: PricedRelaxation) -> bool:
    """Stage 4: the whole model with the time left, from the best plan; True if it is infeasible."""
    opts = run.options_for()
    if opts is None:
        return False
    model = run.model
    whole = model.restricted(
        np.ones(model.num_cols, dtype=bool), lazy_rows=relaxation.lazy_added, keep_lazy=True
    )
    result, xs = solve_matrix(whole, opts, start=run.best_x, stop_at=run.stop_at())
    run.notes.append(f"whole model: {result.status.value}")
    if result.status is Status.INFEASIBLE:
        return True
    if result.bound is not None and (run.bound is None or result.bound > run.bound):
        run.bound = result.bound
    if xs is not None and run.offer(whole.expand(xs, model.num_cols)):
        run.report()
    return False
