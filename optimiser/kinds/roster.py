"""``kind: roster``: detailed staff rotas: typed input, CP-SAT solve, rota files and summary.

Problems that span tables or need the horizon (a start time that is not HH:MM, an unknown rule
or group, a date outside the horizon, cover minimum above maximum) are found here with file, row
and column, all in one pass; anything :class:`models.roster.input.RosterInput` still refuses
is reported against the table (and row) its message names. Every rota found is re-checked by
:func:`models.roster.check.check_roster`, which does not use the model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from models.roster.catalogue import ALL_GROUPS, RULES, weekly_cover
from models.roster.check import RosterCheck, check_roster
from models.roster.input import RosterInput, RosterParameters, parse_time
from models.roster.solve import RosterPlan, solve_roster
from optimiser.errors import InputError, Problem
from optimiser.exports.rota import write_rota_calendars, write_rota_csv, write_rota_workbook
from optimiser.exports.safe import write_csv
from optimiser.kinds.base import (
    Kind,
    RunSettings,
    date_parameter,
    required_parameter,
    row_numbers,
    without_rows,
)
from optimiser.kinds.figures import rounded_floats
from optimiser.kinds.roster_schema import ASSIGNMENT_TABLES, MODEL_PARAMETERS, PARAMETERS, TABLES
from optimiser.kinds.roster_summary import by_rule, summary
from optimiser.outputs import write_json

_COVER_KEY = ["date", "shift_id", "skill"]


@dataclass(frozen=True)
class RosterCase:
    """What :func:`solve` needs: the validated input and the default time limit (seconds)."""

    data: RosterInput
    time_limit: float | None


@dataclass(frozen=True)
class RosterRun:
    """A solve's outcome: the input, the model's plan and the independent check of its rota."""

    data: RosterInput
    plan: RosterPlan
    check: RosterCheck | None

    @property
    def found(self) -> bool:
        return self.plan.found


# ---- build_input ---------------------------------------------------------------------------------


def build_input(tables: dict[str, pd.DataFrame], params: dict[str, Any], files: dict[str, str]) -> RosterCase:
    """Typed :class:`RosterCase` from validated tables; raise InputError naming file, row and column."""
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
    _check_rules(tables, rows["rules"], files["rules"], problems)
    if "requests" in tables:
        tables["requests"]["shift_id"] = tables["requests"]["shift_id"].fillna("")
    if first is not None and days is not None:
        last = first + dt.timedelta(days=days - 1)
        for name in (*ASSIGNMENT_TABLES, "requests", "cover"):
            if name in tables:
                _check_dates(tables[name], rows[name], files[name], name, first, last, problems)
    cover = _cover(tables, rows, files, first, days, problems)
    if problems:
        raise InputError(problems)
    assert first is not None and days is not None
    model_params = RosterParameters(**{k: params[k] for k in MODEL_PARAMETERS})
    try:
        data = RosterInput(
            staff=tables["staff"],
            shifts=shifts,
            first_date=first,
            days=days,
            cover=cover,
            rules=tables["rules"],
            parameters=model_params,
            name=Path(yaml_file).absolute().parent.name,
            **{k: tables.get(k) for k in (*ASSIGNMENT_TABLES, "leave", "requests", "forbidden_successions")},
        )
    except ValueError as exc:  # a rule checked only by the model: report it against its table and row
        direct = {name: rows[name] for name in tables if name not in ("cover", "cover_pattern")}
        if "cover" in tables and "cover_pattern" not in tables:
            direct["cover"] = rows["cover"]
        raise InputError([_model_problem(str(exc), files, direct, yaml_file)]) from None
    return RosterCase(data, params["time_limit"])


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
    expanded = weekly_cover(tables["cover_pattern"], first, days)
    if dated is None or dated.empty:
        return expanded
    keep = ~pd.MultiIndex.from_frame(expanded[_COVER_KEY]).isin(pd.MultiIndex.from_frame(dated[_COVER_KEY]))
    both = pd.concat([expanded[keep], dated[expanded.columns]], ignore_index=True)
    return both.sort_values(["date"], kind="stable").reset_index(drop=True)


def _model_problem(text: str, files: dict[str, str], rows: dict[str, pd.Series], yaml_file: str) -> Problem:
    """The model's ValueError ("table, row n: ...") as a problem against that table's file."""
    match = re.match(r"(\w+)(?:, row (\d+))?: (.*)", text, re.S)
    if match is None:
        return Problem(yaml_file, text)
    table, row, message = match.group(1), match.group(2), match.group(3)
    if table == "parameters":
        return Problem(yaml_file, message)
    file = files.get(table, yaml_file)
    line = None
    if row is not None and table in rows and int(row) - 1 < len(rows[table]):
        line = int(rows[table].iloc[int(row) - 1])
    schema = next((t for t in TABLES if t.name == table), None)
    words = set(re.findall(r"\w+", message))
    column = next((c.name for c in schema.columns if c.name in words), None) if schema else None
    return Problem(file, message, line, column)


# ---- solve and write -----------------------------------------------------------------------------


def solve(case: RosterCase, settings: RunSettings) -> RosterRun:
    """Solve with CP-SAT (the instance's ``time_limit`` when none is given) and check the rota found."""
    if settings.backend != "cpsat":
        raise RuntimeError(f"roster instances are solved with cpsat, not '{settings.backend}'")
    options = settings.options
    if options.time_limit is None and case.time_limit:
        options = dataclasses.replace(options, time_limit=case.time_limit)
    plan = solve_roster(case.data, options)
    check = check_roster(case.data, plan.assignments) if plan.found else None
    return RosterRun(case.data, plan, check)


def write(run: RosterRun, folder: Path) -> list[str]:
    """The rota as CSV, workbook and calendars, its tables, and summary.json; returns the files."""
    plan, data = run.plan, run.data
    written: list[str] = []
    if not plan.found:
        write_csv(plan.violations, folder / "violations.csv")
        write_json(folder / "summary.json", summary_json(run))
        return ["violations.csv", "summary.json"]
    write_rota_csv(plan.rota, folder / "rota.csv")
    write_csv(plan.assignments, folder / "assignments.csv")
    write_rota_workbook(
        folder / "rota.xlsx",
        plan.rota,
        data.dates,
        data.staff,
        rounded_floats(plan.staff_summary, 2),
        plan.cover,
        plan.penalties,
        data.leave,
    )
    written += ["rota.csv", "assignments.csv", "rota.xlsx"]
    timed = plan.rota[plan.rota["start"].notna()]
    written += write_rota_calendars(timed, folder, data.name)
    tables = {
        "penalties": plan.penalties,
        "cover": plan.cover,
        "staff_summary": rounded_floats(plan.staff_summary, 2),
    }
    if data.published is not None and len(data.published):
        tables["changes"] = plan.changes
    for name, frame in tables.items():
        write_csv(frame, folder / f"{name}.csv")
        written.append(f"{name}.csv")
    write_json(folder / "summary.json", summary_json(run))
    return [*written, "summary.json"]


# ---- summaries -----------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def summary_json(run: RosterRun) -> dict[str, Any]:
    plan, data = run.plan, run.data
    out: dict[str, Any] = {
        "kind": "roster",
        "name": data.name,
        "horizon": {"first_date": data.first_date, "last_date": data.last_date, "days": data.days},
        "solver": plan.result.to_dict(),
        "timings": {k: round(v, 4) for k, v in plan.timings.items()},
        "explanation": list(plan.explanation),
    }
    if not plan.found:
        out["violations"] = _records(plan.violations)
        return out
    rules = by_rule(plan.penalties)
    out["objective_by_rule"] = {
        rule: {"units": int(r.units), "items": int(r["items"]), "cost": int(r.cost)}
        for rule, r in rules.iterrows()
    }
    cover, s = plan.cover, plan.staff_summary
    re_rostering = data.published is not None and len(data.published) > 0
    out["counts"] = {
        "staff": len(data.staff),
        "shifts_assigned": len(plan.assignments),
        "hours_assigned": round(float(s["hours"].sum()), 2),
        "nights": int(s["nights"].sum()),
        "on_calls": int(s["on_calls"].sum()),
        "leave_days": int(s["leave_days"].sum()),
        "cover_rows": len(cover),
        "cover_rows_under_preferred": int((cover["under"] > 0).sum()),
        "people_short_of_preferred": int(cover["under"].sum()),
        "cover_rows_over_preferred": int((cover["over"] > 0).sum()),
        "requests": len(data.requests),
        "requests_denied": int(s["requests_denied"].sum()),
        "changes": len(plan.changes) if re_rostering else None,
    }
    if run.check is not None:
        out["check"] = {
            "hard_rules_broken": len(run.check.hard),
            "score": run.check.score,
            "score_equals_objective": plan.result.objective == run.check.score,
            "hard_breaches": _records(run.check.hard),
        }
    return out


KIND = Kind(
    name="roster",
    description="Detailed staff rotas: who works which shift on which date, legal and fair",
    tables=TABLES,
    parameters=PARAMETERS,
    build_input=build_input,
    solve=solve,
    write=write,
    summary=summary,
    summary_json=summary_json,
    plan_found=lambda run: run.found,
    backends=("cpsat",),
)
