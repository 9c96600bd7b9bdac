"""How late the whole-model MILP of the SACT priced path (stage 4) ends against its time limit.

Usage (from the repository root, one JSON line printed per call)::

    PYTHONPATH=$PWD python benchmarks/scripts/sact_whole_model_deadline.py lsc-sact 6,8,10,12 0,1

The instance is solved as ``optimiser solve`` would (30 s), but when the search reaches its stage 4
(:func:`models.sact.large._whole_model_stage`) that stage is replaced by this experiment: the
whole model (every arc, the linking rows found so far as ordinary rows, the rest lazy), from the
best plan so far, is solved once for every time limit of the first list (seconds) and every
factor of the second (:data:`solvers.highs_direct.ROOT_ROUND_PER_LP_SECOND`, alternated within
each limit), each with a deadline that far ahead.  Printed per call: the factor, the time limit,
the seconds the call took and its lateness (took less limit, seconds; positive is an overrun),
the root cut loop's seconds, the objective and the bound (pounds a year), the status and the
one-minute load average.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import numpy as np

import models.sact.large as large
import solvers.highs_direct as highs_direct
from benchmarks.scripts.instance_argument import loaded_instance
from solvers import SolveOptions, solve_matrix
from solvers.search_state import StagedSearch


def experiment(limits: list[float], factors: list[float]) -> Any:
    """A stand-in for stage 4 that times the whole model's MILP under each limit and factor."""
    loop = highs_direct._root_cut_loop
    seconds: dict[str, float] = {}

    def timed_loop(h: Any, model: Any, stop: Any) -> tuple[int, float | None]:
        t0 = time.monotonic()
        try:
            return loop(h, model, stop)
        finally:
            seconds["loop"] = time.monotonic() - t0

    highs_direct._root_cut_loop = timed_loop

    def stage(run: StagedSearch, relaxation: Any) -> bool:
        model = run.model
        whole = model.restricted(
            np.ones(model.num_cols, dtype=bool), lazy_rows=relaxation.lazy_added, keep_lazy=True
        )
        preset = {**large.WHOLE_MODEL_OPTIONS, **large.WITH_PLAN_OPTIONS}
        for limit in limits:
            for factor in factors:
                highs_direct.ROOT_ROUND_PER_LP_SECOND = factor
                load = os.getloadavg()[0]
                options = SolveOptions(time_limit=limit, extra=preset).with_deadline()
                t0 = time.monotonic()
                result, _ = solve_matrix(whole, options, start=run.best_x, stop_at=run.stop_at())
                took = time.monotonic() - t0
                row = {
                    "factor": factor,
                    "limit": limit,
                    "took": round(took, 2),
                    "late": round(took - limit, 2),
                    "loop": round(seconds.get("loop", 0.0), 2),
                    "objective": None if result.objective is None else round(result.objective),
                    "bound": None if result.bound is None else round(result.bound),
                    "status": result.status.value,
                    "load": round(load, 2),
                }
                print(json.dumps(row), flush=True)
        return False

    return stage


def main() -> None:
    """``NAME LIMITS FACTORS`` (comma-separated lists)."""
    name, limits, factors = sys.argv[1], sys.argv[2], sys.argv[3]
    large._whole_model_stage = experiment(
        [float(x) for x in limits.split(",")], [float(x) for x in factors.split(",")]
    )
    loaded = loaded_instance(name)
    case = loaded.model_input
    assert loaded.kind.model is not None
    loaded.kind.model.solve(
        case.input, case.parameters, options=SolveOptions(time_limit=30.0).with_deadline()
    )


if __name__ == "__main__":
    main()
