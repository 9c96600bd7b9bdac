"""Ablation of CP-SAT's portfolio in the reproducible rota search, in deterministic time.

Usage (from the repository root, one line of CSV printed)::

    python benchmarks/scripts/roster_portfolio_ablation.py NAME 20 TAG [JSON]

``NAME`` is ``nurses`` or ``registrars`` (the bundled rotas), ``gen30x28`` (the generated 30 x 28
rota, seed 0) or a Curtois & Qu instance (``Instance5``: read from ``../shared/benchmarks``);
``JSON`` holds CP-SAT parameters laid over the reproducible search's (two interleaved workers,
seed 0, the deterministic limit given, the wall-clock backstop lifted), e.g.
``'{"subsolvers": ["default_lp"]}'``; ``{}`` gives CP-SAT's default interleaved portfolio. The
model is :func:`models.roster.solve.build_roster_model`'s. Columns: name, limit, tag, objective,
bound, wall seconds.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from instances.generators.rostering import generate, lsc_registrar_oncall, lsc_sact_nurses
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.input import RosterInput
from models.roster.solve import build_roster_model
from solvers import SolveOptions, solve_cpsat

SHIFT_FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "shift-scheduling"
GENERATED: dict[str, Callable[[], RosterInput]] = {
    "nurses": lsc_sact_nurses,
    "registrars": lsc_registrar_oncall,
    "gen30x28": lambda: generate(30, 28, 0),
}


def main(argv: list[str]) -> None:
    name, limit, tag = argv[0], float(argv[1]), argv[2]
    extra = json.loads(argv[3]) if len(argv) > 3 else {}
    maker = GENERATED.get(name)
    inp = maker() if maker else to_roster_input(read_instance(SHIFT_FOLDER / f"{name}.txt"))
    rm = build_roster_model(inp)
    settings = {"max_deterministic_time": limit, "interleave_search": True, **extra}
    options = SolveOptions(time_limit=None, threads=2, seed=0, extra=settings)
    t0 = time.monotonic()
    result, _ = solve_cpsat(rm.model, options.with_deadline(3000))
    print(f"{name},{limit:g},{tag},{result.objective},{result.bound},{time.monotonic() - t0:.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
