"""``kind: sact``: SACT site location instances: typed input and the terminal summary.

The model is :mod:`models.sact` (under the model contract): the shell solves, checks the plan
independently and writes its tables through :mod:`optimiser.run`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import models.sact
from models.common.travel import great_circle_km, road_minutes
from models.common.words import count
from models.sact.access import percent
from models.sact.input import SactInput, SactParameters
from models.sact.objectives import OBJECTIVE_UNITS
from models.sact.solve import SactPlan
from optimiser.errors import InputError, Problem
from optimiser.kinds.base import Kind, ModelCase, row_numbers
from optimiser.kinds.figures import decided_gap_words, gap_percent, money, solver_status
from optimiser.kinds.sact_schema import MODEL_PARAMETERS, PARAMETERS, TABLES

MAX_LISTED = 20


def build_input(tables: dict[str, pd.DataFrame], params: dict[str, Any], files: dict[str, str]) -> ModelCase:
    """The model's input and parameters from validated tables; raise InputError for cross-table problems."""
    problems: list[Problem] = []
    zones = tables["zones"].copy()
    sites = tables["sites"].copy()
    _zone_demand(zones, params, files["zones"], problems)
    _site_problems(sites, files["sites"], problems)
    travel, site_travel = _travel_tables(tables, zones, sites, params, files, problems)
    nurses = tables.get("nurses")
    if nurses is not None:
        _nurse_problems(nurses, sites, files, problems)
    if problems:
        raise InputError(problems)
    model_params = SactParameters(**{k: params[k] for k in MODEL_PARAMETERS})
    data = SactInput(
        zones=zones.set_index("zone_id"),
        sites=sites.set_index("site_id"),
        travel=travel,
        site_travel=site_travel,
        parameters=model_params,
        nurses=None if nurses is None else nurses.reset_index(drop=True),
    )
    return ModelCase(data, model_params, _vacant_quintile_targets(zones, model_params, files))


def _vacant_quintile_targets(
    zones: pd.DataFrame, p: SactParameters, files: dict[str, str]
) -> tuple[str, ...]:
    """The note on a quintile's own access target (``access_target_q<k>``) where no zone is in that
    quintile: it binds nothing, and the plan meeting it said nothing of why."""
    held = set(zones["quintile"].dropna().astype(int)) if "quintile" in zones else set()
    vacant = [q for q in range(1, 6) if getattr(p, f"access_target_q{q}") is not None and q not in held]
    return tuple(
        f"access_target_q{q} ({percent(float(getattr(p, f'access_target_q{q}')))}) binds nothing: no zone "
        f"of {files['zones']} is in deprivation quintile {q}"
        for q in vacant
    )


def _zone_demand(zones: pd.DataFrame, params: dict[str, Any], file: str, problems: list[Problem]) -> None:
    """Fill ``zones`` attendances (estimated from population where blank, grown) and quintiles."""
    att = zones["attendances"].astype(float)
    estimated = att.isna()
    population = zones["population"].astype(float)
    att = att.where(~estimated, population * params["attendances_per_1000"] / 1000.0)
    zones["attendances"] = att * (1.0 + params["demand_growth"])
    zones["quintile"] = zones["quintile"].fillna(0).astype(int)
    if len(zones) and not (att > 0).any():
        missing = "population" if estimated.all() else "attendances"
        problems.append(
            Problem(
                file,
                "no zone has any demand: give attendances, or population with attendances left blank "
                "(estimated from attendances_per_1000)",
                column=missing,
            )
        )
    elif not (zones["attendances"] > 0).any():
        problems.append(
            Problem(
                str(Path(file).parent / "instance.yaml"),
                f"{params['demand_growth']:g} leaves every zone without demand (-1 is -100 %): "
                "give a growth above -1",
                column="parameters.demand_growth",
            )
        )
    else:
        _no_demand_figure(zones, estimated & population.isna(), file, problems)


def _no_demand_figure(zones: pd.DataFrame, blank: pd.Series, file: str, problems: list[Problem]) -> None:
    """Zones whose attendances and population are both blank: such a zone has no demand figure,
    and reading it as none would silently drop its patients."""
    rows = row_numbers(zones)
    for idx in zones.index[blank][:MAX_LISTED]:
        problems.append(
            Problem(
                file,
                "population is blank and so is attendances: give one "
                "(attendances blank: population x attendances_per_1000 / 1000)",
                int(rows[idx]),
                "population",
            )
        )
    if blank.sum() > MAX_LISTED:
        more = count(int(blank.sum()) - MAX_LISTED, "more zone")
        problems.append(
            Problem(file, f"... and {more} with neither population nor attendances", column="population")
        )


def _site_problems(sites: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Sites whose minimum chairs exceed their maximum, that must both open and close, and hubs
    with no capacity."""
    srows = row_numbers(sites)
    for idx in sites.index[sites["min_chairs"] > sites["max_chairs"]]:
        problems.append(
            Problem(
                file,
                f"min_chairs {sites.at[idx, 'min_chairs']} is above max_chairs {sites.at[idx, 'max_chairs']}",
                int(srows[idx]),
                "min_chairs",
            )
        )
    for idx in sites.index[sites["must_open"].astype(bool) & sites["must_close"].astype(bool)]:
        problems.append(
            Problem(file, "must_open and must_close are both true", int(srows[idx]), "must_close")
        )
    for idx in sites.index[sites["is_hub"].astype(bool) & (sites["hub_capacity"] <= 0)]:
        problems.append(
            Problem(file, "is_hub is true but hub_capacity is 0", int(srows[idx]), "hub_capacity")
        )


def _travel_tables(
    tables: dict[str, pd.DataFrame],
    zones: pd.DataFrame,
    sites: pd.DataFrame,
    params: dict[str, Any],
    files: dict[str, str],
    problems: list[Problem],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Minutes of every zone-site pair and of every hub-site pair (given, else from coordinates)."""
    zone_xy = _coordinates(zones, "zone_id", files["zones"], problems)
    site_xy = _coordinates(sites, "site_id", files["sites"], problems)
    kw = {k: params[k] for k in ("road_factor", "speed_kmh", "overhead_minutes")}
    site_ids = sites["site_id"].to_numpy()
    travel = _complete_pairs(
        tables.get("travel"), zones["zone_id"].to_numpy(), site_ids, ("zone_id", "site_id"),
        zone_xy, site_xy, kw, files["travel"], "zone", "site", problems,
    )  # fmt: skip
    hubs = sites.loc[sites["is_hub"].astype(bool), "site_id"].to_numpy()
    site_travel = _complete_pairs(
        tables.get("site_travel"), hubs, site_ids, ("from_site", "to_site"),
        site_xy, site_xy, kw, files["site_travel"], "hub", "site", problems,
        required=bool(params["require_aseptic_supply"]),
    )  # fmt: skip
    return travel, site_travel


def _nurse_problems(
    nurses: pd.DataFrame, sites: pd.DataFrame, files: dict[str, str], problems: list[Problem]
) -> None:
    """Nurse rows of a trust that runs none of the sites."""
    known = set(sites["trust"])
    nrows = row_numbers(nurses)
    for idx in nurses.index[~nurses["trust"].isin(known)]:
        problems.append(
            Problem(
                files["nurses"],
                f"trust '{nurses.at[idx, 'trust']}' runs none of the sites",
                int(nrows[idx]),
                "trust",
            )
        )


def _coordinates(frame: pd.DataFrame, key: str, file: str, problems: list[Problem]) -> pd.DataFrame | None:
    """lat/lon by id; None when coordinates are absent.  A row with one of the two (a column
    dropped or misspelt, a cell left blank) is a problem naming it, not a place to estimate from."""
    if frame["lat"].isna().all() and frame["lon"].isna().all():
        return None
    _half_coordinates(frame, file, problems)
    return frame.set_index(key)[["lat", "lon"]].astype(float)


def _half_coordinates(frame: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Each row (up to :data:`MAX_LISTED`) with lat and no lon, or lon and no lat."""
    no_lat, no_lon = frame["lat"].isna(), frame["lon"].isna()
    half = frame.index[no_lat != no_lon]
    rows = row_numbers(frame)
    for idx in half[:MAX_LISTED]:
        blank, given = ("lat", "lon") if no_lat[idx] else ("lon", "lat")
        problems.append(Problem(file, f"no {blank} beside its {given}", int(rows[idx]), blank))
    if len(half) > MAX_LISTED:
        more = len(half) - MAX_LISTED
        problems.append(Problem(file, f"... and {more} more rows with only one of lat and lon"))


def _complete_pairs(
    given: pd.DataFrame | None,
    origins: np.ndarray,
    destinations: np.ndarray,
    keys: tuple[str, str],
    origin_xy: pd.DataFrame | None,
    dest_xy: pd.DataFrame | None,
    kw: dict[str, float],
    file: str,
    origin_word: str,
    dest_word: str,
    problems: list[Problem],
    required: bool = True,
) -> pd.DataFrame:
    """Every origin x destination pair: the user's minutes where given, else computed from coordinates
    (a site to itself: 0 minutes)."""
    a, b = keys
    full = pd.MultiIndex.from_product([origins, destinations], names=[a, b])
    if given is not None and len(given):
        rows = row_numbers(given)
        dup = given.duplicated([a, b], keep="first")
        for idx in given.index[dup][:MAX_LISTED]:
            problems.append(
                Problem(
                    file, f"pair {given.at[idx, a]} -> {given.at[idx, b]} is listed twice", int(rows[idx]), b
                )
            )
        user = given.loc[~dup].set_index([a, b])["minutes"]
    else:
        user = pd.Series(dtype=float, index=pd.MultiIndex.from_arrays([[], []], names=[a, b]))
    minutes = user.reindex(full)
    same = full.get_level_values(0).to_numpy() == full.get_level_values(1).to_numpy()
    minutes = minutes.where(~(same & minutes.isna().to_numpy()), 0.0)
    missing = minutes.isna().to_numpy()
    if missing.any():
        o = full.get_level_values(0).to_numpy()[missing]
        d = full.get_level_values(1).to_numpy()[missing]
        computed = np.full(len(o), np.nan)
        if origin_xy is not None and dest_xy is not None:
            oxy = origin_xy.reindex(o).to_numpy()
            dxy = dest_xy.reindex(d).to_numpy()
            ok = ~np.isnan(oxy).any(axis=1) & ~np.isnan(dxy).any(axis=1)
            if ok.any():
                computed[ok] = _pairwise(oxy[ok], dxy[ok], kw)
        values = minutes.to_numpy().copy()
        values[missing] = computed
        minutes = pd.Series(values, index=full)
        still = np.flatnonzero(np.isnan(computed))
        if len(still) and required:
            for i in still[:MAX_LISTED]:
                problems.append(
                    Problem(
                        file,
                        f"travel minutes missing from {origin_word} {o[i]} to {dest_word} {d[i]}, "
                        f"and no coordinates to compute them",
                        column="minutes",
                    )
                )
            if len(still) > MAX_LISTED:
                problems.append(
                    Problem(file, f"... and {len(still) - MAX_LISTED} more pairs missing", column="minutes")
                )
    out = minutes.rename("minutes").reset_index()
    return out[out["minutes"].notna()].reset_index(drop=True)


def _pairwise(oxy: np.ndarray, dxy: np.ndarray, kw: dict[str, float]) -> np.ndarray:
    km = great_circle_km(oxy[:, 0], oxy[:, 1], dxy[:, 0], dxy[:, 1])
    return road_minutes(km, kw["road_factor"], kw["speed_kmh"], kw["overhead_minutes"])


SUMMARY_SITES = 12  # site rows in the terminal summary; the rest are in sites.csv


def summary(plan: SactPlan) -> str:
    """The terminal summary: headline figures first, then the sites, then the solver."""
    r, p = plan.result, plan.parameters
    if not plan.found:
        why = f"{r.status.value}" + (f": {r.message}" if r.message else "")
        return "\n".join([f"No plan ({why}):", *[f"  - {e}" for e in plan.explanation]])
    f = plan.figures()
    c, a = plan.costs, plan.access
    cost = c["total"] - c["unserved_penalty"]
    changes = ", ".join(f"{len(v)} {k}" for k, v in f["changes"].items() if v)
    lines = [
        f"Plan: {count(f['sites_open'], 'site')} open{f' ({changes})' if changes else ''}"
        f", {count(f['chairs'], 'chair')} "
        f"(today {f['chairs_today']}); annual cost {money(cost)}",
        "Annual cost: "
        + " + ".join(f"{label} {money(c[key])}" for key, label in _COST_PARTS)
        + f" = {money(cost)}",
        _access_line(a, p),
        *_quintile_target_lines(plan.access_by_quintile, p),
    ]
    own = f["objective_figures"]
    if own["objective"] == "coverage":
        lines.insert(
            1,
            f"Coverage (the objective): {own['covered_share']:.1%} of attendances "
            f"({own['covered_attendances']:,.0f} a year) within {own['access_minutes']:g} min",
        )
    elif own["objective"] == "worst":
        lines.insert(1, f"Longest journey (the objective): {own['worst_minutes']:.1f} min")
    if len(plan.unserved):
        lines.append(
            f"Unserved: {f['unserved_attendances']:,.0f} attendances a year in "
            f"{count(plan.unserved['zone_id'].nunique(), 'zone')} (unserved.csv), penalised "
            f"{money(c['unserved_penalty'])} in the objective; they need no chairs, doses or nurses"
        )
        lines += [f"  - {reason}" for reason in plan.explanation]
    lines += ["", *_site_lines(plan), _use_note(p), ""]
    gap = gap_percent(r.gap)
    unit = OBJECTIVE_UNITS.get(p.objective, "")
    bound = f"{r.bound:,.0f}" if r.bound is not None else "n/a"
    lines.append(
        f"Solver: {solver_status(r)}, objective {r.objective:,.0f} ({unit}), bound {bound}, gap {gap}"
        f"{decided_gap_words(plan.decided_gap(), plan.costs.get('fixed_in_every_plan', 0.0))}; "
        f"build {r.build_seconds:.2f} s, solve {r.solve_seconds:.2f} s ({r.backend}, {plan.solve_path} path)"
    )
    if plan.warm_start:  # --start: used, or ignored and why (also summary.json's warm_start)
        lines.append(f"{plan.warm_start[0].upper()}{plan.warm_start[1:]} (--start).")
    return "\n".join(lines)


_COST_PARTS = (
    ("fixed", "sites"),
    ("chairs", "chairs"),
    ("patient_travel", "patient travel"),
    ("drug_transport", "drug transport"),
)


def _access_line(a: dict[str, float], p: SactParameters) -> str:
    """Share within 30/45/60 minutes (of all attendances: with ``allow_unserved`` the unserved ones
    count as not within, and the line says so), the target if one is set with the share it is
    tested against (with ``allow_unserved`` that of the served attendances, the model's and the
    checker's base), and the mean, 95th percentile and worst journey of the served."""
    of = "of all attendances (unserved counted as not within)" if p.allow_unserved else "of attendances"
    line = (
        f"Access: {a['within_30']:.1%} {of} within 30 min, {a['within_45']:.1%} within 45, "
        f"{a['within_60']:.1%} within 60"
    )
    none_served = math.isnan(a["mean_minutes"])  # the mean journey of no served attendance
    if p.access_target is not None and p.allow_unserved and none_served:
        target = percent(p.access_target)
        line += f"\nAccess target: no attendance is served (target {target} of served attendances)"
    elif p.access_target is not None and p.allow_unserved:
        line += (
            f"\nAccess target: {percent(a['served_within_access_standard'])} of served attendances within "
            f"{p.access_minutes:g} min (target {percent(p.access_target)} of served attendances; "
            f"{percent(a['within_access_standard'])} of all attendances)"
        )
    elif p.access_target is not None:
        line += f" (target {percent(p.access_target)} of attendances within {p.access_minutes:g} min)"
    served = " of served attendances" if p.allow_unserved else ""
    if none_served:
        return f"{line}\nJourneys{served}: none, no attendance is served"
    return (
        f"{line}\nJourneys{served}: mean {a['mean_minutes']:.1f} min, "
        f"95th percentile {a['p95_minutes']:.1f} min, worst {a['worst_minutes']:.1f} min"
    )


def _quintile_target_lines(by_quintile: pd.DataFrame, p: SactParameters) -> list[str]:
    """One line for the deprivation quintiles' own access targets (``access_target_q<k>``, or
    ``access_target`` in each under ``access_by_quintile``): each quintile's share within
    ``access_minutes`` beside its target, of the attendances the model and the checker test it
    against (the served ones with ``allow_unserved``). None without such a target: a planner who
    asked 97 % for the most deprived quintile read only the overall share."""
    targets = {q: t for q, t in p.access_targets().items() if q > 0}
    if not targets or by_quintile.empty:
        return []
    column = "served_within_access_standard" if p.allow_unserved else "within_access_standard"
    quintiles = pd.to_numeric(by_quintile["quintile"], errors="coerce")
    shares = dict(zip(quintiles, by_quintile[column], strict=True))
    words = [
        f"quintile {q} {percent(shares[q])} (target {percent(t)})"
        for q, t in sorted(targets.items())
        if q in shares and not math.isnan(shares[q])
    ]
    base = "of served attendances" if p.allow_unserved else "of attendances"
    return [f"Quintile targets, {base} within {p.access_minutes:g} min: " + ", ".join(words)] if words else []


def _site_lines(plan: SactPlan) -> list[str]:
    """The open sites and those that close, biggest first; the rest counted."""
    s = plan.sites[plan.sites["open"] | (plan.sites["current_chairs"] > 0)]
    s = s.sort_values(["open", "chairs"], ascending=False)
    minutes = (
        plan.hub_links.set_index("site_id")["minutes"] if len(plan.hub_links) else pd.Series(dtype=float)
    )
    lines = [f"{'Site':34} {'Type':14} {'Chairs':>6} {'Today':>5} {'Use':>5}  {'Change':8} Aseptic hub"]
    for _, row in s.head(SUMMARY_SITES).iterrows():
        hub = str(row["supplied_by"])
        if hub and hub != row["site_id"]:
            hub += f" ({minutes.get(row['site_id'], float('nan')):.0f} min)"
        elif hub:
            hub = "itself"
        lines.append(
            f"{str(row['name'])[:34]:34} {str(row['type'])[:14]:14} {row['chairs']:>6} "
            f"{row['current_chairs']:>5} {row['utilisation']:>5.0%}  {row['change']:8} {hub}"
        )
    if len(s) > SUMMARY_SITES:
        lines.append(f"... and {count(len(s) - SUMMARY_SITES, 'more site')} (sites.csv)")
    return lines


def _use_note(p: SactParameters) -> str:
    return (
        f"Use = chair hours booked / usable chair hours of the planned chairs, after the {p.utilisation:.0%} "
        f"utilisation factor\n({p.chair_hours_per_year:,.0f} usable hours a chair a year): 100% is full "
        f"at that utilisation, not every open hour."
    )


KIND = Kind(
    name="sact",
    description="SACT site location: open sites, chairs, zone allocation, aseptic supply",
    tables=TABLES,
    parameters=PARAMETERS,
    build_input=build_input,
    summary=summary,
    model=models.sact,
)
