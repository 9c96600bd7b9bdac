"""Any :class:`MatrixModel` as a pyomo model: one formulation, every pyomo backend.

Each formulation is written once, as blocks of arrays (:mod:`solvers.matrix`).  HiGHS takes the
arrays straight (:func:`solvers.highs_direct.solve_matrix`); CBC, GLPK, SCIP and pyomo's own
HiGHS interface take the pyomo model built here from the same arrays, so a constraint changed in
the formulation changes for every backend at once.  Every variable block becomes an indexed
``Var`` and every constraint block an indexed ``Constraint`` of the same name, so LP files and
logs keep the formulation's names (``assign[17]``, ``capacity[3]``).  Lazy rows are valid rows
(they only strengthen the relaxation), so they are added as ordinary constraints.

Building expressions row by row is Python work proportional to the non-zeros: fine for the small
and medium models that reach the legacy solvers; large models go to HiGHS direct.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

import numpy as np

from solvers.matrix import MatrixModel
from solvers.options import SolveOptions
from solvers.pyomo_backend import solve_pyomo
from solvers.result import SolveResult

_NOT_NAME = re.compile(r"[^0-9A-Za-z_]")


def component_name(block: str) -> str:
    """A pyomo component name for block ``block`` (letters, digits and underscores)."""
    name = _NOT_NAME.sub("_", block)
    return name if name and not name[0].isdigit() else f"b_{name}"


def _bound(value: float) -> float | None:
    return None if math.isinf(value) else float(value)


def to_pyomo(model: MatrixModel) -> tuple[Any, list[Any]]:
    """The pyomo model of ``model`` and its variables in column order."""
    import pyomo.environ as pyo

    m = pyo.ConcreteModel(name=model.name)
    lower, upper, integer, cost = model.col_lower, model.col_upper, model.integer, model.cost
    columns: list[Any] = [None] * model.num_cols
    for name, block in model.variable_blocks.items():
        idx = block.index

        def bounds(_m: Any, i: int, idx: np.ndarray = idx) -> tuple[float | None, float | None]:
            return _bound(lower[idx[i]]), _bound(upper[idx[i]])

        def domain(_m: Any, i: int, idx: np.ndarray = idx) -> Any:
            return pyo.Integers if integer[idx[i]] else pyo.Reals

        var = pyo.Var(range(block.size), within=domain, bounds=bounds)
        m.add_component(component_name(name), var)
        for i in range(block.size):
            columns[block.start + i] = var[i]

    a = model.matrix_rows()
    _add_rows(m, "", model.constraint_blocks, a, model.row_lower, model.row_upper, columns)
    if model.num_lazy:
        pool, lo, up = model.lazy_pool()
        _add_rows(m, "lazy_", model.lazy_blocks, pool, lo, up, columns)
    nz = np.flatnonzero(cost)
    m.objective = pyo.Objective(
        expr=pyo.quicksum(float(cost[j]) * columns[j] for j in nz) + model.objective_offset,
        sense=pyo.minimize,
    )
    return m, columns


def _add_rows(
    m: Any,
    prefix: str,
    blocks: dict[str, Any],
    a: Any,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    columns: list[Any],
) -> None:
    import pyomo.environ as pyo

    indptr, indices, data = a.indptr, a.indices, a.data
    for name, block in blocks.items():

        def rule(_m: Any, i: int, start: int = block.start) -> Any:
            r = start + i
            lo, up = _bound(row_lower[r]), _bound(row_upper[r])
            terms = range(indptr[r], indptr[r + 1])
            if len(terms) == 0:
                ok = (lo is None or lo <= 1e-9) and (up is None or up >= -1e-9)
                return pyo.Constraint.Feasible if ok else pyo.Constraint.Infeasible
            if lo is None and up is None:
                return pyo.Constraint.Skip
            body = pyo.quicksum(float(data[k]) * columns[indices[k]] for k in terms)
            return (lo, body, up)

        m.add_component(prefix + component_name(name), pyo.Constraint(range(block.size), rule=rule))


def solve_matrix_pyomo(
    model: MatrixModel,
    backend: str,
    options: SolveOptions | None = None,
    *,
    build_seconds: float = 0.0,
    start: np.ndarray | None = None,
) -> tuple[SolveResult, np.ndarray | None]:
    """Solve ``model`` through pyomo with ``backend`` (``highs``, ``cbc``, ``glpk``, ``scip``).

    Returns the uniform result and the solution as a column vector (None without a plan), as
    :func:`solvers.highs_direct.solve_matrix` does.  ``start`` values are loaded into the
    variables (a warm start where the backend reads one).
    """
    t0 = time.perf_counter()
    m, columns = to_pyomo(model)
    if start is not None:
        for var, value in zip(columns, start, strict=True):
            var.set_value(float(value), skip_validation=True)
    result = solve_pyomo(m, backend, options, build_seconds=build_seconds + time.perf_counter() - t0)
    if not result.has_plan:
        return result, None
    x = np.array([0.0 if v.value is None else float(v.value) for v in columns])
    return result, x


def solve_model(
    model: MatrixModel,
    backend: str,
    options: SolveOptions | None = None,
    **kwargs: Any,
) -> tuple[SolveResult, np.ndarray | None]:
    """Solve with a backend name as the CLI spells it: ``highs`` (direct) or ``pyomo-<solver>``.

    Keyword arguments the pyomo path does not know (``progress``, ``stop_at``, ``relax``) are
    used by HiGHS direct only.
    """
    from solvers.highs_direct import solve_matrix

    if backend == "highs":
        return solve_matrix(model, options, **kwargs)
    if not backend.startswith("pyomo-"):
        raise ValueError(f"unknown backend {backend!r}")
    keep = {k: v for k, v in kwargs.items() if k in ("build_seconds", "start")}
    return solve_matrix_pyomo(model, backend.removeprefix("pyomo-"), options, **keep)
