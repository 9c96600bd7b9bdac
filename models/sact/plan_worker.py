"""Plans during stage 1 of the priced path, in a second thread (issue 16).

Why.  Stage 1 (:mod:`models.sact.large`) re-solves one large restricted LP with HiGHS's dual
simplex, which runs on one core; the machine has two.  Fix and transport
(:func:`models.sact.heuristic.fix_and_transport`) from a point of stage 1 took 6-8 s of that
stage's critical path at 10,000 zones x 300 sites, each time a round or step looked hopeful.
HiGHS releases Python's lock while it runs, and its task scheduler is per thread, so the plan can
be made beside the re-solve: the dual simplex goes on raising the bound while the plan is made,
and the gap is checked against whichever plan is best at each step.

How.  :meth:`PlanWorker.submit` starts fix and transport from a point in a new thread, unless one
is running or :attr:`PlanWorker.limit` plans were already tried (a point submitted while busy is
dropped: a later step's point will come).  Its plan is offered to the shared search under a lock;
:meth:`PlanWorker.gap_met` and :meth:`PlanWorker.raise_bound` read and raise the search's state
under the same lock.  :meth:`PlanWorker.join` waits for the running plan (when stage 1 ends) and
re-raises its error, if any.  The plan's transport LPs run with one HiGHS thread, so that the two
threads share the two cores.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.heuristic import fix_and_transport
from models.sact.input import SactParameters
from solvers.search_state import StagedSearch

PLAN_THREADS = 1  # HiGHS threads of the plan's own LPs (the re-solve keeps the other core)
PLAN_SHARE = 0.5  # of the search's time left, for one plan


class PlanWorker:
    """Fix and transport in a second thread, offering its plans to ``run`` (the module docstring)."""

    def __init__(self, run: StagedSearch, a: SactArrays, p: SactParameters, limit: int) -> None:
        self.run, self.a, self.p, self.limit = run, a, p, limit
        self.lock = threading.Lock()
        self.tries = 0
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def busy(self) -> bool:
        """Whether a plan is being made now."""
        return self._thread is not None and self._thread.is_alive()

    def submit(self, x: np.ndarray, active: np.ndarray, label: str) -> bool:
        """Start a plan from the full point ``x`` (columns ``active`` priced in); False when busy or
        out of tries. ``label`` names the point in the run's notes."""
        if self.tries >= self.limit or self.busy():
            return False
        self.tries += 1
        self._thread = threading.Thread(target=self._plan, args=(x, active, label), daemon=True)
        self._thread.start()
        return True

    def gap_met(self) -> bool:
        with self.lock:
            return self.run.gap_met()

    def raise_bound(self, bound: float) -> None:
        """Keep the better of the search's bound and ``bound``."""
        with self.lock:
            run = self.run
            run.bound = bound if run.bound is None else max(run.bound, bound)

    def join(self) -> None:
        """Wait for the running plan; re-raise what it raised."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error

    def _plan(self, x: np.ndarray, active: np.ndarray, label: str) -> None:
        try:
            run = self.run
            rest = run.left()
            options = replace(run.options, threads=PLAN_THREADS)
            t0 = time.perf_counter()
            limit = None if rest is None else PLAN_SHARE * rest
            plan, note = fix_and_transport(run.model, self.a, self.p, x, active, options, limit)
            with self.lock:
                seconds = time.perf_counter() - t0
                run.notes.append(
                    f"during pricing, {note} in {seconds:.1f} s (from a {label} point, beside the re-solve)"
                )
                if plan is not None:
                    run.offer(plan)
                    run.report(0.0, run.best_obj, None)
        except BaseException as error:  # noqa: BLE001 -- handed to the main thread by join()
            self._error = error
