"""Ablation of the ``lines`` search (:func:`models.roster.price_and_branch.lines_solve`) on one
Curtois & Qu instance, on the wall clock, with the time and CPU of each phase.

Usage (from the repository root; one JSON line printed)::

    python benchmarks/scripts/roster_lines_ablation.py FOLDER/Instance12.txt 60
    python benchmarks/scripts/roster_lines_ablation.py FOLDER/Instance12.txt 60 early_share=0 repair_share=0

``key=value`` overrides a :class:`~models.roster.price_and_branch.LinesSettings` field. Two
threads, seed 0. Printed: the penalty and bound, wall and CPU seconds (``time.process_time``,
every thread), the load average at the start and end, the column generation's record, and
``phases``: (phase, wall s, CPU s) for each call of the first/polish CP-SAT solve, column
generation, dive, MIP and repair, in order.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import models.roster.price_and_branch as pab
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.solve import build_roster_model
from solvers import SolveOptions

PHASES = ("solve_cpsat", "generate_columns", "dive", "rota_from_columns", "repair")


def _setting(key: str, text: str) -> Any:
    kind = str(pab.LinesSettings.__dataclass_fields__[key].type)
    if kind == "bool":
        return text == "True"
    return int(text) if kind == "int" else float(text) if kind == "float" else text


def _timed(name: str, phases: list[tuple[str, float, float]]) -> None:
    call = getattr(pab, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        out = call(*args, **kwargs)
        phases.append((name, round(time.perf_counter() - t, 1), round(time.process_time() - c, 1)))
        return out

    setattr(pab, name, timed)


def main(argv: list[str]) -> None:
    path, limit = Path(argv[0]), float(argv[1])
    settings = pab.LinesSettings(**{k: _setting(k, v) for k, v in (pair.split("=") for pair in argv[2:])})
    phases: list[tuple[str, float, float]] = []
    for name in PHASES:
        _timed(name, phases)
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    rm = build_roster_model(to_roster_input(read_instance(path)))
    result, _, record = pab.lines_solve(rm, SolveOptions(time_limit=limit, threads=2), settings=settings)
    print(
        json.dumps(
            {
                "instance": path.stem,
                "settings": " ".join(argv[2:]),
                "penalty": result.objective,
                "bound": result.bound,
                "wall": round(time.perf_counter() - t0, 1),
                "cpu": round(time.process_time() - c0, 1),
                "load": [round(load, 1), round(os.getloadavg()[0], 1)],
                **record,
                "phases": phases,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
