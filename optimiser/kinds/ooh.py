"""``kind: ooh``: out-of-hours rota consolidation instances: typed input and terminal summary.

The kind keeps the model contract: :mod:`models.ooh` solves, checks and gives the plan's tables
and figures; the shell (:mod:`optimiser.run`) writes them.  Problems that span tables (a
site-service listed twice, supplement bands with a gap, today's rota based at a site that runs
none, a travel time that is needed but neither given nor computable) are found here, with file,
row and column, before :class:`models.ooh.input.OohInput` is built; what only the model checks
comes back as :class:`models.common.contract.ModelInputError` and is mapped table -> file.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import models.ooh
from models.common.contract import ModelInputError
from models.common.travel import great_circle_km, road_minutes
from models.common.words import count
from models.ooh.input import OohInput, OohParameters
from models.ooh.plan import OohPlan, below_min_size
from optimiser.errors import InputError, Problem
from optimiser.kinds.base import Kind, ModelCase, row_numbers, without_rows
from optimiser.kinds.figures import gap_percent, money, saving_words, solver_status
from optimiser.kinds.ooh_schema import MODEL_PARAMETERS, PARAMETERS, TABLES

MAX_LISTED = 20


def _row(rows: pd.Series | None, idx: Any) -> int | None:
    """The file row number of ``idx``, or None when rows are not known."""
    return None if rows is None else int(rows[idx])


def build_input(tables: dict[str, pd.DataFrame], params: dict[str, Any], files: dict[str, str]) -> ModelCase:
    """The model's input and parameters from validated tables; raise InputError naming file and row."""
    problems: list[Problem] = []
    # Row numbers apart: pandas compares attrs on every merge, and a Series there cannot be compared.
    rows = {name: row_numbers(frame) for name, frame in tables.items()}
    tables = {name: without_rows(frame) for name, frame in tables.items()}
    sites, services, bands = tables["sites"], tables["services"], tables["bands"]
    clinicians = tables.get("clinicians")
    for idx in services.index[services["max_rota_size"] < services["min_rota_size"]]:
        problems.append(
            Problem(
                files["services"],
                f"max_rota_size {services.at[idx, 'max_rota_size']:g} is below min_rota_size "
                f"{services.at[idx, 'min_rota_size']:g}",
                int(rows["services"][idx]),
                "max_rota_size",
            )
        )
    _check_bands(bands, rows["bands"], files["bands"], problems)
    rotas = _check_rotas(tables["rotas"], clinicians, rows, files, problems)
    travel, estimated = _complete_travel(
        tables.get("travel"), rows.get("travel"), sites, rotas, params, files, problems
    )
    if problems:
        raise InputError(problems)
    try:
        data = OohInput(
            sites=sites,
            services=services,
            rotas=rotas,
            travel=travel,
            bands=bands,
            clinicians=clinicians,
            name=Path(files["sites"]).parent.name,
        )
    except ModelInputError as exc:  # a rule checked only by the model: report it against its file
        raise InputError(_model_problems(exc, rows, files)) from None
    notes = _estimated_travel_note(estimated, files["travel"], params)
    return ModelCase(data, OohParameters(**{k: params[k] for k in MODEL_PARAMETERS}), notes)


ESTIMATED_SHOWN = 5
"""Estimated travel pairs named in the input note (the note counts the rest)."""


def _estimated_travel_note(estimated: pd.DataFrame, file: str, params: dict[str, Any]) -> tuple[str, ...]:
    """A note naming the travel pairs the plan reads that ``file`` leaves out (``estimated``, from
    the sites' coordinates), so a pair deleted or never given is not taken for the user's own figure."""
    if estimated.empty:
        return ()
    shown = estimated.head(ESTIMATED_SHOWN).itertuples()
    pairs = [f"{r.from_site} -> {r.to_site} {r.minutes:.1f} min" for r in shown]
    more = f" and {len(estimated) - ESTIMATED_SHOWN} more" if len(estimated) > ESTIMATED_SHOWN else ""
    return (
        f"{file}: travel minutes of {count(len(estimated), 'needed pair')} not in the file, estimated "
        f"from coordinates (straight-line km x {params['road_factor']:g} at {params['speed_kmh']:g} km/h "
        f"+ {params['overhead_minutes']:g} min): {', '.join(pairs)}{more}.",
    )


def _check_bands(bands: pd.DataFrame, rows: pd.Series, file: str, problems: list[Problem]) -> None:
    """Each category's bands must run 1..a, a+1..b, ..., z..(blank): no gap, overlap or repeat."""
    for idx in bands.index[bands.duplicated(["category", "band"])]:
        problems.append(
            Problem(file, f"band '{bands.at[idx, 'band']}' is listed twice", int(rows[idx]), "band")
        )
    for category, group in bands.sort_values("min_size").groupby("category", sort=False):
        expected = 1
        for n, idx in enumerate(group.index):
            lo, hi = int(group.at[idx, "min_size"]), group.at[idx, "max_size"]
            last = n == len(group) - 1
            where = f"band '{group.at[idx, 'band']}' of category '{category}'"
            if lo != expected:
                problems.append(
                    Problem(
                        file,
                        f"{where} starts at {lo}, not {expected}: bands must run 1..a, a+1..b, ... "
                        "without gaps or overlaps",
                        int(rows[idx]),
                        "min_size",
                    )
                )
            if pd.isna(hi) != last:
                words = "must have a blank max_size (no upper limit)" if last else "needs a max_size"
                problems.append(Problem(file, f"{where} {words}", int(rows[idx]), "max_size"))
            elif not last and hi < lo:
                problems.append(
                    Problem(file, f"{where}: max_size below min_size", int(rows[idx]), "max_size")
                )
            expected = int(hi) + 1 if pd.notna(hi) else expected


def _check_rotas(
    rotas: pd.DataFrame,
    clinicians: pd.DataFrame | None,
    all_rows: dict[str, pd.Series],
    files: dict[str, str],
    problems: list[Problem],
) -> pd.DataFrame:
    """``rotas`` with clinicians counted and today's hubs filled in; cross-table problems listed."""
    file, rows = files["rotas"], all_rows["rotas"]
    rotas = rotas.copy()
    if rotas.empty:
        problems.append(Problem(file, "no rows: no site needs out-of-hours cover"))
        return rotas
    _check_duplicate_rotas(rotas, rows, file, problems)
    _count_clinicians(rotas, clinicians, all_rows, files, problems)
    _check_today_hubs(rotas, rows, file, problems)
    if not problems:
        today = rotas.groupby(["current_hub", "service_id"])["clinicians"].sum()
        for h, k in today[today < 1].index:
            idx = rotas.index[(rotas["site_id"] == h) & (rotas["service_id"] == k)][0]
            problems.append(
                Problem(file, f"today's {k} rota at {h} has no clinicians", int(rows[idx]), "clinicians")
            )
    return rotas


def _check_duplicate_rotas(rotas: pd.DataFrame, rows: pd.Series, file: str, problems: list[Problem]) -> None:
    """Each (site, service) listed once; a repeat names the row of the first."""
    key = ["site_id", "service_id"]
    for idx in rotas.index[rotas.duplicated(key)]:
        first = rows[rotas.index[(rotas[key] == rotas.loc[idx, key]).all(axis=1)][0]]
        problems.append(
            Problem(
                file,
                f"site {rotas.at[idx, 'site_id']} and service {rotas.at[idx, 'service_id']} are listed "
                f"twice (first at row {first})",
                int(rows[idx]),
                "service_id",
            )
        )


def _count_clinicians(
    rotas: pd.DataFrame,
    clinicians: pd.DataFrame | None,
    all_rows: dict[str, pd.Series],
    files: dict[str, str],
    problems: list[Problem],
) -> None:
    """Fill blank ``clinicians`` counts (in place) from the clinicians table; disagreements listed."""
    file, rows = files["rotas"], all_rows["rotas"]
    key = ["site_id", "service_id"]
    blank = rotas["clinicians"].isna()
    if clinicians is None:
        for idx in rotas.index[blank]:
            problems.append(
                Problem(file, "value is missing (or give a clinicians table)", int(rows[idx]), "clinicians")
            )
        return
    crows = all_rows["clinicians"]
    named = clinicians.groupby(key).size()
    counts = pd.Series(
        named.reindex(pd.MultiIndex.from_frame(rotas[key])).fillna(0).astype(int).to_numpy(),
        index=rotas.index,
    )
    for idx in rotas.index[~blank & (rotas["clinicians"] != counts)]:
        problems.append(
            Problem(
                file,
                f"{count(int(rotas.at[idx, 'clinicians']), 'clinician')}, but {files['clinicians']} names "
                f"{counts[idx]} at {rotas.at[idx, 'site_id']} for {rotas.at[idx, 'service_id']}",
                int(rows[idx]),
                "clinicians",
            )
        )
    listed = pd.MultiIndex.from_frame(rotas[key])
    for idx in clinicians.index[~pd.MultiIndex.from_frame(clinicians[key]).isin(listed)]:
        problems.append(
            Problem(
                files["clinicians"],
                f"{clinicians.at[idx, 'site_id']} has no {clinicians.at[idx, 'service_id']} row in rotas",
                int(crows[idx]),
                "service_id",
            )
        )
    rotas["clinicians"] = rotas["clinicians"].where(~blank, counts)


def _check_today_hubs(rotas: pd.DataFrame, rows: pd.Series, file: str, problems: list[Problem]) -> None:
    """Fill blank ``current_hub`` (in place) with the site itself; each hub must run its own rota."""
    rotas["current_hub"] = rotas["current_hub"].where(rotas["current_hub"].notna(), rotas["site_id"])
    own = dict(
        zip(zip(rotas["site_id"], rotas["service_id"], strict=True), rotas["current_hub"], strict=True)
    )
    for idx in rotas.index[rotas["current_hub"] != rotas["site_id"]]:
        s, k, h = rotas.at[idx, "site_id"], rotas.at[idx, "service_id"], rotas.at[idx, "current_hub"]
        if own.get((h, k)) != h:
            why = f"has no {k} row" if (h, k) not in own else f"is itself covered by {own[h, k]}"
            problems.append(
                Problem(
                    file,
                    f"today {s} is covered for {k} by {h}, which {why}, so runs no {k} rota",
                    int(rows[idx]),
                    "current_hub",
                )
            )


def _needed_pairs(sites: pd.DataFrame, rotas: pd.DataFrame, cross_trust: bool) -> pd.DataFrame:
    """(hub, site, why) pairs whose travel minutes the model reads: possible rotas and today's."""
    need = rotas[["site_id", "service_id"]]
    hosts = rotas.loc[rotas["can_host"].astype(bool), ["site_id", "service_id"]]
    pairs = need.merge(hosts.rename(columns={"site_id": "hub_id"}), on="service_id")
    pairs = pairs[pairs["site_id"] != pairs["hub_id"]]
    info = sites.set_index("site_id")
    if not cross_trust:
        pairs = pairs[
            pairs["site_id"].map(info["trust"]).to_numpy() == pairs["hub_id"].map(info["trust"]).to_numpy()
        ]
    pairs = pairs[~pairs["site_id"].map(info["keeps_own_rota"]).astype(bool)]
    pairs = pairs.assign(why="a " + pairs["service_id"] + " rota at " + pairs["hub_id"] + " could cover it")
    today = rotas[rotas["current_hub"] != rotas["site_id"]]
    today = today.assign(
        hub_id=today["current_hub"], why="today's " + today["service_id"] + " rota covers it"
    )
    both = pd.concat([today[["hub_id", "site_id", "why"]], pairs[["hub_id", "site_id", "why"]]])
    return both.drop_duplicates(["hub_id", "site_id"]).reset_index(drop=True)


def _complete_travel(
    given: pd.DataFrame | None,
    rows: pd.Series | None,
    sites: pd.DataFrame,
    rotas: pd.DataFrame,
    params: dict[str, Any],
    files: dict[str, str],
    problems: list[Problem],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The user's travel minutes plus every needed pair left out, estimated from coordinates; and
    the estimated pairs alone (named in a note, so they are not taken for the user's figures)."""
    file = files["travel"]
    columns = ["from_site", "to_site", "minutes"]
    none = pd.DataFrame(columns=columns)
    given = none if given is None else given[columns]
    dup = given.duplicated(["from_site", "to_site"])
    for idx in given.index[dup]:
        pair = f"{given.at[idx, 'from_site']} -> {given.at[idx, 'to_site']}"
        problems.append(Problem(file, f"pair {pair} is listed twice", _row(rows, idx), "to_site"))
    given = given.loc[~dup]
    if rotas.empty or problems:
        return given, none
    pairs = _needed_pairs(sites, rotas, bool(params["allow_cross_trust"]))
    known = pd.MultiIndex.from_frame(given[["from_site", "to_site"]])
    missing = pairs[~pd.MultiIndex.from_frame(pairs[["hub_id", "site_id"]]).isin(known)]
    xy = sites.set_index("site_id")[["lat", "lon"]].astype(float)
    a, b = xy.reindex(missing["hub_id"]).to_numpy(), xy.reindex(missing["site_id"]).to_numpy()
    ok = ~np.isnan(a).any(axis=1) & ~np.isnan(b).any(axis=1)
    km = great_circle_km(a[ok, 0], a[ok, 1], b[ok, 0], b[ok, 1])
    minutes = road_minutes(km, params["road_factor"], params["speed_kmh"], params["overhead_minutes"])
    estimated = pd.DataFrame(
        {"from_site": missing["hub_id"][ok], "to_site": missing["site_id"][ok], "minutes": minutes}
    )
    lacking = missing[~ok]
    for row in lacking.head(MAX_LISTED).itertuples():
        problems.append(
            Problem(
                file,
                f"travel minutes missing from {row.hub_id} to {row.site_id} ({row.why}), and "
                f"{files['sites']} gives no lat/lon to estimate them; add the pair (a large number of "
                "minutes if it cannot be travelled)",
            )
        )
    if len(lacking) > MAX_LISTED:
        problems.append(Problem(file, f"... and {len(lacking) - MAX_LISTED} more pairs missing"))
    estimated = estimated.reset_index(drop=True)
    if given.empty:
        return estimated, estimated
    return (pd.concat([given, estimated], ignore_index=True) if len(estimated) else given), estimated


def _model_problems(exc: ModelInputError, rows: dict[str, pd.Series], files: dict[str, str]) -> list[Problem]:
    """The model's problems against their files: table -> file, data row -> spreadsheet row."""
    out = []
    for p in exc.problems:
        numbers = rows.get(p.table)
        row = None
        if p.row is not None and numbers is not None and p.row <= len(numbers):
            row = int(numbers.iloc[p.row - 1])
        out.append(Problem(files.get(p.table, p.table), p.message, row, p.column))
    return out


MERGED_SHOWN = 5
"""Rotas that pool several sites listed in the terminal summary (all of them are in rotas.csv)."""
FINDINGS_SHOWN = 3
"""Reasons for no plan shown in the terminal summary (all of them are in findings.csv)."""
WIDTH = 100
"""Characters per line of the terminal summary."""


def _status_line(plan: OohPlan) -> str:
    r = plan.result
    words = f"Status: {solver_status(r)}"
    if not plan.found:
        return words + (f" ({r.message})" if r.message else "")
    gap = gap_percent(r.gap)
    seconds = sum(plan.timings.values())
    return f"{words}   objective {money(r.objective)} a year   gap {gap}   ({r.backend}, {seconds:.1f} s)"


def _headline(plan: OohPlan) -> list[str]:
    """Saving, rotas and locum slots, and the longest response: the figures a reader wants first."""
    total = plan.costs.loc["total"]
    label, amount = saving_words(total["saving"])
    share = f" ({abs(total['saving']) / total['before']:.1%})" if total["before"] else ""
    moved = int(plan.coverage["changed"].sum())
    locums = (int(plan.rotas_before["temporary_slots"].sum()), int(plan.rotas["temporary_slots"].sum()))
    lines = [
        f"{label} {amount} a year{share}: {money(total['before'])} today -> "
        f"{money(total['after'])} in the plan",
        f"Rotas: {len(plan.rotas_before)} today -> {len(plan.rotas)}; locum slots {locums[0]} -> "
        f"{locums[1]}; {moved} of {len(plan.coverage)} site-services move to another rota",
    ]
    worse = plan.response_worse
    if worse.empty:
        return [*lines, "Longer responses: none."]
    row = worse.iloc[0]
    return [
        *lines,
        f"Longer responses: {len(worse)} site-services; worst {row['site_name']} ({row['site_id']}), "
        f"{row['service_id']}: {row['response_before']:.1f} -> {row['response_after']:.1f} min",
    ]


def _below_standard_lines(plan: OohPlan) -> list[str]:
    """Today's rotas on call more often than their service's least rota size allows: the plan is
    brought up to it, so its cost (and a saving or extra cost against today) includes that."""
    below = below_min_size(plan.rotas_before)
    if below.empty:
        return []
    row = below.iloc[0]
    text = (
        f"Today {len(below)} of {count(len(plan.rotas_before), 'rota')} have fewer slots than their "
        f"service's least rota size, so are on call more often (most short: {row['service_id']} at "
        f"{row['hub_name']}, {row['frequency']} where 1-in-{int(row['min_rota_size'])} is the least); "
        "every rota of the plan meets it, and its cost includes that (rotas_before.csv)."
    )
    return textwrap.wrap(text, WIDTH)


def _cost_lines(costs: pd.DataFrame) -> list[str]:
    lines = [f"{'Annual cost':16} {'Today':>12} {'Plan':>12} {'Saving':>12}"]
    for component, row in costs.iterrows():
        pounds = [money(row[when]) for when in ("before", "after", "saving")]
        lines.append(f"{str(component).replace('_', ' '):16} " + " ".join(f"{m:>12}" for m in pounds))
    return lines


def _merged_lines(plan: OohPlan) -> list[str]:
    merged = plan.rotas[plan.rotas["site_count"] > 1].sort_values(["site_count", "members"], ascending=False)
    lines = [f"Rotas pooling several sites ({len(merged)}):"] if len(merged) else []
    for row in merged.head(MERGED_SHOWN).itertuples():
        others = "; ".join(s for s in str(row.sites).split("; ") if s != row.hub_name)
        members = count(row.members, "member")
        text = f"{row.service_id} at {row.hub_name}: {members}, {row.frequency}, also {others}"
        lines.append("  " + textwrap.shorten(text, WIDTH - 2, placeholder=" ..."))
    if len(merged) > MERGED_SHOWN:
        lines.append(f"  ... and {len(merged) - MERGED_SHOWN} more (see rotas.csv)")
    return lines


def _no_plan_lines(plan: OohPlan) -> list[str]:
    lines = ["", "No plan:"]
    for note in plan.explanation[:FINDINGS_SHOWN]:
        lines += textwrap.wrap(
            note, WIDTH, initial_indent="  - ", subsequent_indent="    ", max_lines=4, placeholder=" ..."
        )
    if len(plan.explanation) > FINDINGS_SHOWN:
        lines.append(f"  ... and {len(plan.explanation) - FINDINGS_SHOWN} more (see findings.csv)")
    return lines


def summary(plan: OohPlan) -> str:
    """The terminal summary: headline figures first, under 25 lines; the details are in the files."""
    lines = [_status_line(plan)]
    if not plan.found:
        return "\n".join(lines + _no_plan_lines(plan))
    lines += [*plan.explanation, *_headline(plan), *_below_standard_lines(plan)]
    lines += ["", *_cost_lines(plan.costs), "", *_merged_lines(plan)]
    lines.append(
        "Details: rotas.csv, rotas_before.csv, coverage.csv, response_worse.csv, clinicians.csv, costs.csv"
    )
    return "\n".join(lines)


KIND = Kind(
    name="ooh",
    description="Out-of-hours rota consolidation: which on-call rotas to merge, hubs, sites covered",
    tables=TABLES,
    parameters=PARAMETERS,
    build_input=build_input,
    summary=summary,
    model=models.ooh,
)
