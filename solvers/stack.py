"""Several :class:`MatrixModel` side by side in one model, to be linked by further rows.

A multi-period model is the single-period model once per period plus the rows that link the
periods.  :func:`stack` copies each part's variable and constraint blocks (lazy pools included)
under the part's label (``open@2027``), so every constraint family is still written once, in the
single-period builder, and the linking rows are the only new mathematics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from solvers.matrix import MatrixModel


def stack(
    parts: Sequence[tuple[str, MatrixModel]], name: str = "stacked"
) -> tuple[MatrixModel, dict[str, int]]:
    """One model holding every part; returns it and each part's first column.

    Block ``b`` of part ``label`` becomes ``b@label``; objective offsets add up.
    """
    out = MatrixModel(name)
    offsets: dict[str, int] = {}
    for label, part in parts:
        offsets[label] = out.num_cols
        cost, lower, upper, integer = part.cost, part.col_lower, part.col_upper, part.integer
        for block_name, block in part.variable_blocks.items():
            idx = block.index
            out.add_variables(
                f"{block_name}@{label}", block.size, lower=lower[idx], upper=upper[idx], cost=cost[idx]
            )
            out._integer[-1] = integer[idx].copy()
        rows = part.matrix_rows()
        _copy_rows(
            out,
            label,
            offsets[label],
            part.constraint_blocks,
            rows,
            part.row_lower,
            part.row_upper,
            lazy=False,
        )
        if part.num_lazy:
            pool, lo, up = part.lazy_pool()
            _copy_rows(out, label, offsets[label], part.lazy_blocks, pool, lo, up, lazy=True)
        out.objective_offset += part.objective_offset
    return out, offsets


def _copy_rows(
    out: MatrixModel,
    label: str,
    offset: int,
    blocks: dict[str, Any],
    rows: Any,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    lazy: bool,
) -> None:
    """Every block of ``rows`` (CSR) as block ``name@label`` of ``out``, columns shifted by ``offset``."""
    for name, block in blocks.items():
        part = rows[block.start : block.start + block.size].tocoo()
        out.add_constraints(
            f"{name}@{label}",
            block.size,
            part.row,
            part.col + offset,
            part.data,
            lower=lower[block.index],
            upper=upper[block.index],
            lazy=lazy,
        )


def scale_costs(model: MatrixModel, columns: np.ndarray, factor: float) -> None:
    """Multiply the cost of ``columns`` by ``factor`` (e.g. a discount factor for one period)."""
    start = 0
    for i, part in enumerate(model._cost):
        stop = start + len(part)
        inside = columns[(columns >= start) & (columns < stop)]
        if inside.size:
            model._cost[i][inside - start] *= factor
        start = stop
