"""How many under- and over-covered shifts a Curtois & Qu rota can have near the LP: the master
LP's total of each kind of cover slack, the column-generation bound on either side of a split on
that total, and whether CP-SAT finds a rota with no more under-cover than the LP.

Usage (from the repository root, one JSON line per figure)::

    PYTHONPATH=$PWD python benchmarks/scripts/lines_cover_split.py 8 30
    PYTHONPATH=$PWD python benchmarks/scripts/lines_cover_split.py 7 30

The ``lines`` search (``models.roster.solve``, two threads, a 600-s limit) runs to the end of its
column generation; there, instead of the rest:

1. the LP's total of the cover slacks of each kind and weight (``under@100``: shifts short of
   their requirement, weight 100). In every rota such a total is a whole number, so the rotas
   split into those with at most ``floor(T)`` and those with at least ``floor(T) + 1`` (when
   ``T`` is whole: at most ``T - 1`` and at least ``T + 1`` beside exactly ``T``);
2. for each side, the master with a row on that total and column generation again for at most
   ``SECONDS`` (the row holds slack columns only, so pricing is unchanged): its bound, a lower
   bound of every rota on that side (``lp``: None when the restricted LP has no solution);
3. CP-SAT on the whole model with the under-cover at most the LP's (rounded), no objective,
   two threads, ``SECONDS``: whether any such rota is found.
"""

from __future__ import annotations

import json
import math
import sys
import time
from typing import Any

import numpy as np

from benchmarks.scripts.lines_master import at_master
from models.roster.column_generation import generate_columns
from models.roster.master import Master
from solvers import SolveOptions, solve_cpsat


def _kinds(master: Master) -> dict[str, list[Any]]:
    """The master's cover slack columns by kind and weight (``under@100``, ``over@1``)."""
    kinds: dict[str, list[Any]] = {}
    for side, slacks in (("under", master.under), ("over", master.over)):
        for i in slacks:
            box = master.box[i]
            kinds.setdefault(f"{side}@{box.cost:g}", []).append(box)
    return kinds


def _sides(total: float) -> list[tuple[float, float]]:
    whole = abs(total - round(total)) <= 1e-6
    low = round(total) - 1 if whole else math.floor(total)
    return [(-math.inf, low), (low + 1 + (1 if whole else 0), math.inf)]


def _whole(limit: float) -> int | None:
    """A side's limit as printed: None when there is none (strict JSON has no infinity)."""
    return int(limit) if math.isfinite(limit) else None


def main(argv: list[str]) -> None:
    number, seconds = argv[0], float(argv[1])

    def figures(master: Master, people: Any, bound: float | None) -> None:
        rm = master.rm
        lp_value, _ = master.solve_lp(None) or (None, None)
        values = np.asarray(master.h.getSolution().col_value)
        kinds = _kinds(master)
        totals = {kind: float(sum(values[b.col] for b in boxes)) for kind, boxes in kinds.items()}
        print(json.dumps({"instance": number, "lp": lp_value, "totals": totals}), flush=True)
        row = master._row(-math.inf, math.inf)
        for kind, boxes in kinds.items():
            for box in boxes:
                master.h.changeCoeff(row, box.col, 1.0)
                box.rows[row] = 1.0
            for lo, hi in _sides(totals[kind]):
                master.lo[row], master.hi[row] = lo, hi
                master.h.changeRowBounds(row, lo, hi)
                master.bounds_changed()
                t = time.perf_counter()
                cg = generate_columns(rm, master, SolveOptions(time_limit=seconds, threads=2), people=people)
                side: dict[str, Any] = {"kind": kind, "at_least": _whole(lo), "at_most": _whole(hi)}
                side |= {"lp": cg.lp_value, "bound": cg.bound, "converged": cg.converged}
                side["seconds"] = round(time.perf_counter() - t, 1)
                print(json.dumps(side), flush=True)
            for box in boxes:
                master.h.changeCoeff(row, box.col, 0.0)
                del box.rows[row]
        under = [t.amount for t in rm.terms if t.rule == "under_cover"]
        most = sum(round(total) for kind, total in totals.items() if kind.startswith("under"))
        model = rm.narrowed()
        model.add(sum(under) <= most)
        model.proto.clear_objective()
        t = time.perf_counter()
        result, solver = solve_cpsat(model, SolveOptions(time_limit=seconds, threads=2))
        found = {
            "under_at_most": most,
            "status": result.status.name,
            "seconds": round(time.perf_counter() - t, 1),
        }
        if result.has_plan:
            found["penalty"] = rm.penalty_of(solver.value)
        print(json.dumps(found), flush=True)

    at_master(number, figures, 600.0)


if __name__ == "__main__":
    main(sys.argv[1:])
