"""Independent checker of a rota: hard-rule breaches and the soft-penalty score, from the raw input.

Written from the rule definitions in :data:`models.roster.input.RULES` and the formulation in
:mod:`models.roster`'s docstring, run by run and day by day, without the model's build code:
only the input dataclass is imported. A test holds the two against each other (score equals the
solver's objective, no hard breach).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from models.roster.input import WEEKDAYS, RosterInput, parse_list, parse_time
from models.roster.parameters import RosterParameters

COLUMNS = ["rule", "staff", "date", "detail", "amount", "weight", "cost"]


@dataclass(frozen=True)
class RosterCheck:
    """``hard``: every hard requirement broken (rule, staff, date, detail, amount);
    ``penalties``: every soft penalty paid, in the plan's penalties layout; ``score`` their cost."""

    hard: pd.DataFrame
    penalties: pd.DataFrame
    score: int

    @property
    def feasible(self) -> bool:
        return self.hard.empty


def _instant(date: dt.date, minute: int, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of local wall-clock time ``date`` + ``minute`` minutes (naive, UTC)."""
    local = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute)
    return local.replace(tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)


def _ceil_hours(minutes: float) -> int:
    return math.ceil(max(minutes, 0) / 60 - 1e-9)


class _Person:
    """One person's known days: ``shift[d]`` for d in first..days-1 (None = off)."""

    def __init__(self, inp: RosterInput, first: int, shifts: dict[int, str]) -> None:
        self.first, self.last = first, inp.days - 1
        self.shift = {d: shifts.get(d) for d in range(first, inp.days)}

    def runs(self, flag: dict[int, bool]) -> list[tuple[int, int]]:
        """(start, end) of every run of True over the known days."""
        out, start = [], None
        for d in range(self.first, self.last + 2):
            on = flag.get(d, False) if d <= self.last else False
            if on and start is None:
                start = d
            elif not on and start is not None:
                out.append((start, d - 1))
                start = None
        return out


def check_roster(
    inp: RosterInput, assignments: pd.DataFrame, params: RosterParameters | None = None
) -> RosterCheck:
    """Check ``assignments`` (``staff_id``, ``date``, ``shift_id``) against ``inp`` under ``params``."""
    params = params or RosterParameters()
    found: list[
        tuple[str, str, object, str, int, bool, int]
    ] = []  # rule, staff, date, detail, amount, hard, weight

    def add(
        rule: str, staff: str, date: object, detail: str, amount: int, hard: bool, weight: int = 1
    ) -> None:
        if amount > 0:
            found.append((rule, staff, date, detail, int(amount), hard, weight))

    first_date, days = inp.first_date, inp.days
    shifts = {r.shift_id: r for r in inp.shifts.itertuples(index=False)}
    tz = ZoneInfo(inp.timezone)

    def span(d: int, s: str) -> tuple[dt.datetime, dt.datetime]:
        """Start and end (UTC) of shift s on day d: local start, local end = start + length on the clock."""
        begin = parse_time(shifts[s].start) or 0
        date = first_date + dt.timedelta(days=d)
        return _instant(date, begin, tz), _instant(date, begin + int(shifts[s].length_minutes), tz)

    def rest(d: int, a: str, e: int, b: str) -> float:
        """Minutes from the end of a on day d to the start of b on day e (elapsed)."""
        return (span(e, b)[0] - span(d, a)[1]).total_seconds() / 60

    def lasts(d: int, s: str) -> float:
        begin, end = span(d, s)
        return (end - begin).total_seconds() / 60

    def paid(d: int, s: str) -> float:
        """Paid minutes: the shift's, plus or minus the hour a clock change adds or takes."""
        return int(shifts[s].paid_minutes) + lasts(d, s) - int(shifts[s].length_minutes)

    staff = inp.staff.set_index("staff_id", drop=False)
    on: dict[str, dict[int, str]] = {s: {} for s in staff.index}
    for a in assignments.itertuples(index=False):
        date = pd.Timestamp(a.date).date()
        d = (date - first_date).days
        if a.staff_id not in on or a.shift_id not in shifts or not 0 <= d < days:
            add("invalid_assignment", str(a.staff_id), date, f"{a.shift_id}", 1, True)
        elif d in on[a.staff_id]:
            add("one_shift_a_day", a.staff_id, date, f"{on[a.staff_id][d]} and {a.shift_id}", 1, True)
        else:
            on[a.staff_id][d] = a.shift_id
    history_first = 0
    if inp.history is not None and not inp.history.empty:
        history_first = (min(inp.history["date"]) - first_date).days
    past: dict[str, dict[int, str]] = {s: {} for s in staff.index}
    for r in inp.history.itertuples(index=False):
        past[r.staff_id][(r.date - first_date).days] = r.shift_id

    def date_of(d: int) -> dt.date:
        return first_date + dt.timedelta(days=d)

    for r in inp.leave.itertuples(index=False):
        if (r.date - first_date).days in on[r.staff_id]:
            add("leave", r.staff_id, r.date, r.reason, 1, True)
    for r in inp.preassigned.itertuples(index=False):
        if on[r.staff_id].get((r.date - first_date).days) != r.shift_id:
            add("preassigned", r.staff_id, r.date, r.shift_id, 1, True)

    # cover; a shift may be worked only on a date with a cover row for it, unless it is fixed:
    # pre-assigned, or published before the first changeable date of a re-rostering
    demand = {(r.date, r.shift_id) for r in inp.cover.itertuples(index=False)}
    fixed = {(r.staff_id, r.date, r.shift_id) for r in inp.preassigned.itertuples(index=False)}
    kept_until = inp.first_changeable(params.change_from)
    if kept_until is not None:
        fixed |= {
            (r.staff_id, r.date, r.shift_id)
            for r in inp.published.itertuples(index=False)
            if r.date < kept_until
        }
    for s in on:
        for d, x in on[s].items():
            if (date_of(d), x) not in demand and (s, date_of(d), x) not in fixed:
                add("no_cover_row", s, date_of(d), f"{x} has no cover row that day", 1, True)
    skills = {s: set(parse_list(v)) for s, v in zip(staff.index, staff["skills"], strict=True)}
    for r in inp.cover.itertuples(index=False):
        d = (r.date - first_date).days
        n = sum(1 for s in on if on[s].get(d) == r.shift_id and (not r.skill or r.skill in skills[s]))
        detail = r.shift_id + (f" ({r.skill})" if r.skill else "")
        add("cover_minimum", "", r.date, detail, r.minimum - n, True)
        if r.maximum >= 0:
            add("cover_maximum", "", r.date, detail, n - r.maximum, True)
        add("under_cover", "", r.date, detail, r.preferred - n, False, r.under_weight)
        add("over_cover", "", r.date, detail, n - r.preferred, False, r.over_weight)

    # requests
    for r in inp.requests.itertuples(index=False):
        d = (r.date - first_date).days
        now = on[r.staff_id].get(d)
        hit = (now == r.shift_id) if r.shift_id else (now is not None)
        denied = not hit if r.kind == "on" else hit
        add(
            "shift_on_request" if r.kind == "on" else "shift_off_request",
            r.staff_id,
            r.date,
            r.shift_id or "day",
            int(denied),
            False,
            r.weight,
        )

    succession = {(r.first, r.second) for r in inp.forbidden_successions.itertuples(index=False)}
    credit = inp.leave.groupby("staff_id")["credit_hours"].sum().to_dict()
    weekend_count: dict[str, int] = {}
    nights_count: dict[str, int] = {}
    oncall_count: dict[str, int] = {}
    for s, row in staff.iterrows():
        rules = inp.rules_for(row["group"])
        person = _Person(inp, min(history_first, 0), {**past[s], **on[s]})
        seq = person.shift
        mine = [seq[d] for d in range(days) if seq[d]]
        fixed_off = parse_list(row["fixed_days_off"])
        for d in range(days):
            if seq[d] and WEEKDAYS[date_of(d).weekday()] in fixed_off:
                add("fixed_day_off", s, date_of(d), seq[d], 1, True)
        for d in range(person.first, days - 1):
            if d + 1 >= 0 and (seq[d], seq[d + 1]) in succession:
                add("forbidden_succession", s, date_of(d), f"{seq[d]} then {seq[d + 1]}", 1, True)
        nights_count[s] = sum(1 for x in mine if shifts[x].night)
        oncall_count[s] = sum(1 for x in mine if shifts[x].on_call)
        worked_weekends = []
        for d in range(days):
            date = date_of(d)
            if date.weekday() == 5 or (date.weekday() == 6 and d == 0):
                pair = [e for e in (d, d + 1 if date.weekday() == 5 else None) if e is not None and e < days]
                worked_weekends.append((d, any(seq[e] for e in pair), pair))
        weekend_count[s] = sum(w for _, w, _ in worked_weekends)

        for (name, shift), rule in rules.items():
            amounts: list[tuple[object, str, int]] = []  # date, detail, amount
            limit = rule.limit
            if name == "min_rest_hours":
                need = round(limit * 60)
                reach = math.ceil(need / 1440) + 2  # days after which no shift can be too close
                for d in range(person.first, days):
                    a = seq[d]
                    for e in range(max(d + 1, 0), min(days, d + reach + 1)) if a else ():
                        b = seq[e]
                        if b and rest(d, a, e, b) < need:
                            later = f" {e - d} days later" if e > d + 1 else ""
                            amounts.append((date_of(d), f"{a} then {b}{later}", 1))
            elif name in ("max_consecutive_days", "max_consecutive_nights"):
                flag = {
                    d: bool(seq[d]) and (name == "max_consecutive_days" or shifts[seq[d]].night) for d in seq
                }
                for a, b in person.runs(flag):
                    for d in range(max(a + int(limit), 0), b + 1):  # the (L+1)-th day of a run and later
                        amounts.append((date_of(d), "", 1))
            elif name in ("min_consecutive_days", "min_consecutive_days_off"):
                want = name == "min_consecutive_days"
                flag = {d: bool(seq[d]) == want for d in seq}
                need = math.ceil(limit)
                for a, b in person.runs(flag):
                    framed = a > person.first and b < person.last and b >= 0
                    if framed and b - a + 1 < need:
                        amounts.append((date_of(max(a, 0)), "", need - (b - a + 1)))
            elif name == "rest_after_nights_hours":
                need = round(limit * 60)
                for d in range(person.first, days - 1):
                    a = seq[d]
                    if not a or not shifts[a].night or (seq[d + 1] and shifts[seq[d + 1]].night):
                        continue
                    for e in range(d + 1, days):
                        b = seq[e]
                        if e >= 0 and b and rest(d, a, e, b) < need:
                            amounts.append((date_of(e), f"{b} after nights", 1))
            elif name == "max_hours_7_days":
                for j in range(person.first, max(person.first, days - 7) + 1):
                    window = [d for d in range(j, min(j + 7, days))]
                    if window[-1] < 0:
                        continue
                    minutes = sum(paid(d, seq[d]) for d in window if seq[d])
                    amounts.append((date_of(j), "", _ceil_hours(minutes - round(limit * 60))))
            elif name in (
                "max_average_weekly_hours",
                "contract_hours_tolerance",
                "max_total_hours",
                "min_total_hours",
            ):
                total = sum(paid(d, seq[d]) for d in range(days) if seq[d])
                if name == "max_average_weekly_hours":
                    amounts.append((None, "", _ceil_hours(total - math.floor(limit * 60 * days / 7 + 1e-6))))
                elif name == "max_total_hours":
                    amounts.append((None, "", _ceil_hours(total - round(limit * 60))))
                elif name == "min_total_hours":
                    amounts.append((None, "", _ceil_hours(round(limit * 60) - total)))
                elif row["contract_hours_week"] > 0:
                    target = row["contract_hours_week"] * 60 * days / 7 - 60 * credit.get(s, 0.0)
                    band = limit * 60 * days / 7
                    lo, hi = max(math.ceil(target - band - 1e-6), 0), math.floor(target + band + 1e-6)
                    amounts.append((None, "", _ceil_hours(lo - total) + _ceil_hours(total - hi)))
            elif name == "max_weekends":
                amounts.append((None, "", weekend_count[s] - int(limit)))
            elif name == "whole_weekends":
                for d, _, pair in worked_weekends:
                    if len(pair) == 2 and bool(seq[pair[0]]) != bool(seq[pair[1]]):
                        amounts.append((date_of(d), "one day of the weekend", 1))
            elif name == "max_shifts_of_type":
                amounts.append((None, shift, mine.count(shift) - int(limit)))
            elif name == "min_shifts_of_type":
                amounts.append((None, shift, int(limit) - mine.count(shift)))
            elif name == "max_shift_hours":
                amounts.append(
                    (None, "", sum(1 for d in range(days) if seq[d] and lasts(d, seq[d]) > limit * 60 + 1e-9))
                )
            elif name == "preferred_shifts":
                preferred = parse_list(row["preferred_shifts"])
                if preferred:
                    amounts.append((None, "", sum(1 for x in mine if x not in preferred)))
            for date, detail, amount in amounts:
                add(name, s, date, detail, amount, rule.hard, rule.weight)

    # fairness within groups
    for group, members in staff.groupby("group"):
        if len(members) < 2:
            continue
        rules = inp.rules_for(str(group))
        for name, counts in (
            ("fair_nights", nights_count),
            ("fair_weekends", weekend_count),
            ("fair_on_calls", oncall_count),
        ):
            rule = rules.get((name, ""))
            if rule is not None:
                values = [counts[s] for s in members.index]
                add(
                    name,
                    "",
                    None,
                    f"group {group}",
                    max(values) - min(values) - int(rule.limit),
                    rule.hard,
                    rule.weight,
                )

    # re-rostering
    if inp.published is not None and not inp.published.empty:
        before: dict[tuple[str, int], str] = {
            (r.staff_id, (r.date - first_date).days): r.shift_id
            for r in inp.published.itertuples(index=False)
        }
        changed = 0
        for s in staff.index:
            for d in range(days):
                if before.get((s, d)) != on[s].get(d):
                    changed += 1
                    add(
                        "change",
                        s,
                        date_of(d),
                        f"was {before.get((s, d)) or 'off'}",
                        1,
                        False,
                        params.change_weight,
                    )
        if params.max_changes is not None:
            add("max_changes", "", None, "", changed - params.max_changes, True)
        first = inp.first_changeable(params.change_from) or first_date
        for (s, d), was in before.items():
            if date_of(d) < first and on[s].get(d) != was:
                add("change_before_change_from", s, date_of(d), f"was {was}", 1, True)
        for s in staff.index:
            for d, now in on[s].items():
                if date_of(d) < first and (s, d) not in before:
                    add("change_before_change_from", s, date_of(d), f"was off, now {now}", 1, True)

    hard = pd.DataFrame([f[:5] for f in found if f[5]], columns=COLUMNS[:5])
    soft = pd.DataFrame(
        [(*f[:5], f[6], f[4] * f[6]) for f in found if not f[5] and f[6] > 0], columns=COLUMNS
    )
    return RosterCheck(hard=hard, penalties=soft, score=int(soft["cost"].sum()) if len(soft) else 0)
