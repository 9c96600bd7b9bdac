"""The run's clock: ``--time-limit`` counts from the start of the ``optimiser`` process.

A user's time limit is the wall clock of the whole run (start-up, reading and validating the
instance, the solve, the independent check and writing the files), so the solve's deadline is
set from the moment the process started, less a reserve for checking and writing what it found
and for the interpreter's exit:

    reserve = min(clip(share * limit, min_seconds, max_seconds) + per_row * rows + exit_seconds,
                  limit / 4)

5 % of the limit (:data:`CHECK_AND_WRITE_SHARE`), at least :data:`CHECK_AND_WRITE_MIN_SECONDS`
and at most :data:`CHECK_AND_WRITE_MAX_SECONDS`, plus :data:`CHECK_AND_WRITE_SECONDS_PER_ROW` for
each row the plan is expected to hold (``rows``: a rota's shifts, from the kind's ``plan_rows``;
a year's rota for 150 staff takes some 36 s to extract, check and write), plus
:data:`EXIT_SECONDS` for the interpreter's exit, and never more than a quarter of the limit:
the solve keeps at least three quarters, so a limit too short for the instance's size can still
be overrun by the files.

The console script marks the process start (:func:`mark_process_start`, which reads the
kernel's record of it where there is one, so that interpreter start-up and imports count); a
command invoked in-process without the console script (tests) counts from the command's start.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

CHECK_AND_WRITE_SHARE = 0.05
"""Share of ``--time-limit`` kept back from the solve for the check and the files (fraction)."""
CHECK_AND_WRITE_MIN_SECONDS = 0.5
"""The least kept back from the solve for the check, the files and the exit (seconds)."""
CHECK_AND_WRITE_MAX_SECONDS = 10.0
"""The most kept back from the solve for the check and the files, before the part for the plan's
size (seconds)."""
CHECK_AND_WRITE_SECONDS_PER_ROW = 0.0015
"""Kept back from the solve for each row the plan is expected to hold (seconds per row): a
150 x 364 rota (24,388 shifts of cover, 25,841 assigned) took about 36 s of wall-clock time
after its solve on a quiet 2-core machine, 1.46 ms a shift of cover (extracting the rota 10.6 s,
the independent check 10.3 s, its files and 150 calendars the rest), and ran 13 s over a
600 s limit when 0.5 ms a row was kept back."""

EXIT_SECONDS = 0.5
"""Kept back from the solve for the interpreter's exit once the files are written (seconds):
freeing the modules took 0.25-0.35 s after the imports alone and about 0.6 s after a solve of
lsc-sact, at load 5.5 on 2 cores; before it was kept back, lsc-sact at --time-limit 15 ended
0.6-0.9 s late in most runs (``benchmarks/results/time_limits.md``)."""

_process_started: float | None = None


def process_age_seconds() -> float | None:
    """Seconds since this process started, from ``/proc`` (Linux); None where unknown."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        ticks = float(fields[19])  # field 22 of stat(5), counted after the command name's ")"
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        age = uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return age if 0.0 <= age < 3600.0 else None


def mark_process_start() -> None:
    """Record the process start as the run's start (called by the console script first thing)."""
    global _process_started
    age = process_age_seconds()
    _process_started = time.monotonic() - (age if age is not None else 0.0)


def run_started() -> float:
    """The run's start in :func:`time.monotonic` seconds: the process start when the console script
    marked it, else now."""
    return _process_started if _process_started is not None else time.monotonic()


def solve_deadline(started: float, time_limit: float | None, rows: int = 0) -> float | None:
    """The solve's deadline for a run that started at ``started`` under ``time_limit`` seconds:
    the limit less the reserve for checking and writing a plan of about ``rows`` rows; None
    without a limit."""
    if time_limit is None:
        return None
    limit = float(time_limit)
    reserve = max(CHECK_AND_WRITE_SHARE * limit, CHECK_AND_WRITE_MIN_SECONDS)
    reserve = min(reserve, CHECK_AND_WRITE_MAX_SECONDS) + CHECK_AND_WRITE_SECONDS_PER_ROW * max(rows, 0)
    reserve += EXIT_SECONDS
    return started + limit - min(reserve, limit / 4)
