"""RENS (:func:`models.roster.rens.rens`) from one converged LP of a Curtois & Qu instance, by
CP-SAT's portfolio and by its local search alone, several seeds.

Usage (from the repository root, one JSON line a search)::

    PYTHONPATH=$PWD python benchmarks/scripts/lines_rens.py 12 20 0,1,2
    PYTHONPATH=$PWD python benchmarks/scripts/lines_rens.py 8 20 0,1 local

The ``lines`` search (``models.roster.solve``, two threads, a 120-s limit) runs to the end of its
column generation; there, instead of the rest, RENS runs ``SECONDS`` of wall clock for each seed
and each way (``portfolio``, ``local`` or both, the default), with the column-generation bound as
its floor. Printed: the instance, the way, the seed, the rota's penalty, the search's status,
the share of assignments the LP held at 0 or 1, the bound and the seconds.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from benchmarks.scripts.lines_master import at_master
from models.roster.master import Master
from models.roster.rens import rens
from solvers import SolveOptions


def main(argv: list[str]) -> None:
    number, seconds = argv[0], float(argv[1])
    seeds = [int(s) for s in argv[2].split(",")]
    ways = argv[3].split(",") if len(argv) > 3 else ["portfolio", "local"]

    def searches(master: Master, people: Any, bound: float | None) -> None:
        floor = None if bound is None else round(bound)
        for seed in seeds:
            for way in ways:
                t = time.perf_counter()
                each = SolveOptions(time_limit=seconds, threads=2, seed=seed)
                rounding = rens(master, each, floor, local_search=way == "local")
                row = {
                    "instance": number,
                    "way": way,
                    "seed": seed,
                    "penalty": rounding.penalty,
                    "status": rounding.status,
                    "fixed": round(rounding.integral / max(rounding.assignments, 1), 3),
                    "bound": floor,
                    "seconds": round(time.perf_counter() - t, 1),
                }
                print(json.dumps(row), flush=True)

    at_master(number, searches, 120.0)


if __name__ == "__main__":
    main(sys.argv[1:])
