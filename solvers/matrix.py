"""A MILP held as arrays: the vectorised build path shared by every large formulation.

A formulation adds *blocks* of variables and of constraints, each with a name, from numpy
arrays at once; nothing loops over single variables.  The finished model is one sparse matrix
``A`` with ``row_lower <= A x <= row_upper``, ``col_lower <= x <= col_upper``, integrality
flags, and the cost vector, minimised.

A constraint block may be *lazy*: a pool of valid rows that the backend adds only where the
linear relaxation violates them (see :func:`solvers.highs_direct.solve_matrix`).  Lazy rows must
not be needed for the correctness of integer solutions, only for the strength of the bound; the
model they are left out of must still be a correct formulation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

INF = float("inf")
T = TypeVar("T")


@dataclass(frozen=True)
class Block:
    """A named, contiguous range of variables or constraint rows."""

    name: str
    start: int
    size: int

    @property
    def index(self) -> np.ndarray:
        return np.arange(self.start, self.start + self.size, dtype=np.int64)


class MatrixModel:
    """A minimisation MILP assembled from blocks of numpy arrays."""

    def __init__(self, name: str = "model") -> None:
        self.name = name
        self.variable_blocks: dict[str, Block] = {}
        self.constraint_blocks: dict[str, Block] = {}
        self._cost: list[np.ndarray] = []
        self._col_lower: list[np.ndarray] = []
        self._col_upper: list[np.ndarray] = []
        self._integer: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []
        self._cols: list[np.ndarray] = []
        self._vals: list[np.ndarray] = []
        self._row_lower: list[np.ndarray] = []
        self._row_upper: list[np.ndarray] = []
        self.lazy_blocks: dict[str, Block] = {}
        self._lazy: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.num_lazy = 0
        self.num_cols = 0
        self.num_rows = 0
        self.objective_offset = 0.0
        self.parent_columns: np.ndarray | None = None  # set by :meth:`restricted`
        self._built: dict[str, object] = {}  # matrices built once (see _once), cleared by add_*

    def add_variables(
        self,
        name: str,
        size: int,
        *,
        lower: float | np.ndarray = 0.0,
        upper: float | np.ndarray = INF,
        cost: float | np.ndarray = 0.0,
        integer: bool = False,
    ) -> np.ndarray:
        """Add ``size`` variables named ``name[0..size)``; return their global column indices."""
        if name in self.variable_blocks:
            raise ValueError(f"variable block {name!r} already exists")
        block = Block(name, self.num_cols, int(size))
        self.variable_blocks[name] = block
        self._built.clear()
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (size,)).copy())
        self._col_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)).copy())
        self._col_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)).copy())
        self._integer.append(np.full(size, integer, dtype=bool))
        self.num_cols += int(size)
        return block.index

    def add_constraints(
        self,
        name: str,
        size: int,
        rows: np.ndarray,
        cols: np.ndarray,
        vals: np.ndarray | float,
        *,
        lower: float | np.ndarray = -INF,
        upper: float | np.ndarray = INF,
        lazy: bool = False,
    ) -> np.ndarray:
        """Add ``size`` rows ``lower <= sum(vals * x[cols]) <= upper``.

        ``rows`` are local row numbers in ``0..size``; repeated (row, col) entries are summed.
        Returns the global row indices (of the lazy pool when ``lazy``).
        """
        if name in self.constraint_blocks or name in self.lazy_blocks:
            raise ValueError(f"constraint block {name!r} already exists")
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        vals = np.broadcast_to(np.asarray(vals, dtype=float), rows.shape)
        if rows.size and (rows.min() < 0 or rows.max() >= size):
            raise ValueError(f"constraint block {name!r}: row numbers outside 0..{size}")
        self._built.clear()
        if lazy:
            block = Block(name, self.num_lazy, int(size))
            self.lazy_blocks[name] = block
            lo = np.broadcast_to(np.asarray(lower, dtype=float), (size,)).copy()
            up = np.broadcast_to(np.asarray(upper, dtype=float), (size,)).copy()
            self._lazy.append((rows + self.num_lazy, cols, vals.copy(), lo, up))
            self.num_lazy += int(size)
            return block.index
        block = Block(name, self.num_rows, int(size))
        self.constraint_blocks[name] = block
        self._rows.append(rows + self.num_rows)
        self._cols.append(cols)
        self._vals.append(vals.copy())
        self._row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)).copy())
        self._row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)).copy())
        self.num_rows += int(size)
        return block.index

    def _concat(self, parts: list[np.ndarray], dtype: type = float) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    @property
    def cost(self) -> np.ndarray:
        return self._concat(self._cost)

    @property
    def col_lower(self) -> np.ndarray:
        return self._concat(self._col_lower)

    @property
    def col_upper(self) -> np.ndarray:
        return self._concat(self._col_upper)

    @property
    def integer(self) -> np.ndarray:
        return self._concat(self._integer, bool)

    @property
    def row_lower(self) -> np.ndarray:
        return self._concat(self._row_lower)

    @property
    def row_upper(self) -> np.ndarray:
        return self._concat(self._row_upper)

    def _once(self, key: str, build: Callable[[], T]) -> T:
        """``build()``, made once and kept until the model changes, its arrays read-only.

        The model is built once and then read many times (every restricted model, plan check and
        HiGHS hand-off of a large SACT run reads the whole matrix): rebuilding it took 3.4 s of a
        10,000 x 300 plan try.  Read-only arrays make a caller that would change the shared
        matrix fail at once.  Two threads may build it at the same time: both get equal values."""
        value = self._built.get(key)
        if value is None:
            value = build()
            for part in value if isinstance(value, tuple) else (value,):
                for array in (part.data, part.indices, part.indptr) if sp.issparse(part) else (part,):
                    array.flags.writeable = False
            self._built[key] = value
        return value  # type: ignore[return-value]

    def matrix(self) -> sp.csc_matrix:
        """The constraint matrix, column-wise, duplicates summed (built once; read-only)."""
        return self._once("csc", self._build_matrix)

    def matrix_rows(self) -> sp.csr_matrix:
        """The constraint matrix, row-wise (built once; read-only)."""
        return self._once("csr", lambda: self.matrix().tocsr())

    def _build_matrix(self) -> sp.csc_matrix:
        a = sp.coo_matrix(
            (
                self._concat(self._vals),
                (self._concat(self._rows, np.int64), self._concat(self._cols, np.int64)),
            ),
            shape=(self.num_rows, self.num_cols),
        ).tocsc()
        a.sum_duplicates()
        return a

    def lazy_pool(self) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """The lazy rows as one CSR matrix with their lower and upper bounds (built once; read-only)."""
        return self._once("lazy", self._build_lazy_pool)

    def _build_lazy_pool(self) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        if not self._lazy:
            return sp.csr_matrix((0, self.num_cols)), np.zeros(0), np.zeros(0)
        rows, cols, vals, lo, up = (np.concatenate(part) for part in zip(*self._lazy, strict=True))
        pool = sp.coo_matrix((vals, (rows, cols)), shape=(self.num_lazy, self.num_cols)).tocsr()
        pool.sum_duplicates()
        return pool, lo, up

    def restricted(
        self,
        columns: np.ndarray,
        *,
        lazy_rows: np.ndarray | None = None,
        keep_lazy: bool = True,
        col_lower: np.ndarray | None = None,
        col_upper: np.ndarray | None = None,
    ) -> MatrixModel:
        """The model over the columns where ``columns`` (a mask) is true, every other column fixed at 0.

        Every other column must allow 0 (``lower <= 0 <= upper``): its entries are dropped from
        every row, which is exact for the restricted model.  Lazy rows where ``lazy_rows`` (a mask
        over the pool) is true become ordinary rows (block ``<name>``); the others stay lazy (block
        ``<name>:lazy``) when ``keep_lazy``, else are left out (allowed: lazy rows never decide
        feasibility).  ``col_lower`` / ``col_upper`` (full length) replace the bounds, e.g. to fix
        some integers.  Blocks keep their names and order, shrunk to the columns kept; the new
        model's ``parent_columns`` maps its columns to this model's (see :meth:`expand`).
        """
        keep = np.asarray(columns, dtype=bool)
        lower = self.col_lower if col_lower is None else np.asarray(col_lower, dtype=float)
        upper = self.col_upper if col_upper is None else np.asarray(col_upper, dtype=float)
        dropped = ~keep
        if ((lower[dropped] > 0) | (upper[dropped] < 0)).any():
            raise ValueError("a column left out of a restricted model must allow the value 0")
        new_index = np.full(self.num_cols, -1, dtype=np.int64)
        new_index[keep] = np.arange(int(keep.sum()))
        sub = MatrixModel(self.name)
        cost, integer = self.cost, self.integer
        for name, block in self.variable_blocks.items():
            idx = block.index[keep[block.index]]
            sub.add_variables(
                name,
                len(idx),
                lower=lower[idx],
                upper=upper[idx],
                cost=cost[idx],
                integer=bool(integer[block.start]) if block.size else False,
            )
            sub._integer[-1] = integer[idx].copy()
        sub.objective_offset = self.objective_offset
        a = self.matrix_rows()
        row_lower, row_upper = self.row_lower, self.row_upper
        for name, block in self.constraint_blocks.items():
            part = a[block.start : block.start + block.size][:, np.flatnonzero(keep)].tocoo()
            sub.add_constraints(
                name,
                block.size,
                part.row,
                part.col,
                part.data,
                lower=row_lower[block.index],
                upper=row_upper[block.index],
            )
        if self.num_lazy:
            pool, lo, up = self.lazy_pool()
            chosen = np.zeros(self.num_lazy, bool) if lazy_rows is None else np.asarray(lazy_rows, bool)
            for name, block in self.lazy_blocks.items():
                rows = block.index
                for pick, label, lazy in ((chosen[rows], name, False), (~chosen[rows], f"{name}:lazy", True)):
                    if lazy and not keep_lazy:
                        continue
                    r = rows[pick]
                    if r.size == 0:
                        continue
                    part = pool[r][:, np.flatnonzero(keep)].tocoo()
                    sub.add_constraints(
                        label, len(r), part.row, part.col, part.data, lower=lo[r], upper=up[r], lazy=lazy
                    )
        sub.parent_columns = np.flatnonzero(keep)
        return sub

    def expand(self, x: np.ndarray, num_parent_cols: int) -> np.ndarray:
        """A solution of this restricted model as a full column vector of its parent (0 elsewhere)."""
        if self.parent_columns is None:
            raise ValueError("not a restricted model")
        full = np.zeros(num_parent_cols)
        full[self.parent_columns] = x
        return full

    def values(self, x: np.ndarray, block: str) -> np.ndarray:
        """The slice of a solution vector that belongs to variable block ``block``."""
        b = self.variable_blocks[block]
        return x[b.start : b.start + b.size]

    def objective_value(self, x: np.ndarray) -> float:
        return float(self.cost @ x + self.objective_offset)

    def max_violation(self, x: np.ndarray) -> float:
        """Largest violation of any bound or row, lazy rows included, by ``x`` (0.0 when feasible)."""
        ax = self.matrix() @ x
        pool, lo, up = self.lazy_pool()
        px = pool @ x
        viol = [
            np.maximum(self.row_lower - ax, 0.0),
            np.maximum(ax - self.row_upper, 0.0),
            np.maximum(lo - px, 0.0),
            np.maximum(px - up, 0.0),
            np.maximum(self.col_lower - x, 0.0),
            np.maximum(x - self.col_upper, 0.0),
        ]
        return float(max((v.max() if v.size else 0.0) for v in viol))
