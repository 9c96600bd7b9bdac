"""``kind: rollout``: phased roll-out of SACT sites over years (``models.rollout``).

An instance is a SACT instance (the same tables and parameters as ``kind: sact``: today's
network and demand) plus a ``years`` table and the roll-out parameters (discount rate, capital
per chair and per new site, closure cost, total capital budget).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

import models.rollout
from models.common.contract import ModelInputError
from models.rollout.input import RolloutInput, RolloutParameters
from models.rollout.solve import UNSERVED_SHOWN
from optimiser.errors import InputError, Problem
from optimiser.kinds import sact as sact_kind
from optimiser.kinds.base import Kind, ModelCase
from optimiser.kinds.figures import decided_gap_words, gap_percent, money, solver_status
from optimiser.kinds.sact_schema import PARAMETERS as SACT_PARAMETERS
from optimiser.kinds.sact_schema import TABLES as SACT_TABLES
from optimiser.schema import Column, Parameter, TableSchema

YEARS = TableSchema(
    "years",
    (
        Column("year", "int", unique=True, minimum=1900, maximum=2200, doc="the year, in order"),
        Column(
            "demand_factor", "float", minimum=0, doc="attendances that year relative to the zones table's"
        ),
        Column(
            "capital_budget",
            "float",
            required=False,
            minimum=0,
            allow_blank=True,
            doc="pounds of capital that year; blank: no limit",
        ),
        Column(
            "access_target",
            "float",
            required=False,
            minimum=0,
            maximum=1,
            allow_blank=True,
            doc="share within the access standard that year; blank: the access_target parameter",
        ),
        Column(
            "nurse_factor", "float", required=False, default=1.0, minimum=0, doc="nurses relative to today"
        ),
        Column(
            "hub_capacity_factor",
            "float",
            required=False,
            default=1.0,
            minimum=0,
            doc="aseptic hub capacity relative to today",
        ),
    ),
    doc="the years of the roll-out",
)

_F, _B = float, bool
ROLLOUT_PARAMETERS = (
    Parameter(
        "discount_rate",
        _F,
        0.035,
        "a year",
        "discount rate (HM Treasury Green Book: 3.5 %)",
        minimum=0,
        maximum=1,
    ),
    Parameter("capital_per_chair", _F, 0.0, "pounds", "capital per chair added", minimum=0),
    Parameter(
        "capital_per_new_site", _F, 0.0, "pounds", "capital per site opened that has no SACT today", minimum=0
    ),
    Parameter("closure_cost", _F, 0.0, "pounds", "cost of closing a site", minimum=0),
    Parameter(
        "total_capital_budget",
        _F,
        None,
        "pounds",
        "capital over the whole roll-out; none: no limit",
        minimum=0,
        optional=True,
    ),
    Parameter(
        "existing_may_close", _B, True, "", "sites delivering SACT today may close (new sites never do)"
    ),
    Parameter(
        "final_demand_factor",
        _F,
        None,
        "",
        "demand of the last year relative to the first; given, it replaces the years' demand_factor "
        "by steady (compound) growth from 1 (a scenario knob: 1.4, 1.68, 1.9)",
        minimum=0,
        optional=True,
    ),
)
SACT_NAMES = {p.name for p in SACT_PARAMETERS}


def build_input(tables: dict[str, pd.DataFrame], params: dict[str, Any], files: dict[str, str]) -> ModelCase:
    """Today's SACT instance (built as ``kind: sact`` builds it) and the years."""
    base = sact_kind.build_input(tables, {k: v for k, v in params.items() if k in SACT_NAMES}, files).input
    years = tables["years"].copy()
    years.attrs = {}
    problems = []
    if not years["year"].is_monotonic_increasing:
        problems.append(Problem(files["years"], "years must be in increasing order", column="year"))
    if problems:
        raise InputError(problems)
    for column in ("capital_budget", "access_target"):
        years[column] = years[column].astype(float)
    final = params.get("final_demand_factor")
    if final is not None and len(years) > 1:
        steps = np.arange(len(years)) / (len(years) - 1)
        years["demand_factor"] = float(final) ** steps
    names = {f.name for f in dataclasses.fields(RolloutParameters)}
    rollout = RolloutParameters(**{p.name: params[p.name] for p in ROLLOUT_PARAMETERS if p.name in names})
    try:
        data = RolloutInput(base=base, years=years.reset_index(drop=True), parameters=rollout, name=base.name)
    except ModelInputError as exc:
        raise InputError(
            [Problem(files.get(p.table, p.table), p.message, p.row, p.column) for p in exc.problems]
        ) from None
    return ModelCase(data, rollout)


def _in_every_plan(plan: models.rollout.Plan) -> str | None:
    """What every roll-out pays, in words, when year 1's capital and closures are in it (None:
    only the site costs of the sites every plan opens, said as a SACT plan says it)."""
    if plan.first_year_in_every_plan <= 0:
        return None
    return (
        f"{money(plan.fixed_in_every_plan())} is in every plan: the fixed cost and least chairs of the "
        "sites every plan opens and, in year 1, the capital of those sites and chairs not there today "
        "and the closure of the must-close sites"
    )


def summary(plan: models.rollout.Plan) -> str:
    r = plan.result
    lines = [f"Status: {solver_status(r)}" + (f" ({r.message})" if r.message else "")]
    if not plan.found:
        return "\n".join([*lines, "No roll-out:", *[f"  - {e}" for e in plan.explanation]])
    gap = gap_percent(r.gap)
    lines.append(
        f"Present value {money(r.objective)}   bound {money(r.bound)}   gap {gap}"
        f"{decided_gap_words(plan.decided_gap(), plan.fixed_in_every_plan(), _in_every_plan(plan))}   "
        f"solve {r.solve_seconds:.1f} s"
    )
    lines.append("")
    lines.append(
        f"{'Year':6} {'Sites':>5} {'Chairs':>6} {'Capital':>11} {'Cost':>12} {'Within 30':>9}  Changes"
    )
    events = plan.schedule[plan.schedule["event"] != ""]
    for label, year_plan, (_, cost) in zip(plan.labels, plan.years, plan.costs.iterrows(), strict=True):
        happened = (
            events[events["year"] == int(label)] if str(label).isdigit() else events[events["year"] == label]
        )
        text = ", ".join(change_words(e) for e in happened.itertuples())
        lines.append(
            f"{label!s:6} {int(year_plan.sites['open'].sum()):>5} {int(year_plan.sites['chairs'].sum()):>6} "
            f"{money(cost['capital']):>11} {money(cost['total']):>12} {year_plan.access['within_30']:>9.1%}  "
            f"{text[:60]}{'...' if len(text) > 60 else ''}"
        )
    lines += _unserved_lines(plan)
    lines.append("")
    lines.append(
        "Schedule by site and year in schedule.csv; costs in costs_by_year.csv; access in access_by_year.csv."
    )
    return "\n".join(lines)


def change_words(change: Any) -> str:
    """A site's change in a year, with the chairs it gains or loses: "RXL01 grows +2", "RXN02
    shrinks -1", "RXN10 opens +5", "RXR60 closes" (a shrinking site read only "RXN02 shrinks").
    ``change``: a row of the schedule (``site_id``, ``event``, ``chairs_added``, ``chairs_removed``)."""
    words = f"{change.site_id} {change.event}"
    if change.chairs_added:
        return f"{words} +{change.chairs_added}"
    if change.chairs_removed and change.event == "shrinks":
        return f"{words} -{change.chairs_removed}"
    return words


def _unserved_lines(plan: models.rollout.Plan) -> list[str]:
    """The years that leave demand unserved (``allow_unserved``), their attendances and why: the
    Cost column holds their penalty, which is no money spent."""
    lost = {year: n for year, n in plan.figures()["unserved_by_year"].items() if n >= UNSERVED_SHOWN}
    if not lost:
        return []
    years = ", ".join(f"{n:,.0f} in {year}" for year, n in lost.items())
    costs = plan.costs
    penalty = float((costs["unserved_penalty"] * costs["discount_factor"]).sum())
    spent = float(costs["discounted_total"].sum()) - penalty
    return [
        "",
        f"Unserved attendances: {years} (unserved.csv); the Cost column and the present value include "
        f"their penalty ({money(penalty)} discounted), which is no money spent: the present value "
        f"without it is {money(spent)}",
        *[f"  - {reason}" for reason in plan.explanation],
    ]


ROWS_PER_YEAR = 150
"""What reading, checking and writing one year of a roll-out costs, in the rows of
:data:`optimiser.clock.CHECK_AND_WRITE_SECONDS_PER_ROW` (rows a year): a year is a whole SACT plan
(its allocation, access and hub links read from the solution, every SACT rule re-checked, its
tables written), about 0.1 s quiet whatever its size, mostly pandas' fixed costs.
lsc-sact-rollout's 10 years took 1.0 s quiet and 1.6 s at load 4-5 after the solve, which ran
over a 15 s limit by 2-4 s at load 6-7 when only 0.75 s was kept back. 150 rows is 0.225 s a
year, twice the quiet figure, so that a loaded machine still ends within the limit."""


def plan_rows(data: RolloutInput) -> int:
    """The rows a roll-out's plan counts as for the time kept back to check and write it: each
    of its years as :data:`ROWS_PER_YEAR` rows."""
    return ROWS_PER_YEAR * len(data.years)


KIND = Kind(
    name="rollout",
    description="phased roll-out of SACT sites and chairs over years as demand grows",
    tables=(*SACT_TABLES, YEARS),
    parameters=(*SACT_PARAMETERS, *ROLLOUT_PARAMETERS),
    build_input=build_input,
    summary=summary,
    model=models.rollout,
    plan_rows=plan_rows,
)

__all__ = ["KIND", "ROLLOUT_PARAMETERS", "ROWS_PER_YEAR", "YEARS", "build_input", "plan_rows", "summary"]
