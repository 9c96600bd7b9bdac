"""The roll-out MILP: the single-period SACT model once per year, stacked, and the linking rows.

Every constraint of a year is built by :func:`models.sact.matrix.build_matrix` from that year's
data (:func:`models.rollout.input.year_input`, which the checker reads too), so the SACT
formulation is written once, with its valid inequalities (constraints (7)-(9) of
:mod:`models.rollout`: the SACT cuts 14-16 on that year's demand); this module adds only the
linking variables and rows (numbered as in :mod:`models.rollout`) and the discounting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.rollout.input import RolloutInput, year_input
from models.sact.arrays import SactArrays, prepare
from models.sact.input import SactInput
from models.sact.matrix import build_matrix, fixed_in_every_plan, open_in_every_plan
from solvers.matrix import MatrixModel
from solvers.stack import scale_costs, stack


@dataclass(frozen=True)
class YearModel:
    """One year's data, arrays and single-period model, and where its columns start."""

    label: str
    data: SactInput
    arrays: SactArrays
    model: MatrixModel
    offset: int
    discount: float

    @property
    def year(self) -> int | str:
        """The year as the years table has it (a whole number where it is one)."""
        return int(self.label) if self.label.lstrip("-").isdigit() else self.label

    def columns(self, block: str) -> np.ndarray:
        return self.model.variable_blocks[block].index + self.offset


@dataclass(frozen=True)
class RolloutModel:
    """The stacked model and its years; ``constant``: the present value of what every roll-out
    pays and ``model``'s objective leaves out (0 unless built ``without_constant``): the fixed
    cost and least chairs of the sites every plan opens, and ``first_year``, the capital and
    closures of year 1 that every roll-out pays (:func:`first_year_in_every_plan`)."""

    model: MatrixModel
    years: tuple[YearModel, ...]
    constant: float = 0.0
    first_year: float = 0.0


def build(data: RolloutInput, *, without_constant: bool = False) -> RolloutModel:
    """The stacked model: every year's SACT rows and cuts (0, 7-9), the links (1)-(6), discounted
    costs; ``without_constant``: every year's fixed cost and least chairs of the sites every plan
    opens left out of the objective (:func:`models.sact.matrix.build_matrix`), and year 1's capital
    of those sites and chairs not there today and closure of the must-close ones
    (:func:`first_year_in_every_plan`), their present value kept as ``constant``, so that the
    solver's relative gap is of the cost the roll-out decides."""
    r = data.parameters.discount_rate
    parts, years = [], []
    constant = 0.0
    for t in range(data.num_years):
        year_data = year_input(data, t)
        arrays = prepare(year_data)
        model = build_matrix(arrays, year_data.parameters, without_constant=without_constant)
        parts.append((str(data.years["year"].iloc[t]), arrays, year_data, model))
    m, offsets = stack([(label, model) for label, _, _, model in parts], name="sact_rollout")
    m.objective_offset = 0.0  # each year's offset (its least chairs' cost left out) at its discount
    for t, (label, arrays, year_data, model) in enumerate(parts):
        discount = 1.0 / (1.0 + r) ** t
        years.append(YearModel(label, year_data, arrays, model, offsets[label], discount))
        scale_costs(m, np.arange(offsets[label], offsets[label] + model.num_cols), discount)
        m.objective_offset += discount * model.objective_offset
        if without_constant:
            constant += discount * fixed_in_every_plan(arrays, year_data.parameters)
    first_year = linking(m, data, tuple(years), without_constant=without_constant)
    return RolloutModel(m, tuple(years), constant + first_year, first_year)


def first_year_in_every_plan(
    data: RolloutInput, first: YearModel
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sites every roll-out opens and closes in its first year, and the chairs it adds there,
    by site: a site every year-1 plan opens (:func:`models.sact.matrix.open_in_every_plan`: a
    must-open site, one fixed open by a cover, the only site a zone reaches) not delivering SACT
    today ((1) opens it in year 1), a site delivering today that may not open (``must_close``)
    and may close ((2) closes it in year 1; one that may not close has no roll-out), and the
    chairs such an open site needs to reach its least chairs from today's ((4) adds at least
    min_chairs - today's chairs in year 1).  Their capital and closure cost, at year 1's
    discount, is a constant of the objective."""
    sites = data.base.sites
    existing = sites["existing"].to_numpy(bool)
    closable = np.isin(sites.index.to_numpy(), list(data.closable()))
    a = first.arrays
    every = open_in_every_plan(a, first.data.parameters)
    today = np.where(existing, sites["current_chairs"].to_numpy(float), 0.0)
    added = np.where(every, np.maximum(a.min_chairs - today, 0.0), 0.0)
    return every & ~existing, ~a.can_open & existing & closable, added


def linking(
    m: MatrixModel, data: RolloutInput, years: tuple[YearModel, ...], *, without_constant: bool = False
) -> float:
    """Opening, closing, chair changes and capital: (R1)-(R6); ``without_constant``: the capital and
    closures of year 1 that every roll-out pays (:func:`first_year_in_every_plan`) left out of
    the objective.  Returns what is left out (0 without ``without_constant``).

    The linking variables are continuous: with every year's :math:`y, n` integer, the least
    :math:`o, w, a, b` meeting (R1)-(R4) are whole numbers and only loosen (R3), (R5), (R6), so
    the optimum is the same, and HiGHS branches on the years' decisions only.
    """
    sites = data.base.sites
    num_sites, num_years = len(sites), len(years)
    existing = sites["existing"].to_numpy(bool).astype(float)
    today_chairs = np.where(existing > 0, sites["current_chairs"].to_numpy(float), 0.0)
    closable = np.isin(sites.index.to_numpy(), list(data.closable()))
    p = data.parameters
    discount = np.array([y.discount for y in years])
    size = num_sites * num_years
    opening_cost = np.repeat(discount, num_sites) * p.capital_per_new_site
    closing_cost = np.repeat(discount, num_sites) * p.closure_cost
    left_out = 0.0
    if without_constant:  # year 1's columns come first
        opens, closes, added = first_year_in_every_plan(data, years[0])
        chairs_added = float(p.capital_per_chair * added.sum())  # as an offset: a[s,1] may exceed it
        left_out = float(opening_cost[:num_sites][opens].sum() + closing_cost[:num_sites][closes].sum())
        left_out += chairs_added
        opening_cost[:num_sites][opens] = 0.0
        closing_cost[:num_sites][closes] = 0.0
        m.objective_offset -= chairs_added
    # opening o[s,t]: only sites not delivering today; closing w[s,t]: only closable sites
    o = m.add_variables(
        "opening", size, upper=np.tile(1.0 - existing, num_years), cost=opening_cost, integer=False
    )
    w = m.add_variables(
        "closing", size, upper=np.tile(closable.astype(float), num_years), cost=closing_cost, integer=False
    )
    most = sites["max_chairs"].to_numpy(float)
    add = m.add_variables(
        "chairs_added",
        size,
        upper=np.tile(most, num_years),
        cost=np.repeat(discount, num_sites) * p.capital_per_chair,
        integer=False,
    )
    rem = m.add_variables(
        "chairs_removed", size, upper=np.tile(np.maximum(most, today_chairs), num_years), integer=False
    )
    y = np.stack([yr.columns("open") for yr in years])  # (T, S)
    n = np.stack([yr.columns("chairs") for yr in years])
    grid = np.arange(size).reshape(num_years, num_sites)
    opening_and_closing(m, y, o[grid], w[grid], existing)
    chair_changes(m, n, add[grid], rem[grid], today_chairs)
    opened_at_most_once(m, o[grid], w[grid])
    capital_budgets(m, data, o[grid], add[grid])
    return left_out


def opening_and_closing(
    m: MatrixModel, y: np.ndarray, o: np.ndarray, w: np.ndarray, existing: np.ndarray
) -> None:
    """(R1) y[s,t] - y[s,t-1] <= o[s,t];  (R2) y[s,t-1] - y[s,t] <= w[s,t];  y[s,0] = today."""
    num_years, num_sites = y.shape
    rows = np.arange(num_years * num_sites)
    prev = np.vstack([np.full((1, num_sites), -1), y[:-1]])
    first = np.repeat(np.arange(num_years) == 0, num_sites)
    flat_y, flat_prev, flat_o, flat_w = y.ravel(), prev.ravel(), o.ravel(), w.ravel()
    later = ~first
    today = np.tile(existing, num_years)
    # (R1): y_t - y_{t-1} - o_t <= 0 (t > 1);  y_1 - o_1 <= today
    r1_rows = np.r_[rows, rows, rows[later]]
    r1_cols = np.r_[flat_y, flat_o, flat_prev[later]]
    r1_vals = np.r_[np.ones(len(rows)), -np.ones(len(rows)), -np.ones(later.sum())]
    m.add_constraints("opening", len(rows), r1_rows, r1_cols, r1_vals, upper=np.where(first, today, 0.0))
    # (R2): y_{t-1} - y_t - w_t <= 0 (t > 1);  -y_1 - w_1 <= -today
    r2_rows = np.r_[rows, rows, rows[later]]
    r2_cols = np.r_[flat_y, flat_w, flat_prev[later]]
    r2_vals = np.r_[-np.ones(len(rows)), -np.ones(len(rows)), np.ones(later.sum())]
    m.add_constraints("closing", len(rows), r2_rows, r2_cols, r2_vals, upper=np.where(first, -today, 0.0))


def chair_changes(m: MatrixModel, n: np.ndarray, add: np.ndarray, rem: np.ndarray, today: np.ndarray) -> None:
    """(R4) n[s,t] - n[s,t-1] - added[s,t] + removed[s,t] = 0;  n[s,0] = today's chairs."""
    num_years, num_sites = n.shape
    rows = np.arange(num_years * num_sites)
    first = np.repeat(np.arange(num_years) == 0, num_sites)
    later = ~first
    prev = np.vstack([np.full((1, num_sites), -1), n[:-1]]).ravel()
    r_rows = np.r_[rows, rows, rows, rows[later]]
    r_cols = np.r_[n.ravel(), add.ravel(), rem.ravel(), prev[later]]
    r_vals = np.r_[np.ones(len(rows)), -np.ones(len(rows)), np.ones(len(rows)), -np.ones(later.sum())]
    rhs = np.where(first, np.tile(today, num_years), 0.0)
    m.add_constraints("chair_changes", len(rows), r_rows, r_cols, r_vals, lower=rhs, upper=rhs)


def opened_at_most_once(m: MatrixModel, o: np.ndarray, w: np.ndarray) -> None:
    """(R3) sum_t o[s,t] <= 1 and sum_t w[s,t] <= 1: a site opens once and then stays (a closable
    site closes once and does not reopen: it cannot open, as it delivered SACT today)."""
    num_years, num_sites = o.shape
    rows = np.tile(np.arange(num_sites), num_years)
    m.add_constraints("open_once", num_sites, rows, o.ravel(), 1.0, upper=1.0)
    m.add_constraints("close_once", num_sites, rows, w.ravel(), 1.0, upper=1.0)


def capital_budgets(m: MatrixModel, data: RolloutInput, o: np.ndarray, add: np.ndarray) -> None:
    """(R5) capital of year t within its budget; (R6) capital of all years within the total."""
    p = data.parameters
    num_years, num_sites = o.shape
    budgets = data.years["capital_budget"].astype(float).to_numpy()
    limited = np.flatnonzero(~np.isnan(budgets))
    if len(limited):
        rows = np.repeat(np.arange(len(limited)), 2 * num_sites)
        cols = np.concatenate([np.r_[o[t], add[t]] for t in limited])
        vals = np.tile(
            np.r_[np.full(num_sites, p.capital_per_new_site), np.full(num_sites, p.capital_per_chair)],
            len(limited),
        )
        m.add_constraints("capital_budget", len(limited), rows, cols, vals, upper=budgets[limited])
    if p.total_capital_budget is not None:
        cols = np.r_[o.ravel(), add.ravel()]
        vals = np.r_[np.full(o.size, p.capital_per_new_site), np.full(add.size, p.capital_per_chair)]
        m.add_constraints("total_capital", 1, np.zeros(len(cols)), cols, vals, upper=p.total_capital_budget)
