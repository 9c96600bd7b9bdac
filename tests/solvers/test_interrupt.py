"""A stop request (Ctrl-C, SIGTERM) ends every backend soon with its best plan and interrupted=True."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from solvers import SolveOptions, Status, solve_cpsat, solve_matrix, solve_pyomo, staged
from solvers.interrupt import (
    FORCE_AFTER_SECONDS,
    INTERRUPTED_NO_PLAN,
    STOP_MESSAGE,
    on_stop,
    request_stop,
    stop_on_signals,
    stop_requested,
)
from solvers.pricing import price_relaxation
from solvers.pyomo_backend import pyomo_backend_available
from solvers.pyomo_matrix import to_pyomo
from tests.conftest import REPO_ROOT
from tests.solvers.test_deadline import _cp_market_split
from tests.solvers.test_matrix import market_split
from tests.solvers.test_pricing import facility, nearest

LONG = SolveOptions(time_limit=300.0, gap=0.0, threads=1)
"""Market split at these options runs for more than 60 s here (measured: no proof in 60 s)."""

QUICK = 10.0
"""Seconds within which an interrupted solve must return (generous: it takes well under 2 s)."""


@contextmanager
def after(seconds: float, action: Callable[[], None]) -> Iterator[None]:
    timer = threading.Timer(seconds, action)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def test_highs_stops_on_request_with_its_plan() -> None:
    t0 = time.perf_counter()
    with after(1.0, request_stop):
        result, x = solve_matrix(market_split(), LONG)
    assert time.perf_counter() - t0 < QUICK
    assert result.status is Status.FEASIBLE and result.interrupted and x is not None
    assert result.to_dict()["interrupted"] is True
    assert market_split().max_violation(x) <= 1e-6


def test_highs_requested_before_the_solve_starts_returns_no_plan() -> None:
    request_stop()
    result, x = solve_matrix(market_split(), LONG)
    assert result.status is Status.NO_SOLUTION and x is None
    assert result.interrupted and result.message == INTERRUPTED_NO_PLAN


def test_highs_lp_stops_on_request() -> None:
    """A plain LP (180,000 columns, 3 s here) stops at its first simplex callback, without a plan.

    HiGHS's presolve has no callback: the stop takes effect when it ends.
    """
    model = facility(1200, 150, lazy=False)
    with after(0.2, request_stop):  # early: on a quiet machine the LP takes about a second
        result, x = solve_matrix(model, LONG, relax=True)
    assert result.status is Status.NO_SOLUTION and result.interrupted and x is None


def test_pricing_stops_on_request() -> None:
    model = facility(lazy=True)
    request_stop()
    out = price_relaxation(model, model.integer == 0, nearest(model, 2))
    assert out.status == "interrupted" and out.rounds == 0


def test_cpsat_stops_on_request_with_its_plan() -> None:
    cp_model = pytest.importorskip("ortools.sat.python.cp_model")
    t0 = time.perf_counter()
    with after(1.0, request_stop):
        result, solver = solve_cpsat(_cp_market_split(cp_model), LONG)
    assert time.perf_counter() - t0 < QUICK
    assert result.status is Status.FEASIBLE and result.interrupted
    assert result.objective is not None and result.objective > 0


def test_cpsat_requested_before_the_solve_starts_returns_at_once() -> None:
    """CP-SAT forgets a ``stop_search`` made before its solve: a request already made must still
    end the solve at once (a second phase started after Ctrl-C ran for its whole limit)."""
    cp_model = pytest.importorskip("ortools.sat.python.cp_model")
    request_stop()
    t0 = time.perf_counter()
    result, _ = solve_cpsat(_cp_market_split(cp_model), LONG)
    assert time.perf_counter() - t0 < QUICK
    assert result.interrupted and result.status in (Status.FEASIBLE, Status.NO_SOLUTION)


def test_pyomo_highs_stops_on_request_with_its_plan() -> None:
    pyo = pytest.importorskip("pyomo.environ")

    model = to_pyomo(market_split())[0]
    t0 = time.perf_counter()
    with after(1.5, request_stop):
        result = solve_pyomo(model, "highs", LONG)
    assert time.perf_counter() - t0 < QUICK
    assert result.status is Status.FEASIBLE and result.interrupted
    assert result.objective == pytest.approx(pyo.value(next(iter(model.component_objects(pyo.Objective)))))


@pytest.mark.parametrize("backend", ["cbc", "glpk"])
def test_legacy_solver_is_not_started_after_a_stop_request(backend: str) -> None:
    if not pyomo_backend_available(backend):
        pytest.skip(f"pyomo backend {backend!r} is not installed on this machine")

    request_stop()
    result = solve_pyomo(to_pyomo(market_split())[0], backend, LONG)
    assert result.status is Status.NO_SOLUTION and result.interrupted
    assert result.message == INTERRUPTED_NO_PLAN


def test_first_signal_requests_a_stop_second_raises() -> None:
    seen: list[str] = []
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    with stop_on_signals(notify=seen.append):
        os.kill(os.getpid(), signal.SIGINT)
        _wait_for(lambda: len(seen) == 1)  # the watcher thread tells the user
        assert stop_requested() and len(seen) == 1
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1.0)  # the handler runs here, at once
    assert not stop_requested()  # cleared on leaving the block
    # Restored to what they were: Python's defaults in a foreground run, SIG_IGN for SIGINT
    # when a non-interactive shell started the tests in the background.
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_nested_blocks_and_actions_on_stop() -> None:
    calls: list[int] = []
    with stop_on_signals(notify=None):
        handler = signal.getsignal(signal.SIGINT)
        with stop_on_signals(notify=None):
            assert signal.getsignal(signal.SIGINT) is handler  # the inner block changes nothing
            with on_stop(lambda: calls.append(1)):
                request_stop()
                request_stop()  # once only
            with on_stop(lambda: calls.append(2)):  # already requested: at once
                pass
        assert stop_requested()
    assert calls == [1, 2]


def test_signal_during_a_highs_solve_keeps_the_plan() -> None:
    """The main thread is inside HiGHS when SIGINT arrives: the watcher thread still stops it."""
    t0 = time.perf_counter()
    with stop_on_signals(notify=None), after(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)):
        result, x = solve_matrix(market_split(), LONG)
    assert time.perf_counter() - t0 < QUICK
    assert result.status is Status.FEASIBLE and result.interrupted and x is not None


STUCK_IN_C = """
import hashlib, signal, sys
from solvers.interrupt import stop_on_signals
with stop_on_signals():
    print("ready", flush=True)
    hashlib.pbkdf2_hmac("sha256", b"p", b"s", 100_000_000)  # minutes in C, no Python code runs
print("not stopped", flush=True)
"""


def test_second_signal_ends_a_process_stuck_in_a_solver() -> None:
    """The main thread never returns to Python: the second signal still ends the process at once."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", STUCK_IN_C], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        try:
            code = proc.wait(timeout=30)
        finally:
            proc.kill()
        out, err = proc.communicate()
    assert code == 128 + signal.SIGINT
    assert time.monotonic() - t0 < FORCE_AFTER_SECONDS + 8.0
    assert STOP_MESSAGE in err and "Stopped at once" in err and "not stopped" not in out


def test_staged_progress_passes_the_stage_only_to_callbacks_that_take_it() -> None:
    with_stage: list[tuple[float, str | None]] = []
    plain: list[float] = []
    report = staged(lambda t, best, bound, *, stage=None: with_stage.append((t, stage)), "week 2")
    assert report is not None
    report(1.0, 5.0, 4.0)
    old = staged(lambda t, best, bound: plain.append(t), "week 2")
    assert old is not None
    old(2.0, 5.0, None)
    assert with_stage == [(1.0, "week 2")] and plain == [2.0]
    assert staged(None, "week 2") is None


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        time.sleep(0.01)
