"""The terminal summary of a ``kind: roster`` run: staff, cover, penalties and changes as text."""

from __future__ import annotations

from typing import Any

import pandas as pd

from models.common.words import count
from models.roster.catalogue import WEEKDAYS
from models.roster.plan import RosterPlan, by_rule
from models.roster.solve import short_of_budget
from optimiser.kinds.figures import gap_percent, solver_status

MAX_LISTED = 20
MAX_STAFF_LISTED = 40


def _day(date: Any) -> str:
    date = pd.Timestamp(date).date()
    return f"{WEEKDAYS[date.weekday()]} {date.isoformat()}"


def _staff_lines(s: pd.DataFrame) -> list[str]:
    lines = [
        f"{'Staff':8} {'Name':20} {'Group':11} {'Shifts':>6} {'Hours':>7} {'Contract':>8} {'Diff':>6} "
        f"{'Nights':>6} {'W/ends':>6} {'OnCall':>6} {'Leave':>5} {'Denied':>6}"
    ]
    for r in s.head(MAX_STAFF_LISTED).itertuples(index=False):
        lines.append(
            f"{str(r.staff_id)[:8]:8} {str(r.name)[:20]:20} {str(r.group)[:11]:11} {r.shifts:>6} "
            f"{r.hours:>7.1f} {r.contract_hours:>8.1f} {r.hours - r.contract_hours:>+6.1f} {r.nights:>6} "
            f"{r.weekends:>6} {r.on_calls:>6} {r.leave_days:>5} {r.requests_denied:>6}"
        )
    if len(s) > MAX_STAFF_LISTED:
        lines.append(f"... and {len(s) - MAX_STAFF_LISTED} more (see staff_summary.csv)")
    lines.append("Contract: contracted hours over the rota less leave credit; W/ends: weekends worked.")
    return lines


def _cover_lines(cover: pd.DataFrame) -> list[str]:
    short = cover[cover["under"] > 0]
    over = cover[(cover["over"] > 0) & (cover["skill"] == "")]  # skill rows: holders among the staff
    if short.empty and over.empty:
        return [
            "Cover: every shift has exactly its preferred number of staff (no shift without a cover row)."
        ]
    lines = []
    if short.empty:
        lines.append("Cover: no shift below its preferred number of staff.")
    else:
        lines.append(
            f"Cover: {len(short)} of {count(len(cover), 'cover row')} below preferred, "
            f"{count(int(short['under'].sum()), 'person', 'people')} short in all (minimum cover always met):"
        )
        lines += _worst(short, "under", "short")
    if len(over):
        lines.append(
            f"Over-cover: {count(len(over), 'shift')} staffed above preferred, "
            f"{count(int(over['over'].sum()), 'person', 'people')} "
            f"more than wanted in all (within the maximum):"
        )
        lines += _worst(over, "over", "over")
    return lines


def _worst(rows: pd.DataFrame, column: str, word: str) -> list[str]:
    worst = rows.sort_values([column, "date"], ascending=[False, True]).head(MAX_LISTED // 4)
    lines = []
    for r in worst.itertuples(index=False):
        skill = f" {r.skill}" if r.skill else ""
        lines.append(
            f"  {_day(r.date)} {r.shift_id}{skill}: {r.assigned} for {r.preferred} preferred "
            f"(minimum {r.minimum}), {getattr(r, column)} {word}"
        )
    if len(rows) > len(worst):
        lines.append(f"  ... and {len(rows) - len(worst)} more (see cover.csv)")
    return lines


def _penalty_lines(penalties: pd.DataFrame, objective: float) -> list[str]:
    rules = by_rule(penalties)
    if rules.empty:
        return ["Penalties: none: every soft rule and request is met."]
    lines = [
        f"Penalties by rule (top {min(len(rules), 10)}):",
        f"  {'rule':28} {'units':>6} {'cost':>8} {'share':>6}",
    ]
    for rule, r in rules.head(10).iterrows():
        share = r.cost / objective if objective else 0.0
        lines.append(f"  {str(rule):28} {int(r.units):>6} {int(r.cost):>8} {share:>6.0%}")
    free = [str(rule) for rule, r in rules.iterrows() if r.cost == 0]
    if free:
        lines.append(f"  Broken at no cost (weight 0): {', '.join(free)} (each in penalties.csv).")
    return lines


def _change_lines(plan: RosterPlan, changes: pd.DataFrame) -> list[str]:
    if not plan.re_rostering:
        return []
    kept = f"; nothing before {_day(plan.change_from)} changed (change_from)" if plan.change_from else ""
    if changes.empty:
        return [f"Changes against the published rota: none{kept}."]
    lines = [f"Changes against the published rota: {len(changes)}{kept}"]
    for r in changes.head(MAX_LISTED).itertuples(index=False):
        lines.append(f"  {r.staff_id} {_day(r.date)}: {r.published or 'off'} -> {r.new or 'off'}")
    if len(changes) > MAX_LISTED:
        lines.append(f"  ... and {len(changes) - MAX_LISTED} more (see changes.csv)")
    return lines


WALL_CLOCK_SEARCHES = {
    "lines": "column generation",
    "horizon": "the window-by-window construction",
    "windows": "the window-by-window search",
    "mip": "HiGHS's branch and cut",
}
"""Searches that run on the wall clock whatever --threads says (no promise of the same rota)."""


def _search_line(plan: RosterPlan) -> str:
    """Seed, workers and why the search stopped: whether the same command gives the same rota."""
    solve = plan.figures()["solve"]
    named = f"{plan.search}, " if plan.search else ""
    stopped = plan.stopped_by or "n/a"
    line = f"Search: {named}seed {solve['seed']}, {count(solve['workers'], 'worker')}, stopped by {stopped}"
    if plan.deterministic_limit is not None:
        line += f" ({plan.deterministic_time or 0:.1f} of {plan.deterministic_limit:.1f} deterministic s)"
    bound, full_lp, windows = plan.result.bound, plan.full_lp_bound, plan.window_bound
    if (
        windows is not None
        and bound is not None
        and windows >= bound
        and (full_lp is None or windows > full_lp)
    ):
        line += f"; bound {bound:g} from the window bound (cover and contract hours) after the search"
    elif full_lp is not None and bound is not None and full_lp >= bound:  # else the bound is the search's own
        line += f"; bound {bound:g} from CP-SAT's full LP after the search"
    if plan.stopped_by in ("deterministic limit", "proven optimal") and plan.reproducible:
        return line + ": the same seed and workers give the same rota."
    if plan.reproducible and plan.stopped_by == "wall clock":
        spent = plan.deterministic_limit is not None and not short_of_budget(
            plan.deterministic_limit, plan.deterministic_time
        )
        why = (
            "the deterministic limit was spent, but part of the search ran by the wall clock (a first rota"
            " sought by the clock: a short limit or a busy machine)"
            if spent
            else "the time ran out before the deterministic limit (a busy machine or a short limit)"
        )
        return line + f": {why}; a rerun may give another rota (allow more time)."
    if plan.search in WALL_CLOCK_SEARCHES and plan.stopped_by != "proven optimal":
        return (
            line
            + f": {WALL_CLOCK_SEARCHES[plan.search]} runs on the wall clock; a rerun may give another rota."
        )
    if not plan.reproducible and plan.stopped_by == "wall clock":
        return line + ": workers raced the clock; name --threads for the same rota on every run."
    return line + "."


def summary(plan: RosterPlan) -> str:
    """The terminal summary: status and objective first, then staff, cover, penalties, changes."""
    r = plan.result
    lines = [f"Status: {solver_status(r)}" + (f" ({r.message})" if r.message else "")]
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in plan.timings.items())
    lines.append(
        f"{plan.name}: {plan.staff_count} staff, {count(plan.days, 'day')}, "
        f"{_day(plan.first_date)} to {_day(plan.last_date)}"
    )
    if not plan.found:
        lines += [f"Stages: {stages}", "", "No rota:"]
        notes = list(plan.explanation)
        if len(notes) > 1 and notes[0].endswith(":"):  # a heading, then the breaches it introduces
            lines.append(f"  {notes.pop(0)}")
            lines += [f"    - {e}" for e in notes]
        else:
            lines += [f"  - {e}" for e in notes]
        return "\n".join(lines)
    gap = gap_percent(r.gap)
    bound = f"{r.bound:,.0f}" if r.bound is not None else "n/a"
    lines.append(
        f"Objective {r.objective:,.0f} penalty points   bound {bound}   gap {gap}   "
        f"build {r.build_seconds:.2f} s   solve {r.solve_seconds:.2f} s   ({r.backend})"
    )
    lines.append(f"Stages: {stages}")
    lines.append(_search_line(plan))
    lines += ["", *_staff_lines(plan.staff_summary), "", *_cover_lines(plan.cover), ""]
    lines += _penalty_lines(plan.penalties, r.objective or 0.0)
    changes = _change_lines(plan, plan.changes)
    return "\n".join(lines + ([""] + changes if changes else []))
