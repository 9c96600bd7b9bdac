"""One solve, the same way for every kind: solve, check independently, write, summarise.

The shell's shared work under the model contract (:mod:`models.common.contract`): the kind's
model solves; its independent checker re-verifies the plan; the plan's tables are written
formula-safe into an atomic run folder with ``summary.json`` (strict JSON) built from the plan's
figures, timings and the check; the kind adds only its extra files and its terminal summary.
A plan that fails its check is never presented as a plan: the run exits 1 with the failures.

The solve runs under :func:`solvers.stop_on_signals` with one deadline (``--time-limit`` is the
wall clock of the whole solve, shared by every phase): Ctrl-C or SIGTERM stops it with the best
plan found, which is checked and written like any other with ``"interrupted": true``.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.common.contract import CheckReport
from models.common.words import count
from optimiser.exports.safe import write_csv
from optimiser.kinds.base import Kind, LoadedInstance
from optimiser.outputs import write_json
from solvers import SolveOptions, stop_on_signals, stop_requested
from solvers.interrupt import INTERRUPTED_NO_PLAN


@dataclass(frozen=True)
class RunOutcome:
    """A solve under the contract: the plan, its independent check (None without a plan)."""

    kind: Kind
    case: Any
    plan: Any
    check: CheckReport | None
    check_seconds: float
    interrupted: bool = False

    @property
    def found(self) -> bool:
        return bool(self.plan.found)

    @property
    def usable(self) -> bool:
        """A plan exists and its independent check passed."""
        return self.found and self.check is not None and self.check.passed


def solve_loaded(
    loaded: LoadedInstance, backend: str, options: SolveOptions, progress: Any = None, start: Any = None
) -> RunOutcome:
    """Solve a loaded instance with its kind's model and check the plan found; ``start`` (a plan to
    warm-start from, :mod:`optimiser.warm_start`) is passed to the model only when given.

    ``options.time_limit`` becomes the deadline of the whole solve; the first Ctrl-C or SIGTERM
    stops it with the best plan found, a second raises KeyboardInterrupt.
    """
    kind, case = loaded.kind, loaded.model_input
    assert kind.model is not None
    with stop_on_signals():
        options = options.with_deadline()
        extra = {} if start is None else {"start": start}
        plan = kind.model.solve(
            case.input, case.parameters, backend=backend, options=options, progress=progress, **extra
        )
        interrupted = stop_requested() or plan.result.interrupted
    if interrupted and not plan.found and dataclasses.is_dataclass(plan) and not isinstance(plan, type):
        # the model may blame the time limit; the true reason is the interruption
        plan = dataclasses.replace(plan, explanation=(INTERRUPTED_NO_PLAN,))
    start = time.perf_counter()
    check = kind.model.check(case.input, plan) if plan.found else None
    return RunOutcome(kind, case, plan, check, time.perf_counter() - start, interrupted)


def summary_document(outcome: RunOutcome) -> dict[str, Any]:
    """``summary.json``: the solver result, explanation, the input's notes, timings, the check and the
    plan's figures."""
    plan = outcome.plan
    timings = {k: round(float(v), 4) for k, v in dict(plan.timings).items()}
    timings["check"] = round(outcome.check_seconds, 4)
    doc: dict[str, Any] = {
        "kind": outcome.kind.name,
        "plan_found": outcome.found,
        "interrupted": outcome.interrupted,
        "solver": {**plan.result.to_dict(), "interrupted": outcome.interrupted},  # one answer, the run's
        "explanation": list(plan.explanation),
        "input_notes": list(outcome.case.notes),
        "timings": timings,
        "check": outcome.check.to_dict() if outcome.check is not None else None,
    }
    doc.update(plan.figures())
    return doc


def write_outcome(outcome: RunOutcome, folder: Path) -> list[str]:
    """Write the plan's tables (formula-safe CSV), the kind's extra files and ``summary.json``."""
    written: list[str] = []
    for name, frame in outcome.plan.tables().items():
        write_csv(frame, folder / f"{name}.csv")
        written.append(f"{name}.csv")
    if outcome.kind.write_extra is not None:
        written += outcome.kind.write_extra(outcome.plan, outcome.case, folder)
    write_json(folder / "summary.json", summary_document(outcome))
    return [*written, "summary.json"]


def check_lines(outcome: RunOutcome) -> list[str]:
    """The input's notes, the interruption and the independent check in the terminal summary's words."""
    lines = [f"Note on the input: {note}" for note in outcome.case.notes]
    lines += interrupt_lines(outcome)
    check = outcome.check
    if check is None:
        return lines
    if check.passed:
        what = f" ({', '.join(check.checked)})" if check.checked else ""
        return [*lines, f"Independent check: passed{what}."]
    lines += [
        f"Independent check: FAILED ({count(len(check.violations) + len(check.mismatches), 'finding')}):"
    ]
    lines += [f"  - {v}" for v in (*check.violations, *check.mismatches)[:20]]
    return lines


def interrupt_lines(outcome: RunOutcome) -> list[str]:
    """Why the solve ended early, when it was interrupted (Ctrl-C or SIGTERM)."""
    if not outcome.interrupted:
        return []
    if outcome.found:
        return ["Interrupted: the best plan found so far is kept (it may not be optimal; see its gap)."]
    if INTERRUPTED_NO_PLAN in outcome.plan.explanation:
        return []  # the kind's summary says it
    return [f"No plan: {INTERRUPTED_NO_PLAN}."]
