"""Cells that a spreadsheet will never run as a formula.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run as
a formula by Excel, LibreOffice or Google Sheets when a CSV is opened (CSV or formula injection).
Such text is prefixed with an apostrophe, which spreadsheets show as plain text.  Numbers are
left as numbers; :func:`write_csv` writes each float to its column's fixed decimals
(:mod:`optimiser.exports.numbers`: shares 6, money 2, everything else 4).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimiser.exports.numbers import rounded_frame

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet could run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
