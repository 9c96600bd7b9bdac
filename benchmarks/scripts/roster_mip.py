"""A bundled rota's model as a MILP (``search: mip``'s), HiGHS alone, over seeds and heuristic efforts.

Usage (from the repository root; one line of CSV per seed and effort)::

    python benchmarks/scripts/roster_mip.py NAME SECONDS EFFORTS SEEDS [THREADS]

``NAME`` is a bundled rota instance (``lsc-sact-nurses``) or an instance folder, read as
``optimiser solve`` reads it; the model is :func:`models.roster.build.build_roster_model`'s,
written as rows by :func:`solvers.cpsat_mip.linear_model` and solved by
:func:`solvers.solve_matrix` for ``SECONDS`` of wall clock for the search (55: what a 60-s run
leaves it, 2 s of which the valuation keeps, so HiGHS has 53), ``EFFORTS`` and ``SEEDS``
comma-separated (``0.05,0.2``, ``0,1,2,3,4``), ``THREADS`` HiGHS's (default 2). Each rota
HiGHS ends with is valued by CP-SAT with its assignments fixed (the MILP
relaxes maxima), as :func:`models.roster.mip_search.mip_solve` does. Columns: name, seconds,
effort, seed, HiGHS's status, the rota's penalty, the bound (whole), wall seconds. Run one at a
time on a quiet machine: the rota is the one standing when the clock ends the search.
"""

from __future__ import annotations

import math
import sys
import time

from benchmarks.scripts.instance_argument import loaded_instance
from models.roster.build import build_roster_model
from models.roster.mip_search import mip_solve
from solvers import SolveOptions


def main(argv: list[str]) -> None:
    name, seconds = argv[0], float(argv[1])
    efforts = [float(e) for e in argv[2].split(",")]
    seeds = [int(s) for s in argv[3].split(",")]
    threads = int(argv[4]) if len(argv) > 4 else 2
    case = loaded_instance(name).model_input
    rm = build_roster_model(case.input, case.parameters)  # mip_solve solves copies: built once
    for effort in efforts:
        for seed in seeds:
            t0 = time.perf_counter()
            options = SolveOptions(time_limit=seconds, threads=threads, seed=seed)
            found, _ = mip_solve(rm, options, effort)
            bound = "" if found.bound is None or not math.isfinite(found.bound) else f"{found.bound:g}"
            penalty = "" if found.objective is None else f"{found.objective:g}"
            print(
                f"{name},{seconds:g},{effort:g},{seed},{found.status.value},{penalty},{bound},"
                f"{time.perf_counter() - t0:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
