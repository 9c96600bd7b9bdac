"""Column helpers for the rota input's tables: parse, normalise and refuse, naming table, row and column.

Every refusal raises :class:`models.common.contract.ModelInputError` (row 1 = the first data row).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any, NoReturn

import pandas as pd

from models.common.contract import InputProblem, ModelInputError

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters: never part of an id or a name (they break files, calendars and terminals)."""


def fail(table: str, message: str, row: int | None = None, column: str | None = None) -> NoReturn:
    raise ModelInputError(InputProblem(table, message, row, column))


def blank_frame(columns: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


# Table -> {column: default}; a default of ... marks a required column.


def empty_table(columns: dict[str, Any]) -> pd.DataFrame:
    """An empty table with the given columns (for optional inputs)."""
    return blank_frame(columns)


def parse_list(text: object) -> tuple[str, ...]:
    """``"a|b"`` -> ``("a", "b")``; blanks and NaN -> ``()``."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ()
    return tuple(p.strip() for p in str(text).split("|") if p.strip())


CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")
"""A start time as written: ``07:30`` or ``7:30`` (Excel's), with ``:00`` seconds at most. ``7:5``
read as 07:05, and ``07:30:45`` as 07:30, where a typing slip is the likelier reading."""


def parse_time(text: object) -> int | None:
    """``"HH:MM"`` -> minutes after midnight; blank -> None (start unknown)."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or str(text).strip() == "":
        return None
    if isinstance(text, dt.time):
        if text.second or text.microsecond:
            raise ValueError(f"shift start {text.isoformat()!r} is not a time HH:MM (it has seconds)")
        return text.hour * 60 + text.minute
    written = CLOCK_TIME.fullmatch(str(text).strip())
    if written is None:
        raise ValueError(f"shift start {text!r} is not a time HH:MM")
    hours, minutes = int(written.group(1)), int(written.group(2))
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"shift start {text!r} is not a time of day")
    return hours * 60 + minutes


def to_date(value: object, table: str, row: int, column: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        fail(table, f"{value!r} is not a date", row, column)


def normalise(table: pd.DataFrame | None, columns: dict[str, Any], name: str) -> pd.DataFrame:
    """A copy of ``table`` with exactly ``columns`` (defaults filled), or ModelInputError."""
    if table is None:
        return blank_frame(columns)
    if not isinstance(table, pd.DataFrame):
        fail(name, f"expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c, d in columns.items() if d is ... and c not in table.columns]
    if missing and len(table):
        fail(name, f"missing required column(s) {', '.join(missing)}", column=missing[0])
    out = pd.DataFrame(index=range(len(table)))
    for column, default in columns.items():
        if column in table.columns:
            values = table[column].tolist()
            if default is not ...:
                values = [default if is_blank(v) else v for v in values]
            out[column] = pd.Series(values, dtype=object)
        else:
            out[column] = pd.Series([None if default is ... else default] * len(table), dtype=object)
    return out


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NaT or (isinstance(value, str) and value.strip() == "")


def whole_numbers(frame: pd.DataFrame, column: str, name: str, minimum: int | None = 0) -> None:
    values = []
    for row, v in enumerate(frame[column].tolist(), start=1):
        try:
            f = float(v)
        except (TypeError, ValueError):
            fail(name, f"{column} {v!r} is not a number", row, column)
        if not math.isfinite(f) or f != int(f):
            fail(name, f"{column} {v!r} must be a whole number", row, column)
        if minimum is not None and f < minimum:
            fail(name, f"{column} {v!r} must be at least {minimum}", row, column)
        values.append(int(f))
    frame[column] = pd.Series(values, dtype=object)


def texts(frame: pd.DataFrame, name: str, *columns: str) -> None:
    """Columns as stripped text, refusing control characters (tabs, newlines, escapes)."""
    for column in columns:
        values = [str(v).strip() for v in frame[column].tolist()]
        for row, v in enumerate(values, start=1):
            if CONTROL.search(v):
                fail(name, f"{column} {v!r} holds a control character (tab, newline or similar)", row, column)
        frame[column] = pd.Series(values, dtype=object)


def booleans(frame: pd.DataFrame, column: str, name: str) -> None:
    out = []
    for row, v in enumerate(frame[column].tolist(), start=1):
        if isinstance(v, bool):
            out.append(v)
        elif str(v).strip().lower() in ("true", "yes", "y", "1", "t", "1.0"):
            out.append(True)
        elif str(v).strip().lower() in ("false", "no", "n", "0", "f", "0.0", ""):
            out.append(False)
        else:
            fail(name, f"{column} {v!r} is not true/false", row, column)
    frame[column] = pd.Series(out, dtype=object)


def dates(frame: pd.DataFrame, name: str) -> None:
    frame["date"] = pd.Series(
        [to_date(v, name, i) for i, v in enumerate(frame["date"], start=1)], dtype=object
    )


def known(frame: pd.DataFrame, column: str, known: Iterable[str], name: str, what: str) -> None:
    known = set(known)
    for row, v in enumerate(frame[column].tolist(), start=1):
        if v not in known:
            fail(name, f"unknown {what} {v!r}", row, column)


def first_duplicate(frame: pd.DataFrame, columns: list[str]) -> tuple[int, str] | None:
    """(row, key) of the first row repeating an earlier row's ``columns``, or None."""
    text = frame[columns].astype(str)
    dup = text.duplicated().to_numpy()  # whole columns at once: a 150 x 364 rota's windows, 1.4 -> 0.1 s
    if not dup.any():
        return None
    index = int(dup.argmax())
    return index + 1, "/".join(text.iloc[index])
