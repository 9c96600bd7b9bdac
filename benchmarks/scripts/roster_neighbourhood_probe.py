"""Every neighbourhood of one kind around a rota's broken rules, each solved to optimality.

Usage (from the repository root)::

    python benchmarks/scripts/roster_neighbourhood_probe.py NAME ASSIGNMENTS window HALF
    python benchmarks/scripts/roster_neighbourhood_probe.py NAME ASSIGNMENTS people K
    python benchmarks/scripts/roster_neighbourhood_probe.py NAME ASSIGNMENTS window HALF descend
    python benchmarks/scripts/roster_neighbourhood_probe.py NAME ASSIGNMENTS everyone K
    python benchmarks/scripts/roster_neighbourhood_probe.py NAME ASSIGNMENTS days HALF descend

``NAME`` is a bundled rota instance (``lsc-sact-nurses``), read as ``optimiser solve`` reads it;
``ASSIGNMENTS`` a rota of it (the ``assignments.csv`` an ``optimiser solve`` run wrote). The rota's
breaches are its broken penalty terms that name a person and a date
(:func:`models.roster.search._breaches`). ``window``: for each breach, the person's whole line and
every person's days within ``HALF`` days of it are relaxed (:func:`models.roster.search._aimed`'s
shape); ``people``: for each person with a breach, their whole line with every set of ``K`` other
people's whole lines; ``everyone``: every set of ``K`` people's whole lines, breaches or not (a
rota's penalties need not name a person: over-cover and fairness do not); ``days``: every
person's days within ``HALF`` days of every ``HALF``-th day (the shape of
:mod:`models.roster.polish`). Everything else is fixed to the rota and each sub-model is solved by
CP-SAT (two workers, at most 60 s). Printed: each neighbourhood that improves the rota or is not solved
to optimality, then how many were tried. It asks how far a rota is from a better one. With
``descend``, the first improving neighbourhood is taken and the breaches read again from the
better rota, until no neighbourhood improves it: each improvement is printed with the seconds
since the start.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import time
from typing import Any

import pandas as pd

from benchmarks.scripts.instance_argument import loaded_instance
from models.roster.build import build_roster_model
from models.roster.search import _breaches
from models.roster.vars import RosterModel
from solvers import SolveOptions, Status, solve_cpsat


def main(argv: list[str]) -> None:
    name, assignments, kind, size = argv[0], argv[1], argv[2], int(argv[3])
    case = loaded_instance(name).model_input
    rm = build_roster_model(case.input, case.parameters)
    person = {staff_id: p for p, staff_id in enumerate(rm.staff)}
    rota = pd.read_csv(assignments)
    worked = {
        (person[r.staff_id], (dt.date.fromisoformat(r.date) - rm.inp.first_date).days, r.shift_id)
        for r in rota.itertuples()
    }
    values = {key: int(key in worked) for key in rm.x}
    penalty, solver = _solve(rm, values, set())
    breaches = sorted(set(_breaches(rm, solver)))
    print(f"rota {penalty:g}; breaches: {', '.join(f'{rm.staff[p]} {rm.date(d)}' for p, d in breaches)}")
    descend = len(argv) > 4 and argv[4] == "descend"
    t0 = time.perf_counter()
    tried = 0
    while True:
        improved = False
        for free, label in _neighbourhoods(rm, breaches, kind, size):
            found, sub = _solve(rm, values, free)
            tried += 1
            if sub is not None and found < penalty and descend:
                values = {key: int(sub.value(var)) for key, var in rm.x.items()}
                penalty, solver = found, sub
                breaches = sorted(set(_breaches(rm, solver)))
                print(f"{time.perf_counter() - t0:6.1f} s  {label}: {penalty:g}", flush=True)
                improved = True
                break
            if found < penalty or sub is None:
                unsolved = "" if sub is not None else " (not solved to optimality)"
                print(f"{label}: {found:g}{unsolved}", flush=True)
        if not improved:
            break
    ending = f", rota {penalty:g}" if descend else ""
    print(f"{tried} neighbourhoods ({kind} {size}) in {time.perf_counter() - t0:.0f} s{ending}")


def _neighbourhoods(
    rm: RosterModel, breaches: list[tuple[int, int]], kind: str, size: int
) -> list[tuple[set[Any], str]]:
    """Each neighbourhood of ``kind`` around the breaches: its free assignments and its label."""
    if kind == "window":
        return [
            ({k for k in rm.x if k[0] == p or abs(k[1] - d) <= size}, f"{rm.staff[p]} {rm.date(d)}")
            for p, d in breaches
        ]
    if kind == "days":
        return [
            ({k for k in rm.x if abs(k[1] - d) <= size}, str(rm.date(d))) for d in range(0, rm.inp.days, size)
        ]
    if kind == "everyone":
        return [
            ({k for k in rm.x if k[0] in people}, " + ".join(rm.staff[q] for q in people))
            for people in itertools.combinations(range(len(rm.staff)), size)
        ]
    return [
        (
            {k for k in rm.x if k[0] == p or k[0] in others},
            f"{rm.staff[p]} + {' '.join(rm.staff[q] for q in others)}",
        )
        for p in sorted({p for p, _ in breaches})
        for others in itertools.combinations([q for q in range(len(rm.staff)) if q != p], size)
    ]


def _solve(rm: RosterModel, values: dict[Any, int], free: set[Any]) -> tuple[float, Any]:
    """The best rota with every assignment outside ``free`` fixed to ``values``: its penalty and
    its solver (None when not solved to optimality)."""
    model = rm.model.clone()
    for key, var in rm.x.items():
        if key not in free:
            domain = model.proto.variables[var.index].domain
            domain[0] = domain[1] = values[key]
    hint = {var: values[key] for key, var in rm.x.items()}
    result, solver = solve_cpsat(model, SolveOptions(time_limit=60.0, threads=2, seed=0), hint=hint)
    return float(solver.objective_value), solver if result.status is Status.OPTIMAL else None


if __name__ == "__main__":
    main(sys.argv[1:])
