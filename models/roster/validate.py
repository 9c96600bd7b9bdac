"""Validation and normalisation of the rota input's tables, for :class:`~models.roster.input.RosterInput`.

Problems raise :class:`models.common.contract.ModelInputError` naming the table, the row (1 = first
data row of the table as given) and the column: every table's first problem together (:func:`validate`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import pandas as pd

from models.common.contract import InputProblem, ModelInputError
from models.common.weekdays import SPELLINGS, weekday
from models.roster.catalogue import ALL_GROUPS, RULE_COLUMNS, RULES, WEEKDAYS, limit_beyond_maximum
from models.roster.columns import (
    booleans,
    dates,
    fail,
    first_duplicate,
    known,
    normalise,
    parse_list,
    parse_time,
    texts,
    whole_numbers,
)


class RosterTables(Protocol):
    """What :func:`validate` reads of a :class:`models.roster.input.RosterInput` (which calls it):
    the horizon and the tables as given.  A protocol, so that this module does not import the one
    that imports it."""

    @property
    def first_date(self) -> dt.date: ...
    @property
    def days(self) -> int: ...
    @property
    def staff(self) -> pd.DataFrame: ...
    @property
    def shifts(self) -> pd.DataFrame: ...
    @property
    def cover(self) -> pd.DataFrame: ...
    @property
    def rules(self) -> pd.DataFrame: ...
    @property
    def leave(self) -> pd.DataFrame | None: ...
    @property
    def forbidden_successions(self) -> pd.DataFrame | None: ...
    @property
    def preassigned(self) -> pd.DataFrame | None: ...
    @property
    def history(self) -> pd.DataFrame | None: ...
    @property
    def published(self) -> pd.DataFrame | None: ...
    @property
    def requests(self) -> pd.DataFrame | None: ...
    @property
    def contract_weeks(self) -> tuple[dt.date, int] | None: ...


_T = TypeVar("_T")

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


def fixed_days_off(days: object) -> str:
    """A person's fixed days off as stored, ``Sat|Sun``, however each day was spelt ("saturday|SUN");
    a day :func:`~models.common.weekdays.weekday` does not know is kept as written."""
    return "|".join(weekday(d) or d for d in parse_list(days))


def _staff(inp: RosterTables) -> pd.DataFrame:
    staff = normalise(inp.staff, STAFF_COLUMNS, "staff")
    if staff.empty:
        fail("staff", "the table is empty; a rota needs at least one person")
    texts(staff, "staff", "staff_id", "name", "group", "skills", "fixed_days_off", "preferred_shifts")
    for row, sid in enumerate(staff["staff_id"], start=1):
        if not sid:
            fail("staff", "staff_id is blank", row, "staff_id")
    staff["name"] = [n if n else s for n, s in zip(staff["name"], staff["staff_id"], strict=True)]
    dup = first_duplicate(staff, ["staff_id"])
    if dup:
        fail("staff", f"staff_id {dup[1]!r} appears more than once", dup[0], "staff_id")
    for row, (c, days) in enumerate(
        zip(staff["contract_hours_week"], staff["fixed_days_off"], strict=True), 1
    ):
        try:
            ok = math.isfinite(float(c)) and float(c) >= 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            fail("staff", f"contract_hours_week {c!r} must be a number >= 0", row, "contract_hours_week")
        bad = [d for d in parse_list(days) if weekday(d) is None]
        if bad:
            fail("staff", f"fixed_days_off {bad[0]!r} is not a weekday: {SPELLINGS}", row, "fixed_days_off")
    staff["contract_hours_week"] = staff["contract_hours_week"].astype(float)
    staff["fixed_days_off"] = [fixed_days_off(days) for days in staff["fixed_days_off"]]
    return staff


def _shifts(inp: RosterTables) -> pd.DataFrame:
    shifts = normalise(inp.shifts, SHIFT_COLUMNS, "shifts")
    if shifts.empty:
        fail("shifts", "the table is empty; define at least one shift type")
    texts(shifts, "shifts", "shift_id", "start", "name")
    dup = first_duplicate(shifts, ["shift_id"])
    if dup:
        fail("shifts", f"shift_id {dup[1]!r} appears more than once", dup[0], "shift_id")
    whole_numbers(shifts, "length_minutes", "shifts", minimum=1)
    whole_numbers(shifts, "paid_minutes", "shifts", minimum=-1)
    for row, (paid, length) in enumerate(
        zip(shifts["paid_minutes"], shifts["length_minutes"], strict=True), 1
    ):
        if paid > length:
            fail("shifts", paid_beyond_length(paid, length), row, "paid_minutes")
    shifts["paid_minutes"] = [
        lm if p < 0 else p for p, lm in zip(shifts["paid_minutes"], shifts["length_minutes"], strict=True)
    ]
    booleans(shifts, "night", "shifts")
    booleans(shifts, "on_call", "shifts")
    for row, start in enumerate(shifts["start"], start=1):
        try:
            parse_time(start)
        except ValueError as exc:
            fail("shifts", str(exc), row, "start")
    return shifts


def paid_beyond_length(paid: int, length: int) -> str:
    """Why ``paid`` minutes cannot be paid for a shift of ``length`` minutes."""
    return f"{paid} paid minutes are more than the shift's {length} (paid: the length less unpaid breaks)"


def _cover(inp: RosterTables, shift_ids: set[str], in_horizon: Any) -> pd.DataFrame:
    cover = normalise(inp.cover, COVER_COLUMNS, "cover")
    texts(cover, "cover", "shift_id", "skill")
    dates(cover, "cover")
    in_horizon(cover, "cover")
    known(cover, "shift_id", shift_ids, "cover", "shift")
    for column in ("minimum", "preferred", "under_weight", "over_weight"):
        whole_numbers(cover, column, "cover")
    whole_numbers(cover, "maximum", "cover", minimum=-1)
    for row, (lo, pref, hi) in enumerate(
        zip(cover["minimum"], cover["preferred"], cover["maximum"], strict=True), start=1
    ):
        if hi >= 0 and lo > hi:
            fail("cover", f"minimum {lo} is above maximum {hi}", row, "minimum")
        if pref < lo or (hi >= 0 and pref > hi):
            fail("cover", f"preferred {pref} is outside minimum {lo} .. maximum {hi}", row, "preferred")
    dup = first_duplicate(cover, ["date", "shift_id", "skill"])
    if dup:
        fail("cover", f"date/shift/skill {dup[1]} appears more than once", dup[0], "date")
    return cover


def _rules(inp: RosterTables, groups: set[str], shifts: pd.DataFrame) -> pd.DataFrame:
    shift_ids = set(shifts["shift_id"])
    rules = normalise(inp.rules, RULE_COLUMNS, "rules")
    texts(rules, "rules", "group", "rule", "shift")
    booleans(rules, "hard", "rules")
    whole_numbers(rules, "weight", "rules")
    for row, r in enumerate(rules.itertuples(index=False), start=1):
        if r.rule not in RULES:
            fail("rules", f"unknown rule {r.rule!r}; known rules: {', '.join(RULES)}", row, "rule")
        if r.group != ALL_GROUPS and r.group not in groups:
            fail(
                "rules", f"group {r.group!r} has no staff (groups: {', '.join(sorted(groups))})", row, "group"
            )
        if RULES[r.rule].per_shift and r.shift not in shift_ids:
            fail(
                "rules",
                f"rule {r.rule!r} needs a known shift type in column 'shift', got {r.shift!r}",
                row,
                "shift",
            )
        if not RULES[r.rule].per_shift and r.shift:
            fail("rules", f"rule {r.rule!r} does not take a shift type", row, "shift")
        try:
            limit = float(r.limit)
        except (TypeError, ValueError):
            fail("rules", f"limit {r.limit!r} is not a number", row, "limit")
        if not math.isfinite(limit) or limit < 0:
            fail("rules", f"limit {r.limit!r} must be a number >= 0", row, "limit")
        if (beyond := limit_beyond_maximum(r.rule, limit)) is not None:
            fail("rules", beyond, row, "limit")
    rules["limit"] = rules["limit"].astype(float)
    dup = first_duplicate(rules, ["group", "rule", "shift"])
    if dup:
        fail("rules", f"group/rule/shift {dup[1]} appears more than once", dup[0], "rule")
    needs_times = {"min_rest_hours", "rest_after_nights_hours"} & set(rules["rule"])
    if needs_times and (shifts["start"] == "").any():
        row = int((shifts["start"] == "").to_numpy().argmax()) + 1
        fail(
            "shifts",
            f"rule {sorted(needs_times)[0]!r} needs every shift's start time; "
            f"shift {shifts['shift_id'].iloc[row - 1]!r} has none",
            row,
            "start",
        )
    return rules


def _dated(inp: RosterTables, out: dict[str, pd.DataFrame], first: dt.date, in_horizon: Any) -> None:
    """The assignment-shaped tables and requests, checked against staff, shifts and the horizon."""
    staff_ids, shift_ids = set(out["staff"]["staff_id"]), set(out["shifts"]["shift_id"])
    for name, columns in (
        ("preassigned", ASSIGNMENT_COLUMNS),
        ("history", ASSIGNMENT_COLUMNS),
        ("published", ASSIGNMENT_COLUMNS),
        ("requests", REQUEST_COLUMNS),
    ):
        frame = normalise(getattr(inp, name), columns, name)
        texts(frame, name, "staff_id", "shift_id")
        dates(frame, name)
        known(frame, "staff_id", staff_ids, name, "staff_id")
        known(frame, "shift_id", shift_ids | ({""} if name == "requests" else set()), name, "shift")
        if name == "history":
            for row, d in enumerate(frame["date"], start=1):
                if d >= first:
                    fail(name, f"date {d} is not before the horizon's first date {first}", row, "date")
        else:
            in_horizon(frame, name)
        if name != "requests":
            dup = first_duplicate(frame, ["staff_id", "date"])
            if dup:
                fail(name, f"{dup[1]} has two shifts on one day", dup[0], "date")
        out[name] = frame
    requests = out["requests"]
    texts(requests, "requests", "kind")
    whole_numbers(requests, "weight", "requests")
    for row, kind in enumerate(requests["kind"], start=1):
        if kind not in ("on", "off"):
            fail("requests", f"kind {kind!r} must be 'on' or 'off'", row, "kind")


def validate(inp: RosterTables) -> dict[str, pd.DataFrame]:
    """The input's tables normalised, or :class:`ModelInputError` naming its problems.

    Each table is checked on its own as far as the tables it refers to are sound: staff and
    shift types first, then the preferred shifts, cover, rules, leave and forbidden successions
    (each stops at its own first problem), and every problem found so far is raised together, so
    that a coordinator does not fix one cell at a time.  Pre-assignments and the other dated
    tables, which refer to all of these, are checked once the rest is sound.
    """
    problems: list[InputProblem] = []

    def attempt(step: Callable[[], _T]) -> _T | None:
        try:
            return step()
        except ModelInputError as exc:
            problems.extend(exc.problems)
            return None

    staff, shifts = attempt(lambda: _staff(inp)), attempt(lambda: _shifts(inp))
    first, last = inp.first_date, inp.first_date + dt.timedelta(days=inp.days - 1)

    def in_horizon(frame: pd.DataFrame, name: str) -> None:
        for row, d in enumerate(frame["date"], start=1):
            if not first <= d <= last:
                fail(name, f"date {d} is outside the horizon {first} to {last}", row, "date")

    cover = rules = succ = None
    leave = attempt(lambda: _leave(inp, None if staff is None else set(staff["staff_id"]), first, last))
    if shifts is not None:
        shift_ids = set(shifts["shift_id"])
        if staff is not None:
            for row, prefs in enumerate(staff["preferred_shifts"], start=1):
                bad = [s for s in parse_list(prefs) if s not in shift_ids]
                if bad:
                    problems.append(
                        InputProblem(
                            "staff",
                            f"preferred shift {bad[0]!r} is not a shift type",
                            row,
                            "preferred_shifts",
                        )
                    )
        cover = attempt(lambda: _cover(inp, shift_ids, in_horizon))
        rules = None if staff is None else attempt(lambda: _rules(inp, set(staff["group"]), shifts))
        succ = attempt(lambda: _successions(inp, shift_ids))
    if problems:
        raise ModelInputError(problems)
    assert staff is not None and shifts is not None and leave is not None
    assert cover is not None and rules is not None and succ is not None
    out: dict[str, pd.DataFrame] = {
        "staff": staff,
        "shifts": shifts,
        "cover": cover,
        "rules": rules,
        "leave": credit_within_contract(leave, staff, *(inp.contract_weeks or (first, inp.days))),
    }
    _dated(inp, out, first, in_horizon)
    clash = out["preassigned"].reset_index().merge(leave, on=["staff_id", "date"])
    if len(clash):
        c = clash.iloc[0]
        fail(
            "preassigned",
            f"{c['staff_id']} is pre-assigned shift {c['shift_id']} on {c['date']} "
            f"but is on {c['reason']} that day",
            int(c["index"]) + 1,
            "date",
        )
    fixed_off = dict(zip(staff["staff_id"], staff["fixed_days_off"], strict=True))
    for row, a in enumerate(out["preassigned"].itertuples(index=False), start=1):
        if WEEKDAYS[a.date.weekday()] in parse_list(fixed_off[a.staff_id]):
            fail(
                "preassigned",
                f"{a.staff_id} is pre-assigned on {a.date}, one of their fixed days off",
                row,
                "date",
            )
    out["forbidden_successions"] = succ
    return out


def _leave(inp: RosterTables, staff_ids: set[str] | None, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Leave rows normalised, within the horizon; one a person a day (a second is refused: its credit
    would be lost); staff ids checked when known."""
    leave = normalise(inp.leave, LEAVE_COLUMNS, "leave")
    texts(leave, "leave", "staff_id", "reason")
    dates(leave, "leave")
    if staff_ids is not None:
        known(leave, "staff_id", staff_ids, "leave", "staff_id")
    leave["credit_hours"] = leave["credit_hours"].astype(float)
    dup = first_duplicate(leave, ["staff_id", "date"])
    if dup:
        fail("leave", f"{dup[1]} has leave twice on one day (one row a person a day)", dup[0], "date")
    inside = pd.Series([first <= d <= last for d in leave["date"]], index=leave.index, dtype=bool)
    return leave.loc[inside].reset_index(drop=True)


def leave_beyond_contract(
    leave: pd.DataFrame, staff: pd.DataFrame, first: dt.date, days: int
) -> pd.DataFrame:
    """The rota weeks (7 days from ``first``, the last perhaps shorter) in which a person's leave
    credits more hours than their contract gives the week: ``staff_id``, ``week`` (its first
    date), ``credit`` and ``contract`` (the week's contracted hours); people without a contract
    are left out (no contract hours are held against them)."""
    offset = (pd.to_datetime(leave["date"]) - pd.Timestamp(first)).dt.days
    inside = leave.assign(week=offset // 7, credit=leave["credit_hours"].astype(float))[
        offset.between(0, days - 1)
    ]
    weekly = inside.groupby(["staff_id", "week"], as_index=False)["credit"].sum()
    hours = dict(zip(staff["staff_id"], staff["contract_hours_week"].astype(float), strict=True))
    weekly["contract"] = [
        hours.get(who, 0.0) * min(7, days - 7 * week) / 7
        for who, week in zip(weekly["staff_id"], weekly["week"], strict=True)
    ]
    over = weekly[(weekly["contract"] > 0) & (weekly["credit"] > weekly["contract"] + 1e-9)].copy()
    over["week"] = [first + dt.timedelta(days=7 * int(w)) for w in over["week"]]
    return over.reset_index(drop=True)[["staff_id", "week", "credit", "contract"]]


def credit_within_contract(
    leave: pd.DataFrame, staff: pd.DataFrame, first: dt.date, days: int
) -> pd.DataFrame:
    """``leave`` with each rota week's credit held to the week's contracted hours, its days' credit
    scaled alike: three weeks of leave credited 37.5 h for a 22.5-h contract left the person owing
    -22.5 h, a contract-hours breach no rota could avoid (a hard rule: no rota at all)."""
    over = leave_beyond_contract(leave, staff, first, days)
    if over.empty:
        return leave
    out = leave.copy()
    week = [first + dt.timedelta(days=7 * ((d - first).days // 7)) for d in out["date"]]
    scale = {(r.staff_id, r.week): r.contract / r.credit for r in over.itertuples(index=False)}
    factor = [scale.get(key, 1.0) for key in zip(out["staff_id"], week, strict=True)]
    out["credit_hours"] = out["credit_hours"] * factor
    return out


def _successions(inp: RosterTables, shift_ids: set[str]) -> pd.DataFrame:
    succ = normalise(inp.forbidden_successions, SUCCESSION_COLUMNS, "forbidden_successions")
    texts(succ, "forbidden_successions", "first", "second")
    known(succ, "first", shift_ids, "forbidden_successions", "shift")
    known(succ, "second", shift_ids, "forbidden_successions", "shift")
    return succ
