"""Independent check of a cover plan: re-verify it from the instance and the plan's tables only.

Nothing here uses the model's index sets, builders or extraction: absences are re-read day by
day, travel re-looked up, every limit re-applied to the plan's own rows, and the costs summed
again.  :func:`check_cover_plan` returns every violation in words, and the recomputed costs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from models.cover.input import WEEKDAYS, CoverInstance, CoverParameters

TOL = 1e-6


@dataclass(frozen=True)
class CoverCheck:
    """Violations found (empty when the plan is valid) and costs recomputed from the plan's rows."""

    violations: tuple[str, ...]
    costs: dict[str, float]
    baseline_costs: dict[str, float]

    @property
    def ok(self) -> bool:
        return not self.violations


def _absence(inst: CoverInstance) -> tuple[dict[tuple[str, int], float], set[tuple[str, dt.date]]]:
    """Share of each (oncologist, week) absent, and every (oncologist, working day) touched by an absence."""
    share: dict[tuple[str, int], float] = defaultdict(float)
    days: set[tuple[str, dt.date]] = set()
    first = inst.first_week
    last = first + dt.timedelta(days=7 * inst.weeks - 1)
    for r in inst.absences.itertuples(index=False):
        day = max(pd.Timestamp(r.first_day).date(), first)
        end = min(pd.Timestamp(r.last_day).date(), last)
        while day <= end:
            if day.weekday() < 5:
                share[(r.oncologist_id, (day - first).days // 7 + 1)] += r.share / 5.0
                days.add((r.oncologist_id, day))
            day += dt.timedelta(days=1)
    return {k: min(v, 1.0) for k, v in share.items()}, days


def _journeys(inst: CoverInstance) -> dict[tuple[str, str], tuple[float, float]]:
    """One-way (minutes, miles) for every given pair, both ways; the direction given wins."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for r in inst.travel.itertuples(index=False):
        out.setdefault((r.to_site, r.from_site), (r.minutes, r.miles))
    for r in inst.travel.itertuples(index=False):
        out[(r.from_site, r.to_site)] = (r.minutes, r.miles)
    return out


def _trip_pas(minutes: float, params: CoverParameters) -> float:
    pas = 2.0 * minutes / params.minutes_per_pa
    step = params.travel_pa_step
    return math.ceil(pas / step - 1e-9) * step if step > 0 else pas


def check_cover_plan(inst: CoverInstance, params: CoverParameters, plan: Any) -> CoverCheck:
    """Every rule the plan must keep, checked on its rows; costs recomputed and compared."""
    bad: list[str] = []
    onc = inst.oncologists.set_index("oncologist_id")
    site_trust = dict(zip(inst.sites["site_id"], inst.sites["trust_id"], strict=True))
    specs = set(zip(inst.specialisms["oncologist_id"], inst.specialisms["tumour_site_id"], strict=True))
    share, absent_days = _absence(inst)
    journeys = _journeys(inst)

    def capacity(o: str, w: int) -> float:
        return float(onc.at[o, "dcc_pas"]) * (1.0 - share.get((o, w), 0.0))

    rota, visits = plan.rota, plan.visits
    for r in rota.itertuples(index=False):
        who = f"{r.oncologist_id} week {r.week} at {r.site_id} ({r.tumour_site_id})"
        if r.oncologist_id not in onc.index or r.site_id not in site_trust:
            bad.append(f"{who}: unknown oncologist or site")
            continue
        if site_trust[r.site_id] != r.trust_id:
            bad.append(f"{who}: site is not in trust {r.trust_id}")
        if (r.oncologist_id, r.tumour_site_id) not in specs:
            bad.append(f"{who}: not a specialism of the oncologist")
        if r.pas <= 0 or abs(r.pas * 2 - round(r.pas * 2)) > TOL:
            bad.append(f"{who}: {r.pas} PAs is not a positive multiple of 0.5")
        if not 1 <= r.week <= inst.weeks:
            bad.append(f"{who}: week outside the horizon")
        if capacity(r.oncologist_id, r.week) <= TOL:
            bad.append(f"{who}: allocated while absent all week")
        home = onc.at[r.oncologist_id, "home_site"]
        if r.site_id != home and journeys[(home, r.site_id)][0] > params.max_trip_minutes + TOL:
            bad.append(f"{who}: {journeys[(home, r.site_id)][0]:g} minutes from home, over the limit")

    # trips and travel, recomputed
    trips = {(v.oncologist_id, v.week, v.site_id): int(v.trips) for v in visits.itertuples(index=False)}
    travel_pas: dict[tuple[str, int], float] = defaultdict(float)
    travel_cost = miles = 0.0
    for (o, w, s), n in trips.items():
        minutes, m = journeys[(onc.at[o, "home_site"], s)]
        travel_pas[(o, w)] += n * _trip_pas(minutes, params)
        travel_cost += n * 2.0 * m * params.cost_per_mile
        miles += n * 2.0 * m
        if not 1 <= n <= params.max_trips_per_site:
            bad.append(f"{o} week {w}: {n} trips to {s}, outside 1..{params.max_trips_per_site}")
    away = rota[rota["site_id"].to_numpy() != onc.loc[rota["oncologist_id"], "home_site"].to_numpy()]
    for (o, w, s), pas in away.groupby(["oncologist_id", "week", "site_id"])["pas"].sum().items():
        need = math.ceil(pas / params.pas_per_trip - TOL)
        if trips.get((o, w, s), 0) < need:
            bad.append(
                f"{o} week {w}: {pas:g} PAs at {s} need {need} trip(s), plan has {trips.get((o, w, s), 0)}"
            )

    # MDT attendance
    att = plan.mdt_attendance
    mdts = inst.mdts.set_index("mdt_id")
    mdt_pas: dict[tuple[str, int], float] = defaultdict(float)
    visited = {(o, w, site_trust[s]) for (o, w, s) in trips}
    for r in att.itertuples(index=False):
        m = mdts.loc[r.mdt_id]
        date = inst.first_week + dt.timedelta(days=7 * (r.week - 1) + WEEKDAYS.index(m["weekday"]))
        who = f"{r.oncologist_id} at MDT {r.mdt_id} week {r.week}"
        if (r.oncologist_id, m["tumour_site_id"]) not in specs:
            bad.append(f"{who}: not a {m['tumour_site_id']} specialist")
        if (r.oncologist_id, date) in absent_days or capacity(r.oncologist_id, r.week) <= TOL:
            bad.append(f"{who}: absent on {date}")
        home_trust = site_trust[onc.at[r.oncologist_id, "home_site"]]
        if home_trust != m["trust_id"]:
            mdt_pas[(r.oncologist_id, r.week)] += params.mdt_pas
            if not m["remote_counts"] and (r.oncologist_id, r.week, m["trust_id"]) not in visited:
                bad.append(f"{who}: in-person MDT but no visit to {m['trust_id']} that week")
    for (o, w, d), n in (
        att.groupby(["oncologist_id", "week", att["mdt_id"].map(mdts["weekday"])]).size().items()
    ):
        if n > 1:
            bad.append(f"{o} week {w}: {n} MDTs on {d}")

    # weekly limits
    clinical = rota.groupby(["oncologist_id", "week"])["pas"].sum()
    away_pas = away.groupby(["oncologist_id", "week"])["pas"].sum()
    away_sites = away.groupby(["oncologist_id", "week"])["site_id"].nunique()
    for o, w in set(clinical.index) | set(travel_pas) | set(mdt_pas):
        used = clinical.get((o, w), 0.0) + travel_pas.get((o, w), 0.0) + mdt_pas.get((o, w), 0.0)
        if used > capacity(o, w) + TOL:
            bad.append(f"{o} week {w}: {used:g} PAs used, capacity net of absence {capacity(o, w):g}")
        if away_pas.get((o, w), 0.0) > onc.at[o, "max_away_pas"] + TOL:
            bad.append(f"{o} week {w}: {away_pas[(o, w)]:g} PAs away, over {onc.at[o, 'max_away_pas']:g}")
        if away_sites.get((o, w), 0) + 1 > onc.at[o, "max_sites"]:
            bad.append(f"{o} week {w}: {away_sites[(o, w)] + 1} sites, over {onc.at[o, 'max_sites']}")

    costs, found = _cover(inst, params, plan.cover, rota, bad, "plan")
    quorum = _quorum(inst, plan.mdts, att, bad)
    costs.update(quorum)
    costs.update({"travel_cost": travel_cost, "travel_miles": miles})
    costs["total_cost"] = costs["locum_cost"] + travel_cost
    base, _ = _cover(inst, params, plan.baseline_cover, None, bad, "baseline")
    base["total_cost"] = base["locum_cost"]
    if found:
        for name in ("locum_cost", "travel_cost", "total_cost", "uncovered_pas", "mdt_shortfall"):
            _compare(bad, plan, name, "plan", costs[name])
        _compare(bad, plan, "total_cost", "baseline", base["total_cost"])
    return CoverCheck(tuple(bad), costs, base)


def _cover(
    inst: CoverInstance,
    params: CoverParameters,
    cover: pd.DataFrame,
    rota: pd.DataFrame | None,
    bad: list[str],
    what: str,
) -> tuple[dict[str, float], bool]:
    """Demand balance and locum limits of a cover table; its locum cost and uncovered PAs."""
    rates = {
        (r.trust_id, r.tumour_site_id): (r.pas_per_week, r.cost_per_pa)
        for r in inst.locums.itertuples(index=False)
    }
    demand = inst.demand[inst.demand["pas"] > 0]
    found = len(cover) > 0
    if found and len(cover) != len(demand):
        bad.append(f"{what}: cover table has {len(cover)} rows for {len(demand)} demand rows")
    by_rota = rota.groupby(["trust_id", "tumour_site_id", "week"])["pas"].sum() if rota is not None else None
    known = {(r.trust_id, r.tumour_site_id, r.week): r.pas for r in demand.itertuples(index=False)}
    locum_cost = uncovered = 0.0
    for r in cover.itertuples(index=False):
        key = (r.trust_id, r.tumour_site_id, r.week)
        who = f"{what}: {r.trust_id} {r.tumour_site_id} week {r.week}"
        d = known.get(key)
        if d is None:
            bad.append(f"{who}: no such demand")
            continue
        if by_rota is not None and abs(by_rota.get(key, 0.0) - r.covered_pas) > TOL:
            bad.append(f"{who}: covered {r.covered_pas:g} PAs but the rota has {by_rota.get(key, 0.0):g}")
        if abs(r.covered_pas + r.locum_pas + r.gap_pas - d) > 1e-3 or min(r.locum_pas, r.gap_pas) < -TOL:
            bad.append(f"{who}: covered + locum + gap != demand {d:g}")
        avail, rate = rates.get(key[:2], (0.0, params.default_locum_cost_per_pa))
        if what == "plan" and r.locum_pas > avail + TOL:
            bad.append(f"{who}: {r.locum_pas:g} locum PAs, only {avail:g} available")
        locum_cost += r.locum_pas * rate
        uncovered += r.gap_pas
    return {"locum_cost": locum_cost, "uncovered_pas": uncovered}, found


def _quorum(inst: CoverInstance, mdts: pd.DataFrame, att: pd.DataFrame, bad: list[str]) -> dict[str, float]:
    """Attendance counts against quorum; every short meeting named with its missing specialism."""
    count = att.groupby(["mdt_id", "week"]).size()
    shortfall = 0.0
    quorum = inst.mdts.set_index("mdt_id")["quorum"]
    for r in mdts.itertuples(index=False):
        short = max(0, int(quorum[r.mdt_id]) - int(count.get((r.mdt_id, r.week), 0)))
        shortfall += short
        if short != r.shortfall or (short == 0) != bool(r.quorate):
            bad.append(f"MDT {r.mdt_id} week {r.week}: reported shortfall {r.shortfall}, recomputed {short}")
        if short and not r.missing_specialism:
            bad.append(f"MDT {r.mdt_id} week {r.week}: not quorate but no missing specialism named")
    return {"mdt_shortfall": shortfall}


def _compare(bad: list[str], plan: Any, metric: str, column: str, value: float) -> None:
    reported = plan.metric(metric, column)
    if abs(reported - value) > 1e-2 + 1e-7 * abs(value):
        bad.append(f"{column} {metric}: reported {reported:.4f}, recomputed {value:.4f}")
