"""The stop rules of one ``Highs`` object (:mod:`solvers.highs_stop`): a run stopped by its time
does not stop every later run of the same object."""

from __future__ import annotations

import time

import highspy
import numpy as np

from solvers.highs_stop import HighsStop


def _covering_lp(rows: int = 300, cols: int = 600, seed: int = 0) -> highspy.Highs:
    """A covering LP that takes a few hundred simplex iterations (so its callbacks fire)."""
    rng = np.random.default_rng(seed)
    dense = (rng.random((rows, cols)) < 0.03).astype(float)
    dense[np.arange(rows), rng.integers(0, cols, rows)] = 1.0  # every row coverable
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    h.addVars(cols, np.zeros(cols), np.full(cols, 10.0))
    h.changeColsCost(cols, np.arange(cols, dtype=np.int32), rng.uniform(1, 2, cols))
    for r in range(rows):
        idx = np.flatnonzero(dense[r]).astype(np.int32)
        h.addRow(1.0, inf, len(idx), idx, dense[r, idx])
    return h


def test_a_run_after_one_stopped_by_its_time_solves() -> None:
    h = _covering_lp()
    stop = HighsStop(h, time.monotonic())  # already spent: the first callback interrupts
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt and stop.reason == "time"
    stop.end, stop.reason = None, None
    h.run()  # highspy 1.16 kept the interrupt flag: this returned kInterrupt at once
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal and stop.reason is None
    assert h.getInfo().simplex_iteration_count > 0


def test_cancel_stops_a_run_and_wake_ends_it_without_a_stop() -> None:
    """``cancel`` (a search called off, :mod:`solvers.beside`) interrupts like a stop and counts as
    spent; ``wake`` (news for a caller in steps) interrupts the run but is no stop."""
    import threading

    h = _covering_lp()
    cancel = threading.Event()
    stop = HighsStop(h, None, cancel)
    cancel.set()
    assert stop.spent()
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt and stop.reason == "cancel"
    cancel.clear()
    stop.reason = None
    stop.wake = threading.Event()
    stop.wake.set()
    assert not stop.spent()
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt and stop.reason == "wake"
    stop.wake.clear()
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
