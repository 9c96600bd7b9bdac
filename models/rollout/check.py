"""Independent check of a roll-out: every year's plan by the SACT checker, then the links.

Each year's plan is re-checked against that year's instance (demand, nurses, hub capacity and
access target of the year) by :func:`models.sact.check.check_plan`, which does not use the model's
code.  The links between years are re-tested here from the plan's schedule alone: a site that is
new never closes and opens at most once; a site closes only where allowed; chair changes add up
from today's chairs; capital stays within each year's budget and the total; and the discounted
total is recomputed from the years' own costs.
"""

from __future__ import annotations

import math

import numpy as np

from models.common.contract import CheckReport
from models.rollout.input import RolloutInput, year_input
from models.rollout.solve import RolloutPlan
from models.sact.check import check_plan as check_year


def check_rollout(data: RolloutInput, plan: RolloutPlan, tol: float = 1e-6) -> CheckReport:
    """Every year's SACT rules and every rule that links the years."""
    if not plan.found:
        return CheckReport(violations=(f"no plan to check (status {plan.result.status.value})",))
    violations: list[str] = []
    mismatches: list[str] = []
    yearly = []
    for t, (label, year_plan) in enumerate(zip(plan.labels, plan.years, strict=True)):
        report = check_year(year_input(data, t), year_plan)
        violations += [f"year {label}: {v}" for v in report.violations]
        yearly.append(float(report.figures.get("objective", math.nan)))  # recomputed from the tables
    link_violations, spent, closures = _links(data, plan)
    violations += link_violations
    p = data.parameters
    recomputed = 0.0
    for t, (label, sact_cost) in enumerate(zip(plan.labels, yearly, strict=True)):
        discount = 1.0 / (1.0 + p.discount_rate) ** t
        recomputed += discount * (sact_cost + spent.get(label, 0.0) + closures.get(label, 0.0))
    if plan.result.objective is not None and not math.isclose(
        recomputed, plan.result.objective, rel_tol=1e-6, abs_tol=1e-3
    ):
        mismatches.append(
            f"discounted total {recomputed:,.2f} recomputed, the plan says {plan.result.objective:,.2f}"
        )
    return CheckReport(
        violations=tuple(violations),
        mismatches=tuple(mismatches),
        figures={"discounted_total": recomputed},
        checked=(
            "every year's SACT rules",
            "opening, closing and chair changes",
            "capital budgets",
            "discounted cost",
        ),
    )


def _links(data: RolloutInput, plan: RolloutPlan) -> tuple[list[str], dict, dict]:
    """Breaches of the rules between years, and the capital and closure cost of each year
    recomputed from the schedule."""
    out: list[str] = []
    sites = data.base.sites
    closable = data.closable()
    p = data.parameters
    schedule = plan.schedule
    for site_id, rows in schedule.groupby("site_id", sort=False):
        opened = list(rows["open"])
        existing = bool(sites.at[site_id, "existing"])
        before = existing
        opens = closes = 0
        for now in opened:
            opens += int(now and not before)
            closes += int(before and not now)
            before = now
        if existing and opens:
            out.append(f"site {site_id} delivers SACT today and closes then reopens")
        if closes and site_id not in closable:
            out.append(f"site {site_id} closes but may not close")
        if opens > 1 or closes > 1:
            out.append(f"site {site_id} opens {opens} and closes {closes} times")
        chairs = np.r_[sites.at[site_id, "current_chairs"] if existing else 0, rows["chairs"].to_numpy()]
        steps = np.diff(chairs)
        if not (np.maximum(steps, 0) == rows["chairs_added"].to_numpy()).all():
            out.append(f"site {site_id}: chairs added do not match the change in chairs")
    new_site = schedule["event"].eq("opens") & ~schedule["site_id"].map(sites["existing"]).astype(bool)
    spent = (
        (p.capital_per_chair * schedule["chairs_added"] + p.capital_per_new_site * new_site)
        .groupby(schedule["year"], sort=False)
        .sum()
    )
    budgets = data.years["capital_budget"].astype(float).to_numpy()
    for label, budget in zip(plan.labels, budgets, strict=True):
        capital = float(spent.get(label, 0.0))
        if not math.isnan(budget) and capital > budget + 1e-6:
            out.append(f"year {label}: capital £{capital:,.0f} above its budget £{budget:,.0f}")
    total = float(spent.sum())
    if p.total_capital_budget is not None and total > p.total_capital_budget + 1e-6:
        out.append(f"capital £{total:,.0f} above the total budget £{p.total_capital_budget:,.0f}")
    closed = (p.closure_cost * schedule["event"].eq("closes")).groupby(schedule["year"], sort=False).sum()
    return out, spent.to_dict(), closed.to_dict()
