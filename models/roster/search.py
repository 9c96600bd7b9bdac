"""Large-neighbourhood search (LNS) for the rota model: good rotas fast on large instances.

The search runs on the model :func:`models.roster.build.build_roster_model` builds, in three
phases that share the caller's time limit and deadline (every CP-SAT call takes
:meth:`SolveOptions.call_limit` and the loop ends on :meth:`SolveOptions.should_stop`):

1. *First rota*: without a caller's rota, each person's own line of work is solved alone
   (:func:`first_lines`: their model without cover, fairness or any rule that couples people,
   at most ``line_seconds`` each); together these lines are the hint of the whole model, solved
   for ``first_share`` of the time (longer if no rota is found yet). When no hard rule couples
   people (the Curtois & Qu instances: cover is soft), the lines are a legal rota at once.
   The whole model's proven bound is kept.
2. *Neighbourhoods* (:func:`_neighbourhood`): relax the assignments of a few people, or of every
   person over a window of days, fix every other ``x[p, d, s]`` to the incumbent (domain ``{v}``
   in a copy of the model), hint the incumbent and re-solve for at most ``step_seconds``. A
   rota at least as good becomes the incumbent. The share of the rota relaxed adapts: it grows by
   ``grow`` when the sub-model was solved to optimality (nothing better nearby) and shrinks by
   ``1 / grow`` when the step ran out of time. With ``aimed_every`` > 0, every so many steps the
   neighbourhood is aimed at a rule the incumbent breaks instead (:func:`_aimed`).
3. *Polish* (:func:`_full_solve`): the whole model hinted with the incumbent for the last
   ``polish_share`` of the time; it may prove optimality and tightens the bound.

The bound reported is the best of the bounds CP-SAT proves on the *whole* model (phases 1 and
3); a neighbourhood's bound holds only for its fixed part and is never reported.

Determinism: neighbourhoods are drawn from ``random.Random(seed)``; in reproducible mode
(``deterministic``) each step's limit and the budget are counted in CP-SAT's deterministic time
and several workers interleave, so a seed and a worker count give the same rota (unless the
wall-clock deadline cuts the run short).
"""

from __future__ import annotations

import dataclasses
import random
import time
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from models.roster.build import build_roster_model
from models.roster.input import RosterInput
from models.roster.lines import person_rota_input
from models.roster.vars import RosterModel
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_cpsat

__all__ = ["AUTO_LINES_STAFF", "LnsSettings", "auto_search", "first_lines", "lns_solve", "person_input"]

AUTO_LINES_STAFF = 60
"""``search: auto`` chooses ``lines`` for at most this many people (see :func:`auto_search`): the
largest Curtois & Qu instance measured. In one suite run on a quiet machine (``bench shift``, 60 s)
``lines`` was as good as ``cpsat`` or better on all twelve (36-60 people: 439 vs 450, 4,739 vs
5,058, 3,445 vs 3,600, 6,022 vs 6,066); at load 5-9 it lost on some above 30 people."""


@dataclass(frozen=True)
class LnsSettings:
    """Figures of the neighbourhood search (times are fractions of the limit, or seconds).

    first_share : float
        Share of the time limit for the first whole-model solve (default 0.2).
    polish_share : float
        Share of the time limit kept for the last whole-model solve (default 0.15).
    step_seconds : float
        Most seconds (deterministic seconds when reproducible) one neighbourhood may take (default 0.3).
    start_fraction : float
        Share of the people (or days) relaxed by the first neighbourhood (default 0.15).
    min_fraction, max_fraction : float
        Bounds of that share (defaults 0.03 and 0.6).
    grow : float
        Factor by which the share grows after a neighbourhood solved to optimality (default 1.2).
    line_seconds : float
        Most seconds (deterministic seconds when reproducible) for one person's line of work in
        the first rota (default 1; 0: no per-person first lines).
    lines_share : float
        Most share of the time limit for all the people's first lines together (default 0.1).
    first_rota_only : bool
        End the first whole-model solve at its first rota (default False: use its whole share).
    aimed_every : int
        Every this many neighbourhoods one is aimed at a rule the incumbent breaks
        (:func:`_aimed`: the person named by a broken penalty term over the whole horizon, and every
        person over the days around its date; default 0: none, only people and windows of days).
    step_workers : int
        CP-SAT workers in each neighbourhood (default 1: small sub-models gain little from more,
        and one worker is deterministic without interleaving).
    linearization_level : int
        CP-SAT's ``linearization_level`` in the whole-model solves (default 1, CP-SAT's own; 2, the
        full LP relaxation, found no first rota of Instances 6-8 in 1.6 deterministic seconds).
    """

    first_share: float = 0.2
    polish_share: float = 0.15
    step_seconds: float = 0.3
    start_fraction: float = 0.15
    min_fraction: float = 0.03
    max_fraction: float = 0.6
    grow: float = 1.2
    line_seconds: float = 1.0
    lines_share: float = 0.1
    first_rota_only: bool = False
    linearization_level: int = 1
    step_workers: int = 1
    aimed_every: int = 0


@dataclass
class _Incumbent:
    values: dict[tuple[int, int, str], int]
    objective: float
    solver: Any
    solution: list[int]  # every variable of the model (RosterModel.solution): each step's start
    breaches: list[tuple[int, int]] | None = None  # (person, day) of each broken dated term, read once


def lns_solve(
    rm: RosterModel,
    options: SolveOptions,
    *,
    hint: dict[Any, int] | None = None,
    deterministic: bool = False,
    settings: LnsSettings | None = None,
    build_seconds: float = 0.0,
    wall_clock_factor: float = 3.0,
) -> tuple[SolveResult, Any]:
    """Solve ``rm`` by LNS; return the result (whole-model bound) and a solver holding the best rota.

    ``options.time_limit`` is the budget (deterministic seconds when ``deterministic``, else wall
    clock); ``options.deadline`` and stop requests end it early (deterministic runs without a
    deadline get one at ``wall_clock_factor`` times the budget). The solver returned reads values
    of ``rm``'s variables (its model is a copy of ``rm.model`` with the same variable indices).
    """
    settings = settings or LnsSettings()
    budget = options.time_limit
    options = options.with_deadline() if not deterministic else options
    if deterministic and budget is not None and options.deadline is None:
        options = options.with_deadline(budget * wall_clock_factor)
    clock = _Clock(deterministic, budget)
    t0 = time.perf_counter()
    options = dataclasses.replace(
        options, extra={**options.extra, "linearization_level": settings.linearization_level}
    )
    if hint is None and settings.line_seconds > 0:
        each = settings.line_seconds
        if budget is not None:
            each = min(each, settings.lines_share * budget / max(len(rm.staff), 1))
        hint = first_lines(rm, options, clock, each)
    first = options
    if settings.first_rota_only:
        first = dataclasses.replace(options, extra={**options.extra, "stop_after_first_solution": True})
    result, solver = _full_solve(rm, first, clock, settings.first_share, hint)
    bound = result.bound if result.has_plan else None
    if not result.has_plan:
        if not (result.status is Status.INFEASIBLE or options.should_stop() or clock.left() == 0):
            result, solver = _full_solve(rm, options, clock, 1.0, hint)  # no rota yet: the whole model
        record = {**result.options, "deterministic_time": clock.work}
        return dataclasses.replace(result, options=record), solver
    best = _Incumbent(_values(rm, solver), float(solver.objective_value), solver, rm.solution(solver))
    if result.status is not Status.OPTIMAL:
        best = _search(rm, options, clock, settings, best)
        final, solver = _full_solve(rm, options, clock, 1.0, None, best.solution)
        if final.has_plan and final.bound is not None:
            bound = max(bound if bound is not None else final.bound, final.bound)
        if final.has_plan and float(solver.objective_value) <= best.objective:
            best = _Incumbent(_values(rm, solver), float(solver.objective_value), solver, rm.solution(solver))
        status = Status.OPTIMAL if final.status is Status.OPTIMAL else Status.FEASIBLE
        if bound is not None and bound >= best.objective - 1e-9:
            status = Status.OPTIMAL
    else:
        status = Status.OPTIMAL
    if status is Status.OPTIMAL:
        bound = best.objective
    result = dataclasses.replace(
        result,
        status=status,
        objective=best.objective,
        bound=bound,
        gap=relative_gap(best.objective, bound),
        build_seconds=build_seconds,
        solve_seconds=time.perf_counter() - t0,
        options={**options.as_dict(), "time_limit": budget, "deterministic_time": clock.work},
        message=f"large-neighbourhood search: {clock.steps} neighbourhoods, {clock.improved} improving",
    )
    return result, best.solver


class _Clock:
    """The budget, in wall-clock or deterministic seconds, and the search's counters."""

    def __init__(self, deterministic: bool, budget: float | None) -> None:
        self.deterministic = deterministic
        self.budget = budget
        self.used = 0.0
        self.work = 0.0  # deterministic time of every call, whatever the budget counts
        self.start = time.monotonic()
        self.steps = 0
        self.improved = 0

    def spend(self, solver: cp_model.CpSolver) -> None:
        self.used += solver.deterministic_time if self.deterministic else solver.wall_time
        self.work += solver.deterministic_time

    def left(self) -> float | None:
        if self.budget is None:
            return None
        spent = self.used if self.deterministic else time.monotonic() - self.start
        return max(self.budget - spent, 0.0)

    def share(self, fraction: float) -> float | None:
        """Limit for a call given ``fraction`` of the whole budget (never more than what is left)."""
        left = self.left()
        if left is None or self.budget is None:
            return left
        return min(left, fraction * self.budget) if fraction < 1 else left


def _call_options(options: SolveOptions, clock: _Clock, limit: float | None) -> SolveOptions:
    extra = dict(options.extra)
    if clock.deterministic:
        if limit is not None:
            extra["max_deterministic_time"] = float(limit)
        if (options.threads or 2) > 1:
            extra.setdefault("interleave_search", True)
        return dataclasses.replace(options, time_limit=None, extra=extra)
    return dataclasses.replace(options, time_limit=limit, extra=extra)


def _full_solve(
    rm: RosterModel,
    options: SolveOptions,
    clock: _Clock,
    fraction: float,
    hint: dict[Any, int] | None,
    solution: list[int] | None = None,
) -> tuple[SolveResult, Any]:
    """The whole model for ``fraction`` of the budget left, from ``hint`` (assignments) or
    ``solution`` (every variable: a complete hint)."""
    model = rm.model.clone()
    limit = _call_options(options, clock, clock.share(fraction))
    result, solver = solve_cpsat(model, limit, hint=hint, solution=solution)
    clock.spend(solver)
    return result, solver


def auto_search(inp: RosterInput, staff_limit: int = AUTO_LINES_STAFF) -> str:
    """The search ``search: auto`` uses for ``inp``: ``"lines"`` when every cover row is soft (no
    hard minimum: ``minimum`` 0; no hard maximum: ``maximum`` -1) and there are at most
    ``staff_limit`` people, else ``"cpsat"``.

    Why: column generation's master is then never infeasible nor degenerate on exact cover rows,
    and its LP over lines is tight (within 0.2 % of the best known on Curtois & Qu Instances 2-7);
    with hard exact cover (the bundled ``lsc-sact-nurses`` and ``lsc-registrar-oncall``) it did
    not converge in 60 s and CP-SAT's rota was better. Above :data:`AUTO_LINES_STAFF` people
    nothing was measured (``benchmarks/results/roster_search.md``, ``shift/``)."""
    cover = inp.cover
    soft = bool(len(cover)) and bool((cover["minimum"] <= 0).all() and (cover["maximum"] < 0).all())
    return "lines" if soft and len(inp.staff) <= staff_limit else "cpsat"


def person_input(inp: RosterInput, staff_id: str) -> RosterInput:
    """``inp`` restricted to one person: their rows of every per-person table, and no cover.

    Without cover rows the person's model has no shift variables, so each "line" is days off
    throughout and the first hint is an empty rota. Lines with every shift allowed (free cover
    rows) were tried on ``lsc-sact-nurses`` and found no rota in 12 deterministic seconds (the
    lines break the hard minimum cover), against a rota from the empty hint; not kept."""

    one = person_rota_input(inp, staff_id)
    return one.replace(cover=one.cover.iloc[0:0])


def first_lines(
    rm: RosterModel, options: SolveOptions, clock: _Clock, seconds: float
) -> dict[Any, int] | None:
    """A hint for every ``x[p, d, s]``: each person's best line of work found alone in
    ``seconds`` (their own rules and requests; no cover, fairness or other coupling rule).
    People without a line in the time are left out of the hint; None if the search must stop."""
    hint: dict[Any, int] = {}
    single = dataclasses.replace(options, threads=1)
    for p, staff_id in enumerate(rm.staff):
        if options.should_stop():
            return None
        own = build_roster_model(person_input(rm.inp, str(staff_id)), rm.params)
        left = clock.left()
        limit = seconds if left is None else min(seconds, left)
        result, solver = solve_cpsat(own.model, _call_options(single, clock, limit))
        clock.spend(solver)
        if not result.has_plan:
            continue
        solution = solver.response_proto.solution
        for (_, d, s), var in own.x.items():
            if (p, d, s) in rm.x:
                hint[rm.x[(p, d, s)]] = int(solution[var.index])
    return hint


def _values(rm: RosterModel, solver: cp_model.CpSolver) -> dict[tuple[int, int, str], int]:
    solution = solver.response_proto.solution
    return {k: int(solution[v.index]) for k, v in rm.x.items()}


def _search(
    rm: RosterModel, options: SolveOptions, clock: _Clock, settings: LnsSettings, best: _Incumbent
) -> _Incumbent:
    """Phase 2: neighbourhoods until only ``polish_share`` of the budget is left."""
    rng = random.Random(options.seed)
    fraction = settings.start_fraction
    reserve = settings.polish_share * clock.budget if clock.budget is not None else 0.0
    people = len(rm.staff)
    while not options.should_stop():
        left = clock.left()
        if left is not None and left <= reserve:
            break
        aimed = settings.aimed_every > 0 and clock.steps % settings.aimed_every == settings.aimed_every - 1
        if aimed and best.breaches is None:
            best.breaches = _breaches(rm, best.solver)
        if aimed and best.breaches:
            free = _aimed(rm, rng.choice(best.breaches), fraction)
        else:
            free = _neighbourhood(rm, rng, clock.steps, fraction, people)
        limit = settings.step_seconds if left is None else min(settings.step_seconds, left - reserve)
        model = rm.narrowed({key: value for key, value in best.values.items() if key not in free})
        step = dataclasses.replace(
            options,
            threads=settings.step_workers,
            extra={k: v for k, v in options.extra.items() if k != "linearization_level"},
        )
        # every variable: the incumbent is the step's first rota at once
        result, solver = solve_cpsat(model, _call_options(step, clock, limit), solution=best.solution)
        clock.spend(solver)
        clock.steps += 1
        if result.has_plan and float(solver.objective_value) <= best.objective:
            if float(solver.objective_value) < best.objective:
                clock.improved += 1
            best = _Incumbent(_values(rm, solver), float(solver.objective_value), solver, rm.solution(solver))
        if result.status is Status.OPTIMAL:
            fraction = min(fraction * settings.grow, settings.max_fraction)
        else:
            fraction = max(fraction / settings.grow, settings.min_fraction)
    return best


def _neighbourhood(
    rm: RosterModel, rng: random.Random, step: int, fraction: float, people: int
) -> set[tuple[int, int, str]]:
    """The assignments relaxed at ``step``: a random set of people (even steps) or a window of
    days for every person (odd steps), each ``fraction`` of the whole (at least one)."""
    days = rm.inp.days
    if step % 2 == 0 or days < 2:
        chosen = set(rng.sample(range(people), max(1, min(people, round(fraction * people)))))
        return {k for k in rm.x if k[0] in chosen}
    width = max(2, min(days, round(fraction * days * 2)))
    first = rng.randrange(0, days - width + 1)
    return {k for k in rm.x if first <= k[1] < first + width}


def _breaches(rm: RosterModel, solver: cp_model.CpSolver) -> list[tuple[int, int]]:
    """``(person, day)`` of every penalty term the rota in ``solver`` breaks that names one person
    and one date (an isolated working day, a request, a run too long), in the terms' order."""
    person = {str(staff_id): p for p, staff_id in enumerate(rm.staff)}
    found = []
    for term in rm.terms:
        if term.date is None or term.staff not in person or isinstance(term.amount, int):
            continue
        if solver.value(term.amount) > 0:
            found.append((person[term.staff], (term.date - rm.inp.first_date).days))
    return found


def _aimed(rm: RosterModel, breach: tuple[int, int], fraction: float) -> set[tuple[int, int, str]]:
    """The assignments relaxed to repair ``breach`` (person ``p``, day ``d``): all of ``p``'s (their
    hours and weekends move elsewhere) and every person's within ``max(2, fraction * days / 2)``
    days either side of ``d`` (who takes the shifts)."""
    p, d = breach
    half = max(2, round(fraction * rm.inp.days / 2))
    return {k for k in rm.x if k[0] == p or abs(k[1] - d) <= half}
