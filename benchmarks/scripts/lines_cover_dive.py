"""A rota with few short shifts on a Curtois & Qu instance: branch-and-price on one side of the
cover split, depth first.

Usage (from the repository root, one JSON line)::

    PYTHONPATH=$PWD python benchmarks/scripts/lines_cover_dive.py 8 12 30
    PYTHONPATH=$PWD python benchmarks/scripts/lines_cover_dive.py 8 12 60 order=best node_rounds=20

The ``lines`` search (``models.roster.solve``, two threads) runs to the end of its column
generation; there, instead of the rest, the master gets the row "at most ``MOST`` shifts short"
(:meth:`models.roster.master.Master.limit_short`: pricing is unchanged)
and :func:`models.roster.branch_and_price.branch_and_price` runs for ``SECONDS`` with no
incumbent and the settings ``order=depth node_rounds=3`` unless ``key=value`` pairs say
otherwise (fields of :class:`models.roster.branch_and_price.BranchSettings`). Printed: the rota
found on that side (its penalty, None if none), the tree's bound on that side, nodes solved and
left open, depth and seconds.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from typing import Any

from benchmarks.scripts.lines_bandp import settings_of
from benchmarks.scripts.lines_master import at_master
from models.roster.branch_and_price import branch_and_price
from models.roster.master import Master
from solvers import SolveOptions


def main(argv: list[str]) -> None:
    number, most, seconds = argv[0], float(argv[1]), float(argv[2])
    settings = settings_of(["order=depth", "node_rounds=3", *argv[3:]]).bandp

    def probe(master: Master, people: list[Any], bound: float | None) -> None:
        master.limit_short(most)
        t0 = time.perf_counter()
        tree = branch_and_price(
            master, people, SolveOptions(time_limit=seconds, threads=2), bound=bound, settings=settings
        )
        figures = {
            "instance": number,
            "most_short": most,
            "settings": dataclasses.asdict(settings),
            "penalty": tree.penalty,
            "bound": tree.bound,
            "nodes": tree.nodes,
            "open": tree.open,
            "depth": tree.depth,
            "seconds": round(time.perf_counter() - t0, 1),
        }
        print(json.dumps(figures), flush=True)

    at_master(number, probe, 600.0)


if __name__ == "__main__":
    main(sys.argv[1:])
