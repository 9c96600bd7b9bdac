"""The state a staged MILP search shares between its stages: one model, one clock, the valid bound
and the best plan so far (a relaxation gives the bound, restricted models and the whole model
offer plans). Used by the priced paths of :mod:`models.sact.large` and :mod:`models.rollout.large`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from solvers.matrix import MatrixModel
from solvers.options import SolveOptions
from solvers.result import SolveResult, Status, relative_gap


@dataclass
class StagedSearch:
    """The whole model, its options and clock, the valid ``bound`` and the best plan ``best_x``.

    ``exact``: a stage solved the whole model to the asked gap (the plan is then optimal whatever
    the bound). ``progress(seconds, objective, bound)`` hears of plans through :meth:`report`.
    """

    model: MatrixModel
    options: SolveOptions
    build_seconds: float = 0.0
    progress: Any = None
    t0: float = field(default_factory=time.perf_counter)
    notes: list[str] = field(default_factory=list)
    bound: float | None = None
    best_x: np.ndarray | None = None
    best_obj: float | None = None
    exact: bool = False

    def left(self) -> float | None:
        """Seconds left: the search's own time limit less the time spent, and never past the deadline."""
        limit = self.options.time_limit
        own = None if limit is None else float(limit) - (time.perf_counter() - self.t0)
        shared = self.options.remaining()
        return shared if own is None else own if shared is None else min(own, shared)

    def options_for(self, reserve: float = 0.0) -> SolveOptions | None:
        """Options for a stage with the time left less ``reserve``; None when too little is left, or
        when the search must stop (Ctrl-C, the deadline: the best plan in hand is the answer, and a
        stage would only build its model to return it)."""
        if self.options.should_stop():
            return None
        rest = self.left()
        if rest is not None:
            rest -= reserve
            if rest <= 0.05:
                return None
        return replace(self.options, time_limit=rest)

    def stop_at(self) -> float | None:
        """The objective at which the asked gap is met against the valid bound."""
        if self.bound is None or not np.isfinite(self.bound):
            return None
        return target_objective(self.bound, self.options.gap)

    def gap_met(self) -> bool:
        gap = relative_gap(self.best_obj, self.bound)
        return gap is not None and gap <= self.options.gap + 1e-12

    def offer(self, x: np.ndarray) -> bool:
        """Keep the full point ``x`` if it is the best plan so far; True if it is."""
        value = self.model.objective_value(x)
        if self.best_obj is None or value < self.best_obj:
            self.best_x, self.best_obj = x, value
            return True
        return False

    def report(
        self, seconds: float = 0.0, objective: float | None = None, sub_bound: float | None = None
    ) -> None:
        """Tell ``progress`` of a plan's ``objective`` (default the best) against the valid bound; the
        signature of a solver's progress callback, whose own seconds and bound are not the search's."""
        if self.progress is not None:
            shown = self.best_obj if objective is None else objective
            self.progress(time.perf_counter() - self.t0, shown, self.bound)

    def result(self, status: Status | None = None) -> tuple[SolveResult, np.ndarray | None]:
        """The result against the valid bound (``status`` given, e.g. infeasible: the plan dropped)."""
        x, objective, bound = self.best_x, self.best_obj, self.bound
        if status is None:
            if x is None:
                status = Status.NO_SOLUTION
            else:
                if bound is not None and objective is not None:
                    bound = min(bound, objective)  # an LP bound a hair above the plan is rounding
                status = Status.OPTIMAL if self.exact or self.gap_met() else Status.FEASIBLE
        else:
            x = objective = bound = None
        result = SolveResult(
            status=status,
            objective=objective,
            bound=bound,
            gap=relative_gap(objective, bound),
            build_seconds=self.build_seconds,
            solve_seconds=time.perf_counter() - self.t0,
            backend="highs",
            message="; ".join(self.notes),
            options=self.options.as_dict(),
        )
        return result, x


def target_objective(bound: float, gap: float) -> float:
    """The largest objective whose gap to ``bound`` is at most ``gap`` (relative to the objective)."""
    if bound >= 0:
        return bound / (1.0 - gap) if gap < 1.0 else np.inf
    return bound / (1.0 + gap)
