"""Improve a long rota window by window with every rule of the whole model (issue 15).

The rolling-horizon rota (:mod:`models.roster.horizon`) keeps hard rules, cover and requests only,
and each window stops at its first rota; the whole model of a year's rota is too large for CP-SAT
to improve in minutes. :func:`improve_by_windows` sweeps the horizon's windows (four weeks from a
Monday, :func:`models.roster.horizon.window_spans`) while time lasts and re-solves each with the
rest of the rota fixed:

* the sub-model covers the window, ``history_days`` before it and ``tail_days`` after it, built by
  the model's own rule builders from a window instance (:func:`models.roster.horizon.window_input`
  with every rule); the days before and after the window are fixed to the rota's, so every pattern
  crossing either seam is the whole model's (with the days before as history constants instead,
  a short run of days off ending the day before the window was not counted: the model counts no
  run that lies in the history);
* rules counted over the horizon (contract and total hours, weekends, shift-type counts,
  fairness) add the rota's counts outside the sub-model's days (:class:`models.roster.vars.Outside`)
  and read the horizon's length and leave credit, so each is the whole model's term;
* every term of the whole model that involves a window assignment is therefore in the sub-model
  exactly, and the terms of the sub-model that involve none are constants: the change of the
  sub-model's objective is the change of the whole rota's penalty.

Each visit first solves the sub-model with the window fixed to the rota (its objective is the
rota's; the solution completes the hint of every auxiliary variable), then re-solves the window
``people`` at a time (random groups, the window's other people fixed as well), hinted, sharing
``window_seconds``; a strictly better window replaces the rota's. Groups of 30 saved 2.5 to 3
times as much a CPU second as the whole window at once (:class:`WindowSettings`). Windows end
on Sundays (a window after the first starts on a Monday and the tail is whole weeks), so no
weekend is split between the sub-model and the outside counts (its first day is the horizon's, or
a Monday ``history_days`` before a window's Monday). The rota stays legal: every hard
rule is a hard constraint of the sub-model.
"""

from __future__ import annotations

import dataclasses
import random
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from models.roster.clock import ShiftClock
from models.roster.horizon import has_reference_periods, window_input, window_spans
from models.roster.input import RosterInput
from models.roster.parameters import RosterParameters
from models.roster.rules import FAMILIES
from models.roster.vars import Outside, ReferenceDays, RosterModel, make_variables
from solvers import SolveOptions, solve_cpsat

__all__ = ["WindowSearch", "WindowSettings", "improve_by_windows", "window_model"]

COLUMNS = ["staff_id", "date", "shift_id"]
SEARCH_CPSAT: dict[str, Any] = {
    "cp_model_probing_level": 0,
    "symmetry_level": 0,
    "max_presolve_iterations": 1,
}
"""CP-SAT settings of a window's free solve: light presolve, as the rolling horizon's windows (a
20 x 42-day sub-model at load 6 spent its whole 5 s in the default presolve; with these its search
started from the hint at 1.8 s and saved 18 % of the window's penalty in 10 s)."""


@dataclass(frozen=True)
class WindowSettings:
    """Figures of the window search.

    window_days : int
        Days re-solved at once (default 28; a multiple of 7).
    tail_days : int
        Days after the window in the sub-model, fixed to the rota (default 14: longer than any run,
        rest or 7-day rule of the generated and bundled rotas, so no pattern reaches past them).
    history_days : int
        Days of the rota before the window in the sub-model as its history (default 14, as the
        rolling horizon).
    window_seconds : float
        Most seconds of CP-SAT for one window (default 30).
    people : int
        People re-solved at once within a window, the others fixed (default 30; 0: all at once).
        150 x 364 from the constructed rota (206,829), 200 s each at load 4.5-7.8: 30 people
        saved 27,130 in 95 CPU s, 50 saved 35,315 in 138, 15 saved 23,396 in 102; all 150 at
        once saved 11,385 in 454 s (about 120 CPU s) in the 600 s run.
    """

    window_days: int = 28
    tail_days: int = 14
    history_days: int = 14
    window_seconds: float = 30.0
    people: int = 30


@dataclass(frozen=True)
class WindowSearch:
    """The improved rota, the penalty it saved (the sum of the windows' objective changes), windows
    visited, windows improved, full sweeps and wall-clock seconds."""

    assignments: pd.DataFrame
    saved: int
    visits: int
    improved: int
    sweeps: int
    seconds: float


def _outside(
    inp: RosterInput, rota: pd.DataFrame, lo: int, hi: int, clock: ShiftClock
) -> tuple[Outside, dict[int, dict[int, int]]]:
    """The rota's per-person counts on the horizon's days outside ``lo .. hi - 1``, and its paid
    minutes on each of those days (for :class:`~models.roster.vars.ReferenceDays`), in one pass."""
    pos = {s: i for i, s in enumerate(inp.staff["staff_id"])}
    shifts = inp.shifts.set_index("shift_id")
    by_day: dict[int, dict[int, int]] = {}
    counts: dict[tuple[int, str], int] = {}
    nights: dict[int, int] = {}
    on_calls: dict[int, int] = {}
    for r in rota.itertuples(index=False):
        d = inp.day_index(r.date)
        if lo <= d < hi or d < 0 or d >= inp.days:
            continue
        p, s = pos[r.staff_id], str(r.shift_id)
        days = by_day.setdefault(p, {})
        days[d] = days.get(d, 0) + clock.paid(d, s)
        counts[(p, s)] = counts.get((p, s), 0) + 1
        nights[p] = nights.get(p, 0) + int(bool(shifts.at[s, "night"]))
        on_calls[p] = on_calls.get(p, 0) + int(bool(shifts.at[s, "on_call"]))
    minutes = {p: sum(days.values()) for p, days in by_day.items()}
    weekends: dict[int, int] = {}
    for p, days in by_day.items():
        for sat, sun in inp.weekends():
            if {sat, sun} & days.keys():
                weekends[p] = weekends.get(p, 0) + 1
    assert inp.leave is not None  # validated: an empty table when none is given
    credit: dict[str, float] = inp.leave.groupby("staff_id")["credit_hours"].sum().to_dict()
    return Outside(inp.days, credit, minutes, weekends, counts, nights, on_calls), by_day


def window_model(
    inp: RosterInput,
    params: RosterParameters,
    rota: pd.DataFrame,
    start: int,
    end: int,
    settings: WindowSettings,
) -> tuple[RosterModel, dict[Any, int], int] | None:
    """The sub-model of days ``start .. end - 1`` with ``history_days`` before them and the tail
    after (module docstring), the rota's value of each of its assignment variables, and the day
    of the horizon its day 0 is; None when the rota has a shift the sub-model has no variable for
    (never for a legal rota)."""
    lo = max(start - settings.history_days, 0)
    stop = min(end + settings.tail_days, inp.days)
    history = rota if inp.history is None else pd.concat([inp.history, rota], ignore_index=True)
    sub = window_input(inp, lo, stop - lo, history, settings.history_days, rules=inp.rules)
    sub_rm = make_variables(sub, params, False)
    sub_rm.outside, by_day = _outside(
        inp, rota, lo, stop, ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    )
    sub_rm.reference = ReferenceDays(lo, inp.days, by_day) if has_reference_periods(inp, params) else None
    for family in FAMILIES:
        family(sub_rm)
    sub_rm.model.minimize(
        cp_model.LinearExpr.weighted_sum([t.amount for t in sub_rm.terms], [t.weight for t in sub_rm.terms])
    )
    pos = {s: i for i, s in enumerate(sub_rm.staff)}
    on = set()
    for r in rota.itertuples(index=False):
        d = inp.day_index(r.date) - lo
        if 0 <= d < stop - lo:
            key = (pos[r.staff_id], d, str(r.shift_id))
            if key not in sub_rm.x:
                return None
            on.add(key)
    values = {var: int(key in on) for key, var in sub_rm.x.items()}
    for (_, d, _), var in sub_rm.x.items():
        if not start - lo <= d < end - lo:  # before and after the window: fixed to the rota
            sub_rm.model.add(var == values[var])
    return sub_rm, values, lo


def _fixed_solution(
    rm: RosterModel, values: dict[Any, int], options: SolveOptions
) -> tuple[float, list[int]] | None:
    """The sub-model's objective at the rota, and the value of every variable there (None: not found)."""
    model = rm.model.clone()
    for var, v in values.items():
        domain = model.proto.variables[var.index].domain
        domain[0] = domain[1] = v
    result, solver = solve_cpsat(model, options)
    if not result.has_plan:
        return None
    return float(solver.objective_value), list(solver.response_proto.solution)


def improve_by_windows(
    inp: RosterInput,
    params: RosterParameters,
    rota: pd.DataFrame,
    options: SolveOptions,
    settings: WindowSettings | None = None,
) -> WindowSearch:
    """Sweep the windows, re-solving each (module docstring), until ``options``' deadline."""
    settings = settings or WindowSettings()
    t0 = time.perf_counter()
    options = options.with_deadline()
    spans = window_spans(inp, settings.window_days)
    rota = rota[COLUMNS].reset_index(drop=True)
    saved = visits = improved = sweeps = 0
    rng = random.Random(options.seed)
    while not options.should_stop():
        gained = 0
        for start, end in spans:
            left = options.remaining()
            if options.should_stop() or (left is not None and left < 1.0):
                break
            built = window_model(inp, params, rota, start, end, settings)
            visits += 1
            if built is None:
                continue
            rm, values, lo = built
            run = dataclasses.replace(options, threads=options.threads or 2, time_limit=None)
            fixed = _fixed_solution(rm, values, dataclasses.replace(run, time_limit=options.call_limit()))
            if fixed is None:
                continue
            before, hint = fixed
            after, solution = _improve_window(rm, hint, before, (start - lo, end - lo), run, settings, rng)
            if after >= before - 0.5:
                continue
            gain = int(round(before - after))
            saved += gain
            gained += gain
            improved += 1
            rota = _replaced(inp, rota, rm, solution, start, end, lo)
        else:
            sweeps += 1
            if gained == 0:
                break
            continue
        break
    return WindowSearch(rota, saved, visits, improved, sweeps, time.perf_counter() - t0)


def _improve_window(
    rm: RosterModel,
    hint: list[int],
    before: float,
    days: tuple[int, int],
    run: SolveOptions,
    settings: WindowSettings,
    rng: random.Random,
) -> tuple[float, list[int]]:
    """Re-solve the window's days ``days`` (sub-model days) from the complete solution ``hint`` of
    objective ``before``: all its people at once, or (``settings.people``) groups of that many
    drawn at random, each with the window's other people fixed, sharing ``window_seconds``. The
    best objective and solution found."""
    staff = list(range(len(rm.staff)))
    size = settings.people if 0 < settings.people < len(staff) else len(staff)
    rng.shuffle(staff)
    groups = [set(staff[k : k + size]) for k in range(0, len(staff), size)]
    best, solution = before, hint
    for group in groups:
        left = run.remaining()
        limit = settings.window_seconds / len(groups)
        limit = limit if left is None else min(limit, left)
        if limit < 0.05:
            break
        model = rm.model.clone() if len(groups) > 1 else rm.model
        if len(groups) > 1:
            for (p, d, _), var in rm.x.items():
                if p not in group and days[0] <= d < days[1]:
                    domain = model.proto.variables[var.index].domain
                    domain[0] = domain[1] = solution[var.index]
        step = dataclasses.replace(run, time_limit=limit, extra={**run.extra, **SEARCH_CPSAT})
        result, solver = solve_cpsat(model, step, solution=solution)
        if result.has_plan and float(solver.objective_value) < best - 0.5:
            best, solution = float(solver.objective_value), list(solver.response_proto.solution)
    return best, solution


def _replaced(
    inp: RosterInput, rota: pd.DataFrame, rm: RosterModel, solution: list[int], start: int, end: int, lo: int
) -> pd.DataFrame:
    """``rota`` with days ``start .. end - 1`` read from the solution of the sub-model whose day 0
    is the horizon's day ``lo``."""
    day = rota["date"].map(inp.day_index)
    keep = rota[(day < start) | (day >= end)]
    on = [
        (rm.staff[p], rm.date(d), s)
        for (p, d, s), var in rm.x.items()
        if start - lo <= d < end - lo and solution[var.index]
    ]
    new = pd.DataFrame(on, columns=COLUMNS)
    return pd.concat([keep, new], ignore_index=True).sort_values(COLUMNS).reset_index(drop=True)
