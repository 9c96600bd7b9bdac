r"""Large SACT location instances: the strong relaxation by pricing, plans from restricted MILPs.

Why.  At 10,000 zones x 300 sites (about 485,000 arcs) HiGHS on the whole model does not finish
even its root relaxation in two minutes: the per-arc linking rows :math:`x_a \le y_s` that make
the bound strong (see :mod:`models.sact_location`, constraint 4) make that LP large and degenerate,
and the solver never reaches a plan.  Yet the relaxation uses few arcs: at its optimum each demand
row is served by one or two of its nearest sites (about 25,000 arcs of 485,000 at that size, none
beyond the 13th nearest), and few linking rows bind (those of sites opened fractionally).

How (:func:`solve_priced`), three stages sharing one time limit:

1. *Strong relaxation by column generation* (:func:`solvers.pricing.price_relaxation`, generic):
   start from every demand row's :data:`NEAREST` nearest arcs, with the aggregated linking rows
   only; price every other arc with the row duals (one sparse product) and add those of negative
   reduced cost; separate the per-arc linking rows (the model's lazy pool) the LP breaks; repeat.
   The *Lagrangian bound* of every round is a valid lower bound on the whole model (proof in
   :mod:`solvers.pricing`), converged or not, and equals the strong LP bound at convergence.  The
   stage gets :data:`LP_SHARE` of the time limit.
2. *A plan from a restricted MILP* (RINS-like): the model over the arcs priced in, with the linking
   rows found as ordinary rows, every site the LP opens fully (:math:`y_s \ge 1 - \epsilon`)
   fixed open, every site it leaves shut (:math:`y_s \le \epsilon`) fixed shut
   (:data:`FIX_TOLERANCE`) and their arcs dropped.  Its plans are plans of the whole model (a
   left-out arc is an allocation of 0), so its best plan is returned whatever happens; it stops
   as soon as the gap *against the valid bound* reaches the asked gap.  If it has no plan, the same
   MILP without the fixings is tried with the time left.
3. *Exactness on models of moderate size*: with at most :data:`FULL_MODEL_ARCS` arcs, the whole
   model (every arc; linking rows found so far as ordinary rows, the rest lazy) is solved last,
   warm-started from the plan of stage 2; its bound is valid, so the answer is exact given time.

The reported bound is the best of the stage-1 bound and, when stage 3 ran, the whole model's own
MILP bound; never the bound of a restricted MILP (valid only for that restriction).  Gap and status
are computed against it: ``optimal`` when within the asked gap, else ``feasible``.

When.  :func:`models.sact.solve_sact` takes this path for HiGHS when the model has more than
:data:`PRICED_PATH_ARCS` arcs (``method="auto"``); ``method="priced"`` forces it, ``"direct"``
the whole-model path.  Every feature of the formulation keeps working (the stages only leave
columns out and fix integers); the path is not used with ``strong_linking`` on but
``lazy_linking`` off (every per-arc row asked for up front), where the direct path applies.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np

from models.sact_data import SactArrays
from models.sact_location import SactParameters
from models.sact_matrix import build_matrix
from solvers import MatrixModel, SolveOptions, SolveResult, Status, relative_gap, solve_matrix
from solvers.pricing import price_relaxation

PRICED_PATH_ARCS = 100_000  # method "auto": the priced path above this many arcs
NEAREST = 5  # arcs per demand row in the first restricted LP
LP_SHARE = 0.5  # of the time limit, for stage 1
FIX_TOLERANCE = 0.01  # stage 2 fixes y to 1 at or above 1 - this, to 0 at or below it
FULL_MODEL_ARCS = 20_000  # stage 3 (the whole model) only up to this many arcs
METHODS = ("auto", "direct", "priced")


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
    build_seconds: float = 0.0,
    progress: Any = None,
) -> tuple[SolveResult, np.ndarray | None, MatrixModel]:
    """Solve the model of ``a`` by the three stages of the module docstring.

    Returns the result (bound valid for the whole model), the plan as a full column vector of the
    returned model (None without a plan) and that model (:func:`models.sact_matrix.build_matrix`).
    """
    t_build = time.perf_counter()
    model = build_matrix(a, p)
    build_seconds += time.perf_counter() - t_build
    t0 = time.perf_counter()
    limit = None if options.time_limit is None else float(options.time_limit)

    def left() -> float | None:
        return None if limit is None else limit - (time.perf_counter() - t0)

    serve = model.variable_blocks["serve"].index
    priced = np.zeros(model.num_cols, dtype=bool)
    priced[serve] = True
    initial = np.zeros(model.num_cols, dtype=bool)
    initial[serve[nearest_arcs(a, NEAREST)]] = True
    relaxation = price_relaxation(
        model,
        priced,
        initial,
        time_limit=None if limit is None else LP_SHARE * limit,
        threads=options.threads,
        verbose=options.verbose,
    )
    bound = relaxation.bound
    notes = [
        f"relaxation by pricing: {relaxation.status} after {relaxation.rounds} rounds "
        f"({int(relaxation.active[serve].sum())} of {len(serve)} arcs, "
        f"{int(relaxation.lazy_added.sum())} linking rows)"
    ]

    def finish(status: Status, objective: float | None, x: np.ndarray | None, bnd: float | None) -> tuple:
        gap = relative_gap(objective, bnd)
        if status is Status.FEASIBLE and gap is not None and gap <= options.gap + 1e-12:
            status = Status.OPTIMAL
        result = SolveResult(
            status=status,
            objective=objective,
            bound=bnd,
            gap=gap,
            build_seconds=build_seconds,
            solve_seconds=time.perf_counter() - t0,
            backend="highs",
            message="; ".join(notes),
            options=options.as_dict(),
        )
        return result, x, model

    if relaxation.status == "infeasible":
        return finish(Status.INFEASIBLE, None, None, None)
    full_stage = len(serve) <= FULL_MODEL_ARCS

    def sub_options(reserve: float) -> SolveOptions | None:
        rest = left()
        if rest is not None:
            rest -= reserve
            if rest <= 0.05:
                return None
        return replace(options, time_limit=rest)

    def report(seconds: float, objective: float | None, sub_bound: float | None) -> None:
        if progress is not None:
            progress(time.perf_counter() - t0, objective, bound)

    best_x: np.ndarray | None = None
    best_obj: float | None = None
    stop_at = None if bound is None or not np.isfinite(bound) else _target(bound, options.gap)
    if relaxation.x is not None:
        y_lp = relaxation.x[model.variable_blocks["open"].index]
        for fixed in (True, False):
            opts = sub_options(0.25 * left() if (full_stage and left() is not None) else 0.0)
            if opts is None:
                break
            sub = _restricted_mip(model, a, relaxation.active, relaxation.lazy_added, y_lp if fixed else None)
            result, xs = solve_matrix(sub, opts, progress=report, stop_at=stop_at)
            notes.append(f"restricted MILP{' (LP-fixed sites)' if fixed else ''}: {result.status.value}")
            if xs is not None:
                best_x = sub.expand(xs, model.num_cols)
                best_obj = model.objective_value(best_x)
                break
    gap = relative_gap(best_obj, bound)
    if full_stage and (gap is None or gap > options.gap):
        opts = sub_options(0.0)
        if opts is not None:
            whole = model.restricted(
                np.ones(model.num_cols, dtype=bool), lazy_rows=relaxation.lazy_added, keep_lazy=True
            )
            result, xs = solve_matrix(whole, opts, start=best_x, progress=report)
            notes.append(f"whole model: {result.status.value}")
            if result.status is Status.INFEASIBLE:
                return finish(Status.INFEASIBLE, None, None, None)
            if result.bound is not None and (bound is None or result.bound > bound):
                bound = result.bound
            if xs is not None:
                x_full = whole.expand(xs, model.num_cols)
                value = model.objective_value(x_full)
                if best_obj is None or value < best_obj:
                    best_x, best_obj = x_full, value
            if result.status is Status.OPTIMAL and best_obj is not None:
                bound = max(bound if bound is not None else -np.inf, result.bound or -np.inf)
                return finish(Status.OPTIMAL, best_obj, best_x, min(bound, best_obj))
    if best_x is None:
        return finish(Status.NO_SOLUTION, None, None, bound)
    if bound is not None:
        bound = min(bound, best_obj)  # an LP bound a hair above the plan is rounding
    return finish(Status.FEASIBLE, best_obj, best_x, bound)


def _target(bound: float, gap: float) -> float:
    """The largest objective whose gap to ``bound`` is at most ``gap`` (relative to the objective)."""
    if bound >= 0:
        return bound / (1.0 - gap) if gap < 1.0 else np.inf
    return bound / (1.0 + gap)


def _restricted_mip(
    model: MatrixModel,
    a: SactArrays,
    active: np.ndarray,
    lazy_added: np.ndarray,
    y_lp: np.ndarray | None,
) -> MatrixModel:
    """The model over the priced-in arcs, linking rows found as ordinary rows; with ``y_lp`` the sites
    the relaxation opens fully fixed open and those it leaves shut fixed shut (their arcs dropped)."""
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    columns = active.copy()
    if y_lp is not None:
        y = model.variable_blocks["open"].index
        lower[y[y_lp >= 1.0 - FIX_TOLERANCE]] = 1.0
        shut = (y_lp <= FIX_TOLERANCE) & (lower[y] < 0.5)
        upper[y[shut]] = 0.0
        serve = model.variable_blocks["serve"].index
        columns[serve[shut[a.arc_site]]] = False
    return model.restricted(columns, lazy_rows=lazy_added, keep_lazy=False, col_lower=lower, col_upper=upper)
