"""``optimiser frontier`` and ``optimiser regret``: exact trade-offs and the cost of each site.

Frontier (epsilon-constraint).  The cost-minimal plan reaches some share ``s0`` of attendances
within the access standard; no plan reaches more than ``s_max``, the share of attendances whose
nearest candidate site (of a type that may treat them) is within the standard.  The frontier is
the cost-minimal plan for each target ``s0 = e_0 < e_1 < ... < e_n = s_max``, every point solved
to the stated gap and independently checked.  Costs must not fall as the target rises; a point
that does (possible only within the gap) is flagged.  A knee is a point after which the cost of
one more percentage point at least doubles.  ``--x worst_quintile`` applies the target in every
deprivation quintile (``access_by_quintile``), so the frontier prices the worst-served
quintile's access.

Regret.  For every candidate site, the optimum with the site forced the other way (closed if
the optimum opens it, open if it closes it): what keeping or closing it costs against the
optimum, and which other sites change with it.  Rows within ``--within`` of the optimum are
near-optimal alternatives that differ in at least that site.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd

from optimiser.commands.parallel import Job
from optimiser.commands.scenarios import _fail, batch_options, default_out, run_batch, solve_arguments
from optimiser.errors import InputError

AXES = {"access": "sact", "worst_quintile": "sact", "response": "ooh"}


def within_standard(run: Path, minutes: float) -> tuple[float, float]:
    """(share of all attendances, worst quintile's share) within ``minutes`` in a run folder."""
    allocation = pd.read_csv(run / "allocation.csv")
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    total = float(summary.get("access", {}).get("attendances") or allocation["attendances"].sum())
    unserved = float(summary.get("unserved_attendances") or 0.0)
    near = float(allocation.loc[allocation["minutes"] <= minutes + 1e-9, "attendances"].sum())
    share = near / max(total + unserved, 1e-9)
    quintiles = run / "access_by_quintile.csv"
    worst = share
    if quintiles.is_file():
        q = pd.read_csv(quintiles)
        column = f"within_{int(minutes)}" if f"within_{int(minutes)}" in q.columns else None
        if column is not None and len(q[q["quintile"] > 0]):
            worst = float(q.loc[q["quintile"] > 0, column].min())
    return share, worst


def reachable_share(sact_input: Any) -> tuple[float, float]:
    """(share, worst quintile's share) of attendances that some candidate able to treat them can
    serve within the standard (complex regimens only at centres and hospital units): no plan can
    do better, and capacity may keep a plan below it."""
    from models.sact.arrays import prepare

    a = prepare(sact_input)
    minutes = sact_input.parameters.access_minutes
    near = np.zeros(len(a.dem_amount), bool)
    near[a.arc_dem[a.arc_minutes <= minutes + 1e-9]] = True
    share = float(a.dem_amount[near].sum() / max(a.dem_amount.sum(), 1e-9))
    by_q = [
        float(a.dem_amount[near & (a.dem_quintile == q)].sum() / a.dem_amount[a.dem_quintile == q].sum())
        for q in np.unique(a.dem_quintile)
        if q > 0 and a.dem_amount[a.dem_quintile == q].sum() > 0
    ]
    return share, min(by_q) if by_q else share


def knees(frontier: pd.DataFrame) -> list[int]:
    """Points after which the marginal cost of access at least doubles."""
    ok = frontier[frontier["cost"].notna()].reset_index(drop=True)
    slope = ok["cost"].diff() / (100 * ok["achieved"].diff()).replace(0, np.nan)
    marks = []
    for i in range(1, len(ok) - 1):
        before, after = slope.iloc[i], slope.iloc[i + 1]
        if pd.notna(before) and pd.notna(after) and before > 0 and after >= 2 * before:
            marks.append(int(ok.loc[i, "point"]))
    return marks


def frontier_chart(frontier: pd.DataFrame, out: Path, axis: str) -> Path:
    """frontier.svg: annual cost against the share within the standard; knees marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = frontier[frontier["cost"].notna()]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(100 * ok["achieved"], ok["cost"] / 1e6, marker="o", color="#005EB8")
    knee = ok[ok["knee"]]
    ax.scatter(
        100 * knee["achieved"], knee["cost"] / 1e6, s=140, facecolors="none", edgecolors="#DA291C", zorder=3
    )
    label = "worst quintile's share" if axis == "worst_quintile" else "share of attendances"
    ax.set_xlabel(f"{label} within the access standard (%)")
    ax.set_ylabel("annual cost (£ million)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = out / "frontier.svg"
    fig.savefig(path)
    plt.close(fig)
    return path


@click.command("frontier")
@click.argument("path")
@click.option("--x", "axis", type=click.Choice(sorted(AXES)), default="access", show_default=True)
@click.option("--points", type=click.IntRange(min=2, max=101), default=15, show_default=True)
@batch_options
def frontier(
    path: str,
    axis: str,
    points: int,
    out: Path | None,
    time_limit: float,
    gap: float,
    backend: str | None,
    workers: int,
    scheduler: str | None,
    memory_limit: float,
    report: bool,
) -> None:
    """Cost against access (sact; --x access or worst_quintile) or against the worst response
    time (ooh; --x response): every point the least-cost plan for its target, checked."""
    from optimiser.cli import resolve_instance
    from optimiser.comparison import write_comparison
    from optimiser.kinds import load_instance

    instance = resolve_instance(path)
    try:
        loaded = load_instance(instance)
    except InputError as exc:
        _fail(exc)
    if loaded.kind.name != AXES[axis]:
        click.echo(f"frontier --x {axis} is for {AXES[axis]} instances, not '{loaded.kind.name}'", err=True)
        raise SystemExit(2)
    out = out or default_out("frontier", loaded.raw.name)
    args = solve_arguments(instance, backend, time_limit, gap)
    if axis == "response":
        from optimiser.commands.frontier_ooh import response_chart, response_frontier

        table = response_frontier(loaded, args, out, points, (time_limit, memory_limit, workers, scheduler))
        click.echo(table.to_string(index=False))
        response_chart(table, out)
        runs = {
            "base" if i == 0 else f"point-{i:02d}": out / "runs" / ("base" if i == 0 else f"point-{i:02d}")
            for i in range(len(table))
        }
        title = f"Cost against the worst response: {loaded.raw.name}"
        files = write_comparison(out, "ooh", runs, title=title, report=report, extra={"frontier": table})
        click.echo(f"Wrote frontier.svg, {', '.join(files)} to {out}")
        return
    quintile = ("--set", "access_by_quintile=true") if axis == "worst_quintile" else ()
    base = Job("base", out / "runs" / "base", args, {"arguments": list(args)})
    run_batch([base], time_limit, memory_limit, 1, scheduler)
    if not (base.folder / "allocation.csv").is_file():
        click.echo(f"The instance has no plan without a target; see {base.folder}", err=True)
        raise SystemExit(1)
    params = loaded.model_input.input.parameters
    s0 = within_standard(base.folder, params.access_minutes)[1 if axis == "worst_quintile" else 0]
    s_max = reachable_share(loaded.model_input.input)[1 if axis == "worst_quintile" else 0]
    targets = np.linspace(s0, max(s0, s_max), points)
    jobs = []
    for i, target in enumerate(targets):
        extra = ("--set", f"access_target={target:.6f}", *quintile)
        jobs.append(
            Job(f"point-{i:02d}", out / "runs" / f"point-{i:02d}", (*args, *extra), {"a": [*args, *extra]})
        )
    run_batch(jobs, time_limit, memory_limit, workers, scheduler)
    table = frontier_table(jobs, targets, params.access_minutes, axis)
    click.echo(table.to_string(index=False))
    frontier_chart(table, out, axis)
    runs = {job.name: job.folder for job in jobs}
    title = f"Cost against access: {loaded.raw.name}"
    files = write_comparison(out, "sact", runs, title=title, report=report, extra={"frontier": table})
    click.echo(f"Wrote frontier.svg, {', '.join(files)} to {out}")


def frontier_table(jobs: list[Job], targets: np.ndarray, minutes: float, axis: str) -> pd.DataFrame:
    """One row per point: target, share reached, cost, status, gap, check, monotone, knee."""
    rows = []
    for i, (job, target) in enumerate(zip(jobs, targets, strict=True)):
        row: dict[str, Any] = {"point": i, "target": round(float(target), 6)}
        summary = job.folder / "summary.json"
        doc = json.loads(summary.read_text(encoding="utf-8")) if summary.is_file() else {}
        solver = doc.get("solver") or {}
        found = (job.folder / "allocation.csv").is_file()
        share = within_standard(job.folder, minutes) if found else (None, None)
        row.update(
            achieved=share[1 if axis == "worst_quintile" else 0],
            cost=(doc.get("costs") or {}).get("total") if found else None,
            status=solver.get("status", "not run"),
            gap=solver.get("gap"),
            check=_check_word(doc),
            sites_open=doc.get("sites_open"),
            chairs=doc.get("chairs"),
        )
        rows.append(row)
    table = pd.DataFrame(rows)
    costs = table["cost"].astype(float)
    gaps = table["gap"].astype(float).fillna(0.0)
    table["monotone"] = ~(costs < costs.shift(1) * (1 - gaps - 1e-9)).fillna(False)
    table["knee"] = table["point"].isin(knees(table))
    return table


@click.command("regret")
@click.argument("path")
@click.option(
    "--within",
    type=click.FloatRange(min=0),
    default=0.01,
    show_default=True,
    help="Share of the optimum within which a forced plan counts as a near-optimal alternative.",
)
@batch_options
def regret(
    path: str,
    within: float,
    out: Path | None,
    time_limit: float,
    gap: float,
    backend: str | None,
    workers: int,
    scheduler: str | None,
    memory_limit: float,
    report: bool,
) -> None:
    """For every candidate site: the cost of forcing it open or closed, and what else changes."""
    from optimiser.cli import resolve_instance
    from optimiser.comparison import write_comparison
    from optimiser.kinds import load_instance

    instance = resolve_instance(path)
    try:
        loaded = load_instance(instance)
    except InputError as exc:
        _fail(exc)
    if loaded.kind.name != "sact":
        click.echo(f"regret is for sact instances, not '{loaded.kind.name}'", err=True)
        raise SystemExit(2)
    out = out or default_out("regret", loaded.raw.name)
    args = solve_arguments(instance, backend, time_limit, gap)
    base = Job("optimum", out / "runs" / "optimum", args, {"arguments": list(args)})
    run_batch([base], time_limit, memory_limit, 1, scheduler)
    if not (base.folder / "sites.csv").is_file():
        click.echo(f"The instance has no plan; see {base.folder}", err=True)
        raise SystemExit(1)
    sites = pd.read_csv(base.folder / "sites.csv", dtype={"site_id": str})
    jobs = [base]
    for _, site in sites.iterrows():
        flag = "--close" if bool(site["open"]) else "--open"
        name = f"{'close' if flag == '--close' else 'open'}-{site['site_id']}"
        extra = (flag, str(site["site_id"]))
        jobs.append(Job(name, out / "runs" / name, (*args, *extra), {"a": [*args, *extra]}))
    run_batch(jobs[1:], time_limit, memory_limit, workers, scheduler)
    table = regret_table(sites, jobs, within)
    click.echo(table.drop(columns=["scenario"]).to_string(index=False))
    runs = {job.name: job.folder for job in jobs}
    title = f"Site regret: {loaded.raw.name}"
    files = write_comparison(out, "sact", runs, title=title, report=report, extra={"regret": table})
    click.echo(f"Wrote {', '.join(files)} to {out}")


def regret_table(sites: pd.DataFrame, jobs: list[Job], within: float) -> pd.DataFrame:
    """One row per site, cheapest forced change first."""
    base_doc = json.loads((jobs[0].folder / "summary.json").read_text(encoding="utf-8"))
    optimum = float(base_doc["costs"]["total"])
    base_open = set(sites.loc[sites["open"].astype(bool), "site_id"])
    rows = []
    for job, (_, site) in zip(jobs[1:], sites.iterrows(), strict=True):
        row: dict[str, Any] = {
            "site_id": site["site_id"],
            "name": site["name"],
            "optimum": "open" if site["site_id"] in base_open else "closed",
            "forced": "closed" if site["site_id"] in base_open else "open",
            "scenario": job.name,
        }
        summary = job.folder / "summary.json"
        doc = json.loads(summary.read_text(encoding="utf-8")) if summary.is_file() else {}
        forced_sites = job.folder / "sites.csv"
        if forced_sites.is_file() and doc.get("costs"):
            cost = float(doc["costs"]["total"])
            other = pd.read_csv(forced_sites, dtype={"site_id": str})
            now_open = set(other.loc[other["open"].astype(bool), "site_id"]) - {site["site_id"]}
            was_open = base_open - {site["site_id"]}
            row.update(
                cost=cost,
                regret=cost - optimum,
                regret_share=(cost - optimum) / optimum,
                also_opens=" ".join(sorted(now_open - was_open)),
                also_closes=" ".join(sorted(was_open - now_open)),
                status=(doc.get("solver") or {}).get("status"),
                gap=(doc.get("solver") or {}).get("gap"),
                check=_check_word(doc),
            )
            row["near_optimal"] = row["regret_share"] <= within
        else:
            explanation = " ".join(doc.get("explanation") or [])[:300]
            row.update(cost=None, regret=None, status=(doc.get("solver") or {}).get("status", "no plan"))
            row["also_opens"] = explanation
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.sort_values("regret", na_position="last").reset_index(drop=True)


def _check_word(summary: dict[str, Any]) -> str:
    check = summary.get("check")
    if not check:
        return "no plan"
    return "passed" if check.get("passed") else "FAILED"
