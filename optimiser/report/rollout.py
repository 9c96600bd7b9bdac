"""The report of a roll-out run: a timeline of chairs by site and year, and a map per chosen year.

Each map is the single-period SACT map (:func:`optimiser.report.maps.network_map`) of one
year: zones coloured by that year's travel, sites by their state against today (new since
today, closed since today, open), aseptic supply links of that year.  Its title carries the
year's headline figures: sites open, chairs, the share within the access standard and what
opened or closed that year.  The years are chosen by position (1 = the first year) or by the
year itself; by default the first, the middle and the last year.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.rollout.solve import ALL_ZONES
from optimiser.exports.safe import read_written_csv
from optimiser.report.instance import run_instance_loaded
from optimiser.report.maps import network_map, read_unserved

EVENT_MARKS = {"opens": "new", "closes": "closed"}


@dataclass(frozen=True)
class YearMap:
    """One year's map: its heading, its headline figures as (label, value) and the SVG (None when
    the instance has no coordinates)."""

    year: int | str
    title: str
    figures: tuple[tuple[str, str], ...]
    svg: str | None


def default_years(labels: Sequence[int | str]) -> list[int | str]:
    """The first, middle and last year (fewer when there are fewer years)."""
    if not labels:
        return []
    picks = (0, (len(labels) - 1) // 2, len(labels) - 1)
    return [labels[i] for i in sorted(set(picks))]


def choose_years(labels: Sequence[int | str], asked: Sequence[int] | None) -> list[int | str]:
    """The years to map: each asked number is a year of ``labels`` or, if none is, a position
    1..T; None: :func:`default_years`.  Raises ValueError naming a number that is neither."""
    if asked is None:
        return default_years(labels)
    text = [str(label) for label in labels]
    chosen: list[int | str] = []
    for number in asked:
        if str(number) in text:
            label = labels[text.index(str(number))]
        elif 1 <= number <= len(labels):
            label = labels[number - 1]
        else:
            raise ValueError(
                f"year {number} is not in this roll-out: give a year ({labels[0]}-{labels[-1]}) "
                f"or a position 1-{len(labels)}"
            )
        if label not in chosen:
            chosen.append(label)
    return chosen


def parse_years(text: str | None) -> list[int] | None:
    """``"1,5,10"`` -> [1, 5, 10]; None or blank -> None.  Raises ValueError on anything else."""
    if text is None or not text.strip():
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"--years {text!r}: give whole numbers separated by commas, e.g. 1,5,10") from None


def timeline(schedule: pd.DataFrame) -> str:
    """Chairs by site (rows, sites ever open) and year (columns) as an escaped HTML table: each
    open site-year its chairs and the year's change (``new``, ``+6``, ``-10``), a closed one
    ``closed``; the last row each year's sites open and chairs in all."""
    years = list(dict.fromkeys(schedule["year"]))
    head = "".join(f"<th>{html.escape(str(y))}</th>" for y in years)
    rows = []
    for site_id, site in schedule.groupby("site_id", sort=False):
        if not site["open"].any():
            continue
        cells = []
        for _, r in site.iterrows():
            mark = change_mark(r)
            text = f"{int(r['chairs'])} {mark}".strip() if r["open"] else mark
            style = "background:#005EB8;color:#fff" if r["open"] else "color:#DA291C"
            cells.append(f'<td style="{style}">{html.escape(text)}</td>')
        label = f"{site['name'].iloc[0]} ({site_id})"
        rows.append(f"<tr><th>{html.escape(label)}</th>{''.join(cells)}</tr>")
    rows.append(f"<tr><th>all sites: chairs (sites open)</th>{_totals(schedule, years)}</tr>")
    return f'<table class="data grid"><tr><th>site</th>{head}</tr>{"".join(rows)}</table>'


def change_mark(row: pd.Series) -> str:
    """A site-year's change in the timeline: ``new``, ``closed``, or the chairs added (``+6``) or
    removed (``-10``) that year; blank when none (a run written without the chairs added or
    removed shows ``+`` or ``-``)."""
    event = str(row["event"])
    if event in ("grows", "shrinks"):
        column, sign = ("chairs_added", "+") if event == "grows" else ("chairs_removed", "-")
        amount = row.get(column)
        return f"{sign}{int(amount)}" if amount is not None and pd.notna(amount) else sign
    return EVENT_MARKS.get(event, "")


def _totals(schedule: pd.DataFrame, years: Sequence[object]) -> str:
    """Each year's chairs and sites open in all, as table cells."""
    cells = []
    for year in years:
        plan = schedule[(schedule["year"] == year) & schedule["open"].astype(bool)]
        cells.append(f"<td><b>{int(plan['chairs'].sum()):,}</b> ({len(plan)})</td>")
    return "".join(cells)


def all_zones_access(year_access: pd.DataFrame) -> pd.DataFrame:
    """A year's row for all its zones in ``access_by_year.csv`` (``quintile`` read as text): ``all``;
    in a run written before it was so named, the first row of quintile 0."""
    named = year_access[year_access["quintile"] == ALL_ZONES]
    return named if len(named) else year_access[year_access["quintile"] == "0"].head(1)


def year_figures(
    year: pd.DataFrame, access: pd.DataFrame | None, access_minutes: float
) -> tuple[tuple[str, str], ...]:
    """Sites open, chairs, access and the year's openings and closures, as (label, value)."""
    open_sites = year[year["open"].astype(bool)]
    figures = [("Sites open", f"{len(open_sites)}"), ("Chairs", f"{int(open_sites['chairs'].sum()):,}")]
    if access is not None and len(access):
        named = (f"within_{access_minutes:g}", "within_access_standard")
        column = next((c for c in named if c in access.columns), "within_30")
        if column in access.columns:
            share = float(access[column].iloc[0])
            minutes = "30" if column == "within_30" else f"{access_minutes:g}"
            figures.append((f"Within {minutes} min", f"{share:.1%}"))
        if "mean_minutes" in access.columns:
            figures.append(("Mean travel", f"{float(access['mean_minutes'].iloc[0]):.1f} min"))
    for event, label in (("opens", "Opens"), ("closes", "Closes")):
        ids = year.loc[year["event"] == event, "site_id"].astype(str).tolist()
        if ids:
            figures.append((label, ", ".join(ids)))
    return tuple(figures)


def year_title(label: int | str, position: int, count: int, figures: Sequence[tuple[str, str]]) -> str:
    """``"2030 (year 5 of 10): 14 sites open, 160 chairs, 93.1% within 30 min"``."""
    singular = {"Sites open": "site open", "Chairs": "chair"}
    parts = [
        f"{value} {singular[name] if value == '1' and name in singular else name.lower()}"
        for name, value in figures
        if name in singular or name.startswith("Within")
    ]
    return f"{label} (year {position} of {count}): " + ", ".join(parts)


def map_states(year: pd.DataFrame, base_sites: pd.DataFrame) -> pd.DataFrame:
    """The year's sites with the columns the SACT map reads, states against today: ``opened``
    (not delivering today), ``closed`` (delivering today, not this year), ``resized`` (other
    chairs than today), ``unchanged``."""
    existing = base_sites["existing"].astype(bool)
    today = base_sites["current_chairs"].where(existing, 0)
    plan = year[["site_id", "open", "chairs"]].copy()
    plan["open"] = plan["open"].astype(bool)
    was_open = plan["site_id"].map(existing).fillna(False).astype(bool)
    plan["current_chairs"] = plan["site_id"].map(today).fillna(0).astype(int)
    plan["change"] = "unchanged"
    plan.loc[plan["open"] & (plan["chairs"] != plan["current_chairs"]), "change"] = "resized"
    plan.loc[plan["open"] & ~was_open, "change"] = "opened"
    plan.loc[~plan["open"] & was_open, "change"] = "closed"
    return plan


def rollout_views(
    run: Path, instance: Path, years: Sequence[int] | None = None
) -> tuple[list[YearMap], list[tuple[str, str]]]:
    """The maps of the chosen years (``years``: see :func:`choose_years`) and the timeline.

    Raises ValueError when an asked year is not in the run.  Maps are left out (the timeline
    kept) when the instance cannot be read any more.
    """
    schedule_file = run / "schedule.csv"
    if not schedule_file.is_file():
        return [], []
    schedule = read_written_csv(schedule_file, dtype={"site_id": str})
    labels = list(dict.fromkeys(schedule["year"].tolist()))
    chosen = choose_years(labels, years)
    charts = [
        (
            "Roll-out: chairs by site and year (new: opens; +6 / -10: chairs added or removed that year)",
            timeline(schedule),
        )
    ]
    loaded = run_instance_loaded(run, instance)
    if loaded is None:  # the instance moved or changed since the run: see run_map_note
        return [], charts
    data = loaded.model_input.input.base
    allocation = read_written_csv(run / "allocation.csv", dtype={"zone_id": str, "site_id": str})
    links = read_written_csv(run / "hub_links.csv", dtype={"site_id": str, "hub_id": str})
    unserved = read_unserved(run)
    access_file = run / "access_by_year.csv"
    access = read_written_csv(access_file, dtype={"quintile": str}) if access_file.is_file() else None
    maps = []
    for label in chosen:
        year = schedule[schedule["year"] == label]
        year_access = None
        if access is not None:
            year_access = all_zones_access(access[access["year"] == label])
        figures = year_figures(year, year_access, float(data.parameters.access_minutes))
        svg = network_map(
            data,
            allocation[allocation["year"] == label],
            None if unserved is None else unserved[unserved["year"] == label],
            map_states(year, data.sites),
            links[links["year"] == label],
            "travel",
        )
        title = year_title(label, labels.index(label) + 1, len(labels), figures)
        maps.append(YearMap(label, title, figures, svg))
    return maps, charts
