"""Several :class:`MatrixModel` side by side in one model, to be linked by further rows.

A multi-period model is the single-period model once per period plus the rows that link the
periods.  :func:`stack` copies each part's variable and constraint blocks (lazy pools included)
under the part's label (``open@2027``), so every constraint family is still written once, in the
single-period builder, and the linking rows are the only new mathematics.
"""

from __future__ import annotations

from collections.abc import Sequence

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
        a = part.matrix().tocsr()
        row_lower, row_upper = part.row_lower, part.row_upper
        for block_name, block in part.constraint_blocks.items():
            rows = a[block.start : block.start + block.size].tocoo()
            out.add_constraints(
                f"{block_name}@{label}",
                block.size,
                rows.row,
                rows.col + offsets[label],
                rows.data,
                lower=row_lower[block.index],
                upper=row_upper[block.index],
            )
        if part.num_lazy:
            pool, lo, up = part.lazy_pool()
            for block_name, block in part.lazy_blocks.items():
                rows = pool[block.start : block.start + block.size].tocoo()
                out.add_constraints(
                    f"{block_name}@{label}",
                    block.size,
                    rows.row,
                    rows.col + offsets[label],
                    rows.data,
                    lower=lo[block.index],
                    upper=up[block.index],
                    lazy=True,
                )
        out.objective_offset += part.objective_offset
    return out, offsets


def scale_costs(model: MatrixModel, columns: np.ndarray, factor: float) -> None:
    """Multiply the cost of ``columns`` by ``factor`` (e.g. a discount factor for one period)."""
    start = 0
    for i, part in enumerate(model._cost):
        stop = start + len(part)
        inside = columns[(columns >= start) & (columns < stop)]
        if inside.size:
            model._cost[i][inside - start] *= factor
        start = stop
