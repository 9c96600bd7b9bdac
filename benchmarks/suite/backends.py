"""Which backends the suite knows, and which of them are installed here (with the reason if not).

Names follow the engine's: ``highs`` (HiGHS through the direct, vectorised highspy path),
``pyomo-highs``, ``pyomo-cbc``, ``pyomo-glpk``, ``pyomo-scip`` (pyomo to each MILP solver),
``cpsat`` (OR-Tools CP-SAT), and ``spopt-pulp-cbc`` (pysal spopt's own p-median built with PuLP
and solved by PuLP's bundled CBC: a peer's approach, for comparison on p-median cases only).
"""

from __future__ import annotations

from functools import cache
from typing import Any

MILP_BACKENDS = ("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk", "pyomo-scip")
CPSAT = "cpsat"
SPOPT = "spopt-pulp-cbc"
KNOWN_BACKENDS = (*MILP_BACKENDS, CPSAT, SPOPT)


@cache
def unavailable_reason(name: str) -> str | None:
    """None when backend ``name`` can run here, else why not (in a user's words)."""
    if name not in KNOWN_BACKENDS:
        return f"unknown backend {name!r} (known: {', '.join(KNOWN_BACKENDS)})"
    if name == "highs":
        return _import_reason("highspy", "highspy is not installed")
    if name.startswith("pyomo-"):
        from solvers import pyomo_backend_available

        solver = name.removeprefix("pyomo-")
        if pyomo_backend_available(solver):
            return None
        return f"{name} skipped: the {solver} solver is not installed (pyomo cannot reach it)"
    if name == CPSAT:
        return _import_reason("ortools.sat.python.cp_model", "OR-Tools is not installed")
    import importlib.util

    # found, not imported: spopt pulls in geopandas and scikit-learn, seconds to import
    if importlib.util.find_spec("spopt") is None or importlib.util.find_spec("pulp") is None:
        return f"{name} skipped: spopt is not installed (pip install spopt)"
    if not bundled_cbc(msg=False).available():
        return f"{name} skipped: PuLP's bundled CBC is not available on this platform"
    return None


def bundled_cbc(**kwargs: Any) -> Any:
    """PuLP's ``PULP_CBC_CMD`` (the CBC shipped inside PuLP), as spopt's documentation uses.

    PuLP 3 marks it deprecated in favour of a separately installed CBC; the warning says
    nothing about this use, so it is silenced here alone.
    """
    import warnings

    import pulp

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PULP_CBC_CMD is deprecated", category=DeprecationWarning)
        return pulp.PULP_CBC_CMD(**kwargs)


def installed_backends() -> list[str]:
    """Every known backend that can run here, in :data:`KNOWN_BACKENDS` order."""
    return [name for name in KNOWN_BACKENDS if unavailable_reason(name) is None]


def _import_reason(module: str, reason: str) -> str | None:
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        return reason
    return None
