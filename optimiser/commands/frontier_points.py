"""The points of a frontier: which levels of a bound to solve, and how the solved points are read.

A frontier sweeps one bound (a target share, a longest journey, a response time) and solves the
least-cost plan at each level. :func:`settle_levels` chooses the levels: both ends first, then the
top of every run of levels no solved point settles (:func:`uncovered`: the plan solved at bound
``e`` reaching ``a`` is the least-cost plan for every bound in ``[a, e]``, and a bound proven
infeasible leaves every tighter one without a plan too), until ``points`` are solved;
:func:`completeness_line` says whether every level is settled, by proven solves, and which bounds
no plan meets.
:func:`with_monotone` labels the solved points, :func:`draw_frontier` draws them, and
:func:`knees` marks the bends of the line they draw. The SACT
frontiers (:mod:`optimiser.commands.frontier`) and the OOH response frontier
(:mod:`optimiser.commands.frontier_ooh`) share them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd

from models.common.words import count
from optimiser.commands.batch import run_batch, run_status, status_without_summary
from optimiser.commands.parallel import Job
from optimiser.scenarios import KILLED_ABOVE_MEMORY


def with_monotone(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (points from the loosest target to the tightest: ``cost``, ``status``, ``gap``)
    with ``monotone``: the point's plan is proven (optimal within its gap) and its cost neither
    falls below an earlier point's nor rises above a later one's, beyond their gaps; and
    ``dominated``: a tighter target's plan costs less, so this plan is not its target's least.
    A point stopped at its limit, or without a plan, is never monotone: at short time limits a
    stopped point cheaper than the one before it, or a point with no plan, was labelled True."""
    cost = table["cost"].astype(float)
    gap = table["gap"].astype(float)
    proven = table["status"].eq("optimal") & cost.notna()
    lowest = (
        cost * (1 - gap.fillna(0.0).where(proven, 1.0)) - 1e-6
    )  # the least each target's optimum may cost
    earlier = lowest.cummax().ffill().shift(1)  # over the points with a plan before
    later = cost[::-1].cummin().ffill()[::-1].shift(-1)  # and after
    keeps_up = ~(cost < earlier).fillna(False)
    below_later = ~(later < lowest).fillna(False)
    out = table.copy()
    out["monotone"] = proven & keeps_up & below_later
    out["dominated"] = (later < cost * (1 - 1e-9)).fillna(False) & cost.notna()
    return out


FRONTIER_BLUE = "#005EB8"
UNPROVEN_LABEL = "stopped at its limit, not proven optimal: off the line (its gap in frontier.csv)"
DOMINATED_LABEL = "dominated: a tighter target's plan costs less, off the line"


def draw_frontier(ax: Any, x: Any, y: Any, points: pd.DataFrame, xlabel: str) -> None:
    """On a frontier chart, the line through the ``points`` (rows of a :func:`with_monotone` table
    with a plan, ``x`` and ``y`` theirs) that are proven optimal and not ``dominated``; a point
    stopped at its limit as a hollow marker and a dominated one as a cross, off the line, each
    named in the legend (none when every point is on the line); and the axis label ``xlabel``.
    The line drew every point with a plan, though frontier.csv marked some unproven or
    dominated: a frontier with a dip where a stopped plan cost less than its neighbours."""
    x, y = pd.Series(x).to_numpy(float), pd.Series(y).to_numpy(float)
    unproven, dominated = _unproven(points), _dominated(points)
    line = ~unproven & ~dominated
    ax.plot(x[line], y[line], marker="o", color=FRONTIER_BLUE, gid="frontier-line")
    if unproven.any():
        ax.scatter(
            x[unproven], y[unproven], s=36, facecolors="white", edgecolors=FRONTIER_BLUE, zorder=4,
            label=UNPROVEN_LABEL, gid="frontier-unproven",
        )  # fmt: skip
    if dominated.any():
        ax.scatter(
            x[dominated], y[dominated], s=44, marker="x", color="#768692", zorder=5,
            label=DOMINATED_LABEL, gid="frontier-dominated",
        )  # fmt: skip
    if not line.all():
        ax.legend(loc="best", fontsize="small")
    ax.set_xlabel(xlabel)


NO_PLAN_RED = "#DA291C"
KNEE_LABEL = "knee: past it, each step further costs at least twice as much a step (frontier.csv)"


def mark_knees(ax: Any, x: Any, y: Any) -> None:
    """On a frontier chart, a red ring round each knee (``x``, ``y``: theirs), named in the legend:
    the chart ringed them with nothing to say what a ring meant."""
    x, y = pd.Series(x).to_numpy(float), pd.Series(y).to_numpy(float)
    if not len(x):
        return
    ax.scatter(
        x,
        y,
        s=140,
        facecolors="none",
        edgecolors=NO_PLAN_RED,
        zorder=3,
        label=KNEE_LABEL,
        gid="frontier-knee",
    )
    ax.legend(loc="best", fontsize="small")


def loosest_without_plan(table: pd.DataFrame, level: str, higher_is_tighter: bool = False) -> float | None:
    """The loosest bound (column ``level``) among the points proven infeasible: no plan meets it or
    any tighter one (None when no point was proven infeasible, or the table has no ``level``)."""
    if level not in table or "status" not in table:
        return None
    levels = table.loc[table["status"].eq("infeasible"), level].dropna().astype(float)
    if levels.empty:
        return None
    return float(levels.min() if higher_is_tighter else levels.max())


def mark_no_plan(ax: Any, at: float, label: str) -> None:
    """On a frontier chart, a dashed line at ``at``, the loosest bound proven to have no plan, named
    ``label`` in the legend: the chart drew nothing of such points, as though they were never
    solved, and nothing told them from a point stopped at its limit before a plan."""
    ax.axvline(at, color=NO_PLAN_RED, linestyle="--", linewidth=1, label=label, gid="frontier-no-plan")
    ax.legend(loc="best", fontsize="small")


def _unproven(points: pd.DataFrame) -> np.ndarray:
    """Whether each point's solve stopped short of a proven optimum (none without ``status``)."""
    status = points["status"] if "status" in points else pd.Series("optimal", index=points.index)
    return status.to_numpy() != "optimal"


def _dominated(points: pd.DataFrame) -> np.ndarray:
    """Whether a tighter target's plan costs less than each point's (none without ``dominated``)."""
    return points["dominated"].to_numpy(bool) if "dominated" in points else np.zeros(len(points), bool)


def on_the_line(points: pd.DataFrame) -> pd.Series:
    """Whether each point is on the frontier's line (:func:`draw_frontier`): a plan, proven optimal,
    and no tighter target's plan costs less."""
    return points["cost"].notna() & ~_unproven(points) & ~_dominated(points)


def knees(frontier: pd.DataFrame, x: str = "achieved", per: float = 100.0) -> list[int]:
    """The ``point`` of each knee: a point of the line (:func:`on_the_line`) after which the
    marginal cost of the axis ``x`` (per ``per`` of it: a percentage point of a share, or one
    minute; -1: one minute less) at least doubles, from the line's point before to the one after.
    A knee was marked among every point with a plan, so on a point stopped at its limit or
    dominated, which the chart draws off the line, and a bend of the line could go unmarked."""
    ok = frontier[on_the_line(frontier)].reset_index(drop=True)
    slope = ok["cost"].astype(float).diff() / (per * ok[x].astype(float).diff()).replace(0, np.nan)
    marks = []
    for i in range(1, len(ok) - 1):
        before, after = slope.iloc[i], slope.iloc[i + 1]
        if pd.notna(before) and pd.notna(after) and before > 0 and after >= 2 * before:
            marks.append(int(ok.loc[i, "point"]))
    return marks


def spread(values: np.ndarray, k: int) -> list[float]:
    """At most ``k`` of the sorted ``values``, evenly spread by rank, first and last kept; largest
    first."""
    if len(values) == 0 or k <= 0:
        return []
    picks = np.unique(np.round(np.linspace(0, len(values) - 1, min(k, len(values)))).astype(int))
    return [float(v) for v in values[picks][::-1]]


def uncovered(candidates: np.ndarray, solved: dict[float, float | None]) -> np.ndarray:
    """The candidate levels no solved point settles.  The plan solved at bound ``e`` with longest
    journey ``a`` is the least-cost plan for every bound in ``[a, e]`` too (it keeps to the tighter
    bound, and the tighter bound cannot be cheaper), so those levels need no solve.  A bound proven
    infeasible (``a`` is ``-inf``, :data:`NO_PLAN_BELOW`) settles every tighter one: none has a plan."""
    known = [(a, e) for e, a in solved.items() if a is not None]
    keep = [v for v in candidates if v not in solved and not any(a - 1e-9 <= v <= e + 1e-9 for a, e in known)]
    return np.array(keep, dtype=float)


def chunk_tops(candidates: np.ndarray, solved: dict[float, float | None]) -> list[float]:
    """The top level of every run of :func:`uncovered` levels, longest run first: solving there
    gives a plan no solved point has (its bound is below every settled interval above it)."""
    rest = uncovered(candidates, solved)
    if len(rest) == 0:
        return []
    where = np.searchsorted(candidates, rest)
    runs = np.split(rest, np.flatnonzero(np.diff(where) > 1) + 1)
    runs.sort(key=len, reverse=True)
    return [float(run[-1]) for run in runs]


@dataclass(frozen=True)
class Bound:
    """The bound a level sets (an instance parameter, its run folders' prefix) and how the level a
    plan reaches is read from its run folder (None without a plan)."""

    parameter: str
    prefix: str
    reached: Callable[[Path], float | None]
    words: str = "travel times"


NO_PLAN_BELOW = -np.inf
"""The level a bound proven infeasible settles down to: every tighter bound has no plan either (it
allows fewer plans), so none needs a solve; an infeasible bound settled nothing, so the levels
below a 7.1-minute response cap no plan meets were solved again, and called stopped."""


def settle_levels(
    candidates: np.ndarray,
    points: int,
    args: tuple[str, ...],
    out: Path,
    batch: tuple,
    bound: Bound,
    solved: dict[float, float | None] | None = None,
) -> tuple[list[float], list[Job]]:
    """Solve at most ``points`` bounds: both ends of what ``solved`` (bound: level reached) leaves
    unsettled first, then rounds of at most ``workers`` at the tops of the unsettled runs; the
    (bound, job) pairs from the largest bound down (those of ``solved`` not among them).

    With one worker the ends are solved one after the other, the looser first, and the tighter
    only if the looser leaves it unsettled: both were solved, though a looser end proven
    infeasible settles the tighter (a wasted solve, and a point spent on it)."""
    workers = batch[2]
    solved = dict(solved or {})
    todo = spread(uncovered(candidates, solved), min(2, points))
    done: list[tuple[float, Job]] = []
    while todo:
        now, waiting = todo[:workers], todo[workers:]
        later = max(points - len(done) - len(now), 0)
        jobs = _solve_levels(now, args, out, batch, bound, later=later)
        done += list(zip(now, jobs, strict=True))
        solved.update({level: _settles_down_to(job.folder, bound) for level, job in done[-len(now) :]})
        unsettled = set(uncovered(candidates, solved).tolist())
        waiting = [level for level in waiting if level in unsettled]
        tops = dict.fromkeys([*waiting, *chunk_tops(candidates, solved)])
        todo = list(tops)[: min(workers, points - len(done))]
    left = len(uncovered(candidates, solved))
    status = {job.name: run_status(job.folder) for _, job in done}
    infeasible = [name for name, word in status.items() if word == "infeasible"]
    stopped = [name for name, word in status.items() if word not in ("optimal", "infeasible")]
    killed = [name for name in stopped if status_without_summary(name) == KILLED_ABOVE_MEMORY]
    click.echo(completeness_line(left, stopped, bound.words, infeasible, killed), err=True)
    done.sort(key=lambda pair: -pair[0])
    return [level for level, _ in done], [job for _, job in done]


def _settles_down_to(run: Path, bound: Bound) -> float | None:
    """The least level the solve in ``run`` settles: the level its plan reaches,
    :data:`NO_PLAN_BELOW` when it proved that no plan meets its bound, None when it has neither."""
    if run_status(run) == "infeasible":
        return NO_PLAN_BELOW
    return bound.reached(run)


def completeness_line(
    left: int,
    stopped: list[str],
    words: str,
    infeasible: list[str] | None = None,
    killed: list[str] | None = None,
) -> str:
    """Whether the frontier is complete: ``left`` levels unsettled, the points whose solves
    stopped short of a proven optimum (``stopped``), whose bound settles nothing: 'complete' stood
    over points solved only to a feasible plan, where a bound between may cost less than shown;
    the points proven to have no plan (``infeasible``), an answer more time does not change:
    they were called stopped short and given the advice of a longer --time-limit; and those of
    ``stopped`` killed above the memory limit (``killed``), which more time does not answer either."""
    killed = killed or []
    short = [name for name in stopped if name not in killed]
    after = _no_plan_words(infeasible or []) + _killed_words(killed)
    if left:
        return f"{left} {words} between the ends are not settled (more --points would settle them).{after}"
    if short:
        return (
            f"Every one of the {words} between the ends has a point, but {len(short)} of their solves "
            f"stopped short of a proven optimum ({_named(short)}): a bound between may cost less than "
            f"shown (give the command a longer --time-limit).{after}"
        )
    if killed:
        return f"The frontier is not complete: {count(len(killed), 'solve')} left no answer.{after}"
    return f"The frontier is complete: every one of the {words} between its ends is settled.{after}"


def _killed_words(killed: list[str]) -> str:
    """The sentence naming the points whose solves were killed above the memory limit ('' if none)."""
    return _points_words(
        killed,
        "Killed above the memory limit",
        "{whose} bound is not settled (give the command a larger --memory-limit).",
    )


def _no_plan_words(infeasible: list[str]) -> str:
    """The sentence naming the points whose solves proved no plan meets their bound ('' if none)."""
    return _points_words(
        infeasible,
        "Proven infeasible",
        "no plan meets {whose} bound, nor any tighter one (more time would not change that).",
    )


def _points_words(names: list[str], heading: str, what: str) -> str:
    """' Heading (the names): what', with ``{whose}`` in ``what`` 'its' or 'their' ('' if none)."""
    if not names:
        return ""
    whose = "its" if len(names) == 1 else "their"
    return f" {heading} ({_named(names)}): {what.format(whose=whose)}"


def _named(names: list[str]) -> str:
    """The first five ``names``, then how many more."""
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _solve_levels(
    levels: list[float], args: tuple[str, ...], out: Path, batch: tuple, bound: Bound, later: int = 0
) -> list[Job]:
    """One cost-minimal solve per level of ``bound``, in parallel; ``later``: the solves still to
    come after these (they share the command's time)."""
    jobs = []
    for level in levels:
        extra = ("--set", f"{bound.parameter}={level!r}")
        name = f"{bound.prefix}-{level:.4f}"
        jobs.append(Job(name, out / "runs" / name, (*args, *extra), {"a": [*args, *extra]}))
    if jobs:
        time_limit, memory_limit, workers, scheduler = batch
        run_batch(jobs, time_limit, memory_limit, workers, scheduler, later=later)
    return jobs
