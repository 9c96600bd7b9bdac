"""Validation and normalisation of the rota input's tables, for :class:`~models.roster.input.RosterInput`.

Every problem raises :class:`models.common.contract.ModelInputError` naming the table, the row
(1 = first data row of the table as given) and the column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

import pandas as pd

from models.common.contract import InputProblem, ModelInputError
from models.roster.catalogue import ALL_GROUPS, RULE_COLUMNS, RULES, WEEKDAYS

if TYPE_CHECKING:
    from models.roster.input import RosterInput


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters: never part of an id or a name (they break files, calendars and terminals)."""


def _fail(table: str, message: str, row: int | None = None, column: str | None = None) -> NoReturn:
    raise ModelInputError(InputProblem(table, message, row, column))


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


# Table -> {column: default}; a default of ... marks a required column.
STAFF_COLUMNS = {
    "staff_id": ...,
    "name": "",
    "group": "staff",
    "skills": "",
    "contract_hours_week": 0.0,
    "fixed_days_off": "",
    "preferred_shifts": "",
}
SHIFT_COLUMNS = {
    "shift_id": ...,
    "start": "",
    "length_minutes": ...,
    "paid_minutes": -1,
    "night": False,
    "on_call": False,
    "name": "",
}
COVER_COLUMNS = {
    "date": ...,
    "shift_id": ...,
    "skill": "",
    "minimum": 0,
    "preferred": ...,
    "maximum": -1,
    "under_weight": 1,
    "over_weight": 0,
}
LEAVE_COLUMNS = {"staff_id": ..., "date": ..., "reason": "leave", "credit_hours": 0.0}
ASSIGNMENT_COLUMNS = {"staff_id": ..., "date": ..., "shift_id": ...}
REQUEST_COLUMNS = {"staff_id": ..., "date": ..., "shift_id": "", "kind": ..., "weight": ...}
SUCCESSION_COLUMNS = {"first": ..., "second": ...}


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


def _to_date(value: object, table: str, row: int, column: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(value).date()  # type: ignore[arg-type]
    except (ValueError, TypeError):
        _fail(table, f"{value!r} is not a date", row, column)


def _normalise(table: pd.DataFrame | None, columns: dict[str, Any], name: str) -> pd.DataFrame:
    """A copy of ``table`` with exactly ``columns`` (defaults filled), or ModelInputError."""
    if table is None:
        return _frame(columns)
    if not isinstance(table, pd.DataFrame):
        _fail(name, f"expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c, d in columns.items() if d is ... and c not in table.columns]
    if missing and len(table):
        _fail(name, f"missing required column(s) {', '.join(missing)}", column=missing[0])
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
    for row, v in enumerate(frame[column].tolist(), start=1):
        try:
            f = float(v)
        except (TypeError, ValueError):
            _fail(name, f"{column} {v!r} is not a number", row, column)
        if not math.isfinite(f) or f != int(f):
            _fail(name, f"{column} {v!r} must be a whole number", row, column)
        if minimum is not None and f < minimum:
            _fail(name, f"{column} {v!r} must be at least {minimum}", row, column)
        values.append(int(f))
    frame[column] = pd.Series(values, dtype=object)


def _strs(frame: pd.DataFrame, name: str, *columns: str) -> None:
    """Columns as stripped text, refusing control characters (tabs, newlines, escapes)."""
    for column in columns:
        values = [str(v).strip() for v in frame[column].tolist()]
        for row, v in enumerate(values, start=1):
            if CONTROL.search(v):
                _fail(
                    name, f"{column} {v!r} holds a control character (tab, newline or similar)", row, column
                )
        frame[column] = pd.Series(values, dtype=object)


def _bools(frame: pd.DataFrame, column: str, name: str) -> None:
    out = []
    for row, v in enumerate(frame[column].tolist(), start=1):
        if isinstance(v, bool):
            out.append(v)
        elif str(v).strip().lower() in ("true", "yes", "y", "1", "t", "1.0"):
            out.append(True)
        elif str(v).strip().lower() in ("false", "no", "n", "0", "f", "0.0", ""):
            out.append(False)
        else:
            _fail(name, f"{column} {v!r} is not true/false", row, column)
    frame[column] = pd.Series(out, dtype=object)


def _dates(frame: pd.DataFrame, name: str) -> None:
    frame["date"] = pd.Series(
        [_to_date(v, name, i) for i, v in enumerate(frame["date"], start=1)], dtype=object
    )


def _known(frame: pd.DataFrame, column: str, known: Iterable[str], name: str, what: str) -> None:
    known = set(known)
    for row, v in enumerate(frame[column].tolist(), start=1):
        if v not in known:
            _fail(name, f"unknown {what} {v!r}", row, column)


def _first_duplicate(frame: pd.DataFrame, columns: list[str]) -> tuple[int, str] | None:
    """(row, key) of the first row repeating an earlier row's ``columns``, or None."""
    key = frame[columns].astype(str).apply("/".join, axis=1) if len(frame) else pd.Series(dtype=str)
    dup = key.duplicated()
    if not dup.any():
        return None
    index = int(dup.to_numpy().argmax())
    return index + 1, str(key.iloc[index])


def _staff(inp: RosterInput) -> pd.DataFrame:
    staff = _normalise(inp.staff, STAFF_COLUMNS, "staff")
    if staff.empty:
        _fail("staff", "the table is empty; a rota needs at least one person")
    _strs(staff, "staff", "staff_id", "name", "group", "skills", "fixed_days_off", "preferred_shifts")
    for row, sid in enumerate(staff["staff_id"], start=1):
        if not sid:
            _fail("staff", "staff_id is blank", row, "staff_id")
    staff["name"] = [n if n else s for n, s in zip(staff["name"], staff["staff_id"], strict=True)]
    dup = _first_duplicate(staff, ["staff_id"])
    if dup:
        _fail("staff", f"staff_id {dup[1]!r} appears more than once", dup[0], "staff_id")
    for row, (c, days) in enumerate(
        zip(staff["contract_hours_week"], staff["fixed_days_off"], strict=True), 1
    ):
        try:
            ok = math.isfinite(float(c)) and float(c) >= 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            _fail("staff", f"contract_hours_week {c!r} must be a number >= 0", row, "contract_hours_week")
        bad = [d for d in parse_list(days) if d not in WEEKDAYS]
        if bad:
            _fail(
                "staff",
                f"fixed_days_off {bad[0]!r} is not one of {', '.join(WEEKDAYS)}",
                row,
                "fixed_days_off",
            )
    staff["contract_hours_week"] = staff["contract_hours_week"].astype(float)
    return staff


def _shifts(inp: RosterInput) -> pd.DataFrame:
    shifts = _normalise(inp.shifts, SHIFT_COLUMNS, "shifts")
    if shifts.empty:
        _fail("shifts", "the table is empty; define at least one shift type")
    _strs(shifts, "shifts", "shift_id", "start", "name")
    dup = _first_duplicate(shifts, ["shift_id"])
    if dup:
        _fail("shifts", f"shift_id {dup[1]!r} appears more than once", dup[0], "shift_id")
    _ints(shifts, "length_minutes", "shifts", minimum=1)
    _ints(shifts, "paid_minutes", "shifts", minimum=-1)
    shifts["paid_minutes"] = [
        lm if p < 0 else p for p, lm in zip(shifts["paid_minutes"], shifts["length_minutes"], strict=True)
    ]
    _bools(shifts, "night", "shifts")
    _bools(shifts, "on_call", "shifts")
    for row, start in enumerate(shifts["start"], start=1):
        try:
            parse_time(start)
        except ValueError as exc:
            _fail("shifts", str(exc), row, "start")
    return shifts


def _cover(inp: RosterInput, shift_ids: set[str], in_horizon: Any) -> pd.DataFrame:
    cover = _normalise(inp.cover, COVER_COLUMNS, "cover")
    _strs(cover, "cover", "shift_id", "skill")
    _dates(cover, "cover")
    in_horizon(cover, "cover")
    _known(cover, "shift_id", shift_ids, "cover", "shift")
    for column in ("minimum", "preferred", "under_weight", "over_weight"):
        _ints(cover, column, "cover")
    _ints(cover, "maximum", "cover", minimum=-1)
    for row, (lo, pref, hi) in enumerate(
        zip(cover["minimum"], cover["preferred"], cover["maximum"], strict=True), start=1
    ):
        if hi >= 0 and lo > hi:
            _fail("cover", f"minimum {lo} is above maximum {hi}", row, "minimum")
        if pref < lo or (hi >= 0 and pref > hi):
            _fail("cover", f"preferred {pref} is outside minimum {lo} .. maximum {hi}", row, "preferred")
    dup = _first_duplicate(cover, ["date", "shift_id", "skill"])
    if dup:
        _fail("cover", f"date/shift/skill {dup[1]} appears more than once", dup[0], "date")
    return cover


def _rules(inp: RosterInput, groups: set[str], shifts: pd.DataFrame) -> pd.DataFrame:
    shift_ids = set(shifts["shift_id"])
    rules = _normalise(inp.rules, RULE_COLUMNS, "rules")
    _strs(rules, "rules", "group", "rule", "shift")
    _bools(rules, "hard", "rules")
    _ints(rules, "weight", "rules")
    for row, r in enumerate(rules.itertuples(index=False), start=1):
        if r.rule not in RULES:
            _fail("rules", f"unknown rule {r.rule!r}; known rules: {', '.join(RULES)}", row, "rule")
        if r.group != ALL_GROUPS and r.group not in groups:
            _fail(
                "rules", f"group {r.group!r} has no staff (groups: {', '.join(sorted(groups))})", row, "group"
            )
        if RULES[r.rule].per_shift and r.shift not in shift_ids:
            _fail(
                "rules",
                f"rule {r.rule!r} needs a known shift type in column 'shift', got {r.shift!r}",
                row,
                "shift",
            )
        if not RULES[r.rule].per_shift and r.shift:
            _fail("rules", f"rule {r.rule!r} does not take a shift type", row, "shift")
        try:
            limit = float(r.limit)
        except (TypeError, ValueError):
            _fail("rules", f"limit {r.limit!r} is not a number", row, "limit")
        if not math.isfinite(limit) or limit < 0:
            _fail("rules", f"limit {r.limit!r} must be a number >= 0", row, "limit")
    rules["limit"] = rules["limit"].astype(float)
    dup = _first_duplicate(rules, ["group", "rule", "shift"])
    if dup:
        _fail("rules", f"group/rule/shift {dup[1]} appears more than once", dup[0], "rule")
    needs_times = {"min_rest_hours", "rest_after_nights_hours"} & set(rules["rule"])
    if needs_times and (shifts["start"] == "").any():
        row = int((shifts["start"] == "").to_numpy().argmax()) + 1
        _fail(
            "shifts",
            f"rule {sorted(needs_times)[0]!r} needs every shift's start time; "
            f"shift {shifts['shift_id'].iloc[row - 1]!r} has none",
            row,
            "start",
        )
    return rules


def _dated(inp: RosterInput, out: dict[str, pd.DataFrame], first: dt.date, in_horizon: Any) -> None:
    """The assignment-shaped tables and requests, checked against staff, shifts and the horizon."""
    staff_ids, shift_ids = set(out["staff"]["staff_id"]), set(out["shifts"]["shift_id"])
    for name, columns in (
        ("preassigned", ASSIGNMENT_COLUMNS),
        ("history", ASSIGNMENT_COLUMNS),
        ("published", ASSIGNMENT_COLUMNS),
        ("requests", REQUEST_COLUMNS),
    ):
        frame = _normalise(getattr(inp, name), columns, name)
        _strs(frame, name, "staff_id", "shift_id")
        _dates(frame, name)
        _known(frame, "staff_id", staff_ids, name, "staff_id")
        _known(frame, "shift_id", shift_ids | ({""} if name == "requests" else set()), name, "shift")
        if name == "history":
            for row, d in enumerate(frame["date"], start=1):
                if d >= first:
                    _fail(name, f"date {d} is not before the horizon's first date {first}", row, "date")
        else:
            in_horizon(frame, name)
        if name != "requests":
            dup = _first_duplicate(frame, ["staff_id", "date"])
            if dup:
                _fail(name, f"{dup[1]} has two shifts on one day", dup[0], "date")
        out[name] = frame
    requests = out["requests"]
    _strs(requests, "requests", "kind")
    _ints(requests, "weight", "requests")
    for row, kind in enumerate(requests["kind"], start=1):
        if kind not in ("on", "off"):
            _fail("requests", f"kind {kind!r} must be 'on' or 'off'", row, "kind")


def validate(inp: RosterInput) -> dict[str, pd.DataFrame]:
    """The input's tables normalised, or :class:`ModelInputError` at the first problem."""
    staff, shifts = _staff(inp), _shifts(inp)
    for row, prefs in enumerate(staff["preferred_shifts"], start=1):
        bad = [s for s in parse_list(prefs) if s not in set(shifts["shift_id"])]
        if bad:
            _fail("staff", f"preferred shift {bad[0]!r} is not a shift type", row, "preferred_shifts")
    staff_ids, shift_ids = set(staff["staff_id"]), set(shifts["shift_id"])
    first, last = inp.first_date, inp.first_date + dt.timedelta(days=inp.days - 1)

    def in_horizon(frame: pd.DataFrame, name: str) -> None:
        for row, d in enumerate(frame["date"], start=1):
            if not first <= d <= last:
                _fail(name, f"date {d} is outside the horizon {first} to {last}", row, "date")

    cover = _cover(inp, shift_ids, in_horizon)
    rules = _rules(inp, set(staff["group"]), shifts)
    leave = _normalise(inp.leave, LEAVE_COLUMNS, "leave")
    _strs(leave, "leave", "staff_id", "reason")
    _dates(leave, "leave")
    _known(leave, "staff_id", staff_ids, "leave", "staff_id")
    leave["credit_hours"] = leave["credit_hours"].astype(float)
    inside = pd.Series([first <= d <= last for d in leave["date"]], index=leave.index, dtype=bool)
    leave = leave.loc[inside].drop_duplicates(["staff_id", "date"]).reset_index(drop=True)
    out: dict[str, pd.DataFrame] = {
        "staff": staff,
        "shifts": shifts,
        "cover": cover,
        "rules": rules,
        "leave": leave,
    }
    _dated(inp, out, first, in_horizon)
    clash = out["preassigned"].reset_index().merge(leave, on=["staff_id", "date"])
    if len(clash):
        c = clash.iloc[0]
        _fail(
            "preassigned",
            f"{c['staff_id']} is pre-assigned shift {c['shift_id']} on {c['date']} "
            f"but is on {c['reason']} that day",
            int(c["index"]) + 1,
            "date",
        )
    fixed_off = dict(zip(staff["staff_id"], staff["fixed_days_off"], strict=True))
    for row, a in enumerate(out["preassigned"].itertuples(index=False), start=1):
        if WEEKDAYS[a.date.weekday()] in parse_list(fixed_off[a.staff_id]):
            _fail(
                "preassigned",
                f"{a.staff_id} is pre-assigned on {a.date}, one of their fixed days off",
                row,
                "date",
            )
    succ = _normalise(inp.forbidden_successions, SUCCESSION_COLUMNS, "forbidden_successions")
    _strs(succ, "forbidden_successions", "first", "second")
    _known(succ, "first", shift_ids, "forbidden_successions", "shift")
    _known(succ, "second", shift_ids, "forbidden_successions", "shift")
    out["forbidden_successions"] = succ
    return out
