"""``optimiser regret``: what keeping or closing each candidate site costs, and what changes with it.

For every candidate site, the optimum with the site forced the other way (closed if the optimum
opens it, open if it closes it): what keeping or closing it costs against the optimum, and which
other sites change with it.  Rows within ``--within`` of the optimum are near-optimal
alternatives that differ in at least that site.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd

from optimiser.commands.batch import (
    batch_options,
    claim_out,
    default_out,
    exit_without_plan,
    fail,
    run_batch,
    solve_arguments,
    status_without_summary,
    write_and_close,
)
from optimiser.commands.finite import FiniteFloatRange
from optimiser.commands.parallel import Job
from optimiser.errors import InputError
from optimiser.exports.calendars import file_name_of
from optimiser.exports.safe import read_written_csv
from optimiser.scenarios import check_word, explanation_text


@click.command("regret")
@click.argument("path")
@click.option(
    "--within",
    type=FiniteFloatRange(min=0),
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
    from optimiser.commands.instance_path import resolve_instance
    from optimiser.comparison import text_table
    from optimiser.kinds import load_instance

    instance = resolve_instance(path)
    try:
        loaded = load_instance(instance)
    except InputError as exc:
        fail(exc, path)
    if loaded.kind.name != "sact":
        click.echo(f"regret is for sact instances, not '{loaded.kind.name}'", err=True)
        raise SystemExit(2)
    out = claim_out(out or default_out("regret", loaded.raw.name), "regret")
    args = solve_arguments(instance, backend, time_limit, gap)
    base = Job("optimum", out / "runs" / "optimum", args, {"arguments": list(args)})
    candidates = len(loaded.model_input.input.sites)  # then one solve a site, forced open or closed
    done = run_batch([base], time_limit, memory_limit, workers, scheduler, later=candidates)
    if not (base.folder / "sites.csv").is_file():
        exit_without_plan(done, base, f"The instance has no plan; see {base.folder}")
    sites = read_written_csv(base.folder / "sites.csv", dtype={"site_id": str})
    jobs = [base]
    for _, site in sites.iterrows():
        flag = "--close" if bool(site["open"]) else "--open"
        name = f"{'close' if flag == '--close' else 'open'}-{site['site_id']}"
        extra = (flag, str(site["site_id"]))
        folder = out / "runs" / file_name_of(name)  # a site id is free text: 'q/../x' stays inside
        jobs.append(Job(name, folder, (*args, *extra), {"a": [*args, *extra]}))
    run_batch(jobs[1:], time_limit, memory_limit, workers, scheduler)
    base_doc = json.loads((base.folder / "summary.json").read_text(encoding="utf-8"))
    table = regret_table(sites, jobs, within, base_doc)
    click.echo(text_table(table.drop(columns=["scenario", "explanation"])))
    for row in table[table["explanation"].fillna("") != ""].itertuples():
        click.echo(f"{row.site_id} {row.forced}: {row.status}: {row.explanation}")
    caveat = unproven_optimum(base_doc)
    if caveat:
        click.echo(caveat)
    runs = {job.name: job.folder for job in jobs}
    title = f"Site regret: {loaded.raw.name}"
    write_and_close(out, "sact", runs, "solve", title=title, report=report, extra={"regret": table})


def unproven_optimum(base_doc: dict[str, Any]) -> str | None:
    """What to tell the user when the optimum's own solve (its ``summary.json``, ``base_doc``)
    stopped short of optimal: every regret is then measured against a plan, not a proven optimum
    (None when it is proven)."""
    solver = base_doc.get("solver") or {}
    if solver.get("status") == "optimal":
        return None
    gap = solver.get("gap")
    within = "" if gap is None else f" (gap {100 * gap:.2f} %)"
    why, then = "stopped at its limit", "give the command a longer --time-limit"
    if base_doc.get("interrupted"):
        why, then = "was stopped (Ctrl-C or SIGTERM)", "run the same command again to solve it in full"
    return (
        f"The optimum's own solve {why}{within}: each regret is measured against its "
        f"plan, not a proven optimum, and may be higher or lower; {then}."
    )


def regret_table(
    sites: pd.DataFrame, jobs: list[Job], within: float, base_doc: dict[str, Any]
) -> pd.DataFrame:
    """One row per site, cheapest forced change first; a forced change without a plan has no cost
    and the run's ``explanation`` (why it is infeasible). ``base_doc``: the optimum's
    ``summary.json`` (the first job's)."""
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
            other = read_written_csv(forced_sites, dtype={"site_id": str})
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
                check=check_word(doc),
            )
            row["near_optimal"] = row["regret_share"] <= within
        else:
            row.update(
                cost=None,
                regret=None,
                status=(doc.get("solver") or {}).get("status", status_without_summary(job.name)),
            )
            row["explanation"] = explanation_text(doc)
        rows.append(row)
    table = pd.DataFrame(rows, columns=REGRET_COLUMNS)
    return table.sort_values("regret", na_position="last").reset_index(drop=True)


REGRET_COLUMNS = (
    "site_id", "name", "optimum", "forced", "scenario", "cost", "regret", "regret_share",
    "also_opens", "also_closes", "status", "gap", "check", "near_optimal", "explanation",
)  # fmt: skip
"""regret.csv's columns, in one order: they followed the first site's row, so an infeasible
first site (Weston Park, syb-sact) moved status and explanation before regret_share."""
