"""What no roll-out can meet across years, named before solving, with the shortfall in numbers.

Each year's SACT requirements are tested by :func:`models.sact.diagnose.diagnose`; this module
adds what links the years: the capital the chairs demand needs cannot be spent within the
budgets.  Chairs grow only by chairs added (each costing ``capital_per_chair``) and a year's
chairs are at least those its demand needs, :math:`C_t = \\lceil D_t h / H \\rceil` (attendances
:math:`D_t`, chair hours per attendance :math:`h`, usable chair hours a chair a year :math:`H`),
so by year :math:`t` at least :math:`C_t - C_0` chairs have been added, :math:`C_0` today's
chairs, costing at least :math:`c (C_t - C_0)`.  A roll-out exists only if that is within the
total capital budget and within the sum of the yearly capital budgets up to :math:`t`.  New
sites' capital only adds to it, so the test is a bound, never a false alarm.  With
``allow_unserved`` unserved demand needs no chairs and the test does not apply.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from models.common.words import count
from models.rollout.input import RolloutInput


def capital_shortfalls(data: RolloutInput, years: Sequence[Any]) -> list[str]:
    """The years whose chairs, at ``capital_per_chair``, need more capital than the budgets allow.

    ``years``: the built years (``label``, ``data``, ``arrays``), in order.
    """
    p = data.parameters
    base = data.base.parameters
    if base.allow_unserved or p.capital_per_chair <= 0:
        return []
    sites = data.base.sites
    today = float(sites.loc[sites["existing"].astype(bool), "current_chairs"].astype(float).sum())
    budgets = data.years["capital_budget"].astype(float).to_numpy()
    cumulative = np.cumsum(np.nan_to_num(budgets, nan=np.inf))
    needs = []
    for year in years:
        yp = year.data.parameters
        chairs = math.ceil(year.arrays.total_demand * yp.mean_chair_hours / yp.chair_hours_per_year - 1e-9)
        needs.append((year.label, chairs, p.capital_per_chair * max(0.0, chairs - today)))

    def finding(label: Any, chairs: int, least: float, budget: str, amount: float) -> str:
        return (
            f"by {label} demand needs at least {count(chairs, 'chair')}, "
            f"{chairs - today:,.0f} more than today's "
            f"{today:,.0f}; at £{p.capital_per_chair:,.0f} a chair added that is at least £{least:,.0f} of "
            f"capital, above {budget} (£{least - amount:,.0f} short)"
        )

    found = []
    label, chairs, least = max(needs, key=lambda need: need[2])
    if p.total_capital_budget is not None and least > p.total_capital_budget + 1e-6:
        budget = f"the total capital budget of £{p.total_capital_budget:,.0f}"
        found.append(finding(label, chairs, least, budget, p.total_capital_budget))
    for t, (label, chairs, least) in enumerate(needs):
        if least > cumulative[t] + 1e-6:
            budget = f"the capital budgets of the years to {label}, £{cumulative[t]:,.0f} in all"
            found.append(finding(label, chairs, least, budget, float(cumulative[t])))
            break  # later years only repeat it
    return found
