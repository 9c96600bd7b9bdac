"""Independent check of a cover plan: re-verify it from the instance and the plan's tables only.

Nothing here uses the model's index sets, builders or extraction: absences and holidays are
re-read day by day, travel re-looked up, every limit re-applied to the plan's own rows, and the
costs summed again.  :func:`check_cover_plan` returns every violation in words, and the
recomputed costs; :func:`check` (the contract's) wraps it in a
:class:`~models.common.contract.CheckReport`, with the differences from the plan's own figures
as mismatches.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from models.common.contract import CheckReport
from models.cover.input import WEEKDAYS, CoverInstance, CoverParameters

TOL = 1e-6
CHECKED = (
    "specialisms",
    "absences and holidays",
    "capacity",
    "away PAs and sites",
    "trips and travel",
    "MDT attendance and quorum",
    "demand balance",
    "locum availability (plan and baseline)",
    "workload spare PAs",
    "costs",
)


@dataclass(frozen=True)
class CoverCheck:
    """Violations found (empty when the plan is valid), mismatches between the plan's figures and
    the recomputed ones, and costs recomputed from the plan's rows."""

    violations: tuple[str, ...]
    costs: dict[str, float]
    baseline_costs: dict[str, float]
    mismatches: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.violations and not self.mismatches


def check(instance: CoverInstance, plan: Any) -> CheckReport:
    """The contract's check: :func:`check_cover_plan` with the plan's own parameters."""
    found = check_cover_plan(instance, plan.parameters, plan)
    figures = {name: value for name, value in found.costs.items()}
    figures.update({f"baseline_{name}": value for name, value in found.baseline_costs.items()})
    return CheckReport(found.violations, found.mismatches, figures, CHECKED)


def _open_days(inst: CoverInstance) -> dict[int, list[dt.date]]:
    """Working days of each week (1-based) that are not holidays."""
    holidays = set(inst.holiday_dates())
    out = {}
    for w in range(1, inst.weeks + 1):
        monday = inst.first_week + dt.timedelta(days=7 * (w - 1))
        out[w] = [d for d in (monday + dt.timedelta(days=k) for k in range(5)) if d not in holidays]
    return out


def _absence(
    inst: CoverInstance, open_days: dict[int, list[dt.date]]
) -> tuple[dict[tuple[str, int], float], set[tuple[str, dt.date]]]:
    """Share of each (oncologist, week)'s open working days absent, and every (oncologist, day) absent."""
    share: dict[tuple[str, int], float] = defaultdict(float)
    days: set[tuple[str, dt.date]] = set()
    for w, open_w in open_days.items():
        for r in inst.absences.itertuples(index=False):
            first, last = pd.Timestamp(r.first_day).date(), pd.Timestamp(r.last_day).date()
            hit = [d for d in open_w if first <= d <= last]
            if hit:
                share[(r.oncologist_id, w)] += r.share * len(hit) / len(open_w)
                days.update((r.oncologist_id, d) for d in hit)
    return {k: min(v, 1.0) for k, v in share.items()}, days


def _scale(params: CoverParameters, open_days: dict[int, list[dt.date]]) -> dict[int, float]:
    """Share of a normal week's demand and capacity in each week (holidays pro rata)."""
    return {w: (len(d) / 5.0 if params.holiday_pro_rata else 1.0) for w, d in open_days.items()}


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


@dataclass(frozen=True)
class _Facts:
    """What the check re-reads from the instance: oncologists, sites, specialisms, calendar, travel."""

    onc: pd.DataFrame
    site_trust: dict[str, str]
    specs: set[tuple[str, str]]
    open_days: dict[int, list[dt.date]]
    share: dict[tuple[str, int], float]
    absent_days: set[tuple[str, dt.date]]
    scale: dict[int, float]
    journeys: dict[tuple[str, str], tuple[float, float]]

    def capacity(self, o: str, w: int) -> float:
        """Direct clinical care PAs of oncologist ``o`` in week ``w``, net of holidays and absence."""
        return float(self.onc.at[o, "dcc_pas"]) * self.scale[w] * (1.0 - self.share.get((o, w), 0.0))


def _facts(inst: CoverInstance, params: CoverParameters) -> _Facts:
    """Re-read the instance into the lookups the check needs."""
    open_days = _open_days(inst)
    share, absent_days = _absence(inst, open_days)
    return _Facts(
        onc=inst.oncologists.set_index("oncologist_id"),
        site_trust=dict(zip(inst.sites["site_id"], inst.sites["trust_id"], strict=True)),
        specs=set(zip(inst.specialisms["oncologist_id"], inst.specialisms["tumour_site_id"], strict=True)),
        open_days=open_days,
        share=share,
        absent_days=absent_days,
        scale=_scale(params, open_days),
        journeys=_journeys(inst),
    )


@dataclass(frozen=True)
class _Travel:
    """Trips recomputed from the visits table: per (oncologist, week, site), PAs, cost and miles."""

    trips: dict[tuple[str, int, str], int]
    travel_pas: dict[tuple[str, int], float]
    cost: float
    miles: float


def check_cover_plan(inst: CoverInstance, params: CoverParameters, plan: Any) -> CoverCheck:
    """Every rule the plan must keep, checked on its rows; costs recomputed and compared."""
    bad: list[str] = []
    facts = _facts(inst, params)
    rota = plan.rota
    _check_rota_rows(inst, params, facts, rota, bad)
    travel = _check_trips(params, facts, plan.visits, bad)
    away = rota[rota["site_id"].to_numpy() != facts.onc.loc[rota["oncologist_id"], "home_site"].to_numpy()]
    _check_trips_cover_away(params, away, travel.trips, bad)
    mdt_pas = _check_mdt_attendance(inst, params, facts, plan.mdt_attendance, travel.trips, bad)
    clinical = rota.groupby(["oncologist_id", "week"])["pas"].sum()
    _check_weekly_limits(facts, clinical, away, travel, mdt_pas, bad)

    costs, found = _cover(inst, params.pa_step, facts.scale, plan.cover, rota, bad, "plan")
    quorum = _quorum(inst, facts.open_days, plan.mdts, plan.mdt_attendance, bad, found)
    costs.update(quorum)
    costs.update({"travel_cost": travel.cost, "travel_miles": travel.miles})
    costs["total_cost"] = costs["locum_cost"] + travel.cost
    base, _ = _cover(inst, params.pa_step, facts.scale, plan.baseline_cover, None, bad, "baseline")
    base["total_cost"] = base["locum_cost"]
    differ: list[str] = []
    if found:
        _workload(plan.workload, facts.capacity, clinical, travel.travel_pas, mdt_pas, bad, differ)
        for name in ("locum_cost", "travel_cost", "total_cost", "uncovered_pas", "mdt_shortfall"):
            _compare(differ, plan, name, "plan", costs[name])
        if len(plan.baseline_cover):
            for name in ("total_cost", "uncovered_pas"):
                _compare(differ, plan, name, "baseline", base[name])
    return CoverCheck(tuple(bad), costs, base, tuple(differ))


def _check_rota_rows(
    inst: CoverInstance, params: CoverParameters, facts: _Facts, rota: pd.DataFrame, bad: list[str]
) -> None:
    """Each rota row: known oncologist and site, right trust, a specialism, whole steps of
    ``pa_step`` PAs, in reach."""
    onc, site_trust, journeys = facts.onc, facts.site_trust, facts.journeys
    for r in rota.itertuples(index=False):
        who = f"{r.oncologist_id} week {r.week} at {r.site_id} ({r.tumour_site_id})"
        if r.oncologist_id not in onc.index or r.site_id not in site_trust:
            bad.append(f"{who}: unknown oncologist or site")
            continue
        if site_trust[r.site_id] != r.trust_id:
            bad.append(f"{who}: site is not in trust {r.trust_id}")
        if (r.oncologist_id, r.tumour_site_id) not in facts.specs:
            bad.append(f"{who}: not a specialism of the oncologist")
        steps = r.pas / params.pa_step
        if r.pas <= 0 or abs(steps - round(steps)) > TOL:
            bad.append(f"{who}: {r.pas} PAs is not a positive multiple of {params.pa_step:g}")
        if not 1 <= r.week <= inst.weeks:
            bad.append(f"{who}: week outside the horizon")
        if facts.capacity(r.oncologist_id, r.week) <= TOL:
            bad.append(f"{who}: allocated while absent all week")
        home = onc.at[r.oncologist_id, "home_site"]
        if r.site_id != home and journeys[(home, r.site_id)][0] > params.max_trip_minutes + TOL:
            bad.append(f"{who}: {journeys[(home, r.site_id)][0]:g} minutes from home, over the limit")


def _check_trips(params: CoverParameters, facts: _Facts, visits: pd.DataFrame, bad: list[str]) -> _Travel:
    """Trips per site within 1..max; their travel PAs, cost and miles recomputed."""
    trips = {(v.oncologist_id, v.week, v.site_id): int(v.trips) for v in visits.itertuples(index=False)}
    travel_pas: dict[tuple[str, int], float] = defaultdict(float)
    travel_cost = miles = 0.0
    for (o, w, s), n in trips.items():
        minutes, m = facts.journeys[(facts.onc.at[o, "home_site"], s)]
        if minutes > params.max_trip_minutes + TOL:
            bad.append(f"{o} week {w}: a visit to {s}, {minutes:g} minutes from home, over the limit")
        travel_pas[(o, w)] += n * _trip_pas(minutes, params)
        travel_cost += n * float(params.trip_cost(m))
        miles += n * 2.0 * m
        if not 1 <= n <= params.max_trips_per_site:
            bad.append(f"{o} week {w}: {n} trips to {s}, outside 1..{params.max_trips_per_site}")
    return _Travel(trips, travel_pas, travel_cost, miles)


def _check_trips_cover_away(
    params: CoverParameters, away: pd.DataFrame, trips: dict[tuple[str, int, str], int], bad: list[str]
) -> None:
    """Enough trips to each away site for the PAs worked there (``pas_per_trip`` PAs a trip)."""
    for (o, w, s), pas in away.groupby(["oncologist_id", "week", "site_id"])["pas"].sum().items():
        need = math.ceil(pas / params.pas_per_trip - TOL)
        if trips.get((o, w, s), 0) < need:
            bad.append(
                f"{o} week {w}: {pas:g} PAs at {s} need {need} trip(s), plan has {trips.get((o, w, s), 0)}"
            )


def _check_mdt_attendance(
    inst: CoverInstance,
    params: CoverParameters,
    facts: _Facts,
    att: pd.DataFrame,
    trips: dict[tuple[str, int, str], int],
    bad: list[str],
) -> dict[tuple[str, int], float]:
    """Each attendance: a specialist, present, on an open day, visiting if in person; one MDT a day.

    Returns the PAs each (oncologist, week) spends at other trusts' MDTs.
    """
    mdts = inst.mdts.set_index("mdt_id")
    mdt_pas: dict[tuple[str, int], float] = defaultdict(float)
    visited = {(o, w, facts.site_trust[s]) for (o, w, s) in trips}
    for r in att.itertuples(index=False):
        m = mdts.loc[r.mdt_id]
        date = inst.first_week + dt.timedelta(days=7 * (r.week - 1) + WEEKDAYS.index(m["weekday"]))
        who = f"{r.oncologist_id} at MDT {r.mdt_id} week {r.week}"
        if (r.oncologist_id, m["tumour_site_id"]) not in facts.specs:
            bad.append(f"{who}: not a {m['tumour_site_id']} specialist")
        if (r.oncologist_id, date) in facts.absent_days or facts.capacity(r.oncologist_id, r.week) <= TOL:
            bad.append(f"{who}: absent on {date}")
        if date not in facts.open_days[r.week]:
            bad.append(f"{who}: {date} is a holiday, no MDT meets")
        home_trust = facts.site_trust[facts.onc.at[r.oncologist_id, "home_site"]]
        if home_trust != m["trust_id"]:
            mdt_pas[(r.oncologist_id, r.week)] += params.mdt_pas
            if not m["remote_counts"] and (r.oncologist_id, r.week, m["trust_id"]) not in visited:
                bad.append(f"{who}: in-person MDT but no visit to {m['trust_id']} that week")
    for (o, w, d), n in (
        att.groupby(["oncologist_id", "week", att["mdt_id"].map(mdts["weekday"])]).size().items()
    ):
        if n > 1:
            bad.append(f"{o} week {w}: {n} MDTs on {d}")
    return mdt_pas


def _check_weekly_limits(
    facts: _Facts,
    clinical: pd.Series,
    away: pd.DataFrame,
    travel: _Travel,
    mdt_pas: dict[tuple[str, int], float],
    bad: list[str],
) -> None:
    """Each (oncologist, week): PAs used within capacity, away PAs and sites within their limits.

    The sites of a week are the home site and every site worked or visited away (a visit for an
    in-person MDT alone counts, as in the model's site limit)."""
    onc, travel_pas = facts.onc, travel.travel_pas
    away_pas = away.groupby(["oncologist_id", "week"])["pas"].sum()
    away_sites: dict[tuple[str, int], set[str]] = defaultdict(set)
    for o, w, s in away[["oncologist_id", "week", "site_id"]].itertuples(index=False):
        away_sites[(o, w)].add(s)
    for o, w, s in travel.trips:
        away_sites[(o, w)].add(s)
    for o, w in set(clinical.index) | set(travel_pas) | set(mdt_pas):
        used = clinical.get((o, w), 0.0) + travel_pas.get((o, w), 0.0) + mdt_pas.get((o, w), 0.0)
        if used > facts.capacity(o, w) + TOL:
            bad.append(f"{o} week {w}: {used:g} PAs used, capacity net of absence {facts.capacity(o, w):g}")
        if away_pas.get((o, w), 0.0) > onc.at[o, "max_away_pas"] + TOL:
            bad.append(f"{o} week {w}: {away_pas[(o, w)]:g} PAs away, over {onc.at[o, 'max_away_pas']:g}")
        sites = len(away_sites.get((o, w), ())) + 1
        if sites > onc.at[o, "max_sites"]:
            bad.append(f"{o} week {w}: {sites} sites, over {onc.at[o, 'max_sites']}")


def _cover(
    inst: CoverInstance,
    step: float,
    scale: dict[int, float],
    cover: pd.DataFrame,
    rota: pd.DataFrame | None,
    bad: list[str],
    what: str,
) -> tuple[dict[str, float], bool]:
    """Demand balance and locum limits of a cover table; its locum cost and uncovered PAs.

    A week's demand is the given PAs times its ``scale`` (holidays), to the nearest ``step`` PAs
    (``pa_step``).
    """
    rates = {
        (r.trust_id, r.tumour_site_id): (r.pas_per_week, r.cost_per_pa)
        for r in inst.locums.itertuples(index=False)
    }
    known = {
        (r.trust_id, r.tumour_site_id, r.week): round(r.pas * scale[r.week] / step) * step
        for r in inst.demand.itertuples(index=False)
    }
    known = {k: v for k, v in known.items() if v > 0}
    found = len(cover) > 0
    if found and len(cover) != len(known):
        bad.append(f"{what}: cover table has {len(cover)} rows for {len(known)} demand rows")
    by_rota = rota.groupby(["trust_id", "tumour_site_id", "week"])["pas"].sum() if rota is not None else None
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
        avail, rate = rates.get(key[:2], (0.0, 0.0))
        if r.locum_pas > avail + TOL:
            bad.append(f"{who}: {r.locum_pas:g} locum PAs, only {avail:g} available")
        locum_cost += r.locum_pas * rate
        uncovered += r.gap_pas
    return {"locum_cost": locum_cost, "uncovered_pas": uncovered}, found


def _quorum(
    inst: CoverInstance,
    open_days: dict[int, list[dt.date]],
    mdts: pd.DataFrame,
    att: pd.DataFrame,
    bad: list[str],
    found: bool,
) -> dict[str, float]:
    """Attendance counts against quorum; every short meeting named with its missing specialism.

    Every MDT meets weekly on its weekday unless that day is a holiday.
    """
    count = att.groupby(["mdt_id", "week"]).size()
    shortfall = 0.0
    quorum = inst.mdts.set_index("mdt_id")["quorum"]
    expected = {
        (m.mdt_id, w)
        for m in inst.mdts.itertuples(index=False)
        for w, days in open_days.items()
        if (inst.first_week + dt.timedelta(days=7 * (w - 1) + WEEKDAYS.index(m.weekday))) in days
    }
    listed = set(zip(mdts["mdt_id"], mdts["week"], strict=True))
    if found and listed != expected:
        extra, missing = sorted(listed - expected)[:3], sorted(expected - listed)[:3]
        bad.append(f"MDT meetings: listed on a holiday or unknown {extra}, left out {missing}")
    for r in mdts.itertuples(index=False):
        short = max(0, int(quorum[r.mdt_id]) - int(count.get((r.mdt_id, r.week), 0)))
        shortfall += short
        if short != r.shortfall or (short == 0) != bool(r.quorate):
            bad.append(f"MDT {r.mdt_id} week {r.week}: reported shortfall {r.shortfall}, recomputed {short}")
        if short and not r.missing_specialism:
            bad.append(f"MDT {r.mdt_id} week {r.week}: not quorate but no missing specialism named")
    return {"mdt_shortfall": shortfall}


def _workload(
    workload: pd.DataFrame,
    capacity: Any,
    clinical: pd.Series,
    travel_pas: dict[tuple[str, int], float],
    mdt_pas: dict[tuple[str, int], float],
    bad: list[str],
    differ: list[str],
) -> None:
    """Spare PAs = capacity - clinical - travel - other trusts' MDT PAs, never negative, as reported."""
    for r in workload.itertuples(index=False):
        key = (r.oncologist_id, r.week)
        spare = capacity(*key) - clinical.get(key, 0.0) - travel_pas.get(key, 0.0) - mdt_pas.get(key, 0.0)
        if spare < -TOL:
            bad.append(f"{r.oncologist_id} week {r.week}: {spare:g} spare PAs (over capacity)")
        if abs(spare - r.spare_pas) > 1e-3:
            differ.append(
                f"{r.oncologist_id} week {r.week}: spare_pas reported {r.spare_pas:g}, recomputed {spare:g}"
            )


def _compare(bad: list[str], plan: Any, metric: str, column: str, value: float) -> None:
    reported = plan.metric(metric, column)
    if abs(reported - value) > 1e-2 + 1e-7 * abs(value):
        bad.append(f"{column} {metric}: reported {reported:.4f}, recomputed {value:.4f}")
