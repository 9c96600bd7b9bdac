"""OOH rota consolidation at region scale: time to proven optimality, gap, and a checked plan.

Protocol: generated instances (``instances.generators.ooh.generate``, planted feasible) of
SITES x SERVICES, several seeds, rotas within trusts only and across trusts; each solved with
``highs`` (vectorised build, one HiGHS solve per service block) and ``pyomo-highs`` (one pyomo
model of every service), relative gap 0 by default, a time limit per case.  Every plan is
re-verified by ``models.ooh.check``, which compares its recomputed cost with the objective.
Each case runs in its own process so that peak memory belongs to it alone.  Usage::

    python -m benchmarks.ooh_scale [--sizes 60x6] [--seeds 0,1,2] [--backends highs,pyomo-highs]
        [--time-limit 600] [--gap 0] [--out benchmarks/results]
    python -m benchmarks.ooh_scale --smoke      # 15 x 3, one seed, prints only

Writes ``ooh_scale.csv`` and ``ooh_scale.md`` (with the machine description) to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from benchmarks.machine import machine_description

COLUMNS = [
    "sites", "services", "seed", "cross_trust", "backend", "arcs", "rotas_candidate", "status", "objective",
    "bound", "gap", "diagnose_s", "build_s", "solve_s", "extract_s", "total_s", "check_ok", "check_delta",
    "rotas_before", "rotas_after", "saving_pct", "peak_memory_mb",
]  # fmt: skip


def run_case(
    sites: int, services: int, seed: int, cross: bool, backend: str, time_limit: float, gap: float
) -> dict:
    """Generate, solve and check one case in this process; return its figures."""
    import resource

    import models.ooh as ooh
    from instances.generators.ooh import generate
    from models.ooh.sets import candidate_arcs
    from solvers import SolveOptions

    inp = generate(sites, services, seed)
    params = ooh.Parameters(allow_cross_trust=cross)
    arcs = candidate_arcs(inp, params)
    t0 = time.perf_counter()
    plan = ooh.solve(inp, params, backend=backend, options=SolveOptions(time_limit=time_limit, gap=gap))
    total = time.perf_counter() - t0
    r = plan.result
    row = {
        "sites": sites,
        "services": services,
        "seed": seed,
        "cross_trust": cross,
        "backend": backend,
        "arcs": len(arcs),
        "rotas_candidate": int((arcs["site_id"] == arcs["hub_id"]).sum()),
        "status": r.status.value,
        "objective": r.objective,
        "bound": r.bound,
        "gap": r.gap,
        "diagnose_s": plan.timings.get("diagnose"),
        "build_s": plan.timings.get("build"),
        "solve_s": plan.timings.get("solve"),
        "extract_s": plan.timings.get("extract"),
        "total_s": total,
        "rotas_before": len(plan.rotas_before),
        "rotas_after": len(plan.rotas),
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if plan.found:
        check = ooh.check(inp, plan)
        row["check_ok"] = check.passed
        row["check_delta"] = None if r.objective is None else abs(check.figures["total_cost"] - r.objective)
        row["saving_pct"] = 100 * plan.costs.loc["total", "saving"] / plan.costs.loc["total", "before"]
    return row


def _run_isolated(case: tuple, args: argparse.Namespace) -> dict:
    sites, services, seed, cross, backend = case
    spec = f"{sites},{services},{seed},{int(cross)},{backend}"
    cmd = [sys.executable, "-m", "benchmarks.ooh_scale", "--case", spec]
    cmd += ["--time-limit", str(args.time_limit), "--gap", str(args.gap)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return {"sites": sites, "services": services, "seed": seed, "cross_trust": cross, "backend": backend,
                "status": "error"}  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="60x6", help="SITESxSERVICES, comma-separated")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--backends", default="highs,pyomo-highs")
    parser.add_argument("--cross-trust", choices=("no", "yes", "both"), default="both")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds per case")
    parser.add_argument("--gap", type=float, default=0.0, help="relative gap at which to stop")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--smoke", action="store_true", help="15x3, seed 0, 60 s; print, write nothing")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        sites, services, seed, cross, backend = args.case.split(",")
        row = run_case(
            int(sites), int(services), int(seed), bool(int(cross)), backend, args.time_limit, args.gap
        )
        print(json.dumps(row))
        return 0
    if args.smoke:
        args.sizes, args.seeds, args.time_limit = "15x3", "0", 60.0
    crosses = {"no": [False], "yes": [True], "both": [False, True]}[args.cross_trust]
    cases = [
        (int(size.lower().split("x")[0]), int(size.lower().split("x")[1]), int(seed), cross, backend)
        for size in args.sizes.split(",")
        for seed in args.seeds.split(",")
        for cross in crosses
        for backend in args.backends.split(",")
    ]
    load_before = os.getloadavg()[0]
    rows = []
    for case in cases:
        row = _run_isolated(case, args)
        print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
        rows.append(row)
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
    if args.smoke:
        return 0 if (frame["status"] == "optimal").all() else 1
    args.out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out / "ooh_scale.csv", index=False)
    command = (
        f"python -m benchmarks.ooh_scale --sizes {args.sizes} --seeds {args.seeds} "
        f"--backends {args.backends} --cross-trust {args.cross_trust} "
        f"--time-limit {args.time_limit:g} --gap {args.gap:g}"
    )
    text = [
        "# OOH rota consolidation at scale",
        "",
        f"Command: `{command}`",
        "",
        machine_description(),
        f"Load average (1 min) at the start {load_before:.1f}, at the end {os.getloadavg()[0]:.1f}: "
        "other work on the machine inflates wall-clock times.",
        "",
        "Instances from `instances.generators.ooh.generate` (planted feasible; clustered trusts of 1-4 "
        "sites, about one site per 240 km2, services needed at about 80 % of sites).  `highs`: vectorised "
        "build, one HiGHS solve per service (services are independent blocks); `pyomo-highs`: one pyomo "
        "model of all services.  Times in seconds; `check_ok`: the independent checker accepts the plan; "
        "`check_delta`: |checker cost - objective| (GBP a year); `saving_pct`: annual cost saved against "
        "today's rotas.",
        "",
        _table(frame),
        "",
    ]
    (args.out / "ooh_scale.md").write_text("\n".join(text), encoding="utf-8")
    return 0


def _table(frame: pd.DataFrame) -> str:
    frame = frame.copy()
    for column in ("objective", "bound"):  # GBP a year, to the pound
        frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    try:
        return frame.to_markdown(index=False, floatfmt=".4g")
    except ImportError:  # tabulate is optional
        return "```\n" + frame.to_string(index=False) + "\n```"


if __name__ == "__main__":
    raise SystemExit(main())
