"""Progress of a long solve on the terminal: stage, elapsed time, best plan and bound (stderr only)."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

from solvers import stop_requested

if TYPE_CHECKING:
    from rich.status import Status


class SolveProgress:
    """A one-line live status on stderr while a solver runs; silent when stderr is not a terminal."""

    def __init__(self, enabled: bool = True) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.enabled = enabled and sys.stderr.isatty()
        self._status: Status | None = None
        self._best: float | None = None
        self._bound: float | None = None
        self._stage: str | None = None
        self._start = time.perf_counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _text(self) -> str:
        elapsed = time.perf_counter() - self._start
        doing = "stopping, keeping the best plan" if stop_requested() else "solving"
        stage = f" [{self._stage}]" if self._stage else ""
        text = f"{doing}{stage} ... {elapsed:,.0f} s"
        if self._best is not None:
            text += f"   best plan {self._best:,.0f}"
        if self._bound is not None:
            text += f"   bound {self._bound:,.0f}"
        return text

    def update(
        self, seconds: float, best: float | None, bound: float | None, *, stage: str | None = None
    ) -> None:
        """Record a better plan (called from the solver's callback), in ``stage`` when a model names one.

        A model announces a new stage (e.g. ``"week 3"``) with ``best`` and ``bound`` None.
        """
        if stage is not None:
            self._stage = stage
        self._best, self._bound = best, bound

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            if self._status is not None:
                self._status.update(self._text())

    def __enter__(self) -> SolveProgress:
        if self.enabled:
            self._status = self.console.status(self._text())
            self._status.__enter__()
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._status is not None:
            self._status.__exit__(exc_type, exc, tb)
