"""Options every backend understands, and the one deadline that every phase of a solve shares."""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from solvers.interrupt import stop_requested


@dataclass(frozen=True)
class SolveOptions:
    """Limits and settings passed to a backend.

    Attributes
    ----------
    time_limit : float or None
        Seconds a single backend call may take; on reaching it the best plan found is returned
        with its gap.  A model with several phases may give each a share.
    gap : float
        Relative optimality gap at which to stop (default 1e-4, i.e. 0.01 %).
    threads : int or None
        Worker threads; None leaves the backend's default.
    seed : int
        Random seed, for reproducible runs.
    log_file : Path or None
        Where the backend writes its own log.
    verbose : bool
        Stream the backend's log to the terminal.
    extra : dict
        Backend-specific options passed through untouched.
    deadline : float or None
        The end of the whole solve, in :func:`time.monotonic` seconds (None: no deadline).  Every
        backend call stops by it, whatever its ``time_limit``; :meth:`with_deadline` sets it.
    cancel : threading.Event or None
        Set by another thread to stop the calls made with these options, as a stop request stops
        every call (:mod:`solvers.interrupt`), but for them alone: a search running beside another
        (:mod:`solvers.beside`) is called off through it.  Not part of equality or ``repr``.
    """

    time_limit: float | None = None
    gap: float = 1e-4
    threads: int | None = None
    seed: int = 0
    log_file: Path | None = None
    verbose: bool = False
    extra: dict[str, object] = field(default_factory=dict)
    deadline: float | None = None
    cancel: threading.Event | None = field(default=None, compare=False, repr=False)

    def with_deadline(self, seconds: float | None = None) -> SolveOptions:
        """These options with the deadline ``seconds`` from now (default ``time_limit``).

        An earlier deadline already set is kept; without either figure nothing changes.
        """
        seconds = self.time_limit if seconds is None else seconds
        if seconds is None:
            return self
        deadline = time.monotonic() + max(float(seconds), 0.0)
        if self.deadline is not None:
            deadline = min(deadline, self.deadline)
        return dataclasses.replace(self, deadline=deadline)

    def remaining(self) -> float | None:
        """Seconds left before the deadline (0 once passed); None without a deadline."""
        if self.deadline is None:
            return None
        return max(self.deadline - time.monotonic(), 0.0)

    def call_limit(self) -> float | None:
        """Seconds the next backend call may take: ``min(time_limit, remaining())``; None for no limit."""
        left = self.remaining()
        if self.time_limit is None:
            return left
        return float(self.time_limit) if left is None else min(float(self.time_limit), left)

    def cancelled(self) -> bool:
        """Whether another thread has called off the calls made with these options (``cancel``)."""
        return self.cancel is not None and self.cancel.is_set()

    def should_stop(self) -> bool:
        """Whether a model should stop now and return its best plan: deadline passed, stop requested
        or the options' calls cancelled."""
        return (
            stop_requested()
            or self.cancelled()
            or (self.deadline is not None and time.monotonic() >= self.deadline)
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "time_limit": self.time_limit,
            "gap": self.gap,
            "threads": self.threads,
            "seed": self.seed,
        }
