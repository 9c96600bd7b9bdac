"""The ``lines`` search on a Curtois & Qu instance, stopped at the end of its column generation:
the probes' shared start (``lines_rens.py``, ``lines_cover_split.py``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import models.roster
import models.roster.price_and_branch as lines_search
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.master import Master
from models.roster.parameters import RosterParameters
from solvers import SolveOptions
from tests.conftest import benchmark_file


class _Done(Exception):
    """Raised once the probe is done: the lines search goes no further."""


def at_master(number: str, probe: Callable[[Master, list[Any], float | None], None], limit: float) -> None:
    """Run ``search: lines`` (two threads, ``limit`` seconds of wall clock) on Instance ``number``
    to the end of its column generation and call ``probe(master, people, bound)`` there (the
    master, the people's pricing models and the column-generation bound) instead of the rest."""

    def stop(
        master: Master,
        people: list[Any],
        options: Any,
        settings: Any,
        record: Any,
        converged: bool,
        pricers: Any = None,
        bound: float | None = None,
    ) -> None:
        probe(master, people, bound)
        raise _Done

    lines_search._rota_from_master = stop
    inst = read_instance(benchmark_file("shift-scheduling", f"Instance{number}.txt"))
    try:
        models.roster.solve(
            to_roster_input(inst),
            RosterParameters(reproducible=False, search="lines"),
            options=SolveOptions(time_limit=limit, threads=2),
        )
    except _Done:
        return
    print(json.dumps({"instance": number, "note": "the search ended before its column generation did"}))
