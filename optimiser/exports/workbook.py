"""Excel workbooks with one sheet per table (xlsxwriter), safe against formula injection."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimiser.exports.safe import safe_frame

MAX_SHEET_NAME = 31


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """One sheet per table, header bold and frozen, columns sized to their contents.

    xlsxwriter is told never to turn strings into formulas, and every text cell is also
    prefixed as :func:`optimiser.exports.safe.safe_text` does, so the workbook is safe whichever
    program later re-saves it as CSV.
    """
    with pd.ExcelWriter(
        path, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}
    ) as writer:
        bold = writer.book.add_format({"bold": True})
        for name, frame in sheets.items():
            sheet_name = name[:MAX_SHEET_NAME]
            table = safe_frame(_plain(frame))
            table.to_excel(writer, sheet_name=sheet_name, index=False)
            ws = writer.sheets[sheet_name]
            ws.freeze_panes(1, 0)
            for i, column in enumerate(table.columns):
                width = max([len(str(column))] + [len(str(v)) for v in table[column].head(200)]) + 2
                ws.set_column(i, i, min(width, 50))
            ws.set_row(0, None, bold)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: aware datetimes are written as local wall-clock times."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
    return out
