"""Ablation of the rota model's search on one Curtois & Qu instance, in CP-SAT deterministic time.

Usage (from the repository root, one line of CSV printed)::

    python benchmarks/scripts/roster_search_ablation.py FOLDER/Instance5.txt cpsat 8
    python benchmarks/scripts/roster_search_ablation.py FOLDER/Instance5.txt lns 8 step_seconds=0.3

``cpsat``: one reproducible whole-model solve (deterministic limit, interleaved workers, as
``models.roster.solve`` with a worker count); ``lns``: :func:`models.roster.search.lns_solve` with
:class:`~models.roster.search.LnsSettings` overridden by ``key=value``. Two workers, seed 0; the
wall-clock backstop is lifted (3000 s), so results do not depend on the machine's load.
Columns: instance, search, limit, settings, objective, bound, wall seconds, message.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

import models.roster.search as search
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.parameters import RosterParameters
from models.roster.solve import build_roster_model, solver_options
from solvers import SolveOptions, solve_cpsat

INTEGER_SETTINGS = ("step_workers", "linearization_level", "aimed_every")


def main(argv: list[str]) -> None:
    path, kind, limit = Path(argv[0]), argv[1], float(argv[2])
    settings: dict[str, Any] = {}  # LnsSettings fields from the command line: bool, float or int
    for pair in argv[3:]:
        key, value = pair.split("=")
        settings[key] = value == "True" if value in ("True", "False") else float(value)
        if key in INTEGER_SETTINGS:
            settings[key] = int(settings[key])
    rm = build_roster_model(to_roster_input(read_instance(path)))
    base = SolveOptions(time_limit=limit, threads=2, seed=0)
    t0 = time.monotonic()
    if kind == "cpsat":
        options = dataclasses.replace(solver_options(RosterParameters(), base), time_limit=None)
        result, _ = solve_cpsat(rm.model, options.with_deadline(3000))
    else:
        settings_ = search.LnsSettings(**settings)
        result, _ = search.lns_solve(rm, base.with_deadline(3000), deterministic=True, settings=settings_)
    print(
        f"{path.stem},{kind},{limit:g},{' '.join(argv[3:])},{result.objective},{result.bound},"
        f"{time.monotonic() - t0:.0f},{result.message[:60]}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
