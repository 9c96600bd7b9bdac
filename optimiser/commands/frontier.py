"""``optimiser frontier``: exact trade-offs of cost against access (regret: its own module).

Frontier (epsilon-constraint).  The cost-minimal plan reaches some share ``s0`` of attendances
within the access standard; no plan reaches more than ``s_max``, the share of attendances whose
nearest candidate site (of a type that may treat them) is within the standard.  The frontier is
the cost-minimal plan for each target ``s0 = e_0 < e_1 < ... < e_n = s_top``, every point solved
to the stated gap and independently checked.  Capacity, staff, budgets and site limits may keep
every plan below ``s_max``, so under ``--x access`` the top is the share reached by the plan that
serves the most attendances within the standard (``objective: coverage``, cost as its
tie-break; run beside the cost-minimal plan as ``runs/top``): ``s_top = s_max`` only when some plan
reaches every reachable attendance, and no point is spent on a target no plan meets.  Under
``--x worst_quintile`` no such objective exists, so the top stays ``s_max`` and a target above what
any plan reaches is reported as such.  Costs must not fall as the target rises; a point
that does (possible only within the gap) is flagged.  A knee is a point of the chart's line (proven
optimal, no tighter target's plan cheaper) after which the cost of one more percentage point at
least doubles.  ``--x worst_quintile`` applies the target in every
deprivation quintile (``access_target_q1`` .. ``access_target_q5``, a quintile's own higher
target kept) beside the instance's overall ``access_target``, so the frontier prices the
worst-served quintile's access under the instance's other rules.  A plan that meets a target
meets every lower one, so the points are solved from the highest target down, one chain per
worker, each warm-started (``solve --start``) from the plan of the point above it in its chain
(``--cold``: every point from scratch); ``frontier.csv`` says which points were
(``warm_started``) and how long each solve took.

``--x worst`` prices the longest journey instead: cost against the longest journey of any
attendance served.  Its epsilon-constraint is the parameter ``max_travel_minutes`` (no allocation
beyond it), which is exactly "every journey at most epsilon", so no new parameter is needed.  The
ends are the cost-minimal plan's longest journey ``w0`` and the least any plan can reach, ``w*``
(the SACT ``worst`` objective, a p-centre solve, under the instance's own limits); the points are
travel times of the instance between them (only those can be a longest journey), at most
``--points`` of them.  A plan solved at bound ``e`` with longest journey ``a`` is the least-cost
plan for every bound in ``[a, e]`` (it keeps to them, and a tighter bound is never cheaper), so
those need no solve: after both ends, each round (at most ``--workers`` solves at once) takes the
top of each run of travel times still unsettled, the next frontier point below a known one.  With
enough points every travel time between the ends is settled and the frontier is complete (the
command says whether it is).  Costs must not fall as the bound tightens; a knee is a point of the
line after which the cost of one more minute saved at least doubles.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd

from models.sact.access import share as access_share
from optimiser.commands.batch import (
    batch_options,
    claim_out,
    default_out,
    exit_without_plan,
    fail,
    run_batch,
    solve_arguments,
    solve_seconds,
    status_without_summary,
    write_and_close,
)
from optimiser.commands.frontier_points import (
    Bound,
    draw_frontier,
    knees,
    loosest_without_plan,
    mark_knees,
    mark_no_plan,
    settle_levels,
    with_monotone,
)
from optimiser.commands.parallel import Job
from optimiser.errors import InputError
from optimiser.exports.numbers import table_of_rows
from optimiser.outputs import save_figure
from optimiser.scenarios import check_word

AXES = {"access": "sact", "worst_quintile": "sact", "worst": "sact", "response": "ooh"}


def within_standard(run: Path, minutes: float) -> tuple[float, float]:
    """(share of attendances, worst quintile's share) within ``minutes`` in a run folder.

    Both are the run's own figures, worked out on the plan's unrounded minutes: the band
    ``within_<minutes>`` of the summary's ``access`` and of ``access_by_quintile.csv``, else
    ``within_access_standard`` when ``minutes`` is the run's standard (``access.standard_minutes``).
    When the plan leaves attendances unserved (``allow_unserved``) and ``minutes`` is the standard,
    the shares are of the served attendances (``served_within_access_standard``), the base the
    access target of every point is tested on; otherwise of all attendances.
    Only a run folder without them (an older one) is summed from ``allocation.csv``, whose minutes
    are rounded to 4 decimals; its worst quintile is then unknown (NaN)."""
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    access = summary.get("access") or {}
    names = [f"within_{minutes:g}"]
    if access.get("standard_minutes") == minutes:
        names.append("within_access_standard")
        if summary.get("unserved_attendances"):
            names.insert(0, "served_within_access_standard")
    known = next((access[n] for n in names if access.get(n) is not None), None)
    if known is not None:
        share = float(known)
    else:
        allocation = pd.read_csv(run / "allocation.csv")
        # the summary's access attendances are all demand, unserved included (models.sact.access)
        total = access.get("attendances")
        if not total:
            total = allocation["attendances"].sum() + float(summary.get("unserved_attendances") or 0.0)
        near = float(allocation.loc[allocation["minutes"] <= minutes + 1e-9, "attendances"].sum())
        share = access_share(near, float(total)) if float(total) > 0 else 0.0
    quintiles = run / "access_by_quintile.csv"
    if not quintiles.is_file():
        return share, share
    q = pd.read_csv(quintiles)
    ranked = q[q["quintile"] > 0]
    if ranked.empty:
        return share, share
    column = next((n for n in names if n in q.columns), None)
    return share, float("nan") if column is None else float(ranked[column].min())


def has_quintiles(sact_input: Any) -> bool:
    """Whether any zone has a deprivation quintile (1-5): without one, a worst-quintile target
    binds no zone, and every point came out the least-cost plan, 'optimal' and checked, below the
    target it was said to meet."""
    zones = sact_input.zones
    return "quintile" in zones and bool((pd.to_numeric(zones["quintile"], errors="coerce") > 0).any())


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


def chair_ceiling(sact_input: Any) -> float:
    """The most the worst quintile's share within the standard can be as the chairs allow: each
    quintile's attendances within the standard are treated at the sites within it of the
    quintile's zones, at most their chairs' worth (:func:`models.sact.diagnose.access_ceiling`).
    Above it a worst-quintile point has no plan (syq: Bassetlaw's 4 chairs hold quintile 3 at
    57.5 %, and the frontier spent two of three points on targets of 79 % and 100 %)."""
    from models.sact.arrays import prepare
    from models.sact.diagnose import access_ceiling

    a = prepare(sact_input)
    shares = [
        access_ceiling(sact_input, a, a.dem_quintile == q)[0] / a.dem_amount[a.dem_quintile == q].sum()
        for q in np.unique(a.dem_quintile)
        if q > 0 and a.dem_amount[a.dem_quintile == q].sum() > 0
    ]
    return min(shares) if shares else 1.0


def frontier_chart(frontier: pd.DataFrame, out: Path, axis: str) -> Path:
    """frontier.svg: annual cost against the share within the standard (or the longest journey),
    the line through the proven points no tighter target beats, the others apart
    (:func:`~optimiser.commands.frontier_points.draw_frontier`); knees marked; the loosest target
    proven to have no plan, if any, a dashed line (:func:`no_plan_mark`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = frontier[frontier["cost"].notna()]
    scale = 1.0 if axis == "worst" else 100.0
    fig, ax = plt.subplots(figsize=(7, 4.2))
    if axis == "worst":
        xlabel = "longest journey of any attendance (minutes)"
    else:
        label = "worst quintile's share" if axis == "worst_quintile" else "share of attendances"
        xlabel = f"{label} within the access standard (%)"
    draw_frontier(ax, scale * ok["achieved"], ok["cost"] / 1e6, ok, xlabel)
    knee = ok[ok["knee"]]
    mark_knees(ax, scale * knee["achieved"], knee["cost"] / 1e6)
    mark = no_plan_mark(frontier, axis)
    if mark is not None:
        mark_no_plan(ax, *mark)
    ax.set_ylabel("annual cost (£ million)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = out / "frontier.svg"
    save_figure(fig, path)
    plt.close(fig)
    return path


def no_plan_mark(frontier: pd.DataFrame, axis: str) -> tuple[float, str] | None:
    """Where on the chart's axis the loosest target proven infeasible lies and its legend's words
    (None when no point was proven infeasible): a longest journey, else a share in per cent."""
    if axis == "worst":
        at = loosest_without_plan(frontier, "max_travel_minutes")
        if at is None:
            return None
        return at, f"no plan keeps every journey to {at:g} minutes or less (proven infeasible)"
    at = loosest_without_plan(frontier, "target", higher_is_tighter=True)
    if at is None:
        return None
    whose = "the worst quintile's share" if axis == "worst_quintile" else "a share"
    return 100.0 * at, f"no plan reaches {whose} of {100.0 * at:.2f} % or more (proven infeasible)"


@click.command("frontier")
@click.argument("path")
@click.option("--x", "axis", type=click.Choice(sorted(AXES)), default="access", show_default=True)
@click.option("--points", type=click.IntRange(min=2, max=101), default=15, show_default=True)
@click.option(
    "--warm/--cold",
    default=True,
    show_default=True,
    help="Warm-start each access point from the next higher one (--x access, worst_quintile).",
)
@batch_options
def frontier(
    path: str,
    axis: str,
    points: int,
    warm: bool,
    out: Path | None,
    time_limit: float,
    gap: float,
    backend: str | None,
    workers: int,
    scheduler: str | None,
    memory_limit: float,
    report: bool,
) -> None:
    """Cost against access (sact; --x access or worst_quintile), against the longest journey
    (sact; --x worst) or against the worst response time (ooh; --x response): every point the
    least-cost plan for its target, checked."""
    from optimiser.commands.instance_path import resolve_instance
    from optimiser.kinds import load_instance

    instance = resolve_instance(path)
    try:
        loaded = load_instance(instance)
    except InputError as exc:
        fail(exc, path)
    if loaded.kind.name != AXES[axis]:
        click.echo(f"frontier --x {axis} is for {AXES[axis]} instances, not '{loaded.kind.name}'", err=True)
        raise SystemExit(2)
    if axis == "worst_quintile" and not has_quintiles(loaded.model_input.input):
        click.echo(
            f"frontier --x worst_quintile needs the zones' deprivation quintiles (1-5): the zones of "
            f"'{loaded.raw.name}' have none (its points would each target no zone)",
            err=True,
        )
        raise SystemExit(2)
    out = claim_out(out or default_out("frontier", loaded.raw.name), "frontier")
    args = solve_arguments(instance, backend, time_limit, gap)
    if axis == "worst":
        worst_frontier(loaded, args, out, points, (time_limit, memory_limit, workers, scheduler), report)
        return
    if axis == "response":
        from optimiser.commands.frontier_ooh import response_chart, response_frontier

        table = response_frontier(loaded, args, out, points, (time_limit, memory_limit, workers, scheduler))
        runs = {name: out / "runs" / name for name in table["run"]}
        title = f"Cost against the worst response: {loaded.raw.name}"
        _finish(out, "ooh", table, runs, title, report, lambda: response_chart(table, out))
        return
    side = 1 if axis == "worst_quintile" else 0
    base = Job("base", out / "runs" / "base", args, {"arguments": list(args)})
    ends = [base]
    if axis == "access":
        top_args = (*args, "--set", "objective=coverage", *WHOLE_MODEL)
        ends.append(Job("top", out / "runs" / "top", top_args, {"arguments": list(top_args)}))
    done = run_batch(ends, time_limit, memory_limit, workers, scheduler, later=points)
    if not (base.folder / "allocation.csv").is_file():
        exit_without_plan(done, base, f"The instance has no plan without a target; see {base.folder}")
    params = loaded.model_input.input.parameters
    s0 = within_standard(base.folder, params.access_minutes)[side]
    if side == 1:  # read from access_by_quintile.csv, rounded to nearest: never ask above the plan
        s0 = max(0.0, s0 - CSV_SHARE_ROUNDING)
    s_max = reachable_share(loaded.model_input.input)[side]
    ceiling = chair_ceiling(loaded.model_input.input) if axis == "worst_quintile" else 1.0
    top = ends[-1] if axis == "access" else None
    s_top, proven = top_share(top.folder, params.access_minutes) if top is not None else (None, False)
    base_proven = proven_optimal(base.folder)
    click.echo(top_line(s0, s_max, s_top, proven, params.access_minutes, axis, ceiling, base_proven))
    if ceiling < s_max - TARGET_STEP:
        s_max = max(s0, floor_target(ceiling))
    high = max(s0, s_max if s_top is None else min(s_max, s_top))
    targets = np.linspace(s0, high, points) if high > s0 + TARGET_STEP else np.array([s0])
    settings = quintile_targets(params.access_targets()) if axis == "worst_quintile" else overall_target
    jobs = access_jobs(targets, args, settings, out, workers if warm else 0)
    if warm and top is not None and s_top is not None:
        jobs[-1] = replace(jobs[-1], start=top.folder)  # the top plan meets the highest target
    run_batch(jobs[::-1], time_limit, memory_limit, workers, scheduler)  # highest target first
    table = frontier_table(jobs, targets, params.access_minutes, axis)
    runs = {job.name: job.folder for job in jobs}
    title = f"Cost against access: {loaded.raw.name}"
    _finish(out, "sact", table, runs, title, report, lambda: frontier_chart(table, out, axis))


def _finish(
    out: Path,
    kind: str,
    table: pd.DataFrame,
    runs: dict[str, Path],
    title: str,
    report: bool,
    chart: Callable[[], object],
) -> None:
    """A frontier's last step, whatever its axis: its table printed, ``frontier.svg`` drawn by
    ``chart``, and :func:`write_and_close` with the table beside the comparison."""
    from optimiser.comparison import text_table

    click.echo(text_table(table))
    chart()
    extra = {"frontier": table}
    write_and_close(out, kind, runs, "point", title=title, report=report, extra=extra, also=["frontier.svg"])


WHOLE_MODEL = ("--set", "solve_method=auto")
"""Beside ``objective=coverage`` or ``worst`` (the frontier's top and least-worst ends): the priced
path solves only cost and travel, so an instance that sets ``solve_method: priced`` (lsc-sact)
refused both, and ``--x worst`` ended 'No plan for an end of the frontier' naming a folder that
was never written (``--x access`` went on without its top); ``auto`` solves them whole."""
TARGET_STEP = 1e-6  # targets are passed to the solves to 6 decimals
CSV_SHARE_ROUNDING = 5e-7
"""Most a share in a CSV table (6 decimals, rounded to nearest) may lie above the plan's own: the
worst quintile's share of the least-cost plan comes from ``access_by_quintile.csv``, and a first
point asking 0.287454 of a plan reaching 0.2874535 (syb-sact-districts) had to change the plan,
costing £3,692 more than the least-cost plan it should be."""


def floor_target(share: float) -> float:
    """``share`` rounded down to the 6 decimals a target is passed with: a plan reaching ``share``
    meets it (rounding to nearest could ask a hair more than the plan it was read from)."""
    return float(np.floor(share / TARGET_STEP + 1e-6) * TARGET_STEP)


def top_share(folder: Path, minutes: float) -> tuple[float | None, bool]:
    """The share within ``minutes`` of the most-coverage plan in ``folder`` (None: no plan), and
    whether that plan was proven to reach the most (its solve optimal)."""
    if not (folder / "allocation.csv").is_file():
        return None, False
    return within_standard(folder, minutes)[0], proven_optimal(folder)


def proven_optimal(folder: Path) -> bool:
    """Whether the run in ``folder`` was solved to optimality (``summary.json``'s solver status)."""
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return bool((summary.get("solver") or {}).get("status") == "optimal")


def top_line(
    s0: float,
    s_max: float,
    s_top: float | None,
    proven: bool,
    minutes: float,
    axis: str = "access",
    ceiling: float = 1.0,
    base_proven: bool = True,
) -> str:
    """What the frontier's ends are, in one line for the terminal (``ceiling``: :func:`chair_ceiling`;
    ``base_proven`` False: the cost-optimal solve stopped at its limit, its plan not proven least-cost)."""
    whose = (
        "the worst-served deprivation quintile's attendances" if axis == "worst_quintile" else "attendances"
    )
    plan = (
        "The least-cost plan"
        if base_proven
        else "The cheapest plan found in the time (not proven least-cost)"
    )
    first = f"{plan} has {s0:.2%} of {whose} within {minutes:g} minutes"
    if s_top is None and ceiling < s_max - TARGET_STEP:
        return (
            f"{first}; {s_max:.2%} have a candidate site within it, but the chairs of those sites treat "
            f"at most {ceiling:.2%} (the frontier's top)."
        )
    if s_top is None:
        return f"{first}; at most {s_max:.2%} have a candidate site within it (the frontier's top)."
    if s_top < s_max - TARGET_STEP:
        most = "the most any plan reaches is" if proven else "the best plan found in the time reaches"
        return (
            f"{first}; {s_max:.2%} have a candidate site within it, but {most} {s_top:.2%} "
            "(runs/top: capacity, staff and limits hold it there), the frontier's top."
        )
    return f"{first}; a plan reaches all {s_max:.2%} that have a candidate site within it (runs/top)."


def overall_target(target: float) -> tuple[str, ...]:
    """The ``--set`` arguments of an access point: the share of all attendances within the standard."""
    return ("--set", f"access_target={floor_target(target):.6f}")


def quintile_targets(own: dict[int, float]) -> Callable[[float], tuple[str, ...]]:
    """The ``--set`` arguments of a worst-quintile point: every deprivation quintile at least the
    target, each quintile's own target (``own``, from ``access_targets``) kept where higher, and the
    instance's overall ``access_target`` left in force.

    Passing the target as ``access_target`` with ``access_by_quintile`` (as before) replaced the
    instance's overall target by the point's: syb-sact-districts' points below 95 % overall came out
    cheaper than the least-cost plan of the instance's own rules (5,356,921 against 5,385,066).
    """

    def settings(target: float) -> tuple[str, ...]:
        out: tuple[str, ...] = ()
        for q in range(1, 6):
            out += ("--set", f"access_target_q{q}={max(floor_target(target), own.get(q, 0.0)):.6f}")
        return out

    return settings


def access_jobs(
    targets: np.ndarray,
    args: tuple[str, ...],
    settings: Callable[[float], tuple[str, ...]],
    out: Path,
    chains: int,
) -> list[Job]:
    """One solve per target, in the targets' order.  With ``chains`` > 0 the points are solved
    from the highest target down in that many interleaved chains (one per worker), each point
    warm-started from the previous point of its chain: a plan meeting a higher target meets every
    lower one, so it is a feasible start (``--start``; a neighbour without a plan leaves the
    point cold)."""
    jobs: list[Job] = []
    for i, target in enumerate(targets):
        extra = settings(float(target))
        name = f"point-{i:02d}"
        jobs.append(Job(name, out / "runs" / name, (*args, *extra), {"a": [*args, *extra]}))
    if chains <= 0:
        return jobs
    linked = list(jobs)
    for i in range(len(jobs) - 1 - chains, -1, -1):
        before = jobs[i + chains]
        linked[i] = replace(jobs[i], after=before.name, start=before.folder)
    return linked


def frontier_table(jobs: list[Job], targets: np.ndarray, minutes: float, axis: str) -> pd.DataFrame:
    """One row per point: target, share reached, cost, status, gap, check, whether it was
    warm-started from its neighbour's plan, solve seconds, monotone, knee.

    The target is the one the point was solved with (:func:`floor_target`, as
    :func:`overall_target` and :func:`quintile_targets` pass it), not the unrounded share it was
    spread from: rounded to nearest, 0.9796409 read 0.979641 beside a plan solved at 0.979640
    reaching 0.97964, a target seemingly missed."""
    rows = []
    for i, (job, target) in enumerate(zip(jobs, targets, strict=True)):
        row: dict[str, Any] = {"point": i, "target": floor_target(float(target))}
        summary = job.folder / "summary.json"
        doc = json.loads(summary.read_text(encoding="utf-8")) if summary.is_file() else {}
        solver = doc.get("solver") or {}
        found = (job.folder / "allocation.csv").is_file()
        share = within_standard(job.folder, minutes) if found else (None, None)
        row.update(
            achieved=share[1 if axis == "worst_quintile" else 0],
            cost=(doc.get("costs") or {}).get("total") if found else None,
            status=solver.get("status", status_without_summary(job.name)),
            gap=solver.get("gap"),
            check=check_word(doc),
            sites_open=doc.get("sites_open"),
            chairs=doc.get("chairs"),
            warm_started=str(doc.get("warm_start", "")).startswith("warm start used"),
            solve_seconds=solve_seconds(doc),
        )
        rows.append(row)
    table = with_monotone(table_of_rows(rows))
    table["knee"] = table["point"].isin(knees(table))
    return table


def candidate_levels(sact_input: Any, low: float, high: float) -> np.ndarray:
    """The instance's distinct travel minutes in ``[low, high]``, ascending (only these can be a
    plan's longest journey)."""
    minutes = np.unique(sact_input.travel["minutes"].to_numpy(float))
    return minutes[(minutes >= low - 1e-9) & (minutes <= high + 1e-9)]


def _worst(run: Path) -> float | None:
    """The longest journey of the plan in a run folder (its allocation's, so exactly one of the
    instance's travel times), None without a plan."""
    path = run / "summary.json"
    doc = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return float(doc["access"]["worst_minutes"]) if doc.get("plan_found") else None


def worst_frontier(
    loaded: Any, args: tuple[str, ...], out: Path, points: int, batch: tuple, report: bool
) -> pd.DataFrame:
    """``--x worst``: the cost-minimal plan, the least longest journey, and the points between."""

    time_limit, memory_limit, workers, scheduler = batch
    args = (*args, "--set", "objective=cost")  # whatever the instance's own objective
    base = Job("base", out / "runs" / "base", args, {"arguments": list(args)})
    least_args = (*args, "--set", "objective=worst", *WHOLE_MODEL)
    least = Job("least-worst", out / "runs" / "least-worst", least_args, {"a": list(least_args)})
    done = run_batch([base, least], time_limit, memory_limit, workers, scheduler, later=points)
    w0, w_star = _worst(base.folder), _worst(least.folder)
    if w0 is None or w_star is None:
        end = base if w0 is None else least
        exit_without_plan(done, end, f"No plan for an end of the frontier; see {end.folder}")
    candidates = candidate_levels(loaded.model_input.input, w_star, w0)
    levels, jobs = worst_points(candidates, points, args, out, batch)
    table = worst_frontier_table(jobs, levels)
    runs = {job.name: job.folder for job in jobs}
    title = f"Cost against the longest journey: {loaded.raw.name}"
    _finish(out, "sact", table, runs, title, report, lambda: frontier_chart(table, out, "worst"))
    return table


def worst_points(
    candidates: np.ndarray, points: int, args: tuple[str, ...], out: Path, batch: tuple
) -> tuple[list[float], list[Job]]:
    """``--x worst``'s bounds on journeys (``max_travel_minutes``), settled by :func:`settle_levels`."""
    return settle_levels(candidates, points, args, out, batch, Bound("max_travel_minutes", "within", _worst))


def worst_frontier_table(jobs: list[Job], levels: list[float]) -> pd.DataFrame:
    """One row per point: the bound on journeys, the longest reached, cost, status, gap, check,
    monotone (cost does not fall as the bound tightens, within the gap), knee."""
    rows = []
    for i, (job, level) in enumerate(zip(jobs, levels, strict=True)):
        summary = job.folder / "summary.json"
        doc = json.loads(summary.read_text(encoding="utf-8")) if summary.is_file() else {}
        solver = doc.get("solver") or {}
        found = bool(doc.get("plan_found"))
        rows.append(
            {
                "point": i,
                "max_travel_minutes": level,
                "achieved": _worst(job.folder) if found else None,
                "cost": (doc.get("costs") or {}).get("total") if found else None,
                "status": solver.get("status", status_without_summary(job.name)),
                "gap": solver.get("gap"),
                "check": check_word(doc),
                "sites_open": doc.get("sites_open"),
                "chairs": doc.get("chairs"),
            }
        )
    table = with_monotone(table_of_rows(rows))
    table["minutes_saved"] = levels[0] - table["achieved"].astype(float)
    table["knee"] = table["point"].isin(knees(table, x="minutes_saved", per=1.0))
    return table
