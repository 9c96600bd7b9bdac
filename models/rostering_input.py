"""Input of the detailed-rota model: a validated, frozen :class:`RosterInput` and its rule vocabulary.

The maths is in :mod:`models.rostering`; this module only says what the data mean and refuses
data that cannot mean anything (``ValueError`` naming the table, the row and what is wrong).
Tables are normalised on construction (optional columns filled with their defaults, dates made
``datetime.date``, ids made ``str``) into new frames; the caller's frames are never modified.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ALL_GROUPS = "*"


@dataclass(frozen=True)
class RuleSpec:
    """One named rule: what its ``limit`` means and what one unit of its penalty is."""

    name: str
    limit_unit: str
    penalty_unit: str
    per_shift: bool = False
    description: str = ""


_SPECS = (
    RuleSpec("min_rest_hours", "hours", "pair of shifts too close", False,
             "least rest between the end of one shift and the start of the next (across midnight)"),
    RuleSpec("max_consecutive_days", "days", "day beyond the limit", False, "most consecutive working days"),
    RuleSpec("min_consecutive_days", "days", "day short of the limit", False,
             "least length of a run of working days (runs touching the known days' edges exempt)"),
    RuleSpec("min_consecutive_days_off", "days", "day short of the limit", False,
             "least length of a run of days off (runs touching the known days' edges exempt)"),
    RuleSpec("max_consecutive_nights", "nights", "night beyond the limit", False, "most consecutive night shifts"),
    RuleSpec("rest_after_nights_hours", "hours", "shift starting too soon", False,
             "least time off between the end of a block of nights and the next shift"),
    RuleSpec("max_hours_7_days", "hours", "started hour beyond the limit, per window", False,
             "most paid hours in any 7 consecutive days (by shift start date)"),
    RuleSpec("max_average_weekly_hours", "hours a week", "started hour beyond the limit", False,
             "most paid hours a week on average over the horizon"),
    RuleSpec("contract_hours_tolerance", "hours a week", "started hour outside the band", False,
             "average weekly hours (worked + leave credit) within this of the contract; contract 0 exempt"),
    RuleSpec("max_total_hours", "hours", "started hour beyond the limit", False, "most paid hours over the horizon"),
    RuleSpec("min_total_hours", "hours", "started hour short of the limit", False,
             "least paid hours over the horizon"),
    RuleSpec("max_weekends", "weekends", "weekend beyond the limit", False,
             "most weekends worked (any shift on the Saturday or Sunday) in the horizon"),
    RuleSpec("whole_weekends", "-", "weekend with only one day worked", False,
             "work both days of a weekend or neither (weekends wholly inside the horizon)"),
    RuleSpec("max_shifts_of_type", "shifts", "shift beyond the limit", True, "most shifts of one type"),
    RuleSpec("min_shifts_of_type", "shifts", "shift short of the limit", True, "least shifts of one type"),
    RuleSpec("max_shift_hours", "hours", "shift longer than the limit", False,
             "no shift type longer than this (hard: such shifts are never assigned)"),
    RuleSpec("preferred_shifts", "-", "shift outside the person's preferred shifts", False,
             "work only the shift types listed in the staff table's preferred_shifts"),
    RuleSpec("fair_nights", "nights", "unit of spread beyond the limit", False,
             "spread (most - least) of night shifts within the group"),
    RuleSpec("fair_weekends", "weekends", "unit of spread beyond the limit", False,
             "spread of weekends worked within the group"),
    RuleSpec("fair_on_calls", "shifts", "unit of spread beyond the limit", False,
             "spread of on-call shifts within the group"),
)
RULES: dict[str, RuleSpec] = {s.name: s for s in _SPECS}
"""The rule vocabulary of the rules table, by name."""


@dataclass(frozen=True)
class Rule:
    """One rule as it applies to a staff group."""

    name: str
    limit: float
    hard: bool
    weight: int
    shift: str = ""


@dataclass(frozen=True)
class RosterParameters:
    """Figures of the rota model that are not per-group rules.

    Attributes
    ----------
    change_weight : int
        Penalty per assignment changed against the published rota (re-rostering; default 10).
    max_changes : int or None
        Hard limit on assignments changed against the published rota (None: no limit).
    hard_violation_weight : int
        Weight of one unit of a hard rule's violation in the elastic re-solve that explains an
        infeasible instance (default 1; every hard rule counts alike).
    timezone : str
        Time zone of the shift times, for the rota's start and end datetimes (Europe/London).
    """

    change_weight: int = 10
    max_changes: int | None = None
    hard_violation_weight: int = 1
    timezone: str = "Europe/London"


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


# Table -> {column: default}; a default of ... marks a required column.
STAFF_COLUMNS = {"staff_id": ..., "name": "", "group": "staff", "skills": "", "contract_hours_week": 0.0,
                 "fixed_days_off": "", "preferred_shifts": ""}
SHIFT_COLUMNS = {"shift_id": ..., "start": "", "length_minutes": ..., "paid_minutes": -1, "night": False,
                 "on_call": False, "name": ""}
COVER_COLUMNS = {"date": ..., "shift_id": ..., "skill": "", "minimum": 0, "preferred": ..., "maximum": -1,
                 "under_weight": 1, "over_weight": 0}
LEAVE_COLUMNS = {"staff_id": ..., "date": ..., "reason": "leave", "credit_hours": 0.0}
ASSIGNMENT_COLUMNS = {"staff_id": ..., "date": ..., "shift_id": ...}
REQUEST_COLUMNS = {"staff_id": ..., "date": ..., "shift_id": "", "kind": ..., "weight": ...}
SUCCESSION_COLUMNS = {"first": ..., "second": ...}
RULE_COLUMNS = {"group": ALL_GROUPS, "rule": ..., "shift": "", "limit": 0.0, "hard": True, "weight": 1}


def empty_table(columns: dict[str, Any]) -> pd.DataFrame:
    """An empty table with the given columns (for optional inputs)."""
    return _frame(columns)


def parse_list(text: object) -> tuple[str, ...]:
    """``"a|b"`` -> ``("a", "b")``; blanks and NaN -> ``()``."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ()
    return tuple(p.strip() for p in str(text).split("|") if p.strip())


def parse_time(text: object) -> int | None:
    """``"HH:MM"`` -> minutes after midnight; blank -> None (start unknown)."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or str(text).strip() == "":
        return None
    if isinstance(text, dt.time):
        return text.hour * 60 + text.minute
    parts = str(text).strip().split(":")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        raise ValueError(f"shift start {text!r} is not a time HH:MM")
    hours, minutes = int(parts[0]), int(parts[1])
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"shift start {text!r} is not a time of day")
    return hours * 60 + minutes


def _to_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(value).date()  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {value!r} is not a date") from exc


def _normalise(table: pd.DataFrame | None, columns: dict[str, Any], name: str) -> pd.DataFrame:
    """A copy of ``table`` with exactly ``columns`` (defaults filled), or ValueError."""
    if table is None:
        return _frame(columns)
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"{name}: expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c, d in columns.items() if d is ... and c not in table.columns]
    if missing and len(table):
        raise ValueError(f"{name}: missing required column(s) {', '.join(missing)}")
    out = pd.DataFrame(index=range(len(table)))
    for column, default in columns.items():
        if column in table.columns:
            values = table[column].tolist()
            if default is not ...:
                values = [default if _blank(v) else v for v in values]
            out[column] = pd.Series(values, dtype=object)
        else:
            out[column] = pd.Series([None if default is ... else default] * len(table), dtype=object)
    return out


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NaT or (isinstance(value, str) and value.strip() == "")


def _ints(frame: pd.DataFrame, column: str, name: str, minimum: int | None = 0) -> None:
    values = []
    for row, v in enumerate(frame[column].tolist()):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{name}, row {row + 1}: {column} {v!r} is not a number") from None
        if not math.isfinite(f) or f != int(f):
            raise ValueError(f"{name}, row {row + 1}: {column} {v!r} must be a whole number")
        if minimum is not None and f < minimum:
            raise ValueError(f"{name}, row {row + 1}: {column} {v!r} must be at least {minimum}")
        values.append(int(f))
    frame[column] = pd.Series(values, dtype=object)


def _strs(frame: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        frame[column] = pd.Series([str(v).strip() for v in frame[column].tolist()], dtype=object)


def _bools(frame: pd.DataFrame, column: str, name: str) -> None:
    out = []
    for row, v in enumerate(frame[column].tolist()):
        if isinstance(v, bool):
            out.append(v)
        elif str(v).strip().lower() in ("true", "yes", "y", "1", "t", "1.0"):
            out.append(True)
        elif str(v).strip().lower() in ("false", "no", "n", "0", "f", "0.0", ""):
            out.append(False)
        else:
            raise ValueError(f"{name}, row {row + 1}: {column} {v!r} is not true/false")
    frame[column] = pd.Series(out, dtype=object)


def _dates(frame: pd.DataFrame, name: str) -> None:
    frame["date"] = pd.Series([_to_date(v, f"{name}, row {i + 1}") for i, v in enumerate(frame["date"])],
                              dtype=object)


def _known(frame: pd.DataFrame, column: str, known: Iterable[str], name: str, what: str) -> None:
    known = set(known)
    for row, v in enumerate(frame[column].tolist()):
        if v not in known:
            raise ValueError(f"{name}, row {row + 1}: unknown {what} {v!r}")


@dataclass(frozen=True)
class RosterInput:
    """A validated detailed-rota instance.

    staff : ``staff_id`` (unique), ``name``, ``group`` (rule group, default ``staff``), ``skills``
        (``"a|b"``), ``contract_hours_week``, ``fixed_days_off`` (weekdays ``"Sat|Sun"``, never
        rostered), ``preferred_shifts`` (shift ids ``"E|L"``; see rule ``preferred_shifts``).
    shifts : ``shift_id``, ``start`` (``"HH:MM"`` local time; blank when unknown, allowed only
        if no rule needs times), ``length_minutes``, ``paid_minutes`` (default the length),
        ``night``, ``on_call`` (bool), ``name``.
    first_date, days : the horizon, ``days`` dates from ``first_date``.
    cover : per ``date``, ``shift_id`` and ``skill`` (blank: anyone): ``minimum`` and ``maximum``
        (hard; maximum -1: none) and ``preferred`` with ``under_weight``/``over_weight`` per
        person short of/above it. :func:`weekly_cover` expands a weekday pattern.
    rules : ``group`` (``*``: every group; a named group's row overrides it), ``rule`` (one of
        :data:`RULES`), ``shift`` (for per-shift-type rules), ``limit``, ``hard``, ``weight``
        (per penalty unit, for soft rules).
    leave : ``staff_id``, ``date``, ``reason``, ``credit_hours`` (counted towards the contract);
        never rostered. Dates outside the horizon are ignored.
    preassigned : ``staff_id``, ``date``, ``shift_id``: fixed assignments.
    requests : ``staff_id``, ``date``, ``shift_id`` (blank: any shift, i.e. the whole day),
        ``kind`` (``on`` or ``off``), ``weight`` paid if the request is denied.
    history : the previous rota's last days (``staff_id``, ``date`` before ``first_date``,
        ``shift_id``); every listed staff member is off on the history dates not listed.
    forbidden_successions : ``first``, ``second``: shift ``second`` may not follow ``first`` on
        the next day (hard), besides those derived from ``min_rest_hours``.
    published : the published rota (``staff_id``, ``date``, ``shift_id``) for re-rostering;
        staff on dates not listed were off.
    """

    staff: pd.DataFrame
    shifts: pd.DataFrame
    first_date: dt.date
    days: int
    cover: pd.DataFrame
    rules: pd.DataFrame
    leave: pd.DataFrame | None = None
    preassigned: pd.DataFrame | None = None
    requests: pd.DataFrame | None = None
    history: pd.DataFrame | None = None
    forbidden_successions: pd.DataFrame | None = None
    published: pd.DataFrame | None = None
    parameters: RosterParameters = field(default_factory=RosterParameters)
    name: str = "roster"

    def __post_init__(self) -> None:
        if isinstance(self.first_date, dt.datetime) or not isinstance(self.first_date, dt.date):
            raise ValueError(f"first_date must be a datetime.date, got {self.first_date!r}")
        if not isinstance(self.days, int) or self.days < 1:
            raise ValueError(f"days must be a positive whole number, got {self.days!r}")
        tables = _validate(self)
        for key, value in tables.items():
            object.__setattr__(self, key, value)

    # ---- derived facts -------------------------------------------------------------------
    @property
    def dates(self) -> list[dt.date]:
        return [self.first_date + dt.timedelta(days=d) for d in range(self.days)]

    @property
    def last_date(self) -> dt.date:
        return self.first_date + dt.timedelta(days=self.days - 1)

    def day_index(self, date: dt.date) -> int:
        """Position of ``date`` in the horizon (negative before it)."""
        return (date - self.first_date).days

    def weekends(self) -> list[tuple[int | None, int | None]]:
        """(Saturday, Sunday) day indices of every weekend touching the horizon; None when outside."""
        out = []
        for d in range(self.days):
            date = self.first_date + dt.timedelta(days=d)
            if date.weekday() == 5:
                out.append((d, d + 1 if d + 1 < self.days else None))
            elif date.weekday() == 6 and d == 0:
                out.append((None, 0))
        return out

    def history_days(self) -> int:
        """How many days before ``first_date`` the history covers (0 without history)."""
        if self.history is None or self.history.empty:
            return 0
        return (self.first_date - min(self.history["date"])).days

    def rules_for(self, group: str) -> dict[tuple[str, str], Rule]:
        """Rules applying to ``group`` keyed by (rule, shift); a group's own row overrides ``*``."""
        out: dict[tuple[str, str], Rule] = {}
        assert self.rules is not None
        for scope in (ALL_GROUPS, group):
            for r in self.rules[self.rules["group"] == scope].itertuples(index=False):
                out[(r.rule, r.shift)] = Rule(r.rule, float(r.limit), bool(r.hard), int(r.weight), r.shift)
        return out


def _validate(inp: RosterInput) -> dict[str, pd.DataFrame]:
    staff = _normalise(inp.staff, STAFF_COLUMNS, "staff")
    if staff.empty:
        raise ValueError("staff: the table is empty; a rota needs at least one person")
    _strs(staff, "staff_id", "group", "skills", "fixed_days_off", "preferred_shifts")
    staff["name"] = [n if str(n).strip() else s for n, s in zip(staff["name"], staff["staff_id"], strict=True)]
    dup = staff["staff_id"][staff["staff_id"].duplicated()].tolist()
    if dup:
        raise ValueError(f"staff: staff_id {dup[0]!r} appears more than once")
    for row, (c, days) in enumerate(zip(staff["contract_hours_week"], staff["fixed_days_off"], strict=True)):
        try:
            ok = math.isfinite(float(c)) and float(c) >= 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"staff, row {row + 1}: contract_hours_week {c!r} must be a number >= 0")
        bad = [d for d in parse_list(days) if d not in WEEKDAYS]
        if bad:
            raise ValueError(f"staff, row {row + 1}: fixed_days_off {bad[0]!r} is not one of {', '.join(WEEKDAYS)}")
    staff["contract_hours_week"] = staff["contract_hours_week"].astype(float)

    shifts = _normalise(inp.shifts, SHIFT_COLUMNS, "shifts")
    if shifts.empty:
        raise ValueError("shifts: the table is empty; define at least one shift type")
    _strs(shifts, "shift_id", "start", "name")
    if shifts["shift_id"].duplicated().any():
        raise ValueError(f"shifts: shift_id {shifts['shift_id'][shifts['shift_id'].duplicated()].iloc[0]!r} "
                         "appears more than once")
    _ints(shifts, "length_minutes", "shifts", minimum=1)
    _ints(shifts, "paid_minutes", "shifts", minimum=-1)
    shifts["paid_minutes"] = [lm if p < 0 else p for p, lm in zip(shifts["paid_minutes"], shifts["length_minutes"],
                                                                    strict=True)]
    _bools(shifts, "night", "shifts")
    _bools(shifts, "on_call", "shifts")
    for row, start in enumerate(shifts["start"]):
        try:
            parse_time(start)
        except ValueError as exc:
            raise ValueError(f"shifts, row {row + 1}: {exc}") from None
    for row, prefs in enumerate(staff["preferred_shifts"]):
        bad = [s for s in parse_list(prefs) if s not in set(shifts["shift_id"])]
        if bad:
            raise ValueError(f"staff, row {row + 1}: preferred shift {bad[0]!r} is not a shift type")
    staff_ids, shift_ids = set(staff["staff_id"]), set(shifts["shift_id"])
    first, last = inp.first_date, inp.first_date + dt.timedelta(days=inp.days - 1)

    def in_horizon(frame: pd.DataFrame, name: str) -> None:
        for row, d in enumerate(frame["date"]):
            if not first <= d <= last:
                raise ValueError(f"{name}, row {row + 1}: date {d} is outside the horizon {first} to {last}")

    cover = _normalise(inp.cover, COVER_COLUMNS, "cover")
    _strs(cover, "shift_id", "skill")
    _dates(cover, "cover")
    in_horizon(cover, "cover")
    _known(cover, "shift_id", shift_ids, "cover", "shift")
    for column in ("minimum", "preferred", "under_weight", "over_weight"):
        _ints(cover, column, "cover")
    _ints(cover, "maximum", "cover", minimum=-1)
    for row, (lo, pref, hi) in enumerate(zip(cover["minimum"], cover["preferred"], cover["maximum"], strict=True)):
        if hi >= 0 and lo > hi:
            raise ValueError(f"cover, row {row + 1}: minimum {lo} is above maximum {hi}")
        if pref < lo or (hi >= 0 and pref > hi):
            raise ValueError(f"cover, row {row + 1}: preferred {pref} is outside minimum {lo} .. maximum {hi}")
    key = cover[["date", "shift_id", "skill"]].astype(str).apply("/".join, axis=1)
    if key.duplicated().any():
        raise ValueError(f"cover: date/shift/skill {key[key.duplicated()].iloc[0]} appears more than once")

    rules = _normalise(inp.rules, RULE_COLUMNS, "rules")
    _strs(rules, "group", "rule", "shift")
    _bools(rules, "hard", "rules")
    _ints(rules, "weight", "rules")
    groups = set(staff["group"])
    for row, r in enumerate(rules.itertuples(index=False)):
        where = f"rules, row {row + 1}"
        if r.rule not in RULES:
            raise ValueError(f"{where}: unknown rule {r.rule!r}; known rules: {', '.join(RULES)}")
        if r.group != ALL_GROUPS and r.group not in groups:
            raise ValueError(f"{where}: group {r.group!r} has no staff (groups: {', '.join(sorted(groups))})")
        if RULES[r.rule].per_shift and r.shift not in shift_ids:
            raise ValueError(f"{where}: rule {r.rule!r} needs a known shift type in column 'shift', got {r.shift!r}")
        if not RULES[r.rule].per_shift and r.shift:
            raise ValueError(f"{where}: rule {r.rule!r} does not take a shift type")
        try:
            limit = float(r.limit)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: limit {r.limit!r} is not a number") from None
        if not math.isfinite(limit) or limit < 0:
            raise ValueError(f"{where}: limit {r.limit!r} must be a number >= 0")
    rules["limit"] = rules["limit"].astype(float)
    key = rules[["group", "rule", "shift"]].apply("/".join, axis=1)
    if key.duplicated().any():
        raise ValueError(f"rules: group/rule/shift {key[key.duplicated()].iloc[0]} appears more than once")
    needs_times = {"min_rest_hours", "rest_after_nights_hours"} & set(rules["rule"])
    if needs_times and (shifts["start"] == "").any():
        raise ValueError(f"shifts: rule {sorted(needs_times)[0]!r} needs every shift's start time; "
                         f"shift {shifts['shift_id'][shifts['start'] == ''].iloc[0]!r} has none")

    leave = _normalise(inp.leave, LEAVE_COLUMNS, "leave")
    _strs(leave, "staff_id", "reason")
    _dates(leave, "leave")
    _known(leave, "staff_id", staff_ids, "leave", "staff_id")
    leave["credit_hours"] = leave["credit_hours"].astype(float)
    leave = leave[[first <= d <= last for d in leave["date"]]].drop_duplicates(["staff_id", "date"])
    leave = leave.reset_index(drop=True)

    out: dict[str, pd.DataFrame] = {"staff": staff, "shifts": shifts, "cover": cover, "rules": rules, "leave": leave}
    for name, columns in (("preassigned", ASSIGNMENT_COLUMNS), ("history", ASSIGNMENT_COLUMNS),
                          ("published", ASSIGNMENT_COLUMNS), ("requests", REQUEST_COLUMNS)):
        frame = _normalise(getattr(inp, name), columns, name)
        _strs(frame, "staff_id", "shift_id")
        _dates(frame, name)
        _known(frame, "staff_id", staff_ids, name, "staff_id")
        _known(frame, "shift_id", shift_ids | ({""} if name == "requests" else set()), name, "shift")
        if name == "history":
            for row, d in enumerate(frame["date"]):
                if d >= first:
                    raise ValueError(f"history, row {row + 1}: date {d} is not before the horizon's first date {first}")
        else:
            in_horizon(frame, name)
        if name != "requests":
            dup = frame[["staff_id", "date"]].astype(str).apply("/".join, axis=1)
            if dup.duplicated().any():
                raise ValueError(f"{name}: {dup[dup.duplicated()].iloc[0]} has two shifts on one day")
        out[name] = frame
    requests = out["requests"]
    _strs(requests, "kind")
    _ints(requests, "weight", "requests")
    for row, kind in enumerate(requests["kind"]):
        if kind not in ("on", "off"):
            raise ValueError(f"requests, row {row + 1}: kind {kind!r} must be 'on' or 'off'")
    clash = out["preassigned"].merge(leave, on=["staff_id", "date"])
    if len(clash):
        c = clash.iloc[0]
        raise ValueError(f"preassigned: {c['staff_id']} is pre-assigned shift {c['shift_id']} on {c['date']} "
                         f"but is on {c['reason']} that day")
    fixed_off = dict(zip(staff["staff_id"], staff["fixed_days_off"], strict=True))
    for row, a in enumerate(out["preassigned"].itertuples(index=False)):
        if WEEKDAYS[a.date.weekday()] in parse_list(fixed_off[a.staff_id]):
            raise ValueError(f"preassigned, row {row + 1}: {a.staff_id} is pre-assigned on {a.date}, "
                             "one of their fixed days off")
    succ = _normalise(inp.forbidden_successions, SUCCESSION_COLUMNS, "forbidden_successions")
    _strs(succ, "first", "second")
    _known(succ, "first", shift_ids, "forbidden_successions", "shift")
    _known(succ, "second", shift_ids, "forbidden_successions", "shift")
    out["forbidden_successions"] = succ
    p = inp.parameters
    if p.change_weight < 0 or (p.max_changes is not None and p.max_changes < 0) or p.hard_violation_weight < 1:
        raise ValueError("parameters: change_weight and max_changes must be >= 0, hard_violation_weight >= 1")
    return out


def weekly_cover(pattern: pd.DataFrame, first_date: dt.date, days: int) -> pd.DataFrame:
    """Expand a weekday pattern (column ``weekday``: Mon..Sun, and the cover columns) to dates."""
    if "weekday" not in pattern.columns:
        raise ValueError("cover pattern: missing column 'weekday'")
    bad = sorted(set(pattern["weekday"]) - set(WEEKDAYS))
    if bad:
        raise ValueError(f"cover pattern: weekday {bad[0]!r} is not one of {', '.join(WEEKDAYS)}")
    rows = []
    for d in range(days):
        date = first_date + dt.timedelta(days=d)
        day = pattern[pattern["weekday"] == WEEKDAYS[date.weekday()]]
        for rec in day.drop(columns="weekday").to_dict("records"):
            rows.append({"date": date, **rec})
    columns = ["date"] + [c for c in pattern.columns if c != "weekday"]
    return pd.DataFrame(rows, columns=columns)


def rules_table(group: str, rules: dict[str, tuple[float, bool, int]] | Iterable[tuple]) -> pd.DataFrame:
    """Rules rows for ``group`` from ``{rule: (limit, hard, weight)}`` or (rule, shift, limit, hard, weight)."""
    rows = []
    items = rules.items() if isinstance(rules, dict) else None
    if items is not None:
        for name, (limit, hard, weight) in items:
            rows.append({"group": group, "rule": name, "shift": "", "limit": limit, "hard": hard, "weight": weight})
    else:
        for name, shift, limit, hard, weight in rules:  # type: ignore[misc]
            rows.append({"group": group, "rule": name, "shift": shift, "limit": limit, "hard": hard, "weight": weight})
    return pd.DataFrame(rows, columns=list(RULE_COLUMNS))


def doctors_working_time_rules(
    group: str = ALL_GROUPS,
    *,
    max_average_weekly_hours: float = 48.0,
    min_rest_hours: float = 11.0,
    max_hours_7_days: float = 72.0,
    max_shift_hours: float = 13.0,
    max_consecutive_nights: float = 4,
    rest_after_nights_hours: float = 46.0,
    max_consecutive_days: float = 7,
    max_weekends: float | None = None,
) -> pd.DataFrame:
    """The doctors' working-time defaults (DOMAIN.md), all hard: a rules table for ``group``.

    ``max_hours_7_days`` stands for "72 h in any 168 h", judged on 7 consecutive calendar days
    by shift start. ``max_weekends`` (e.g. weeks // 2 for 1-in-2) is added when given.
    """
    rules = {
        "max_average_weekly_hours": (max_average_weekly_hours, True, 1),
        "min_rest_hours": (min_rest_hours, True, 1),
        "max_hours_7_days": (max_hours_7_days, True, 1),
        "max_shift_hours": (max_shift_hours, True, 1),
        "max_consecutive_nights": (max_consecutive_nights, True, 1),
        "rest_after_nights_hours": (rest_after_nights_hours, True, 1),
        "max_consecutive_days": (max_consecutive_days, True, 1),
    }
    if max_weekends is not None:
        rules["max_weekends"] = (max_weekends, True, 1)
    return rules_table(group, rules)
