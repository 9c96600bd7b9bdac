"""One deadline for a whole solve: SolveOptions arithmetic and every backend ending by it."""

from __future__ import annotations

import time

import numpy as np
import pytest

from solvers import SolveOptions, Status, solve_cpsat, solve_matrix, solve_pyomo
from solvers.interrupt import request_stop
from solvers.pricing import price_relaxation
from tests.solvers.test_matrix import market_split
from tests.solvers.test_pricing import facility, nearest


def test_with_deadline_takes_the_time_limit_and_keeps_an_earlier_deadline() -> None:
    before = time.monotonic()
    options = SolveOptions(time_limit=30.0).with_deadline()
    assert options.deadline is not None
    assert before + 30.0 <= options.deadline <= time.monotonic() + 30.0
    later = options.with_deadline(100.0)
    assert later.deadline == options.deadline  # the earlier deadline stays
    sooner = options.with_deadline(5.0)
    assert sooner.deadline is not None and sooner.deadline < options.deadline
    assert SolveOptions().with_deadline().deadline is None  # no figure, no deadline


def test_remaining_and_call_limit() -> None:
    assert SolveOptions().remaining() is None and SolveOptions().call_limit() is None
    assert SolveOptions(time_limit=7.0).call_limit() == 7.0
    options = SolveOptions(time_limit=7.0).with_deadline(2.0)
    left = options.remaining()
    assert left is not None and 1.0 < left <= 2.0
    assert options.call_limit() == pytest.approx(left, abs=0.1)  # the deadline is sooner
    assert SolveOptions(time_limit=1.0).with_deadline(50.0).call_limit() == 1.0
    spent = SolveOptions(deadline=time.monotonic() - 1.0)
    assert spent.remaining() == 0.0 and spent.call_limit() == 0.0


def test_should_stop_at_the_deadline_or_a_stop_request() -> None:
    assert not SolveOptions().should_stop()
    assert not SolveOptions().with_deadline(60.0).should_stop()
    assert SolveOptions(deadline=time.monotonic() - 0.01).should_stop()
    request_stop()
    assert SolveOptions().should_stop()


def test_deadline_ends_a_long_milp_with_its_plan() -> None:
    """Market split runs > 60 s here; a deadline 1.5 s away ends it, whatever its time limit."""
    options = SolveOptions(time_limit=300.0, gap=0.0, threads=1).with_deadline(1.5)
    t0 = time.perf_counter()
    result, x = solve_matrix(market_split(), options)
    assert time.perf_counter() - t0 < 10.0
    assert result.status is Status.FEASIBLE and x is not None and not result.interrupted
    assert result.message == "time limit reached"


def test_a_spent_deadline_returns_at_once_without_a_plan() -> None:
    options = SolveOptions(deadline=time.monotonic() - 1.0)
    result, x = solve_matrix(market_split(), options)
    assert result.status is Status.NO_SOLUTION and x is None
    assert result.solve_seconds == 0.0 and "time limit" in result.message
    assert not result.interrupted


def test_a_spent_deadline_with_a_start_returns_the_start() -> None:
    m = market_split()
    start = m.col_lower.copy()
    start[m.variable_blocks["over"].index] = 0.0
    start[m.variable_blocks["under"].index] = m.row_lower  # x = 0: every row short by its half
    result, x = solve_matrix(m, SolveOptions(deadline=time.monotonic() - 1.0), start=start)
    assert result.status is Status.FEASIBLE and x is not None
    assert result.objective == pytest.approx(m.row_lower.sum())


def test_pricing_ends_by_the_deadline() -> None:
    model = facility(lazy=True)
    spent = price_relaxation(model, model.integer == 0, nearest(model, 2), deadline=time.monotonic() - 1.0)
    assert spent.status == "time_limit" and spent.rounds == 0 and spent.bound is None
    whole = price_relaxation(model, model.integer == 0, nearest(model, 2), deadline=time.monotonic() + 60.0)
    assert whole.status == "optimal"


def test_cpsat_search_ends_by_the_deadline() -> None:
    cp_model = pytest.importorskip("ortools.sat.python.cp_model")
    model = _cp_market_split(cp_model)
    t0 = time.perf_counter()
    result, _ = solve_cpsat(model, SolveOptions(time_limit=300.0, gap=0.0).with_deadline(1.5))
    assert time.perf_counter() - t0 < 10.0
    assert result.status is Status.FEASIBLE and not result.interrupted


def _cp_market_split(cp_model: object, rows: int = 4, items: int = 30, seed: int = 0) -> object:
    """Market split (see tests.solvers.test_matrix.market_split) for CP-SAT: minutes to prove."""
    import numpy as np

    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, (rows, items))
    half = a.sum(axis=1) // 2
    model = cp_model.CpModel()  # type: ignore[attr-defined]
    x = [model.new_bool_var(f"x{j}") for j in range(items)]
    deviation = []
    for i in range(rows):
        over = model.new_int_var(0, int(a[i].sum()), f"over{i}")
        under = model.new_int_var(0, int(a[i].sum()), f"under{i}")
        model.add(sum(int(a[i, j]) * x[j] for j in range(items)) - over + under == int(half[i]))
        deviation += [over, under]
    model.minimize(sum(deviation))
    return model


def test_a_zero_time_limit_without_a_deadline_still_starts_the_backend() -> None:
    """``time_limit=0`` hands the model over (benchmarks time pyomo's handoff so); only a spent
    deadline or a stop request skips the backend."""
    pytest.importorskip("pyomo.environ")
    from tests.solvers.test_backends import knapsack

    result = solve_pyomo(knapsack(), "highs", SolveOptions(time_limit=0.0))
    assert result.message != "time limit reached before the solve started"
    skipped = solve_pyomo(knapsack(), "highs", SolveOptions(deadline=time.monotonic() - 1.0))
    assert (
        skipped.status is Status.NO_SOLUTION
        and skipped.message == "time limit reached before the solve started"
    )


def test_a_milp_with_lazy_rows_stops_its_root_round_before_the_call_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a start, HiGHS's own time limit for the MILP ends ROOT_ROUND_PER_LP_SECOND times the
    root cut loop's seconds before the call's end (its root rounds overrun the limit by about an
    LP's time); without one the MILP keeps the whole call."""
    from solvers import highs_direct
    from solvers.highs_stop import HighsStop
    from tests.solvers.test_matrix import _facility_model

    loop = highs_direct._root_cut_loop

    def slow_loop(h: object, model: object, stop: HighsStop) -> tuple[int, float | None]:
        time.sleep(0.6)  # a root linear program of 0.6 s
        return loop(h, model, stop)

    limits: list[tuple[bool, float, float]] = []
    arm = HighsStop.arm

    def recording_arm(self: HighsStop, mip: bool, margin: float = 0.0) -> None:
        arm(self, mip, margin)
        left = self.left()
        assert left is not None
        limits.append((mip, float(self.h.getOptionValue("time_limit")[1]), left))

    monkeypatch.setattr(highs_direct, "_root_cut_loop", slow_loop)
    monkeypatch.setattr(HighsStop, "arm", recording_arm)
    monkeypatch.setattr(highs_direct, "ROOT_ROUND_PER_LP_SECOND", 2.0)
    model = _facility_model(True)
    start = np.zeros(model.num_cols)
    start[[0, 1, 2]] = 1.0  # every site open, each customer served by its first site
    start[3 + 3 * np.arange(4)] = 1.0
    result, x = solve_matrix(model, SolveOptions(time_limit=30.0).with_deadline(), start=start)
    assert result.status is Status.OPTIMAL and result.objective == pytest.approx(25.0)
    mip, limit, left = limits[-1]
    assert mip and 24.0 < left < 29.5
    assert left - 2.0 * 1.0 <= limit <= left - 2.0 * 0.6 + 0.05  # the loop took 0.6 s and a little more
    limits.clear()
    solve_matrix(model, SolveOptions(time_limit=30.0).with_deadline())  # no start: no plan to keep
    mip, limit, left = limits[-1]
    assert mip and left <= limit <= left + 0.05


def test_a_milp_without_lazy_rows_keeps_the_whole_call(monkeypatch: pytest.MonkeyPatch) -> None:
    from solvers.highs_stop import HighsStop
    from tests.solvers.test_matrix import _facility_model

    limits: list[tuple[float, float]] = []
    arm = HighsStop.arm

    def recording_arm(self: HighsStop, mip: bool, margin: float = 0.0) -> None:
        arm(self, mip, margin)
        left = self.left()
        assert left is not None
        limits.append((float(self.h.getOptionValue("time_limit")[1]), left))

    monkeypatch.setattr(HighsStop, "arm", recording_arm)
    solve_matrix(_facility_model(False), SolveOptions(time_limit=30.0).with_deadline())
    limit, left = limits[-1]
    assert left <= limit <= left + 0.05
