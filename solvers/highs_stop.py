"""Stop a HiGHS run at the stop request or at the wall-clock end of its call.

HiGHS compares its ``time_limit`` option with its own clock, which for linear programs sums every
``run()`` of one ``Highs`` object (highspy 1.16: a second LP solve with ``time_limit`` 0.5 after a
1 s one stops at once), while a MILP's clock restarts with each run.  :meth:`HighsStop.arm`
therefore sets ``time_limit`` for an LP to the time HiGHS has already counted plus the seconds
left, and for a MILP to the seconds left.  HiGHS overruns a MILP's limit by seconds (3 s asked,
7.5 s taken, measured on a 60,000-column facility model), so the interrupt callbacks (after
presolve, at every branch-and-bound node, during simplex iterations) also stop the run at the
wall-clock end of the call, at the stop request, and when the call's ``cancel`` event is set
(a search running beside another, :mod:`solvers.beside`).  After its root linear program a MILP
separates cuts in rounds that consult neither the callbacks nor, for seconds, its own limit, so
a caller that knows the length of such a round passes it to :meth:`HighsStop.arm` as a margin
(:data:`solvers.highs_direct.ROOT_ROUND_PER_LP_SECOND`).

An interrupt is sticky in highspy 1.16: the flag a callback sets stays set in the ``Highs``
object, so every later ``run()`` of it returns ``kInterrupt`` at once, without an iteration (a
pricing session stopped by its time could never be solved again: the dive of the priced path
found "no plan" in 0.8 s on England for that reason).  :meth:`HighsStop._check` therefore clears the
flag at every callback that does not stop the run.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from solvers.interrupt import stop_requested

MIN_TIME_LIMIT = 1e-3
"""Seconds given to a run whose time is already spent (HiGHS refuses a time limit of 0)."""


class HighsStop:
    """The stop rules of one ``Highs`` object for one backend call ending at ``end`` (monotonic s),
    or when ``cancel`` is set."""

    def __init__(self, h: Any, end: float | None, cancel: threading.Event | None = None) -> None:
        self.h = h
        self.end = end
        self.cancel = cancel
        # set by a caller that runs in steps (solvers.pricing): ends the current run early, as an
        # iteration limit would, when another thread has news for the caller; never a stop
        self.wake: threading.Event | None = None
        self.reason: str | None = None  # "stop", "cancel", "wake" or "time" once a callback has interrupted
        for hook in (h.cbMipInterrupt, h.cbSimplexInterrupt, h.cbIpmInterrupt):
            hook.subscribe(self._check)

    def left(self) -> float | None:
        """Seconds left in the call (0 once spent); None without a limit."""
        return None if self.end is None else max(self.end - time.monotonic(), 0.0)

    def spent(self) -> bool:
        """Whether the call must end now: stop requested, the call cancelled or its time spent."""
        return self._why() not in (None, "wake")

    def arm(self, mip: bool, margin: float = 0.0) -> None:
        """Set HiGHS's ``time_limit`` for the next ``run()`` (of a MILP if ``mip``) to end with the
        call, or ``margin`` seconds before its end (HiGHS checks its limit only every so often)."""
        left = self.left()
        if left is not None:
            counted = 0.0 if mip else float(self.h.getRunTime())
            self.h.setOptionValue("time_limit", counted + max(left - max(margin, 0.0), MIN_TIME_LIMIT))

    def _why(self) -> str | None:
        """Why the run must be interrupted now (the ``reason`` it then records), None to go on."""
        if stop_requested():
            return "stop"
        if self.cancel is not None and self.cancel.is_set():
            return "cancel"
        if self.wake is not None and self.wake.is_set():
            return "wake"
        if self.end is not None and time.monotonic() >= self.end:
            return "time"
        return None

    def _check(self, event: Any) -> None:
        why = self._why()
        if why is None:
            event.interrupt(False)  # an earlier run's interrupt would otherwise stop this one
        else:
            self.reason = why
            event.interrupt()
