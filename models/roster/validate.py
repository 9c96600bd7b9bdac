"""Validation and normalisation of the rota input's tables, for :class:`~models.roster.input.RosterInput`.

Every problem raises ``ValueError`` naming the table, the row (1 = first data row) and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from models.roster.catalogue import ALL_GROUPS, RULE_COLUMNS, RULES, WEEKDAYS

if TYPE_CHECKING:
    from models.roster.input import RosterInput


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
    frame["date"] = pd.Series(
        [_to_date(v, f"{name}, row {i + 1}") for i, v in enumerate(frame["date"])], dtype=object
    )


def _known(frame: pd.DataFrame, column: str, known: Iterable[str], name: str, what: str) -> None:
    known = set(known)
    for row, v in enumerate(frame[column].tolist()):
        if v not in known:
            raise ValueError(f"{name}, row {row + 1}: unknown {what} {v!r}")


def validate(inp: RosterInput) -> dict[str, pd.DataFrame]:
    staff = _normalise(inp.staff, STAFF_COLUMNS, "staff")
    if staff.empty:
        raise ValueError("staff: the table is empty; a rota needs at least one person")
    _strs(staff, "staff_id", "group", "skills", "fixed_days_off", "preferred_shifts")
    staff["name"] = [
        n if str(n).strip() else s for n, s in zip(staff["name"], staff["staff_id"], strict=True)
    ]
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
            raise ValueError(
                f"staff, row {row + 1}: fixed_days_off {bad[0]!r} is not one of {', '.join(WEEKDAYS)}"
            )
    staff["contract_hours_week"] = staff["contract_hours_week"].astype(float)

    shifts = _normalise(inp.shifts, SHIFT_COLUMNS, "shifts")
    if shifts.empty:
        raise ValueError("shifts: the table is empty; define at least one shift type")
    _strs(shifts, "shift_id", "start", "name")
    if shifts["shift_id"].duplicated().any():
        raise ValueError(
            f"shifts: shift_id {shifts['shift_id'][shifts['shift_id'].duplicated()].iloc[0]!r} "
            "appears more than once"
        )
    _ints(shifts, "length_minutes", "shifts", minimum=1)
    _ints(shifts, "paid_minutes", "shifts", minimum=-1)
    shifts["paid_minutes"] = [
        lm if p < 0 else p for p, lm in zip(shifts["paid_minutes"], shifts["length_minutes"], strict=True)
    ]
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
    for row, (lo, pref, hi) in enumerate(
        zip(cover["minimum"], cover["preferred"], cover["maximum"], strict=True)
    ):
        if hi >= 0 and lo > hi:
            raise ValueError(f"cover, row {row + 1}: minimum {lo} is above maximum {hi}")
        if pref < lo or (hi >= 0 and pref > hi):
            raise ValueError(
                f"cover, row {row + 1}: preferred {pref} is outside minimum {lo} .. maximum {hi}"
            )
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
            raise ValueError(
                f"{where}: rule {r.rule!r} needs a known shift type in column 'shift', got {r.shift!r}"
            )
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
        raise ValueError(
            f"shifts: rule {sorted(needs_times)[0]!r} needs every shift's start time; "
            f"shift {shifts['shift_id'][shifts['start'] == ''].iloc[0]!r} has none"
        )

    leave = _normalise(inp.leave, LEAVE_COLUMNS, "leave")
    _strs(leave, "staff_id", "reason")
    _dates(leave, "leave")
    _known(leave, "staff_id", staff_ids, "leave", "staff_id")
    leave["credit_hours"] = leave["credit_hours"].astype(float)
    inside = pd.Series([first <= d <= last for d in leave["date"]], index=leave.index, dtype=bool)
    leave = leave.loc[inside].drop_duplicates(["staff_id", "date"])
    leave = leave.reset_index(drop=True)

    out: dict[str, pd.DataFrame] = {
        "staff": staff,
        "shifts": shifts,
        "cover": cover,
        "rules": rules,
        "leave": leave,
    }
    for name, columns in (
        ("preassigned", ASSIGNMENT_COLUMNS),
        ("history", ASSIGNMENT_COLUMNS),
        ("published", ASSIGNMENT_COLUMNS),
        ("requests", REQUEST_COLUMNS),
    ):
        frame = _normalise(getattr(inp, name), columns, name)
        _strs(frame, "staff_id", "shift_id")
        _dates(frame, name)
        _known(frame, "staff_id", staff_ids, name, "staff_id")
        _known(frame, "shift_id", shift_ids | ({""} if name == "requests" else set()), name, "shift")
        if name == "history":
            for row, d in enumerate(frame["date"]):
                if d >= first:
                    raise ValueError(
                        f"history, row {row + 1}: date {d} is not before the horizon's first date {first}"
                    )
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
        raise ValueError(
            f"preassigned: {c['staff_id']} is pre-assigned shift {c['shift_id']} on {c['date']} "
            f"but is on {c['reason']} that day"
        )
    fixed_off = dict(zip(staff["staff_id"], staff["fixed_days_off"], strict=True))
    for row, a in enumerate(out["preassigned"].itertuples(index=False)):
        if WEEKDAYS[a.date.weekday()] in parse_list(fixed_off[a.staff_id]):
            raise ValueError(
                f"preassigned, row {row + 1}: {a.staff_id} is pre-assigned on {a.date}, "
                "one of their fixed days off"
            )
    succ = _normalise(inp.forbidden_successions, SUCCESSION_COLUMNS, "forbidden_successions")
    _strs(succ, "first", "second")
    _known(succ, "first", shift_ids, "forbidden_successions", "shift")
    _known(succ, "second", shift_ids, "forbidden_successions", "shift")
    out["forbidden_successions"] = succ
    p = inp.parameters
    if (
        p.change_weight < 0
        or (p.max_changes is not None and p.max_changes < 0)
        or p.hard_violation_weight < 1
    ):
        raise ValueError("parameters: change_weight and max_changes must be >= 0, hard_violation_weight >= 1")
    return out
