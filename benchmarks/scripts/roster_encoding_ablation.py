"""Ablation of the run rules' encoding on one Curtois & Qu instance, in CP-SAT deterministic time.

Usage (from the repository root, one line of CSV printed)::

    python benchmarks/scripts/roster_encoding_ablation.py FOLDER/Instance5.txt base 8
    python benchmarks/scripts/roster_encoding_ablation.py FOLDER/Instance5.txt replace 8
    python benchmarks/scripts/roster_encoding_ablation.py FOLDER/Instance5.txt add 8

``base``: the model as built by :func:`models.roster.solve.build_roster_model`: hard maximum runs
of working days as sums over sliding windows, hard minimum runs as ``lit(d + j) >= lit(d) -
lit(d - 1)`` (:func:`models.roster.rules.consecutive_days`). ``replace``: when a person's three
run rules (``max_consecutive_days``, ``min_consecutive_days``, ``min_consecutive_days_off``) are
all hard, one CP-SAT automaton over their working days instead (:func:`run_automaton`); ``add``:
the automaton as well as the linear constraints. One whole-model CP-SAT solve, two interleaved
workers, seed 0, the wall-clock backstop lifted (3000 s). Columns: instance, variant, limit,
objective, bound, build seconds, wall seconds, status.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable
from pathlib import Path

import models.roster.rules as rules
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.parameters import RosterParameters
from models.roster.vars import RosterModel
from solvers import SolveOptions, solve_cpsat

builder = sys.modules["models.roster.solve"]  # the module, not the function models.roster exports


def run_automaton(rm: RosterModel, p: int) -> bool:
    """Person ``p``'s hard run rules as one automaton over ``work[p, d]`` on the known days.

    States: ``S`` (start), ``WE k`` / ``OE k`` (the first run, of k working days or days off,
    which touches the first known day and so is exempt from the minima), ``W k`` / ``O k``
    (later runs). A working run grows to the maximum; a later working run may end at k >= its
    minimum, a later off run at k >= its minimum (off counts saturate there). Every state
    accepts: the last run touches the last day and is exempt. False (nothing added) unless the
    maximum is given and every given run rule is hard.
    """
    most = rm.rule(p, "max_consecutive_days")
    least = rm.rule(p, "min_consecutive_days")
    least_off = rm.rule(p, "min_consecutive_days_off")
    if most is None or any(r is not None and rm.mode(r)[0] != "hard" for r in (most, least, least_off)):
        return False
    top, low = int(most.limit), int(least.limit) if least else 1
    off = int(least_off.limit) if least_off else 1
    states: dict[object, int] = {}

    def state(key: object) -> int:
        return states.setdefault(key, len(states))

    arcs = {(state("S"), 1, state(("WE", 1))), (state("S"), 0, state(("OE", 1)))}
    for k in range(1, top + 1):
        if k < top:
            arcs |= {(state(("WE", k)), 1, state(("WE", k + 1))), (state(("W", k)), 1, state(("W", k + 1)))}
        arcs.add((state(("WE", k)), 0, state(("O", 1))))
        if k >= low:
            arcs.add((state(("W", k)), 0, state(("O", 1))))
    for k in range(1, off + 1):
        arcs |= {
            (state(("OE", k)), 0, state(("OE", min(k + 1, off)))),
            (state(("OE", k)), 1, state(("W", 1))),
            (state(("O", k)), 0, state(("O", min(k + 1, off)))),
        }
        if k >= off:
            arcs.add((state(("O", k)), 1, state(("W", 1))))
    days = [rm.work[(p, d)] for d in range(rm.first_known_day, rm.inp.days)]
    seq = [rm.model.new_constant(int(v)) if isinstance(v, (bool, int)) else v for v in days]
    rm.model.add_automaton(seq, state("S"), sorted(set(states.values())), sorted(arcs))
    return True


def consecutive_days_by(variant: str) -> Callable[[RosterModel], None]:
    """The run-rule family of ``variant`` (``replace`` or ``add``)."""

    def family(rm: RosterModel) -> None:
        if variant == "add":
            rules.consecutive_days(rm)
        for p in range(len(rm.staff)):
            if not run_automaton(rm, p) and variant == "replace":
                rules._runs(rm, p, rm.work, "working days", "max_consecutive_days", "min_consecutive_days")
                rules._runs(rm, p, rm.work, "days off", None, "min_consecutive_days_off", off=True)

    return family


def main(argv: list[str]) -> None:
    path, variant, limit = Path(argv[0]), argv[1], float(argv[2])
    if variant != "base":
        new = consecutive_days_by(variant)
        # the module's globals, which build_roster_model reads at build time
        vars(builder)["FAMILIES"] = tuple(new if f is rules.consecutive_days else f for f in builder.FAMILIES)
    t0 = time.monotonic()
    rm = builder.build_roster_model(to_roster_input(read_instance(path)))
    build = time.monotonic() - t0
    base = SolveOptions(time_limit=limit, threads=2, seed=0)
    options = dataclasses.replace(builder.solver_options(RosterParameters(), base), time_limit=None)
    result, _ = solve_cpsat(rm.model, options.with_deadline(3000))
    print(
        f"{path.stem},{variant},{limit:g},{result.objective},{result.bound},{build:.1f},"
        f"{time.monotonic() - t0:.0f},{result.status.name}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
