"""Solve an OR-Tools CP-SAT model and report it in the uniform result."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from solvers.interrupt import on_stop, stop_requested, stopped_early_message
from solvers.options import SolveOptions
from solvers.result import SolveResult, Status, relative_gap
from solvers.status_words import plain_words


def solve_cpsat(
    model: Any,
    options: SolveOptions | None = None,
    *,
    build_seconds: float = 0.0,
    hint: dict[Any, int] | None = None,
    solution: Sequence[int] | None = None,
    give_up: float | None = None,
    stop_at: float | None = None,
    despite_stop: bool = False,
) -> tuple[SolveResult, Any]:
    """Solve ``model`` (a ``cp_model.CpModel``); return the result and the solver for values.

    ``hint``: values of some variables to start from. ``solution``: a value for *every* variable
    of ``model``, in the order of its variables (e.g. a solution of a model with the same
    variables and more constraints); it replaces ``hint``. A complete hint that satisfies the
    model is CP-SAT's first solution as soon as presolve ends, where a partial one (the variables
    a caller knows) must first be completed by the search, which on a large model may not happen
    in the time.

    The search ends within ``options.call_limit()`` seconds (its time limit or the deadline,
    whichever is first), and at once on a stop request (:mod:`solvers.interrupt`), with the best
    plan found. The wall-clock seconds to the first solution are recorded
    (``SolveResult.first_solution_seconds``) by a solution callback that does nothing else.
    ``give_up``: wall-clock seconds after which a search that has found no solution yet stops
    (status ``NO_SOLUTION``; None: never); a search with a solution by then runs on, unchanged.
    ``stop_at``: the search stops at its first solution of this objective or better (minimising;
    status ``FEASIBLE``: the caller knows why it is enough, e.g. a bound proven elsewhere that a
    search without proofs, such as local search alone, never reaches by itself).
    ``despite_stop``: a stop request neither prevents nor ends this solve (still within its
    limit): for valuing a plan whose every decision the model fixes, which a caller keeps after
    Ctrl-C; CP-SAT with no time finds not even that plan.
    ``options.log_file``: CP-SAT's search log is appended to it (:func:`_logged`), and shown
    on the terminal only with ``options.verbose``.
    """
    from ortools.sat.python import cp_model

    options = options or SolveOptions()
    limit = options.call_limit()
    before = None
    if solution is not None or hint:  # the caller's model keeps its own hint (restored below)
        held = model.proto.solution_hint
        before = (list(held.vars), list(held.values))
    if solution is not None:
        model.clear_hints()
        given = model.proto.solution_hint
        given.vars.extend(range(len(solution)))
        given.values.extend(int(value) for value in solution)
    elif hint:
        model.clear_hints()
        for var, value in hint.items():
            model.add_hint(var, value)
    solver = cp_model.CpSolver()
    params = solver.parameters
    if limit is not None:
        params.max_time_in_seconds = max(float(limit), 0.0)
    params.relative_gap_limit = float(options.gap)
    params.num_workers = int(options.threads) if options.threads else 2
    params.random_seed = int(options.seed)
    params.log_search_progress = bool(options.verbose or options.log_file)
    params.log_to_stdout = bool(options.verbose)
    # Ctrl-C is this process's stop request (solvers.interrupt), not CP-SAT's: its own handler
    # would replace ours during the search, and the run could not tell it was interrupted.
    params.catch_sigint_signal = False
    for key, setting in options.extra.items():
        if isinstance(setting, (list, tuple)):  # repeated fields (e.g. subsolvers) are extended, not set
            field = getattr(params, key)
            field.clear()
            field.extend(setting)
        else:
            setattr(params, key, setting)
    if stop_requested() and not despite_stop:  # CP-SAT forgets a stop_search made before its solve
        params.max_time_in_seconds = 0.0
    first = _first_solution_timer(cp_model, stop_at)
    timer = None
    if give_up is not None:

        def stop_if_nothing() -> None:
            if first.seconds is None:
                solver.stop_search()

        timer = threading.Timer(max(give_up, 0.0), stop_if_nothing)
        timer.daemon = True
        timer.start()
    try:
        with _logged(solver, options.log_file), on_stop(solver.stop_search if not despite_stop else _ignore):
            code = solver.solve(model, first)
    finally:
        if timer is not None:
            timer.cancel()
        if before is not None:
            model.clear_hints()
            model.proto.solution_hint.vars.extend(before[0])
            model.proto.solution_hint.values.extend(before[1])
    solve_seconds = time.perf_counter() - first.t0
    status = {
        cp_model.OPTIMAL: Status.OPTIMAL,
        cp_model.FEASIBLE: Status.FEASIBLE,
        cp_model.INFEASIBLE: Status.INFEASIBLE,
        cp_model.MODEL_INVALID: Status.ERROR,
    }.get(code, Status.NO_SOLUTION)
    has_plan = status.has_plan
    has_objective = model.has_objective()
    objective = float(solver.objective_value) if has_plan and has_objective else (0.0 if has_plan else None)
    bound = float(solver.best_objective_bound) if has_plan and has_objective else objective
    if status is Status.OPTIMAL and bound is None:
        bound = objective  # OPTIMAL within ``relative_gap_limit`` keeps CP-SAT's own (lower) bound
    interrupted = status in (Status.FEASIBLE, Status.NO_SOLUTION) and stop_requested() and not despite_stop
    result = SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        backend="cpsat",
        message=stopped_early_message(has_plan) if interrupted else plain_words(solver.status_name(code)),
        options=options.as_dict(),
        interrupted=interrupted,
        first_solution_seconds=first.seconds if has_plan else None,
    )
    return result, solver


def _ignore() -> None:
    """A stop request's action for a solve that finishes despite it (``despite_stop``)."""


@contextmanager
def _logged(solver: Any, path: Path | None) -> Iterator[None]:
    """With ``path`` (``--log``), CP-SAT's search log appended to it, line by line, through the
    solver's ``log_callback``, while the solve runs: every CP-SAT call of a run, each starting
    with CP-SAT's own ``Starting CP-SAT solver`` line. Without ``path``, nothing."""
    if path is None:
        yield
        return
    with Path(path).open("a", encoding="utf-8") as handle:

        def write(line: str) -> None:
            handle.write(line + "\n")

        solver.log_callback = write
        yield


def _first_solution_timer(cp_model: Any, stop_at: float | None = None) -> Any:
    """A solution callback that notes the seconds from its creation to the first solution, and
    stops the search at a solution whose objective is ``stop_at`` or better."""

    class FirstSolution(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.t0 = time.perf_counter()
            self.seconds: float | None = None

        def on_solution_callback(self) -> None:
            if self.seconds is None:
                self.seconds = time.perf_counter() - self.t0
            if stop_at is not None and self.objective_value <= stop_at + 1e-9:
                self.stop_search()

    return FirstSolution()
