"""Declarative table and parameter schemas, and their validation.

A kind of instance declares its tables (columns, types, ranges, keys, references) and its
parameters (type, unit, default, range, meaning).  Validation collects every problem with file,
row and column, so the user fixes them all in one pass.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from optimiser.errors import Problem

FIRST_DATA_ROW = 2  # the header is row 1 in a spreadsheet or editor


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``kind`` is one of ``str``, ``int``, ``float``, ``bool``, ``date``.  An optional column
    missing from the file is filled with ``default``.
    """

    name: str
    kind: str
    required: bool = True
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    unique: bool = False
    references: str | None = None  # "table.column" this column must match
    doc: str = ""
    allow_blank: bool = False


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    required: bool = True
    doc: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Parameter:
    """One instance parameter with its unit, default and allowed range."""

    name: str
    kind: type
    default: Any
    unit: str = ""
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    optional: bool = False  # None is an allowed value (meaning "no such limit")


@dataclass
class TableCheck:
    """Validated tables and the problems found on the way."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip() == "")


def _convert(series: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """Convert a raw column; return the converted values and a mask of cells that failed."""
    blank = _blank(series)
    text = series.astype(str).str.strip()
    if column.kind == "str":
        return text.where(~blank, None), pd.Series(False, index=series.index)
    if column.kind in ("int", "float"):
        values = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = values.isna() & ~blank
        if column.kind == "int":
            frac = (values - np.round(values)).abs() > 1e-9
            bad |= frac.fillna(False)
        return values, bad
    if column.kind == "bool":
        low = text.str.lower()
        values = pd.Series(
            np.where(low.isin(_TRUE), True, np.where(low.isin(_FALSE), False, None)), index=series.index
        )
        bad = ~(low.isin(_TRUE) | low.isin(_FALSE)) & ~blank
        return values, bad
    if column.kind == "date":
        values = pd.to_datetime(text.where(~blank), errors="coerce", format="ISO8601")
        bad = values.isna() & ~blank
        return values, bad
    raise ValueError(f"unknown column kind {column.kind!r}")


_KIND_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
}


def validate_table(raw: pd.DataFrame, schema: TableSchema, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one raw table (all cells as read) against ``schema``; return typed frame and problems."""
    problems: list[Problem] = []
    raw = raw.copy()
    raw.columns = [str(c).strip() for c in raw.columns]
    known = {c.name for c in schema.columns}
    for name in raw.columns:
        if name not in known:
            hint = difflib.get_close_matches(name, sorted(known), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append(
                Problem(
                    file,
                    f"unknown column{extra}; expected: {', '.join(c.name for c in schema.columns)}",
                    column=name,
                )
            )
    out = pd.DataFrame(index=raw.index)
    rows = pd.Series(np.arange(len(raw)) + FIRST_DATA_ROW, index=raw.index)
    for column in schema.columns:
        if column.name not in raw.columns:
            if column.required:
                problems.append(Problem(file, "required column is missing", column=column.name))
            out[column.name] = column.default
            continue
        values, bad = _convert(raw[column.name], column)
        blank = _blank(raw[column.name])
        for idx in raw.index[bad]:
            problems.append(
                Problem(
                    file,
                    f"'{raw.at[idx, column.name]}' is not {_KIND_WORDS[column.kind]}",
                    int(rows[idx]),
                    column.name,
                )
            )
        if not column.allow_blank:
            if column.required and column.default is None:
                for idx in raw.index[blank]:
                    problems.append(Problem(file, "value is missing", int(rows[idx]), column.name))
            elif column.default is not None:
                values = values.where(~blank, column.default)
        ok = ~bad & ~_blank(values.astype(object).where(values.notna(), ""))
        if column.kind in ("int", "float"):
            numeric = pd.to_numeric(values, errors="coerce")
            if column.minimum is not None:
                for idx in raw.index[ok & (numeric < column.minimum)]:
                    problems.append(
                        Problem(
                            file,
                            f"{numeric[idx]:g} is below the minimum {column.minimum:g}",
                            int(rows[idx]),
                            column.name,
                        )
                    )
            if column.maximum is not None:
                for idx in raw.index[ok & (numeric > column.maximum)]:
                    problems.append(
                        Problem(
                            file,
                            f"{numeric[idx]:g} is above the maximum {column.maximum:g}",
                            int(rows[idx]),
                            column.name,
                        )
                    )
        if column.choices is not None:
            for idx in raw.index[ok & ~values.isin(column.choices)]:
                problems.append(
                    Problem(
                        file,
                        f"'{values[idx]}' is not one of: {', '.join(column.choices)}",
                        int(rows[idx]),
                        column.name,
                    )
                )
        if column.unique:
            dup = values.duplicated(keep="first") & values.notna()
            for idx in raw.index[dup]:
                first = int(rows[values[values == values[idx]].index[0]])
                problems.append(
                    Problem(
                        file,
                        f"duplicate id '{values[idx]}' (first at row {first})",
                        int(rows[idx]),
                        column.name,
                    )
                )
        if column.kind == "int" and not values.isna().any():
            values = values.astype("int64")
        out[column.name] = values
    out.attrs["rows"] = rows
    return out, problems


def check_references(
    tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema], files: dict[str, str]
) -> list[Problem]:
    """Every ``references`` column must name an existing id of the referenced table."""
    problems: list[Problem] = []
    for name, schema in schemas.items():
        frame = tables.get(name)
        if frame is None:
            continue
        rows = frame.attrs.get("rows", pd.Series(np.arange(len(frame)) + FIRST_DATA_ROW, index=frame.index))
        for column in schema.columns:
            if not column.references or column.name not in frame:
                continue
            table, key = column.references.split(".")
            target = tables.get(table)
            if target is None or key not in target:
                continue
            valid = set(target[key].dropna().astype(str))
            values = frame[column.name]
            present = values.notna()
            for idx in frame.index[present & ~values.astype(str).isin(valid)]:
                problems.append(
                    Problem(
                        files[name],
                        f"'{values[idx]}' is not a known {table} {key}",
                        int(rows[idx]),
                        column.name,
                    )
                )
    return problems


def validate_parameters(
    given: dict[str, Any] | None, specs: tuple[Parameter, ...], file: str
) -> tuple[dict[str, Any], list[Problem]]:
    """Fill defaults, reject unknown names (with a suggestion), check types and ranges."""
    given = dict(given or {})
    problems: list[Problem] = []
    known = {p.name: p for p in specs}
    values: dict[str, Any] = {}
    for name in given:
        if name not in known:
            hint = difflib.get_close_matches(name, sorted(known), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append(Problem(file, f"unknown parameter '{name}'{extra}", column=f"parameters.{name}"))
    for spec in specs:
        value = given.get(spec.name, spec.default)
        where = f"parameters.{spec.name}"
        if value is None:
            if not spec.optional and spec.default is not None:
                problems.append(Problem(file, "a value is required", column=where))
            values[spec.name] = None
            continue
        try:
            if spec.kind is bool:
                if not isinstance(value, bool):
                    raise TypeError
            elif spec.kind is float:
                if isinstance(value, bool):
                    raise TypeError
                value = float(value)
            elif spec.kind is int:
                if isinstance(value, bool) or float(value) != int(float(value)):
                    raise TypeError
                value = int(value)
            elif spec.kind is str:
                value = str(value)
        except (TypeError, ValueError):
            kind = {bool: "true or false", float: "a number", int: "a whole number", str: "text"}[spec.kind]
            problems.append(Problem(file, f"'{value}' is not {kind}", column=where))
            continue
        if spec.minimum is not None and value < spec.minimum:
            problems.append(Problem(file, f"{value} is below the minimum {spec.minimum}", column=where))
        if spec.maximum is not None and value > spec.maximum:
            problems.append(Problem(file, f"{value} is above the maximum {spec.maximum}", column=where))
        if spec.choices is not None and value not in spec.choices:
            problems.append(
                Problem(file, f"'{value}' is not one of: {', '.join(map(str, spec.choices))}", column=where)
            )
        values[spec.name] = value
    return values, problems
