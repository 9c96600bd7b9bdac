"""An objective's constant left out while solving and added back to what the solve reports.

Every plan pays the fixed cost and least chairs of the sites every plan opens (must-open, or
forced open: :func:`models.sact.matrix.open_in_every_plan`), so a solver's relative gap of the
whole cost reads smaller than the gap of the cost the plan decides: a must-open site at a fixed £1e12 made
£498,304 open on £5.4M decided a gap of 0.00 %, 'optimal'.  The SACT solve and the roll-out leave
such a constant out of the model they solve (so the solver stops at the asked gap of the cost the
plan decides), hear of plans and bounds with it (:func:`progress_plus`), report the objective and
bound with it (:func:`with_constant`), and give the gap in pounds beside its share of the cost the
plan decides (:func:`decided_gap`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from solvers import SolveResult


def progress_plus(progress: Any, constant: float) -> Any:
    """``progress`` hearing of plans and bounds with ``constant`` added (what the solve leaves out)."""
    if progress is None or constant == 0.0:
        return progress

    def heard(seconds: float, best: float | None, bound: float | None, **kw: Any) -> None:
        progress(
            seconds,
            None if best is None else best + constant,
            None if bound is None else bound + constant,
            **kw,
        )

    return heard


def with_constant(result: SolveResult, constant: float) -> SolveResult:
    """``result`` with ``constant`` added to its objective and bound; its gap stays the solver's,
    of the cost the plan decides."""
    if constant == 0.0:
        return result
    return replace(
        result,
        objective=None if result.objective is None else result.objective + constant,
        bound=None if result.bound is None else result.bound + constant,
    )


def decided_gap(result: SolveResult, fixed: float) -> dict[str, float | None] | None:
    """The gap in pounds (``absolute``: objective less bound) and as a share (``gap``) of
    ``decided_cost``, the objective less ``fixed``, the constant every plan pays; None without an
    objective or a bound."""
    if result.objective is None or result.bound is None:
        return None
    absolute = max(0.0, float(result.objective) - float(result.bound))
    decided = float(result.objective) - fixed
    return {
        "absolute": absolute,
        "decided_cost": decided,
        "gap": absolute / decided if decided > 1e-9 else None,
    }
