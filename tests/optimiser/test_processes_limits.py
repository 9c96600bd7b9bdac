"""A limited command that starts after an interruption is killed at once, until a new run."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from optimiser.processes.limits import allow_starts, kill_all, memory_note, run_limited


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


def test_the_memory_note_never_says_a_figure_is_above_an_equal_limit() -> None:
    """scenarios lsc-sact --memory-limit 100: 'killed: resident memory 100 MB above the limit of
    100 MB' (100.3 MB rounded to the MB)."""
    assert memory_note(100.3, 100) == "killed: resident memory 100.3 MB above the limit of 100 MB"
    assert memory_note(100.04, 100) == "killed: resident memory reached the limit of 100 MB"
    assert memory_note(150.56, 150.55) == "killed: resident memory 150.6 MB above the limit of 150.55 MB"
    assert memory_note(150.549, 150.545) == "killed: resident memory reached the limit of 150.545 MB"


def test_the_wall_clock_kill_names_its_limit_to_the_tenth_of_a_second(tmp_path: Path) -> None:
    """A frontier point's limit is its share of the command's: the note read 'the wall-clock limit
    of 14.7582 s'."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    killed = run_limited(sleeper, wall_seconds=0.7582, memory_mb=None, log_file=tmp_path / "slow.log")
    assert killed.status == "timeout"
    assert killed.note == "killed: still running after the wall-clock limit of 0.8 s"
