"""MatrixModel assembly and the direct HiGHS backend (solve_matrix)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from solvers import MatrixModel, SolveOptions, Status, solve_matrix

# knapsack: maximise value within weight 10, each item once
VALUES = np.array([10.0, 13.0, 7.0, 8.0])
WEIGHTS = np.array([4.0, 6.0, 3.0, 5.0])
CAPACITY = 10.0


def knapsack_optimum() -> float:
    """By enumeration of the 16 subsets: items 1 and 2, value 23."""
    return max(
        float(VALUES @ pick)
        for pick in map(np.array, itertools.product((0, 1), repeat=4))
        if WEIGHTS @ pick <= CAPACITY
    )


def knapsack() -> MatrixModel:
    m = MatrixModel("knapsack")
    x = m.add_variables("take", 4, upper=1.0, cost=-VALUES, integer=True)
    m.add_constraints("weight", 1, np.zeros(4), x, WEIGHTS, upper=CAPACITY)
    return m


def split_weights(rows: int = 4, items: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Each row's item weights (0..99) and half their sum, rounded down."""
    a = np.random.default_rng(seed).integers(0, 100, (rows, items))
    return a, a.sum(axis=1) // 2


def market_split(rows: int = 4, items: int = 30, seed: int = 0) -> MatrixModel:
    """A market-split MILP (Cornuejols and Dawande): hard for branch and bound at any size.

    Minimise the total deviation from splitting each row's weights in half; x = 0 with full
    slack is always feasible, so a time-limited solve has a plan but no proof.
    """
    a, half = split_weights(rows, items, seed)
    m = MatrixModel("market_split")
    x = m.add_variables("x", items, upper=1.0, integer=True)
    over = m.add_variables("over", rows, cost=1.0)
    under = m.add_variables("under", rows, cost=1.0)
    r = np.arange(rows)
    m.add_constraints(
        "split",
        rows,
        np.concatenate([np.repeat(r, items), r, r]),
        np.concatenate([np.tile(x, rows), over, under]),
        np.concatenate([a.ravel(), -np.ones(rows), np.ones(rows)]),
        lower=half,
        upper=half,
    )
    return m


# --------------------------------------------------------------------------- MatrixModel


def test_blocks_are_contiguous_and_named() -> None:
    m = MatrixModel()
    y = m.add_variables("y", 3)
    x = m.add_variables("x", 2)
    np.testing.assert_array_equal(y, [0, 1, 2])
    np.testing.assert_array_equal(x, [3, 4])
    assert m.num_cols == 5
    assert list(m.variable_blocks) == ["y", "x"]
    assert m.variable_blocks["x"].start == 3 and m.variable_blocks["x"].size == 2
    rows = m.add_constraints("first", 2, [0, 1], [0, 1], 1.0, upper=1.0)
    rows2 = m.add_constraints("second", 1, [0], [4], 2.0, lower=0.5)
    np.testing.assert_array_equal(rows, [0, 1])
    np.testing.assert_array_equal(rows2, [2])
    assert m.num_rows == 3
    np.testing.assert_array_equal(m.values(np.arange(5.0), "x"), [3.0, 4.0])


def test_repeated_block_name_and_bad_rows_are_refused() -> None:
    m = MatrixModel()
    m.add_variables("x", 2)
    with pytest.raises(ValueError, match="already exists"):
        m.add_variables("x", 1)
    m.add_constraints("c", 1, [0], [0], 1.0)
    with pytest.raises(ValueError, match="already exists"):
        m.add_constraints("c", 1, [0], [1], 1.0)
    with pytest.raises(ValueError, match="outside"):
        m.add_constraints("d", 1, [1], [0], 1.0)


def test_duplicate_entries_are_summed() -> None:
    m = MatrixModel()
    x = m.add_variables("x", 2)
    m.add_constraints("c", 2, [0, 0, 0, 1], [x[0], x[0], x[1], x[1]], [1.0, 2.5, 4.0, -1.0])
    dense = m.matrix().toarray()
    np.testing.assert_allclose(dense, [[3.5, 4.0], [0.0, -1.0]])
    assert m.matrix().nnz == 3


def test_matrices_are_built_once_read_only_and_rebuilt_after_a_change() -> None:
    m = MatrixModel()
    x = m.add_variables("x", 2)
    m.add_constraints("c", 1, [0, 0], x, 1.0, upper=1.0)
    m.add_constraints("cut", 1, [0], [x[0]], 1.0, upper=0.5, lazy=True)
    a, pool = m.matrix(), m.lazy_pool()[0]
    assert m.matrix() is a and m.lazy_pool()[0] is pool
    assert m.matrix_rows().toarray().tolist() == [[1.0, 1.0]]
    with pytest.raises(ValueError):
        a.data[0] = 5.0
    with pytest.raises(ValueError):
        pool.data[0] = 5.0
    m.add_constraints("d", 1, [0], [x[1]], 2.0, upper=3.0)
    assert m.matrix().toarray().tolist() == [[1.0, 1.0], [0.0, 2.0]]
    assert m.matrix_rows().shape == (2, 2)
    m.add_variables("z", 1)
    assert m.matrix().shape == (2, 3)
    m.add_constraints("cut2", 1, [0], [x[1]], 1.0, upper=0.5, lazy=True)
    assert m.lazy_pool()[0].shape == (2, 3)
    assert m.max_violation(np.array([0.0, 1.0, 0.0])) == pytest.approx(0.5)


def test_bounds_costs_and_integrality_broadcast() -> None:
    m = MatrixModel()
    m.add_variables("a", 2, lower=1.0, upper=np.array([3.0, 4.0]), cost=2.0, integer=True)
    m.add_variables("b", 1)
    m.add_constraints("r", 2, [0, 1], [0, 2], 1.0, lower=np.array([0.0, -1.0]), upper=5.0)
    np.testing.assert_array_equal(m.col_lower, [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(m.col_upper, [3.0, 4.0, np.inf])
    np.testing.assert_array_equal(m.cost, [2.0, 2.0, 0.0])
    np.testing.assert_array_equal(m.integer, [True, True, False])
    np.testing.assert_array_equal(m.row_lower, [0.0, -1.0])
    np.testing.assert_array_equal(m.row_upper, [5.0, 5.0])


def test_objective_value_and_max_violation() -> None:
    m = knapsack()
    m.objective_offset = 1.0
    feasible = np.array([1.0, 1.0, 0.0, 0.0])
    assert m.objective_value(feasible) == pytest.approx(-22.0)
    assert m.max_violation(feasible) == 0.0
    # weight 4 + 6 + 3 = 13: the row is 3 over; a bound is 0.5 over
    assert m.max_violation(np.array([1.0, 1.0, 1.0, 0.0])) == pytest.approx(3.0)
    assert m.max_violation(np.array([1.5, 0.0, 0.0, 0.0])) == pytest.approx(0.5)
    assert m.max_violation(np.array([-0.25, 0.0, 0.0, 0.0])) == pytest.approx(0.25)


def test_empty_model() -> None:
    m = MatrixModel()
    assert m.matrix().shape == (0, 0)
    assert m.cost.shape == (0,)


# --------------------------------------------------------------------------- solve_matrix


def test_knapsack_optimum() -> None:
    m = knapsack()
    result, x = solve_matrix(m, SolveOptions(gap=0.0))
    assert result.status is Status.OPTIMAL
    assert result.backend == "highs"
    assert result.objective == pytest.approx(-knapsack_optimum())
    assert result.bound == pytest.approx(-knapsack_optimum())
    assert result.gap == pytest.approx(0.0)
    assert x is not None
    np.testing.assert_allclose(np.round(m.values(x, "take")), [1, 1, 0, 0])
    assert m.max_violation(x) <= 1e-9
    assert m.objective_value(x) == pytest.approx(result.objective)


def test_objective_offset_is_reported() -> None:
    m = knapsack()
    m.objective_offset = 100.0
    result, _ = solve_matrix(m, SolveOptions(gap=0.0))
    assert result.objective == pytest.approx(100.0 - knapsack_optimum())


def test_lp_relaxation_and_options_recorded() -> None:
    m = MatrixModel()
    x = m.add_variables("take", 4, upper=1.0, cost=-VALUES)
    m.add_constraints("weight", 1, np.zeros(4), x, WEIGHTS, upper=CAPACITY)
    result, sol = solve_matrix(m, SolveOptions(seed=7))
    assert result.status is Status.OPTIMAL
    # by value per weight: items 1 (2.5) and 3 (2.33) whole, then half of item 2 (2.17)
    assert result.objective == pytest.approx(-(10 + 7 + 13 / 2))
    assert result.bound == result.objective
    assert result.options["seed"] == 7
    assert sol is not None


def test_threads_option_after_an_earlier_solve() -> None:
    solve_matrix(knapsack())
    # one of 1 and 2 differs from the thread count the scheduler started with
    for threads in (1, 2):
        result, _ = solve_matrix(knapsack(), SolveOptions(gap=0.0, threads=threads))
        assert result.status is Status.OPTIMAL, result.message


def test_infeasible() -> None:
    m = MatrixModel()
    x = m.add_variables("x", 2, upper=1.0, integer=True)
    m.add_constraints("too_much", 1, [0, 0], x, 1.0, lower=3.0)
    result, sol = solve_matrix(m)
    assert result.status is Status.INFEASIBLE
    assert not result.has_plan
    assert sol is None and result.objective is None


def test_infeasible_lp() -> None:
    m = MatrixModel()
    x = m.add_variables("x", 1, upper=1.0)
    m.add_constraints("too_much", 1, [0], x, 1.0, lower=2.0)
    result, sol = solve_matrix(m)
    assert result.status is Status.INFEASIBLE
    assert sol is None


def test_unbounded_mip() -> None:
    """HiGHS's presolve cannot tell an unbounded MIP from an infeasible one (kUnboundedOrInfeasible,
    no point): the result says so in its message and never claims a plan."""
    m = MatrixModel()
    x = m.add_variables("x", 2, cost=[-1.0, 0.0], integer=True)
    m.add_constraints("r", 1, [0, 0], x, [1.0, -1.0], upper=1.0)
    result, sol = solve_matrix(m)
    assert result.status in (Status.UNBOUNDED, Status.INFEASIBLE)
    assert result.status is Status.UNBOUNDED or result.message == "unbounded or infeasible"
    assert not result.has_plan and sol is None


def test_unbounded_lp() -> None:
    m = MatrixModel()
    x = m.add_variables("x", 2, cost=[-1.0, 0.0])
    m.add_constraints("r", 1, [0, 0], x, [1.0, -1.0], upper=1.0)
    result, _ = solve_matrix(m)
    assert result.status is Status.UNBOUNDED


def test_time_limit_gives_plan_with_gap() -> None:
    # started from x = 0 (every row's slack "under" at half its weight), so a plan exists however
    # little of the limit the solver gets; market split is not proven optimal in 0.3 s
    m = market_split()
    half = split_weights()[1]
    start = np.concatenate([np.zeros(30), np.zeros(4), half])
    assert m.max_violation(start) == 0.0
    result, x = solve_matrix(m, SolveOptions(time_limit=0.3, seed=0), start=start)
    assert result.status is Status.FEASIBLE
    assert result.message == "time limit reached"
    assert x is not None and m.max_violation(x) <= 1e-6
    assert result.objective <= float(half.sum())
    assert result.bound is not None and result.bound <= result.objective + 1e-9
    assert result.gap is not None and result.gap > 0


def test_warm_start_and_progress_callback() -> None:
    m = knapsack()
    seen: list[tuple[float, float | None, float | None]] = []
    start = np.array([0.0, 0.0, 1.0, 1.0])  # value 15, feasible
    result, _ = solve_matrix(
        m, SolveOptions(gap=0.0), start=start, progress=lambda t, obj, bound: seen.append((t, obj, bound))
    )
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(-knapsack_optimum())
    assert all(obj is not None for _, obj, _ in seen)


def _facility_model(lazy: bool | None) -> MatrixModel:
    """Uncapacitated facility location, 3 sites x 4 customers: fixed 10 each, costs below.

    Optimum by enumeration: open site 0 and 2: 10 + 10 + (1 + 2) + (1 + 1) = 25.
    ``lazy`` None: aggregated linking only; False: per-arc rows up front; True: per-arc rows lazy.
    """
    cost = np.array([[1, 9, 9], [2, 9, 8], [9, 9, 1], [9, 7, 1]], dtype=float)
    m = MatrixModel()
    y = m.add_variables("open", 3, upper=1.0, cost=10.0, integer=True)
    x = m.add_variables("serve", 12, upper=1.0, cost=cost.ravel())
    cust = np.repeat(np.arange(4), 3)
    site = np.tile(np.arange(3), 4)
    m.add_constraints("demand", 4, cust, x, 1.0, lower=1.0, upper=1.0)
    m.add_constraints(
        "link_sum",
        3,
        np.concatenate([site, np.arange(3)]),
        np.concatenate([x, y]),
        np.concatenate([np.ones(12), -4.0 * np.ones(3)]),
        upper=0.0,
    )
    if lazy is not None:
        r = np.arange(12)
        m.add_constraints(
            "link",
            12,
            np.concatenate([r, r]),
            np.concatenate([x, y[site]]),
            np.concatenate([np.ones(12), -np.ones(12)]),
            upper=0.0,
            lazy=lazy,
        )
    return m


@pytest.mark.parametrize("lazy", [None, False, True])
def test_lazy_rows_keep_the_optimum(lazy: bool | None) -> None:
    model = _facility_model(lazy)
    result, x = solve_matrix(model)
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(25.0)
    assert model.max_violation(x) <= 1e-7
    if lazy:
        assert model.num_rows == 7 and model.num_lazy == 12
        assert "lazy rows added at the root" in result.message


def test_lazy_rows_tighten_the_relaxation() -> None:
    """With the per-arc rows found lazily, the relaxation's bound is the strong one (25 here)."""
    model = _facility_model(True)
    pool, lower, upper = model.lazy_pool()
    assert pool.shape == (12, 15) and np.all(upper == 0.0) and np.all(np.isinf(lower))
    result, _ = solve_matrix(_relaxed(_facility_model(True)))
    weak, _ = solve_matrix(_relaxed(_facility_model(None)))
    assert result.objective == pytest.approx(25.0)
    assert weak.objective < 25.0 - 1.0


def _relaxed(model: MatrixModel) -> MatrixModel:
    model._integer = [np.zeros(b.size, bool) for b in model.variable_blocks.values()]
    return model
