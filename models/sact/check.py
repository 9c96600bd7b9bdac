"""Re-check a SACT location plan against the raw input, without the code that built the model.

:func:`check_sact_plan` reads only the input tables of a :class:`~models.sact.input.SactInput`
and the tables of a :class:`~models.sact.solve.SactPlan` (sites, allocation, hub links, unserved)
and tests every constraint of the formulation in :mod:`models.sact` afresh, with pandas joins on
ids.  It deliberately imports nothing from :mod:`models.sact.arrays`, :mod:`models.sact.matrix`
or :mod:`models.sact.large`: a mistake there cannot hide itself here.  It also recomputes the
objective and its parts; :func:`check_plan` (the contract's ``check``) compares them with the
plan's own figures.

Tolerances: a quantity ``lhs`` is over its limit ``rhs`` when ``lhs > rhs + tol * max(1, |rhs|)``.
Where the travel tables list a pair more than once, the shortest time listed counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from models.common.contract import CheckReport
from models.common.words import count
from models.sact.check_supply import check_supply, over, pair_minutes
from models.sact.input import COMPLEX_SITE_TYPES, SactInput
from models.sact.objectives import TIE_BROKEN, check_objective
from models.sact.solve import SactPlan

MAX_LISTED = 10  # violations listed per rule; the rest are counted
MATCH_TOLERANCE = 1e-6  # relative: a recomputed figure agrees with the plan's within this
RULES = (
    "demand",
    "chairs",
    "chair hours",
    "serve only open sites",
    "travel limit",
    "complex regimens",
    "access target",
    "must open",
    "must close",
    "open sites",
    "budget",
    "safe volume",
    "aseptic supply",
    "hub supplies itself",
    "no chains",
    "nurses",
    "longest journey",
    "objective",
)


@dataclass(frozen=True)
class PlanCheck:
    """Outcome of :func:`check_sact_plan`.

    violations : every broken rule, in words, with the amounts involved (empty when feasible).
    objective : the objective recomputed from the plan's tables, in the model's units.
    components : the objective's parts (``fixed``, ``chairs``, ``attendance_minutes``,
        ``unserved_attendances``).
    """

    violations: list[str]
    objective: float
    components: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


class _Findings:
    """Collects violations per rule, listing the first few and counting the rest."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, rule: str, messages: list[str]) -> None:
        for text in messages[:MAX_LISTED]:
            self.lines.append(f"{rule}: {text}")
        if len(messages) > MAX_LISTED:
            self.lines.append(f"{rule}: ... and {len(messages) - MAX_LISTED} more")


def _demand(data: SactInput) -> pd.DataFrame:
    """Attendances a year per (zone, regimen) with positive demand."""
    share = data.parameters.complex_share
    att = data.zones["attendances"].astype(float)
    quintile = data.zones["quintile"] if "quintile" in data.zones else pd.Series(0, index=data.zones.index)
    rows = pd.concat(
        [
            pd.DataFrame(
                {"zone_id": att.index, "regimen": "standard", "demand": (1 - share) * att.to_numpy()}
            ),
            pd.DataFrame({"zone_id": att.index, "regimen": "complex", "demand": share * att.to_numpy()}),
        ],
        ignore_index=True,
    )
    rows["quintile"] = rows["zone_id"].map(quintile).fillna(0).astype(int).to_numpy()
    return rows[rows["demand"] > 0].reset_index(drop=True)


def check_sact_plan(data: SactInput, plan: SactPlan, tol: float = 1e-6) -> PlanCheck:
    """Every rule of the SACT formulation, re-tested on ``plan``; and the plan's objective."""
    p = data.parameters
    out = _Findings()
    if not plan.found or plan.sites.empty:
        return PlanCheck([f"no plan to check (status {plan.result.status.value})"], float("nan"))

    sites = data.sites
    plan_sites = plan.sites.set_index("site_id")
    missing = sites.index.difference(plan_sites.index)
    out.add("sites", [f"site {s} is missing from the plan" for s in missing])
    is_open = plan_sites["open"].reindex(sites.index).eq(True)
    chairs = plan_sites["chairs"].reindex(sites.index).fillna(0).astype(float)

    # allocation and unserved tables, with the input's own travel times
    alloc = plan.allocation
    if alloc.empty:
        alloc = pd.DataFrame({"zone_id": [], "site_id": [], "regimen": [], "attendances": []})
    alloc = alloc[["zone_id", "site_id", "regimen", "attendances"]].copy()
    alloc["attendances"] = alloc["attendances"].astype(float)
    travel = pair_minutes(data.travel, "zone_id", "site_id")
    alloc["minutes"] = travel.reindex(pd.MultiIndex.from_frame(alloc[["zone_id", "site_id"]])).to_numpy()
    unserved = plan.unserved
    if unserved.empty:
        unserved = pd.DataFrame({"zone_id": [], "regimen": [], "attendances": []})
    unserved = unserved[["zone_id", "regimen", "attendances"]].astype({"attendances": float})

    _check_allocation(data, alloc, is_open, tol, out)
    demand = _check_demand(data, alloc, unserved, tol, out)
    site_att = alloc.groupby("site_id")["attendances"].sum().reindex(sites.index, fill_value=0.0)
    _check_sites(data, is_open, chairs, site_att, tol, out)
    if p.access_targets():
        _check_access(data, alloc, demand, tol, out)
    dose_minutes = 0.0
    if p.require_aseptic_supply:
        dose_minutes = check_supply(data, plan.hub_links, is_open, site_att, tol, out)

    minutes = float((alloc["attendances"] * alloc["minutes"].fillna(0.0)).sum())
    lost = float(unserved["attendances"].sum())
    components = {
        "fixed": float((sites["fixed_cost"].astype(float) * is_open).sum()),
        "chairs": float((sites["chair_cost"].astype(float) * chairs).sum()),
        "attendance_minutes": minutes,
        "dose_minutes": dose_minutes,
        "unserved_attendances": lost,
    }
    penalty = p.unserved_penalty * lost
    patient = p.travel_cost_per_minute * p.trips_per_attendance
    transport = p.transport_cost_per_minute * dose_minutes
    if p.objective == "cost":
        objective = components["fixed"] + components["chairs"] + patient * minutes + transport + penalty
    elif p.objective in TIE_BROKEN:
        terms = {**components, "patient_travel": patient * minutes, "drug_transport": transport}
        claimed = plan.costs.get("worst_bound_minutes")
        objective, lines = check_objective(data, alloc.fillna({"minutes": 0.0}), lost, terms, claimed)
        out.add("longest journey", lines)
    else:  # drug transport in attendance-minutes at the value of patient travel
        objective = minutes + penalty + (transport / patient if patient > 0 else transport)
    return PlanCheck(out.lines, float(objective), components)


def _check_allocation(
    data: SactInput, alloc: pd.DataFrame, is_open: pd.Series, tol: float, out: _Findings
) -> None:
    """Allocations go only to known, open sites, within the travel limit, complex only at centres."""
    p = data.parameters
    known = alloc["site_id"].isin(data.sites.index)
    out.add(
        "allocation",
        [
            f"zone {z} is sent to unknown site {s}"
            for z, s in alloc.loc[~known, ["zone_id", "site_id"]].values
        ],
    )
    a = alloc[known]
    neg = a[a["attendances"] < -tol]
    out.add(
        "allocation",
        [f"zone {r.zone_id} has {r.attendances:g} attendances at {r.site_id}" for r in neg.itertuples()],
    )
    a = a[a["attendances"] > tol]
    closed = a[~is_open.reindex(a["site_id"]).to_numpy()]
    out.add(
        "serve only open sites",
        [
            f"zone {r.zone_id} sends {r.attendances:.4g} {r.regimen} attendances to closed site {r.site_id}"
            for r in closed.itertuples()
        ],
    )
    no_time = a[a["minutes"].isna()]
    out.add(
        "travel",
        [f"no travel time is given from zone {r.zone_id} to site {r.site_id}" for r in no_time.itertuples()],
    )
    far = a[over(a["minutes"].fillna(-np.inf), p.max_travel_minutes, 0.0)]
    out.add(
        "travel limit",
        [
            f"zone {r.zone_id} -> site {r.site_id} takes {r.minutes:g} min, "
            f"{r.minutes - p.max_travel_minutes:g} min over the {p.max_travel_minutes:g}-minute limit"
            for r in far.itertuples()
        ],
    )
    site_type = data.sites["type"].reindex(a["site_id"]).to_numpy()
    wrong = a[(a["regimen"] == "complex").to_numpy() & ~np.isin(site_type, COMPLEX_SITE_TYPES)]
    out.add(
        "complex regimens",
        [
            f"zone {r.zone_id} sends complex attendances to {r.site_id}, a {data.sites.at[r.site_id, 'type']}"
            for r in wrong.itertuples()
        ],
    )
    bad = ~a["regimen"].isin(["standard", "complex"])
    out.add("allocation", [f"unknown regimen {r!r}" for r in a.loc[bad, "regimen"].unique()])


def _check_demand(
    data: SactInput, alloc: pd.DataFrame, unserved: pd.DataFrame, tol: float, out: _Findings
) -> pd.DataFrame:
    """(1) served + unserved = demand for every zone and regimen; unserved only when allowed."""
    p = data.parameters
    demand = _demand(data)
    key = ["zone_id", "regimen"]
    served = alloc.groupby(key)["attendances"].sum().rename("served")
    lost = unserved.groupby(key)["attendances"].sum().rename("unserved")
    table = demand.set_index(key).join(served, how="outer").join(lost, how="outer").fillna(0.0)
    gap = table["served"] + table["unserved"] - table["demand"]
    wrong = table[np.abs(gap) > tol * np.maximum(1.0, table["demand"])]
    out.add(
        "demand",
        [
            f"zone {z} {k}: demand {r.demand:.6g}, served {r.served:.6g}, unserved {r.unserved:.6g}"
            for (z, k), r in wrong.iterrows()
        ],
    )
    if not p.allow_unserved:
        left = table[table["unserved"] > tol * np.maximum(1.0, table["demand"])]
        out.add(
            "unserved demand not allowed",
            [f"zone {z} {k}: {r.unserved:.6g} attendances unserved" for (z, k), r in left.iterrows()],
        )
    if (unserved["attendances"] < -tol).any():
        out.add("unserved", ["negative unserved attendances"])
    if p.single_source:
        used = alloc[alloc["attendances"] > tol * np.maximum(1.0, alloc["attendances"].abs().max())]
        count = used.groupby(key)["site_id"].nunique()
        split = count[count > 1]
        out.add("single source", [f"zone {z} {k} is split over {n} sites" for (z, k), n in split.items()])
        part = table[
            (table["served"] > tol * np.maximum(1.0, table["demand"]))
            & (table["unserved"] > tol * np.maximum(1.0, table["demand"]))
        ]
        out.add(
            "single source", [f"zone {z} {k} is partly served and partly unserved" for (z, k) in part.index]
        )
    return demand


def _check_sites(
    data: SactInput, is_open: pd.Series, chairs: pd.Series, site_att: pd.Series, tol: float, out: _Findings
) -> None:
    """(2) chairs, (3) chair hours, (6) site counts and must-open, (7) budget, (8) volume, (11) nurses."""
    p = data.parameters
    s = data.sites
    frac = np.abs(chairs - np.round(chairs))
    out.add(
        "chairs", [f"site {i} has {c:g} chairs, not a whole number" for i, c in chairs[frac > tol].items()]
    )
    lo = s["min_chairs"].astype(float)
    hi = s["max_chairs"].astype(float)
    few = is_open & (chairs < lo - tol)
    out.add(
        "chairs",
        [f"site {i} is open with {chairs[i]:g} chairs, below its least {lo[i]:g}" for i in s.index[few]],
    )
    many = is_open & over(chairs, hi, tol)
    out.add(
        "chairs",
        [f"site {i} is open with {chairs[i]:g} chairs, above its most {hi[i]:g}" for i in s.index[many]],
    )
    shut = ~is_open & (chairs.abs() > tol)
    out.add("chairs", [f"site {i} is closed but keeps {chairs[i]:g} chairs" for i in s.index[shut]])
    neg = chairs < -tol
    out.add("chairs", [f"site {i} has {chairs[i]:g} chairs" for i in s.index[neg]])

    need = site_att * p.mean_chair_hours
    have = chairs * p.chair_hours_per_year
    short = over(need, have, tol)
    out.add(
        "chair hours",
        [
            f"site {i} needs {need[i]:,.2f} chair hours a year for {site_att[i]:,.2f} attendances but "
            f"{chairs[i]:g} chairs give {have[i]:,.2f}"
            for i in s.index[short]
        ],
    )
    must = s["must_open"].astype(bool) & ~is_open
    out.add("must open", [f"site {i} must stay open but is closed" for i in s.index[must]])
    if "must_close" in s:
        shut = s["must_close"].astype(bool) & is_open
        out.add("must close", [f"site {i} must close but is open" for i in s.index[shut]])
    n_open = int(is_open.sum())
    if p.exact_open_sites is not None and n_open != p.exact_open_sites:
        out.add("open sites", [f"{count(n_open, 'site')} open, exactly {p.exact_open_sites} required"])
    if p.max_open_sites is not None and n_open > p.max_open_sites:
        out.add("open sites", [f"{count(n_open, 'site')} open, at most {p.max_open_sites} allowed"])
    if p.max_new_sites is not None:
        n_new = int((is_open & ~s["existing"].astype(bool)).sum())
        if n_new > p.max_new_sites:
            out.add("new sites", [f"{count(n_new, 'new site')} open, at most {p.max_new_sites} allowed"])
    if p.budget is not None:
        spend = float(
            (s["fixed_cost"].astype(float) * is_open + s["chair_cost"].astype(float) * chairs).sum()
        )
        if over(spend, p.budget, tol):
            out.add(
                "budget", [f"sites and chairs cost £{spend:,.2f} a year, over the budget £{p.budget:,.2f}"]
            )
    if p.min_site_attendances > 0:
        low = is_open & (site_att < p.min_site_attendances - tol * max(1.0, p.min_site_attendances))
        out.add(
            "safe volume",
            [
                f"open site {i} gives {site_att[i]:,.2f} attendances a year, below the least "
                f"{p.min_site_attendances:g}"
                for i in s.index[low]
            ],
        )
    if data.nurses is not None and len(data.nurses):
        by_trust = chairs.groupby(s["trust"].astype(str)).sum()
        for trust, nurses in zip(
            data.nurses["trust"].astype(str), data.nurses["nurses"].astype(float), strict=True
        ):
            used = float(by_trust.get(trust, 0.0))
            cap = nurses * p.chairs_per_nurse
            if over(used, cap, tol):
                out.add(
                    "nurses",
                    [f"trust {trust} staffs {used:g} chairs but its {nurses:g} nurses staff {cap:g}"],
                )


def _check_access(
    data: SactInput, alloc: pd.DataFrame, demand: pd.DataFrame, tol: float, out: _Findings
) -> None:
    """(5) share of attendances within the access standard, overall and per quintile: of all
    attendances, or of the served ones when unserved demand is allowed."""
    p = data.parameters
    quintile = demand.groupby("zone_id")["quintile"].first()
    alloc_q = alloc["zone_id"].map(quintile)
    groups = []
    for q, target in p.access_targets().items():
        if q == 0:
            groups.append(("all zones", demand, alloc, target))
        else:
            groups.append(
                (f"deprivation quintile {q}", demand[demand["quintile"] == q], alloc[alloc_q == q], target)
            )
    basis = "served attendances" if p.allow_unserved else "attendances"
    for label, dem, served, target in groups:
        total = float(served["attendances"].sum() if p.allow_unserved else dem["demand"].sum())
        if total <= 0:
            continue
        share = float(served.loc[served["minutes"] <= p.access_minutes, "attendances"].sum()) / total
        if share < target - tol:
            out.add(
                "access target",
                [f"{share:.4%} of {basis} ({label}) within {p.access_minutes:g} min, target {target:.2%}"],
            )


def check_plan(data: SactInput, plan: SactPlan) -> CheckReport:
    """The contract's ``check``: every rule re-tested under the plan's own parameters, and the
    recomputed objective and cost components compared with the plan's (``mismatches``)."""
    data = replace(data, parameters=plan.parameters)
    found = check_sact_plan(data, plan)
    if not plan.found:
        return CheckReport(violations=tuple(found.violations))
    p = plan.parameters
    travel = p.travel_cost_per_minute * p.trips_per_attendance * found.components["attendance_minutes"]
    transport = p.transport_cost_per_minute * found.components["dose_minutes"]
    figures = {**found.components, "patient_travel": travel, "drug_transport": transport}
    figures["objective"] = found.objective
    pairs = [("objective", found.objective, plan.result.objective)]
    parts = ("fixed", "chairs", "attendance_minutes", "dose_minutes")
    pairs += [(k, found.components[k], plan.costs.get(k)) for k in parts]
    mismatches = [
        f"{name}: the plan says {claimed:,.6g}, recomputed from its tables {value:,.6g}"
        for name, value, claimed in pairs
        if claimed is None or not np.isclose(value, claimed, rtol=MATCH_TOLERANCE, atol=MATCH_TOLERANCE)
    ]
    return CheckReport(tuple(found.violations), tuple(mismatches), figures, rules_in_force(data))


def rules_in_force(data: SactInput) -> tuple[str, ...]:
    """The rules of :data:`RULES` that apply to ``data`` (those of unset options left out)."""
    p = data.parameters
    off = set()
    if p.access_target is None:
        off.add("access target")
    if p.budget is None:
        off.add("budget")
    if p.max_open_sites is None and p.exact_open_sites is None and p.max_new_sites is None:
        off.add("open sites")
    if p.min_site_attendances <= 0:
        off.add("safe volume")
    if not p.require_aseptic_supply:
        off |= {"aseptic supply", "hub supplies itself", "no chains"}
    if data.nurses is None or not len(data.nurses):
        off.add("nurses")
    if p.objective != "worst":
        off.add("longest journey")
    for rule, column in (("must open", "must_open"), ("must close", "must_close")):
        if column not in data.sites or not data.sites[column].astype(bool).any():
            off.add(rule)
    return tuple(rule for rule in RULES if rule not in off)
