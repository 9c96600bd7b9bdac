"""Compare a suite's rerun with a recorded run: is every recorded result reproduced?

A task is matched by ``(case, backend, repeat)``. Its verdict:

- ``same``: proven optimal in both runs with the same objective (relative tolerance ``rel_tol``);
- ``same within gap``: proven optimal in both to a gap limit, with different objectives whose
  intervals ``[bound, objective]`` overlap (both can be right: a suite run to 1 % gap);
- ``changed``: proven optimal in both with objectives that cannot both be right (the model or
  the instance changed: a regression unless the change is by design, and then the recorded run
  is stale);
- ``now optimal`` / ``no longer optimal``: one run proved it and the other did not;
- an infeasible task: ``same`` when both runs proved it infeasible, ``changed`` when one proved
  it infeasible and the other solved it to optimality (they contradict each other), ``now proven
  infeasible`` / ``no longer proven infeasible`` when one proved it and the other did not (a
  proof of infeasibility is a result: both read ``time-limited``, and a plan found where none was
  proven to exist ``now optimal``);
- ``time-limited``: proven in neither (objectives of time-limited runs are not expected to agree;
  both are shown);
- ``only recorded`` / ``only new``: the task is in one run only (a case added or dropped);
- ``unfinished before`` / ``unfinished now``: the task was ``interrupted`` in that run (a bench
  stopped by Ctrl-C keeps its unfinished tasks so), which proves nothing either way: a task
  recorded optimal and interrupted now read ``no longer optimal``, a failure of reproduction.

Only ``changed``, ``no longer optimal`` and ``no longer proven infeasible`` are failures of
reproduction.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

KEY = ["case", "backend", "repeat"]
FAILURES = ("changed", "no longer optimal", "no longer proven infeasible")
INFEASIBLE = "infeasible"
INTERRUPTED = "interrupted"  # results.csv's status of a task a stopped run never finished


def read_results(path: Path) -> pd.DataFrame:
    """A run's ``results.csv``, from the file or the results folder that holds it.

    ValueError naming the file when it cannot be read or lacks a column the comparison needs.
    """
    path = Path(path)
    file = path / "results.csv" if path.is_dir() else path
    try:
        table = pd.read_csv(file)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{file}: not a recorded run's results.csv ({exc})") from None
    missing = [c for c in (*KEY, "status", "objective", "bound") if c not in table.columns]
    if missing:
        raise ValueError(f"{file}: not a recorded run's results.csv: no column(s) {', '.join(missing)}")
    return table


def compare_runs(recorded: pd.DataFrame, new: pd.DataFrame, rel_tol: float = 1e-6) -> pd.DataFrame:
    """One row per task of either run: both statuses and objectives, and the verdict (module doc)."""
    columns = [*KEY, "status", "objective", "bound"]
    both = pd.merge(
        recorded[columns],
        new[columns],
        on=KEY,
        how="outer",
        suffixes=("_recorded", "_new"),
        indicator="found_in",
    )
    both["verdict"] = [_verdict(row, rel_tol) for row in both.itertuples(index=False)]
    return both.drop(columns="found_in").sort_values(KEY, kind="stable").reset_index(drop=True)


def _verdict(row: Any, rel_tol: float) -> str:
    """``row``: one of ``itertuples`` of the merged runs, whose fields are the merged columns."""
    where = row.found_in
    if where == "left_only":
        return "only recorded"
    if where == "right_only":
        return "only new"
    if row.status_new == INTERRUPTED:
        return "unfinished now"
    if row.status_recorded == INTERRUPTED:
        return "unfinished before"
    old_none, new_none = row.status_recorded == INFEASIBLE, row.status_new == INFEASIBLE
    old_optimal = row.status_recorded == "optimal"
    new_optimal = row.status_new == "optimal"
    if old_none or new_none:
        return _infeasible_verdict(old_none, new_none, old_optimal or new_optimal)
    if old_optimal and new_optimal:
        a, b = float(row.objective_recorded), float(row.objective_new)
        if math.isclose(a, b, rel_tol=rel_tol, abs_tol=rel_tol):
            return "same"
        low_a, low_b = _bound(row.bound_recorded, a), _bound(row.bound_new, b)
        slack = rel_tol * max(1.0, abs(a), abs(b))
        return "same within gap" if b >= low_a - slack and a >= low_b - slack else "changed"
    if old_optimal:
        return "no longer optimal"
    if new_optimal:
        return "now optimal"
    return "time-limited"


def _infeasible_verdict(old_none: bool, new_none: bool, other_optimal: bool) -> str:
    """The verdict of a task one run at least proved infeasible (``old_none``, ``new_none``);
    ``other_optimal``: the other run solved it to optimality."""
    if old_none and new_none:
        return "same"
    if other_optimal:
        return "changed"
    return "no longer proven infeasible" if old_none else "now proven infeasible"


def _bound(value: Any, objective: float) -> float:
    """The run's bound (a minimisation's lower bound), or its objective when none was recorded."""
    try:
        bound = float(value)
    except (TypeError, ValueError):
        return objective
    return objective if math.isnan(bound) else bound


def describe(comparison: pd.DataFrame) -> str:
    """A short text: the count of each verdict, then every row that is not ``same``."""
    counts = comparison["verdict"].value_counts()
    lines = ["Against the recorded run: " + ", ".join(f"{n} {v}" for v, n in counts.items())]
    for row in comparison[comparison["verdict"] != "same"].itertuples(index=False):
        lines.append(
            f"  {row.case} {row.backend}#{row.repeat}: {row.verdict} "
            f"(recorded {_result(row.status_recorded, row.objective_recorded, 'nothing')}, "
            f"now {_result(row.status_new, row.objective_new, 'not run')})"
        )
    return "\n".join(lines)


def _result(status: Any, objective: Any, absent: str) -> str:
    """``optimal 1,234`` or, for a task one run does not hold (its status NaN), ``absent``."""
    if not isinstance(status, str):
        return absent
    return f"{status} {_number(objective)}"


def _number(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "-"
    return "-" if math.isnan(number) else f"{number:,.6g}"
