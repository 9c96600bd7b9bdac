"""A limited command that starts after an interruption is killed at once, until a new run."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from optimiser.processes.limits import allow_starts, kill_all, run_limited


def test_a_command_starting_after_kill_all_is_killed_until_starts_are_allowed(tmp_path: Path) -> None:
    """A bench interrupted as one case ended started the next (120 s) and its cluster waited for
    it: kill_all reached only the commands already running."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    try:
        kill_all()
        t0 = time.perf_counter()
        late = run_limited(sleeper, wall_seconds=60, memory_mb=None, log_file=tmp_path / "late.log")
        assert time.perf_counter() - t0 < 10 and late.status == "killed"
    finally:
        allow_starts()
    quick = [sys.executable, "-c", "pass"]
    again = run_limited(quick, wall_seconds=60, memory_mb=None, log_file=tmp_path / "again.log")
    assert (again.status, again.returncode) == ("finished", 0)
