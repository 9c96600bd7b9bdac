"""The neighbourhood search (:mod:`models.roster.search`) started from a given rota, in deterministic time.

Usage (from the repository root; one line printed)::

    python benchmarks/scripts/roster_lns_from.py NAME ASSIGNMENTS UNITS [key=value ...]

``NAME`` is a bundled rota instance (``lsc-sact-nurses``), read as ``optimiser solve`` reads it;
``ASSIGNMENTS`` a rota of it (the ``assignments.csv`` an ``optimiser solve`` run wrote); ``UNITS``
the deterministic limit of the whole search; ``key=value`` overrides a field of
:class:`models.roster.search.LnsSettings` (``step_seconds=2 start_fraction=0.35``). The first
whole-model solve gets 2 % of the units, the polish 10 %, and no per-person first lines (the rota
given is the start). Two interleaved workers, seed 0, the wall-clock backstop lifted: the same
line on every run. Printed: name, units, overrides, penalty, bound, neighbourhoods tried and
improving, wall seconds. It asks whether a rota is a local optimum of the search's
neighbourhoods (a few people, or every person over a window of days).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time

import pandas as pd

from benchmarks.scripts.instance_argument import loaded_instance
from models.roster.build import build_roster_model
from models.roster.search import LnsSettings, lns_solve
from solvers import SolveOptions


def main(argv: list[str]) -> None:
    name, assignments, units = argv[0], argv[1], float(argv[2])
    default = LnsSettings()
    overrides = {
        key: type(getattr(default, key))(text) for key, text in (pair.split("=", 1) for pair in argv[3:])
    }
    case = loaded_instance(name).model_input
    rm = build_roster_model(case.input, case.parameters)
    rota = pd.read_csv(assignments)
    person = {staff_id: p for p, staff_id in enumerate(rm.staff)}
    worked = {
        (person[r.staff_id], (dt.date.fromisoformat(r.date) - rm.inp.first_date).days, r.shift_id)
        for r in rota.itertuples()
    }
    hint = {var: int(key in worked) for key, var in rm.x.items()}
    settings = dataclasses.replace(default, first_share=0.02, polish_share=0.1, line_seconds=0, **overrides)
    t0 = time.perf_counter()
    result, _ = lns_solve(
        rm,
        SolveOptions(time_limit=units, threads=2, seed=0),
        hint=hint,
        deterministic=True,
        settings=settings,
        wall_clock_factor=100.0,
    )
    print(
        f"{name},{units:g},{' '.join(argv[3:])},{result.objective:g},{result.bound:g},"
        f"{result.message},{time.perf_counter() - t0:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
