"""Ablation: the soft run rules also written as each person's layered flow (a network over days).

Usage (from the repository root; one line of CSV per seed)::

    python benchmarks/scripts/roster_run_flow.py NAME VARIANT SEARCH SEEDS [SECONDS]

``NAME`` a bundled rota instance (``lsc-sact-nurses``) or an instance folder; ``VARIANT`` ``base``
(the model as built) or ``flow`` (with :func:`add_run_flows`); ``SEARCH`` ``cpsat`` (the
reproducible search of ``optimiser solve --threads 2``: 24 deterministic units for a 60-s limit,
the wall-clock backstop lifted, as ``roster_reproducible.py``) or ``mip`` (the model as a MILP,
:func:`models.roster.mip_search.mip_solve`, ``SECONDS`` of wall clock, default 55, HiGHS's
default heuristic effort 0.05); ``SEEDS`` comma-separated. Columns: name, variant, search, seed,
penalty, bound, wall seconds.

The flow. The model charges a short run by a penalty literal per framed pattern (``not w[s-1],
w[s..s+l-1], not w[s+l]``, :func:`models.roster.rules._runs`), whose linear relaxation lets a
fractional rota avoid the charges. Here each person's working days also route one unit of flow
through a layered network: a node per day and state (``S`` before the first known day; ``WE k``,
``OE k``: the first run, k working days or days off, exempt; ``W k``, ``O k``: later runs, k up to
the minimum, or for working days up to a hard maximum), an arc per day's value, arcs into working
states summing to ``work[p, d]``. A later run ending shorter than its rule's minimum ``L`` is an
arc charged ``L - k``; each rule's penalty terms of the person are held at least the charged flow.
For one person's sequence alone the network's LP is integral (a path polytope), so the rows are
the convex hull of the run rules, added to the model (never replacing it): every rota of the
model satisfies them with equality of charges.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import time
from typing import Any

import models.roster
import models.roster.build as build
import models.roster.rules as rules
from benchmarks.scripts.instance_argument import loaded_instance
from models.roster.mip_search import mip_solve
from models.roster.vars import RosterModel
from solvers import SolveOptions

UNITS = 24.0  # the reproducible search's deterministic units in a 60-s run
LIMIT = 60.0
LOOSE = 100.0  # wall-clock backstop as a multiple of the limit: never reached

State = tuple[str, int]


def _moves(state: State, cap: int, low: int, off: int, saturate: bool) -> list[tuple[int, State, int, str]]:
    """(value, next state, charge, rule) of each arc out of ``state``: working runs count to
    ``cap`` (a hard maximum; else the minimum ``low``, where they saturate), days off to ``off``;
    a later run ending short of its minimum is charged the days it is short."""
    kind, k = state
    if kind == "S":
        return [(1, ("WE", 1), 0, ""), (0, ("OE", 1), 0, "")]
    if kind in ("WE", "W"):
        out = [(0, ("O", 1), low - k if kind == "W" and k < low else 0, "work")]
        if k < cap or saturate:
            out.append((1, (kind, min(k + 1, cap)), 0, ""))
        return out
    return [
        (0, (kind, min(k + 1, off)), 0, ""),
        (1, ("W", 1), off - k if kind == "O" and k < off else 0, "off"),
    ]


def add_run_flows(rm: RosterModel) -> None:
    """The run rules as built (:func:`models.roster.rules.consecutive_days`), then each person's
    flow (module docstring) linked to their ``min_consecutive_days`` and
    ``min_consecutive_days_off`` terms, when both minima are soft."""
    rules.consecutive_days(rm)
    for p in range(len(rm.staff)):
        least, least_off = rm.rule(p, "min_consecutive_days"), rm.rule(p, "min_consecutive_days_off")
        if least is None or least_off is None or "hard" in (rm.mode(least)[0], rm.mode(least_off)[0]):
            continue
        most = rm.rule(p, "max_consecutive_days")
        low, off = int(math.ceil(least.limit)), int(math.ceil(least_off.limit))
        hard_max = most is not None and rm.mode(most)[0] == "hard"
        cap = int(most.limit) if hard_max and most is not None else low
        charges: dict[str, list[Any]] = {"work": [], "off": []}
        at: dict[State, Any] = {("S", 0): 1}
        for d in range(rm.first_known_day, rm.inp.days):
            w = rm.work[(p, d)]
            into: dict[State, list[Any]] = {}
            ones = []
            for state, inflow in at.items():
                outs = []
                for value, nxt, charge, rule in _moves(state, cap, low, off, not hard_max):
                    if isinstance(w, bool) and int(w) != value:
                        continue
                    arc = rm.model.new_bool_var("run_flow")
                    outs.append(arc)
                    into.setdefault(nxt, []).append(arc)
                    if value:
                        ones.append(arc)
                    if charge:
                        charges[rule].append(charge * arc)
                rm.model.add(sum(outs) == inflow)
            rm.model.add(sum(ones) == (int(w) if isinstance(w, bool) else w))
            at = {state: sum(arcs) for state, arcs in into.items()}
        for name, rule_name in (("work", "min_consecutive_days"), ("off", "min_consecutive_days_off")):
            terms = [t.amount for t in rm.terms if t.rule == rule_name and t.staff == rm.staff[p]]
            if charges[name]:
                rm.model.add(sum(terms) >= sum(charges[name]))


def main(argv: list[str]) -> None:
    name, variant, search = argv[0], argv[1], argv[2]
    seeds = [int(s) for s in argv[3].split(",")]
    seconds = float(argv[4]) if len(argv) > 4 else 55.0
    if variant == "flow":  # the module's global, which build_roster_model reads at build time
        vars(build)["FAMILIES"] = tuple(
            add_run_flows if f is rules.consecutive_days else f for f in rules.FAMILIES
        )
    case = loaded_instance(name).model_input
    for seed in seeds:
        t0 = time.perf_counter()
        if search == "mip":
            rm = build.build_roster_model(case.input, case.parameters)
            found, _ = mip_solve(rm, SolveOptions(time_limit=seconds, threads=2, seed=seed), 0.05)
            penalty, bound = found.objective, found.bound
        else:
            params = dataclasses.replace(
                case.parameters, work_per_second=UNITS / LIMIT, wall_clock_factor=LOOSE
            )
            options = SolveOptions(time_limit=LIMIT, threads=2, seed=seed)
            plan = models.roster.solve(case.input, params, options=options)
            penalty, bound = plan.result.objective, plan.result.bound
        print(
            f"{name},{variant},{search},{seed},{penalty},{bound},{time.perf_counter() - t0:.1f}", flush=True
        )


if __name__ == "__main__":
    main(sys.argv[1:])
