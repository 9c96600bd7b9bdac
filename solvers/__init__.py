"""Backend layer: one interface over HiGHS (highspy and pyomo), other pyomo MILP solvers, and CP-SAT.

Nothing here knows about the NHS: models hand in a :class:`MatrixModel`, a pyomo model or a
CP-SAT model and receive a :class:`SolveResult`.  Every backend call ends by the shared deadline
of :class:`SolveOptions` and at a stop request (:mod:`solvers.interrupt`), keeping its best plan.
"""

from solvers.cpsat import solve_cpsat
from solvers.highs_direct import solve_matrix
from solvers.interrupt import request_stop, stop_on_signals, stop_requested
from solvers.matrix import MatrixModel
from solvers.options import SolveOptions
from solvers.progress import staged
from solvers.pyomo_backend import PYOMO_BACKENDS, pyomo_backend_available, solve_pyomo
from solvers.pyomo_matrix import solve_matrix_pyomo, solve_model
from solvers.result import SolveResult, Status, relative_gap

__all__ = [
    "PYOMO_BACKENDS",
    "MatrixModel",
    "SolveOptions",
    "SolveResult",
    "Status",
    "available_backends",
    "pyomo_backend_available",
    "relative_gap",
    "request_stop",
    "solve_cpsat",
    "solve_matrix",
    "solve_matrix_pyomo",
    "solve_model",
    "solve_pyomo",
    "staged",
    "stop_on_signals",
    "stop_requested",
]


def available_backends() -> list[str]:
    """MILP backends usable here: ``highs`` (direct), then ``pyomo-<name>`` for each reachable one."""
    names = ["highs"]
    names += [f"pyomo-{name}" for name in PYOMO_BACKENDS if pyomo_backend_available(name)]
    return names
