"""``--time-limit`` is the wall clock of the whole run: it counts from the process start."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser import clock
from optimiser.cli import main


def test_deadline_keeps_a_reserve_for_check_files_and_exit() -> None:
    assert clock.EXIT_SECONDS == 0.5
    assert clock.solve_deadline(100.0, None) is None
    assert clock.solve_deadline(100.0, 600) == pytest.approx(100 + 600 - (10 + 0.5))  # at most 10 s
    assert clock.solve_deadline(100.0, 60) == pytest.approx(100 + 60 - (3 + 0.5))  # 5 %
    assert clock.solve_deadline(100.0, 15) == pytest.approx(100 + 15 - (0.75 + 0.5))
    assert clock.solve_deadline(100.0, 6) == pytest.approx(100 + 6 - (0.5 + 0.5))  # at least 0.5 s
    assert clock.solve_deadline(100.0, 1) == pytest.approx(100 + 1 - 0.25)  # at most a quarter


def test_reserve_grows_with_the_rows_to_write() -> None:
    per_row = clock.CHECK_AND_WRITE_SECONDS_PER_ROW
    assert per_row == 0.0015
    # 5 % of 60 s, plus 1.5 ms for each of 5,000 rows
    assert clock.solve_deadline(100.0, 60, rows=5_000) == pytest.approx(100 + 60 - (3 + 7.5 + 0.5))
    # 10 s at most before the rows: 600 s keeps back 10 + 36.6 s for a year's rota of 24,388 shifts
    assert clock.solve_deadline(100.0, 600, rows=24_388) == pytest.approx(100 + 600 - (10 + 36.582 + 0.5))
    # never more than a quarter of the limit: the solve keeps three quarters
    assert clock.solve_deadline(100.0, 60, rows=24_388) == pytest.approx(100 + 60 - 15)
    assert clock.solve_deadline(100.0, 60, rows=-5) == clock.solve_deadline(100.0, 60)


def test_a_rotas_rows_are_its_shifts_of_cover() -> None:
    from types import SimpleNamespace

    from optimiser.kinds.roster import plan_rows

    cover = pd.DataFrame(
        {
            "date": ["2025-01-06"] * 3 + ["2025-01-07"] * 2,
            "shift_id": ["E", "E", "N", "E", "N"],
            "skill": ["", "chemo", "", "", ""],  # holders of a skill are counted in the headcount row
            "minimum": [3, 1, 1, 2, 1],
            "preferred": [4, 2, 1, 3, 2],
        }
    )
    assert plan_rows(SimpleNamespace(cover=cover)) == 4 + 1 + 3 + 2
    assert plan_rows(SimpleNamespace(cover=cover.iloc[:0])) == 0


@pytest.mark.slow
def test_solve_keeps_back_time_for_the_rotas_shifts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``optimiser solve`` passes the kind's expected rows to the deadline (a rota: its shifts)."""
    from optimiser.kinds import load_instance
    from optimiser.kinds.roster import plan_rows

    folder = tmp_path / "g"
    args = ["generate", "roster", "--staff", "5", "--days", "7", "--seed", "2", str(folder)]
    assert CliRunner().invoke(main, args).exit_code == 0
    asked: list[int] = []
    real = clock.solve_deadline

    def spy(started: float, time_limit: float | None, rows: int = 0) -> float | None:
        asked.append(rows)
        return real(started, time_limit, rows)

    monkeypatch.setattr(clock, "solve_deadline", spy)
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["solve", str(folder), "--time-limit", "8", "--out", str(out)])
    assert result.exit_code == 0, result.output
    expected = plan_rows(load_instance(folder).model_input.input)
    assert asked == [expected] and 5 <= expected <= 5 * 7


def test_a_rollout_keeps_back_time_for_each_of_its_years(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A roll-out's years are each a whole SACT plan to read, check and write: ``solve`` keeps back
    :data:`ROWS_PER_YEAR` rows' time for each (lsc-sact-rollout: 10 years, 1,500 rows, 2.25 s more
    than the 0.75 s a 15 s limit kept, with which it ran 2-4 s over at load 6-7)."""
    from optimiser.kinds.rollout import ROWS_PER_YEAR

    asked: list[int] = []
    real = clock.solve_deadline

    def spy(started: float, time_limit: float | None, rows: int = 0) -> float | None:
        asked.append(rows)
        return time.monotonic() - 1.0  # already past: no solve, the test only reads the rows

    monkeypatch.setattr(clock, "solve_deadline", spy)
    out = tmp_path / "run"
    CliRunner().invoke(main, ["solve", "lsc-sact-rollout", "--time-limit", "15", "--out", str(out)])
    assert asked == [10 * ROWS_PER_YEAR]
    keep = 15 + 100.0 - real(100.0, 15, rows=asked[0])
    assert keep == pytest.approx(0.75 + 10 * ROWS_PER_YEAR * clock.CHECK_AND_WRITE_SECONDS_PER_ROW + 0.5)


def test_a_cover_plans_rows_are_its_demand_mdts_and_workload() -> None:
    """lsc-cover: 832 demand rows, 32 MDTs and 34 oncologists over 26 weeks."""
    from optimiser.commands.instance_path import resolve_instance
    from optimiser.kinds import get_kind, load_instance

    data = load_instance(resolve_instance("lsc-cover")).model_input.input
    rows = get_kind("cover").plan_rows
    assert rows is not None and rows(data) == 832 + 26 * (32 + 34)


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


@pytest.mark.parametrize("command", ["solve", "scenarios", "frontier", "regret", "bench"])
@pytest.mark.parametrize("value", ["nan", "inf", "NaN"])
def test_a_time_limit_that_is_no_finite_number_is_refused(command: str, value: str) -> None:
    """--time-limit nan ran with no limit at all (an lsc-sact scenarios run took 172 s, its
    summaries saying time_limit null), as did inf: click's range lets both through."""
    result = CliRunner().invoke(main, [command, "lsc-sact", "--time-limit", value])
    assert result.exit_code == 2, result.output
    assert "--time-limit" in result.output and "is not a finite number" in result.output


@pytest.mark.parametrize("option", [("solve", "--gap"), ("scenarios", "--gap"), ("regret", "--within")])
def test_a_gap_that_is_no_finite_number_is_refused(option: tuple[str, str]) -> None:
    """--gap nan stopped an lsc-sact solve at a gap of 3.8 %, its summary's gap null."""
    command, name = option
    result = CliRunner().invoke(main, [command, "lsc-sact", name, "nan"])
    assert result.exit_code == 2 and "is not a finite number" in result.output, result.output
