"""What every instance kind provides, and the shared load -> validate -> input pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from optimiser.errors import InputError, Problem
from optimiser.instance_files import INSTANCE_FILE, RawInstance, read_instance
from optimiser.overrides import Overrides, apply_overrides
from optimiser.schema import (
    FIRST_DATE,
    LAST_DATE,
    Parameter,
    TableSchema,
    check_references,
    validate_parameters,
    validate_table,
)

LATER_CHECKS = (
    "the checks that need every cell right (a minimum against its maximum, a name one table gives "
    "another, the model's own rules) run once these are fixed"
)
"""What an instance with cell, header or reference problems has not been checked for yet."""


@dataclass(frozen=True)
class ModelCase:
    """What ``build_input`` returns under the model contract: the model's input and parameters.

    ``notes``: what the user should read about the input that is not an error -- rows the kind
    read and the model will not use (a leave date outside the rota), each naming its file and
    rows.  The shell prints them with the plan and keeps them in ``summary.json`` (``input_notes``)
    and the report.
    """

    input: Any
    parameters: Any
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """One kind of instance: only what differs between kinds; the shell does the rest once.

    ``model`` is the formulation package (:mod:`models.common.contract`);
    ``build_input(tables, parameters, files) -> ModelCase``; the shell calls
    ``model.solve(case.input, case.parameters, backend=..., options=..., progress=...)``, runs
    ``model.check(case.input, plan)``, writes ``plan.tables()`` formula-safe and atomically and
    ``summary.json`` from ``plan.figures()``, then ``write_extra(plan, case, folder)`` (a workbook,
    calendars); ``summary(plan) -> str`` is the terminal summary. ``plan_rows(input) -> int``
    (optional) is how many rows a plan of the input is expected to hold (a rota: its shifts), so
    that the run keeps back time to check and write them (:func:`optimiser.clock.solve_deadline`).
    """

    name: str
    description: str
    tables: tuple[TableSchema, ...]
    parameters: tuple[Parameter, ...]
    build_input: Callable[[dict[str, pd.DataFrame], dict[str, Any], dict[str, str]], ModelCase]
    summary: Callable[[Any], str]
    model: ModuleType
    write_extra: Callable[[Any, Any, Path], list[str]] | None = None
    plan_rows: Callable[[Any], int] | None = None

    @property
    def backend_names(self) -> tuple[str, ...]:
        """The backends of the kind's model (the default first)."""
        return tuple(self.model.BACKENDS)


@dataclass(frozen=True)
class LoadedInstance:
    raw: RawInstance
    kind: Kind
    parameters: dict[str, Any]
    model_input: Any


def validate_instance(
    raw: RawInstance, kind: Kind
) -> tuple[dict[str, pd.DataFrame], dict[str, Any], list[Problem]]:
    """Type every table and parameter; return them with every problem found."""
    yaml_file = str(raw.path / INSTANCE_FILE)
    parameters, problems = validate_parameters(raw.parameters, kind.parameters, yaml_file)
    schemas = {t.name: t for t in kind.tables}
    tables: dict[str, pd.DataFrame] = {}
    files = dict(raw.files)
    for name in raw.tables:
        if name not in schemas:
            problems.append(
                Problem(
                    raw.files[name],
                    f"unknown table '{name}' for kind '{kind.name}'; expected: {', '.join(schemas)}",
                )
            )
    for schema in kind.tables:
        files.setdefault(schema.name, str(raw.path / f"{schema.name}.csv"))
        if schema.name not in raw.tables:
            if schema.required:
                problems.append(Problem(files[schema.name], f"required table '{schema.name}' is missing"))
            continue
        frame, found = validate_table(raw.tables[schema.name], schema, files[schema.name])
        tables[schema.name] = frame
        problems += found
    problems += check_references(tables, schemas, files, skip={(p.file, p.column) for p in problems})
    return tables, parameters, problems


def load_instance(
    path: str | Path, kinds: dict[str, Kind] | None = None, overrides: Overrides | None = None
) -> LoadedInstance:
    """Read, validate and build the model input of the instance at ``path``; raise InputError.

    ``overrides`` (parameters, sites forced open or closed, demand scaled) are applied to the
    tables as read, so they are validated exactly as the files are.
    """
    if kinds is None:
        from optimiser.kinds import KINDS

        kinds = KINDS
    raw = read_instance(path)
    kind = kinds.get(raw.kind)
    if kind is None:
        raise InputError(
            [
                Problem(
                    str(raw.path / INSTANCE_FILE),
                    f"unknown kind '{raw.kind}'; known: {', '.join(sorted(kinds))}",
                    column="kind",
                )
            ]
        )
    if overrides is not None:
        raw = apply_overrides(raw, kind.parameters, overrides)
    if raw.travel is not None:
        from optimiser.geography.roads import raw_with_graph_travel

        raw = raw_with_graph_travel(raw)
    tables, parameters, problems = validate_instance(raw, kind)
    if problems:
        raise InputError(by_override(problems, overrides), later=LATER_CHECKS)
    files = {
        name: raw.files.get(name, str(raw.path / f"{name}.csv")) for name in (t.name for t in kind.tables)
    }
    try:
        model_input = kind.build_input(tables, parameters, files)
    except InputError as exc:
        raise InputError(by_override(exc.problems, overrides), later=exc.later) from None
    return LoadedInstance(raw=raw, kind=kind, parameters=parameters, model_input=model_input)


def by_override(problems: list[Problem], overrides: Overrides | None) -> list[Problem]:
    """``problems`` with those of an overridden parameter named by the override (``--set``, a
    scenario), not by instance.yaml, whose value it replaced (a date, a time zone, a model's range)."""
    if overrides is None or not overrides.set:
        return problems
    keys = {f"parameters.{key}": key for key in overrides.set}
    return [
        Problem(overrides.source, p.message, column=keys[p.column]) if p.column in keys else p
        for p in problems
    ]


def input_from_tables(
    kind: Kind, tables: dict[str, pd.DataFrame], parameters: dict[str, Any], name: str = "generated"
) -> Any:
    """Model input from in-memory tables (as a generator returns them), validated like files are."""
    from optimiser.instance_files import RawInstance

    raw = RawInstance(
        path=Path(name),
        kind=kind.name,
        name=name,
        description="",
        parameters=dict(parameters),
        tables={k: v.astype(str).replace({"nan": "", "None": ""}) for k, v in tables.items()},
        files={k: f"{name}/{k}" for k in tables},
    )
    typed, params, problems = validate_instance(raw, kind)
    if problems:
        raise InputError(problems)
    files = {t.name: raw.files.get(t.name, f"{name}/{t.name}") for t in kind.tables}
    return kind.build_input(typed, params, files)


def row_numbers(frame: pd.DataFrame) -> pd.Series:
    """The spreadsheet row of each record validation attached (header = row 1), else 2, 3, ..."""
    return frame.attrs.get("rows", pd.Series(np.arange(len(frame)) + 2, index=frame.index))


def without_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy without the row numbers validation attached (they must not travel into the model)."""
    out = frame.copy()
    out.attrs = {}
    return out


def date_parameter(
    params: dict[str, Any], name: str, yaml_file: str, problems: list[Problem], *, monday: bool = False
) -> dt.date | None:
    """The ISO date parameter ``name`` (required; a Monday when ``monday``), or None with a problem."""
    where = f"parameters.{name}"
    value = params.get(name)
    if value is None:
        problems.append(
            Problem(
                yaml_file, f"a value is required (YYYY-MM-DD{', a Monday' if monday else ''})", column=where
            )
        )
        return None
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(Problem(yaml_file, f"'{value}' is not a date (YYYY-MM-DD)", column=where))
        return None
    if not FIRST_DATE <= day <= LAST_DATE:
        allowed = f"{day} is outside the dates allowed ({FIRST_DATE} to {LAST_DATE})"
        problems.append(Problem(yaml_file, allowed, column=where))
        return None
    if monday and day.weekday() != 0:
        problems.append(Problem(yaml_file, f"{day} is a {day:%A}, not a Monday", column=where))
        return None
    return day


def required_parameter(
    params: dict[str, Any], name: str, what: str, yaml_file: str, problems: list[Problem]
) -> Any:
    """Parameter ``name``, with a problem when it has no value (``what`` says what it counts)."""
    if params.get(name) is None:
        problems.append(Problem(yaml_file, f"a value is required ({what})", column=f"parameters.{name}"))
    return params.get(name)
