"""Options every backend understands."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SolveOptions:
    """Limits and settings passed to a backend.

    Attributes
    ----------
    time_limit : float or None
        Wall-clock seconds; on reaching it the best plan found is returned with its gap.
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
    """

    time_limit: float | None = None
    gap: float = 1e-4
    threads: int | None = None
    seed: int = 0
    log_file: Path | None = None
    verbose: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "time_limit": self.time_limit,
            "gap": self.gap,
            "threads": self.threads,
            "seed": self.seed,
        }
