"""A search on a second thread (:mod:`solvers.beside`): its answer, its errors, its calling off."""

from __future__ import annotations

import threading

import pytest

from solvers import SolveOptions, Status, solve_matrix
from solvers.beside import start_beside
from tests.solvers.test_pricing import facility


def test_the_job_gets_options_it_may_be_called_off_by_and_wakes_the_caller_when_done() -> None:
    wake = threading.Event()
    seen: list[SolveOptions] = []
    gate = threading.Event()

    def job(options: SolveOptions) -> int:
        seen.append(options)
        gate.wait(10.0)
        return 7

    options = SolveOptions(time_limit=5.0, gap=0.01)
    beside = start_beside(job, options, wake)
    assert not beside.done() and not wake.is_set()
    gate.set()
    assert beside.result() == 7 and beside.done() and wake.is_set()
    (given,) = seen
    assert given.time_limit == 5.0 and given.gap == 0.01 and not given.cancelled()
    assert options.cancel is None  # the caller's own options are untouched


def test_an_error_in_the_job_is_raised_to_the_caller() -> None:
    def job(options: SolveOptions) -> None:
        raise ValueError("bad point")

    beside = start_beside(job, SolveOptions())
    with pytest.raises(ValueError, match="bad point"):
        beside.result()


def test_a_job_called_off_stops_its_solver_calls_and_loops() -> None:
    """Called off before its MILP starts: the call returns at once without a plan ("called off"), and
    ``should_stop`` says stop."""
    model = facility(num_customers=40, seed=1, lazy=False)
    started, release = threading.Event(), threading.Event()

    def job(options: SolveOptions) -> tuple[bool, str, Status, bool]:
        started.set()
        release.wait(10.0)
        result, x = solve_matrix(model, options)
        return options.should_stop(), result.message, result.status, x is not None

    beside = start_beside(job, SolveOptions(time_limit=30.0))
    started.wait(10.0)
    threading.Timer(0.2, release.set).start()
    stopping, message, status, has_plan = beside.result(cancel=True)
    assert stopping and message == "called off before the solve started"
    assert status is Status.NO_SOLUTION and not has_plan
    alone, _ = solve_matrix(model, SolveOptions(time_limit=30.0))
    assert alone.status is Status.OPTIMAL  # the same call not called off solves
