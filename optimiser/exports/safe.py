"""Cells that a spreadsheet will never run as a formula.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run as
a formula by Excel, LibreOffice or Google Sheets when a CSV is opened (CSV or formula injection).
Such text is prefixed with an apostrophe, which spreadsheets show as plain text; reading a CSV
back as input (:func:`plain_text`, e.g. a run's ``assignments.csv`` as ``published.csv``) or as
the engine's own (:func:`read_written_csv`) takes that one apostrophe off again, so the engine's
files round-trip.  Numbers are
left as numbers; :func:`write_csv` writes each float to its column's fixed decimals
(:mod:`optimiser.exports.numbers`: shares 6, money 2, everything else 4).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimiser.exports.numbers import rounded_frame

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _quoted_formula(value: Any) -> bool:
    """Whether ``value`` is text of apostrophes (none or more) and then a formula start."""
    return isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS)


def safe_text(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet could run as a formula, or such text
    after apostrophes (``'=x`` -> ``''=x``, so :func:`plain_text` gives back exactly ``'=x``)."""
    if _quoted_formula(value):
        return "'" + value
    return value


def plain_text(value: Any) -> Any:
    """The text :func:`safe_text` made safe, as it was: one leading apostrophe taken off when what
    follows is apostrophes and a formula start (``'+B`` -> ``+B``); any other value unchanged
    (``'Ann`` stays)."""
    if _quoted_formula(value) and value.startswith("'"):
        return value[1:]
    return value


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` (read as text) with every cell and column name as :func:`plain_text` reads it."""
    out = frame.copy()
    for i in range(out.shape[1]):  # by position: a name may be repeated (validation reports it)
        values = out.iloc[:, i]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            try:
                quoted = values.str.startswith("'", na=False)
            except AttributeError:  # no text at all: booleans beside blanks ('True', '', 'False')
                continue
            if quoted.any():  # only those cells are looked at again: large tables have none
                out.iloc[:, i] = values.where(~quoted, values[quoted].map(plain_text))
    out.columns = [plain_text(str(c)) for c in frame.columns]
    return out


def read_written_csv(path: Any, **options: Any) -> pd.DataFrame:
    """A CSV the engine wrote with :func:`write_csv` (a run's plan, a comparison's tables), read
    with pandas' ``options`` and every text cell as it was before it was made safe: a site ``=B``
    written ``'=B`` is ``=B`` again, so it matches the instance (regret's forced runs, a
    scenario's differences, a report's tables)."""
    return plain_frame(pd.read_csv(path, **options))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) made safe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_text)
    out.columns = [safe_text(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: Any) -> None:
    """Write ``frame`` as CSV with every text cell made safe and every float rounded to its
    column's decimals (:func:`optimiser.exports.numbers.rounded_frame`)."""
    safe_frame(rounded_frame(frame)).to_csv(path, index=False)
