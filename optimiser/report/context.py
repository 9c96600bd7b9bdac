"""What the report shows, gathered from a run folder or a comparison folder."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from models.common.words import count, status_words
from models.sact.access import percent
from optimiser.exports.safe import read_written_csv
from optimiser.kinds.figures import gap_percent, money, saving_words
from optimiser.outputs import save_figure
from optimiser.report import svgmap
from optimiser.report.instance import loaded_instance, run_instance, run_map_note
from optimiser.report.maps import ooh_map, sact_map
from optimiser.scenarios import WITHOUT_SUMMARY


def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _table(frame: pd.DataFrame, limit: int = 200) -> str:
    from optimiser.report import table_html

    return table_html(frame, limit)


def _svg_file(path: Path) -> str | None:
    """An SVG file's markup without its XML prologue, for inlining."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return text[text.find("<svg") :]


def _percent(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.1%}"


def check_words(check: dict[str, Any] | None) -> str:
    """The independent check in a word: it runs on every plan, so none means no plan to check
    (the headline said "FAILED or not run" of an infeasible rota, as of a plan that broke a rule)."""
    if not check:
        return "not run: no plan"
    return "passed" if check.get("passed") else "FAILED"


def headline(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the figures a board reads first."""
    solver = summary.get("solver") or {}
    check = summary.get("check")
    options = solver.get("options") or {}
    status = status_words(str(solver.get("status", "n/a")), solver.get("gap"), options.get("gap"))
    items = [("Status", status)]
    if solver.get("gap") is not None:
        items.append(("Gap to the bound", gap_percent(solver["gap"])))
    items.append(("Independent check", check_words(check)))
    costs = summary.get("costs")
    total = costs.get("total") if isinstance(costs, dict) else None
    cover_cost = summary.get("total_cost")
    if isinstance(total, dict):  # ooh: today's rotas against the plan's
        items.append(("Annual cost", money(total.get("after"))))
        items.append(("Today", money(total.get("before"))))
        label, amount = saving_words(total.get("saving"))
        items.append((f"{label} a year", amount))
    elif total is not None:
        penalty = (costs or {}).get("unserved_penalty") or 0.0  # sact: unserved demand's price
        items.append(("Annual cost", money(total - penalty)))
        if penalty:
            items.append(("Unserved penalty (objective only)", money(penalty)))
    elif isinstance(cover_cost, dict):  # cover: the plan against everyone at home
        items.append(("Locum and travel cost", money(cover_cost.get("plan"))))
        items.append(("Baseline", money(cover_cost.get("baseline"))))
    elif summary.get("discounted_total") is not None:  # rollout: the objective, in pounds
        items.append(("Present value of costs", money(summary["discounted_total"])))
        if summary.get("capital_total") is not None:
            items.append(("Capital", money(summary["capital_total"])))
    elif solver.get("objective") is not None:
        from optimiser.report import readable

        items.append(("Objective", readable(float(solver["objective"]))))
    access = summary.get("access") or {}
    if access:
        unserved = bool(summary.get("unserved_attendances"))
        served = " of served attendances" if unserved else ""
        mean = access.get("mean_minutes")  # None (null): no attendance is served
        items.append((f"Mean travel{served}", "none served" if mean is None else f"{mean:.1f} min"))
        within = "Within 30 / 45 / 60 min" + (
            " (of all attendances, unserved not within)" if unserved else ""
        )
        items.append((within, " / ".join(_percent(access.get(f"within_{m}")) for m in (30, 45, 60))))
        if unserved and access.get("served_within_access_standard") is not None:
            # the base of the access target with unserved demand allowed (models/sact/access.py)
            minutes = f"{float(access.get('standard_minutes', 30)):g}"
            items.append(
                (
                    f"Within {minutes} min{served} (the access target's base)",
                    percent(access["served_within_access_standard"]),
                )
            )
    uncovered = summary.get("uncovered_pas")
    if isinstance(uncovered, dict) and uncovered.get("plan") is not None:  # cover
        items.append(("Uncovered PAs", f"{float(uncovered['plan']):,.1f}"))
    if isinstance(summary.get("mdts"), dict) and summary["mdts"].get("not_quorate") is not None:
        items.append(("MDT meetings not quorate", f"{summary['mdts']['not_quorate']:,}"))
    for key, label in (
        ("rotas", "Rotas (today -> plan)"),
        ("temporary_slots", "Locum slots (today -> plan)"),
        ("rotas_below_min_size", "Rotas below their least size (today -> plan)"),
    ):
        if isinstance(summary.get(key), dict):  # ooh
            items.append((label, f"{summary[key].get('before')} -> {summary[key].get('after')}"))
    for key, label in (
        ("sites_open", "Sites open"),
        ("chairs", "Chairs"),
        ("unserved_attendances", "Unserved"),
    ):
        if summary.get(key) is not None:
            items.append(
                (
                    label,
                    f"{summary[key]:,.0f}" if isinstance(summary[key], int | float) else str(summary[key]),
                )
            )
    return items


SHIFT_COLOURS = ("#41B6E6", "#FFB81C", "#330072", "#009639", "#ED8B00", "#AE2573", "#768692", "#00A499")


LEAVE_CELL = '<td class="leave" title="{reason}" style="background:#E8EDEE;color:#425563">lv</td>'
"""A day of leave in the grid: grey, ``lv``, its reason on hover (shift ids are the staff's own)."""


def _leave_days(instance: Path | None) -> dict[tuple[str, str], str]:
    """(staff_id, ISO date): reason, from the rota instance the run was solved from (empty when it
    cannot be read: the grid then shows the shifts alone)."""
    loaded = None if instance is None else loaded_instance(instance)
    leave = None if loaded is None else loaded.model_input.input.leave
    if leave is None or leave.empty:
        return {}
    return {
        (str(r.staff_id), pd.Timestamp(r.date).date().isoformat()): str(r.reason or "leave")
        for r in leave.itertuples(index=False)
    }


def _rota_staff(run: Path) -> set[str]:
    """Everyone on the run's rota (``staff_summary.csv``), those with no shift too; empty without it."""
    path = run / "staff_summary.csv"
    return set(read_written_csv(path, dtype=str)["staff_id"]) if path.is_file() else set()


def _horizon(run: Path) -> tuple[str, str]:
    """The run's first and last ISO dates (``summary.json``); the widest range without them."""
    horizon = _json(run / "summary.json").get("horizon") or {}
    return str(horizon.get("first_date") or "0000-00-00"), str(horizon.get("last_date") or "9999-99-99")


def rota_grid(run: Path, instance: Path | None = None) -> str | None:
    """The rota as a staff x date grid, one colour per shift type, each day of leave grey
    (:data:`LEAVE_CELL`; read from ``instance``) (escaped HTML): a row for everyone on the rota,
    a column for each day someone works or is on leave."""
    import html

    path = run / "assignments.csv"
    if not path.is_file():
        return None
    shifts = read_written_csv(path, dtype=str)
    if shifts.empty:
        return None
    colour = {
        s: SHIFT_COLOURS[i % len(SHIFT_COLOURS)] for i, s in enumerate(sorted(shifts["shift_id"].unique()))
    }
    grid = shifts.pivot_table(index="staff_id", columns="date", values="shift_id", aggfunc="first")
    people = sorted(set(grid.index) | _rota_staff(run))
    first, last = _horizon(run)
    away = {
        (p, d): why for (p, d), why in _leave_days(instance).items() if p in people and first <= d <= last
    }
    dates = sorted(set(grid.columns) | {d for _, d in away})
    grid = grid.reindex(index=people, columns=dates)
    head = "".join(f"<th>{html.escape(pd.Timestamp(d).strftime('%a %d %b'))}</th>" for d in dates)
    rows = []
    for staff, row in grid.iterrows():
        cells = []
        for d in dates:
            shift = row.get(d)
            if isinstance(shift, str):
                cells.append(f'<td style="background:{colour[shift]};color:#fff">{html.escape(shift)}</td>')
            elif (reason := away.get((str(staff), str(d)))) is not None:
                cells.append(LEAVE_CELL.format(reason=html.escape(reason)))
            else:
                cells.append("<td></td>")
        rows.append(f"<tr><th>{html.escape(str(staff))}</th>{''.join(cells)}</tr>")
    table = f'<table class="data grid"><tr><th>staff</th>{head}</tr>{"".join(rows)}</table>'
    return f'<div class="scroll">{table}</div>'


def _map_section(title: str, svg: str | None, figures: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """One map of the report: its heading, the figures shown above it, the inline SVG."""
    return {"title": title, "figures": list(figures), "svg": svg}


def asked(request: dict[str, Any] | None, solved: str | None = None) -> list[tuple[str, str]]:
    """The headline's line of what the run was asked (``run.json``'s ``request``): the scenario
    and overrides, the solver, and the start of the SHA-256 of the instance's files, so that a
    board reading the plan knows which variant of the instance it is; none for an older run.
    ``solved``: the backend that solved it (``summary.json``'s), named beside the one asked where
    they differ (a rota's ``search: mip`` is solved by HiGHS though the run asked ``cpsat``)."""
    if not request:
        return []
    overrides = request.get("overrides") or {}
    parts = [f"scenario {request['scenario']}"] if request.get("scenario") else []
    if overrides.get("set"):
        parts.append("--set " + ", ".join(f"{k}={v}" for k, v in overrides["set"].items()))
    for key in ("open", "close"):
        if overrides.get(key):
            parts.append(f"--{key} " + ", ".join(map(str, overrides[key])))
    if overrides.get("scale_demand"):
        parts.append("demand scaled " + ", ".join(f"{k} x{v}" for k, v in overrides["scale_demand"].items()))
    if overrides.get("remove"):
        parts.append("removed " + ", ".join(map(str, overrides["remove"])))
    words = "; ".join(parts) if parts else "the instance as it is"
    sha = str(request.get("instance_sha256") or "")
    requested = str(request.get("solver") or "")
    if solved and requested and solved != requested:  # e.g. the rota's ``search: mip``: HiGHS
        extra = [f"solved by {solved}, asked {requested}"]
    else:
        extra = [solved or requested] if solved or requested else []
    extra += [f"instance files {sha[:12]}"] if sha else []
    return [("Solved with", words + (f" ({', '.join(extra)})" if extra else ""))]


HEADLINE_FINDINGS = 10
"""Findings of a run's explanation (shortfalls, what cannot be met) listed under its headline
figures; when there are more, every one is listed in a section of its own (after the maps and charts), so
the headline stays on the first screen (lsc-cover's ran to some seventy lines above any figure)."""


def explanation_parts(findings: Sequence[str]) -> dict[str, Any]:
    """The report's ``explanation`` (the first :data:`HEADLINE_FINDINGS`), ``more_findings`` (how
    many are left out of it) and ``all_findings`` (every one, when some are left out; else none)."""
    more = max(len(findings) - HEADLINE_FINDINGS, 0)
    return {
        "explanation": list(findings[:HEADLINE_FINDINGS]),
        "more_findings": more,
        "all_findings": list(findings) if more else [],
    }


def run_context(
    run: Path, years: Sequence[int] | None = None, instance: Path | None = None
) -> dict[str, Any]:
    """A single run: headline, map (a roll-out: one per year in ``years``, see
    :func:`optimiser.report.rollout.choose_years`), the plan's tables.  ``instance``: where the
    run's instance is now, when not where ``run.json`` says."""
    meta = _json(run / "run.json")
    summary = _json(run / "summary.json")
    kind = meta.get("kind", summary.get("kind", ""))
    instance = run_instance(run, instance)
    notes = [note] if (note := run_map_note(run, instance)) else []
    notes += [f"Note on the input: {text}" for text in summary.get("input_notes") or []]
    tables = []
    for name in meta.get("files", []):
        if name.endswith(".csv") and (run / name).is_file():
            frame = read_written_csv(run / name)
            tables.append((name.removesuffix(".csv").replace("_", " "), _table(frame), len(frame)))
    grid = rota_grid(run, instance if kind == "roster" else None)
    charts: list[tuple[str, str]] = (
        [("Rota (lv: leave)" if kind == "roster" else "Rota", grid)] if grid else []
    )
    if years is not None and kind != "rollout":
        raise ValueError(f"years apply to a roll-out run; {run.name} is a {kind or 'unknown'} run")
    if kind == "rollout":
        from optimiser.report.rollout import rollout_views

        year_maps, timeline = rollout_views(run, instance, years)
        maps = [_map_section(m.title, m.svg, m.figures) for m in year_maps if m.svg]
        charts += timeline
    else:
        map_svg = (
            sact_map(run, instance) if kind == "sact" else ooh_map(run, instance) if kind == "ooh" else None
        )
        maps = [_map_section("Map", map_svg)] if map_svg else []
    solved = (summary.get("solver") or {}).get("backend")
    return {
        "title": f"{meta.get('name', run.name)}: {kind} plan",
        "subtitle": f"Run folder {run.name}",
        "headline": [*headline(summary), *asked(meta.get("request"), solved)],
        **explanation_parts(summary.get("explanation") or []),
        "notes": notes,
        "check": summary.get("check"),
        "maps": maps,
        "legend": svgmap.legend("travel") if kind in ("sact", "rollout") else [],
        # a roll-out's map marks sites against today, not against the year before
        "new_site_label": "new since today" if kind == "rollout" else "new site",
        # the grey marks: an OOH site whose rotas are all based elsewhere, a SACT candidate left shut
        "unused_site_label": "no rota based here" if kind == "ooh" else "candidate not used",
        "link_label": "rota cover (from a rota base to a site it covers)"
        if kind == "ooh"
        else "aseptic supply",
        "charts": charts,
        **split_access(tables),
        "version": meta.get("version", ""),
    }


ACCESS_TABLES = {
    "access by quintile": "by deprivation quintile (0: unknown)",
    "access by year": "by year and deprivation quintile (0: all zones)",
    "access by district": "by district",
}
"""A run's access tables (by the name of their file), shown side by side under these headings."""


def split_access(tables: list[tuple[str, str, int]]) -> dict[str, list[tuple[str, str, int]]]:
    """The report's ``access`` tables (:data:`ACCESS_TABLES`, side by side) and its other ``tables``."""
    return {
        "access": [(ACCESS_TABLES[name], html, rows) for name, html, rows in tables if name in ACCESS_TABLES],
        "tables": [t for t in tables if t[0] not in ACCESS_TABLES],
    }


CHART_NAME = 30
"""Characters of a site's name on the regret chart's axis; a longer name is cut at a word and ends
with an ellipsis."""


def regret_label(row: dict[str, Any]) -> str:
    """A regret bar's label: the site's name (cut at a word past :data:`CHART_NAME` characters), its
    id and what was forced, ``"Royal Blackburn Teaching... (RXR20, closed)"``.  The name cut
    mid-word alone ('Royal Blackburn Teaching Hospi') drew two sites whose names share their
    first 30 characters as one bar."""
    name = str(row.get("name", ""))
    if len(name) > CHART_NAME:
        cut = name[:CHART_NAME]
        name = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:(") + "\u2026"
    site = row.get("site_id")
    return (
        f"{name} ({site}, {row['forced']})" if isinstance(site, str) and site else f"{name} ({row['forced']})"
    )


def _regret_chart(regret: pd.DataFrame, out: Path, optimum_proven: bool = True) -> str | None:
    """The regret bars; ``optimum_proven`` False: the optimum's own solve stopped at its limit, so
    each bar is a difference of two plans' costs, neither proven, and may be higher or lower."""
    ok = regret[regret["regret"].notna()] if "regret" in regret.columns else regret.iloc[0:0]
    if ok.empty:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = ok.sort_values("regret")
    fig, ax = plt.subplots(figsize=(8.5, 0.35 * len(ok) + 1.2))  # wide enough for its axis label
    colours = ["#DA291C" if f == "closed" else "#009639" for f in ok["forced"]]
    bars = ax.barh(
        [regret_label(r) for r in ok.to_dict("records")],
        ok["regret"] / 1e3,
        color=colours,
    )
    # a forced solve stopped at its limit: its cost, so its bar, is at most that (an upper bound)
    unproven = (ok["status"] != "optimal").to_numpy() if "status" in ok.columns else [False] * len(ok)
    for bar, open_gap in zip(bars, unproven, strict=True):
        if open_gap:
            bar.set_hatch("///")
            bar.set_alpha(0.55)
    label = "extra annual cost against the optimum (£ thousand)"
    if any(unproven):
        label += "\nhatched: the forced solve stopped at its limit" + (
            " (at most this)" if optimum_proven else ""
        )
    if not optimum_proven:
        label += "\nthe optimum's own solve stopped at its limit:\neach bar may be higher or lower"
    ax.set_xlabel(label)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    path = out / "regret.svg"
    save_figure(fig, path)
    plt.close(fig)
    return _svg_file(path)


def _first_run(folder: Path, table: pd.DataFrame) -> Path | None:
    """The run folder of the comparison's first row with a plan (the reference its differences are
    taken against: ``base`` of a scenarios file, a frontier's cost-optimal plan, regret's optimum),
    else the first run folder by name."""
    if "scenario" in table.columns and len(table):
        for scenario in table["scenario"].astype(str):  # the first with a plan: it has a map
            named = folder / "runs" / scenario
            if (named / "run.json").is_file() and _json(named / "summary.json").get("plan_found", True):
                return named
    runs = sorted((folder / "runs").glob("*/run.json"))
    return runs[0].parent if runs else None


STOPPED_SHORT = ("feasible", "no_solution", "error")
"""Statuses of a solve that ended without a proven answer: a plan not proven optimal, no plan and
no proof that none exists, or a solver that failed."""


def comparison_headline(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The solves compared and checked, then how many were proven to have no plan (an answer), how
    many stopped short of a proven answer and how many were not run, killed or failed (each word of
    :data:`~optimiser.scenarios.WITHOUT_SUMMARY`), each only when any: 'Solves 3,
    Checked 1' left a frontier's two caps no plan meets unexplained, alike with stopped solves."""
    status = table["status"] if "status" in table else pd.Series([], dtype=object)
    items = [
        ("Solves", str(len(table))),
        ("Checked", str(int((table["check"] == "passed").sum()) if "check" in table else 0)),
    ]
    counts = {
        "No plan exists (proven infeasible)": status.eq("infeasible").sum(),
        "Stopped short of a proven answer": status.isin(STOPPED_SHORT).sum(),
        **{word.capitalize(): status.eq(word).sum() for word in WITHOUT_SUMMARY},
    }
    return items + [(label, str(int(n))) for label, n in counts.items() if n]


def comparison_title(folder: Path) -> str:
    """The comparison's own title, the heading of its ``comparison.md`` ("Scenarios of lsc-sact",
    "Cost against access: lsc-sact"), else the folder's name (the report was titled "s2", the
    folder, over a table its markdown called "Scenarios of lsc-sact")."""
    path = folder / "comparison.md"
    first = path.read_text(encoding="utf-8").split("\n", 1)[0] if path.is_file() else ""
    return first[2:].strip() if first.startswith("# ") and first[2:].strip() else folder.name


def comparison_context(folder: Path) -> dict[str, Any]:
    """A comparison (scenarios, frontier or regret): the table, charts, and the first plan's map."""
    table = read_written_csv(folder / "comparison.csv")
    charts = []
    frontier_svg = _svg_file(folder / "frontier.svg")
    if frontier_svg:
        charts.append(("Trade-off frontier (points in the frontier table below)", frontier_svg))
    tables = [("comparison", _table(table), len(table))]
    drawn: list[Path] = []
    if (folder / "regret.csv").is_file():
        regret = read_written_csv(folder / "regret.csv")
        optimum = table.loc[table["scenario"] == "optimum", "status"] if "scenario" in table else None
        proven = optimum is None or optimum.empty or bool((optimum == "optimal").all())
        chart = _regret_chart(regret, folder, proven)
        if chart:
            charts.append(("What forcing each site costs", chart))
            drawn.append(folder / "regret.svg")
        tables.insert(0, ("regret", _table(regret), len(regret)))
    if (folder / "frontier.csv").is_file():
        frontier = read_written_csv(folder / "frontier.csv")
        tables.insert(0, ("frontier", _table(frontier), len(frontier)))
    differences = (
        read_written_csv(folder / "differences.csv") if (folder / "differences.csv").is_file() else None
    )
    if differences is not None and len(differences):
        tables.append(("plan differences against the first", _table(differences), len(differences)))
    first = _first_run(folder, table)
    meta = _json(first / "run.json") if first else {}
    maps = []
    if first is not None and meta.get("kind") == "sact":
        map_svg = sact_map(first, Path(meta.get("instance", "")))
        maps = [_map_section("Map", map_svg)] if map_svg else []
    elif first is not None and meta.get("kind") == "rollout":
        from optimiser.report.rollout import rollout_views

        year_maps, _ = rollout_views(first, Path(meta.get("instance", "")))
        maps = [_map_section(m.title, m.svg, m.figures) for m in year_maps if m.svg]
    return {
        "title": comparison_title(folder),
        "subtitle": f"{count(len(table), 'solve')} compared"
        + (f"; map: {first.name}" if maps and first is not None else ""),
        "headline": comparison_headline(table),
        **explanation_parts([]),
        "notes": [note] if first is not None and (note := run_map_note(first)) else [],
        "check": None,
        "maps": maps,
        "legend": svgmap.legend("travel") if maps else [],
        "new_site_label": "new since today" if meta.get("kind") == "rollout" else "new site",
        "charts": charts,
        "tables": tables,
        "version": meta.get("version", ""),
        "drawn": drawn,  # the chart files drawn into the folder: write_report lists them
    }
