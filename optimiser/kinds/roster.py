"""``kind: roster``: detailed staff rotas: typed input, CP-SAT solve, rota files and summary.

Problems that span tables or need the horizon (a start time that is not HH:MM, an unknown rule
or group, a date outside the horizon, cover minimum above maximum) are found here with file, row
and column, all in one pass; anything :class:`models.roster.input.RosterInput` still refuses
is reported from its :class:`~models.common.contract.ModelInputError` (table, row and column).
The shell solves through :mod:`optimiser.run` (the model contract); this module adds the rota
workbook and calendars (:func:`write_extra`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

import models.roster
from models.common.calendar import bank_holidays
from models.common.contract import ModelInputError
from models.common.weekdays import SPELLINGS, weekday
from models.common.words import count
from models.roster.catalogue import (
    ALL_GROUPS,
    BANK_HOLIDAY,
    RULES,
    WEEKDAYS,
    limit_beyond_maximum,
    weekly_cover,
)
from models.roster.columns import parse_list
from models.roster.input import RosterInput, RosterParameters, parse_time
from models.roster.plan import RosterPlan, cover_export
from models.roster.validate import fixed_days_off, leave_beyond_contract, paid_beyond_length
from optimiser.errors import InputError, Problem
from optimiser.exports.rota import run_timestamp, write_rota_calendars, write_rota_workbook
from optimiser.kinds.base import (
    Kind,
    ModelCase,
    date_parameter,
    required_parameter,
    row_numbers,
    without_rows,
)
from optimiser.kinds.roster_schema import ASSIGNMENT_TABLES, MODEL_PARAMETERS, PARAMETERS, TABLES
from optimiser.kinds.roster_summary import summary
from optimiser.schema import listed_items

_COVER_KEY = ["date", "shift_id", "skill"]


# ---- build_input ---------------------------------------------------------------------------------


def build_input(tables: dict[str, pd.DataFrame], params: dict[str, Any], files: dict[str, str]) -> ModelCase:
    """The model's input and parameters from validated tables; InputError names file, row and column."""
    problems: list[Problem] = []
    rows = {name: row_numbers(frame) for name, frame in tables.items()}
    tables = {name: without_rows(frame) for name, frame in tables.items()}
    yaml_file = str(Path(files["staff"]).parent / "instance.yaml")
    first = date_parameter(params, "first_date", yaml_file, problems)
    days = required_parameter(params, "days", "days in the rota", yaml_file, problems)
    try:
        ZoneInfo(str(params["timezone"]))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem(yaml_file, f"unknown time zone '{params['timezone']}'", column="parameters.timezone")
        )
    shifts = tables["shifts"]
    shifts["start"] = shifts["start"].fillna("")
    for idx, start in shifts["start"].items():
        try:
            parse_time(start)
        except ValueError as exc:
            problems.append(Problem(files["shifts"], str(exc), int(rows["shifts"][idx]), "start"))
    shifts["paid_minutes"] = shifts["paid_minutes"].fillna(-1).astype(int)
    for idx in shifts.index[shifts["paid_minutes"] > shifts["length_minutes"]]:
        message = paid_beyond_length(
            int(shifts.at[idx, "paid_minutes"]), int(shifts.at[idx, "length_minutes"])
        )
        problems.append(Problem(files["shifts"], message, int(rows["shifts"][idx]), "paid_minutes"))
    _check_rules(tables, rows["rules"], files["rules"], problems)
    if "leave" in tables:
        _check_leave_once_a_day(tables["leave"], rows["leave"], files["leave"], problems)
    if "requests" in tables:
        tables["requests"]["shift_id"] = tables["requests"]["shift_id"].fillna("")
    if first is not None and days is not None:
        last = first + dt.timedelta(days=days - 1)
        for name in (*ASSIGNMENT_TABLES, "requests", "cover"):
            if name in tables:
                _check_dates(tables[name], rows[name], files[name], name, first, last, problems)
    _check_skills(tables, rows, files, problems)
    cover = _cover(tables, rows, files, first, days, problems)
    if problems:
        raise InputError(problems)
    assert first is not None and days is not None
    notes = _leave_outside(tables.get("leave"), rows.get("leave"), files.get("leave"), first, days)
    if "leave" in tables:
        notes += _leave_beyond_contract(tables["leave"], tables["staff"], files["leave"], first, days)
    if "requests" in tables:
        notes += _requests_to_work_when_off(tables, rows["requests"], files["requests"])
        notes += _repeated_requests(tables["requests"], rows["requests"], files["requests"])
    notes += _re_rostering_without_published(params, tables)
    change_from = None
    if params.get("change_from") is not None:
        change_from = date_parameter(params, "change_from", yaml_file, problems)
        if problems:
            raise InputError(problems)
    try:
        model_params = RosterParameters(
            **{k: params[k] for k in MODEL_PARAMETERS},
            change_from=change_from,
            first_hard=listed_items(params["first_hard"]),
            subsolvers=listed_items(params["subsolvers"]),
        )
        data = RosterInput(
            staff=tables["staff"],
            shifts=shifts,
            first_date=first,
            days=days,
            cover=cover,
            rules=tables["rules"],
            timezone=str(params["timezone"]),
            name=Path(yaml_file).absolute().parent.name,
            **{k: tables.get(k) for k in (*ASSIGNMENT_TABLES, "leave", "requests", "forbidden_successions")},
        )
    except ModelInputError as exc:  # a rule checked only by the model: its table, row and column
        direct = {name: rows[name] for name in tables if name not in ("cover", "cover_pattern")}
        if "cover" in tables and "cover_pattern" not in tables:
            direct["cover"] = rows["cover"]
        raise InputError([_problem(p, files, direct, yaml_file) for p in exc.problems]) from None
    return ModelCase(data, model_params, notes)


NEAR_ROTA_DAYS = 14
MAX_NOTED = 5  # rows named one by one in a note; the rest are counted
"""A leave date outside the rota but within this many days of it is named in the note: a typo
(2025-06-03 for 2025-03-06) more often than leave for another rota."""


def _leave_outside(
    leave: pd.DataFrame | None, rows: pd.Series | None, file: str | None, first: dt.date, days: int
) -> tuple[str, ...]:
    """The note on leave rows dated outside the rota (the model ignores them: leave files often
    span a year), naming those within :data:`NEAR_ROTA_DAYS` days of it; none when every row is in."""
    if leave is None or rows is None or leave.empty:
        return ()
    last = first + dt.timedelta(days=days - 1)
    dates = leave["date"].dt.date
    days_before = (pd.Timestamp(first) - leave["date"]).dt.days
    days_after = (leave["date"] - pd.Timestamp(last)).dt.days
    outside = leave.index[(days_before > 0) | (days_after > 0)]
    if len(outside) == 0:
        return ()
    note = (
        f"{file}: {len(outside)} of {len(leave)} leave rows are dated outside the rota ({first} to "
        f"{last}) and are ignored"
    )
    near = leave.index[days_before.between(1, NEAR_ROTA_DAYS) | days_after.between(1, NEAR_ROTA_DAYS)]
    if len(near):
        named = ", ".join(f"row {int(rows[idx])} ({dates[idx]})" for idx in near[:5])
        more = f" and {len(near) - 5} more" if len(near) > 5 else ""
        note += f"; within {NEAR_ROTA_DAYS} days of it, so check their dates: {named}{more}"
    return (note + ".",)


def _leave_beyond_contract(
    leave: pd.DataFrame, staff: pd.DataFrame, file: str, first: dt.date, days: int
) -> tuple[str, ...]:
    """The note on weeks whose leave credits more hours than the person's contract (37.5 h a week
    of leave for a 22.5-h contract): counted as the contract's hours, as the model holds them
    (:func:`models.roster.validate.credit_within_contract`), where the excess made a contract-hours
    breach no rota could avoid, explained as the rota's own."""
    contracts = staff.assign(contract_hours_week=staff["contract_hours_week"].fillna(0.0).astype(float))
    over = leave_beyond_contract(leave.dropna(subset=["date"]), contracts, first, days)
    if over.empty:
        return ()
    names = dict(zip(staff["staff_id"], staff["name"], strict=True)) if "name" in staff else {}
    people = [
        f"{who}{f' ({names[who]})' if names.get(who) else ''}: "
        + ", ".join(
            f"week of {r.week} ({r.credit:g} h of leave, {r.contract:g} h contracted)"
            for r in weeks.itertuples()
        )
        for who, weeks in over.groupby("staff_id", sort=False)
    ]
    more = f" and {len(people) - MAX_NOTED} more" if len(people) > MAX_NOTED else ""
    return (
        f"{file}: leave credits more hours than the contract in {count(len(over), 'week')}, each counted as "
        f"the week's contracted hours (its days' credit_hours scaled down), so no hours are owed back: "
        f"{'; '.join(people[:MAX_NOTED])}{more}.",
    )


def _check_rules(
    tables: dict[str, pd.DataFrame], rows: pd.Series, file: str, problems: list[Problem]
) -> None:
    rules = tables["rules"]
    groups = set(tables["staff"]["group"])
    shift_ids = set(tables["shifts"]["shift_id"])
    for idx, r in rules.iterrows():
        row = int(rows[idx])
        if r["rule"] not in RULES:
            hint = difflib.get_close_matches(r["rule"], sorted(RULES), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else f"; known rules: {', '.join(RULES)}"
            problems.append(Problem(file, f"unknown rule '{r['rule']}'{extra}", row, "rule"))
            continue
        if (beyond := limit_beyond_maximum(r["rule"], float(r["limit"]))) is not None:
            problems.append(Problem(file, beyond, row, "limit"))
        if r["group"] != ALL_GROUPS and r["group"] not in groups:
            hint = difflib.get_close_matches(r["group"], sorted(groups), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append(
                Problem(
                    file, f"group '{r['group']}' has no staff{extra}; use * for every group", row, "group"
                )
            )
        if RULES[r["rule"]].per_shift and r["shift"] not in shift_ids:
            problems.append(
                Problem(
                    file, f"rule '{r['rule']}' needs a known shift type, got '{r['shift']}'", row, "shift"
                )
            )
        elif not RULES[r["rule"]].per_shift and r["shift"]:
            problems.append(Problem(file, f"rule '{r['rule']}' does not take a shift type", row, "shift"))
    key = rules[["group", "rule", "shift"]].astype(str).apply("/".join, axis=1)
    for idx in rules.index[key.duplicated()]:
        problems.append(Problem(file, f"rule {key[idx]} is listed twice", int(rows[idx]), "rule"))


SKILL_SEPARATOR = "|"
"""What separates the skills of a staff member's ``skills`` cell (``charge|PICC``)."""
OTHER_SEPARATORS = ",;"
"""Separators a spreadsheet user may write in place of :data:`SKILL_SEPARATOR`."""


def _check_skills(
    tables: dict[str, pd.DataFrame],
    rows: dict[str, pd.Series],
    files: dict[str, str],
    problems: list[Problem],
) -> None:
    """Staff skills separated by ``|``, and every cover row's skill held by some staff member: a
    skill nobody has was only found at solve time, as cover that "0 of 0" staff can work."""
    staff = tables["staff"]
    held: set[str] = set()
    for idx, cell in staff["skills"].items():
        for skill in parse_list(cell):
            held.add(skill)
            other = next((c for c in OTHER_SEPARATORS if c in skill), None)
            if other is not None:
                message = (
                    f"skill '{skill}' holds '{other}': separate skills with {SKILL_SEPARATOR} (charge|PICC)"
                )
                problems.append(Problem(files["staff"], message, int(rows["staff"][idx]), "skills"))
    for name in ("cover", "cover_pattern"):
        frame = tables.get(name)
        if frame is None:
            continue
        for idx, skill in frame["skill"].items():
            if skill is None or skill == "" or skill in held:
                continue
            hint = difflib.get_close_matches(str(skill), sorted(held), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            known = f"skills held: {', '.join(sorted(held))}" if held else "no staff member has any skill"
            message = f"no staff member has skill '{skill}'{extra}; {known} (staff column skills)"
            problems.append(Problem(files[name], message, int(rows[name][idx]), "skill"))


def _requests_to_work_when_off(
    tables: dict[str, pd.DataFrame], rows: pd.Series, file: str
) -> tuple[str, ...]:
    """The note on requests to work on a leave day or a fixed day off: none can be granted, so each
    is denied on every rota, a constant in the penalty. A note, not a refusal (as a pre-assignment
    there is): a request is a wish, often exported from another system before the leave was
    booked, and the rota can still be made."""
    requests = tables["requests"]
    leave = tables.get("leave")
    away: dict[tuple[str, dt.date], str] = {}
    if leave is not None:
        away = dict(
            zip(zip(leave["staff_id"], leave["date"].dt.date, strict=True), leave["reason"], strict=True)
        )
    fixed_off = {
        who: tuple(fixed_days_off(off).split("|"))
        for who, off in zip(tables["staff"]["staff_id"], tables["staff"]["fixed_days_off"], strict=True)
    }
    on = requests[requests["kind"] == "on"]
    found = []
    for idx, who, day, shift in zip(
        on.index, on["staff_id"], on["date"].dt.date, on["shift_id"], strict=True
    ):
        what = f"row {int(rows[idx])} ({who} asks to work {f'shift {shift}' if shift else 'a shift'} on {day}"
        if (who, day) in away:
            found.append(f"{what}, on {away[who, day]})")
        elif WEEKDAYS[day.weekday()] in fixed_off.get(who, ()):
            found.append(f"{what}, a {day:%A}: a fixed day off)")
    if not found:
        return ()
    more = f" and {len(found) - MAX_NOTED} more" if len(found) > MAX_NOTED else ""
    named = "; ".join(found[:MAX_NOTED])
    return (
        f"{file}: {len(found)} requests to work fall on the person's leave or fixed day off and are "
        f"denied on every rota (their weight is in every rota's penalty): {named}{more}.",
    )


def _repeated_requests(requests: pd.DataFrame, rows: pd.Series, file: str) -> tuple[str, ...]:
    """The note on a request listed more than once (person, date, shift, kind): each row counts as
    a request of its own, so its weight is paid, and a denial reported, once a row. A note, not a
    refusal: the generator's wards draw such repeats (on the recorded benchmarks), and a repeat may
    be meant as more weight; it went unsaid."""
    key = ["staff_id", "date", "shift_id", "kind"]
    repeats = requests[requests.duplicated(key, keep=False)]
    if repeats.empty:
        return ()
    groups = [
        (who, day, shift, kind, ", ".join(str(int(rows[i])) for i in group.index))
        for (who, day, shift, kind), group in repeats.groupby(key, sort=False)
    ]
    named = "; ".join(
        f"rows {where} ({who} asks {'to work' if kind == 'on' else 'not to work'}"
        f"{f' shift {shift}' if shift else ''} on {day:%Y-%m-%d})"
        for who, day, shift, kind, where in groups[:MAX_NOTED]
    )
    more = f" and {len(groups) - MAX_NOTED} more" if len(groups) > MAX_NOTED else ""
    verb = "is" if len(groups) == 1 else "are"
    return (
        f"{file}: {count(len(groups), 'request')} {verb} listed more than once, and each row counts as a "
        f"request of its own (its weight paid, and a denial reported, once a row): {named}{more}.",
    )


def _re_rostering_without_published(
    params: dict[str, Any], tables: dict[str, pd.DataFrame]
) -> tuple[str, ...]:
    """The note on re-rostering parameters (``max_changes``, ``change_from``) given without a
    published rota to hold them against: the rota is made afresh, and a forgotten or misnamed
    ``published.csv`` went unseen (no changes counted, none capped)."""
    published = tables.get("published")
    if published is not None and not published.empty:
        return ()
    given = [name for name in ("max_changes", "change_from") if params.get(name) is not None]
    if not given:
        return ()
    named = f"the parameters {' and '.join(given)} are" if len(given) > 1 else f"the parameter {given[0]} is"
    return (
        f"{named} given but there is no published rota (published.csv, a run's assignments.csv) to "
        "re-roster against: the rota is made afresh and no change is counted or capped.",
    )


def _check_leave_once_a_day(leave: pd.DataFrame, rows: pd.Series, file: str, problems: list[Problem]) -> None:
    """One leave row a person a day: the model would keep one and lose the other's credit hours."""
    first_row: dict[tuple[str, dt.date], int] = {}
    for idx, who, day in zip(leave.index, leave["staff_id"], leave["date"].dt.date, strict=True):
        row = int(rows[idx])
        if (who, day) in first_row:
            message = (
                f"{who} already has leave on {day} (row {first_row[who, day]}); give one row a day, "
                "its credit_hours the day's total"
            )
            problems.append(Problem(file, message, row, "date"))
        else:
            first_row[who, day] = row


def _check_dates(
    frame: pd.DataFrame,
    rows: pd.Series,
    file: str,
    name: str,
    first: dt.date,
    last: dt.date,
    problems: list[Problem],
) -> None:
    dates = frame["date"].dt.date
    if name == "history":
        for idx in frame.index[dates >= first]:
            problems.append(
                Problem(file, f"{dates[idx]} is not before first_date {first}", int(rows[idx]), "date")
            )
        return
    for idx in frame.index[(dates < first) | (dates > last)]:
        problems.append(
            Problem(file, f"{dates[idx]} is outside the rota, {first} to {last}", int(rows[idx]), "date")
        )


def _cover(
    tables: dict[str, pd.DataFrame],
    rows: dict[str, pd.Series],
    files: dict[str, str],
    first: dt.date | None,
    days: int | None,
    problems: list[Problem],
) -> pd.DataFrame:
    """Dated cover: the pattern expanded over the horizon, dated rows replacing its rows."""
    if "cover" not in tables and "cover_pattern" not in tables:
        problems.append(
            Problem(files["cover"], "no cover: give cover.csv (per date) or cover_pattern.csv (per weekday)")
        )
        return pd.DataFrame()
    if (pattern := tables.get("cover_pattern")) is not None:
        tables["cover_pattern"] = _pattern_days(
            pattern, rows["cover_pattern"], files["cover_pattern"], problems
        )
    for name, key in (("cover", _COVER_KEY), ("cover_pattern", ["weekday", "shift_id", "skill"])):
        frame = tables.get(name)
        if frame is None:
            continue
        frame["skill"] = frame["skill"].fillna("")
        frame["maximum"] = frame["maximum"].fillna(-1).astype(int)
        for idx in frame.index[frame.duplicated(key)]:
            what = "/".join(str(frame.at[idx, k]) for k in key)
            problems.append(Problem(files[name], f"{what} is listed twice", int(rows[name][idx]), key[0]))
        limited = frame["maximum"] >= 0
        for idx in frame.index[limited & (frame["minimum"] > frame["maximum"])]:
            problems.append(Problem(files[name], "minimum is above maximum", int(rows[name][idx]), "minimum"))
        outside = (frame["preferred"] < frame["minimum"]) | (
            limited & (frame["preferred"] > frame["maximum"])
        )
        for idx in frame.index[outside]:
            problems.append(
                Problem(
                    files[name], "preferred is outside minimum .. maximum", int(rows[name][idx]), "preferred"
                )
            )
    if first is None or days is None:
        return pd.DataFrame()
    dated = tables.get("cover")
    if dated is not None:
        dated = dated.assign(date=dated["date"].dt.date)
    if "cover_pattern" not in tables:
        return dated
    expanded = weekly_cover(
        tables["cover_pattern"], first, days, holidays_of(tables.get("bank_holidays"), first, days)
    )
    if dated is None or dated.empty:
        return expanded
    keep = ~pd.MultiIndex.from_frame(expanded[_COVER_KEY]).isin(pd.MultiIndex.from_frame(dated[_COVER_KEY]))
    both = pd.concat([expanded[keep], dated[expanded.columns]], ignore_index=True)
    return both.sort_values(["date"], kind="stable").reset_index(drop=True)


def _pattern_days(pattern: pd.DataFrame, rows: pd.Series, file: str, problems: list[Problem]) -> pd.DataFrame:
    """Each pattern row's day as ``Mon`` .. ``Sun`` (:func:`~models.common.weekdays.weekday`, as
    fixed days off and an MDT's day are read) or ``bank_holiday``, any case; a problem naming the
    row of any other (the pattern took only ``Mon`` .. ``Sun`` where fixed days off took
    ``Wednesday``), and that row left out, so the other checks and the expansion still run."""
    text = pattern["weekday"].astype(str).str.strip()
    days = text.map(lambda day: BANK_HOLIDAY if day.lower() == BANK_HOLIDAY else weekday(day))
    for idx in pattern.index[days.isna()]:
        message = f"'{pattern.at[idx, 'weekday']}' is not a weekday ({SPELLINGS}) nor {BANK_HOLIDAY}"
        problems.append(Problem(file, message, int(rows[idx]), "weekday"))
    return pattern.assign(weekday=days)[days.notna()]


def holidays_of(changes: pd.DataFrame | None, first: dt.date, days: int) -> dict[dt.date, str]:
    """England's bank holidays in the rota, with the instance's ``bank_holidays`` rows added
    (``holiday`` true) or removed (false)."""
    add: list[dt.date] = []
    remove: list[dt.date] = []
    if changes is not None:
        for date, holiday in zip(changes["date"].dt.date, changes["holiday"], strict=True):
            (add if bool(holiday) else remove).append(date)
    return bank_holidays(first, first + dt.timedelta(days=days - 1), add=add, remove=remove)


def _problem(problem: Any, files: dict[str, str], rows: dict[str, pd.Series], yaml_file: str) -> Problem:
    """A model's :class:`~models.common.contract.InputProblem` against the file, row and column it names.

    Rows of tables passed to the model as read map to their spreadsheet rows; cover expanded from
    a pattern is reported against the pattern's file without a row.
    """
    if problem.table == "parameters":
        return Problem(
            yaml_file, problem.message, column=f"parameters.{problem.column}" if problem.column else None
        )
    table = problem.table
    if table == "cover" and table not in rows and "cover_pattern" in files:
        table = "cover_pattern"
    line = None
    if problem.row is not None and table in rows and problem.row - 1 < len(rows[table]):
        line = int(rows[table].iloc[problem.row - 1])
    return Problem(files.get(table, yaml_file), problem.message, line, problem.column)


# ---- extra files -------------------------------------------------------------------------------


def write_extra(plan: RosterPlan, case: ModelCase, folder: Path) -> list[str]:
    """The rota workbook and calendars (``rota.xlsx``, ``rota.ics``, ``calendars/``); returns the files."""
    if not plan.found:
        return []
    data: RosterInput = case.input
    stamp = run_timestamp()
    write_rota_workbook(
        folder / "rota.xlsx",
        plan.rota,
        data.dates,
        data.staff,
        plan.staff_summary.round(2),  # as staff_summary.csv, without building the plan's other tables
        cover_export(plan.cover),  # as cover.csv: no maximum is a blank cell, not -1
        plan.penalties,
        data.leave,
        created=stamp,
    )
    timed = plan.rota[plan.rota["start"].notna()]
    everyone = data.staff["staff_id"].astype(str)
    zone = data.timezone
    calendars = write_rota_calendars(timed, folder, data.name, staff=everyone, timezone=zone, stamp=stamp)
    return ["rota.xlsx", *calendars]


def plan_rows(data: RosterInput) -> int:
    """The shifts a rota of ``data`` is expected to hold: the preferred headcount of every cover row
    (rows for a skill count holders among those already counted)."""
    cover = data.cover
    if cover is None or cover.empty or "preferred" not in cover:
        return 0
    headcount = cover["skill"].fillna("") == "" if "skill" in cover else pd.Series(True, index=cover.index)
    return int(cover.loc[headcount, "preferred"].clip(lower=0).sum())


KIND = Kind(
    name="roster",
    description="Detailed staff rotas: who works which shift on which date, legal and fair",
    tables=TABLES,
    parameters=PARAMETERS,
    build_input=build_input,
    summary=summary,
    model=models.roster,
    write_extra=write_extra,
    plan_rows=plan_rows,
)
