"""Build, solve and explain the detailed-rota model (the formulation is in :mod:`models.roster`).

Solving: :func:`solve` passes :class:`solvers.SolveOptions` (time limit, workers, seed) to CP-SAT;
with :attr:`RosterParameters.reproducible` (the default) and a worker count named (``--threads``),
the limit is counted in CP-SAT's deterministic time (``work_per_second`` units per second of the
limit) and workers interleave, so a seed and a worker count fix the rota (:func:`solver_options`);
the wall-clock limit stays a backstop, and the plan records which of the two stopped the search
(:func:`stop_reason`). Without a worker count, ``DEFAULT_WORKERS`` race against the wall clock:
measured on the bundled rotas (``benchmarks/results/roster_search.md``, 2026-12-02) racing
found rotas 2 to 8 times better in 60 s on a busy machine, so it stays the default. The whole
model is searched after a first phase with some soft rules hard when the instance has them
(:attr:`RosterParameters.first_hard`, :mod:`models.roster.first_phase`). With
``params.search == "lns"`` the model is searched by :func:`models.roster.search.lns_solve`
within the same limit; with ``params.search == "lines"`` by
:func:`models.roster.price_and_branch.lines_solve` (CP-SAT, a column-generation bound over each
person's lines of work, and a rota from the HiGHS MIP over those lines as CP-SAT's start).
:func:`proof_options` gives the setting that proves small instances optimal fastest. The objective
reported is the sum of the returned rota's penalties (see :func:`_rescored`).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from models.common.contract import Progress
from models.roster import horizon, long_rota
from models.roster.build import BuildStopped, build_roster_model
from models.roster.first_phase import two_phase_solve
from models.roster.full_lp_bound import full_lp_bound, with_bound
from models.roster.input import RosterInput
from models.roster.mip_search import mip_solve
from models.roster.parameters import RosterParameters
from models.roster.plan import RosterPlan
from models.roster.polish import Polish, polish_by_windows
from models.roster.price_and_branch import lines_solve
from models.roster.report import (
    Problem,
    diagnosed_violations,
    diagnosis,
    explain,
    extract_tables,
    penalty_table,
)
from models.roster.search import auto_search, lns_solve
from models.roster.valued import value_rota
from models.roster.vars import RosterModel
from models.roster.window_bound import hours_short, window_bound
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_cpsat, stop_requested

__all__ = ["BACKENDS", "build_roster_model", "proof_options", "solve", "solver_options", "stop_reason"]

BACKENDS = ("cpsat",)
"""The rota model is solved by OR-Tools CP-SAT only."""
DEFAULT_WORKERS = 2
"""CP-SAT workers when the options name none."""
RESCUE_SECONDS = 10.0
"""Most seconds for the rota built window by window (:func:`models.roster.horizon.rolling_rota`,
one worker, so a seed repeats) that is returned when the first phase found no rota and the
whole model none better, and at most a quarter of the time then left: on a generated 40 x 56
ward it took 0.7 s (a legal rota of 10,721 points, where the search without it ended with no
rota)."""
INTERLEAVE_BATCH = 2
"""Tasks in each batch of the reproducible search's interleaved workers (CP-SAT's
``interleave_batch_size``; its default, 0, chose 6 on the bundled rotas). At 24 deterministic
units, seeds 0-4 (``benchmarks/scripts/roster_reproducible.py``, 2026-12-04), 2 gave
``lsc-registrar-oncall`` 674, 622, 581, 653, 577 (mean 621) against 755, 562, 613, 674, 678 (656)
and ``lsc-sact-nurses`` 67, 81, 76, 67, 61 (70) against 66, 94, 78, 90, 84 (82): better on 8 of
10 seeds, in about 12 % more wall clock (the registrars' default batch given 28 units, the same
wall clock, averaged 642). A batch of 1 runs one task at a time (registrars 620 on average in
37 s: one core idle); one worker takes one task at a time (batches of 2 gave the nurses 82, 63, 68
on seeds 0-2 against 62, 63, 51, 2026-12-07). A caller's ``interleave_batch_size`` wins."""
WALL_MARGIN = 0.5
"""Seconds: a search ending this close to its wall-clock allowance was stopped by the wall clock."""
DETERMINISTIC_REACHED = 0.99
"""Share of its deterministic limit a search must have spent to have stopped at it (CP-SAT checks
the limit between batches of work, so a stop at the limit spends the limit or a little more)."""


def proof_options(time_limit: float | None = None, seed: int = 0) -> SolveOptions:
    """Options that close the gap fastest on small rotas: one CP-SAT worker with the full LP
    relaxation (``linearization_level`` 2). The default two-worker portfolio finds good rotas
    sooner on large instances but proves optimality slowly (its LP omits the clauses that
    presolve makes of the run and weekend rules).
    """
    return SolveOptions(time_limit=time_limit, threads=1, seed=seed, extra={"linearization_level": 2})


def solver_options(params: RosterParameters, options: SolveOptions | None) -> SolveOptions:
    """The options CP-SAT runs with: the caller's, else the parameters' time limit, and
    ``DEFAULT_WORKERS`` when none are named. When ``params.reproducible`` and the caller names
    the workers, the limit is counted in deterministic time (``work_per_second`` units a second;
    wall-clock backstop ``wall_clock_factor`` times the limit, or the caller's deadline when
    sooner) and the workers, one or several, interleave (``params.subsolvers``, in batches of
    :data:`INTERLEAVE_BATCH`, or of one task for one worker), so the same seed and workers give
    the same rota."""
    options = options or SolveOptions()
    limit = _limit(options, params)
    threads = options.threads or DEFAULT_WORKERS
    extra = dict(options.extra)
    if params.reproducible and options.threads is not None:
        if limit is not None:
            extra.setdefault("max_deterministic_time", float(limit) * params.work_per_second)
            limit = float(limit) * params.wall_clock_factor
        extra.setdefault("interleave_search", True)
        extra.setdefault("subsolvers", list(params.subsolvers))
        extra.setdefault("interleave_batch_size", min(INTERLEAVE_BATCH, threads))
    return dataclasses.replace(options, time_limit=limit, threads=threads, extra=extra)


def lns_options(
    params: RosterParameters, given: SolveOptions, options: SolveOptions, reproducible: bool
) -> SolveOptions:
    """Options for :func:`lns_solve` with the workers :func:`solver_options` chose: the budget in
    wall-clock seconds, or when ``reproducible`` in deterministic units (``work_per_second`` a
    second, counted by :func:`lns_solve`) with a deadline ``wall_clock_factor`` times the limit."""
    limit = _limit(given, params)
    extra = {k: v for k, v in given.extra.items() if k not in ("max_deterministic_time", "interleave_search")}
    out = dataclasses.replace(options, time_limit=limit, extra=extra)
    if reproducible and limit is not None:
        out = out.with_deadline(float(limit) * params.wall_clock_factor)
        out = dataclasses.replace(out, time_limit=float(limit) * params.work_per_second)
    return out


def solve(
    inp: RosterInput,
    params: RosterParameters | None = None,
    *,
    backend: str = BACKENDS[0],
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    hint: pd.DataFrame | None = None,
) -> RosterPlan:
    """Diagnose, build, solve and extract the rota of ``inp``.

    ``options`` default to two CP-SAT workers and ``params.time_limit``. ``hint`` is a rota
    (``staff_id``, ``date``, ``shift_id``) to start from; by default the published rota when
    re-rostering. ``progress`` is not called (CP-SAT reports no progress here). Never returns an
    unusable plan silently: check :attr:`RosterPlan.found` and read :attr:`RosterPlan.explanation`.
    """
    if backend not in BACKENDS:
        raise ValueError(f"the rota model is solved with {', '.join(BACKENDS)}, not {backend!r}")
    params = params or RosterParameters()
    given = options or SolveOptions()
    reproducible = params.reproducible and options is not None and options.threads is not None
    options = solver_options(params, options)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    problems = diagnosis(inp, params)
    timings["diagnose"] = time.perf_counter() - t0
    if problems:
        return _diagnosed(inp, params, problems, options, _limit(given, params), timings, reproducible)
    start = hint if hint is not None else inp.published
    rolled = None
    if (start is None or start.empty) and horizon.applies(inp):  # long: a legal rota first (horizon.py)
        options = options.with_deadline()
        rolled = horizon.first_rota(inp, params, options, timings)
        start = rolled.assignments
        early = long_rota.improved_plan(inp, params, rolled, given, options, timings)
        if early is not None:
            return early
    t0 = time.perf_counter()
    try:
        rm = build_roster_model(inp, params, deadline=options.deadline)
    except BuildStopped:
        timings["build"] = time.perf_counter() - t0
        return _unbuilt(inp, params, options, _limit(given, params), timings)
    timings["build"] = time.perf_counter() - t0
    result, solver, record = _search(rm, params, given, options, reproducible, start, timings["build"])
    timings["solve"] = result.solve_seconds
    limit = _limit(given, params)
    result = replace(result, options={**result.options, "time_limit": limit})  # not the backstop
    late = (
        None
        if result.has_plan or rolled is None
        else horizon.constructed_plan(inp, params, rolled, given, timings)
    )
    return late or replace(_outcome(rm, params, result, solver, options, limit, timings), **record)


def _diagnosed(
    inp: RosterInput,
    params: RosterParameters,
    problems: list[Problem],
    options: SolveOptions,
    limit: float | None,
    timings: dict[str, float],
    reproducible: bool,
) -> RosterPlan:
    """The plan without a rota when :func:`diagnosis` finds ``problems`` before solving, each a row
    of its violations; its options record the run's time ``limit``, not the wall-clock backstop of
    a reproducible search (as a solved plan's do)."""
    result = _unsolved(Status.INFEASIBLE, timings["diagnose"], "diagnosed before solving", options, limit)
    explanation = tuple(p.text for p in problems)
    violations = diagnosed_violations(problems, params.hard_violation_weight)
    plan = _no_plan(inp, params, result, explanation, violations, timings)
    return replace(plan, reproducible=reproducible, stopped_by=stop_reason(result, False, False))


def _unbuilt(
    inp: RosterInput,
    params: RosterParameters,
    options: SolveOptions,
    limit: float | None,
    timings: dict[str, float],
) -> RosterPlan:
    """The plan without a rota when the run's deadline came while the model was built."""
    message = "the time limit came while the model was built"
    result = _unsolved(Status.NO_SOLUTION, timings["build"], message, options, limit)
    plan = _no_plan(inp, params, result, (_out_of_time(limit, message),), penalty_table([]), timings)
    return replace(plan, reproducible=False, stopped_by="wall clock")


def _unsolved(
    status: Status, seconds: float, message: str, options: SolveOptions, limit: float | None
) -> SolveResult:
    """The result of a run that never searched (``seconds`` of diagnosis or build); its options
    record the run's time ``limit``, not the wall-clock backstop of a reproducible search."""
    return SolveResult(
        status, None, None, None, seconds, 0.0, "cpsat", message, {**options.as_dict(), "time_limit": limit}
    )


def _out_of_time(limit: float | None, otherwise: str) -> str:
    """Why there is no rota when the time ran out: the limit, else ``otherwise``."""
    return (
        f"no rota was found within the time limit of {limit:g} s; allow more time"
        if limit is not None
        else otherwise
    )


def _search(
    rm: RosterModel,
    params: RosterParameters,
    given: SolveOptions,
    options: SolveOptions,
    reproducible: bool,
    start: pd.DataFrame | None,
    build_seconds: float,
) -> tuple[SolveResult, Any, dict[str, Any]]:
    """Search for a rota from ``start`` by CP-SAT, LNS or lines (``params.search``): the result, the solver
    holding the rota, and what the plan records of the search (deterministic limit and time, stop)."""
    if params.search == "lines" or (params.search == "auto" and auto_search(rm.inp) == "lines"):
        result, solver, lined = _lines_search(rm, params, given, options, start, build_seconds)
        return result, solver, {**lined, "search": "lines"}
    if params.search == "mip":
        return _mip_search(rm, params, given, options, start, build_seconds)
    polish_record: dict[str, Any] | None = None  # the window polish after a cpsat search (_polished)
    full_lp: float | None = None  # the full LP's bound after a cpsat search (_bounded)
    windows: float | None = None  # the window bound after it (_bounded)
    if params.search == "lns":
        run = lns_options(params, given, options, reproducible)
        result, solver = lns_solve(
            rm,
            run,
            hint=_hint(rm, start),
            deterministic=reproducible,
            build_seconds=build_seconds,
            wall_clock_factor=params.wall_clock_factor,
        )
        used = result.options.get("deterministic_time")
        spent: float | None = None if used is None else float(str(used))
        budget = run.time_limit if reproducible else None
        left = run.remaining()
        cut = left is not None and left < WALL_MARGIN or short_of_budget(budget, spent)
    else:
        searching = _search_options(params, options)
        polishing = _polish_budget(rm.inp, params, given, options)
        allowed = searching.call_limit()
        result, solver, spent, first_cut = two_phase_solve(
            rm,
            searching,
            params.first_hard,
            params.first_hard_share,
            hint=_hint(rm, start),
            build_seconds=build_seconds,
            limit=_limit(given, params),
            rescue=lambda left: _constructed(rm, params, left, options.log_file),
        )
        searched = rm.hint(solver) if result.has_plan else None  # the full LP's hint (_bounded)
        result, solver, polished = _polished(rm, params, searching, result, solver, polishing)
        unspent = 0.0  # of a polish that ended before its units as every run does: not a cut
        if polished is not None:
            polish_record, spent = polished.record(), spent + polished.units
            unspent = polishing - polished.units if polished.ended_by != "stopped" else 0.0
        limit_given = options.extra.get("max_deterministic_time")
        budget = None if limit_given is None else float(str(limit_given)) + polishing
        cut = allowed is not None and result.solve_seconds >= allowed - WALL_MARGIN
        cut = cut or first_cut or short_of_budget(budget, spent + unspent)
        result, full_lp, windows = _bounded(rm, params, given, options, result, budget, searched)
    record: dict[str, Any] = {
        "reproducible": reproducible,
        "deterministic_limit": budget,
        "deterministic_time": None if spent is None else round(float(spent), 3),
        "stopped_by": stop_reason(result, budget is not None, cut),
        "search": "lns" if params.search == "lns" else "cpsat",
        "full_lp_bound": full_lp,
        "window_bound": windows,
        "polish": polish_record,
    }
    return result, solver, record


def _mip_search(
    rm: RosterModel,
    params: RosterParameters,
    given: SolveOptions,
    options: SolveOptions,
    start: pd.DataFrame | None,
    build_seconds: float,
) -> tuple[SolveResult, Any, dict[str, Any]]:
    """``search: mip`` (:mod:`models.roster.mip_search`) on the wall clock for the run's limit, with
    its workers and seed: HiGHS has no deterministic limit, so a run is reproducible only when it
    ends by a proof."""
    run = dataclasses.replace(options, time_limit=_limit(given, params), deadline=given.deadline)
    result, solver = mip_solve(
        rm, run, params.mip_heuristic_effort, hint=_worked(rm, start), build_seconds=build_seconds
    )
    record: dict[str, Any] = {
        "reproducible": False,
        "deterministic_limit": None,
        "deterministic_time": None,
        "stopped_by": stop_reason(result, False, True),
        "search": "mip",
        "full_lp_bound": None,
        "window_bound": None,
        "polish": None,
    }
    return result, solver, record


def _search_options(params: RosterParameters, options: SolveOptions) -> SolveOptions:
    """The search's options: on the wall clock (no deterministic limit) its time limit is cut by
    ``bound_share``, which the full LP's bound gets after it (:func:`_bounded`)."""
    if "max_deterministic_time" in options.extra or options.time_limit is None or params.bound_share <= 0:
        return options
    return dataclasses.replace(options, time_limit=options.time_limit * (1 - params.bound_share))


def _polish_budget(
    inp: RosterInput, params: RosterParameters, given: SolveOptions, options: SolveOptions
) -> float:
    """The polish's budget (:func:`_polished`) in reproducible runs: ``polish_share`` of the time
    limit in deterministic units at ``polish_work_per_second``, beside the search's own (the same
    rota on every run); 0 with no limit, for a rota no longer than one window (:func:`polishes`),
    and on the wall clock, where its share would be taken from the search: Curtois & Qu
    Instance4-12 at 60 s (``optimiser bench shift-cpsat``) then gave rotas better on four (7, 8,
    10, 12: Instance12 5,950 -> 5,716) and worse on four (5, 6, 9, 11: Instance11 3,795 -> 3,890),
    and the shorter search's own bound fell on Instance10 from 4,170 to 9 and on Instance12 from
    1,021 to 34 (``benchmarks/results/roster_search.md``, 2026-12-07 (09:44-))."""
    limit = _limit(given, params)
    if not polishes(inp, params) or limit is None or "max_deterministic_time" not in options.extra:
        return 0.0
    return float(limit) * params.polish_share * params.polish_work_per_second


def polishes(inp: RosterInput, params: RosterParameters) -> bool:
    """Whether a ``cpsat`` search is polished: ``polish_share`` above 0 and the rota longer than a
    window (``2 polish_half_days + 1`` days). A window as long as the rota is the whole model
    searched again, which the search does better with the time: with it, Curtois & Qu Instance3
    (20 staff x 14 days), proven optimal at 60 s by the search alone, stopped at 1,003 for 1,001
    (``benchmarks/results/roster_search.md``, 2026-12-07 (09:44-))."""
    return params.polish_share > 0 and inp.days > 2 * params.polish_half_days + 1


def _polished(
    rm: RosterModel,
    params: RosterParameters,
    options: SolveOptions,
    result: SolveResult,
    solver: Any,
    budget: float,
) -> tuple[SolveResult, Any, Polish | None]:
    """``result`` and its solver after :func:`models.roster.polish.polish_by_windows` within
    ``budget`` deterministic units (:func:`_polish_budget`), when the search's
    rota is not proven optimal and the run was not interrupted; the bound stays the search's. A
    stop asked for during the polish (Ctrl-C) keeps its best rota and marks the result
    interrupted. The polish's outcome is returned too (None: it did not run)."""
    if budget <= 0 or result.status is not Status.FEASIBLE or result.interrupted:
        return result, solver, None
    t0 = time.perf_counter()
    start = float(rm.penalty_of(solver.value))
    found = polish_by_windows(rm, rm.solution(solver), start, options, budget, params.polish_half_days)
    seconds = time.perf_counter() - t0
    message = f"{result.message}; {polish_words(found)}"
    polished = replace(
        result,
        objective=found.objective,
        gap=relative_gap(found.objective, result.bound),
        message=message,
        solve_seconds=result.solve_seconds + seconds,
        interrupted=found.ended_by == "stopped" and stop_requested(),
    )
    return polished, found.solver or solver, found


def polish_words(found: Polish) -> str:
    """What the window polish did, for the result's message: the windows that improved the rota
    and from what to what, or why no window was solved (no time, or too few units, left)."""
    if found.windows == 0:
        why = "no time was left" if found.ended_by == "stopped" else "too few units were left"
        return f"not polished window by window: {why} for a window"
    ending = "; no window improves it further" if found.converged else ""
    return (
        f"polished window by window: {found.improved} of {found.windows} windows "
        f"improved the rota from {found.start:g} to {found.objective:g}{ending}"
    )


def _bounded(
    rm: RosterModel,
    params: RosterParameters,
    given: SolveOptions,
    options: SolveOptions,
    result: SolveResult,
    budget: float | None,
    hint: dict[Any, int] | None,
) -> tuple[SolveResult, float | None, float | None]:
    """``result`` with the best of two bounds when higher, and each of them (None when it did not
    run or proved nothing); only for a rota not proven optimal and not interrupted, within
    ``bound_share`` of the limit.

    1. When the cover's maxima leave the contracts short of hours (the bound's constant part,
       :func:`models.roster.window_bound.hours_short`, is above 0), the window bound
       (:mod:`models.roster.window_bound`: the hours the cover leaves short of the contracts, and
       each person's own rules priced in four-week windows), for at most half the share's
       seconds of wall clock; windows not priced in time count their floor, so it holds whenever
       it stops (on a busy machine it may then be lower than on a quiet one; the rota is the same).
    2. The full LP's bound (:mod:`models.roster.full_lp_bound`), hinted with the search's rota
       (``hint``: the search's, not the polish's: on ``lsc-registrar-oncall`` the polished 557
       as hint left the pass at 2 in its 3.6 units, seeds 0 and 1, where the search's 577 gives
       539 at seed 0, ``benchmarks/results/roster_search.md``, 2026-12-07 (09:44-)),
       in deterministic units when the search counted them (``budget``: ``bound_share`` of the
       limit at ``bound_work_per_second``, the same bound on every run), within what is left of
       the wall clock; in such runs not at all when less than that share
       of the limit is left (a search that ran to the deadline): CP-SAT's presolve of a large
       model does not stop at a short limit (a generated 40 x 56 ward: 5.5 s for the 4.4 s left,
       the run 62.7 s of solve for a 60-s limit).

    Why both (``benchmarks/results/roster_search.md``, 2026-12-05 21:08-): on a generated 40 x 56
    ward the window bound is 429 in 4.1 s where the full LP proves 0 in 3 s (41 in 15 s), against
    a rota of about 1,500; on the nurses the window bound is 0 and the full LP's 42 is the one."""
    limit = _limit(given, params)
    if params.bound_share <= 0 or limit is None or result.status is not Status.FEASIBLE or result.interrupted:
        return result, None, None
    seconds = float(limit) * params.bound_share
    units = None if budget is None else seconds * params.bound_work_per_second
    wall = seconds * (params.wall_clock_factor if budget is not None else 1.0)
    t0 = time.perf_counter()
    windows: float | None = None
    if hours_short(rm.inp) > 0:  # within the caller's deadline and stop requests
        found = window_bound(rm.inp, params, replace(options, time_limit=None).with_deadline(seconds / 2))
        windows = None if found.bound is None else float(found.bound)
    left = options.remaining()
    short = budget is not None and left is not None and left < seconds
    seconds_left = max(wall - (time.perf_counter() - t0), 0.0)
    bound = None if short else full_lp_bound(rm, options, seconds_left, units, hint)
    spent = time.perf_counter() - t0
    best = max((b for b in (bound, windows) if b is not None), default=None)
    return replace(with_bound(result, best), solve_seconds=result.solve_seconds + spent), bound, windows


def _lines_search(
    rm: RosterModel,
    params: RosterParameters,
    given: SolveOptions,
    options: SolveOptions,
    start: pd.DataFrame | None,
    build_seconds: float,
) -> tuple[SolveResult, Any, dict[str, Any]]:
    """``search: lines`` (:func:`lines_solve`) on the wall clock with the workers ``options`` chose;
    the record adds its column-generation figures (``columns``)."""
    run = dataclasses.replace(given, threads=options.threads)
    if run.time_limit is None:
        run = dataclasses.replace(run, time_limit=params.time_limit)
    result, solver, columns = lines_solve(rm, run, hint=_hint(rm, start), build_seconds=build_seconds)
    left = run.remaining()
    record = {
        "reproducible": False,
        "deterministic_limit": None,
        "deterministic_time": None,
        "stopped_by": stop_reason(result, False, left is not None and left < WALL_MARGIN),
        **columns,
    }
    return result, solver, record


def _outcome(
    rm: RosterModel,
    params: RosterParameters,
    result: SolveResult,
    solver: Any,
    options: SolveOptions,
    limit: float | None,
    timings: dict[str, float],
) -> RosterPlan:
    """The plan of a finished search: the rota found, else why there is none (``limit``: seconds)."""
    inp = rm.inp
    if result.has_plan:
        t0 = time.perf_counter()
        tables = extract_tables(rm, solver)
        timings["extract"] = time.perf_counter() - t0
        result = _rescored(result, int(tables["penalties"]["cost"].sum()))
        return _plan(inp, params, result, tables, penalty_table([]), (), timings)
    if result.status is Status.INFEASIBLE:
        t0 = time.perf_counter()
        lines, violations = _explain_infeasible(inp, params, options)
        timings["explain"] = time.perf_counter() - t0
        return _no_plan(inp, params, result, lines, violations, timings)
    why = _out_of_time(limit, f"the solver stopped without a rota ({result.message})")
    return _no_plan(inp, params, result, (why,), penalty_table([]), timings)


STOP_REASONS = ("proven optimal", "infeasible", "interrupted", "deterministic limit", "wall clock")
"""Why a rota search ended (:attr:`RosterPlan.stopped_by`)."""


def short_of_budget(budget: float | None, spent: float | None) -> bool:
    """Whether a search with a deterministic ``budget`` ended having ``spent`` less of it
    (:data:`DETERMINISTIC_REACHED`): then something else stopped it, the wall clock on a busy
    machine, where CP-SAT's own clock and ours may differ by more than :data:`WALL_MARGIN`."""
    return budget is not None and spent is not None and spent < DETERMINISTIC_REACHED * budget


def _limit(options: SolveOptions, params: RosterParameters) -> float | None:
    """The time limit a search runs under: the caller's, else the instance's."""
    return options.time_limit if options.time_limit is not None else params.time_limit


def stop_reason(result: SolveResult, deterministic: bool, wall_clock: bool) -> str:
    """Why the search ended, one of :data:`STOP_REASONS`.

    ``deterministic``: the search had a deterministic limit; ``wall_clock``: it ran until its
    wall-clock allowance (the limit's backstop or the run's deadline) was spent. A reproducible
    search that ended before the wall clock stopped at its deterministic limit, where every run with
    the same seed and workers stops; one stopped by the wall clock (the machine was too busy to do
    the work in the time) or a wall-clock search may give a different rota next time.
    """
    if result.status is Status.OPTIMAL:
        return "proven optimal"
    if result.status is Status.INFEASIBLE:
        return "infeasible"
    if result.interrupted:
        return "interrupted"
    if deterministic and not wall_clock:
        return "deterministic limit"
    return "wall clock"


def _rescored(result: SolveResult, score: int) -> SolveResult:
    """The result with the objective of the rota actually returned.

    CP-SAT reports the objective of its presolved model, whose penalty variables may sit above
    their true value in a solution that is not optimal (presolve keeps only the side of their
    definitions the objective pushes against); the returned rota, rebuilt by postsolve, can
    therefore score lower than reported. Every penalty here is defined exactly, so the sum of the
    penalties table is the rota's true objective.
    """
    if result.objective is None or abs(result.objective - score) < 1e-9:
        return result
    note = f"; objective re-evaluated on the returned rota (CP-SAT reported {result.objective:g})"
    return replace(
        result,
        objective=float(score),
        gap=relative_gap(float(score), result.bound),
        message=result.message + note,
    )


def _constructed(
    rm: RosterModel, params: RosterParameters, left: float | None, log_file: Path | None = None
) -> tuple[SolveResult, Any] | None:
    """A legal rota of ``rm`` built window by window: the result and a solver holding it (the whole
    model with every assignment fixed to it); None when none is found within
    :data:`RESCUE_SECONDS`, or a quarter of the ``left`` seconds."""
    seconds = RESCUE_SECONDS if left is None else min(RESCUE_SECONDS, left / 4)
    run = SolveOptions(time_limit=seconds, threads=1, log_file=log_file).with_deadline()
    rolled = horizon.rolling_rota(rm.inp, params, run)
    worked = _worked(rm, rolled.assignments)
    if worked is None:
        return None
    result, solver = value_rota(rm, worked, dataclasses.replace(run, time_limit=run.call_limit()))
    return (result, solver) if result.has_plan else None


def _hint(rm: RosterModel, rota: pd.DataFrame | None) -> dict[Any, int] | None:
    worked = _worked(rm, rota)
    return None if worked is None else {rm.x[key]: value for key, value in worked.items()}


def _worked(rm: RosterModel, rota: pd.DataFrame | None) -> dict[tuple[int, int, str], int] | None:
    """Each assignment ``x[p, d, s]``'s value in ``rota`` (None: no rota, or an empty one)."""
    if rota is None or rota.empty:
        return None
    pos = {s: i for i, s in enumerate(rm.staff)}
    on = set()
    for r in rota.itertuples(index=False):
        if r.staff_id in pos:
            on.add((pos[r.staff_id], rm.inp.day_index(pd.Timestamp(r.date).date()), str(r.shift_id)))
    return {key: int(key in on) for key in rm.x}


def _explain_infeasible(
    inp: RosterInput, params: RosterParameters, options: SolveOptions
) -> tuple[tuple[str, ...], pd.DataFrame]:
    """Solve the elastic model; name the hard rules that cannot all hold, and by how much.

    One worker with the full LP relaxation (as :func:`proof_options`): the smallest set of breaches
    must be proven, and one worker is deterministic without interleaving."""
    rm = build_roster_model(inp, params, elastic=True)
    interleaving = ("interleave_search", "subsolvers", "interleave_batch_size")
    extra = {k: v for k, v in options.extra.items() if k not in interleaving}
    proof = dataclasses.replace(options, threads=1, extra={**extra, "linearization_level": 2})
    result, solver = solve_cpsat(rm.model, proof)
    if not result.has_plan:
        return (
            "the hard rules cannot all hold; the elastic re-solve found no rota to say which "
            f"({result.status.value}); allow more time",
        ), penalty_table([])
    violations = penalty_table(
        [(t, solver.value(t.amount) if not isinstance(t.amount, int) else t.amount) for t in rm.terms]
    )
    lines = explain(violations)
    smallest = "the smallest" if result.status is Status.OPTIMAL else "the smallest found (not proven)"
    prefix = f"the hard rules cannot all hold together; {smallest} set of breaches is:"
    return (prefix, *lines), violations


def _no_plan(
    inp: RosterInput,
    params: RosterParameters,
    result: SolveResult,
    explanation: tuple[str, ...],
    violations: pd.DataFrame,
    timings: dict[str, float],
) -> RosterPlan:
    tables = extract_tables(None, None, inp=inp)
    return _plan(inp, params, result, tables, violations, explanation, timings)


def _plan(
    inp: RosterInput,
    params: RosterParameters,
    result: SolveResult,
    tables: dict[str, pd.DataFrame],
    violations: pd.DataFrame,
    explanation: tuple[str, ...],
    timings: dict[str, float],
) -> RosterPlan:
    return RosterPlan.of_input(
        inp, params, result, violations=violations, explanation=explanation, timings=timings, **tables
    )
