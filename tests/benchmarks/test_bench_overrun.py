"""The suite records how far each solve ran past its time limit and lists those over 10 % + 2 s."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks.suite import run_suite
from benchmarks.suite.overrun import allowed_overrun, over_budget, overrun_lines, overrun_seconds
from benchmarks.suite.registry import Context
from benchmarks.suite.tasks import COLUMNS


def test_overrun_is_the_time_past_the_limit() -> None:
    assert overrun_seconds(12.5, 10) == pytest.approx(2.5)
    assert overrun_seconds(4.0, 10) == 0.0
    assert overrun_seconds(4.0, None) is None and overrun_seconds(None, 10) is None
    assert overrun_seconds(float("nan"), 10) is None
    assert allowed_overrun(300) == pytest.approx(32.0) and allowed_overrun(10) == pytest.approx(3.0)


def test_cases_over_ten_percent_and_two_seconds_are_listed() -> None:
    frame = pd.DataFrame(
        {
            "case": ["within", "edge", "over", "no limit"],
            "backend": ["highs"] * 4,
            "repeat": [0] * 4,
            "status": ["feasible"] * 4,
            "time_limit": [10.0, 10.0, 300.0, None],
            "overrun_seconds": [2.9, 3.0, 32.5, None],
        }
    )
    assert over_budget(frame)["case"].tolist() == ["over"]
    text = "\n".join(overrun_lines(frame))
    assert "1 case(s) ran past their allowance" in text
    assert "- over with highs (repeat 0): 32.50 s past its 300 s limit (allowed 32.00 s)" in text
    assert "Worst: 32.50 s over 3 case(s)" in text
    assert "No case ran past its allowance." in "\n".join(overrun_lines(frame.iloc[:2]))


@pytest.mark.slow
def test_the_runner_records_a_fake_cases_overrun(probes: None, make_suite, tmp_path: Path) -> None:
    """A probe sleeping 4 s against a 1 s limit overran by about 3 s (> 0.1 + 2 s); one that returns at once by 0."""
    settings = {"time_limit": 1, "gap": 0, "threads": 1, "wall_limit": 60, "memory_limit_mb": 1500}
    suite = make_suite(
        {
            "settings": settings,
            "backends": ["highs"],
            "cases": [{"family": "probe", "probes": [{"name": "slow", "seconds": 4}, {"name": "quick"}]}],
        }
    )
    out = tmp_path / "out"
    run_suite(suite, out, context=Context(None), workers=2, report=True)
    table = pd.read_csv(out / "results.csv")
    assert list(table.columns) == list(COLUMNS)
    table = table.set_index("case")
    assert 3.0 <= table.loc["slow", "overrun_seconds"] < 6.0
    assert table.loc["quick", "overrun_seconds"] == 0.0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Time limit overrun" in report and "1 case(s) ran past their allowance" in report
    assert "- slow with highs (repeat 0): " in report and "- quick" not in report


def test_a_case_that_keeps_its_deadline_stops_at_the_time_limit(
    probes: None, make_suite, tmp_path: Path
) -> None:
    """The case's options carry a deadline set when its process starts: a probe that would sleep
    30 s, but keeps the deadline as every model does, stops at the 1 s limit (no overrun)."""
    settings = {"time_limit": 1, "gap": 0, "threads": 1, "wall_limit": 60, "memory_limit_mb": 1500}
    probe = {"name": "keeps", "seconds": 30, "until_deadline": True}
    suite = make_suite(
        {"settings": settings, "backends": ["highs"], "cases": [{"family": "probe", "probes": [probe]}]}
    )
    out = tmp_path / "out"
    run_suite(suite, out, context=Context(None), workers=1, report=False)
    row = pd.read_csv(out / "results.csv").iloc[0]
    assert row["solve_seconds"] < 5.0
    assert row["overrun_seconds"] < 0.5  # against 29 s when the case had no deadline
