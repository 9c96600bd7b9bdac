"""Before and after the rota solve: what cannot be met (named before solving), and the plan's tables."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

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
    r = rules.get(("max_shifts_of_type", shift["shift_id"]))
    if r is not None and r.hard and r.limit < 1:
        return False
    r = rules.get(("max_shift_hours", ""))
    if r is not None and r.hard and shift["length_minutes"] > r.limit * 60 + 1e-9:
        return False
    r = rules.get(("preferred_shifts", ""))
    return not (r is not None and r.hard and preferred and shift["shift_id"] not in preferred)


def diagnose(inp: RosterInput, params: RosterParameters | None = None) -> list[str]:
    """Requirements that cannot be met whatever the rota (cover minima above the people available,
    pre-assignments above a cover maximum, hard minimum hours or shifts above what the days allow)."""
    problems: list[str] = []
    shifts = inp.shifts.set_index("shift_id", drop=False)
    away = {(r.staff_id, r.date): r.reason for r in inp.leave.itertuples(index=False)}
    pre = {(r.staff_id, r.date): r.shift_id for r in inp.preassigned.itertuples(index=False)}
    people = []
    for row in inp.staff.itertuples(index=False):
        rules = inp.rules_for(row.group)
        able = {s for s in shifts.index if _can_work(rules, parse_list(row.preferred_shifts), shifts.loc[s])}
        people.append((row, set(parse_list(row.skills)), parse_list(row.fixed_days_off), rules, able))
    for r in inp.cover.itertuples(index=False):
        day = f"{WEEKDAYS[r.date.weekday()]} {r.date}"
        who = f" with skill {r.skill}" if r.skill else ""
        fit = [p for p in people if not r.skill or r.skill in p[1]]
        if r.minimum > 0:
            free = [
                p
                for p in fit
                if (p[0].staff_id, r.date) not in away
                and WEEKDAYS[r.date.weekday()] not in p[2]
                and r.shift_id in p[4]
                and pre.get((p[0].staff_id, r.date), r.shift_id) == r.shift_id
            ]
            if len(free) < r.minimum:
                gone = sum((p[0].staff_id, r.date) in away for p in fit)
                problems.append(
                    f"cover {r.shift_id} on {day}: needs at least {r.minimum} staff{who} but only "
                    f"{len(free)} of {len(fit)} can work it ({gone} on leave or unavailable)"
                )
        if r.maximum >= 0:
            fixed = sum(pre.get((p[0].staff_id, r.date)) == r.shift_id for p in fit)
            if fixed > r.maximum:
                problems.append(
                    f"cover {r.shift_id} on {day}: {fixed} staff{who} are pre-assigned but at most "
                    f"{r.maximum} may work it"
                )
    for row, _skills, fixed_off, rules, able in people:
        free_days = [
            d for d in inp.dates if (row.staff_id, d) not in away and WEEKDAYS[d.weekday()] not in fixed_off
        ]
        longest = max((int(shifts.loc[s, "paid_minutes"]) for s in able), default=0)
        r = rules.get(("min_total_hours", ""))
        if r is not None and r.hard and len(free_days) * longest < round(r.limit * 60):
            problems.append(
                f"{row.staff_id} must work at least {r.limit:g} h but can work at most "
                f"{len(free_days) * longest / 60:g} h in {len(free_days)} available days"
            )
        for (name, s), r in rules.items():
            if name == "min_shifts_of_type" and r.hard and (len(free_days) < r.limit or s not in able):
                problems.append(
                    f"{row.staff_id} must work at least {r.limit:g} {s} shifts but has "
                    f"{len(free_days) if s in able else 0} days available for them"
                )
    return problems


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
    frame = pd.DataFrame(rows, columns=PENALTY_COLUMNS)
    if frame.empty:
        return frame
    frame["_d"] = frame["date"].map(lambda d: d or dt.date.min)
    frame = frame.sort_values(["cost", "rule", "staff", "_d"], ascending=[False, True, True, True])
    return frame.drop(columns="_d").reset_index(drop=True)


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
    return {
        "assignments": assignments,
        "rota": rota_table(inp, assignments),
        "penalties": penalty_table(values),
        "cover": cover_table(inp, assignments),
        "staff_summary": staff_summary(inp, assignments, penalty_table(values)),
        "changes": change_table(inp, assignments),
    }


def rota_table(inp: RosterInput, assignments: pd.DataFrame) -> pd.DataFrame:
    """The long table: one row per shift worked with local start and end datetimes."""
    tz = ZoneInfo(inp.timezone)
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
                "hours": int(sh["paid_minutes"]) / 60,
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
                "hours": float(kinds["paid_minutes"].sum()) / 60,
                "nights": int(kinds["night"].sum()),
                "weekends": len(weekend_days),
                "on_calls": int(kinds["on_call"].sum()),
                "leave_days": int(leave_days.get(s.staff_id, 0)),
                "contract_hours": s.contract_hours_week * inp.days / 7 - float(credit.get(s.staff_id, 0.0)),
                "requests_denied": int(denied.get(s.staff_id, 0)),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


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
