"""``kind: cover``: cross-trust oncologist cover instances: typed input, terminal summary and workbook.

Problems that span tables or need the horizon (a demand week past the horizon, an absence that
ends before it starts, an oncologist with no specialism, the same pair listed twice, a weekday
that is not Mon..Fri) are found here with file, row and column, before
:class:`models.cover.input.CoverInstance` is built; a rule only the model checks comes back as
a :class:`~models.common.contract.ModelInputError` whose problems name the table, row and
column.  Journeys the ``travel`` table leaves out are estimated from the sites' coordinates
(straight-line km x road factor; minutes at a road speed plus an overhead; miles = road km /
1.609).  Solving, checking and writing the plan's tables go through :mod:`optimiser.run`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

import models.cover
from models.common.contract import ModelInputError
from models.common.travel import great_circle_km, road_minutes
from models.common.weekdays import SPELLINGS, weekday
from models.common.words import count
from models.cover.input import WEEKDAYS, CoverInstance, CoverParameters
from models.cover.plan import TABLES as PLAN_TABLES
from models.cover.plan import CoverPlan
from optimiser.errors import InputError, Problem
from optimiser.exports.workbook import write_workbook
from optimiser.kinds.base import (
    Kind,
    ModelCase,
    date_parameter,
    required_parameter,
    row_numbers,
    without_rows,
)
from optimiser.kinds.cover_schema import MODEL_PARAMETERS, PARAMETERS, TABLES
from optimiser.kinds.figures import gap_percent, money, solver_status

__all__ = ["KIND", "PLAN_TABLES", "WORKBOOK", "build_input", "summary", "write_extra"]

KM_PER_MILE = 1.609344
MAX_LISTED = 5
"""Shortfalls named in the terminal summary; every one is in cover.csv, mdts.csv and summary.json."""
WORKBOOK = "cover.xlsx"
_KEYS = {
    "specialisms": ["oncologist_id", "tumour_site_id"],
    "demand": ["trust_id", "tumour_site_id", "week"],
    "locums": ["trust_id", "tumour_site_id"],
    "travel": ["from_site", "to_site"],
}


def _empty(table: str) -> pd.DataFrame:
    schema = next(t for t in TABLES if t.name == table)
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in schema.columns})


def build_input(tables: dict[str, pd.DataFrame], params: dict[str, Any], files: dict[str, str]) -> ModelCase:
    """Typed :class:`CoverInstance` and :class:`CoverParameters`; InputError for every problem found."""
    problems: list[Problem] = []
    yaml_file = str(Path(files["trusts"]).parent / "instance.yaml")
    rows = {name: row_numbers(frame) for name, frame in tables.items()}
    tables = {name: without_rows(frame) for name, frame in tables.items()}
    for name in ("absences", "mdts", "locums", "holidays"):
        if name not in tables:
            tables[name] = _empty(name)
            rows[name] = pd.Series(dtype=int)
    first = date_parameter(params, "first_week", yaml_file, problems, monday=True)
    weeks = required_parameter(params, "weeks", "weeks in the horizon", yaml_file, problems)
    for table, key in _KEYS.items():
        if table in tables:
            _duplicates(tables[table], key, rows[table], files[table], problems)
    _check_absences(tables["absences"], rows["absences"], files["absences"], problems)
    if weeks is not None:
        d = tables["demand"]
        for idx in d.index[d["week"] > weeks]:
            problems.append(
                Problem(
                    files["demand"],
                    f"week {d.at[idx, 'week']} is past the horizon of {count(weeks, 'week')}",
                    int(rows["demand"][idx]),
                    "week",
                )
            )
    tables["mdts"] = _weekdays(tables["mdts"], rows["mdts"], files["mdts"], problems)
    onc = tables["oncologists"]
    lacking = ~onc["oncologist_id"].isin(set(tables["specialisms"]["oncologist_id"]))
    for idx in onc.index[lacking]:
        problems.append(
            Problem(
                files["oncologists"],
                f"oncologist {onc.at[idx, 'oncologist_id']} has no row in {files['specialisms']}",
                int(rows["oncologists"][idx]),
                "oncologist_id",
            )
        )
    travel = _complete_travel(tables.get("travel"), tables["sites"], onc, params)
    if problems or first is None:  # date_parameter reports a problem whenever it gives None
        raise InputError(problems)
    try:
        instance = CoverInstance(
            trusts=tables["trusts"],
            sites=tables["sites"],
            tumour_sites=tables["tumour_sites"],
            oncologists=onc,
            specialisms=tables["specialisms"],
            absences=tables["absences"],
            demand=tables["demand"],
            mdts=tables["mdts"],
            locums=tables["locums"],
            travel=travel,
            holidays=tables["holidays"],
            first_week=first,
            weeks=weeks,
            name=Path(files["trusts"]).parent.name,
        )
        parameters = CoverParameters(**{k: params[k] for k in MODEL_PARAMETERS})
    except ModelInputError as exc:  # a rule checked only by the model: its table, row and column
        raise InputError([_problem(p, rows, files, yaml_file) for p in exc.problems]) from None
    return ModelCase(input=instance, parameters=parameters)


def _problem(problem: Any, rows: dict[str, pd.Series], files: dict[str, str], yaml_file: str) -> Problem:
    """The model's :class:`~models.common.contract.InputProblem` as the shell's file/row/column problem."""
    if problem.table not in files:  # the horizon, parameters or the instance as a whole
        return Problem(yaml_file, problem.message, column=f"parameters.{problem.column or problem.table}")
    numbers = rows.get(problem.table, pd.Series(dtype=int))
    row = None
    if problem.row is not None and problem.row <= len(numbers):  # estimated travel rows have none
        row = int(numbers.iloc[problem.row - 1])
    return Problem(files[problem.table], problem.message, row, problem.column)


def _duplicates(
    frame: pd.DataFrame, key: list[str], rows: pd.Series, file: str, problems: list[Problem]
) -> None:
    dup = frame.duplicated(key)
    for idx in frame.index[dup]:
        same = (frame[key] == frame.loc[idx, key]).all(axis=1)
        first = int(rows[frame.index[same][0]])
        what = " / ".join(str(frame.at[idx, k]) for k in key)
        problems.append(
            Problem(file, f"{what} is listed twice (first at row {first})", int(rows[idx]), key[-1])
        )


def _check_absences(a: pd.DataFrame, rows: pd.Series, file: str, problems: list[Problem]) -> None:
    for idx in a.index[a["share"] <= 0]:
        problems.append(Problem(file, "share must be above 0 (1 = fully absent)", int(rows[idx]), "share"))
    first_day, last_day = pd.to_datetime(a["first_day"]), pd.to_datetime(a["last_day"])
    for idx in a.index[last_day < first_day]:
        problems.append(
            Problem(
                file,
                f"last_day {last_day[idx]:%Y-%m-%d} is before first_day {first_day[idx]:%Y-%m-%d}",
                int(rows[idx]),
                "last_day",
            )
        )


def _weekdays(mdts: pd.DataFrame, rows: pd.Series, file: str, problems: list[Problem]) -> pd.DataFrame:
    """Each MDT's day as ``Mon`` .. ``Fri`` (:func:`~models.common.weekdays.weekday`, as a rota's
    fixed days off); a problem naming the row of any other."""
    days = mdts["weekday"].map(weekday)
    meets = days.isin(WEEKDAYS)
    for idx in mdts.index[~meets]:
        message = f"'{mdts.at[idx, 'weekday']}' is not a weekday Mon..Fri: {SPELLINGS}"
        problems.append(Problem(file, message, int(rows[idx]), "weekday"))
    return mdts.assign(weekday=days.where(meets, mdts["weekday"]))


def _complete_travel(
    given: pd.DataFrame | None, sites: pd.DataFrame, oncologists: pd.DataFrame, params: dict[str, Any]
) -> pd.DataFrame:
    """The user's journeys plus every (home site, other site) pair left out, estimated from coordinates."""
    columns = ["from_site", "to_site", "minutes", "miles"]
    given = pd.DataFrame(columns=columns) if given is None else given[columns].drop_duplicates(columns[:2])
    homes = pd.Series(sorted(set(oncologists["home_site"])), name="from_site")
    pairs = pd.merge(homes.to_frame(), sites[["site_id"]].rename(columns={"site_id": "to_site"}), how="cross")
    pairs = pairs[pairs["from_site"] != pairs["to_site"]]
    known = set(zip(given["from_site"], given["to_site"], strict=True))
    known |= {(b, a) for a, b in known}
    missing = pairs[[p not in known for p in zip(pairs["from_site"], pairs["to_site"], strict=True)]]
    if missing.empty:
        return given.reset_index(drop=True)
    xy = sites.set_index("site_id")[["lat", "lon"]].astype(float)
    a, b = xy.reindex(missing["from_site"]).to_numpy(), xy.reindex(missing["to_site"]).to_numpy()
    km = great_circle_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    estimated = missing.assign(
        minutes=road_minutes(km, params["road_factor"], params["speed_kmh"], params["overhead_minutes"]),
        miles=km * params["road_factor"] / KM_PER_MILE,
    )
    return (
        pd.concat([given, estimated], ignore_index=True) if len(given) else estimated.reset_index(drop=True)
    )


def write_extra(plan: CoverPlan, case: ModelCase, folder: Path) -> list[str]:
    """The plan's tables as the sheets of one workbook, beside the CSV files the shell writes."""
    if not plan.found:
        return []
    write_workbook(folder / WORKBOOK, plan.tables())
    return [WORKBOOK]


def _figure(value: float, unit: str) -> str:
    if pd.isna(value):
        return "n/a"
    if unit == "GBP":
        return money(value)
    return f"{value:,.1f}" if value != round(value) else f"{value:,.0f}"


HEADLINES = (
    ("uncovered_pas", "Uncovered PAs", "PA"),
    ("non_quorate_meetings", "MDT meetings not quorate", "meetings"),
    ("locum_cost", "Locum cost", "GBP"),
    ("travel_cost", "Travel cost", "GBP"),
    ("total_cost", "Total cost", "GBP"),
)


def summary(plan: CoverPlan) -> str:
    """Headline figures first, under 25 lines; the details are in the run's files."""
    r = plan.result
    gap = f", gap {gap_percent(r.gap)}" if r.gap is not None else ""
    lines = [f"Status: {solver_status(r)} ({plan.mode}{gap}); {_seconds(plan)}"]
    lines += [f"  ! {note}" for note in plan.explanation[: len(plan.explanation) - _listed(plan)]]
    if not plan.found:
        lines += [f"  - {note}" for note in plan.shortfalls]
        return "\n".join(lines)
    lines += ["", f"{'':28} {'plan':>12} {'baseline':>12}"]
    for metric, label, unit in HEADLINES:
        lines.append(f"{label:28} {_figure(plan.metric(metric), unit):>12} "
                     f"{_figure(plan.metric(metric, 'baseline'), unit):>12}")  # fmt: skip
    saving = plan.metric("total_cost", "baseline") - plan.metric("total_cost")
    if saving >= 0:
        lines.append(f"{'Saving against the baseline':28} {_figure(saving, 'GBP'):>12}")
    else:
        more = plan.metric("uncovered_pas", "baseline") - plan.metric("uncovered_pas")
        lines.append(
            f"{'Cost above the baseline':28} {_figure(-saving, 'GBP'):>12}  (to cover {more:,.1f} more PAs)"
        )
    lines.append("(baseline: everyone at home, locums within availability; costs.csv has every figure)")
    top = plan.travel.sort_values("away_burden_pas", ascending=False).head(1)
    if len(top) and top["away_burden_pas"].iloc[0] > 0:
        t = top.iloc[0]
        lines.append(
            f"Largest away burden: {t['oncologist_id']}, "
            f"{count(t['away_burden_pas'], 'PA', spec='g')} away and travelling, "
            f"{count(int(t['trips']), 'trip')}, {count(t['miles'], 'mile', spec=',.0f')} (travel.csv)"
        )
    lines.append("")
    if plan.cannot_meet:
        lines.append(
            f"{count(len(plan.cannot_meet), 'shortfall')} no plan can avoid (summary.json, explanation)."
        )
    if plan.shortfalls:
        lines.append(f"Uncovered demand and non-quorate MDTs ({len(plan.shortfalls)}; cover.csv, mdts.csv):")
        lines += [f"  - {m}" for m in plan.shortfalls[:MAX_LISTED]]
        if len(plan.shortfalls) > MAX_LISTED:
            lines.append(f"  ... and {len(plan.shortfalls) - MAX_LISTED} more")
    else:
        lines.append("All demand is covered and every MDT is quorate.")
    return "\n".join(lines)


def _listed(plan: CoverPlan) -> int:
    """How many entries at the end of the explanation are what cannot be met and the shortfalls."""
    return len(plan.cannot_meet) + len(plan.shortfalls)


def _seconds(plan: CoverPlan) -> str:
    t = plan.timings
    return f"{t.get('solve_plan', 0) + t.get('solve_baseline', 0):.1f} s ({count(len(plan.solves), 'solve')})"


def plan_rows(data: CoverInstance) -> int:
    """The rows a cover plan's main tables hold, for the time kept back to check and write it:
    a row of ``cover`` per demand row, of ``mdts`` per MDT a week and of ``workload`` per
    oncologist a week (lsc-cover: 832 + 26 x (32 + 34) = 2,548).  Its other tables are smaller or
    follow these, and every one is written twice (CSV and workbook sheet): after the solve
    lsc-cover took 3.5-4.5 s at load 5-6 to check and write, about 1.5 ms a row, as a rota's
    shifts do (:data:`optimiser.clock.CHECK_AND_WRITE_SECONDS_PER_ROW`)."""
    return len(data.demand) + data.weeks * (len(data.mdts) + len(data.oncologists))


KIND = Kind(
    name="cover",
    description="Cross-trust oncologist cover: who covers which clinics where, week by week, MDT quoracy",
    tables=TABLES,
    parameters=PARAMETERS,
    build_input=build_input,
    summary=summary,
    model=models.cover,
    write_extra=write_extra,
    plan_rows=plan_rows,
)
