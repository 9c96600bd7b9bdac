"""Progress callbacks: ``progress(elapsed, best, bound)``, with an optional keyword ``stage``.

Backends call a progress callback with three numbers (seconds so far, best objective, best
bound) whenever a better plan is found.  A model with phases or weekly solves names the current
one with :func:`staged`, e.g. ``solve_matrix(m, options, progress=staged(progress, "week 3"))``;
a callback that takes ``stage`` receives it, one that takes three arguments keeps working.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

Progress = Callable[..., None]
"""``progress(elapsed: float, best: float | None, bound: float | None, *, stage: str | None = None)``."""


def takes_stage(progress: Progress) -> bool:
    """Whether ``progress`` accepts the keyword ``stage``."""
    try:
        params = inspect.signature(progress).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "stage" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def staged(progress: Progress | None, stage: str) -> Progress | None:
    """A three-argument callback reporting to ``progress`` under ``stage`` (None stays None)."""
    if progress is None:
        return None
    if not takes_stage(progress):
        return progress

    def report(elapsed: float, best: float | None, bound: float | None, **_: Any) -> None:
        progress(elapsed, best, bound, stage=stage)

    return report
