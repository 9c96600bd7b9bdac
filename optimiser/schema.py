"""Declarative table and parameter schemas, and their validation.

A kind of instance declares its tables (columns, types, ranges, keys, references) and its
parameters (type, unit, default, range, meaning).  Validation collects every problem with file,
row and column, so the user fixes them all in one pass.

Sane ranges hold unless a column or parameter declares its own: numbers are finite (no ``inf``,
``nan``, ``1e309``) and within +-:data:`NUMBER_LIMIT`; dates lie from :data:`FIRST_DATE` to
:data:`LAST_DATE`.  Headers are unique once surrounding spaces are trimmed, and a required table
has at least ``min_rows`` rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from optimiser.errors import Problem

FIRST_DATA_ROW = 2  # the header is row 1 in a spreadsheet or editor
NUMBER_LIMIT = 1e12  # largest magnitude of a number cell or parameter without a declared range
FIRST_DATE = dt.date(1900, 1, 1)  # earliest date accepted in a date column or parameter
LAST_DATE = dt.date(2200, 12, 31)  # latest date accepted


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
    min_rows: int = 1  # least data rows of a required table (0: an empty table is allowed)

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
    listed: bool = False  # comma-separated text (choices: each item's); a YAML list of text is the same


@dataclass
class TableCheck:
    """Validated tables and the problems found on the way."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _convert(text: pd.Series, blank: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """Convert a raw column (``text``: cells trimmed; ``blank``: empty cells); return the converted
    values and a mask of cells that failed."""
    if column.kind == "str":
        return text.where(~blank, None), pd.Series(False, index=text.index)
    if column.kind in ("int", "float"):
        values = pd.to_numeric(text.where(~blank), errors="coerce")
        finite = np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        bad = ~finite & ~blank
        if column.kind == "int":
            with np.errstate(invalid="ignore"):
                bad |= np.abs(values - np.round(values)) > 1e-9
        return values.where(~bad), bad
    if column.kind == "bool":
        low = text.str.lower()
        true, false = low.isin(_TRUE), low.isin(_FALSE)
        answers = np.full(len(text), None, dtype=object)
        answers[true.to_numpy(dtype=bool)] = True
        answers[false.to_numpy(dtype=bool)] = False
        values = pd.Series(answers, index=text.index)
        return values, ~(true | false) & ~blank
    if column.kind == "date":
        values = pd.to_datetime(text.where(~blank), errors="coerce", format="ISO8601")
        bad = values.isna() & ~blank
        in_range = (values >= pd.Timestamp(FIRST_DATE)) & (values <= pd.Timestamp(LAST_DATE))
        out_of_range = values.notna() & ~in_range
        return values.where(~out_of_range), bad | out_of_range
    raise ValueError(f"unknown column kind {column.kind!r}")


def _bad_cell_message(cell: Any, column: Column) -> str:
    """Why the raw ``cell`` cannot be read as ``column``'s kind, in the user's words."""
    text = str(cell).strip()
    if column.kind in ("int", "float"):
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is not None and not math.isfinite(number):
            return f"'{text}' is not a finite number"
        if (advice := _number_as_shown(text)) is not None:
            return f"'{text}' is not a number: {advice}"
    if column.kind == "date":
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
        if not pd.isna(parsed):
            return f"'{text}' is outside the dates allowed ({FIRST_DATE} to {LAST_DATE})"
    return f"'{text}' is not {_KIND_WORDS[column.kind]}"


THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
CURRENCY = re.compile(r"[£$€]")


def _number_as_shown(text: str) -> str | None:
    """How to write a number Excel exported as it shows it ('1,234', '£1234', '2,5'), or None."""
    if CURRENCY.search(text):
        plain = CURRENCY.sub("", text)
        rest = _number_as_shown(plain)
        return rest if rest is not None else f"write it without the currency sign ({plain})"
    if THOUSANDS.fullmatch(text):
        return f"write it without thousands separators ({text.replace(',', '')})"
    if DECIMAL_COMMA.fullmatch(text):
        return f"write it with a decimal point ({text.replace(',', '.')})"
    return None


_KIND_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
}


def _header_problems(raw: pd.DataFrame, schema: TableSchema, file: str) -> list[Problem]:
    """Headers repeated once trimmed, unknown columns, and a required table without rows."""
    problems: list[Problem] = []
    names = [str(c).strip() for c in raw.columns]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            problems.append(
                Problem(
                    file,
                    f"column '{name}' appears twice (columns {seen[name]} and {position}, spaces trimmed)",
                    column=name,
                )
            )
        seen.setdefault(name, position)
    known = {c.name for c in schema.columns}
    for name in dict.fromkeys(names):
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
    if schema.required and len(raw) < schema.min_rows:
        problems.append(Problem(file, f"the table has {len(raw)} rows; at least {schema.min_rows} needed"))
    return problems


def _range_problems(
    values: pd.Series, ok: np.ndarray, text: pd.Series, rows: np.ndarray, column: Column, file: str
) -> list[Problem]:
    """Numbers below the column's minimum or above its maximum (+-NUMBER_LIMIT when not declared)."""
    problems: list[Problem] = []
    numeric = values.to_numpy(dtype=float, na_value=np.nan)
    for bound, sign, word in (
        (column.minimum, -1, "below the minimum"),
        (column.maximum, 1, "above the maximum"),
    ):
        limit = bound if bound is not None else sign * NUMBER_LIMIT
        with np.errstate(invalid="ignore"):
            beyond = numeric < limit if sign < 0 else numeric > limit
        for i in np.flatnonzero(ok & beyond):
            if bound is not None:
                message = f"{numeric[i]:g} is {word} {bound:g}"
            else:
                message = f"'{text.iat[i]}' is {word} {limit:g} (numbers are limited to +-{NUMBER_LIMIT:g})"
            problems.append(Problem(file, message, int(rows[i]), column.name))
    return problems


def _check_column(
    cells: pd.Series, column: Column, rows: np.ndarray, file: str
) -> tuple[pd.Series, list[Problem]]:
    """One present column: its typed values and every problem in its cells."""
    problems: list[Problem] = []
    text = cells.astype(str).str.strip()
    blank = cells.isna() | (text == "")
    values, bad = _convert(text, blank, column)
    bad_at, blank_at = bad.to_numpy(dtype=bool), blank.to_numpy(dtype=bool)
    for i in np.flatnonzero(bad_at):
        problems.append(Problem(file, _bad_cell_message(cells.iat[i], column), int(rows[i]), column.name))
    if not column.allow_blank:
        if column.required and column.default is None:
            for i in np.flatnonzero(blank_at):
                problems.append(Problem(file, "value is missing", int(rows[i]), column.name))
        elif column.default is not None and blank_at.any():
            values = values.where(~blank, column.default)
    ok = ~bad_at & values.notna().to_numpy(dtype=bool)
    if column.kind in ("int", "float"):
        problems += _range_problems(values, ok, text, rows, column, file)
    if column.choices is not None:
        ok &= values.astype(str).str.strip().to_numpy() != ""
        for i in np.flatnonzero(ok & ~values.isin(column.choices).to_numpy(dtype=bool)):
            message = f"'{values.iat[i]}' is not one of: {', '.join(column.choices)}"
            problems.append(Problem(file, message, int(rows[i]), column.name))
    if column.unique:
        first_row: dict[Any, int] = {}
        for position, value in enumerate(values.tolist()):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if value in first_row:
                shown = f"{value:%Y-%m-%d}" if column.kind == "date" else value
                message = f"duplicate id '{shown}' (first at row {first_row[value]})"
                problems.append(Problem(file, message, int(rows[position]), column.name))
            else:
                first_row[value] = int(rows[position])
    if column.kind == "int" and not problems and not values.isna().any():
        values = values.astype("int64")
    return values, problems


def validate_table(raw: pd.DataFrame, schema: TableSchema, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one raw table (all cells as read) against ``schema``; return typed frame and problems."""
    problems = _header_problems(raw, schema, file)
    rows = raw.attrs.get("rows", np.arange(len(raw)) + FIRST_DATA_ROW)  # as the file numbers them
    raw = raw.set_axis([str(c).strip() for c in raw.columns], axis=1)
    if raw.columns.duplicated().any():
        return pd.DataFrame(index=raw.index), problems
    columns: dict[str, Any] = {}
    for column in schema.columns:
        if column.name not in raw.columns:
            if column.required:
                problems.append(Problem(file, "required column is missing", column=column.name))
            columns[column.name] = column.default
            continue
        columns[column.name], found = _check_column(raw[column.name], column, rows, file)
        problems += found
    out = pd.DataFrame(columns, index=raw.index) if columns else pd.DataFrame(index=raw.index)
    out.attrs["rows"] = pd.Series(rows, index=raw.index)
    return out, problems


def check_references(
    tables: dict[str, pd.DataFrame],
    schemas: dict[str, TableSchema],
    files: dict[str, str],
    skip: Collection[tuple[str, str | None]] = (),
) -> list[Problem]:
    """Every ``references`` column must name an existing id of the referenced table.

    ``skip``: (file, column) pairs already found wrong; a reference from or to such a column is
    not checked, so that one wrong cell is not reported twice.
    """
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
            if (files[name], column.name) in skip or (files.get(table), key) in skip:
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


def listed_items(text: str | None) -> tuple[str, ...]:
    """The items of a listed parameter's comma-separated text (``first_hard``); blank: none."""
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


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
        if spec.listed and isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = ", ".join(value)
        try:
            value = _typed_parameter(value, spec.kind)
        except (TypeError, ValueError, OverflowError):
            kind = {bool: "true or false", float: "a number", int: "a whole number", str: "text"}[spec.kind]
            problems.append(Problem(file, f"'{given.get(spec.name)}' is not {kind}", column=where))
            continue
        if spec.kind in (int, float):
            problems += _parameter_range(value, spec, given.get(spec.name), file, where)
        if spec.choices is not None:
            items = listed_items(value) if spec.listed else (value,)
            for item in items:
                if item not in spec.choices:
                    words = f"'{item}' is not one of: {', '.join(map(str, spec.choices))}"
                    problems.append(Problem(file, words, column=where))
        values[spec.name] = value
    return values, problems


def _typed_parameter(value: Any, kind: type) -> Any:
    """``value`` as ``kind``; raise TypeError, ValueError or OverflowError when it is not one."""
    if kind is bool:
        if not isinstance(value, bool):
            raise TypeError
        return value
    if kind is str:
        if isinstance(value, dict | list | tuple | set):
            raise TypeError
        return str(value)
    if kind not in (int, float):
        return value  # a kind this module does not type: the kind's own code checks it
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError
    number = float(value)
    if not math.isfinite(number):
        raise ValueError
    if kind is int:
        if isinstance(value, int):
            return value
        if number != int(number):
            raise ValueError
        return int(number)
    return number


LONGEST_SHOWN = 24
"""Characters of a typed parameter value a message shows; a longer one is shown as written
(--set weeks=1e300 read as a whole number of 301 digits)."""


def _parameter_range(value: float, spec: Parameter, given: Any, file: str, where: str) -> list[Problem]:
    """The parameter's declared range, else +-NUMBER_LIMIT (then shown as the user wrote it)."""
    sane = f"(numbers are limited to +-{NUMBER_LIMIT:g})"
    shown = given if given is not None and len(str(value)) > LONGEST_SHOWN else value
    if spec.minimum is not None and value < spec.minimum:
        return [Problem(file, f"{shown} is below the minimum {spec.minimum}", column=where)]
    if spec.maximum is not None and value > spec.maximum:
        return [Problem(file, f"{shown} is above the maximum {spec.maximum}", column=where)]
    if spec.minimum is None and value < -NUMBER_LIMIT:
        return [Problem(file, f"{given} is below the minimum {-NUMBER_LIMIT:g} {sane}", column=where)]
    if spec.maximum is None and value > NUMBER_LIMIT:
        return [Problem(file, f"{given} is above the maximum {NUMBER_LIMIT:g} {sane}", column=where)]
    return []
