"""The rota checker's view of a rota, and its per-person rule checks, one function per rule.

:class:`Rota` holds the raw input and who works what on which day (with the shift clock: start,
end, length and paid minutes of a shift on a day, in UTC across clock changes); :class:`Person` one
person's known days, the previous rota's included; :class:`Findings` every breach found. The rule
checks are written from the rule definitions in :data:`models.roster.input.RULES`, without the
model's build code; :func:`check_person` runs them for one person.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Collection
from zoneinfo import ZoneInfo

import pandas as pd

from models.common.words import count
from models.roster.input import WEEKDAYS, RosterInput, parse_list, parse_time

Amount = tuple[object, str, int]
"""One breach of a rule by one person: date (None for the whole horizon), detail, amount."""


def _instant(date: dt.date, minute: int, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of local wall-clock time ``date`` + ``minute`` minutes (naive, UTC)."""
    local = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute)
    return local.replace(tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)


def _ceil_hours(minutes: float) -> int:
    """Whole hours, rounded up, in ``minutes`` (0 when negative)."""
    return math.ceil(max(minutes, 0) / 60 - 1e-9)


class Findings:
    """Every breach found: rule, staff, date, detail, amount, hard, weight (in the order found)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, object, str, int, bool, int]] = []

    def add(
        self, rule: str, staff: str, date: object, detail: str, amount: int, hard: bool, weight: int = 1
    ) -> None:
        """Record a breach of ``amount`` (nothing when ``amount`` <= 0)."""
        if amount > 0:
            self.rows.append((rule, staff, date, detail, int(amount), hard, weight))


class Rota:
    """The input and the rota under check: ``on[staff][day]`` is the shift worked (days 0..days-1),
    ``past[staff][day]`` the previous rota's (negative days); reading the assignments records the
    invalid and doubled ones in ``found``."""

    def __init__(
        self, inp: RosterInput, assignments: pd.DataFrame, found: Findings, reference_weeks: int
    ) -> None:
        self.inp, self.first_date, self.days = inp, inp.first_date, inp.days
        self.reference_weeks = reference_weeks  # of max_average_weekly_hours
        self.shifts = {r.shift_id: r for r in inp.shifts.itertuples(index=False)}
        self.tz = ZoneInfo(inp.timezone)
        assert inp.forbidden_successions is not None and inp.history is not None  # filled by RosterInput
        self.successions = {(r.first, r.second) for r in inp.forbidden_successions.itertuples(index=False)}
        self.staff = inp.staff.set_index("staff_id", drop=False)
        self.on: dict[str, dict[int, str]] = {s: {} for s in self.staff.index}
        for a in assignments.itertuples(index=False):
            date = pd.Timestamp(a.date).date()
            d = (date - self.first_date).days
            if a.staff_id not in self.on or a.shift_id not in self.shifts or not 0 <= d < self.days:
                found.add("invalid_assignment", str(a.staff_id), date, f"{a.shift_id}", 1, True)
            elif d in self.on[a.staff_id]:
                found.add(
                    "one_shift_a_day", a.staff_id, date, f"{self.on[a.staff_id][d]} and {a.shift_id}", 1, True
                )
            else:
                self.on[a.staff_id][d] = a.shift_id
        self.history_first = 0
        if inp.history is not None and not inp.history.empty:
            self.history_first = (min(inp.history["date"]) - self.first_date).days
        self.past: dict[str, dict[int, str]] = {s: {} for s in self.staff.index}
        for r in inp.history.itertuples(index=False):
            self.past[r.staff_id][(r.date - self.first_date).days] = r.shift_id
        # each (day, shift)'s span, worked out once: a year's rota asks for them millions of times
        self._spans: dict[tuple[int, str], tuple[dt.datetime, dt.datetime]] = {}
        self._paid: dict[tuple[int, str], float] = {}

    def day(self, date: dt.date) -> int:
        """The day number of ``date`` (0 = the first date)."""
        return (date - self.first_date).days

    def date_of(self, d: int) -> dt.date:
        """The date of day ``d``."""
        return self.first_date + dt.timedelta(days=d)

    def span(self, d: int, s: str) -> tuple[dt.datetime, dt.datetime]:
        """Start and end (UTC) of shift s on day d: local start, local end = start + length on the clock."""
        key = (d, s)
        if key not in self._spans:
            begin = parse_time(self.shifts[s].start) or 0
            date = self.date_of(d)
            self._spans[key] = (
                _instant(date, begin, self.tz),
                _instant(date, begin + int(self.shifts[s].length_minutes), self.tz),
            )
        return self._spans[key]

    def rest(self, d: int, a: str, e: int, b: str) -> float:
        """Minutes from the end of a on day d to the start of b on day e (elapsed)."""
        return (self.span(e, b)[0] - self.span(d, a)[1]).total_seconds() / 60

    def lasts(self, d: int, s: str) -> float:
        """Elapsed minutes of shift s on day d."""
        begin, end = self.span(d, s)
        return (end - begin).total_seconds() / 60

    def paid(self, d: int, s: str) -> float:
        """Paid minutes: the shift's, plus or minus the hour a clock change adds or takes."""
        key = (d, s)
        if key not in self._paid:
            shift = self.shifts[s]
            self._paid[key] = int(shift.paid_minutes) + self.lasts(d, s) - int(shift.length_minutes)
        return self._paid[key]


class Person:
    """One person's known days: ``shift[d]`` for d in first..days-1 (None = off), the previous
    rota's days first; ``mine`` the shifts worked in the horizon; ``weekends`` each weekend of the
    horizon (first day, worked, its days)."""

    def __init__(self, rota: Rota, staff_id: str, row: pd.Series, credit_hours: float) -> None:
        self.staff_id, self.row, self.credit_hours = staff_id, row, credit_hours
        shifts = {**rota.past[staff_id], **rota.on[staff_id]}
        self.first, self.last = min(rota.history_first, 0), rota.days - 1
        self.shift = {d: shifts.get(d) for d in range(self.first, rota.days)}
        self.mine = [self.shift[d] for d in range(rota.days) if self.shift[d]]
        self.weekends: list[tuple[int, bool, list[int]]] = []
        for d in range(rota.days):
            date = rota.date_of(d)
            if date.weekday() == 5 or (date.weekday() == 6 and d == 0):
                pair = [
                    e for e in (d, d + 1 if date.weekday() == 5 else None) if e is not None and e < rota.days
                ]
                self.weekends.append((d, any(self.shift[e] for e in pair), pair))

    def count(self, rota: Rota, flag: str) -> int:
        """Shifts worked in the horizon whose ``flag`` column (``night``, ``on_call``) is set."""
        return sum(1 for x in self.mine if getattr(rota.shifts[x], flag))

    def weekends_worked(self) -> int:
        """Weekends of the horizon with a shift on either day."""
        return sum(w for _, w, _ in self.weekends)

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


def _min_rest(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Each pair of shifts, the second starting less than ``limit`` hours after the first ends."""
    seq, out = p.shift, list[Amount]()
    need = round(limit * 60)
    reach = math.ceil(need / 1440) + 2  # days after which no shift can be too close
    for d in range(p.first, rota.days):
        a = seq[d]
        if not a:
            continue
        for e in range(max(d + 1, 0), min(rota.days, d + reach + 1)):
            b = seq[e]
            if b and rota.rest(d, a, e, b) < need:
                later = f" {e - d} days later" if e > d + 1 else ""
                out.append((rota.date_of(d), f"{a} then {b}{later}", 1))
    return out


def _long_runs(rota: Rota, p: Person, limit: float, nights: bool) -> list[Amount]:
    """Each day worked (each night when ``nights``) beyond the ``limit``-th of a run."""
    seq = p.shift
    flag = {d: bool(seq[d]) and (not nights or rota.shifts[seq[d]].night) for d in seq}
    out: list[Amount] = []
    for a, b in p.runs(flag):
        for d in range(max(a + int(limit), 0), b + 1):  # the (L+1)-th day of a run and later
            out.append((rota.date_of(d), "", 1))
    return out


def _short_runs(rota: Rota, p: Person, limit: float, working: bool) -> list[Amount]:
    """Days missing from each run of days worked (days off unless ``working``) shorter than
    ``limit``, for runs framed on both sides within the known days."""
    flag = {d: bool(p.shift[d]) == working for d in p.shift}
    need = math.ceil(limit)
    out: list[Amount] = []
    for a, b in p.runs(flag):
        framed = a > p.first and b < p.last and b >= 0
        if framed and b - a + 1 < need:
            out.append((rota.date_of(max(a, 0)), "", need - (b - a + 1)))
    return out


def _rest_after_nights(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Each shift starting less than ``limit`` hours after the last night of a run of nights."""
    seq, out = p.shift, list[Amount]()
    need = round(limit * 60)
    for d in range(p.first, rota.days - 1):
        a = seq[d]
        if not a or not rota.shifts[a].night or (seq[d + 1] and rota.shifts[seq[d + 1]].night):
            continue
        for e in range(d + 1, rota.days):
            b = seq[e]
            if e >= 0 and b and rota.rest(d, a, e, b) < need:
                out.append((rota.date_of(e), f"{b} after nights", 1))
    return out


def _hours_7_days(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Paid hours over ``limit`` in each window of 7 days that reaches the horizon."""
    seq, out = p.shift, list[Amount]()
    for j in range(p.first, max(p.first, rota.days - 7) + 1):
        window = [d for d in range(j, min(j + 7, rota.days))]
        if window[-1] < 0:
            continue
        minutes = sum(rota.paid(d, x) for d in window if (x := seq[d]))
        out.append((rota.date_of(j), "", _ceil_hours(minutes - round(limit * 60))))
    return out


def _total_minutes(rota: Rota, p: Person) -> float:
    """Paid minutes worked over the horizon."""
    return sum(rota.paid(d, x) for d in range(rota.days) if (x := p.shift[d]))


def _average_weekly_hours(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Paid hours over ``limit`` a week on average over each reference period of
    ``rota.reference_weeks`` weeks (every run of that many consecutive days of the horizon, by
    its first date), or over the horizon when it is no longer than one."""
    period = 7 * rota.reference_weeks
    if rota.days <= period:
        total = _total_minutes(rota, p)
        return [(None, "", _ceil_hours(total - math.floor(limit * 60 * rota.days / 7 + 1e-6)))]
    before = [0, *itertools.accumulate(rota.paid(d, x) if (x := p.shift[d]) else 0 for d in range(rota.days))]
    cap = math.floor(limit * 60 * period / 7 + 1e-6)
    detail = f"{count(rota.reference_weeks, 'week')} from this date"
    out: list[Amount] = []
    for start in range(rota.days - period + 1):
        minutes = before[start + period] - before[start]
        if minutes > cap:
            out.append((rota.date_of(start), detail, _ceil_hours(minutes - cap)))
    return out


def _contract_hours(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Paid hours outside the contract's hours (less leave credit) plus or minus ``limit`` a week."""
    if not p.row["contract_hours_week"] > 0:
        return []
    total = _total_minutes(rota, p)
    target = p.row["contract_hours_week"] * 60 * rota.days / 7 - 60 * p.credit_hours
    band = limit * 60 * rota.days / 7
    lo, hi = max(math.ceil(target - band - 1e-6), 0), math.floor(target + band + 1e-6)
    return [(None, "", _ceil_hours(lo - total) + _ceil_hours(total - hi))]


def _max_total_hours(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Paid hours over ``limit`` in the horizon."""
    return [(None, "", _ceil_hours(_total_minutes(rota, p) - round(limit * 60)))]


def _min_total_hours(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Paid hours short of ``limit`` in the horizon."""
    return [(None, "", _ceil_hours(round(limit * 60) - _total_minutes(rota, p)))]


def _whole_weekends(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Each weekend worked on one day of the two."""
    return [
        (rota.date_of(d), "one day of the weekend", 1)
        for d, _, pair in p.weekends
        if len(pair) == 2 and bool(p.shift[pair[0]]) != bool(p.shift[pair[1]])
    ]


def _max_shift_hours(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Shifts lasting more than ``limit`` hours."""
    seq = p.shift
    return [
        (None, "", sum(1 for d in range(rota.days) if (x := seq[d]) and rota.lasts(d, x) > limit * 60 + 1e-9))
    ]


def _preferred_shifts(rota: Rota, p: Person, limit: float, shift: str) -> list[Amount]:
    """Shifts worked that are not among the person's preferred shifts (when any are named)."""
    preferred = parse_list(p.row["preferred_shifts"])
    return [(None, "", sum(1 for x in p.mine if x not in preferred))] if preferred else []


RuleCheck = Callable[[Rota, Person, float, str], list[Amount]]

RULE_CHECKS: dict[str, RuleCheck] = {
    "min_rest_hours": _min_rest,
    "max_consecutive_days": lambda rota, p, limit, shift: _long_runs(rota, p, limit, nights=False),
    "max_consecutive_nights": lambda rota, p, limit, shift: _long_runs(rota, p, limit, nights=True),
    "min_consecutive_days": lambda rota, p, limit, shift: _short_runs(rota, p, limit, working=True),
    "min_consecutive_days_off": lambda rota, p, limit, shift: _short_runs(rota, p, limit, working=False),
    "rest_after_nights_hours": _rest_after_nights,
    "max_hours_7_days": _hours_7_days,
    "max_average_weekly_hours": _average_weekly_hours,
    "contract_hours_tolerance": _contract_hours,
    "max_total_hours": _max_total_hours,
    "min_total_hours": _min_total_hours,
    "max_weekends": lambda rota, p, limit, shift: [(None, "", p.weekends_worked() - int(limit))],
    "whole_weekends": _whole_weekends,
    "max_shifts_of_type": lambda rota, p, limit, shift: [(None, shift, p.mine.count(shift) - int(limit))],
    "min_shifts_of_type": lambda rota, p, limit, shift: [(None, shift, int(limit) - p.mine.count(shift))],
    "max_shift_hours": _max_shift_hours,
    "preferred_shifts": _preferred_shifts,
}
"""The check of each per-person rule by name: (rota, person, limit, shift) -> breaches."""


def _fixed_days_off(rota: Rota, p: Person, found: Findings) -> None:
    """Record each shift worked on one of the person's fixed weekdays off."""
    fixed_off = parse_list(p.row["fixed_days_off"])
    for d in range(rota.days):
        if (x := p.shift[d]) and WEEKDAYS[rota.date_of(d).weekday()] in fixed_off:
            found.add("fixed_day_off", p.staff_id, rota.date_of(d), x, 1, True)


def _forbidden_successions(rota: Rota, p: Person, found: Findings) -> None:
    """Record each shift followed the next day by one it may not be (the previous rota's included)."""
    seq = p.shift
    for d in range(p.first, rota.days - 1):
        if d + 1 >= 0 and (seq[d], seq[d + 1]) in rota.successions:
            found.add(
                "forbidden_succession", p.staff_id, rota.date_of(d), f"{seq[d]} then {seq[d + 1]}", 1, True
            )


def check_hard_rules(rota: Rota, p: Person, rules: dict, names: Collection[str], found: Findings) -> None:
    """Record ``p``'s breaches of the hard ``rules`` (their group's, :meth:`RosterInput.rules_for`)
    named in ``names``, and of the forbidden successions when ``forbidden_succession`` is named:
    the check of a part of a rota, such as its fixed shifts."""
    if "forbidden_succession" in names:
        _forbidden_successions(rota, p, found)
    for (name, shift), rule in rules.items():
        check = RULE_CHECKS.get(name)
        if rule.hard and name in names and check is not None:
            for date, detail, amount in check(rota, p, rule.limit, shift):
                found.add(name, p.staff_id, date, detail, amount, True, rule.weight)


def check_person(rota: Rota, p: Person, found: Findings) -> None:
    """Record every breach of ``p``'s fixed days off, successions and their group's rules."""
    _fixed_days_off(rota, p, found)
    _forbidden_successions(rota, p, found)
    for (name, shift), rule in rota.inp.rules_for(p.row["group"]).items():
        check = RULE_CHECKS.get(name)
        for date, detail, amount in check(rota, p, rule.limit, shift) if check else ():
            found.add(name, p.staff_id, date, detail, amount, rule.hard, rule.weight)
