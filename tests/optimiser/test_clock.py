"""``--time-limit`` is the wall clock of the whole run: it counts from the process start."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimiser import clock
from optimiser.cli import main


def test_deadline_keeps_a_reserve_for_check_and_files() -> None:
    assert clock.solve_deadline(100.0, None) is None
    assert clock.solve_deadline(100.0, 600) == pytest.approx(100 + 600 - 10)  # at most 10 s
    assert clock.solve_deadline(100.0, 60) == pytest.approx(100 + 60 - 3)  # 5 %
    assert clock.solve_deadline(100.0, 4) == pytest.approx(100 + 4 - 0.5)  # at least 0.5 s
    assert clock.solve_deadline(100.0, 1) == pytest.approx(100 + 1 - 0.25)  # at most a quarter


def test_process_age_is_read_from_the_kernel() -> None:
    code = "import time; time.sleep(0.6); from optimiser.clock import process_age_seconds as a; print(a())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    if out.strip() == "None":
        pytest.skip("no /proc on this platform")
    assert 0.6 <= float(out) < 30


def test_time_spent_before_the_solve_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that started 100 s ago has no time left of a 50 s limit: no plan, and the
    explanation names the time limit (it would solve in about a second otherwise)."""
    monkeypatch.setattr(clock, "_process_started", time.monotonic() - 100.0)
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["solve", "lsc-sact-districts", "--time-limit", "50", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["plan_found"] is False
    assert "time limit" in " ".join(summary["explanation"]).lower()


def test_a_command_run_in_process_counts_from_its_own_start(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["solve", "lsc-sact-districts", "--time-limit", "60", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text())["plan_found"] is True
