"""Before and after the rota solve: what cannot be met (named before solving), and the plan's tables."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd

from models.common.words import count
from models.roster.check import check_roster
from models.roster.check_rules import Findings, Person, Rota, check_hard_rules
from models.roster.clock import ShiftClock
from models.roster.input import RULES, WEEKDAYS, RosterInput, parse_list, parse_time
from models.roster.parameters import RosterParameters

PENALTY_COLUMNS = ["rule", "staff", "date", "detail", "amount", "weight", "cost"]
ASSIGNMENT_COLUMNS = ["staff_id", "date", "shift_id"]
ROTA_COLUMNS = ["staff", "name", "group", "date", "shift", "start", "end", "hours", "night", "on_call"]
COVER_COLUMNS = ["date", "shift_id", "skill", "minimum", "preferred", "maximum", "assigned", "under", "over"]
SUMMARY_COLUMNS = [
    "staff_id",
    "name",
    "group",
    "shifts",
    "hours",
    "nights",
    "weekends",
    "on_calls",
    "leave_days",
    "contract_hours",
    "requests_denied",
]
CHANGE_COLUMNS = ["staff_id", "date", "published", "new"]
STRUCTURAL_UNITS = {
    "cover_minimum": "person short of the minimum cover",
    "cover_maximum": "person above the maximum cover",
    "forbidden_succession": "forbidden succession",
    "max_changes": "change beyond the limit",
}


def _can_work(rules: dict, preferred: tuple[str, ...], shift: pd.Series) -> bool:
    """Whether no hard rule bans the shift type outright (shift lengths are judged per date)."""
    r = rules.get(("max_shifts_of_type", shift["shift_id"]))
    if r is not None and r.hard and r.limit < 1:
        return False
    r = rules.get(("preferred_shifts", ""))
    return not (r is not None and r.hard and preferred and shift["shift_id"] not in preferred)


def _too_long(rules: dict, minutes: int) -> bool:
    r = rules.get(("max_shift_hours", ""))
    return r is not None and r.hard and minutes > r.limit * 60 + 1e-9


def _why_not(
    fit: list[Any],
    date: dt.date,
    shift_id: str,
    lasts: float,
    away: dict[tuple[str, dt.date], str],
    pre: dict[tuple[str, dt.date], str],
) -> str:
    """Why each of ``fit`` (the people with the skill) cannot work ``shift_id`` on ``date``, each
    person counted once, under the first reason that holds: on leave, a fixed day off,
    pre-assigned another shift, not allowed this shift, the shift too long for their rules. (The
    message said "3 on leave or unavailable" when the fourth had her fixed day off.)"""
    counts = dict.fromkeys(("on leave", "fixed day off", "pre-assigned another shift", "may not work it"), 0)
    long = 0
    for row, _skills, fixed_off, rules, able in fit:
        if (row.staff_id, date) in away:
            counts["on leave"] += 1
        elif WEEKDAYS[date.weekday()] in fixed_off:
            counts["fixed day off"] += 1
        elif pre.get((row.staff_id, date), shift_id) != shift_id:
            counts["pre-assigned another shift"] += 1
        elif shift_id not in able:
            counts["may not work it"] += 1
        elif _too_long(rules, lasts):
            long += 1
    words = [f"{n} {reason}" for reason, n in counts.items() if n]
    if long:
        words.append(f"the shift lasts {lasts / 60:g} h that day, longer than {long} may work")
    return "; ".join(words) or "none is kept away"


class Problem(NamedTuple):
    """A requirement that cannot be met whatever the rota: its sentence, and its row of
    ``violations.csv`` (the rule, whom, when, what and by how much, as the elastic model names them)."""

    text: str
    rule: str
    staff: str
    date: dt.date | None
    detail: str
    amount: int


def diagnose(inp: RosterInput, params: RosterParameters | None = None) -> list[str]:
    """The sentence of each requirement :func:`diagnosis` finds unmeetable."""
    return [p.text for p in diagnosis(inp, params)]


def diagnosed_violations(problems: list[Problem], weight: int) -> pd.DataFrame:
    """The violations table of a rota diagnosed before solving: one row per problem, each unit at
    ``weight`` (``hard_violation_weight``), so ``violations.csv`` names what the explanation does."""
    rows = [
        {"rule": p.rule, "staff": p.staff, "date": p.date, "detail": p.detail, "amount": p.amount}
        for p in problems
    ]
    frame = pd.DataFrame(rows, columns=PENALTY_COLUMNS[:5])
    frame["weight"] = weight
    frame["cost"] = frame["amount"] * weight
    return frame[PENALTY_COLUMNS]


def diagnosis(inp: RosterInput, params: RosterParameters | None = None) -> list[Problem]:
    """Requirements that cannot be met whatever the rota (cover minima above the people available,
    pre-assignments above a cover maximum, hard minimum hours or shifts above what the days allow,
    a first changeable date after a published shift the new leave takes away)."""
    problems: list[Problem] = []
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    shifts = inp.shifts.set_index("shift_id", drop=False)
    away = {(r.staff_id, r.date): r.reason for r in inp.leave.itertuples(index=False)}
    pre = {(r.staff_id, r.date): r.shift_id for r in inp.preassigned.itertuples(index=False)}
    people = []
    for row in inp.staff.itertuples(index=False):
        rules = inp.rules_for(row.group)
        able = {s for s in shifts.index if _can_work(rules, parse_list(row.preferred_shifts), shifts.loc[s])}
        people.append((row, set(parse_list(row.skills)), parse_list(row.fixed_days_off), rules, able))
    reported: set[tuple[dt.date, str]] = set()  # (date, skill) of a cover row already named
    for r in inp.cover.itertuples(index=False):
        day = f"{WEEKDAYS[r.date.weekday()]} {r.date}"
        who = f" with skill {r.skill}" if r.skill else ""
        detail = r.shift_id + (f" ({r.skill})" if r.skill else "")
        fit = [p for p in people if not r.skill or r.skill in p[1]]
        if r.minimum > 0:
            lasts = clock.elapsed(inp.day_index(r.date), r.shift_id)
            free = [
                p
                for p in fit
                if (p[0].staff_id, r.date) not in away
                and WEEKDAYS[r.date.weekday()] not in p[2]
                and r.shift_id in p[4]
                and not _too_long(p[3], lasts)
                and pre.get((p[0].staff_id, r.date), r.shift_id) == r.shift_id
            ]
            if len(free) < r.minimum:
                reported.add((r.date, r.skill or ""))
                why = _why_not(fit, r.date, r.shift_id, lasts, away, pre)
                text = (
                    f"cover {r.shift_id} on {day}: needs at least {r.minimum} staff{who} but only "
                    f"{len(free)} of {len(fit)} can work it ({why})"
                )
                problems.append(Problem(text, "cover_minimum", "", r.date, detail, r.minimum - len(free)))
        if r.maximum >= 0:
            fixed = sum(pre.get((p[0].staff_id, r.date)) == r.shift_id for p in fit)
            if fixed > r.maximum:
                text = (
                    f"cover {r.shift_id} on {day}: {fixed} staff{who} are pre-assigned but at most "
                    f"{r.maximum} may work it"
                )
                problems.append(Problem(text, "cover_maximum", "", r.date, detail, fixed - r.maximum))
    problems += _day_minimums(inp, clock, people, away, pre, reported)
    problems += _frozen_clashes(inp, params or RosterParameters(), away, pre)
    problems += _fixed_breaches(inp, params or RosterParameters())
    for row, _skills, fixed_off, rules, able in people:
        free_days = [
            d for d in inp.dates if (row.staff_id, d) not in away and WEEKDAYS[d.weekday()] not in fixed_off
        ]
        longest = max((int(shifts.loc[s, "paid_minutes"]) for s in able), default=0)
        r = rules.get(("min_total_hours", ""))
        most = len(free_days) * longest
        if r is not None and r.hard and most < round(r.limit * 60):
            text = (
                f"{row.staff_id} must work at least {r.limit:g} h but can work at most "
                f"{most / 60:g} h in {count(len(free_days), 'available day')}"
            )
            short = math.ceil((round(r.limit * 60) - most) / 60)
            problems.append(Problem(text, "min_total_hours", row.staff_id, None, "", short))
        for (name, s), r in rules.items():
            available = len(free_days) if s in able else 0
            if name == "min_shifts_of_type" and r.hard and available < r.limit:
                text = (
                    f"{row.staff_id} must work at least {count(r.limit, f'{s} shift', spec='g')} but has "
                    f"{count(available, 'day')} available for them"
                )
                short = math.ceil(r.limit - available)
                problems.append(Problem(text, "min_shifts_of_type", row.staff_id, None, s, short))
    return problems


def _day_minimums(
    inp: RosterInput,
    clock: ShiftClock,
    people: list[tuple[Any, set[str], tuple[str, ...], dict, set[str]]],
    away: dict,
    pre: dict,
    reported: set[tuple[dt.date, str]],
) -> list[Problem]:
    """Dates whose shifts' cover minima (for one skill, or anyone) add up to more staff than can
    work that day: each person works one shift a day, so a day with early 3, late 3 and long day 1
    needs 7 different people, whatever each shift alone allows."""
    cover = inp.cover[inp.cover["minimum"] > 0]
    out = []
    for (date, skill), rows in cover.groupby(["date", cover["skill"].fillna("")], sort=True):
        if len(rows) < 2 or (date, skill) in reported:
            continue
        need = int(rows["minimum"].sum())
        day = inp.day_index(date)
        free = [
            p
            for p in people
            if (not skill or skill in p[1])
            and (p[0].staff_id, date) not in away
            and WEEKDAYS[date.weekday()] not in p[2]
            and any(
                s in p[4]
                and not _too_long(p[3], clock.elapsed(day, s))
                and pre.get((p[0].staff_id, date), s) == s
                for s in rows["shift_id"]
            )
        ]
        if len(free) < need:
            who = f" with skill {skill}" if skill else ""
            minima = ", ".join(f"{r.shift_id} {r.minimum}" for r in rows.itertuples(index=False))
            text = (
                f"cover on {WEEKDAYS[date.weekday()]} {date}: the shifts' minimums ({minima}) need "
                f"{need} different staff{who} (one shift a day each) but only {len(free)} can work "
                f"that day ({need - len(free)} short)"
            )
            detail = minima + (f" ({skill})" if skill else "")
            out.append(Problem(text, "cover_minimum", "", date, detail, need - len(free)))
    return out


def _frozen_clashes(inp: RosterInput, params: RosterParameters, away: dict, pre: dict) -> list[Problem]:
    """Published shifts before the first changeable date that cannot stay: on leave, on a fixed day
    off, or pre-assigned differently."""
    first = inp.first_changeable(params.change_from)
    if first is None:
        return []
    fixed_off = dict(zip(inp.staff["staff_id"], inp.staff["fixed_days_off"], strict=True))
    out = []
    for r in inp.published.itertuples(index=False):
        if r.date >= first:
            continue
        day = f"{WEEKDAYS[r.date.weekday()]} {r.date}"
        if (r.staff_id, r.date) in away:
            why = f"is on {away[(r.staff_id, r.date)]} that day"
        elif WEEKDAYS[r.date.weekday()] in parse_list(fixed_off[r.staff_id]):
            why = "that is one of their fixed days off"
        elif pre.get((r.staff_id, r.date), r.shift_id) != r.shift_id:
            why = f"is pre-assigned {pre[(r.staff_id, r.date)]}"
        else:
            continue
        text = (
            f"{r.staff_id} is published on {r.shift_id} on {day}, before the first changeable date "
            f"{first} (change_from), but {why}; move change_from to {r.date} or earlier"
        )
        out.append(Problem(text, "change_before_change_from", r.staff_id, r.date, f"was {r.shift_id}", 1))
    return out


MORE_SHIFTS_BREAK_FURTHER = frozenset(
    {
        "min_rest_hours",
        "max_consecutive_days",
        "max_consecutive_nights",
        "rest_after_nights_hours",
        "max_hours_7_days",
        "max_average_weekly_hours",
        "max_total_hours",
        "max_weekends",
        "max_shifts_of_type",
        "max_shift_hours",
        "forbidden_succession",
    }
)
"""Hard rules that adding shifts can only break further: broken by the fixed shifts alone, they are
broken by every rota."""


def fixed_shifts(inp: RosterInput, params: RosterParameters) -> pd.DataFrame:
    """The shifts no rota may change (``staff_id``, ``date``, ``shift_id``): pre-assigned, and
    published before the first changeable date of a re-rostering (a pre-assignment first)."""
    frames = [inp.preassigned[ASSIGNMENT_COLUMNS]]
    first = inp.first_changeable(params.change_from)
    if first is not None:
        frames.append(inp.published.loc[inp.published["date"] < first, ASSIGNMENT_COLUMNS])
    fixed = pd.concat(frames, ignore_index=True)
    return fixed.drop_duplicates(["staff_id", "date"], keep="first").reset_index(drop=True)


def _fixed_breaches(inp: RosterInput, params: RosterParameters) -> list[Problem]:
    """Hard rules the fixed shifts (:func:`fixed_shifts`), with the history, break whatever else is
    rostered (:data:`MORE_SHIFTS_BREAK_FURTHER`), each breach the history alone does not make: a
    night in the history ending at 08:30 and a day pre-assigned at 08:00 the next morning was left
    to the elastic re-solve, which named unrelated cover breaches beside it, not proven in 25 s."""
    fixed = fixed_shifts(inp, params)
    if fixed.empty:
        return []
    people = sorted(set(fixed["staff_id"]))
    keys = ["rule", "staff", "date", "detail"]
    new = _hard_breaches(inp, fixed, people, params.reference_weeks)
    if inp.history is not None and not inp.history.empty:
        alone = _hard_breaches(inp, fixed.iloc[:0], people, params.reference_weeks)
        new = new.merge(alone[keys], on=keys, how="left", indicator=True)
        new = new[new["_merge"] == "left_only"].drop(columns="_merge").reset_index(drop=True)
    lines = explain(new.assign(weight=1, cost=new["amount"]), most=len(new))
    return [
        Problem(f"the fixed shifts (pre-assigned, published, history) break {line}", *row)
        for line, row in zip(lines, new[[*keys, "amount"]].itertuples(index=False, name=None), strict=True)
    ]


def _hard_breaches(
    inp: RosterInput, assignments: pd.DataFrame, people: list[str], reference_weeks: int
) -> pd.DataFrame:
    """The breaches of :data:`MORE_SHIFTS_BREAK_FURTHER`'s hard rules in ``assignments`` by
    ``people`` (each group's rules read once: a year's re-rostering of 150 staff checked every rule
    of everyone twice, 3 s before solving)."""
    found = Findings()
    rota = Rota(inp, assignments, found, reference_weeks)
    rules: dict[str, dict] = {}
    for s in people:
        row = rota.staff.loc[s]
        group = str(row["group"])
        if group not in rules:
            rules[group] = inp.rules_for(group)
        person = Person(rota, s, row, 0.0)
        check_hard_rules(rota, person, rules[group], MORE_SHIFTS_BREAK_FURTHER, found)
    return pd.DataFrame([f[:5] for f in found.rows], columns=PENALTY_COLUMNS[:5])


def penalty_table(pairs: list[tuple[Any, int]]) -> pd.DataFrame:
    """Penalty terms with their values -> the penalties table (non-zero amounts only, costliest first)."""
    rows = [
        {
            "rule": t.rule,
            "staff": t.staff,
            "date": t.date,
            "detail": t.detail,
            "amount": int(v),
            "weight": int(t.weight),
            "cost": int(v) * int(t.weight),
        }
        for t, v in pairs
        if v
    ]
    return costliest_first(pd.DataFrame(rows, columns=PENALTY_COLUMNS))


def costliest_first(frame: pd.DataFrame) -> pd.DataFrame:
    """A penalties table sorted by cost (highest first), then rule, staff and date."""
    if frame.empty:
        return frame
    frame = frame.copy()
    frame["_d"] = frame["date"].map(lambda d: d or dt.date.min)
    frame = frame.sort_values(["cost", "rule", "staff", "_d"], ascending=[False, True, True, True])
    return frame.drop(columns="_d").reset_index(drop=True)


def has_weight_0(inp: RosterInput) -> bool:
    """Whether the input has a soft rule or a request of weight 0 (the model has no term for them)."""
    rules = inp.rules
    soft_free = rules is not None and bool(((~rules["hard"].astype(bool)) & (rules["weight"] <= 0)).any())
    return soft_free or bool((inp.requests["weight"] <= 0).any())


def unweighted_breaches(
    inp: RosterInput, assignments: pd.DataFrame, params: RosterParameters
) -> pd.DataFrame:
    """Each breach of a soft rule or request of weight 0 in ``assignments``, at cost 0, in the
    penalties layout. They cost nothing, so the model keeps no term for them
    (:meth:`models.roster.vars.RosterModel.add_term`); the independent checker, which recomputes
    every rule, finds them, and runs only when the input has such a rule or request."""
    if not has_weight_0(inp):
        return pd.DataFrame(columns=PENALTY_COLUMNS)
    found = check_roster(inp, assignments, params).penalties
    return found[found["weight"] == 0].reset_index(drop=True)


def explain(violations: pd.DataFrame, most: int = 25) -> list[str]:
    """One line per broken hard rule: which rule, whom, when, by how much."""
    lines = []
    for v in violations.head(most).itertuples(index=False):
        unit = STRUCTURAL_UNITS.get(v.rule) or (RULES[v.rule].penalty_unit if v.rule in RULES else "unit")
        who = f" for {v.staff}" if v.staff else ""
        when = f" on {WEEKDAYS[v.date.weekday()]} {v.date}" if isinstance(v.date, dt.date) else ""
        what = f" ({v.detail})" if v.detail else ""
        lines.append(f"{v.rule}{who}{when}{what}: {v.amount} x {unit}")
    if len(violations) > most:
        lines.append(f"... and {len(violations) - most} more")
    return lines


def extract_tables(rm: Any, solver: Any, inp: RosterInput | None = None) -> dict[str, pd.DataFrame]:
    """The plan's tables from a solved model (or empty ones when ``rm`` is None)."""
    inp = rm.inp if rm is not None else inp
    assert inp is not None
    if rm is None:
        empty = {
            "assignments": ASSIGNMENT_COLUMNS,
            "rota": ROTA_COLUMNS,
            "penalties": PENALTY_COLUMNS,
            "cover": COVER_COLUMNS,
            "staff_summary": SUMMARY_COLUMNS,
            "changes": CHANGE_COLUMNS,
        }
        return {k: pd.DataFrame(columns=v) for k, v in empty.items()}
    on = [(rm.staff[p], rm.date(d), s) for (p, d, s), var in rm.x.items() if solver.value(var)]
    assignments = pd.DataFrame(sorted(on), columns=ASSIGNMENT_COLUMNS)
    values = [(t, t.amount if isinstance(t.amount, int) else solver.value(t.amount)) for t in rm.terms]
    penalties = penalty_table(values)
    free = unweighted_breaches(inp, assignments, rm.params)
    if not free.empty:
        both = pd.concat([penalties, free], ignore_index=True) if len(penalties) else free
        penalties = costliest_first(both)
    return {
        "assignments": assignments,
        "rota": rota_table(inp, assignments),
        "penalties": penalties,
        "cover": cover_table(inp, assignments),
        "staff_summary": staff_summary(inp, assignments, penalties),
        "changes": change_table(inp, assignments),
    }


def rota_table(inp: RosterInput, assignments: pd.DataFrame) -> pd.DataFrame:
    """The long table: one row per shift worked with local start and end datetimes."""
    tz = ZoneInfo(inp.timezone)
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    staff = inp.staff.set_index("staff_id")
    shifts = inp.shifts.set_index("shift_id")
    rows = []
    for a in assignments.itertuples(index=False):
        sh = shifts.loc[a.shift_id]
        start_min = parse_time(sh["start"])
        if start_min is None:
            start = end = pd.NaT
        else:
            start = dt.datetime.combine(a.date, dt.time(start_min // 60, start_min % 60), tzinfo=tz)
            end = start + dt.timedelta(minutes=int(sh["length_minutes"]))
        rows.append(
            {
                "staff": a.staff_id,
                "name": staff.loc[a.staff_id, "name"],
                "group": staff.loc[a.staff_id, "group"],
                "date": a.date,
                "shift": a.shift_id,
                "start": start,
                "end": end,
                "hours": clock.paid(inp.day_index(a.date), a.shift_id) / 60,
                "night": bool(sh["night"]),
                "on_call": bool(sh["on_call"]),
            }
        )
    return pd.DataFrame(rows, columns=ROTA_COLUMNS)


def cover_table(inp: RosterInput, assignments: pd.DataFrame) -> pd.DataFrame:
    skills = {r.staff_id: set(parse_list(r.skills)) for r in inp.staff.itertuples(index=False)}
    by_slot: dict[tuple[dt.date, str], list[str]] = {}
    for a in assignments.itertuples(index=False):
        by_slot.setdefault((a.date, a.shift_id), []).append(a.staff_id)
    rows = []
    for r in inp.cover.itertuples(index=False):
        n = sum(1 for s in by_slot.get((r.date, r.shift_id), []) if not r.skill or r.skill in skills[s])
        rows.append(
            {
                "date": r.date,
                "shift_id": r.shift_id,
                "skill": r.skill,
                "minimum": r.minimum,
                "preferred": r.preferred,
                "maximum": r.maximum,
                "assigned": n,
                "under": max(0, r.preferred - n),
                "over": max(0, n - r.preferred),
            }
        )
    return pd.DataFrame(rows, columns=COVER_COLUMNS)


def staff_summary(inp: RosterInput, assignments: pd.DataFrame, penalties: pd.DataFrame) -> pd.DataFrame:
    shifts = inp.shifts.set_index("shift_id")
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    credit = inp.leave.groupby("staff_id")["credit_hours"].sum()
    leave_days = inp.leave.groupby("staff_id").size()
    denied = (
        penalties[penalties["rule"].isin(["shift_on_request", "shift_off_request"])].groupby("staff").size()
    )
    rows = []
    for s in inp.staff.itertuples(index=False):
        mine = assignments[assignments["staff_id"] == s.staff_id]
        kinds = shifts.loc[mine["shift_id"]] if len(mine) else shifts.iloc[:0]
        weekend_days = {(d - dt.timedelta(days=d.weekday() - 5)) for d in mine["date"] if d.weekday() >= 5}
        rows.append(
            {
                "staff_id": s.staff_id,
                "name": s.name,
                "group": s.group,
                "shifts": len(mine),
                "hours": sum(
                    clock.paid(inp.day_index(d), x)
                    for d, x in zip(mine["date"], mine["shift_id"], strict=True)
                )
                / 60,
                "nights": int(kinds["night"].sum()),
                "weekends": len(weekend_days),
                "on_calls": int(kinds["on_call"].sum()),
                "leave_days": int(leave_days.get(s.staff_id, 0)),
                "contract_hours": contract_hours(s.contract_hours_week, inp.days, credit.get(s.staff_id, 0)),
                "requests_denied": int(denied.get(s.staff_id, 0)),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def contract_hours(per_week: float, days: int, credit: float) -> float:
    """Contracted hours over ``days`` less the leave ``credit``; 0 without a contract (0 hours a
    week: no contract band), whose leave credits nothing (it read -7.5 for a day of leave)."""
    return per_week * days / 7 - float(credit) if per_week > 0 else 0.0


def change_table(inp: RosterInput, assignments: pd.DataFrame) -> pd.DataFrame:
    if inp.published is None or inp.published.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    before = {(r.staff_id, r.date): r.shift_id for r in inp.published.itertuples(index=False)}
    after = {(r.staff_id, r.date): r.shift_id for r in assignments.itertuples(index=False)}
    rows = [
        {"staff_id": k[0], "date": k[1], "published": before.get(k, ""), "new": after.get(k, "")}
        for k in sorted(set(before) | set(after))
        if before.get(k, "") != after.get(k, "")
    ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)
