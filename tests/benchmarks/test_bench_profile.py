"""Performance profile and growth exponent on hand-made tables."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.suite.profile import growth_exponent, performance_profile, performance_ratios, solve_times
from benchmarks.suite.report import shifted_geometric_mean, write_report
from benchmarks.suite.tasks import COLUMNS

INF = math.inf
# p1: A fastest; p2: B fastest (A twice as slow); p3: only A solves; p4: nobody solves.
TIMES = pd.DataFrame({"A": [1.0, 4.0, 3.0, INF], "B": [2.0, 2.0, INF, INF]}, index=["p1", "p2", "p3", "p4"])


def test_ratios_by_hand() -> None:
    r = performance_ratios(TIMES)
    assert r["A"].tolist() == [1.0, 2.0, 1.0, INF]
    assert r["B"].tolist() == [2.0, 1.0, INF, INF]


def test_profile_by_hand() -> None:
    prof = performance_profile(TIMES, np.array([1.0, 1.5, 2.0, 100.0, INF]))
    assert prof["A"].tolist() == [0.5, 0.5, 0.75, 0.75, 0.75]
    assert prof["B"].tolist() == [0.25, 0.25, 0.5, 0.5, 0.5]
    default = performance_profile(TIMES)
    assert default.index.tolist() == [1.0, 2.0]


def test_problems_not_attempted_by_every_backend_are_left_out() -> None:
    times = TIMES.copy()
    times.loc["p5"] = [1.0, np.nan]
    assert len(performance_ratios(times)) == 4


def _row(case: str, backend: str, status: str, seconds: float, repeat: int = 0, size: float = 1.0) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(
        key=f"f/{case}|{backend}|{repeat}",
        family="f",
        case=case,
        model="m",
        size=str(size),
        size_value=size,
        backend=backend,
        repeat=repeat,
        status=status,
        build_seconds=0.0,
        solve_seconds=seconds,
        wall_seconds=seconds + 1,
        peak_memory_mb=100.0,
        check="-",
        note="",
    )
    return row


HAND_TABLE = pd.DataFrame(
    [
        _row("p1", "A", "optimal", 1.0, size=10),
        _row("p1", "B", "optimal", 2.0, size=10),
        _row("p2", "A", "optimal", 3.0, size=100),
        _row("p2", "A", "optimal", 5.0, repeat=1, size=100),
        _row("p2", "B", "optimal", 2.0, size=100),
        _row("p3", "A", "optimal", 3.0, size=1000),
        _row("p3", "B", "timeout", 9.0, size=1000),
        _row("p4", "A", "feasible", 9.0, size=1000),
        _row("p4", "B", "error", 0.0, size=1000),
        _row("p5", "A", "optimal", 1.0),
        _row("p5", "B", "skipped", 0.0),
    ],
    columns=list(COLUMNS),
)


def test_solve_times_from_rows_match_the_hand_table() -> None:
    times = solve_times(HAND_TABLE)
    assert times.loc["f/p2", "A"] == 4.0  # median of two repeats
    pd.testing.assert_frame_equal(
        times.drop(index="f/p5").rename(index=lambda p: p.removeprefix("f/")),
        TIMES,
        check_names=False,
    )


def test_growth_exponent_of_a_power_law() -> None:
    n = np.array([10.0, 100.0, 1000.0])
    exponent, coefficient = growth_exponent(n, 3.0 * n**2)
    assert exponent == pytest.approx(2.0) and coefficient == pytest.approx(3.0)
    assert growth_exponent(np.array([5.0, 5.0]), np.array([1.0, 2.0])) is None


def test_shifted_geometric_mean() -> None:
    assert shifted_geometric_mean([1.0, 3.0]) == pytest.approx(math.sqrt(2 * 4) - 1)


def test_report_writes_markdown_and_png(tmp_path: Path) -> None:
    files = write_report(HAND_TABLE, tmp_path, title="Hand-made", notes=["pyomo-scip skipped: not installed"])
    names = {f.name for f in files}
    assert names == {"report.md", "profile.png", "scaling-m.png"}
    for f in files:
        if f.suffix == ".png":
            assert f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = (tmp_path / "report.md").read_text()
    for heading in (
        "# Hand-made",
        "## Summary by family and backend",
        "## Performance profile",
        "## Time against size",
        "## Every row",
        "## Notes",
    ):
        assert heading in text
    assert "pyomo-scip skipped" in text
    assert "| 1     | 0.50" in text  # rho_A(1) in the profile table


def test_report_of_cases_without_a_size_writes_no_fit(tmp_path: Path) -> None:
    """A case whose size is known only once built (size_value NaN) is tabulated, not plotted."""
    table = HAND_TABLE.copy()
    table["size_value"] = np.nan
    files = write_report(table, tmp_path, title="Sizes unknown")
    assert (tmp_path / "report.md") in files
    assert "## Every row" in (tmp_path / "report.md").read_text()


def test_a_backend_with_a_case_of_its_own_leaves_the_others_compared(tmp_path: Path) -> None:
    """smoke's rota runs on cpsat alone: the profile still compares the backends sharing the rest."""
    rota = pd.DataFrame([_row("rota", "C", "optimal", 1.0)], columns=list(COLUMNS))
    table = pd.concat([HAND_TABLE, rota], ignore_index=True)
    files = write_report(table, tmp_path, title="With a backend of its own")
    assert tmp_path / "profile.png" in files
    text = (tmp_path / "report.md").read_text()
    assert "needs two or more backends" not in text
    assert "Share of the 4 problems A, B all attempted" in text
    assert "| 1     | 0.50" in text  # rho_A(1), as without the rota


def test_the_summary_counts_tasks_proven_infeasible_apart_from_those_without_a_plan_in_time() -> None:
    """The summary's 'no plan' counted a task proven infeasible with one stopped before any plan:
    the first is an answer, the second not."""
    from benchmarks.suite.report import summary_table

    table = pd.DataFrame(
        [
            _row("p1", "A", "infeasible", 0.1),
            _row("p2", "A", "no_solution", 9.0),
            _row("p3", "A", "optimal", 1.0),
        ],
        columns=list(COLUMNS),
    )
    row = summary_table(table).iloc[0]
    assert (row["optimal"], row["infeasible"], row["no plan"]) == (1, 1, 1)


def test_a_backend_that_proves_a_task_infeasible_has_solved_it_in_the_profile() -> None:
    """A proof of infeasibility is the task's answer: its time enters the performance profile as a
    proven optimum's does; it was infinite, as a solve stopped at its limit."""
    table = pd.DataFrame(
        [_row("p1", "A", "infeasible", 2.0), _row("p1", "B", "no_solution", 9.0)], columns=list(COLUMNS)
    )
    times = solve_times(table)
    assert times.loc["f/p1", "A"] == 2.0 and times.loc["f/p1", "B"] == np.inf
