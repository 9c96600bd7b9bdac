"""A benchmark family for testing the harness itself: cases that sleep, take memory, return a value.

Registered only in tests, through ``$OPTIMISER_BENCH_FAMILIES=tests.benchmarks.probe_families``
(the runner's case processes inherit it). Entry keys: ``probes``, a list of mappings with
``name`` and optionally ``seconds`` (sleep; with ``until_deadline``, no later than the options'
deadline), ``memory_mb`` (held while sleeping), ``objective``,
``status``, ``published`` and ``kind`` (``optimum`` or ``best_known``), ``size``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from benchmarks.suite.registry import Case, Context, Family
from solvers import SolveOptions, SolveResult, Status


def families() -> list[Family]:
    return [
        Family(
            name="probe",
            model="probe",
            description="harness probes: sleep, hold memory, return a given objective",
            backends=("highs", "pyomo-highs", "pyomo-scip"),
            expand=expand,
            solve=solve,
        )
    ]


def expand(entry: Mapping[str, Any], context: Context) -> list[Case]:
    cases = []
    for probe in entry.get("probes", []):
        size = float(probe.get("size", 1))
        cases.append(
            Case(
                family="probe",
                name=str(probe["name"]),
                model="probe",
                size=f"{size:g}",
                size_value=size,
                params=dict(probe),
                published=probe.get("published"),
                published_kind=probe.get("kind", "optimum") if "published" in probe else None,
                tolerance=1e-6,
            )
        )
    return cases


def solve(case: Case, backend: str, options: SolveOptions, context: Context) -> SolveResult:
    p = case.params
    t0 = time.perf_counter()
    held = bytearray(int(float(p.get("memory_mb", 0)) * 2**20))
    for i in range(0, len(held), 4096):  # touch every page so it is resident
        held[i] = 1
    seconds = float(p.get("seconds", 0.0))
    left = options.remaining()
    if p.get("until_deadline") and left is not None:  # a solver that keeps its deadline
        seconds = min(seconds, left)
    time.sleep(seconds)
    objective = float(p.get("objective", 1.0))
    return SolveResult(
        status=Status(p.get("status", "optimal")),
        objective=objective,
        bound=objective,
        gap=0.0,
        build_seconds=0.001,
        solve_seconds=time.perf_counter() - t0,
        backend=backend,
        message=f"held {len(held)} bytes",
        options=options.as_dict(),
    )
