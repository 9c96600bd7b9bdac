"""``search: cpsat`` in two phases: first with chosen soft rules hard, then the whole model.

Formulation. Phase 1 solves the model :func:`models.roster.build.build_roster_model` builds with
every penalty term of the rule families in :attr:`RosterParameters.first_hard` constrained to 0
(``amount == 0``), so a rota of phase 1 is a rota of the instance that never breaks those rules;
it has :attr:`RosterParameters.first_hard_share` of the budget. Phase 2 solves the whole model
(unchanged) for the rest, hinted with phase 1's whole solution (every variable, the auxiliary
ones too: a solution of the whole model, which CP-SAT takes as its first as soon as its presolve
ends; given only the rota's assignments it must complete the rest by search, and on a generated
40 x 56 ward its 4.75 units found no rota at all), else with the caller's hint. Phase 1's
bound holds for the hardened model only and is never reported: the bound is phase 2's. When the
instance has no soft term of those families (or they are hard already) there is one phase, the
whole model for the whole budget, exactly as before. When phase 1 finds no rota (the hardened
model is infeasible, which CP-SAT usually proves at once, or none in :data:`GIVE_UP` of its
part of the time limit, when it ends) phase 2 starts from the caller's hint with the rest of the
budget; when the caller gave none, the legal rota of ``rescue`` (the search's construction,
:func:`models.roster.solve`) is built first and returned when phase 2 finds no better one:
without it the reproducible search on a generated 40 x 56 ward (seed 1) ended with no rota at
all, phase 2's first rota arriving after its 24 s. It is not phase 2's hint: a poor start
biases the search (the whole model hinted with it gave 8,405 on the generator's seed 0, where
the search alone gives 1,295). A phase 1 that gave up (no rota, none proven) also hands phase 2
the interleaved subsolvers :data:`GAVE_UP_SUBSOLVERS`, which find a first rota sooner there.
When both phases of a reproducible search spend their deterministic budget without a rota (a
short limit) and the wall clock has time left, the whole model is searched again by the wall
clock alone until the deadline (:data:`LAST_TRY_SECONDS`), reported ``cut``.
The better of the two phases' rotas is returned (phase 2 may not reach, or keep, its hint in its
time: a large model under load), with phase 2's bound.

Budget. In reproducible runs (``max_deterministic_time`` among ``options.extra``) the phases
share the deterministic limit: phase 1 gets ``first_hard_share`` of it and phase 2 what phase 1
left, so the two together stop where one search would, and a seed gives the same rota. Each
phase also gets its share of the wall-clock allowance, so that on a busy machine phase 2 still
runs; a phase 1 cut by that allowance short of its deterministic share is reported (``cut``), as
the rota may then differ between runs. Without a deterministic limit the shares are of the
wall-clock allowance.

Why (``benchmarks/results/roster_search.md``, 2026-12-03): on ``lsc-registrar-oncall`` the good
rotas (560-569 against a bound of 537) break no ``whole_weekends`` rule, while the whole model's
60-s search leaves 34 weekends broken (968); with ``whole_weekends`` hard for the first 80 % the same
12 deterministic units give 790. Hardening a rule the good rotas do break
(``min_consecutive_days`` on ``lsc-sact-nurses``) makes phase 1 infeasible, hence a short list.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Collection
from typing import Any

from models.roster.vars import RosterModel
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_cpsat, stop_requested

__all__ = ["hardened_model", "two_phase_solve"]

GIVE_UP = 0.5
"""Share of its part of the time limit after which phase 1, with no rota yet, ends (phase 2 gets
the rest). In reproducible runs this counts the limit's seconds, not deterministic units, so a
run that gives up may differ from the next: it is reported ``cut``. On a generated 40 x 56 ward
rota with ``whole_weekends``, ``fair_nights`` and ``fair_weekends`` hard, phase 1 found no rota in
its 80 % of 60 s twice in three runs, and phase 2 none in the 20 % left: no rota at all, where
the whole model alone finds one."""
GAVE_UP_SUBSOLVERS = ("no_lp",)
"""Phase 2's interleaved subsolvers when phase 1 gave up without a rota (neither found one nor
proved there is none), in place of the caller's. On the generated 40 x 56 ward (seed 1; 60 s,
two threads, reproducible) phase 1 gives up at 24 s and phase 2 with ``default_lp`` found no rota
in its 12.4 units, where with ``no_lp`` it reaches 2,907 (with both, 3,176; the constructed
fallback 10,721; racing 1,975). Not the default throughout: in the whole search ``no_lp`` gave
the bundled nurses 59 and registrars 572 against 57 and 552, Curtois & Qu Instance8 2,039 against
1,835 (``benchmarks/results/roster_search.md``, 2026-12-06 17:42-)."""
LAST_TRY_SECONDS = 0.5
"""Wall-clock seconds that must be left for the whole model to be searched again, by the wall
clock alone, when a reproducible search spent its deterministic budget without a rota: on
``lsc-sact-nurses`` with one worker and a 5-s limit both phases spent their 2 units in 1.4 s and
the run ended with no rota, where the whole model alone finds one in about 3 s."""
REACHED = 0.99
"""Share of its deterministic limit a phase must have spent to have stopped at it (as
:data:`models.roster.solve.DETERMINISTIC_REACHED`)."""


def hardened_model(rm: RosterModel, families: Collection[str]) -> tuple[Any, int]:
    """A copy of ``rm.model`` with every penalty term of ``families`` constrained to 0, and how many
    terms that constrains (0: nothing to harden). The copy has ``rm``'s variable indices, so its
    solver reads ``rm``'s variables."""
    model = rm.model.clone()
    count = 0
    for term in rm.terms:
        if term.rule in families and not isinstance(term.amount, int):
            model.add(term.amount == 0)
            count += 1
    return model, count


def two_phase_solve(
    rm: RosterModel,
    options: SolveOptions,
    families: Collection[str],
    share: float,
    *,
    hint: dict[Any, int] | None = None,
    build_seconds: float = 0.0,
    limit: float | None = None,
    rescue: Callable[[float | None], tuple[SolveResult, Any] | None] | None = None,
) -> tuple[SolveResult, Any, float, bool]:
    """Search ``rm`` in two phases (module docstring); return the result, the solver holding the
    rota (it reads ``rm``'s variables), the deterministic time of both phases, and whether phase 1
    was cut by the wall clock short of its deterministic share. ``limit``: the run's time limit
    as the user gave it (default ``options``' wall-clock allowance, which in reproducible runs is
    a backstop some times longer): phase 1 gives up at :data:`GIVE_UP` of ``share`` of it.
    ``rescue``: called only when phase 1 found no rota and there is no ``hint``, with the seconds
    left (None: no deadline); a result and a solver holding a legal rota of ``rm`` (or None),
    returned when phase 2 finds no better rota."""
    hard, count = hardened_model(rm, families) if share > 0 else (None, 0)
    if hard is None or count == 0:
        result, solver = solve_cpsat(rm.model, options, build_seconds=build_seconds, hint=hint)
        return result, solver, float(solver.deterministic_time), False
    t0 = time.perf_counter()
    options = options.with_deadline()  # both phases within the caller's wall-clock allowance
    allowed = options.call_limit()
    budget = options.extra.get("max_deterministic_time")
    extra = dict(options.extra)
    if budget is not None:
        extra["max_deterministic_time"] = share * float(str(budget))
    first = dataclasses.replace(
        options,
        time_limit=None if allowed is None else share * allowed,
        extra=extra,
        deadline=options.deadline,
    )
    nominal = allowed if limit is None else limit
    give_up = None if nominal is None else GIVE_UP * share * nominal
    first_result, first_solver = solve_cpsat(hard, first, hint=hint, give_up=give_up)
    used = float(first_solver.deterministic_time)
    cut = (
        budget is not None
        and first_result.status not in (Status.OPTIMAL, Status.INFEASIBLE)
        and used < REACHED * share * float(str(budget))
    )
    rest = dict(options.extra)
    if budget is not None:
        rest["max_deterministic_time"] = max(float(str(budget)) - used, 0.0)
    if first_result.status is Status.NO_SOLUTION and rest.get("interleave_search"):
        rest["subsolvers"] = list(GAVE_UP_SUBSOLVERS)
    second = dataclasses.replace(options, extra=rest)
    whole = rm.solution(first_solver) if first_result.has_plan else None
    fallback = rescue(options.remaining()) if whole is None and hint is None and rescue is not None else None
    result, solver = solve_cpsat(rm.model, second, build_seconds=build_seconds, hint=hint, solution=whole)
    used += float(solver.deterministic_time)
    if fallback is None and budget is not None and _spent_without_rota(result, second):
        result, solver = solve_cpsat(
            rm.model, _wall_clock_only(second), build_seconds=build_seconds, hint=hint
        )
        used += float(solver.deterministic_time)
        cut = True  # the rota, if any, is the wall clock's: it may differ from run to run
    seconds = time.perf_counter() - t0
    note = f"; first phase with {', '.join(sorted(families))} hard: {_outcome(first_result)}"
    if fallback is not None:
        held, held_solver = fallback
        if not result.has_plan or _score(rm, held_solver) < _score(rm, solver):
            words = "stopped at its limit" if result.status is Status.NO_SOLUTION else result.message
            words += "; the rota is the one constructed window by window, the whole model found none better"
            result, solver = _holding(rm, result, held_solver, result, solver, words), held_solver
    first_seconds = first_result.first_solution_seconds or result.first_solution_seconds
    if first_result.has_plan and (not result.has_plan or _score(rm, first_solver) < _score(rm, solver)):
        # phase 1's rota (CP-SAT did not reach or keep its hint in phase 2's time); the bound is
        # phase 2's, which holds for the whole model (phase 1's holds for the hardened one only)
        words = f"{result.message} (the first phase's rota is better){note}"
        result = _holding(rm, first_result, first_solver, result, solver, words)
        result, solver = dataclasses.replace(result, build_seconds=build_seconds), first_solver
    else:
        result = dataclasses.replace(result, message=result.message + note)
    result = dataclasses.replace(result, first_solution_seconds=first_seconds)
    return dataclasses.replace(result, solve_seconds=seconds, options=options.as_dict()), solver, used, cut


def _spent_without_rota(result: SolveResult, options: SolveOptions) -> bool:
    """Whether a reproducible search spent its deterministic budget with no rota while at least
    :data:`LAST_TRY_SECONDS` of the wall clock are left (and no stop was asked for)."""
    left = options.remaining()
    return (
        result.status is Status.NO_SOLUTION
        and not stop_requested()
        and not (options.cancel is not None and options.cancel.is_set())
        and (left is None or left >= LAST_TRY_SECONDS)
    )


def _wall_clock_only(options: SolveOptions) -> SolveOptions:
    """``options`` without their deterministic limit: the call runs to the deadline."""
    extra = {k: v for k, v in options.extra.items() if k != "max_deterministic_time"}
    return dataclasses.replace(options, time_limit=None, extra=extra)


def _holding(
    rm: RosterModel, base: SolveResult, holder: Any, whole: SolveResult, whole_solver: Any, message: str
) -> SolveResult:
    """``base`` for the rota ``holder`` holds (feasible, its exact penalty), with the bound of the
    whole model's search ``whole`` (phase 2's: it holds for the whole model) and ``message``."""
    bound = whole.bound if whole.has_plan else _bound(whole_solver)
    objective = float(_score(rm, holder))
    return dataclasses.replace(
        base,
        status=Status.FEASIBLE,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        message=message,
    )


def _score(rm: RosterModel, solver: Any) -> int:
    """The exact penalty of the rota ``solver`` holds."""
    return rm.penalty_of(solver.value)


def _bound(solver: Any) -> float | None:
    """CP-SAT's proven bound of a search that found no rota (None if it proved none)."""
    bound = float(solver.best_objective_bound)
    return bound if math.isfinite(bound) else None


def _outcome(result: SolveResult) -> str:
    if result.has_plan:
        return f"rota of {result.objective:g}"
    return "infeasible" if result.status is Status.INFEASIBLE else "no rota"
