r"""Large roll-outs: the stacked model's strong relaxation by pricing, a plan from a restricted MILP.

Why.  Ten years of the LSOA-level Lancashire & South Cumbria instance stack to 318,000 columns
(295,000 of them allocations) and 295,000 per-arc linking rows :math:`x_a \le y_{st}` (lazy):
HiGHS on the whole model does not finish its root relaxation in five minutes, so it returns no
plan at all.  As in one year (:mod:`models.sact.large`), the relaxation needs few arcs: each
demand row of each year is served from one or two of its nearest sites.

How (:func:`solve_priced`), three stages sharing one time limit:

1. *Strong relaxation by column generation* (:func:`solvers.pricing.price_relaxation`) over the
   stacked model: every year's :data:`NEAREST` nearest arcs per demand row to start, the linking
   rows separated as the LP breaks them.  Its Lagrangian bound is valid for the whole roll-out,
   converged or not.  :data:`LP_SHARE` of the time limit.
2. *A plan from the restricted MILP*: the stacked model over the arcs priced in, the linking rows
   found as ordinary rows, every site-year the LP opens fully fixed open and every one it leaves
   shut fixed shut (their arcs dropped).  A plan of it is a plan of the whole roll-out (a left-out
   arc carries 0).  It stops once the gap against the valid bound is met; if it has no plan
   (a fixing that the years' links cannot honour), the same MILP without the fixings.
3. *The whole model* with the time left, warm-started from that plan (linking rows found as
   ordinary rows, the rest lazy), stopped at the gap; its own bound replaces stage 1's when higher.

The bound reported is stage 1's or stage 3's, never a restricted MILP's.  ``optimal`` when the
gap against it is within the asked gap, else ``feasible``.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np

from models.rollout.build import RolloutModel
from models.sact.large import nearest_arcs
from solvers import MatrixModel, SolveOptions, SolveResult, Status, relative_gap, solve_matrix
from solvers.pricing import PricedRelaxation, price_within

NEAREST = 5  # arcs per demand row and year in the first restricted LP
LP_SHARE = 0.5  # of the time limit, for stage 1
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


class _Search:
    """What the stages share: the model, the clock, the valid bound and the best plan."""

    def __init__(self, model: MatrixModel, options: SolveOptions, progress: Any) -> None:
        self.model, self.options, self.progress = model, options, progress
        self.t0 = time.perf_counter()
        self.notes: list[str] = []
        self.bound: float | None = None
        self.best_x: np.ndarray | None = None
        self.best_obj: float | None = None

    def options_left(self) -> SolveOptions | None:
        """Options with the time left (None when less than a twentieth of a second is)."""
        limit = self.options.time_limit
        rest = None if limit is None else float(limit) - (time.perf_counter() - self.t0)
        shared = self.options.remaining()
        rest = shared if rest is None else rest if shared is None else min(rest, shared)
        if rest is not None and rest <= 0.05:
            return None
        return replace(self.options, time_limit=rest)

    def stop_at(self) -> float | None:
        """The objective at which the asked gap is met against the valid bound."""
        if self.bound is None or not np.isfinite(self.bound):
            return None
        gap = self.options.gap
        return self.bound / (1.0 - gap) if self.bound >= 0 else self.bound / (1.0 + gap)

    def gap_met(self) -> bool:
        gap = relative_gap(self.best_obj, self.bound)
        return gap is not None and gap <= self.options.gap + 1e-12

    def offer(self, x: np.ndarray) -> None:
        value = self.model.objective_value(x)
        if self.best_obj is None or value < self.best_obj:
            self.best_x, self.best_obj = x, value
            if self.progress is not None:
                self.progress(time.perf_counter() - self.t0, value, self.bound)

    def finish(self, build_seconds: float, infeasible: bool = False) -> tuple[SolveResult, np.ndarray | None]:
        x, objective, bound = self.best_x, self.best_obj, self.bound
        if infeasible:
            status, x, objective, bound = Status.INFEASIBLE, None, None, None
        elif x is None:
            status = Status.NO_SOLUTION
        else:
            # a bound a hair above the plan is rounding
            bound = None if bound is None or objective is None else min(bound, objective)
            status = Status.OPTIMAL if self.gap_met() else Status.FEASIBLE
        result = SolveResult(
            status=status,
            objective=objective,
            bound=bound,
            gap=relative_gap(objective, bound),
            build_seconds=build_seconds,
            solve_seconds=time.perf_counter() - self.t0,
            backend="highs",
            message="; ".join(self.notes),
            options=self.options.as_dict(),
        )
        return result, x


def solve_priced(
    built: RolloutModel, options: SolveOptions, *, build_seconds: float = 0.0, progress: Any = None
) -> tuple[SolveResult, np.ndarray | None]:
    """Solve the stacked roll-out by the three stages of the module docstring."""
    run = _Search(built.model, options, progress)
    relaxation = _relax(run, built)
    if relaxation.status == "infeasible":
        return run.finish(build_seconds, infeasible=True)
    if relaxation.x is not None:
        for fixed in (True, False):
            if run.best_x is not None or (opts := run.options_left()) is None:
                break
            sub = _restricted_mip(built, relaxation, fixed)
            result, xs = solve_matrix(sub, opts, stop_at=run.stop_at())
            run.notes.append(f"restricted MILP{' (LP-fixed sites)' if fixed else ''}: {result.status.value}")
            if xs is not None:
                run.offer(sub.expand(xs, built.model.num_cols))
    if not run.gap_met() and _whole_model(run, relaxation):
        return run.finish(build_seconds, infeasible=True)
    return run.finish(build_seconds)


def _relax(run: _Search, built: RolloutModel) -> PricedRelaxation:
    """Stage 1: the strong relaxation of the stacked model by pricing; sets the valid bound."""
    model = built.model
    priced = np.zeros(model.num_cols, dtype=bool)
    initial = np.zeros(model.num_cols, dtype=bool)
    for year in built.years:
        serve = year.columns("serve")
        priced[serve] = True
        initial[serve[nearest_arcs(year.arrays, NEAREST)]] = True
    relaxation = price_within(model, priced, initial, run.options, LP_SHARE)
    run.bound = relaxation.bound
    run.notes.append(relaxation.summary(priced))
    return relaxation


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


def _whole_model(run: _Search, relaxation: PricedRelaxation) -> bool:
    """Stage 3: the whole model with the time left, from the best plan; True if it is infeasible."""
    opts = run.options_left()
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
    if xs is not None:
        run.offer(whole.expand(xs, model.num_cols))
    return False
