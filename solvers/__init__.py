"""Backend layer: one interface over HiGHS (highspy and pyomo), other pyomo MILP solvers, and CP-SAT.

Nothing here knows about the NHS: models hand in a :class:`MatrixModel`, a pyomo model or a
CP-SAT model and receive a :class:`SolveResult`.
"""

from solvers.cpsat import solve_cpsat
from solvers.highs_direct import solve_matrix
from solvers.matrix import MatrixModel
from solvers.options import SolveOptions
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
    "solve_cpsat",
    "solve_matrix",
    "solve_matrix_pyomo",
    "solve_model",
    "solve_pyomo",
]


def available_backends() -> list[str]:
    """MILP backends usable here: ``highs`` (direct), then ``pyomo-<name>`` for each reachable one."""
    names = ["highs"]
    names += [f"pyomo-{name}" for name in PYOMO_BACKENDS if pyomo_backend_available(name)]
    return names
