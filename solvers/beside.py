"""Run a search on a second thread beside the caller's, and call it off when its answer is no
longer needed.

Why.  HiGHS runs a linear program and most of a MILP's tree on one thread (its parallelism is in
symmetry detection and the parallel dual simplex, which the engine does not switch on), and
highspy lets go of Python's lock while it runs, so on a machine of two cores a second search --
a heuristic's MILPs beside a relaxation's pricing -- uses the core the first leaves idle.  Each
thread has its own HiGHS task scheduler (HiGHS 1.x keeps one per user thread), so the two do not
share workers.

How.  :func:`start_beside` runs ``job(options)`` on a daemon thread with a copy of ``options``
whose ``cancel`` event (:class:`solvers.SolveOptions`) the caller may set through
:meth:`Beside.result`: every backend call of the job made with those options, and every loop of
the job that asks :meth:`SolveOptions.should_stop`, stops at its next check and returns what it
has.  A ``wake`` event, when given, is set as the job ends: a caller busy in steps of its own
(:mod:`solvers.pricing`, point 5) ends its current step and collects the answer at once.  The
job must leave shared state alone (it returns its findings, and the caller applies them); an
exception it raises is raised again by :meth:`Beside.result`.  The stop request of Ctrl-C
(:mod:`solvers.interrupt`) reaches the job's calls as it reaches every call.

A job's answer depends on when the caller collects it, so a search that must repeat exactly
(the same answer from the same input) runs its jobs in its own thread instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Generic, TypeVar

from solvers.options import SolveOptions

T = TypeVar("T")


class Beside(Generic[T]):
    """A job running on its own thread, started as the object is made (:func:`start_beside`)."""

    def __init__(
        self, job: Callable[[SolveOptions], T], options: SolveOptions, wake: threading.Event | None = None
    ) -> None:
        self._cancel = threading.Event()
        self._options = replace(options, cancel=self._cancel)
        self._job = job
        self._wake = wake
        self._value: T | None = None
        self._error: BaseException | None = None
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="beside", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._job(self._options)
        except BaseException as error:  # handed to the caller by result()
            self._error = error
        finally:
            self._finished.set()
            if self._wake is not None:
                self._wake.set()

    def done(self) -> bool:
        """Whether the job has ended (its answer is ready)."""
        return self._finished.is_set()

    def call_off(self) -> None:
        """Call the job off without waiting for it (its solver calls and loops stop at their next
        check)."""
        self._cancel.set()

    def result(self, cancel: bool = False) -> T:
        """The job's answer, waiting for it to end; with ``cancel`` it is called off first."""
        if cancel:
            self.call_off()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def start_beside(
    job: Callable[[SolveOptions], T], options: SolveOptions, wake: threading.Event | None = None
) -> Beside[T]:
    """Start ``job`` on a second thread with ``options`` made cancellable; ``wake`` is set when it
    ends (the module docstring)."""
    return Beside(job, options, wake)
