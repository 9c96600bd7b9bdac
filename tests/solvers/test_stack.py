"""Stacked models: each part keeps its optimum, names carry the part, linking rows act across parts."""

from __future__ import annotations

import numpy as np
import pytest

from solvers import solve_matrix
from solvers.matrix import MatrixModel
from solvers.stack import scale_costs, stack


def knapsack(values: list[float], weights: list[float], capacity: float) -> MatrixModel:
    m = MatrixModel("knap")
    x = m.add_variables("take", len(values), upper=1, cost=-np.asarray(values), integer=True)
    m.add_constraints("capacity", 1, np.zeros(len(values)), x, weights, upper=capacity)
    m.add_constraints("pairs", 1, np.zeros(2), x[:2], 1.0, upper=1.0, lazy=True)
    return m


def test_parts_keep_their_optima_and_names() -> None:
    a, b = knapsack([5, 4, 3], [2, 3, 1], 4), knapsack([6, 1, 2], [3, 1, 2], 3)
    both, offsets = stack([("2026", a), ("2027", b)])
    assert offsets == {"2026": 0, "2027": 3}
    assert {"take@2026", "take@2027"} <= set(both.variable_blocks)
    assert {"capacity@2026", "pairs@2027"} <= set(both.constraint_blocks) | set(both.lazy_blocks)
    one = solve_matrix(a)[0].objective + solve_matrix(b)[0].objective
    result, x = solve_matrix(both)
    assert result.objective == pytest.approx(one)
    assert both.max_violation(x) <= 1e-9


def test_linking_rows_and_scaled_costs_act_across_parts() -> None:
    a, b = knapsack([5, 4, 3], [2, 3, 1], 4), knapsack([5, 4, 3], [2, 3, 1], 4)
    both, offsets = stack([("1", a), ("2", b)])
    # an item taken in period 1 stays taken in period 2: x2 >= x1
    cols = np.arange(3)
    both.add_constraints(
        "kept",
        3,
        np.r_[cols, cols],
        np.r_[cols, cols + offsets["2"]],
        np.r_[np.ones(3), -np.ones(3)],
        upper=0,
    )
    scale_costs(both, cols + offsets["2"], 0.5)
    result, x = solve_matrix(both)
    # best single period: items 0 and 2 (value 8); period 2 counts half
    assert result.objective == pytest.approx(-(8 + 4))
    assert (x[cols] <= x[cols + offsets["2"]] + 1e-9).all()
