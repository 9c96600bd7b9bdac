"""SACT location at growing size: build and solve times, gap and peak memory (HiGHS).

Each case runs in its own process so that peak memory belongs to that case alone.  Usage::

    python -m benchmarks.sact_scale [--sizes 200x20,2000x100,10000x300] [--time-limit 120]
        [--gap 0.01] [--seed 0] [--pyomo-build-up-to 40000] [--out benchmarks/results]

Writes ``sact_scale.csv`` and ``sact_scale.md`` (with the machine description) to ``--out``.
``path`` is the solve path that ran (the plan's ``solve_path`` figure: ``direct``, or ``priced``:
see :mod:`models.sact.large`); ``check`` the independent check's verdict (:func:`models.sact.check`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.machine import machine_description


def run_case(zones: int, sites: int, seed: int, time_limit: float, gap: float, pyomo_build: bool) -> dict:
    """Generate, build and solve one case in this process; return its figures."""
    import resource

    import models.sact
    from instances.generators.sact import generate
    from models.sact.arrays import prepare
    from optimiser.kinds import get_kind
    from optimiser.kinds.base import input_from_tables
    from solvers import SolveOptions

    t0 = time.perf_counter()
    inst = generate(zones=zones, sites=sites, seed=seed)
    case = input_from_tables(get_kind("sact"), inst.tables, inst.parameters, inst.name)
    data = case.input
    load_seconds = time.perf_counter() - t0
    arrays = prepare(data)
    row: dict[str, Any] = {
        "zones": zones,
        "sites": sites,
        "seed": seed,
        "arcs": len(arrays.arc_dem),
        "load_seconds": load_seconds,
    }
    if pyomo_build:
        from models.sact.matrix import build_matrix
        from solvers.pyomo_matrix import to_pyomo

        t1 = time.perf_counter()
        to_pyomo(build_matrix(arrays, data.parameters))
        row["pyomo_build_seconds"] = time.perf_counter() - t1
    options = SolveOptions(time_limit=time_limit, gap=gap, threads=2)
    plan = models.sact.solve(data, case.parameters, backend="highs", options=options)
    figures = plan.figures()
    check = models.sact.check(data, plan) if plan.found else None
    r = plan.result
    row.update(
        path=figures["solve_path"],
        check=None if check is None else ("passed" if check.passed else "FAILED"),
        status=r.status.value,
        objective=r.objective,
        bound=r.bound,
        gap=r.gap,
        build_seconds=r.build_seconds,
        solve_seconds=r.solve_seconds,
        build_share=r.build_seconds / max(r.build_seconds + r.solve_seconds, 1e-9),
        sites_open=figures.get("sites_open"),
        peak_memory_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="200x20,2000x100,10000x300")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--pyomo-build-up-to", type=int, default=100_000, help="arcs; larger cases skip the pyomo build"
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        z, s, pyomo = (int(v) for v in args.case.split(","))
        print(json.dumps(run_case(z, s, args.seed, args.time_limit, args.gap, bool(pyomo))))
        return 0
    rows = []
    for size in args.sizes.split(","):
        z, s = (int(v) for v in size.lower().split("x"))
        pyomo = int(z * s * 0.15 <= args.pyomo_build_up_to)
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.sact_scale",
            "--case",
            f"{z},{s},{pyomo}",
            "--seed",
            str(args.seed),
            "--time-limit",
            str(args.time_limit),
            "--gap",
            str(args.gap),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            rows.append({"zones": z, "sites": s, "status": "error"})
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(row, flush=True)
        rows.append(row)
    frame = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out / "sact_scale.csv", index=False)
    text = [
        "# SACT location at scale (HiGHS, vectorised build)",
        "",
        f"Command: `python -m benchmarks.sact_scale --sizes {args.sizes} --time-limit {args.time_limit:g} "
        f"--gap {args.gap:g} --seed {args.seed}`",
        "",
        machine_description(),
        "",
        frame.to_markdown(index=False, floatfmt=".4g") if _has_tabulate() else frame.to_string(index=False),
        "",
    ]
    (args.out / "sact_scale.md").write_text("\n".join(text), encoding="utf-8")
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
