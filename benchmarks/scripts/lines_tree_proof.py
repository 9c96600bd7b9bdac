"""The proving power of branch-and-price alone on a Curtois & Qu instance: the tree from the
converged root against a known optimum, with no rota to find.

Usage (from the repository root, one JSON line)::

    PYTHONPATH=$PWD python benchmarks/scripts/lines_tree_proof.py 7 1056 150
    PYTHONPATH=$PWD python benchmarks/scripts/lines_tree_proof.py 7 1056 150 rule=day

The ``lines`` search (``models.roster.solve``, two threads) runs to the end of its column
generation; there, instead of the rest, :func:`models.roster.branch_and_price.branch_and_price`
runs for ``SECONDS`` with the incumbent penalty ``OPTIMUM`` (no lines: the tree prunes against
it and proves that no rota costs less) and the column-generation bound, with
:class:`models.roster.branch_and_price.BranchSettings` fields given as ``key=value``. Printed:
whether the tree proved it (no node left below ``OPTIMUM``), its bound, nodes solved and left
open, depth, and seconds.
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
    number, optimum, seconds = argv[0], float(argv[1]), float(argv[2])
    settings = settings_of(argv[3:]).bandp

    def probe(master: Master, people: list[Any], bound: float | None) -> None:
        t0 = time.perf_counter()
        tree = branch_and_price(
            master,
            people,
            SolveOptions(time_limit=seconds, threads=2),
            incumbent=([], optimum),
            bound=bound,
            settings=settings,
        )
        print(
            json.dumps(
                {
                    "instance": number,
                    "optimum": optimum,
                    "settings": dataclasses.asdict(settings),
                    "root_bound": bound,
                    "proven": tree.proven,
                    "bound": tree.bound,
                    "nodes": tree.nodes,
                    "open": tree.open,
                    "depth": tree.depth,
                    "seconds": round(time.perf_counter() - t0, 1),
                }
            ),
            flush=True,
        )

    at_master(number, probe, 600.0)


if __name__ == "__main__":
    main(sys.argv[1:])
