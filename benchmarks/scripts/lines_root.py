"""Where the root LP of the lines search is fractional, on a Curtois & Qu instance.

Usage (from the repository root, one JSON line printed)::

    PYTHONPATH=$PWD python benchmarks/scripts/lines_root.py 7 [SECONDS]

Column generation (:func:`models.roster.column_generation.generate_columns`, one thread, at most
``SECONDS``, default 120) on the instance's master; then, for the master LP's values
:math:`\\lambda`, two counts of where the LP is fractional:

* ``person_shifts``: the person-day-shifts :math:`x^p_{ds} = \\sum_l x^l_{ds} \\lambda_{pl}` worked
  in some line at a positive value, and ``fractional_person_shifts`` of them strictly between 0
  and 1: what branch-and-price branches on (:mod:`models.roster.branch_and_price`);
* ``cover_totals``: the day-shifts :math:`\\sum_p x^p_{ds}` with some person on them, and
  ``fractional_cover_totals``: those that are not whole numbers (``fractional_totals`` lists
  them as ``[day, shift, total]``).

A tree that must raise every node's bound past the root's rounded bound needs branches that move
the LP: when the totals are nearly all whole while most person-day-shifts are fractional, the
LP's fractionality is in who works, not in how many, which a branch on one person's shift
seldom changes. Also printed: the LP value, the column generation's bound and rounds, seconds.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict

import numpy as np

from models.roster.build import build_roster_model
from models.roster.column_generation import TOLERANCE, generate_columns
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.master import Master
from models.roster.parameters import RosterParameters
from solvers import SolveOptions
from tests.conftest import benchmark_file


def main(argv: list[str]) -> None:
    number, seconds = argv[0], float(argv[1]) if len(argv) > 1 else 120.0
    t0 = time.perf_counter()
    instance = read_instance(benchmark_file("shift-scheduling", f"Instance{number}.txt"))
    rm = build_roster_model(to_roster_input(instance), RosterParameters())
    master = Master.of(rm)
    columns = generate_columns(rm, master, SolveOptions(time_limit=seconds, threads=1))
    solved = master.solve_lp(seconds)
    if solved is None:
        raise SystemExit(f"Instance{number}: the master LP has no optimum")
    value = np.asarray(master.h.getSolution().col_value, dtype=float)
    share: dict[tuple[int, int, str], float] = defaultdict(float)
    total: dict[tuple[int, str], float] = defaultdict(float)
    for line, col in zip(master.lines, master.line_cols, strict=True):
        v = float(value[col])
        if v > TOLERANCE:
            for d, s in line.shifts:
                share[(line.person, d, s)] += v
                total[(d, s)] += v
    fractional = sorted((d, s, round(v, 4)) for (d, s), v in total.items() if abs(v - round(v)) > 1e-6)
    print(
        json.dumps(
            {
                "instance": f"Instance{number}",
                "lp": round(solved[0], 4),
                "bound": columns.bound,
                "rounds": columns.rounds,
                "lines": len(master.lines),
                "person_shifts": len(share),
                "fractional_person_shifts": sum(TOLERANCE < v < 1 - TOLERANCE for v in share.values()),
                "cover_totals": len(total),
                "fractional_cover_totals": len(fractional),
                "fractional_totals": fractional,
                "seconds": round(time.perf_counter() - t0, 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
