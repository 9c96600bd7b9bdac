"""Wall-clock seconds of ``optimiser`` commands against their ``--time-limit``.

Usage (from the repository root, one markdown table row printed per run)::

    PYTHONPATH=$PWD python benchmarks/scripts/time_limits_sweep.py lsc-sact:5 lsc-cover:15
    PYTHONPATH=$PWD python benchmarks/scripts/time_limits_sweep.py --repeat 5 lsc-sact:15
    PYTHONPATH=$PWD python benchmarks/scripts/time_limits_sweep.py --interrupt 8 lsc-ooh:30

Each ``NAME:LIMIT`` runs ``optimiser solve NAME --time-limit LIMIT --out DIR`` in its own process
(the console script, so the clock counts from the process start as a user's does) and prints: the
instance, the limit (seconds), the wall seconds (``time.monotonic`` around the process), the
overrun (wall less limit, seconds), the exit code, the solver's status, objective and gap, whether
the plan was marked interrupted and the check's outcome (from ``summary.json``), and the one-minute
load average before the run. ``--interrupt S`` sends SIGINT S seconds after the start (Ctrl-C)
and records whether a traceback was printed. ``--extra`` passes further options to ``solve``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path


def run_once(name: str, limit: float, interrupt: float | None, extra: list[str]) -> str:
    """One run of ``optimiser solve`` as a markdown table row."""
    out = Path(tempfile.mkdtemp(prefix="time-limits-")) / "run"
    command = ["optimiser", "solve", name, "--time-limit", f"{limit:g}", "--out", str(out), *extra]
    load = os.getloadavg()[0]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if interrupt is not None:
        try:
            process.wait(timeout=interrupt)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate()
    wall = time.monotonic() - started
    summary_file = out / "summary.json"
    status = objective = gap = interrupted = check = "-"
    if summary_file.exists():
        summary = json.loads(summary_file.read_text())
        solver = summary.get("solver") or {}
        status = str(solver.get("status", "-"))
        if solver.get("objective") is not None:
            objective = f"{solver['objective']:,.0f}"
        if solver.get("gap") is not None:
            gap = f"{100 * solver['gap']:.2f}%"
        interrupted = str(summary.get("interrupted", "-"))
        check_record = summary.get("check")
        check = str(check_record.get("passed", "-")) if isinstance(check_record, dict) else str(check_record)
    traceback = "traceback" if "Traceback" in stdout + stderr else ""
    shutil.rmtree(out.parent, ignore_errors=True)
    extra_text = " ".join(extra)
    return (
        f"| {name} {extra_text} | {limit:g} | {wall:.2f} | {wall - limit:+.2f} | {process.returncode} "
        f"| {status} | {objective} | {gap} | {interrupted} | {check} | {load:.2f} | {traceback} |"
    )


def main() -> None:
    """Run every ``NAME:LIMIT`` ``--repeat`` times and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("cases", nargs="+", help="NAME:LIMIT (instance, seconds)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case (default 1)")
    parser.add_argument("--interrupt", type=float, default=None, help="SIGINT after this many seconds")
    parser.add_argument("--extra", default="", help="further options for solve, one string")
    arguments = parser.parse_args()
    print(
        "| instance | limit s | wall s | over s | exit | status | objective | gap | interrupted | check "
        "| load | |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for _ in range(arguments.repeat):
        for case in arguments.cases:
            name, limit = case.rsplit(":", 1)
            row = run_once(name, float(limit), arguments.interrupt, arguments.extra.split())
            print(row, flush=True)


if __name__ == "__main__":
    main()
