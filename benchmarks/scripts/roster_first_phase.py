"""The first phase of a bundled rota's search alone: the model with its ``first_hard`` rules hard.

Usage (from the repository root; one line printed per seed)::

    python benchmarks/scripts/roster_first_phase.py NAME UNITS THREADS SEEDS [JSON]

``NAME`` is a bundled rota instance (``lsc-sact-nurses``), read as ``optimiser solve`` reads it;
the model is :func:`models.roster.first_phase.hardened_model` of its ``first_hard`` families.
``UNITS`` is CP-SAT's deterministic limit, ``THREADS`` its workers, ``SEEDS`` a comma-separated
list; ``JSON`` adds CP-SAT parameters (``{"subsolvers": ["max_lp"], "interleave_search": true}``).
With ``"broken": true`` in ``JSON`` (taken out before CP-SAT sees it) the model is instead the
whole model with at least one of those terms above 0: the smaller of its bound and the hardened
model's is a bound of the whole model (every rota breaks none of the terms, or some).
No wall-clock limit, so the line depends on the arguments only. Printed: name, seed, threads,
parameters, terms hardened, status, penalty, bound (of the model solved only), wall seconds,
seconds to the first rota. It compares CP-SAT's settings for the first phase, which
:func:`models.roster.first_phase.two_phase_solve` runs with the search's own.
"""

from __future__ import annotations

import json
import sys
import time

from benchmarks.scripts.instance_argument import loaded_instance
from models.roster.build import build_roster_model
from models.roster.first_phase import hardened_model
from solvers import SolveOptions, solve_cpsat


def main(argv: list[str]) -> None:
    name, units, threads = argv[0], float(argv[1]), int(argv[2])
    seeds = [int(seed) for seed in argv[3].split(",")]
    extra = json.loads(argv[4]) if len(argv) > 4 else {}
    case = loaded_instance(name).model_input
    rm = build_roster_model(case.input, case.parameters)
    hard, count = hardened_model(rm, case.parameters.first_hard)
    if extra.pop("broken", False):
        hard = rm.model.clone()
        amounts = [
            t.amount
            for t in rm.terms
            if t.rule in case.parameters.first_hard and not isinstance(t.amount, int)
        ]
        hard.add(sum(amounts) >= 1)
    for seed in seeds:
        options = SolveOptions(threads=threads, seed=seed, extra={**extra, "max_deterministic_time": units})
        t0 = time.perf_counter()
        result, solver = solve_cpsat(hard, options)
        bound = result.bound if result.bound is not None else solver.best_objective_bound
        first = result.first_solution_seconds
        print(
            f"{name},{seed},{threads},{json.dumps(extra)},{count},{result.status.value},{result.objective},"
            f"{bound:g},{time.perf_counter() - t0:.1f},{'-' if first is None else f'{first:.1f}'}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
