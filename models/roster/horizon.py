"""Rolling-horizon construction of a first legal rota for long horizons (issue 15).

A coordinator's annual rota (150 staff x 364 days) is too large for one CP-SAT model to give a
rota quickly: building it takes tens of seconds, and CP-SAT's default search found no rota of a
150 x 28 slice of it in 15 s. Its hard rules, though, are easy to meet. :func:`rolling_rota`
cuts the horizon at Mondays into windows of ``window_days`` days and solves them in turn, each a
rota instance of its own (:func:`window_input`):

* its history is the last ``history_days`` days of the rota built so far (with the instance's
  own history for the first window). The model holds history days as constants, so every rule
  that crosses the seam (rest, runs of days and nights, hours in 7 days, weekends, which never
  straddle a Monday) binds as it does in the whole model;
* it keeps the hard rules, cover (minimum and maximum hard; short of or above the preferred cover
  paid at its weights) and requests, and leaves out the soft rules (their patterns are most of the
  build), so each window is a small feasibility model whose first solution CP-SAT finds in about
  a second (:data:`WINDOW_CPSAT`);
* a hard limit counted over the whole horizon (``max_weekends``, ``max_total_hours``,
  ``min_total_hours``, ``min/max_shifts_of_type``) is scaled to the window's share of the days,
  rounded so that the windows together keep it: a maximum down, a minimum up. Weekly averages
  (``max_average_weekly_hours``, ``contract_hours_tolerance``) held in every window hold over the
  horizon; on a horizon longer than the reference period (``reference_weeks``) each window holds
  ``max_average_weekly_hours`` over every period it reaches, the days built before it counted at
  their minutes (:func:`reference_days`) and the days after it at none, so every period is held
  whole by the last window it reaches;

* when the cover's maxima hold fewer paid hours than the contracts' lower limits and an extra
  shift's over-cover weight is below the contract hours it saves (:func:`over_staffed`, the
  generated 150 x 364 rota), each window asks for its cover at the maxima and every person's
  hours at most the lower end of their contract over the window (:func:`contract_floors`), and
  falls back to the model above when that has no rota. The first rota then pays the cover and
  contract hours the window bound's constant part counts (150 x 364: 136,149 against 206,829,
  of which 62,318 cover and contract against 137,352; bound 62,244). ``tight=True`` also holds
  the soft run, weekend and preferred-shift rules :data:`TIGHTENED` hard (69,725; about 6 CPU s
  a window instead of 1.5), which :mod:`models.roster.long_rota` uses after the first rota.

The windows' rotas together are then a legal rota of the whole horizon, which
:mod:`models.roster.long_rota` bounds and improves in the time left. The construction is not
tried (:func:`applies` is False) when a window cannot promise that: hard fairness (a spread kept
in every window can exceed the limit over the year), re-rostering against a published rota, or a
horizon shorter than two windows. A window without a rota (its scaled limits too tight, or the
time out) ends the construction without one: the whole model is then solved as before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from models.roster.check import check_roster
from models.roster.clock import ShiftClock
from models.roster.input import RosterInput
from models.roster.parameters import RosterParameters
from models.roster.plan import RosterPlan
from models.roster.report import change_table, cover_table, penalty_table, rota_table, staff_summary
from models.roster.rules import FAMILIES
from models.roster.vars import ReferenceDays, make_variables
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_cpsat

__all__ = [
    "HorizonRota",
    "HorizonSettings",
    "applies",
    "constructed_plan",
    "first_rota",
    "rolling_rota",
    "window_input",
]

TOTAL_MAXIMA = ("max_weekends", "max_total_hours", "max_shifts_of_type")
"""Hard rules counted over the horizon whose limit is a most: scaled down per window."""
TOTAL_MINIMA = ("min_total_hours", "min_shifts_of_type")
"""Hard rules counted over the horizon whose limit is a least: scaled up per window."""
REFUSED = ("fair_nights", "fair_weekends", "fair_on_calls")
"""Hard rules a window-by-window rota cannot promise over the horizon."""
WINDOW_CPSAT: dict[str, Any] = {
    "stop_after_first_solution": True,
    "cp_model_probing_level": 0,
    "symmetry_level": 0,
    "max_presolve_iterations": 1,
}
"""CP-SAT settings of a window: its first rota is enough; probing (CP-SAT's slowest presolve step
on these models, 10 of 16 s on a loaded machine) and symmetry detection are skipped and presolve
makes one pass (150 x 364: 13 windows in 29 s instead of 42 s at load 4.5-5 without the last
setting; one window's CP-SAT call 1.35 -> 0.74 s with it)."""


TIGHTENED = (
    "min_consecutive_days",
    "min_consecutive_days_off",
    "whole_weekends",
    "max_weekends",
    "max_consecutive_nights",
    "rest_after_nights_hours",
    "max_hours_7_days",
    "preferred_shifts",
)
"""Soft rules a tight window (``rolling_rota(..., tight=True)``) keeps as hard ones, so its first rota
pays none of them (150 x 364: 70,337 of the 136,149 points of the rota built without them; the
rota built with them 69,725, 13 of 13 windows tight, 83 CPU s; 76,672 with preferred shifts soft)."""
WINDOW_WORKERS = 2
"""CP-SAT workers per window when the run names none (one worker took 4.8 s, not 0.7, to a first rota)."""


@dataclass(frozen=True)
class HorizonSettings:
    """Figures of the rolling-horizon construction.

    window_days : int
        Days per window (default 28: four weeks; a multiple of 7 keeps every window after the first
        starting on a Monday).
    history_days : int
        Days of the rota built so far that each window sees as its history (default 14: more than
        any run or 7-day rule of the bundled and generated rotas; at least the longest hard
        ``max_consecutive_*`` or ``min_consecutive_*`` limit plus one is used).
    min_person_days : int
        Staff x days from which :func:`models.roster.solve` builds the first rota this way
        (default 20,000: a 150 x 364 rota is 54,600, a 40 x 56 one 2,240).
    fallback_seconds : float
        Seconds a tight construction keeps for each later window's looser model (default 6: a
        150 x 28 window filled to its cover maxima took 2.7 s wall, 1.3 CPU s, at load 7.5; a
        tight one 15-18 s wall, 7-10 CPU s).
    plain_first_seconds : float
        Over-staffed rotas (:func:`first_rota`) get the plain construction before the filled one
        only when at least this many seconds are left, or no limit (default 300: on 150 x 364 at
        load 4 and ``--time-limit 120`` the plain construction took 36.5 s, and the filled one then
        ran out of time and the rota was the plain one, 206,829 against 135,854 with the filled
        construction alone).
    """

    window_days: int = 28
    history_days: int = 14
    min_person_days: int = 20_000
    fallback_seconds: float = 6.0
    plain_first_seconds: float = 300.0


@dataclass(frozen=True)
class HorizonRota:
    """The constructed rota (``staff_id``, ``date``, ``shift_id``), or None when a window failed;
    the seconds it took, the windows solved and how many of them by their tightest model."""

    assignments: pd.DataFrame | None
    seconds: float
    windows: int
    tightest: int = 0
    first_seconds: float | None = None
    """Seconds to the first legal rota when an earlier, quicker one came before this (:func:`first_rota`)."""


def applies(inp: RosterInput, settings: HorizonSettings | None = None) -> bool:
    """Whether the construction is tried: a long rota without hard fairness or re-rostering."""
    settings = settings or HorizonSettings()
    if len(inp.staff) * inp.days < settings.min_person_days or inp.days < 2 * settings.window_days:
        return False
    if inp.published is not None and not inp.published.empty:
        return False
    rules = inp.rules
    return not bool((rules["hard"] & rules["rule"].isin(REFUSED)).any())


def window_starts(inp: RosterInput, window_days: int) -> list[int]:
    """Day indices where the windows start: day 0, then every Monday ``window_days`` apart (the
    first window runs to the first Monday at least ``window_days`` after day 0 less a week)."""
    first_monday = (7 - inp.first_date.weekday()) % 7
    starts = [0]
    d = first_monday + window_days if first_monday else window_days
    while d < inp.days:
        starts.append(d)
        d += window_days
    if len(starts) > 1 and inp.days - starts[-1] < 7:
        starts.pop()  # a last window under a week joins the one before
    return starts


def window_spans(inp: RosterInput, window_days: int) -> list[tuple[int, int]]:
    """The windows of :func:`window_starts` as (first day, day after the last) pairs."""
    starts = window_starts(inp, window_days)
    return list(zip(starts, [*starts[1:], inp.days], strict=True))


def window_input(
    inp: RosterInput,
    start: int,
    days: int,
    history: pd.DataFrame,
    history_days: int,
    rules: pd.DataFrame | None = None,
) -> RosterInput:
    """The rota instance of days ``start .. start + days - 1`` with ``history`` (assignments before
    ``start``, the rota so far) as its history: ``rules``, by default the hard rules only with
    horizon-wide limits scaled; its leave credited as the whole rota's weeks credit it
    (``RosterInput.contract_weeks``)."""
    first = inp.first_date + dt.timedelta(days=start)
    last = first + dt.timedelta(days=days - 1)
    since = first - dt.timedelta(days=history_days)

    def within(frame: pd.DataFrame | None, lo: dt.date, hi: dt.date) -> pd.DataFrame | None:
        if frame is None:
            return None
        return frame[(frame["date"] >= lo) & (frame["date"] <= hi)].reset_index(drop=True)

    past = within(history, since, first - dt.timedelta(days=1))
    return dataclasses.replace(
        inp,
        first_date=first,
        days=days,
        cover=within(inp.cover, first, last),
        rules=_window_rules(inp.rules, days / inp.days) if rules is None else rules,
        leave=within(inp.leave, first, last),
        preassigned=within(inp.preassigned, first, last),
        requests=within(inp.requests, first, last),
        history=past,
        name=f"{inp.name}-{first.isoformat()}",
        contract_weeks=inp.contract_weeks or (inp.first_date, inp.days),  # the leave credited as the rota's
    )


def has_reference_periods(inp: RosterInput, params: RosterParameters) -> bool:
    """Whether ``max_average_weekly_hours`` is someone's rule and its reference periods are shorter
    than the horizon, so a model of some of its days needs :class:`ReferenceDays`."""
    return inp.days > 7 * params.reference_weeks and bool(
        (inp.rules["rule"] == "max_average_weekly_hours").any()
    )


def reference_days(
    inp: RosterInput, params: RosterParameters, rota: pd.DataFrame, lo: int, hi: int
) -> ReferenceDays | None:
    """Where a model of days ``lo .. hi - 1`` stands in the horizon for the reference periods of
    ``max_average_weekly_hours``, with ``rota``'s paid minutes on the horizon's other days; None
    when no period is shorter than the horizon (or no one has the rule)."""
    if not has_reference_periods(inp, params):
        return None
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    person = {s: p for p, s in enumerate(inp.staff["staff_id"])}
    minutes: dict[int, dict[int, int]] = {}
    for r in rota.itertuples(index=False):
        d = inp.day_index(r.date)
        if 0 <= d < inp.days and not lo <= d < hi:
            minutes.setdefault(person[r.staff_id], {})[d] = clock.paid(d, str(r.shift_id))
    return ReferenceDays(lo, inp.days, minutes)


def _window_rules(rules: pd.DataFrame, share: float, harden: tuple[str, ...] = ()) -> pd.DataFrame:
    """The hard rules and the soft ones named in ``harden`` made hard, with horizon-wide limits
    scaled by ``share`` (maxima down, minima up)."""
    out = rules[rules["hard"] | rules["rule"].isin(harden)].copy()
    out["hard"] = True
    scale = out["rule"].isin(TOTAL_MAXIMA)
    out.loc[scale, "limit"] = [math.floor(v * share + 1e-9) for v in out.loc[scale, "limit"]]
    scale = out["rule"].isin(TOTAL_MINIMA)
    out.loc[scale, "limit"] = [math.ceil(v * share - 1e-9) for v in out.loc[scale, "limit"]]
    return out.reset_index(drop=True)


def _history_days(inp: RosterInput, settings: HorizonSettings) -> int:
    """Days of history each window needs: the setting, or one more than the longest hard run limit
    (``max_consecutive_*``, ``min_consecutive_*``), so no run that binds is cut at its start."""
    rules = inp.rules[inp.rules["hard"] & inp.rules["rule"].str.contains("_consecutive_")]
    longest = int(rules["limit"].max()) + 1 if len(rules) else 0
    return max(settings.history_days, longest)


def rolling_rota(
    inp: RosterInput,
    params: RosterParameters,
    options: SolveOptions,
    settings: HorizonSettings | None = None,
    tight: bool = False,
    fill: bool | None = None,
) -> HorizonRota:
    """Solve the windows in turn (module docstring); each CP-SAT call stops at its first rota, at
    the run's deadline or after the time left shared among the windows still to solve.

    When the cover's maxima hold fewer hours than the contracts' lower limits
    (:func:`over_staffed`), a window first asks for every cover row at its maximum and each
    person's hours within the lower end of their contract (:func:`contract_floors`): every extra
    shift then saves more contract-hours penalty than its over-cover costs, and no hour goes to a
    person already at their contract while another is short. With ``tight``, it first tries that
    with the soft rules :data:`TIGHTENED` hard as well, for the time left less
    ``settings.fallback_seconds`` kept for each window from it on (so a short run rebuilds the
    first windows tight and the rest as before). A window falls back to the next looser model when
    the tighter one finds no rota. ``fill`` False skips the filled models (None: when over-staffed)."""
    settings = settings or HorizonSettings()
    t0 = time.perf_counter()
    spans = window_spans(inp, settings.window_days)
    keep = _history_days(inp, settings)
    history = (
        inp.history if inp.history is not None else pd.DataFrame(columns=["staff_id", "date", "shift_id"])
    )
    parts: list[pd.DataFrame] = []
    fill = over_staffed(inp) if fill is None else fill and over_staffed(inp)
    tightest = 0
    for i, (start, end) in enumerate(spans):
        left = options.remaining()
        if left is not None and left <= 0:  # past the deadline: building the window would overrun it
            return HorizonRota(None, time.perf_counter() - t0, i)
        window = window_input(inp, start, end - start, history, keep)
        reference = reference_days(inp, params, history, start, inp.days)
        tries: list[tuple[RosterInput, list[int | None] | None]] = []
        if fill:
            floors = contract_floors(inp, start, end - start)
            if tight:
                rules = _window_rules(inp.rules, (end - start) / inp.days, TIGHTENED)
                tries.append((_filled(dataclasses.replace(window, rules=rules)), floors))
            tries.append((_filled(window), floors))
        tries.append((window, None))
        rota = None
        for k, (model, caps) in enumerate(tries):
            left = options.remaining()
            later = len(spans) - i - 1
            if left is None:
                limit = None
            elif tight and fill and k == 0:
                limit = left - settings.fallback_seconds * (later + 1)
                if limit < settings.fallback_seconds:
                    continue
            else:
                limit = max(left / (len(spans) - i), 0.1)
            rota = _solve_window(model, params, options, limit, caps, reference)
            if rota is not None:
                tightest += k == 0
                break
        if rota is None:
            return HorizonRota(None, time.perf_counter() - t0, i)
        parts.append(rota)
        history = pd.concat([history, rota], ignore_index=True)
    assignments = pd.concat(parts, ignore_index=True).sort_values(["staff_id", "date", "shift_id"])
    return HorizonRota(assignments.reset_index(drop=True), time.perf_counter() - t0, len(spans), tightest)


def first_rota(
    inp: RosterInput,
    params: RosterParameters,
    options: SolveOptions,
    timings: dict[str, float],
    settings: HorizonSettings | None = None,
) -> HorizonRota:
    """The constructed rota of :func:`models.roster.solve`, a legal one as soon as possible.

    When over-staffed (:func:`over_staffed`) and at least ``settings.plain_first_seconds`` are
    left, the windows filled to their cover maxima are slower
    than the plain ones (150 x 364 at load 4-5: 52.8 s wall, 31.2 CPU s against 36.6 s, 22.7 CPU
    s; 27-28 s quiet in a whole run), so the plain construction runs first and its rota is the
    run's first legal rota; the filled construction follows and replaces it when it gives a rota
    (the plain one is kept when it gives none: a window without a rota in its share of the time
    left, or the run stopped). ``timings``: ``horizon`` the seconds to the first rota,
    ``filled`` those of the filled construction."""
    settings = settings or HorizonSettings()
    left = options.remaining()
    if not over_staffed(inp) or (left is not None and left < settings.plain_first_seconds):
        rolled = rolling_rota(inp, params, options, settings)
        timings["horizon" if rolled.assignments is not None else "horizon_no_rota"] = rolled.seconds
        return rolled
    quick = rolling_rota(inp, params, options, settings, fill=False)
    if quick.assignments is None:
        timings["horizon_no_rota"] = quick.seconds
        return quick
    timings["horizon"] = quick.seconds
    filled = rolling_rota(inp, params, options, settings)
    timings["filled"] = filled.seconds
    if filled.assignments is None:
        return quick
    return dataclasses.replace(filled, seconds=quick.seconds + filled.seconds, first_seconds=quick.seconds)


def _solve_window(
    window: RosterInput,
    params: RosterParameters,
    options: SolveOptions,
    limit: float | None,
    caps: list[int | None] | None = None,
    reference: ReferenceDays | None = None,
) -> pd.DataFrame | None:
    """The first rota CP-SAT finds for ``window`` within ``limit`` seconds (None: none found), with
    each person's paid minutes in the window at most their ``caps`` (None: no cap) and the
    reference periods ``reference`` places the window in."""
    rm = make_variables(window, params, False)
    rm.reference = reference
    for family in FAMILIES:
        family(rm)
    if caps is not None:
        for p, cap in enumerate(caps):
            if cap is not None:
                rm.model.add(rm.paid_total(p, range(window.days)) <= cap)
    rm.model.minimize(
        cp_model.LinearExpr.weighted_sum([t.amount for t in rm.terms], [t.weight for t in rm.terms])
    )
    run = dataclasses.replace(options, time_limit=limit, extra={**WINDOW_CPSAT}, threads=options.threads or 2)
    result, solver = solve_cpsat(rm.model, run)
    if not result.has_plan:
        return None
    on = [(rm.staff[p], rm.date(d), s) for (p, d, s), var in rm.x.items() if solver.value(var)]
    return pd.DataFrame(on, columns=["staff_id", "date", "shift_id"])


def contract_floors(inp: RosterInput, start: int = 0, days: int | None = None) -> list[int | None]:
    """Per person: the lower end of the contract-hours tolerance over ``days`` days of the horizon
    from ``start`` (default all), less the leave credit of those days, in paid minutes (None when
    the rule is absent or the person has no contract)."""
    assert inp.leave is not None
    days = inp.days - start if days is None else days
    first = inp.first_date + dt.timedelta(days=start)
    leave = inp.leave[(inp.leave["date"] >= first) & (inp.leave["date"] < first + dt.timedelta(days=days))]
    credit: dict[str, float] = leave.groupby("staff_id")["credit_hours"].sum().to_dict()
    out: list[int | None] = []
    for row in inp.staff.itertuples(index=False):
        rule = inp.rules_for(row.group).get(("contract_hours_tolerance", ""))
        if rule is None or float(row.contract_hours_week) <= 0:
            out.append(None)
            continue
        target = float(row.contract_hours_week) * 60 * days / 7 - 60 * credit.get(row.staff_id, 0.0)
        out.append(max(math.ceil(target - rule.limit * 60 * days / 7 - 1e-6), 0))
    return out


def over_staffed(inp: RosterInput) -> bool:
    """Whether the paid hours of the skill-free cover rows at their maxima fall short of the
    contracts' lower limits, and each such row's over-cover weight is below what its shift's paid
    hours save at the least contract-hours weight: then a rota short of its contracts gains from
    every shift up to the maxima."""
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    free = inp.cover[inp.cover["skill"].fillna("") == ""]
    rules = [
        inp.rules_for(group).get(("contract_hours_tolerance", "")) for group in inp.staff["group"].unique()
    ]
    weights = [0 if rule is None or rule.hard else rule.weight for rule in rules]
    if free.empty or (free["maximum"] < 0).any() or min(weights, default=0) <= 0:
        return False
    paid = [clock.paid(inp.day_index(r.date), r.shift_id) for r in free.itertuples(index=False)]
    if any(o * 60 >= min(weights) * m for o, m in zip(free["over_weight"], paid, strict=True)):
        return False
    most = sum(m * int(n) for m, n in zip(paid, free["maximum"], strict=True))
    return most < sum(f for f in contract_floors(inp) if f is not None)


def _filled(window: RosterInput) -> RosterInput:
    """``window`` with each cover row's minimum and preferred raised to its maximum."""
    cover = window.cover.copy()
    has = cover["maximum"] >= 0
    cover.loc[has, "minimum"] = cover.loc[has, "maximum"]
    cover.loc[has, "preferred"] = cover.loc[has, "maximum"]
    return dataclasses.replace(window, cover=cover)


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, plural unless one: "1 window", "13 windows"."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def constructed_plan(
    inp: RosterInput,
    params: RosterParameters,
    rolled: HorizonRota,
    options: SolveOptions,
    timings: dict[str, float],
    *,
    rota: pd.DataFrame | None = None,
    bound: int | None = None,
    note: str | None = None,
) -> RosterPlan | None:
    """The plan of the constructed rota (or of ``rota``, the constructed one improved, with a
    lower ``bound`` and a ``note`` for the message) when the whole model is not solved: its
    tables from the input, its penalties scored by :func:`models.roster.check.check_roster` (the
    rule definitions without the model); None when it breaks a hard rule (never expected)."""
    if rolled.assignments is None:
        return None
    t0 = time.perf_counter()
    rota = rolled.assignments if rota is None else rota
    scored = check_roster(inp, rota, params)
    if not scored.feasible:
        return None
    penalties = scored.penalties.sort_values(["cost", "rule", "staff"], ascending=[False, True, True])
    penalties = penalties.reset_index(drop=True)
    timings["extract"] = time.perf_counter() - t0
    optimal = bound is not None and bound >= scored.score
    result = SolveResult(
        status=Status.OPTIMAL if optimal else Status.FEASIBLE,
        objective=float(scored.score),
        bound=None if bound is None else float(min(bound, scored.score)),
        gap=None if bound is None else relative_gap(float(scored.score), float(min(bound, scored.score))),
        build_seconds=0.0,
        solve_seconds=rolled.seconds + timings.get("bound", 0.0) + timings.get("windows", 0.0),
        backend="cpsat",
        message=note
        or (
            f"rolling-horizon rota ({counted(rolled.windows, 'window')}, hard rules only), not improved by "
            "the whole model in the time left (no bound)"
        ),
        options={**options.as_dict(), "threads": options.threads or WINDOW_WORKERS},
        first_solution_seconds=rolled.first_seconds if rolled.first_seconds is not None else rolled.seconds,
    )
    return RosterPlan.of_input(
        inp,
        params,
        result,
        assignments=rota,
        rota=rota_table(inp, rota),
        penalties=penalties,
        cover=cover_table(inp, rota),
        staff_summary=staff_summary(inp, rota, penalties),
        changes=change_table(inp, rota),
        violations=penalty_table([]),
        timings=timings,
        reproducible=False,
        stopped_by="proven optimal" if optimal else "wall clock",
        search="horizon" if rota is rolled.assignments else "windows",
    )


def first_rota_seconds(plan: RosterPlan) -> float | None:
    """Seconds from the start of :func:`models.roster.solve` to its first legal rota: the diagnosis
    and the construction when it gave the rota, else the diagnosis, the build and CP-SAT's time to
    its first solution (None without a rota, or when CP-SAT did not report it)."""
    t = plan.timings
    if not plan.found:
        return None
    if "horizon" in t:  # the construction gave a rota (solve records "horizon_no_rota" otherwise)
        return t.get("diagnose", 0.0) + t["horizon"]
    first = plan.result.first_solution_seconds
    if first is None:
        return None
    return t.get("diagnose", 0.0) + t.get("horizon_no_rota", 0.0) + t.get("build", 0.0) + first
