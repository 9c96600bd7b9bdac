"""Wall time of the options-appraisal commands with 1 and 2 Dask workers.

Runs, as a user would, ``optimiser frontier INSTANCE --points N`` and ``optimiser regret
INSTANCE`` once per worker count (each solve is its own process; the workers only wait on them),
and records the whole command's wall time, the number of solves and how many passed their
independent check.  Usage::

    python -m benchmarks.options_appraisal [--instance lsc-sact-districts] [--points 15] [--workers 1,2]
        [--time-limit 120] [--out benchmarks/results]

Writes ``options_appraisal.csv`` and ``options_appraisal.md`` (with the machine) to ``--out``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.machine import machine_description


def run_command(command: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - t0, done.returncode


def measure(instance: str, points: int, workers: int, time_limit: float, scratch: Path) -> list[dict]:
    rows = []
    for what in ("frontier", "regret"):
        out = scratch / f"{what}-{workers}"
        command = [sys.executable, "-m", "optimiser", what, instance, "--out", str(out)]
        command += ["--workers", str(workers), "--time-limit", str(time_limit), "--no-report"]
        if what == "frontier":
            command += ["--points", str(points)]
        seconds, code = run_command(command)
        table = pd.read_csv(out / "comparison.csv") if (out / "comparison.csv").is_file() else pd.DataFrame()
        rows.append(
            {
                "command": what,
                "instance": instance,
                "points": points if what == "frontier" else None,
                "workers": workers,
                "solves": len(table),
                "checked": int((table.get("check") == "passed").sum()) if len(table) else 0,
                "wall_seconds": round(seconds, 1),
                "exit_code": code,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default="lsc-sact-districts")
    parser.add_argument("--points", type=int, default=15)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for workers in (int(w) for w in args.workers.split(",")):
            rows += measure(args.instance, args.points, workers, args.time_limit, Path(scratch))
    table = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "options_appraisal.csv", index=False)
    command = "python -m benchmarks.options_appraisal " + " ".join(argv if argv is not None else sys.argv[1:])
    text = [
        "# Options appraisal: frontier and regret wall time",
        "",
        f"Command: `{command.strip()}`",
        "",
        machine_description(),
        "",
        table.to_markdown(index=False),
        "",
    ]
    (args.out / "options_appraisal.md").write_text("\n".join(text), encoding="utf-8")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
