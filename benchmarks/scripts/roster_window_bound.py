"""The window bound (:mod:`models.roster.window_bound`) of rotas, alone.

Usage (from the repository root; one line printed per rota)::

    python benchmarks/scripts/roster_window_bound.py 15x28 40x56 lsc-sact-nurses

Each argument is a generated ward (``STAFFxDAYS``, seed 0, as ``roster-scale`` generates it) or a
bundled rota instance, read as ``optimiser solve`` reads it. Two workers, at most 30 s each.
Printed: the rota, the bound, its constant part (the hours the cover leaves the contracts short),
the windows' part, whether every window was proven, windows priced, seconds.
"""

from __future__ import annotations

import sys
import time

import models.roster
from benchmarks.scripts.instance_argument import instance_folder, loaded_instance
from instances.generators.rostering import generate
from models.roster.window_bound import window_bound
from solvers import SolveOptions


def main(argv: list[str]) -> None:
    for spec in argv:
        if instance_folder(spec) is not None:
            case = loaded_instance(spec).model_input
            inp, params = case.input, case.parameters
        else:
            staff, days = (int(n) for n in spec.split("x"))
            inp, params = generate(staff, days, 0), models.roster.Parameters()
        t0 = time.perf_counter()
        found = window_bound(inp, params, SolveOptions(time_limit=30.0, threads=2, seed=0))
        print(
            f"{spec},{found.bound},{found.rows:.1f},{found.pricing:.1f},{found.proven},{found.pieces},"
            f"{time.perf_counter() - t0:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
