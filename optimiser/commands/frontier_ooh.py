"""``optimiser frontier --x response`` for out-of-hours rotas: annual cost against the worst response.

Epsilon-constraint on ``response_cap_minutes`` (a cap on every service's response time): the
least-cost plan has some worst response ``w0``; caps are tried among the instance's own response
times between the least any plan could meet (every site-service's nearest eligible host, its own
site included; or the loosest the instance's diagnosis already proves none meets,
:func:`loosest_diagnosed`) and ``w0``, each just below a plan already known
(:func:`optimiser.commands.frontier_points.settle_levels`, as ``--x worst`` does with journeys): a plan
solved at cap ``e`` reaching worst ``a`` is the least-cost plan for every cap in ``[a, e]``, so
no two points repeat a plan and none between is missed. (Caps evenly spaced between the ends gave
the same plan three times and missed the one at 27.9 minutes.) Each point is solved to the stated
gap and independently checked.  Tighter caps cost more (fewer merged
rotas, more temporary staff); a point where the cost falls is flagged, as is a knee (a point of
the chart's line, proven and not dominated, after which the cost of one minute less at least
doubles).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimiser.commands.batch import exit_without_plan, run_batch, status_without_summary
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
from optimiser.exports.numbers import table_of_rows
from optimiser.outputs import save_figure
from optimiser.scenarios import check_word


def least_cap(loaded: Any) -> float:
    """The smallest response cap some plan might meet: every site-service's nearest host."""
    return float(_responses(loaded).groupby(["service_id", "site_id"])["response"].min().max())


def loosest_diagnosed(loaded: Any, levels: np.ndarray) -> float | None:
    """The loosest of the ascending ``levels`` (caps) that :func:`models.ooh.diagnosis.diagnose`
    proves no plan meets, before any solve (a site-service no rota within the cap can cover), by
    bisection (the diagnosis fails at every cap below one it fails at); None when it fails at none.
    Solved, this cap settles every tighter one (none has a plan either), so no tighter cap need
    be solved: the frontier of generate ooh --sites 6 --services 2 --seed 1 spent one of its four
    points on a 0-minute cap, beside the 7.1-minute one no plan meets."""
    from models.ooh.diagnosis import diagnose

    case = loaded.model_input
    low, high = 0, len(levels)  # levels[:low] are diagnosed infeasible; levels[high:] are not
    while low < high:
        mid = (low + high) // 2
        capped = replace(case.parameters, response_cap_minutes=float(levels[mid]))
        if diagnose(case.input, capped):
            low = mid + 1
        else:
            high = mid
    return float(levels[low - 1]) if low > 0 else None


def cap_levels(loaded: Any, low: float, high: float) -> np.ndarray:
    """The instance's distinct response minutes in ``[low, high]``, ascending (only these can be a
    plan's worst response)."""
    minutes = np.unique(_responses(loaded)["response"].to_numpy(float))
    return minutes[(minutes >= low - 1e-9) & (minutes <= high + 1e-9)]


def _responses(loaded: Any) -> pd.DataFrame:
    from models.ooh.sets import response_minutes

    case = loaded.model_input
    return response_minutes(case.input, case.parameters)


def _worst_response(folder: Path) -> float | None:
    doc = _read(folder)
    return float(doc["worst_response_minutes"]) if doc.get("plan_found") else None


def _read(folder: Path) -> dict[str, Any]:
    summary = folder / "summary.json"
    return json.loads(summary.read_text(encoding="utf-8")) if summary.is_file() else {}


def response_frontier(
    loaded: Any, args: tuple[str, ...], out: Path, points: int, limits: tuple[float, float, int, str | None]
) -> pd.DataFrame:
    """Solve the base and every cap; return the frontier table (also written by the caller)."""
    time_limit, memory, workers, scheduler = limits
    base = Job("base", out / "runs" / "base", args, {"arguments": list(args)})
    done = run_batch([base], time_limit, memory, workers, scheduler, later=points - 1)
    doc = _read(base.folder)
    if not doc.get("plan_found"):
        exit_without_plan(done, base, f"The instance has no plan without a cap; see {base.folder}")
    worst = float(doc["worst_response_minutes"])
    candidates = cap_levels(loaded, min(worst, least_cap(loaded)), worst)
    diagnosed = loosest_diagnosed(loaded, candidates)
    if diagnosed is not None:  # the tightest cap worth a solve: it settles every tighter one
        candidates = candidates[candidates >= diagnosed - 1e-9]
    bound = Bound("response_cap_minutes", "cap", _worst_response, "response times")
    levels, solved = settle_levels(candidates, points - 1, args, out, limits, bound, {worst: worst})
    jobs = [base, *solved]
    caps = [worst, *levels]
    rows = []
    for i, (job, cap) in enumerate(zip(jobs, caps, strict=True)):
        d = _read(job.folder)
        found = bool(d.get("plan_found"))
        rows.append(
            {
                "point": i,
                "run": job.name,
                "cap_minutes": None if i == 0 else round(float(cap), 2),
                "worst_response_minutes": d.get("worst_response_minutes") if found else None,
                "cost": ((d.get("costs") or {}).get("total") or {}).get("after") if found else None,
                "rotas": (d.get("rotas") or {}).get("after") if found else None,
                "temporary_slots": (d.get("temporary_slots") or {}).get("after") if found else None,
                "status": (d.get("solver") or {}).get("status", status_without_summary(job.name)),
                "gap": (d.get("solver") or {}).get("gap"),
                "check": check_word(d),
            }
        )
    return response_table(rows)


def response_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The frontier table of the points' ``rows``, loosest cap first: ``monotone``, ``dominated``
    (:func:`~optimiser.commands.frontier_points.with_monotone`) and ``knee``, on the chart's line
    (:func:`~optimiser.commands.frontier_points.knees`, per minute less)."""
    table = with_monotone(table_of_rows(rows))
    table["knee"] = table["point"].isin(knees(table, x="worst_response_minutes", per=-1.0))
    return table


def response_chart(table: pd.DataFrame, out: Path) -> Path:
    """frontier.svg: annual cost against the worst response time, the line through the proven
    points no tighter cap beats (:func:`~optimiser.commands.frontier_points.draw_frontier`), and
    the loosest cap proven to have no plan, if any, a dashed line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = table[table["cost"].notna()]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    xlabel = "worst response time of any site-service (minutes)"
    draw_frontier(ax, ok["worst_response_minutes"], ok["cost"] / 1e6, ok, xlabel)
    knee = ok[ok["knee"]]
    mark_knees(ax, knee["worst_response_minutes"], knee["cost"] / 1e6)
    no_plan = loosest_without_plan(table, "cap_minutes")
    if no_plan is not None:
        mark_no_plan(ax, no_plan, f"no plan meets a cap of {no_plan:g} minutes or less (proven infeasible)")
    ax.invert_xaxis()
    ax.set_ylabel("annual cost of out-of-hours cover (£ million)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = out / "frontier.svg"
    save_figure(fig, path)
    plt.close(fig)
    return path
