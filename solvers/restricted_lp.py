r"""The restricted LP of :mod:`solvers.pricing` held in HiGHS: opening it, growing it by columns and
lazy rows, reading its point, its row duals and the Lagrangian bound they prove.

The bound (proof in :mod:`solvers.pricing`): for any row multipliers :math:`\pi` and reduced costs
:math:`d = c - A^\top \pi` over every row and column of the model,
:math:`c^\top x \ge \sum_j \min(d_j l_j, d_j u_j) + \sum_i \min(\pi_i L_i, \pi_i U_i)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from solvers.highs_direct import highs_lp
from solvers.highs_stop import HighsStop
from solvers.matrix import MatrixModel


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


RETRY = "retry"  # _solve_restricted_lp: every column was brought in, solve again


@dataclass
class RestrictedLP:
    """The restricted LP held in HiGHS and the model data it is grown from.

    ``col_order[k]`` is the model column of LP column ``k``; ``row_order[i]`` the lazy row of LP
    row ``m + i``; ``active`` and ``added`` mark the columns and lazy rows in the LP;
    ``col_lower``, ``col_upper`` the bounds in force (the model's unless changed);
    ``widen``: when the restricted LP is infeasible, bring in every column and solve again (True),
    or report it infeasible (False: a dive's fixing that the columns in cannot meet is dropped).
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
    widen: bool = True


def open_restricted_lp(
    model: MatrixModel,
    priced: np.ndarray,
    initial: np.ndarray,
    end: float | None,
    threads: int | None,
    verbose: bool,
) -> tuple[RestrictedLP, HighsStop]:
    """Pass the LP over the always-in and ``initial`` columns and every ordinary row to a new HiGHS."""

    from solvers.highs_direct import new_highs, set_highs_threads

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
        set_highs_threads(h, threads)
    lp = RestrictedLP(
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
    h.passModel(highs_lp(model, a, lp.col_order))
    return lp, stop


def read_solution(lp: RestrictedLP) -> tuple[float, np.ndarray, float, np.ndarray]:
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


def price_columns(lp: RestrictedLP, d: np.ndarray, tolerance: float, max_columns: int | None) -> np.ndarray:
    """Left-out columns of negative reduced cost ``d``, at most ``max_columns`` (most negative first)."""
    cost = lp.model.cost
    movable = lp.col_upper > lp.col_lower  # a column fixed (e.g. at 0 by a branch) cannot improve the LP
    cand = np.flatnonzero(lp.priced & ~lp.active & movable & (d < -tolerance * np.maximum(1.0, np.abs(cost))))
    if max_columns is not None and cand.size > max_columns:
        cand = np.sort(cand[np.argsort(d[cand], kind="stable")[:max_columns]])
    return cand


def separate_rows(lp: RestrictedLP, x_full: np.ndarray, max_rows: int | None) -> np.ndarray:
    """Lazy rows not in the LP that ``x_full`` violates, at most ``max_rows`` (most violated first)."""
    pool_lo, pool_up = lp.all_lo[lp.model.num_rows :], lp.all_up[lp.model.num_rows :]
    activity = lp.pool @ x_full
    viol = np.flatnonzero(~lp.added & ((activity > pool_up + lp.row_tol) | (activity < pool_lo - lp.row_tol)))
    if max_rows is not None and viol.size > max_rows:
        amount = np.maximum(activity[viol] - pool_up[viol], pool_lo[viol] - activity[viol])
        viol = np.sort(viol[np.argsort(-amount, kind="stable")[:max_rows]])
    return viol


def add_columns(lp: RestrictedLP, cols: np.ndarray) -> None:
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


def add_lazy_rows(lp: RestrictedLP, viol: np.ndarray) -> None:
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
