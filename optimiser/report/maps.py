"""The report's maps, drawn from a run's files and its instance: a SACT network (one year of a
roll-out too) and an OOH run's rota hubs (:mod:`optimiser.report.svgmap` draws them)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from models.common.words import count
from optimiser.exports.safe import read_written_csv
from optimiser.report import svgmap
from optimiser.report.instance import run_instance_loaded


def sact_map(run: Path, instance: Path, colour_by: str = "travel") -> str | None:
    """The SVG map of a SACT run: zones by attendance-weighted travel minutes, sites, hub links."""
    if not (run / "sites.csv").is_file():
        return None
    loaded = run_instance_loaded(run, instance)
    if loaded is None:  # the instance moved or changed since the run: see run_map_note
        return None
    data = loaded.model_input.input
    allocation = read_written_csv(run / "allocation.csv", dtype={"zone_id": str, "site_id": str})
    plan = read_written_csv(run / "sites.csv", dtype={"site_id": str})
    hub = run / "hub_links.csv"
    links = read_written_csv(hub, dtype={"site_id": str, "hub_id": str}) if hub.is_file() else None
    return network_map(data, allocation, read_unserved(run), plan, links, colour_by)


def read_unserved(run: Path) -> pd.DataFrame | None:
    """The run's ``unserved.csv`` (zone_id, attendances; a roll-out's with its year), or None."""
    file = run / "unserved.csv"
    return read_written_csv(file, dtype={"zone_id": str}) if file.is_file() else None


def zone_attendances(allocation: pd.DataFrame, unserved: pd.DataFrame | None) -> pd.Series:
    """Each zone's attendances a year in the plan, served and unserved, by ``zone_id``: the run's
    demand, with its ``demand_growth``, ``scale_demand`` or roll-out year's growth, which the
    instance's zones table does not hold."""
    parts = [allocation[["zone_id", "attendances"]]]
    if unserved is not None and len(unserved):
        parts.append(unserved[["zone_id", "attendances"]])
    return pd.concat(parts).groupby("zone_id")["attendances"].sum()


def _zone(zone_id: str, row: pd.Series, attendances: float, minutes: float | None) -> svgmap.Zone:
    """One zone of the map: sized by its ``attendances`` in the plan, coloured by its mean
    ``minutes`` of travel (None: none of it served)."""
    if minutes is not None and pd.isna(minutes):
        minutes = None
    return svgmap.Zone(
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        weight=attendances,
        minutes=minutes,
        quintile=int(row.get("quintile", 0) or 0),
        label=f"{row.get('name', zone_id)} ({zone_id}): {attendances:,.0f} attendances a year, "
        + ("unserved" if minutes is None else f"{minutes:.0f} min mean travel"),
    )


def network_map(
    data: Any,
    allocation: pd.DataFrame,
    unserved: pd.DataFrame | None,
    plan: pd.DataFrame,
    hub_links: pd.DataFrame | None,
    colour_by: str,
) -> str | None:
    """The map of one SACT network: ``plan`` has site_id, open, chairs, current_chairs, change;
    each zone is sized and labelled by its attendances in ``allocation`` and ``unserved``."""
    zones_in = data.zones
    if not {"lat", "lon"} <= set(zones_in.columns):
        return None
    demand = zone_attendances(allocation, unserved)
    weighted = allocation.assign(w=allocation["attendances"] * allocation["minutes"]).groupby("zone_id")
    minutes = weighted["w"].sum() / weighted["attendances"].sum().where(lambda s: s > 0)
    zones = [
        _zone(str(zone_id), row, float(demand.get(zone_id, 0.0)), minutes.get(zone_id))
        for zone_id, row in zones_in.iterrows()
        if pd.notna(row["lat"]) and pd.notna(row["lon"])
    ]
    plan = plan.set_index("site_id")
    sites = []
    for site_id, row in data.sites.iterrows():
        if site_id not in plan.index or pd.isna(row.get("lat")):
            continue
        p = plan.loc[site_id]
        shown = bool(p["open"]) or p.get("change") == "closed"
        state = str(p.get("change", "unchanged")) if shown else "not open"
        chairs = int(p["chairs"])
        label = (
            f"{row['name']} ({site_id}): {state}, {count(chairs, 'chair')} (today {int(p['current_chairs'])})"
        )
        sites.append(svgmap.Site(str(site_id), float(row["lat"]), float(row["lon"]), state, chairs, label))
    links = []
    if hub_links is not None:
        links = [
            (r["hub_id"], r["site_id"], f"{r['hub_id']} supplies {r['site_id']}: {r['minutes']:.0f} min")
            for _, r in hub_links.iterrows()
        ]
    return svgmap.draw_map(zones, sites, links, colour_by=colour_by)


def ooh_map(run: Path, instance: Path) -> str | None:
    """The SVG map of an OOH run: sites, and a line from each rota's hub to every site it covers."""
    coverage = run / "coverage.csv"
    if not coverage.is_file():
        return None
    loaded = run_instance_loaded(run, instance)
    if loaded is None:  # the instance moved or changed since the run: see run_map_note
        return None
    raw_sites = loaded.raw.tables["sites"]
    cover = read_written_csv(coverage, dtype=str)
    hub_column = next((c for c in cover.columns if re.fullmatch(r"hub(_after|_id)?", c)), None)
    hubs = set(cover[hub_column]) if hub_column else set()
    sites = [
        svgmap.Site(
            r["site_id"],
            float(r["lat"]),
            float(r["lon"]),
            "open" if r["site_id"] in hubs else "not open",
            9 if r["site_id"] in hubs else 0,
            f"{r['name']} ({r['site_id']})",
        )
        for _, r in raw_sites.iterrows()
    ]
    links = []
    if hub_column:
        for _, r in cover.iterrows():
            links.append(
                (
                    r[hub_column],
                    r["site_id"],
                    f"{r.get('service_id', '')}: {r['site_id']} covered from {r[hub_column]}",
                )
            )
    return svgmap.draw_map([], sites, links)
