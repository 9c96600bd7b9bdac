"""One ``search: lines`` run on a Curtois & Qu instance, with the lines search's settings overridden.

Usage (from the repository root, one JSON line printed)::

    PYTHONPATH=$PWD python benchmarks/scripts/lines_bandp.py 7 600
    PYTHONPATH=$PWD python benchmarks/scripts/lines_bandp.py 7 60 bandp_share=0.8 rule=certain

``key=value`` overrides a field of :class:`models.roster.price_and_branch.LinesSettings` or of
:class:`models.roster.branch_and_price.BranchSettings` (its ``bandp``). The run is
``models.roster.solve`` with ``search="lines"``, two threads, on the wall clock; the rota is
re-scored by the benchmark's own penalty function (``score``, ``legal``). Also printed: wall and
CPU seconds (``time.process_time``, every thread, and the ended pricing worker processes') and
the load average at the start and the end, and the column generation's record (``columns``:
bound, rounds, tree figures).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import resource
import sys
import time
from typing import Any

import models.roster
from models.roster.branch_and_price import BranchSettings
from models.roster.curtois_qu import read_instance, roster_from_assignments, score_roster, to_roster_input
from models.roster.parameters import RosterParameters
from models.roster.price_and_branch import LinesSettings, lines_solve
from solvers import SolveOptions
from tests.conftest import benchmark_file


def settings_of(pairs: list[str]) -> LinesSettings:
    """``key=value`` pairs as the lines search's settings (tree fields go to ``bandp``)."""
    lines: dict[str, Any] = {}
    tree: dict[str, Any] = {}
    for pair in pairs:
        key, text = pair.split("=", 1)
        target, default = (
            (tree, BranchSettings())
            if key in BranchSettings.__dataclass_fields__
            else (lines, LinesSettings())
        )
        kind = type(getattr(default, key))
        if kind is bool:
            target[key] = text.strip().lower() in ("1", "true", "yes")
        else:
            target[key] = text if kind is str else kind(text)
    return dataclasses.replace(LinesSettings(**lines), bandp=BranchSettings(**tree))


def _cpu() -> float:
    """CPU seconds of this process (every thread) and of its ended children (pricing workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> None:
    number, limit = argv[0], float(argv[1])
    settings = settings_of(argv[2:])

    def patched(rm: Any, options: SolveOptions, **kwargs: Any) -> Any:
        return lines_solve(rm, options, **{**kwargs, "settings": settings})

    # the module, not the package's function of the same name that ``import ... as`` would give
    setattr(importlib.import_module("models.roster.solve"), "lines_solve", patched)  # noqa: B010
    inst = read_instance(benchmark_file("shift-scheduling", f"Instance{number}.txt"))
    load = os.getloadavg()[0]
    cpu, wall = _cpu(), time.perf_counter()
    plan = models.roster.solve(
        to_roster_input(inst),
        RosterParameters(reproducible=False, search="lines"),
        options=SolveOptions(time_limit=limit, threads=2),
    )
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    rota = plan.assignments[["staff_id", "date", "shift_id"]]
    score = score_roster(inst, roster_from_assignments(inst, rota))
    result = plan.result
    print(
        json.dumps(
            {
                "instance": number,
                "limit": limit,
                "settings": argv[2:],
                "penalty": result.objective,
                "bound": result.bound,
                "status": result.status.name,
                "score": score.penalty,
                "legal": score.feasible,
                "wall": round(wall, 1),
                "cpu": round(cpu, 1),
                "load": [round(load, 1), round(os.getloadavg()[0], 1)],
                "columns": plan.columns,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
