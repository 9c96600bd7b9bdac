r"""The linear relaxation of a large :class:`MatrixModel` by column generation and row separation.

Many columns of a large model are never used at the optimum of its linear relaxation (an
allocation to a far site, say), and many of its lazy rows are never binding.  :func:`price_relaxation`
solves the relaxation over a *restricted* set of columns and rows and grows both until neither
a column nor a row is missing:

1. Solve the LP over the active columns, every ordinary row and the lazy rows added so far
   (left-out columns sit at 0, which they must allow).
2. *Pricing*: with the row duals :math:`\pi` (a lazy row not in the LP has dual 0), the reduced
   cost of every column is :math:`d = c - A^\top \pi`, one sparse matrix-vector product over the
   whole model; a left-out column with :math:`d_j < 0` could improve the LP and is added (the
   most negative first, at most ``max_columns`` a round).
3. *Separation*: the LP solution, extended by zeros, is checked against every lazy row not yet
   in the LP; violated ones are added (the most violated first, at most ``max_rows`` a round).
4. Repeat until nothing is added, the time is up (``time_limit`` or ``deadline``), a stop is
   requested (:mod:`solvers.interrupt`), the bound stalls (``stall_rounds`` rounds in a row
   each raising it by less than ``stall_tolerance``, relative), or the caller's ``enough`` says
   the bound so far is all it needs (e.g. a plan is already within the asked gap of it).

A valid lower bound at every round, converged or not (Lagrangian bound).  For any row multipliers
:math:`\pi` and :math:`d = c - A^\top \pi` over *all* rows and columns of the model,

.. math:: c^\top x = d^\top x + \pi^\top A x
          \ge \sum_j \min(d_j l_j, d_j u_j) + \sum_i \min(\pi_i L_i, \pi_i U_i)

for every :math:`x` with :math:`l \le x \le u`, :math:`L \le Ax \le U`: a lower bound on the LP, hence
on the MILP.  (A multiplier whose side is infinite is set to 0 first, so the bound stays finite
when it can.)  At convergence it equals the LP optimum; before, it is the best bound that the
duals prove.  Nothing here depends on simplex tolerances: the bound is recomputed from the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from solvers.highs_stop import HighsStop
from solvers.interrupt import stop_requested
from solvers.matrix import MatrixModel
from solvers.options import SolveOptions

# enough(bound, x, active): the caller's stop after a round (see price_relaxation)
Enough = Callable[[float, np.ndarray, np.ndarray], bool]


@dataclass
class PricedRelaxation:
    """Outcome of :func:`price_relaxation`.

    status : ``optimal`` (nothing left to add), ``stalled`` (bound no longer moving), ``enough`` (the
        caller's ``enough`` said so), ``time_limit``,
        ``interrupted`` (stop requested), ``round_limit``, ``infeasible`` (the restricted LP, with
        every column, has no solution), or the HiGHS model status of a failed solve.
    bound : valid lower bound on the model's optimum (None when no LP was solved).
    objective : optimum of the last restricted LP (an upper bound on the LP over every column).
    x : the last restricted LP solution as a full column vector (0 where left out), or None.
    active : mask of the columns in the restricted LP; ``lazy_added``: mask of the lazy rows added.
    rounds, seconds : LP solves and wall-clock seconds.
    history : per round (seconds so far, restricted LP objective, bound, columns added, rows added).
    """

    status: str
    bound: float | None
    objective: float | None
    x: np.ndarray | None
    active: np.ndarray
    lazy_added: np.ndarray
    rounds: int
    seconds: float
    history: list[tuple[float, float, float, int, int]] = field(default_factory=list)

    def summary(self, priced: np.ndarray) -> str:
        """One line for a plan's notes: status, rounds, ``priced`` columns (a mask) taken in, rows added."""
        return (
            f"relaxation by pricing: {self.status} after {self.rounds} rounds "
            f"({int(self.active[priced].sum())} of {int(priced.sum())} arcs, "
            f"{int(self.lazy_added.sum())} linking rows)"
        )

    @property
    def converged(self) -> bool:
        return self.status == "optimal"


def lagrangian_bound(
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    a: sp.spmatrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    dual: np.ndarray,
    offset: float = 0.0,
) -> tuple[float, np.ndarray]:
    """The bound of the module docstring for multipliers ``dual``; also the reduced costs ``d``."""
    y = np.asarray(dual, dtype=float).copy()
    y[(y > 0) & ~np.isfinite(row_lower)] = 0.0
    y[(y < 0) & ~np.isfinite(row_upper)] = 0.0
    d = cost - a.T @ y
    with np.errstate(invalid="ignore"):
        col_part = np.where(d > 0, d * col_lower, np.where(d < 0, d * col_upper, 0.0))
        row_part = np.where(y > 0, y * row_lower, np.where(y < 0, y * row_upper, 0.0))
    total = float(offset + col_part.sum() + row_part.sum())
    return (total if np.isfinite(total) else -np.inf), d


_RETRY = "retry"  # _solve_restricted_lp: every column was brought in, solve again


@dataclass
class _RestrictedLP:
    """The restricted LP held in HiGHS and the model data it is grown from.

    ``col_order[k]`` is the model column of LP column ``k``; ``row_order[i]`` the lazy row of LP
    row ``m + i``; ``active`` and ``added`` mark the columns and lazy rows in the LP;
    ``col_lower``, ``col_upper`` the bounds in force (the model's unless changed).
    """

    h: Any
    model: MatrixModel
    a: sp.csc_matrix
    pool: sp.csr_matrix
    pool_csc: sp.csc_matrix
    everything: sp.csr_matrix
    all_lo: np.ndarray
    all_up: np.ndarray
    row_tol: np.ndarray
    priced: np.ndarray
    active: np.ndarray
    added: np.ndarray
    col_order: np.ndarray
    row_order: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray


def price_relaxation(
    model: MatrixModel,
    priced: np.ndarray,
    initial: np.ndarray,
    *,
    time_limit: float | None = None,
    deadline: float | None = None,
    threads: int | None = None,
    max_rounds: int = 200,
    max_columns: int | None = None,
    max_rows: int | None = None,
    tolerance: float = 1e-7,
    stall_rounds: int = 3,
    stall_tolerance: float = 1e-5,
    verbose: bool = False,
    enough: Enough | None = None,
) -> PricedRelaxation:
    """Solve the linear relaxation of ``model`` by pricing columns and separating its lazy rows.

    ``priced`` marks the columns that may be left out (each must allow 0); ``initial`` those of
    them to start with.  Every other column is always in.  It ends within ``time_limit`` seconds
    and by ``deadline`` (:func:`time.monotonic` seconds, e.g. ``SolveOptions.deadline``), whichever
    is first.  ``enough(bound, x, active)``, called after every round that would add columns or
    rows with the valid bound so far, the restricted LP's point (full columns) and a copy of the
    active mask, ends the pricing when it returns True.  See the module docstring.
    """
    session = PricingSession(model, priced, initial, threads=threads, verbose=verbose)
    return session.price(
        time_limit=time_limit,
        deadline=deadline,
        max_rounds=max_rounds,
        max_columns=max_columns,
        max_rows=max_rows,
        tolerance=tolerance,
        stall_rounds=stall_rounds,
        stall_tolerance=stall_tolerance,
        enough=enough,
    )


class PricingSession:
    """One restricted LP held in HiGHS across calls of :meth:`price`: :func:`price_relaxation` is one
    call; a branch and bound changes column bounds (:meth:`change_bounds`) and prices again, warm
    from the last basis, columns and rows (every column and row in the LP stays valid)."""

    def __init__(
        self,
        model: MatrixModel,
        priced: np.ndarray,
        initial: np.ndarray,
        *,
        threads: int | None = None,
        verbose: bool = False,
    ) -> None:
        self.lp, self.stop = _open_restricted_lp(model, priced, initial, None, threads, verbose)

    def change_bounds(self, col_lower: np.ndarray, col_upper: np.ndarray) -> None:
        """Bounds of every column of the model (full length) for the next :meth:`price`."""
        lp = self.lp
        lp.col_lower = np.asarray(col_lower, dtype=float).copy()
        lp.col_upper = np.asarray(col_upper, dtype=float).copy()
        order = lp.col_order  # LP column k is model column order[k]
        lp.h.changeColsBounds(
            len(order), np.arange(len(order), dtype=np.int32), lp.col_lower[order], lp.col_upper[order]
        )

    def add_columns(self, columns: np.ndarray) -> None:
        """Bring the columns of mask ``columns`` into the LP now (those already in are skipped)."""
        lp = self.lp
        _add_columns(lp, np.flatnonzero(np.asarray(columns, dtype=bool) & ~lp.active))

    def price(
        self,
        *,
        time_limit: float | None = None,
        deadline: float | None = None,
        max_rounds: int = 200,
        max_columns: int | None = None,
        max_rows: int | None = None,
        tolerance: float = 1e-7,
        stall_rounds: int = 3,
        stall_tolerance: float = 1e-5,
        enough: Enough | None = None,
    ) -> PricedRelaxation:
        """Price columns and separate rows under the current bounds (see :func:`price_relaxation`)."""
        t0 = time.perf_counter()
        lp, stop = self.lp, self.stop
        stop.end, stop.reason = _first_end(time_limit, deadline), None
        bound: float | None = None
        objective: float | None = None
        x_full: np.ndarray | None = None
        history: list[tuple[float, float, float, int, int]] = []
        status = "round_limit"
        stalled = 0
        rounds = 0
        for rounds in range(1, max_rounds + 1):
            if stop.spent():
                status = _stop_status()
                rounds -= 1
                break
            failure = _solve_restricted_lp(lp, stop)
            if failure == _RETRY:
                continue
            if failure is not None:
                status = failure
                break
            objective, x_full, value, d = _read_solution(lp)
            previous = bound
            bound = value if bound is None else max(bound, value)
            cand = _price_columns(lp, d, tolerance, max_columns)
            viol = _separate_rows(lp, x_full, max_rows)
            history.append((time.perf_counter() - t0, objective, value, int(cand.size), int(viol.size)))
            if cand.size == 0 and viol.size == 0:
                status = "optimal"
                break
            if enough is not None and enough(bound, x_full, lp.active.copy()):
                status = "enough"
                break
            if _bound_stalled(previous, bound, stall_tolerance):
                stalled += 1
                if stalled >= stall_rounds:
                    status = "stalled"
                    break
            else:
                stalled = 0
            _add_columns(lp, cand)
            _add_lazy_rows(lp, viol)
        return PricedRelaxation(
            status=status,
            bound=bound,
            objective=objective,
            x=x_full,
            active=lp.active.copy(),
            lazy_added=lp.added.copy(),
            rounds=rounds,
            seconds=time.perf_counter() - t0,
            history=history,
        )


def price_within(
    model: MatrixModel,
    priced: np.ndarray,
    initial: np.ndarray,
    options: SolveOptions,
    share: float,
    enough: Enough | None = None,
) -> PricedRelaxation:
    """:func:`price_relaxation` under a run's ``options``: ``share`` of its call limit, its deadline,
    threads and verbosity; ``enough`` as there."""
    limit = options.call_limit()
    return price_relaxation(
        model,
        priced,
        initial,
        time_limit=None if limit is None else share * limit,
        deadline=options.deadline,
        threads=options.threads,
        verbose=options.verbose,
        enough=enough,
    )


def _first_end(time_limit: float | None, deadline: float | None) -> float | None:
    """The earlier of ``deadline`` and ``time_limit`` seconds from now (:func:`time.monotonic`), if any."""
    ends = [] if deadline is None else [deadline]
    if time_limit is not None:
        ends.append(time.monotonic() + time_limit)
    return min(ends) if ends else None


def _stop_status() -> str:
    """``interrupted`` when a stop was requested, else ``time_limit``."""
    return "interrupted" if stop_requested() else "time_limit"


def _open_restricted_lp(
    model: MatrixModel,
    priced: np.ndarray,
    initial: np.ndarray,
    end: float | None,
    threads: int | None,
    verbose: bool,
) -> tuple[_RestrictedLP, HighsStop]:
    """Pass the LP over the always-in and ``initial`` columns and every ordinary row to a new HiGHS."""
    import highspy

    from solvers.highs_direct import new_highs

    a = model.matrix()
    pool, pool_lo, pool_up = model.lazy_pool()
    priced = np.asarray(priced, dtype=bool)
    if ((model.col_lower[priced] > 0) | (model.col_upper[priced] < 0)).any():
        raise ValueError("a priced column must allow the value 0")
    active = ~priced | np.asarray(initial, dtype=bool)
    h = new_highs()
    stop = HighsStop(h, end)
    h.setOptionValue("output_flag", bool(verbose))
    if threads is not None:
        # HiGHS keeps one thread pool per process; a new thread count needs a fresh pool.
        highspy.Highs.resetGlobalScheduler(True)
        h.setOptionValue("threads", int(threads))
    lp = _RestrictedLP(
        h=h,
        model=model,
        a=a,
        pool=pool,
        pool_csc=pool.tocsc(),
        everything=sp.vstack([a, pool]).tocsr(),
        all_lo=np.concatenate([model.row_lower, pool_lo]),
        all_up=np.concatenate([model.row_upper, pool_up]),
        row_tol=1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(pool_up), pool_up, 0.0))),
        priced=priced,
        active=active,
        added=np.zeros(model.num_lazy, dtype=bool),
        col_order=np.flatnonzero(active),
        row_order=np.zeros(0, dtype=np.int64),
        col_lower=model.col_lower,
        col_upper=model.col_upper,
    )
    h.passModel(_highs_lp(model, a, lp.col_order))
    return lp, stop


def _highs_lp(model: MatrixModel, a: sp.spmatrix, col_order: np.ndarray) -> Any:
    """The ``highspy.HighsLp`` over columns ``col_order`` of ``model`` and its ordinary rows."""
    import highspy

    sub = a[:, col_order].tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = len(col_order)
    lp.num_row_ = model.num_rows
    lp.col_cost_ = model.cost[col_order]
    lp.col_lower_ = model.col_lower[col_order]
    lp.col_upper_ = model.col_upper[col_order]
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    lp.offset_ = model.objective_offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = sub.indptr.astype(np.int32)
    lp.a_matrix_.index_ = sub.indices.astype(np.int32)
    lp.a_matrix_.value_ = sub.data.astype(float)
    return lp


def _solve_restricted_lp(lp: _RestrictedLP, stop: HighsStop) -> str | None:
    """Solve the restricted LP: None when optimal, :data:`_RETRY` or the status to stop with."""
    import highspy

    stop.arm(mip=False)
    lp.h.run()
    ms = lp.h.getModelStatus()
    if ms == highspy.HighsModelStatus.kOptimal:
        return None
    if ms == highspy.HighsModelStatus.kInfeasible and not lp.active.all():
        # the restricted LP cannot meet the rows: bring in every column and try again
        _add_columns(lp, np.flatnonzero(~lp.active))
        return _RETRY
    if ms in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
        return _stop_status()
    return "infeasible" if ms == highspy.HighsModelStatus.kInfeasible else str(ms).split(".")[-1]


def _read_solution(lp: _RestrictedLP) -> tuple[float, np.ndarray, float, np.ndarray]:
    """The LP objective, its solution over every column, and the Lagrangian bound and reduced costs."""
    model, m = lp.model, lp.model.num_rows
    sol = lp.h.getSolution()
    objective = float(lp.h.getInfo().objective_function_value)
    x_full = np.zeros(model.num_cols)
    x_full[lp.col_order] = np.asarray(sol.col_value, dtype=float)
    duals = np.zeros(m + model.num_lazy)
    rd = np.asarray(sol.row_dual, dtype=float)
    duals[:m] = rd[:m]
    duals[m + lp.row_order] = rd[m:]
    bounds = (lp.col_lower, lp.col_upper, lp.everything, lp.all_lo, lp.all_up)
    value, d = lagrangian_bound(model.cost, *bounds, duals, model.objective_offset)
    return objective, x_full, value, d


def _price_columns(lp: _RestrictedLP, d: np.ndarray, tolerance: float, max_columns: int | None) -> np.ndarray:
    """Left-out columns of negative reduced cost ``d``, at most ``max_columns`` (most negative first)."""
    cost = lp.model.cost
    movable = lp.col_upper > lp.col_lower  # a column fixed (e.g. at 0 by a branch) cannot improve the LP
    cand = np.flatnonzero(lp.priced & ~lp.active & movable & (d < -tolerance * np.maximum(1.0, np.abs(cost))))
    if max_columns is not None and cand.size > max_columns:
        cand = np.sort(cand[np.argsort(d[cand], kind="stable")[:max_columns]])
    return cand


def _separate_rows(lp: _RestrictedLP, x_full: np.ndarray, max_rows: int | None) -> np.ndarray:
    """Lazy rows not in the LP that ``x_full`` violates, at most ``max_rows`` (most violated first)."""
    pool_lo, pool_up = lp.all_lo[lp.model.num_rows :], lp.all_up[lp.model.num_rows :]
    activity = lp.pool @ x_full
    viol = np.flatnonzero(~lp.added & ((activity > pool_up + lp.row_tol) | (activity < pool_lo - lp.row_tol)))
    if max_rows is not None and viol.size > max_rows:
        amount = np.maximum(activity[viol] - pool_up[viol], pool_lo[viol] - activity[viol])
        viol = np.sort(viol[np.argsort(-amount, kind="stable")[:max_rows]])
    return viol


def _bound_stalled(previous: float | None, bound: float, stall_tolerance: float) -> bool:
    """Whether this round raised the bound by no more than ``stall_tolerance`` (relative)."""
    return previous is not None and bound - previous <= stall_tolerance * max(1.0, abs(bound))


def _add_columns(lp: _RestrictedLP, cols: np.ndarray) -> None:
    """Add ``cols`` to the LP with their entries in the ordinary rows and the lazy rows in it."""
    if not cols.size:
        return
    model, m, row_order = lp.model, lp.model.num_rows, lp.row_order
    lp_row = np.full(lp.pool_csc.shape[0], -1, dtype=np.int64)
    lp_row[row_order] = m + np.arange(len(row_order))
    core = lp.a[:, cols].tocoo()
    lazy = lp.pool_csc[:, cols].tocoo()
    keep = lp_row[lazy.row] >= 0
    block = sp.csc_matrix(
        (
            np.concatenate([core.data, lazy.data[keep]]),
            (np.concatenate([core.row, lp_row[lazy.row[keep]]]), np.concatenate([core.col, lazy.col[keep]])),
        ),
        shape=(m + len(row_order), len(cols)),
    )
    lp.h.addCols(
        len(cols),
        model.cost[cols],
        lp.col_lower[cols],
        lp.col_upper[cols],
        block.nnz,
        block.indptr[:-1].astype(np.int32),
        block.indices.astype(np.int32),
        block.data.astype(float),
    )
    lp.col_order = np.concatenate([lp.col_order, cols])
    lp.active[cols] = True


def _add_lazy_rows(lp: _RestrictedLP, viol: np.ndarray) -> None:
    """Add lazy rows ``viol`` to the LP, over the columns in it."""
    if not viol.size:
        return
    lp_col = np.full(lp.model.num_cols, -1, dtype=np.int64)
    lp_col[lp.col_order] = np.arange(len(lp.col_order))
    block = lp.pool[viol].tocoo()
    keep = lp_col[block.col] >= 0
    rows = sp.csr_matrix(
        (block.data[keep], (block.row[keep], lp_col[block.col[keep]])),
        shape=(len(viol), len(lp.col_order)),
    )
    m = lp.model.num_rows
    lp.h.addRows(
        len(viol),
        lp.all_lo[m + viol],
        lp.all_up[m + viol],
        rows.nnz,
        rows.indptr[:-1].astype(np.int32),
        rows.indices.astype(np.int32),
        rows.data.astype(float),
    )
    lp.row_order = np.concatenate([lp.row_order, viol])
    lp.added[viol] = True
