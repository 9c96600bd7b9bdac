"""The reproducible rota search on a bundled rota over several seeds, in deterministic time.

Usage (from the repository root; one line of CSV per seed)::

    python benchmarks/scripts/roster_reproducible.py NAME UNITS TAG SEEDS [JSON]

``NAME`` is a bundled rota instance (``lsc-registrar-oncall``, ``lsc-sact-nurses``) or an instance
folder (``optimiser generate roster ... DIR``), read as ``optimiser solve`` reads it; ``UNITS``
the deterministic limit of the whole search (both phases of :mod:`models.roster.first_phase`:
``work_per_second`` is set to ``UNITS / 60`` for a 60-s limit); ``SEEDS`` a comma-separated list
(``0,1,2,3,4``); ``JSON`` CP-SAT parameters laid over the reproducible search's
(:func:`models.roster.solve.solver_options`: two interleaved workers), e.g.
``'{"interleave_batch_size": 2}'``; a key that names a field of
:class:`models.roster.Parameters` (``first_hard_share``) sets that instead, and ``threads`` the
workers (default 2; with 1 there is no interleaving and the CP-SAT parameters reach the one
worker, e.g. ``'{"threads": 1, "linearization_level": 2}'``). The wall-clock
backstop is lifted, so every run ends by its deterministic limit (or a proof) and repeats exactly.
Columns: name, units, tag, seed, penalty, bound, wall seconds, stopped by, deterministic time.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time

import models.roster
from benchmarks.scripts.instance_argument import loaded_instance
from solvers import SolveOptions

LIMIT = 60.0  # seconds of the notional time limit the units are spread over
LOOSE = 100.0  # wall-clock backstop as a multiple of the limit: never reached


def main(argv: list[str]) -> None:
    name, units, tag, seeds = argv[0], float(argv[1]), argv[2], [int(s) for s in argv[3].split(",")]
    extra = json.loads(argv[4]) if len(argv) > 4 else {}
    case = loaded_instance(name).model_input
    fields = {f.name for f in dataclasses.fields(case.parameters)}
    threads = int(extra.pop("threads", 2))
    ours = {k: v for k, v in extra.items() if k in fields}
    extra = {k: v for k, v in extra.items() if k not in fields}
    params = dataclasses.replace(
        case.parameters, work_per_second=units / LIMIT, wall_clock_factor=LOOSE, **ours
    )
    for seed in seeds:
        options = SolveOptions(time_limit=LIMIT, threads=threads, seed=seed, extra=dict(extra))
        t0 = time.perf_counter()
        plan = models.roster.solve(case.input, params, options=options)
        solve = plan.figures()["solve"]
        print(
            f"{name},{units:g},{tag},{seed},{plan.result.objective:g},{plan.result.bound:g},"
            f"{time.perf_counter() - t0:.1f},{solve['stopped_by']},{solve['deterministic_time']}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
