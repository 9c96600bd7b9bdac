"""A description of the machine a benchmark ran on, for its recorded results."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path


def machine_description() -> str:
    """One markdown paragraph: date, CPU, cores, memory, Python and solver versions."""
    import highspy
    import pyomo

    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:
        memory = "unknown"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    highs_version = getattr(highspy, "__version__", None) or _dist_version("highspy")
    return (
        f"Machine: {cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; highspy {highs_version}, pyomo {pyomo.version.version}, "
        f"ortools {_dist_version('ortools')}. Recorded {dt.date.today().isoformat()}."
    )


def run_conditions(repo: Path) -> str:
    """One sentence: the load average when the run ended and the commit of ``repo`` it ran."""
    try:
        git = ["git", "rev-parse", "--short", "HEAD"]
        commit = subprocess.run(git, cwd=repo, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return f"Load average {load} at the end; commit {commit or 'unknown'} plus working-tree changes."


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
