"""Solve the roll-out and read the schedule, the costs by year and the access by year."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from models.common.constant import decided_gap, progress_plus, with_constant
from models.common.contract import finite_or_none
from models.rollout.build import RolloutModel, YearModel, build
from models.rollout.diagnose import capital_shortfalls
from models.rollout.input import RolloutInput, RolloutParameters
from models.rollout.large import solve_priced, use_priced_path
from models.sact.diagnose import diagnose, unproven_gap, unserved_reasons
from models.sact.solve import SactPlan, extract
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_model


@dataclass(frozen=True)
class RolloutPlan:
    """The roll-out: one SACT plan per year and the schedule that links them.

    schedule : one row per site and year: ``open``, ``chairs``, ``chairs_added``,
        ``chairs_removed``, ``event`` (opens / closes / grows / shrinks / blank).
    costs : one row per year: running (sites and chairs), patient travel, unserved penalty,
        capital (chairs and new sites), closures, total, discount factor, discounted total.
    access : one row per year for all zones (``quintile`` ``all``) and one per year and deprivation
        quintile present (1-5; 0 = zones of unknown quintile, as in ``zones.csv``): mean minutes and
        shares within 30, 45 and 60 minutes. Each year's plan also holds its
        ``access_by_district``; ``tables()`` gives them together as ``access_by_district`` (year
        first) when the zones name districts.
    """

    result: SolveResult
    years: tuple[SactPlan, ...]
    labels: tuple[int | str, ...]
    schedule: pd.DataFrame
    costs: pd.DataFrame
    access: pd.DataFrame
    explanation: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    parameters: RolloutParameters = field(default_factory=RolloutParameters)
    first_year_in_every_plan: float = 0.0  # year 1's capital (sites, chairs) and closures every roll-out pays

    @property
    def found(self) -> bool:
        return self.result.has_plan

    def tables(self) -> dict[str, pd.DataFrame]:
        if not self.found:
            return {}
        allocation = pd.concat(
            [plan.allocation.assign(year=label) for label, plan in zip(self.labels, self.years, strict=True)]
        )
        hub_links = pd.concat(
            [plan.hub_links.assign(year=label) for label, plan in zip(self.labels, self.years, strict=True)]
        )
        by_district = [
            plan.access_by_district.assign(year=label)
            for label, plan in zip(self.labels, self.years, strict=True)
            if len(plan.access_by_district)
        ]
        unserved = pd.concat(
            [plan.unserved.assign(year=label) for label, plan in zip(self.labels, self.years, strict=True)]
        )
        return {
            "schedule": self.schedule,
            "costs_by_year": self.costs,
            "access_by_year": self.access,
            **({"access_by_district": _year_first(pd.concat(by_district))} if by_district else {}),
            "allocation": allocation,
            "hub_links": hub_links,
            "unserved": unserved,
        }

    def fixed_in_every_plan(self) -> float:
        """The present value of what every roll-out pays: the fixed cost and least chairs of the
        sites every plan opens (each year's ``fixed_in_every_plan``, discounted) and
        ``first_year_in_every_plan``, the capital of those sites and chairs not there today and
        the closure of the must-close ones, in year 1
        (:func:`models.rollout.build.first_year_in_every_plan`)."""
        discount = self.costs["discount_factor"].to_numpy(float)
        fixed = [plan.costs.get("fixed_in_every_plan", 0.0) for plan in self.years]
        return float(np.dot(discount, fixed)) + self.first_year_in_every_plan

    def decided_gap(self) -> dict[str, float | None] | None:
        """The gap in pounds and of the present value the roll-out decides, what every roll-out
        pays left out (:meth:`fixed_in_every_plan`, :func:`models.common.constant.decided_gap`);
        None without a plan or under an objective other than cost."""
        if not self.found or self.years[0].parameters.objective != "cost":
            return None
        return decided_gap(self.result, self.fixed_in_every_plan())

    def figures(self) -> dict[str, Any]:
        if not self.found:
            return {"years": len(self.labels)}
        last = self.years[-1]
        opened = self.schedule.loc[self.schedule["event"] == "opens", ["site_id", "year"]]
        closed = self.schedule.loc[self.schedule["event"] == "closes", ["site_id", "year"]]
        decided = self.decided_gap()
        return {
            "years": len(self.labels),
            "discounted_total": finite_or_none(round(float(self.costs["discounted_total"].sum()), PENCE)),
            "fixed_in_every_plan": self.fixed_in_every_plan(),
            **({"decided_gap": decided} if decided is not None else {}),
            "capital_total": finite_or_none(self.costs["capital"].sum()),
            "sites_open_final_year": int(last.sites["open"].sum()),
            "chairs_by_year": {
                str(lab): int(p.sites["chairs"].sum()) for lab, p in zip(self.labels, self.years, strict=True)
            },
            "within_30_by_year": {
                str(lab): finite_or_none(p.access.get("within_30"))
                for lab, p in zip(self.labels, self.years, strict=True)
            },
            "unserved_by_year": {
                str(lab): unserved_attendances(p) for lab, p in zip(self.labels, self.years, strict=True)
            },
            "openings": {str(r.site_id): str(r.year) for r in opened.itertuples()},
            "closures": {str(r.site_id): str(r.year) for r in closed.itertuples()},
        }


def solve_rollout(
    data: RolloutInput, backend: str = "highs", options: SolveOptions | None = None, *, progress: Any = None
) -> RolloutPlan:
    """Build the stacked model, solve it, and read every year's plan."""
    options = options or SolveOptions()
    t0 = time.perf_counter()
    built = build(data, without_constant=True)  # the constant is added back to the result
    build_seconds = time.perf_counter() - t0
    labels = tuple(y.year for y in built.years)
    problems = [f"year {y.label}: {text}" for y in built.years for text in diagnose(y.data, y.arrays)]
    problems += capital_shortfalls(data, built.years)
    if problems:
        result = SolveResult(
            Status.INFEASIBLE, None, None, None, build_seconds, 0.0, backend, "diagnosed before solving"
        )
        return _empty(result, labels, tuple(problems), data)
    heard = progress_plus(progress, built.constant)
    if backend == "highs" and use_priced_path(built, data.base.parameters.solve_method):
        result, x = solve_priced(built, options, build_seconds=build_seconds, progress=heard)
    else:
        start = None
        if backend == "highs" and data.num_years > 1:
            start = forward_plan(data, built, options)
        kwargs: dict[str, Any] = {"start": start} if start is not None else {}
        result, x = solve_model(
            built.model, backend, options, build_seconds=build_seconds, progress=heard, **kwargs
        )
    result = with_constant(result, built.constant)
    timings = {"build": result.build_seconds, "solve": result.solve_seconds}
    if x is None:
        why = {
            Status.INFEASIBLE: jointly_infeasible(data),
            Status.NO_SOLUTION: "no roll-out was found within the time limit; allow more time (--time-limit)",
        }.get(result.status, f"the solver stopped: {result.message}")
        return _empty(result, labels, (why,), data)
    return read_plan(data, built, x, result, timings)


def _empty(
    result: SolveResult, labels: tuple[int | str, ...], why: tuple[str, ...], data: RolloutInput
) -> RolloutPlan:
    empty = pd.DataFrame()
    return RolloutPlan(result, (), labels, empty, empty, empty, why, {}, data.parameters)


def jointly_infeasible(data: RolloutInput) -> str:
    """Why the solver found no roll-out when no single year's requirement is impossible: what could
    be relaxed, the sites that must open or close named (an --open of a new site the first year's
    capital cannot pay for was not), and allow_unserved only when it is not already on."""
    sites = data.base.sites
    levers = "a year's access target, capital budget or growth"
    forced = [
        f"{word} ({', '.join(map(str, sites.index[sites[column].astype(bool)]))})"
        for column, word in (("must_open", "open"), ("must_close", "close"))
        if column in sites and sites[column].astype(bool).any()
    ]
    if forced:
        levers += f", or the sites that must {' or '.join(forced)}"
    text = f"no roll-out meets every year's requirements: relax {levers}"
    if data.base.parameters.allow_unserved:
        return text + " (unserved demand is already allowed)"
    return text + ", or allow unserved demand (allow_unserved)"


def read_plan(
    data: RolloutInput, built: RolloutModel, x: np.ndarray, result: SolveResult, timings: dict[str, float]
) -> RolloutPlan:
    """Each year's SACT plan from its slice of ``x``, then the schedule, costs and access."""
    plans = []
    for year in built.years:
        part = x[year.offset : year.offset + year.model.num_cols]
        values = {name: year.model.values(part, name) for name in year.model.variable_blocks}
        plans.append(extract(year.data, year.arrays, values, result, timings))
    schedule = _schedule(data, built.years, plans)
    costs = _costs(data, built.years, plans, schedule)
    result = _tightened(result, round(float(costs["discounted_total"].sum()), PENCE), built.constant)
    return RolloutPlan(
        result,
        tuple(plans),
        tuple(y.year for y in built.years),
        schedule,
        costs,
        _access(built.years, plans),
        _unserved_explained(built.years, plans, unproven_gap(result)),
        timings,
        data.parameters,
        built.first_year,
    )


UNSERVED_SHOWN = 0.5
"""Attendances a year left unserved below which a year is not named: they round to none ('0
attendances left unserved' was said of a year with solver noise); ``unserved_by_year`` keeps them."""


def unserved_attendances(plan: SactPlan) -> float:
    """The attendances a year's plan leaves unserved (``allow_unserved``)."""
    return float(plan.unserved["attendances"].sum()) if len(plan.unserved) else 0.0


def _unserved_explained(
    years: tuple[YearModel, ...], plans: list[SactPlan], gap: float | None
) -> tuple[str, ...]:
    """Each year that leaves demand unserved, with its attendances and why (as a SACT plan says
    it): a roll-out that left thousands unserved said nothing but a penalty in its costs. ``gap``:
    the roll-out's, when it was not proven optimal (:func:`~models.sact.diagnose.unproven_gap`)."""
    out: list[str] = []
    for year, plan in zip(years, plans, strict=True):
        lost = unserved_attendances(plan)
        if lost >= UNSERVED_SHOWN:
            reasons = unserved_reasons(year.data, year.arrays, gap)
            out += [f"year {year.label}: {lost:,.0f} attendances left unserved: {why}" for why in reasons]
    return tuple(out)


def _tightened(result: SolveResult, cost: float, constant: float) -> SolveResult:
    """The result with the plan's own cost as its objective when it is lower than the solver's.

    A plan found before optimality can carry slack in the linking variables (a site "opened"
    twice, chairs added and removed in one year) that the solver's objective pays for; the
    schedule read from the years' networks has none, is feasible (budgets only loosen), and costs
    what the tables say, so that is the objective reported and checked.  Its gap is, as the
    solver's, of the cost the plan decides: ``constant`` (what every plan pays:
    :class:`~models.rollout.build.RolloutModel`) left out.
    """
    from dataclasses import replace

    if (
        result.objective is None or cost >= result.objective - 10.0**-PENCE
    ):  # a penny: the tables are to the penny
        return result
    bound = None if result.bound is None else result.bound - constant
    return replace(result, objective=cost, gap=relative_gap(cost - constant, bound))


def _schedule(data: RolloutInput, years: tuple[YearModel, ...], plans: list[SactPlan]) -> pd.DataFrame:
    sites = data.base.sites
    today_open = sites["existing"].to_numpy(bool)
    rows = []
    before_open, before_chairs = today_open, np.where(today_open, sites["current_chairs"].to_numpy(int), 0)
    for year, plan in zip(years, plans, strict=True):
        frame = plan.sites.set_index("site_id").reindex(sites.index)
        is_open = frame["open"].to_numpy(bool)
        chairs = frame["chairs"].to_numpy(int)
        for i, site_id in enumerate(sites.index):
            event = ""
            if is_open[i] and not before_open[i]:
                event = "opens"
            elif before_open[i] and not is_open[i]:
                event = "closes"
            elif chairs[i] > before_chairs[i]:
                event = "grows"
            elif chairs[i] < before_chairs[i]:
                event = "shrinks"
            rows.append(
                {
                    "site_id": site_id,
                    "name": sites.at[site_id, "name"],
                    "year": year.year,
                    "open": bool(is_open[i]),
                    "chairs": int(chairs[i]),
                    "chairs_added": int(max(chairs[i] - before_chairs[i], 0)),
                    "chairs_removed": int(max(before_chairs[i] - chairs[i], 0)),
                    "event": event,
                }
            )
        before_open, before_chairs = is_open, chairs
    return pd.DataFrame(rows)


PENCE = 2
"""Decimals of costs_by_year.csv's pounds: each cost is rounded to the penny once, where the year's
costs are read, so its components add up to its total, its total times its discount factor to
its discounted total, and the discounted totals to the present value reported."""


def _costs(
    data: RolloutInput, years: tuple[YearModel, ...], plans: list[SactPlan], schedule: pd.DataFrame
) -> pd.DataFrame:
    p = data.parameters
    rows = []
    for year, plan in zip(years, plans, strict=True):
        events = schedule[schedule["year"] == year.year]
        capital = (
            p.capital_per_chair * events["chairs_added"].sum()
            + p.capital_per_new_site * (events["event"] == "opens").sum()
        )
        closures = p.closure_cost * (events["event"] == "closes").sum()
        c = plan.costs
        parts = {
            "running": c["fixed"] + c["chairs"],
            "patient_travel": c["patient_travel"],
            "drug_transport": c.get("drug_transport", 0.0),
            "unserved_penalty": c["unserved_penalty"],
            "capital": capital,
            "closures": closures,
        }
        pence = {name: round(float(value), PENCE) for name, value in parts.items()}
        total = round(sum(pence.values()), PENCE)
        rows.append(
            {
                "year": year.year,
                **pence,
                "total": total,
                "discount_factor": year.discount,
                "discounted_total": round(total * year.discount, PENCE),
            }
        )
    return pd.DataFrame(rows)


ALL_ZONES = "all"
"""``quintile`` of a year's row for all its zones in ``access_by_year``: 0 is the zones of unknown
quintile (``zones.csv``), whose row the all-zones row, once also 0, shared a year with."""


def _access(years: tuple[YearModel, ...], plans: list[SactPlan]) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for year, plan in zip(years, plans, strict=True):
        rows.append({"year": year.year, "quintile": ALL_ZONES, **plan.access})
        for _, q in plan.access_by_quintile.iterrows():
            # a row of the quintile table is a float Series: the quintile is made whole again
            rows.append({"year": year.year, **q.to_dict(), "quintile": int(q["quintile"])})
    return pd.DataFrame(rows)


def _year_first(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["year", *(c for c in frame.columns if c != "year")]].reset_index(drop=True)


def forward_plan(data: RolloutInput, built: RolloutModel, options: SolveOptions) -> np.ndarray | None:
    """A first roll-out by rolling forward: year t solved with years 1..t-1 fixed.

    Each step is the stacked model of years 1..t (the same linking rows) with the earlier years'
    columns fixed at the values found, so the last step is a feasible roll-out of the whole model
    (a myopic one: no step sees later years' growth).  It warm-starts the whole model, which on
    its own can take long to find any plan.  None when a step finds no plan (e.g. a capital
    budget that only foresight can meet).
    """
    from dataclasses import replace

    share = (options.call_limit() or 60.0) / (3.0 * data.num_years)
    fixed: np.ndarray | None = None
    for t in range(1, data.num_years + 1):
        if options.should_stop():
            return None  # deadline passed or Ctrl-C: a part roll-out is no warm start
        prefix = replace(data, years=data.years.iloc[:t].reset_index(drop=True))
        part = build(prefix, without_constant=True).model  # as the whole model it starts
        lower, upper = part.col_lower, part.col_upper
        if fixed is not None:
            done = built.years[t - 2].offset + built.years[t - 2].model.num_cols
            lower[:done], upper[:done] = fixed[:done], fixed[:done]
        model = part.restricted(np.ones(part.num_cols, bool), col_lower=lower, col_upper=upper)
        step = replace(options, time_limit=share, gap=max(options.gap, 1e-3))  # the deadline is kept
        _, x = solve_model(model, "highs", step)
        if x is None:
            return None
        fixed = x  # a prefix lays out years 1..t as the whole model does, linking blocks after
    return fixed
