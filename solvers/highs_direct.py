"""Solve a :class:`MatrixModel` with HiGHS through highspy, handing over arrays directly."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from solvers.highs_stop import HighsStop
from solvers.interrupt import INTERRUPTED_NO_PLAN, stop_requested, stopped_early_message
from solvers.matrix import MatrixModel
from solvers.options import SolveOptions
from solvers.progress import Progress
from solvers.result import SolveResult, Status, relative_gap
from solvers.status_words import plain_words

_BANNER_SHOWN = False


def new_highs() -> Any:
    """A ``highspy.Highs``; the banner HiGHS prints on its first construction is kept off stdout."""
    global _BANNER_SHOWN
    import os
    import sys

    import highspy

    if _BANNER_SHOWN:
        return highspy.Highs()
    _BANNER_SHOWN = True
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def set_highs_threads(h: Any, threads: int) -> None:
    """Run ``h`` on ``threads`` threads. HiGHS keeps one thread scheduler per process, sized by the
    first run that needed it; an object asking for another size fails at ``run()`` with an error
    status and no solution, so a fresh scheduler is made first (no other HiGHS run is in progress
    in this engine while one starts)."""
    import highspy

    highspy.Highs.resetGlobalScheduler(True)
    h.setOptionValue("threads", int(threads))


def _status(model_status: object, has_solution: bool) -> tuple[Status, str]:
    import highspy

    ms = highspy.HighsModelStatus
    name = str(model_status).split(".")[-1]
    if model_status == ms.kOptimal:
        return Status.OPTIMAL, name
    if model_status == ms.kInfeasible:
        return Status.INFEASIBLE, name
    if model_status == ms.kUnbounded:
        return Status.UNBOUNDED, name
    if model_status == ms.kUnboundedOrInfeasible:
        return (Status.UNBOUNDED if has_solution else Status.INFEASIBLE), name
    if model_status in (
        ms.kTimeLimit,
        ms.kIterationLimit,
        ms.kSolutionLimit,
        ms.kInterrupt,
        ms.kHighsInterrupt,  # type: ignore[attr-defined]
        ms.kObjectiveBound,
        ms.kObjectiveTarget,
        ms.kMemoryLimit,
        ms.kUnknown,
    ):
        return (Status.FEASIBLE if has_solution else Status.NO_SOLUTION), name
    return Status.ERROR, name


LAZY_TOLERANCE = 1e-6
MAX_CUT_ROUNDS = 50
ROOT_ROUND_PER_LP_SECOND = 1.0
"""HiGHS's own time limit for a MILP with lazy rows ends this many times the seconds of its root
cut loop (:func:`_root_cut_loop`, linear programs of the same rows and columns) before the call's
end (a share of the loop's wall seconds, no unit).  After its root linear program HiGHS 1.16
separates cuts in rounds during which neither its interrupt callbacks nor, for seconds at a
time, its own time limit are consulted (upstream ERGO-Code/HiGHS issues #885 and #1278): on the
whole model of ``lsc-sact`` (29,602 columns, 3,450 rows, cut loop 0.9-2.1 s at load 3.5-6) a
limit that fell among those rounds was overrun by up to 3.4 s.  The rounds' length follows the
linear program's, so a MILP given a start stops that much early instead (one whose time left is
under the margin gets the least time limit, in which HiGHS returns the start); without a start
the call keeps all its time, since a plan found late is better than none
(``benchmarks/results/time_limits.md``)."""


def _root_cut_loop(h: Any, model: MatrixModel, stop: HighsStop) -> tuple[int, float | None]:
    """Solve the linear relaxation, add the lazy rows it violates, repeat until none is violated.

    The relaxation then has the bound of the model with every lazy row, with only the rows that
    matter.  Returns how many rows were added and the last relaxation's optimum (a valid bound).
    """
    import highspy

    pool, lower, upper = model.lazy_pool()
    added = np.zeros(pool.shape[0], dtype=bool)
    bound: float | None = None
    for _ in range(MAX_CUT_ROUNDS):
        if stop.spent():
            break
        stop.arm(mip=False)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        bound = float(h.getInfo().objective_function_value)
        x = np.asarray(h.getSolution().col_value, dtype=float)
        activity = pool @ x
        scale = LAZY_TOLERANCE * np.maximum(1.0, np.abs(np.where(np.isfinite(upper), upper, 0.0)))
        violated = ~added & ((activity > upper + scale) | (activity < lower - scale))
        rows = np.flatnonzero(violated)
        if rows.size == 0:
            break
        block = pool[rows]
        h.addRows(
            rows.size,
            lower[rows],
            upper[rows],
            block.nnz,
            block.indptr[:-1].astype(np.int32),
            block.indices.astype(np.int32),
            block.data.astype(float),
        )
        added[rows] = True
    return int(added.sum()), bound


def _configure(h: Any, options: SolveOptions) -> None:

    h.setOptionValue("output_flag", bool(options.verbose or options.log_file))
    h.setOptionValue("log_to_console", bool(options.verbose))
    if options.log_file:
        h.setOptionValue("log_file", str(options.log_file))
    h.setOptionValue("mip_rel_gap", float(options.gap))
    h.setOptionValue("random_seed", int(options.seed))
    if options.threads is not None:
        set_highs_threads(h, options.threads)
    for key, value in options.extra.items():
        h.setOptionValue(str(key), value)


def _pass_model(h: Any, model: MatrixModel, integer: np.ndarray, lazy: bool) -> list[Any]:
    """Hand the arrays to HiGHS (integrality only when no lazy rows are to be added first)."""
    import highspy

    lp = highs_lp(model)
    var = highspy.HighsVarType
    kinds: list[Any] = [var.kInteger if flag else var.kContinuous for flag in integer.tolist()]
    if integer.any() and not lazy:
        lp.integrality_ = kinds
    h.passModel(lp)
    return kinds


def highs_lp(model: MatrixModel, a: sp.spmatrix | None = None, col_order: np.ndarray | None = None) -> Any:
    """The ``highspy.HighsLp`` of ``model``'s ordinary rows over its columns, or over columns
    ``col_order`` of ``a`` (the model's matrix, passed in when already built)."""
    import highspy

    cols: np.ndarray | slice = slice(None) if col_order is None else col_order
    whole = model.matrix() if a is None else a
    sub = whole if col_order is None else whole[:, col_order].tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = sub.shape[1]
    lp.num_row_ = model.num_rows
    lp.col_cost_ = model.cost[cols]
    lp.col_lower_ = model.col_lower[cols]
    lp.col_upper_ = model.col_upper[cols]
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    lp.offset_ = model.objective_offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = sub.indptr.astype(np.int32)
    lp.a_matrix_.index_ = sub.indices.astype(np.int32)
    lp.a_matrix_.value_ = sub.data.astype(float)
    return lp


def _not_started(options: SolveOptions, build_seconds: float, bound: float | None, why: str) -> SolveResult:
    """The result of a call whose time was spent, or whose stop was requested, before it could run."""
    interrupted = stop_requested()
    return SolveResult(
        status=Status.NO_SOLUTION,
        objective=None,
        bound=bound,
        gap=None,
        build_seconds=build_seconds,
        solve_seconds=0.0,
        backend="highs",
        message=INTERRUPTED_NO_PLAN if interrupted else why,
        options=options.as_dict(),
        interrupted=interrupted,
    )


def solve_matrix(
    model: MatrixModel,
    options: SolveOptions | None = None,
    *,
    build_seconds: float = 0.0,
    start: np.ndarray | None = None,
    progress: Progress | None = None,
    stop_at: float | None = None,
    relax: bool = False,
) -> tuple[SolveResult, np.ndarray | None]:
    """Solve ``model`` with HiGHS; return the uniform result and the solution vector (or None).

    The call ends by ``options.call_limit()`` seconds from its start (its time limit or the
    deadline, whichever is first), at a stop request (:mod:`solvers.interrupt`) or when
    ``options.cancel`` is set, with the best plan found; once the deadline is spent, the stop
    requested or the call cancelled it returns at once without a plan, unless given a ``start``,
    which it then returns.  ``start`` is an optional feasible plan
    to warm-start from (full column vector).  ``stop_at`` stops a MILP as soon as a plan of at most
    that objective is found (status ``feasible``).  ``relax`` solves the linear relaxation instead
    (every integrality flag dropped).  A MILP with lazy rows and a start stops
    :data:`ROOT_ROUND_PER_LP_SECOND` times its root cut loop's seconds before the call's end.
    """
    import highspy

    options = options or SolveOptions()
    limit = options.call_limit()
    if start is None and (stop_requested() or options.cancelled() or options.remaining() == 0.0):
        why = "called off" if options.cancelled() else "time limit reached"
        why += " before the solve started"
        return _not_started(options, build_seconds, None, why), None
    t0 = time.perf_counter()
    h = new_highs()
    stop = HighsStop(h, None if limit is None else time.monotonic() + limit, options.cancel)
    _configure(h, options)
    integer = np.zeros(model.num_cols, dtype=bool) if relax else model.integer
    lazy = model.num_lazy > 0
    kinds = _pass_model(h, model, integer, lazy)
    handoff = time.perf_counter() - t0

    t1 = time.perf_counter()
    cuts = 0
    root_bound: float | None = None
    margin = 0.0
    if lazy:
        cuts, root_bound = _root_cut_loop(h, model, stop)
        if start is not None:  # with a plan in hand the margin costs at most a better bound
            margin = ROOT_ROUND_PER_LP_SECOND * (time.perf_counter() - t1)
        if stop.spent() and integer.any() and start is None:
            why = f"time limit reached in the root relaxation ({cuts} lazy rows added)"
            return _not_started(options, build_seconds + handoff, root_bound, why), None
        if integer.any():
            h.changeColsIntegrality(
                model.num_cols,
                np.arange(model.num_cols, dtype=np.int32),
                np.array([int(k) for k in kinds], dtype=np.uint8),
            )
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(np.asarray(start, dtype=float))
        h.setSolution(sol)
    _subscribe(h, progress, stop_at if integer.any() else None)
    stop.arm(mip=bool(integer.any()), margin=margin if integer.any() else 0.0)
    h.run()
    solve_seconds = time.perf_counter() - t1
    result, x = _result(h, bool(integer.any()), root_bound, stop, options)
    message = result.message + (f"; {cuts} lazy rows added at the root" if lazy else "")
    return replace(
        result, message=message, build_seconds=build_seconds + handoff, solve_seconds=solve_seconds
    ), x


def _subscribe(h: Any, progress: Progress | None, stop_at: float | None) -> None:
    """Report each better plan to ``progress``; stop once a plan reaches ``stop_at``."""
    if progress is not None:

        def _on_improving(event: Any) -> None:
            out = event.data_out
            bound = out.mip_dual_bound
            progress(out.running_time, out.objective_function_value, bound if np.isfinite(bound) else None)

        h.cbMipImprovingSolution.subscribe(_on_improving)
    if stop_at is not None:

        def _on_interrupt(event: Any) -> None:
            if event.data_out.objective_function_value <= stop_at:
                event.interrupt()

        h.cbMipInterrupt.subscribe(_on_interrupt)


def _result(
    h: Any, mip: bool, root_bound: float | None, stop: HighsStop, options: SolveOptions
) -> tuple[SolveResult, np.ndarray | None]:
    """The uniform result of the last ``run()`` (times left for the caller to fill in)."""
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2
    status, message = _status(h.getModelStatus(), has_solution)
    x = np.asarray(h.getSolution().col_value, dtype=float) if status.has_plan else None
    objective = float(info.objective_function_value) if status.has_plan else None
    if mip:
        bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
        if root_bound is not None and (bound is None or root_bound > bound):
            bound = root_bound
    else:
        bound = objective if status is Status.OPTIMAL else None
    if status is Status.OPTIMAL and bound is None:
        bound = objective
    interrupted = status in (Status.FEASIBLE, Status.NO_SOLUTION) and stop_requested()
    if interrupted:
        message = stopped_early_message(status.has_plan)
    elif stop.reason == "time" and message == "kInterrupt":
        message = "kTimeLimit"
    if not interrupted:
        message = plain_words(message)
    result = SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=0.0,
        solve_seconds=0.0,
        backend="highs",
        message=message,
        options=options.as_dict(),
        interrupted=interrupted,
    )
    return result, x
