"""The summaries' shared formatters (optimiser/kinds/figures.py)."""

from __future__ import annotations

from optimiser.kinds.figures import gap_percent, money, solver_status
from solvers import SolveResult, Status


def _result(status: Status, gap: float | None, asked: float) -> SolveResult:
    return SolveResult(status, 100.0, 99.0, gap, 0.0, 1.0, "highs", options={"gap": asked})


def test_an_optimal_plan_with_an_open_gap_is_optimal_within_the_gap_asked() -> None:
    # 10k x 300 with --gap 0.01 ended "optimal" at 0.88 %: the summary must not read as proven
    assert solver_status(_result(Status.OPTIMAL, 0.0088, 0.01)) == "optimal within the 1.00% gap asked"
    assert solver_status(_result(Status.OPTIMAL, 0.0, 1e-4)) == "optimal"
    assert solver_status(_result(Status.FEASIBLE, 0.03, 0.01)) == "feasible"


def test_a_small_gap_keeps_its_digits() -> None:
    # lsc-sact: bound 5,631,483 against 5,631,616 is 0.0024 %, which two decimals print as 0.00 %
    assert gap_percent((5_631_616 - 5_631_483) / 5_631_616) == "0.0024%"
    assert gap_percent(0.0088) == "0.88%"
    assert gap_percent(0.0) == "0.00%"
    assert gap_percent(None) == "n/a"


def test_money_puts_the_sign_before_the_pound() -> None:
    assert money(-1200.0) == "-£1,200"
    assert money(None) == "n/a"
