"""``kind: cover``: cross-trust oncologist cover instances: typed input, solve, files and summary.

Problems that span tables or need the horizon (a demand week past the horizon, an absence that
ends before it starts, an oncologist with no specialism, the same pair listed twice, a weekday
that is not Mon..Fri) are found here with file, row and column, before
:class:`models.cover.input.CoverInstance` is built.  Journeys the ``travel`` table leaves out are
estimated from the sites' coordinates (straight-line km x road factor; minutes at a road
speed plus an overhead; miles = road km / 1.609).
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models.common.travel import great_circle_km, road_minutes
from models.cover.input import WEEKDAYS, CoverInstance, CoverParameters
from models.cover.solve import CoverPlan, solve_cover
from optimiser.errors import InputError, Problem
from optimiser.exports.safe import write_csv
from optimiser.exports.workbook import write_workbook
from optimiser.kinds.base import (
    Kind,
    RunSettings,
    date_parameter,
    required_parameter,
    row_numbers,
    without_rows,
)
from optimiser.kinds.cover_schema import MODEL_PARAMETERS, PARAMETERS, TABLES
from optimiser.kinds.figures import money, number_or_none, rounded_floats
from optimiser.outputs import write_json

KM_PER_MILE = 1.609344
MAX_LISTED = 20
PLAN_TABLES = (
    "grid",
    "rota",
    "cover",
    "mdts",
    "mdt_attendance",
    "travel",
    "visits",
    "workload",
    "costs",
    "baseline_cover",
    "solves",
)
WORKBOOK = "cover.xlsx"
_DAY_NAMES = {d.lower(): d for d in WEEKDAYS} | {
    full: d
    for full, d in zip(("monday", "tuesday", "wednesday", "thursday", "friday"), WEEKDAYS, strict=True)
}
_KEYS = {
    "specialisms": ["oncologist_id", "tumour_site_id"],
    "demand": ["trust_id", "tumour_site_id", "week"],
    "locums": ["trust_id", "tumour_site_id"],
    "travel": ["from_site", "to_site"],
}


def _empty(table: str) -> pd.DataFrame:
    schema = next(t for t in TABLES if t.name == table)
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in schema.columns})


def build_input(tables: dict[str, pd.DataFrame], params: dict[str, Any], files: dict[str, str]) -> dict:
    """Typed :class:`CoverInstance` and :class:`CoverParameters`; InputError for cross-table problems."""
    problems: list[Problem] = []
    yaml_file = str(Path(files["trusts"]).parent / "instance.yaml")
    rows = {name: row_numbers(frame) for name, frame in tables.items()}
    tables = {name: without_rows(frame) for name, frame in tables.items()}
    for name in ("absences", "mdts", "locums"):
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
                    f"week {d.at[idx, 'week']} is past the horizon of {weeks} weeks",
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
    if problems:
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
            first_week=first,
            weeks=weeks,
            name=Path(files["trusts"]).parent.name,
        )
        parameters = CoverParameters(**{k: params[k] for k in MODEL_PARAMETERS})
    except ValueError as exc:  # a rule checked only by the model: report it against its table
        named = re.search(r"table '(\w+)'", str(exc))
        where = files.get(named.group(1), yaml_file) if named else yaml_file
        raise InputError([Problem(where, str(exc))]) from None
    return {"instance": instance, "parameters": parameters, "time_limit": params["time_limit_per_solve"]}


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
    for idx in a.index[pd.to_datetime(a["last_day"]) < pd.to_datetime(a["first_day"])]:
        problems.append(
            Problem(
                file,
                f"last_day {a.at[idx, 'last_day']} is before first_day {a.at[idx, 'first_day']}",
                int(rows[idx]),
                "last_day",
            )
        )


def _weekdays(mdts: pd.DataFrame, rows: pd.Series, file: str, problems: list[Problem]) -> pd.DataFrame:
    text = mdts["weekday"].astype(str).str.strip().str.lower()
    for idx in mdts.index[~text.isin(list(_DAY_NAMES))]:
        problems.append(
            Problem(file, f"'{mdts.at[idx, 'weekday']}' is not a weekday Mon..Fri", int(rows[idx]), "weekday")
        )
    return mdts.assign(weekday=text.map(_DAY_NAMES).fillna(mdts["weekday"]))


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


def solve(case: dict, settings: RunSettings) -> CoverPlan:
    """Solve with the backend and options asked for (every weekly sub-model gets the options).

    Without ``--time-limit`` each solve stops after the instance's ``time_limit_per_solve``
    (default 60 s) with the best plan found and its gap: the fairness and continuity stage
    can otherwise run for hours on a large instance.
    """
    options = settings.options
    if options.time_limit is None:
        options = dataclasses.replace(options, time_limit=case["time_limit"])
    return solve_cover(case["instance"], case["parameters"], backend=settings.backend, options=options)


def grid(plan: CoverPlan) -> pd.DataFrame:
    """One row per oncologist, one column per week: where, for which tumour site, how many PAs.

    A cell reads e.g. ``RXN02 breast 5.5 | RXL01 lung 2`` (home site first), prefixed with the
    absence of that week (``maternity``) and the share absent when it is partial.
    """
    w = plan.workload
    labels = (
        w["week"].map(lambda k: f"wk{k:02d}") + " " + pd.to_datetime(w["week_start"]).dt.strftime("%d %b")
    )
    r = plan.rota.sort_values(["oncologist_id", "week", "away", "site_id", "tumour_site_id"])
    work = (
        (r["site_id"] + " " + r["tumour_site_id"] + " " + r["pas"].map("{:g}".format))
        .groupby([r["oncologist_id"], r["week"]])
        .agg(" | ".join)
    )
    key = pd.MultiIndex.from_arrays([w["oncologist_id"], w["week"]])
    cell = pd.Series(work.reindex(key).fillna("").to_numpy(), index=w.index)
    share = w["absent_share"].to_numpy(float)
    absent = np.where(
        share >= 1,
        w["absence"],
        np.where(share > 0, w["absence"] + " " + (share * 100).round().astype(int).astype(str) + "%", ""),
    )
    text = np.where((absent != "") & (cell != ""), absent + ": " + cell, np.where(absent != "", absent, cell))
    table = pd.DataFrame({"oncologist_id": w["oncologist_id"], "week": labels, "cell": text})
    wide = table.pivot(index="oncologist_id", columns="week", values="cell")
    wide = wide[sorted(wide.columns)]
    homes = w.drop_duplicates("oncologist_id").set_index("oncologist_id")["home_site"]
    wide.insert(0, "home_site", homes.reindex(wide.index))
    names = plan.rota.drop_duplicates("oncologist_id").set_index("oncologist_id")["oncologist"]
    wide.insert(0, "oncologist", names.reindex(wide.index).fillna(""))
    return wide.reset_index().rename_axis(columns=None)


def _tables(plan: CoverPlan) -> dict[str, pd.DataFrame]:
    return {
        name: rounded_floats(grid(plan) if name == "grid" else getattr(plan, name), 4) for name in PLAN_TABLES
    }


def write(plan: CoverPlan, folder: Path) -> list[str]:
    """Plan tables as formula-safe CSV, the same tables as sheets of one workbook, and the summary."""
    written = []
    if plan.found:
        tables = _tables(plan)
        for name, frame in tables.items():
            write_csv(frame, folder / f"{name}.csv")
            written.append(f"{name}.csv")
        write_workbook(folder / WORKBOOK, tables)
        written.append(WORKBOOK)
    write_json(folder / "summary.json", summary_json(plan))
    written.append("summary.json")
    return written


def summary_json(plan: CoverPlan) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": "cover",
        "status": plan.status.value,
        "mode": plan.mode,
        "stages": [
            {
                "name": st.name,
                **{k: v for k, v in st.result.to_dict().items() if k != "message"},
                "message": st.result.message,
                "values": {k: round(float(v), 6) for k, v in st.values.items()},
            }
            for st in plan.stages
        ],
        "timings": {k: round(v, 4) for k, v in plan.timings.items()},
        "cannot_meet": list(plan.cannot_meet),
        "shortfalls": list(plan.shortfalls),
    }
    if plan.found:
        out["costs"] = {
            row.metric: {
                "unit": row.unit,
                "plan": number_or_none(row.plan),
                "baseline": number_or_none(row.baseline),
                "change": number_or_none(row.change),
            }
            for row in plan.costs.itertuples()
        }
    return out


def _figure(value: float, unit: str) -> str:
    if pd.isna(value):
        return "n/a"
    if unit == "GBP":
        return money(value)
    return f"{value:,.1f}" if value != round(value) else f"{value:,.0f}"


def summary(plan: CoverPlan) -> str:
    lines = [f"Status: {plan.status.value} ({plan.mode})"]
    lines.append(f"{'Stage':48} {'status':9} {'objective':>12} {'bound':>12} {'gap':>7}")
    for st in plan.stages:
        r = st.result
        gap = f"{r.gap:.2%}" if r.gap is not None else "n/a"
        obj = f"{r.objective:,.2f}" if r.objective is not None else "n/a"
        bound = f"{r.bound:,.2f}" if r.bound is not None else "n/a"
        lines.append(f"{st.name[:48]:48} {r.status.value:9} {obj:>12} {bound:>12} {gap:>7}")
    t = plan.timings
    lines.append(
        f"Time: plan {t['solve_plan']:.1f} s, baseline {t['solve_baseline']:.1f} s (build {t['build']:.1f} s)"
    )
    if plan.cannot_meet:
        lines += ["", "Cannot be met by any plan:"]
        lines += [f"  - {m}" for m in plan.cannot_meet[:MAX_LISTED]]
    if not plan.found:
        lines += ["", "No plan:"]
        for note in plan.shortfalls:
            lines += textwrap.wrap(note, 100, initial_indent="  - ", subsequent_indent="    ")
        return "\n".join(lines)
    lines += [
        "",
        f"{'Against the baseline (all at home, locums fill gaps)':54} "
        f"{'plan':>12} {'baseline':>12} {'change':>12}",
    ]
    for row in plan.costs.itertuples():
        label = f"{row.metric} ({row.unit})"
        figures = [_figure(v, row.unit) for v in (row.plan, row.baseline, row.change)]
        lines.append(f"{label[:54]:54} " + " ".join(f"{f:>12}" for f in figures))
    travel = plan.travel.sort_values("away_burden_pas", ascending=False).head(5)
    travel = travel[travel["away_burden_pas"] > 0]
    if len(travel):
        lines += ["", "Largest away burdens (PAs away + travel over the horizon):"]
        for row in travel.itertuples():
            lines.append(
                f"  {row.oncologist_id}: {row.away_burden_pas:g} PAs, {row.trips:g} trips, "
                f"{row.miles:,.0f} miles"
            )
    lines.append("")
    if plan.shortfalls:
        lines.append(f"Uncovered demand and non-quorate MDTs ({len(plan.shortfalls)}):")
        lines += [f"  - {m}" for m in plan.shortfalls[:MAX_LISTED]]
        if len(plan.shortfalls) > MAX_LISTED:
            lines.append(f"  ... and {len(plan.shortfalls) - MAX_LISTED} more (see cover.csv and mdts.csv)")
    else:
        lines.append("All demand is covered and every MDT is quorate.")
    return "\n".join(lines)


KIND = Kind(
    name="cover",
    description="Cross-trust oncologist cover: who covers which clinics where, week by week, MDT quoracy",
    tables=TABLES,
    parameters=PARAMETERS,
    build_input=build_input,
    solve=solve,
    write=write,
    summary=summary,
    summary_json=summary_json,
    plan_found=lambda plan: plan.found,
    backends=("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk"),
)
