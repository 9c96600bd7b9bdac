"""OR-Library pmed1-20 by the radius path of the SACT model (models.sact.radius), one case after another.

Protocol: each instance read by :func:`models.sact.orlibrary.read_pmed`, solved through the contract
(``models.sact.solve``, ``solve_method: auto``, which takes the radius path on these) with HiGHS,
gap 0, one thread, seed 0, a time limit per case; each plan re-checked by ``models.sact.check`` and
its objective compared with the published optimum.  The load average of the machine is recorded
before and after (other work on a shared machine slows every case).  Usage::

    python -m benchmarks.pmed_radius [--data ../shared/benchmarks/pmed] [--names pmed1,pmed2]
        [--time-limit 600] [--threads 1] [--method auto] [--out benchmarks/results/pmed-radius]

Writes ``results.csv`` and ``report.md`` (with the machine description) to ``--out``.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

import models.sact
from benchmarks.machine import machine_description
from models.sact.orlibrary import read_optima, read_pmed
from solvers import SolveOptions


def run(
    data_dir: Path, names: list[str], time_limit: float, threads: int, method: str = "auto"
) -> pd.DataFrame:
    optima = read_optima(data_dir / "optima.txt")
    rows = []
    for name in names:
        data = read_pmed(data_dir / f"{name}.txt")
        data = replace(data, parameters=replace(data.parameters, solve_method=method))
        options = SolveOptions(gap=0.0, threads=threads, seed=0, time_limit=time_limit).with_deadline()
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        plan = models.sact.solve(data, options=options)
        seconds = time.perf_counter() - t0
        report = models.sact.check(data, plan)
        r = plan.result
        rows.append(
            {
                "case": name,
                "n": len(data.zones),
                "p": data.parameters.exact_open_sites,
                "path": plan.solve_path,
                "status": r.status.value,
                "objective": r.objective,
                "bound": r.bound,
                "gap": r.gap,
                "published": optima.get(name),
                "matches": r.objective is not None
                and abs(r.objective - optima.get(name, float("nan"))) < 1e-6,
                "check": "ok" if not report.violations and not report.mismatches else "failed",
                "seconds": round(seconds, 2),
                "load_at_start": round(load, 1),
                "how": r.message,
            }
        )
        print(f"{name}: {r.status.value} {r.objective} ({seconds:.1f} s, load {load:.1f})", flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks/pmed"))
    parser.add_argument("--names", default=",".join(f"pmed{i}" for i in range(1, 21)))
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--method", default="auto", help="solve_method: auto (radius here) or direct")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/pmed-radius"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    table = run(args.data, args.names.split(","), args.time_limit, args.threads, args.method)
    load_after = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "results.csv", index=False)
    proven = int(((table["status"] == "optimal") & table["matches"]).sum())
    lines = [
        f"# OR-Library p-median by the SACT model, solve_method {args.method}",
        "",
        machine_description(),
        "",
        f"Command: `python -m benchmarks.pmed_radius --names {args.names} --time-limit {args.time_limit:g} "
        f"--threads {args.threads} --method {args.method} --out {args.out}`",
        "Load average (1, 5, 15 min) before: {:.1f}, {:.1f}, {:.1f}; ".format(*load_before)
        + "after: {:.1f}, {:.1f}, {:.1f} (2 cores).".format(*load_after),
        "",
        f"Proven at the published optimum: {proven} of {len(table)}; total {table['seconds'].sum():.1f} s.",
        "",
        table.drop(columns=["how"]).to_markdown(index=False),
        "",
    ]
    (args.out / "report.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
