"""One vocabulary for every backend's outcome: :class:`Status` and :class:`SolveResult`."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field


class Status(enum.Enum):
    """What a solve ended with, whichever backend ran it."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a plan was found, optimality not proven (time or gap limit)
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NO_SOLUTION = "no_solution"  # limit reached or stop requested before any plan was found
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """Relative gap ``|objective - bound| / max(|objective|, 1e-9)``, as HiGHS defines it."""
    if objective is None or bound is None:
        return None
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return None
    diff = abs(objective - bound)
    if diff <= 1e-9:
        return 0.0
    return diff / max(abs(objective), 1e-9)


@dataclass(frozen=True)
class SolveResult:
    """Uniform outcome of a solve.

    Attributes
    ----------
    status : Status
    objective : float or None
        Objective of the best plan found, in the model's units (None without a plan).
    bound : float or None
        Best proven bound on the optimum (lower bound when minimising).
    gap : float or None
        Relative gap between ``objective`` and ``bound``.
    build_seconds, solve_seconds : float
        Wall-clock seconds to build the model and to solve it.
    backend : str
        Name of the backend that solved, e.g. ``"highs"`` or ``"pyomo-cbc"``.
    message : str
        The backend's own word on how it stopped.
    options : dict
        The options the solve ran with (:meth:`SolveOptions.as_dict`).
    interrupted : bool
        The solve was cut short by a stop request (Ctrl-C, SIGTERM or
        :func:`solvers.interrupt.request_stop`); its plan, if any, is the best found by then.
    first_solution_seconds : float or None
        Wall-clock seconds from the start of the solve to its first plan, when the backend
        reports it (CP-SAT); None otherwise or without a plan.
    """

    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    build_seconds: float
    solve_seconds: float
    backend: str
    message: str = ""
    options: dict[str, object] = field(default_factory=dict)
    interrupted: bool = False
    first_solution_seconds: float | None = None

    @property
    def has_plan(self) -> bool:
        return self.status.has_plan

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "build_seconds": round(self.build_seconds, 4),
            "solve_seconds": round(self.solve_seconds, 4),
            "backend": self.backend,
            "message": self.message,
            "options": dict(self.options),
            "interrupted": self.interrupted,
            "first_solution_seconds": (
                None if self.first_solution_seconds is None else round(self.first_solution_seconds, 4)
            ),
        }
