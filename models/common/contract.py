"""The contract every formulation package keeps, so the shell, benchmarks and scenarios treat them alike.

Each package ``models.<kind>`` exports the same names:

``Input``
    the frozen, validated input (tables and arrays; no files).
``Parameters``
    the frozen parameters, every figure with a documented default and unit.
``BACKENDS``
    the backend names the package can solve with, the default first.
``solve(input, params=None, *, backend=BACKENDS[0], options=None, progress=None) -> Plan``
    build, solve and read the plan; never raises for an instance that has no plan (the plan
    says why in ``explanation``).
``check(input, plan) -> CheckReport``
    re-verify the plan from the input alone, without the model's code.
``Plan``
    the plan type, which satisfies :class:`Plan` below.

A model that finds bad input raises :class:`ModelInputError` with one :class:`InputProblem` per
problem, each naming the table, the row (1 = first data row) and the column, so the shell can
say file, row and column without reading the message text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from solvers import SolveResult

Progress = Callable[[float, float | None, float | None], None]
"""Called as ``progress(elapsed_seconds, best_objective, best_bound)`` while a solve runs."""


@dataclass(frozen=True)
class InputProblem:
    """One problem in a model's input: which table, row (1 = first data row) and column."""

    table: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" column {self.column}"
        return f"{where}: {self.message}"


class ModelInputError(ValueError):
    """The input breaks a rule of the model; ``problems`` says where, in table/row/column terms."""

    def __init__(self, problems: InputProblem | Sequence[InputProblem]) -> None:
        self.problems: tuple[InputProblem, ...] = (
            (problems,) if isinstance(problems, InputProblem) else tuple(problems)
        )
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class CheckReport:
    """What an independent checker found: every rule breached, and the figures it recomputed.

    ``passed`` is true only when no rule is breached and every recomputed figure agrees with the
    plan's own (``mismatches`` empty).
    """

    violations: tuple[str, ...] = ()
    mismatches: tuple[str, ...] = ()
    figures: Mapping[str, float] = field(default_factory=dict)
    checked: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.violations and not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "violations": list(self.violations),
            "mismatches": list(self.mismatches),
            "figures": {k: finite_or_none(v) for k, v in self.figures.items()},
            "checked": list(self.checked),
        }


@runtime_checkable
class Plan(Protocol):
    """What every package's plan provides."""

    result: SolveResult
    explanation: tuple[str, ...]
    timings: dict[str, float]

    @property
    def found(self) -> bool:
        """A usable plan exists (the solver found one and it was read)."""
        ...

    def tables(self) -> dict[str, pd.DataFrame]:
        """The plan's tables, by file stem, as the shell writes them (empty without a plan)."""
        ...

    def figures(self) -> dict[str, Any]:
        """Headline figures, JSON-ready (finite floats or None), for summaries and comparisons."""
        ...


def finite_or_none(value: Any) -> Any:
    """``value`` as a plain finite number, or None for NaN and infinities (strict JSON)."""
    if value is None or isinstance(value, bool | str):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if not math.isfinite(number):
        return None
    integer = isinstance(value, int) or "int" in str(getattr(value, "dtype", ""))
    return int(number) if integer else number


def problems_of(messages: Iterable[tuple[str, str, int | None, str | None]]) -> tuple[InputProblem, ...]:
    """Problems from ``(table, message, row, column)`` tuples."""
    return tuple(InputProblem(t, m, r, c) for t, m, r, c in messages)
