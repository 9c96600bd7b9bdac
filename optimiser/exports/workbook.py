"""Excel workbooks with one sheet per table (xlsxwriter), safe against formula injection.

Text is stored in string cells (the cell's type, not an apostrophe prefix): Excel shows ``=1+1``
as the text ``=1+1`` and never runs it.  The apostrophe prefix belongs to CSV only
(:mod:`optimiser.exports.safe`).  Floats are rounded to their column's decimals as in the CSV
files (:mod:`optimiser.exports.numbers`), so a sheet and its CSV hold the same figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimiser.exports.numbers import rounded_frame

MAX_SHEET_NAME = 31
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
"""xlsxwriter options: every str is written as a string cell, never as a formula, link or number."""


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """One sheet per table, header bold and frozen, columns sized to their contents.

    Every text cell and header is a string cell (:data:`WORKBOOK_OPTIONS`), shown exactly as
    written, without a visible apostrophe; every float is rounded to its column's decimals
    (:func:`optimiser.exports.numbers.rounded_frame`).
    """
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": WORKBOOK_OPTIONS}) as writer:
        bold = writer.book.add_format({"bold": True})
        for name, frame in sheets.items():
            sheet_name = name[:MAX_SHEET_NAME]
            table = _plain(rounded_frame(frame))
            table.columns = [str(c) for c in table.columns]
            table.to_excel(writer, sheet_name=sheet_name, index=False)
            ws = writer.sheets[sheet_name]
            ws.freeze_panes(1, 0)
            for i, column in enumerate(table.columns):
                width = max([len(str(column))] + [len(str(v)) for v in table[column].head(200)]) + 2
                ws.set_column(i, i, min(width, 50))
            ws.set_row(0, None, bold)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: aware datetimes are written as local wall-clock times.  A column of
    dates (every value at midnight) is written as dates, shown ``YYYY-MM-DD`` as in the CSV file,
    not ``2026-04-13 00:00:00``."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
        if (
            pd.api.types.is_datetime64_dtype(out[column])
            and (out[column].dropna() == out[column].dropna().dt.normalize()).all()
        ):
            out[column] = out[column].dt.date
    return out
