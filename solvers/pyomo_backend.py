"""Solve a pyomo model with HiGHS (pyomo's own HiGHS interface) or any installed MILP solver.

Backends are named ``"highs"`` (default), ``"cbc"``, ``"glpk"`` and ``"scip"``; the last three
are optional executables that pyomo drives when they are on the PATH.

Every solve ends within ``options.call_limit()`` seconds (its time limit or the deadline).  A stop
request (:mod:`solvers.interrupt`) ends pyomo's HiGHS at its next callback; the legacy solvers
are not started once it is set (Ctrl-C at a terminal reaches their process too, and they stop
themselves with their best plan).
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from solvers.highs_direct import new_highs
from solvers.highs_stop import MIN_TIME_LIMIT, HighsStop
from solvers.interrupt import INTERRUPTED_NO_PLAN, stop_requested, stopped_early_message
from solvers.options import SolveOptions
from solvers.result import SolveResult, Status, relative_gap
from solvers.status_words import plain_words

PYOMO_BACKENDS = ("highs", "cbc", "glpk", "scip")

# How each legacy solver spells the common options.
_LEGACY_OPTION_NAMES: dict[str, dict[str, str]] = {
    "cbc": {"time_limit": "sec", "gap": "ratio", "threads": "threads", "seed": "randomCbcSeed"},
    "glpk": {"time_limit": "tmlim", "gap": "mipgap"},
    "scip": {"time_limit": "limits/time", "gap": "limits/gap", "seed": "randomization/randomseedshift"},
}


FEASIBILITY_TOLERANCE = 1e-5


def point_violation(model: Any) -> float:
    """Largest violation of a bound, integrality or constraint by the values loaded in ``model``."""
    import pyomo.environ as pyo

    worst = 0.0
    for var in model.component_data_objects(pyo.Var, active=True):
        value = var.value
        if value is None:
            if not var.fixed:
                return math.inf
            continue
        if var.lb is not None:
            worst = max(worst, var.lb - value)
        if var.ub is not None:
            worst = max(worst, value - var.ub)
        if var.is_integer() or var.is_binary():
            worst = max(worst, abs(value - round(value)))
    for con in model.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body, exception=False)
        if body is None:
            return math.inf
        scale = max(1.0, abs(body))
        if con.has_lb():
            worst = max(worst, (pyo.value(con.lower) - body) / scale)
        if con.has_ub():
            worst = max(worst, (body - pyo.value(con.upper)) / scale)
    return worst


def pyomo_backend_available(name: str) -> bool:
    """Whether pyomo can reach backend ``name`` on this machine."""
    import pyomo.environ as pyo

    if name == "highs":
        from pyomo.contrib.solver.solvers.highs import Highs

        return bool(Highs().available())
    if name not in _LEGACY_OPTION_NAMES:
        return False
    try:
        return bool(pyo.SolverFactory(name).available(exception_flag=False))
    except Exception:
        return False


def solve_pyomo(
    model: Any,
    backend: str = "highs",
    options: SolveOptions | None = None,
    *,
    build_seconds: float = 0.0,
) -> SolveResult:
    """Solve ``model`` (a pyomo ConcreteModel with one objective) and load the best plan into it."""
    options = options or SolveOptions()
    if backend not in PYOMO_BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(PYOMO_BACKENDS)}")
    if not pyomo_backend_available(backend):
        raise RuntimeError(f"solver backend {backend!r} is not installed on this machine")
    if stop_requested() or options.remaining() == 0.0:
        return _not_started(backend, options, build_seconds)
    if backend == "highs":
        return _solve_highs(model, options, build_seconds)
    return _solve_legacy(model, backend, options, build_seconds)


def _not_started(backend: str, options: SolveOptions, build_seconds: float) -> SolveResult:
    interrupted = stop_requested()
    return SolveResult(
        status=Status.NO_SOLUTION,
        objective=None,
        bound=None,
        gap=None,
        build_seconds=build_seconds,
        solve_seconds=0.0,
        backend=f"pyomo-{backend}",
        message=INTERRUPTED_NO_PLAN if interrupted else "time limit reached before the solve started",
        options=options.as_dict(),
        interrupted=interrupted,
    )


def _interrupted(status: Status) -> bool:
    """Whether a solve that ended with ``status`` was cut short by a stop request."""
    return status in (Status.FEASIBLE, Status.NO_SOLUTION) and stop_requested()


def _claimed_bound(objective: float, reported: float | None, gap: float, maximise: bool) -> float:
    """The bound an "optimal" legacy solver has proven: within ``gap`` of its objective.

    A solver stopping as optimal under a relative gap ``g`` has a bound no further than ``g``
    times a scale from its objective: CBC's ``ratio`` is relative to the root relaxation's value,
    SCIP's to the smaller of primal and dual, GLPK's to the objective; ``max(|objective|,
    |reported|)`` covers them all.  Pyomo's CBC reader fills ``lower_bound`` with the root
    relaxation's value (seen 10 % below a plan CBC had proven within 1 %), so a reported bound
    further away than the claim allows is replaced by the bound the claim implies.
    """
    scale = max(abs(objective), abs(reported)) if reported is not None else abs(objective)
    implied = objective + (gap * scale if maximise else -gap * scale)
    if reported is None:
        return implied
    return min(reported, implied) if maximise else max(reported, implied)


def _sense_is_max(model: Any) -> bool:
    import pyomo.environ as pyo

    obj = next(model.component_data_objects(pyo.Objective, active=True))
    return obj.sense == pyo.maximize


def _quiet_interrupt(record: logging.LogRecord) -> bool:
    """Drop pyomo's warning about HiGHS's interrupt status: it is how a requested stop ends."""
    return "kInterrupt" not in record.getMessage()


def _stoppable_highs(end: float | None) -> Any:
    """Pyomo's HiGHS interface with the stop rules of :class:`solvers.highs_stop.HighsStop` attached."""
    from pyomo.contrib.solver.solvers.highs import Highs

    logging.getLogger("pyomo.contrib.solver.solvers.highs").addFilter(_quiet_interrupt)

    class StoppableHighs(Highs):
        def _solve(self) -> Any:
            # pyomo builds a fresh highspy object per solve (set_instance) and runs it here
            if getattr(self, "_solver_model", None) is not None:
                HighsStop(self._solver_model, end)
            return super()._solve()

    return StoppableHighs()


def _solve_highs(model: Any, options: SolveOptions, build_seconds: float) -> SolveResult:
    from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

    solver_options: dict[str, object] = {"random_seed": int(options.seed)}
    solver_options.update(options.extra)
    if options.log_file:
        solver_options["log_file"] = str(options.log_file)
    kwargs: dict[str, object] = {
        "load_solutions": False,
        "raise_exception_on_nonoptimal_result": False,
        "rel_gap": float(options.gap),
        "tee": bool(options.verbose),
        "solver_options": solver_options,
    }
    limit = options.call_limit()
    if limit is not None:
        kwargs["time_limit"] = max(float(limit), MIN_TIME_LIMIT)
    if options.threads is not None:
        kwargs["threads"] = int(options.threads)
    new_highs()  # keeps HiGHS's first-use banner off stdout
    t0 = time.perf_counter()
    res = _stoppable_highs(None if limit is None else time.monotonic() + limit).solve(model, **kwargs)
    solve_seconds = time.perf_counter() - t0
    tc = res.termination_condition
    has_solution = res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
    if has_solution:
        res.solution_loader.load_vars()
    if tc == TerminationCondition.convergenceCriteriaSatisfied and has_solution:
        status = Status.OPTIMAL
    elif tc == TerminationCondition.provenInfeasible:
        status = Status.INFEASIBLE
    elif tc == TerminationCondition.unbounded:
        status = Status.UNBOUNDED
    elif tc in (TerminationCondition.infeasibleOrUnbounded,) and not has_solution:
        status = Status.INFEASIBLE
    elif has_solution:
        status = Status.FEASIBLE
    elif tc == TerminationCondition.error:
        status = Status.ERROR
    else:
        status = Status.NO_SOLUTION
    objective = res.incumbent_objective if has_solution else None
    bound = res.objective_bound
    bound = float(bound) if bound is not None and math.isfinite(bound) else None
    if status is Status.OPTIMAL and bound is None:
        bound = objective
    interrupted = _interrupted(status)
    return SolveResult(
        status=status,
        objective=None if objective is None else float(objective),
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        backend="pyomo-highs",
        message=stopped_early_message(has_solution) if interrupted else plain_words(str(tc)),
        options=options.as_dict(),
        interrupted=interrupted,
    )


def _solve_legacy(model: Any, backend: str, options: SolveOptions, build_seconds: float) -> SolveResult:
    import pyomo.environ as pyo
    from pyomo.opt import SolutionStatus, TerminationCondition

    solver = pyo.SolverFactory(backend)
    names = _LEGACY_OPTION_NAMES[backend]
    limit = options.call_limit()
    values = {
        "time_limit": None if limit is None else (max(1, math.ceil(limit)) if backend == "glpk" else limit),
        "gap": options.gap,
        "threads": options.threads,
        "seed": options.seed,
    }
    for key, value in values.items():
        if value is not None and key in names:
            solver.options[names[key]] = (
                int(value)
                if key in ("threads", "seed") or backend == "glpk" and key == "time_limit"
                else value
            )
    for key, setting in options.extra.items():
        solver.options[key] = setting
    t0 = time.perf_counter()
    res = solver.solve(
        model,
        load_solutions=False,
        tee=bool(options.verbose),
        logfile=str(options.log_file) if options.log_file else None,
    )
    solve_seconds = time.perf_counter() - t0
    tc = res.solver.termination_condition
    has_solution = len(res.solution) > 0 and res.solution(0).status in (
        SolutionStatus.optimal,
        SolutionStatus.feasible,
        SolutionStatus.stoppedByLimit,
        SolutionStatus.other,
    )
    if has_solution:
        model.solutions.load_from(res)
        if tc != TerminationCondition.optimal and point_violation(model) > FEASIBILITY_TOLERANCE:
            # Stopped by a limit, some solvers report their last relaxation point, not a plan.
            has_solution = False
    if tc == TerminationCondition.optimal and has_solution:
        status = Status.OPTIMAL
    elif (
        tc in (TerminationCondition.infeasible, TerminationCondition.infeasibleOrUnbounded)
        and not has_solution
    ):
        status = Status.INFEASIBLE
    elif tc == TerminationCondition.unbounded:
        status = Status.UNBOUNDED
    elif has_solution:
        status = Status.FEASIBLE
    elif tc == TerminationCondition.error:
        status = Status.ERROR
    else:
        status = Status.NO_SOLUTION
    objective = None
    if has_solution:
        obj = next(model.component_data_objects(pyo.Objective, active=True))
        objective = float(pyo.value(obj))
    maximise = _sense_is_max(model)
    raw = res.problem.upper_bound if maximise else res.problem.lower_bound
    bound = float(raw) if raw is not None and math.isfinite(float(raw)) else None
    if status is Status.OPTIMAL and objective is not None:
        bound = _claimed_bound(objective, bound, options.gap or 0.0, maximise)
    interrupted = _interrupted(status)
    return SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        backend=f"pyomo-{backend}",
        message=stopped_early_message(has_solution) if interrupted else plain_words(str(tc)),
        options=options.as_dict(),
        interrupted=interrupted,
    )
