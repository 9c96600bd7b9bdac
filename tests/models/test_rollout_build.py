"""Each linking function of :mod:`models.rollout.build`, alone, on two sites and two years, row by row.

The sites are those of the tiny SACT instance (``tests/conftest.py``): A delivers SACT today with
2 chairs (at most 3), B does not (0 chairs, at most 2).  The years are 2026 and 2027.  Each
function is given a bare model whose columns are named ``y[A26]`` (open), ``n[A26]`` (chairs),
``o`` (opens), ``w`` (closes), ``add`` and ``rem`` (chairs added and removed), and its rows are
compared, by column name, with (R1)-(R6) of :mod:`models.rollout`; :func:`build` is then checked
to hand each function the years' own columns and the bounds the docstring relies on.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import models.rollout as rollout
import models.sact as sact
from models.rollout import build as rb
from optimiser.kinds import load_instance
from solvers import MatrixModel

INF = math.inf
SITES = ("A", "B")
YEARS = ("26", "27")
FAMILIES = ("y", "n", "o", "w", "add", "rem")


def years(budget: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2026, 2027],
            "demand_factor": 1.0,
            "capital_budget": budget,
            "access_target": np.nan,
            "nurse_factor": 1.0,
            "hub_capacity_factor": 1.0,
        }
    )


@pytest.fixture
def tiny_base(tiny_instance: Path) -> sact.Input:
    return load_instance(tiny_instance).model_input.input


def bare() -> tuple[MatrixModel, dict[str, np.ndarray]]:
    """A model with one (year, site) grid of columns per family, no row yet."""
    mm = MatrixModel("test")
    grid = {f: mm.add_variables(f, 4).reshape(2, 2) for f in FAMILIES}
    return mm, grid


def labels() -> list[str]:
    return [f"{f}[{s}{t}]" for f in FAMILIES for t in YEARS for s in SITES]


def rows(mm: MatrixModel, block: str, names: list[str] | None = None) -> list[tuple[float, dict, float]]:
    """The rows of ``block`` as (lower, {column: coefficient}, upper)."""
    dense = mm.matrix().toarray()
    names = names or labels()
    b = mm.constraint_blocks[block]
    return [
        (
            float(mm.row_lower[r]),
            {names[j]: float(dense[r, j]) for j in np.flatnonzero(dense[r])},
            float(mm.row_upper[r]),
        )
        for r in range(b.start, b.start + b.size)
    ]


def test_opening_and_closing_start_from_today() -> None:
    """(R1) y_t - y_{t-1} <= o_t, (R2) y_{t-1} - y_t <= w_t, y_0 = today (A 1, B 0)."""
    mm, g = bare()
    rb.opening_and_closing(mm, g["y"], g["o"], g["w"], np.array([1.0, 0.0]))
    assert rows(mm, "opening") == [
        (-INF, {"y[A26]": 1.0, "o[A26]": -1.0}, 1.0),
        (-INF, {"y[B26]": 1.0, "o[B26]": -1.0}, 0.0),
        (-INF, {"y[A26]": -1.0, "y[A27]": 1.0, "o[A27]": -1.0}, 0.0),
        (-INF, {"y[B26]": -1.0, "y[B27]": 1.0, "o[B27]": -1.0}, 0.0),
    ]
    assert rows(mm, "closing") == [
        (-INF, {"y[A26]": -1.0, "w[A26]": -1.0}, -1.0),
        (-INF, {"y[B26]": -1.0, "w[B26]": -1.0}, 0.0),
        (-INF, {"y[A26]": 1.0, "y[A27]": -1.0, "w[A27]": -1.0}, 0.0),
        (-INF, {"y[B26]": 1.0, "y[B27]": -1.0, "w[B27]": -1.0}, 0.0),
    ]


def test_chair_changes_carry_chairs_over() -> None:
    """(R4) n_t - n_{t-1} - add_t + rem_t = 0, n_0 = today's chairs (A 2, B 0)."""
    mm, g = bare()
    rb.chair_changes(mm, g["n"], g["add"], g["rem"], np.array([2.0, 0.0]))
    assert rows(mm, "chair_changes") == [
        (2.0, {"n[A26]": 1.0, "add[A26]": -1.0, "rem[A26]": 1.0}, 2.0),
        (0.0, {"n[B26]": 1.0, "add[B26]": -1.0, "rem[B26]": 1.0}, 0.0),
        (0.0, {"n[A26]": -1.0, "n[A27]": 1.0, "add[A27]": -1.0, "rem[A27]": 1.0}, 0.0),
        (0.0, {"n[B26]": -1.0, "n[B27]": 1.0, "add[B27]": -1.0, "rem[B27]": 1.0}, 0.0),
    ]


def test_opened_at_most_once() -> None:
    """(R3) sum_t o_st <= 1 and sum_t w_st <= 1, one row per site."""
    mm, g = bare()
    rb.opened_at_most_once(mm, g["o"], g["w"])
    assert rows(mm, "open_once") == [
        (-INF, {"o[A26]": 1.0, "o[A27]": 1.0}, 1.0),
        (-INF, {"o[B26]": 1.0, "o[B27]": 1.0}, 1.0),
    ]
    assert rows(mm, "close_once") == [
        (-INF, {"w[A26]": 1.0, "w[A27]": 1.0}, 1.0),
        (-INF, {"w[B26]": 1.0, "w[B27]": 1.0}, 1.0),
    ]


def test_capital_budgets_of_limited_years_and_in_total(tiny_base: sact.Input) -> None:
    """(R5) K^c add_t + K^o o_t <= B_t for the years with a budget (2027 only); (R6) over both years."""
    params = rollout.Parameters(
        capital_per_chair=50.0, capital_per_new_site=1000.0, total_capital_budget=1500.0
    )
    data = rollout.Input(base=tiny_base, years=years([np.nan, 1200.0]), parameters=params)
    mm, g = bare()
    rb.capital_budgets(mm, data, g["o"], g["add"])
    assert rows(mm, "capital_budget") == [
        (-INF, {"o[A27]": 1000.0, "o[B27]": 1000.0, "add[A27]": 50.0, "add[B27]": 50.0}, 1200.0)
    ]
    both = {f"{f}[{s}{t}]": c for f, c in (("o", 1000.0), ("add", 50.0)) for t in YEARS for s in SITES}
    assert rows(mm, "total_capital") == [(-INF, both, 1500.0)]


def test_capital_budgets_add_no_row_without_a_limit(tiny_base: sact.Input) -> None:
    data = rollout.Input(base=tiny_base, years=years([np.nan, np.nan]))
    mm, g = bare()
    rb.capital_budgets(mm, data, g["o"], g["add"])
    assert mm.constraint_blocks == {}


def test_build_links_each_years_columns_with_the_documented_bounds(tiny_base: sact.Input) -> None:
    """A delivers today: it never opens (o <= 0) and may close; B is new: it opens, never closes."""
    params = rollout.Parameters(discount_rate=0.1, capital_per_new_site=1000.0)
    model = rb.build(rollout.Input(base=tiny_base, years=years([np.nan, np.nan]), parameters=params))
    m = model.model
    names = [""] * m.num_cols
    for t, yr in zip(YEARS, model.years, strict=True):
        for s, j in zip(SITES, yr.columns("open"), strict=True):
            names[j] = f"y[{s}{t}]"
        for s, j in zip(SITES, yr.columns("chairs"), strict=True):
            names[j] = f"n[{s}{t}]"
    for block, short in (
        ("opening", "o"),
        ("closing", "w"),
        ("chairs_added", "add"),
        ("chairs_removed", "rem"),
    ):
        for i, j in enumerate(m.variable_blocks[block].index):
            names[j] = f"{short}[{SITES[i % 2]}{YEARS[i // 2]}]"
    assert rows(m, "opening", names)[2] == (-INF, {"y[A26]": -1.0, "y[A27]": 1.0, "o[A27]": -1.0}, 0.0)
    assert rows(m, "chair_changes", names)[0] == (
        2.0,
        {"n[A26]": 1.0, "add[A26]": -1.0, "rem[A26]": 1.0},
        2.0,
    )
    upper = dict(zip(names, m.col_upper, strict=True))
    assert [upper[f"o[{s}26]"] for s in SITES] == [0.0, 1.0]
    assert [upper[f"w[{s}27]"] for s in SITES] == [1.0, 0.0]
    assert [upper[f"rem[{s}26]"] for s in SITES] == [3.0, 2.0]
    cost = dict(zip(names, m.cost, strict=True))
    assert (cost["o[B26]"], cost["o[B27]"]) == pytest.approx((1000.0, 1000.0 / 1.1))
