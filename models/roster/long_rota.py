"""A long rota's plan after the rolling-horizon construction: a lower bound, then the rota
improved window by window until the time limit (issue 15).

:func:`models.roster.solve` calls :func:`improved_plan` when the construction
(:mod:`models.roster.horizon`) gave a legal rota: the whole model of a year's rota found no better
rota and no bound in 600 s (``benchmarks/results/roster_large.md``), so the time left goes to

1. :func:`models.roster.window_bound.window_bound` for ``bound_share`` of it (its constant part
   is immediate; windows not priced in the time count 0, which keeps it valid), then
2. :func:`models.roster.window_search.improve_by_windows` until the deadline less
   ``reserve_seconds`` kept for scoring and writing the plan.

The plan's penalty is the independent checker's score of the rota returned, its bound the window
bound, and its gap the two's.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import pandas as pd

from models.roster import horizon
from models.roster.check import check_roster
from models.roster.input import RosterInput
from models.roster.parameters import RosterParameters
from models.roster.plan import RosterPlan
from models.roster.window_bound import WindowBoundSettings, window_bound
from models.roster.window_search import WindowSettings, improve_by_windows
from solvers import SolveOptions

__all__ = ["LongRotaSettings", "improved_plan"]


@dataclass(frozen=True)
class LongRotaSettings:
    """Figures of :func:`improved_plan`.

    bound_share : float
        Share of the time left after the construction for the bound's pricing (default 0.05: on
        150 x 364 every person-window priced added 936 to the constant part's 62,239, in 221 CPU
        s; the 152 of 1,950 priced in a 600 s run added 56, while the window search saved about
        25 points a second).
    tight_share : float
        Share of the time left after the bound for rebuilding the rota window by window with the
        soft rules :data:`models.roster.horizon.TIGHTENED` hard (``rolling_rota(tight=True)``),
        when the cover's maxima fall short of the contracts (:func:`models.roster.horizon.over_staffed`);
        the rebuilt rota replaces the constructed one when the checker scores it lower (default
        0.8: on 150 x 364 the rebuild scored 69,725 against the construction's 136,149, in 162 s
        wall, 83 CPU s, at load 6-7, while the window search re-solved about one window in 50 s
        at that load; 0: never rebuilt). Not tried when the share cannot hold the loose fallback
        of every window and a first tight one (``HorizonSettings.fallback_seconds``): a 180 s run
        at load 7.6 spent 58 s rebuilding 0 of 13 windows.
    reserve_seconds : float
        Seconds kept before the deadline for scoring the rota and building the plan (default 3:
        the run's clock already keeps back time for extract, check and files in proportion to
        the rota's size, ``Kind.plan_rows``; 15 here as well left 20 s of a 60 s limit unused on
        150 x 364, where scoring took 3.1 s).
    """

    bound_share: float = 0.05
    tight_share: float = 0.8
    reserve_seconds: float = 3.0
    bound: WindowBoundSettings = WindowBoundSettings()
    windows: WindowSettings = WindowSettings()


def _score(inp: RosterInput, params: RosterParameters, rota: pd.DataFrame) -> int:
    """The independent checker's penalty of a legal ``rota``."""
    return int(check_roster(inp, rota, params).score)


def improved_plan(
    inp: RosterInput,
    params: RosterParameters,
    rolled: horizon.HorizonRota,
    given: SolveOptions,
    options: SolveOptions,
    timings: dict[str, float],
    settings: LongRotaSettings | None = None,
) -> RosterPlan | None:
    """The plan of the constructed rota improved within ``options``' deadline, with the window
    bound (None when the construction gave no rota)."""
    settings = settings or LongRotaSettings()
    if rolled.assignments is None:
        return None
    options = options.with_deadline()
    threads = options.threads or 2
    left = options.remaining()
    usable = None if left is None else max(left - settings.reserve_seconds, 0.0)
    t0 = time.perf_counter()
    share = None if usable is None else settings.bound_share * usable
    bounded = window_bound(
        inp,
        params,
        dataclasses.replace(options, threads=threads).with_deadline(share),
        dataclasses.replace(settings.bound, workers=min(settings.bound.workers, threads)),
    )
    timings["bound"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    start, rebuilt = rolled.assignments, ""
    construction = horizon.HorizonSettings()
    spans = len(horizon.window_spans(inp, construction.window_days))
    share = None if usable is None else settings.tight_share * max(usable - timings["bound"], 0.0)
    if (
        settings.tight_share > 0
        and horizon.over_staffed(inp)
        and (share is None or share >= construction.fallback_seconds * (spans + 1))
    ):  # else not even the first window could be tried tight
        before = _score(inp, params, start)
        scoring = time.perf_counter() - t0  # the rebuilt rota's score takes about as long: kept back
        budget = None if share is None else max(share - 2 * scoring, 0.0)
        run = dataclasses.replace(options, threads=threads, time_limit=None).with_deadline(budget)
        tight = horizon.rolling_rota(inp, params, run, construction, tight=True)
        rebuilt = (
            f"{tight.tightest} of {horizon.counted(tight.windows, 'window')} rebuilt with the run, "
            "weekend and preferred-shift rules hard"
        )
        if (
            tight.assignments is not None
            and tight.tightest > 0
            and _score(inp, params, tight.assignments) < before
        ):
            start = tight.assignments
        else:
            rebuilt += ", not kept"
    timings["tight"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rest = None if usable is None else max(usable - timings["bound"] - timings["tight"], 0.0)
    search = dataclasses.replace(options, threads=threads, time_limit=None).with_deadline(rest)
    found = improve_by_windows(inp, params, start, search, settings.windows)
    timings["windows"] = time.perf_counter() - t0
    note = (
        f"rolling-horizon rota ({horizon.counted(rolled.windows, 'window')}, hard rules only"
        + (f"; {rebuilt}" if rebuilt else "")
        + ") improved window by window "
        f"with every rule ({horizon.counted(found.visits, 'window')} re-solved, {found.improved} better, "
        f"{horizon.counted(found.sweeps, 'full sweep')}); bound: cover and contract hours, "
        f"{bounded.pieces} person-windows priced" + ("" if bounded.proven else " (not all)")
    )
    return horizon.constructed_plan(
        inp, params, rolled, given, timings, rota=found.assignments, bound=bounded.bound, note=note
    )
