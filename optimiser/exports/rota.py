"""Rota exports: the long CSV, a coloured Excel workbook, and iCalendar files per person.

The rota table has one row per shift worked: ``staff``, ``name``, ``group``, ``date``,
``shift``, ``start``, ``end`` (timezone-aware, in the instance's time zone), ``hours``, ``night``,
``on_call``. Files are reproducible: the calendars' DTSTAMP and the workbook's creation time come
from the run timestamp passed in (:func:`run_timestamp`), and calendar text is escaped by the
``icalendar`` library.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from optimiser.exports.calendars import (
    TIMEZONE,
    calendar_file_names,
    once_per_time,
    once_per_value,
    write_rota_calendars,
)
from optimiser.exports.numbers import rounded_frame
from optimiser.exports.safe import write_csv
from optimiser.exports.stamp import run_timestamp
from optimiser.exports.workbook import WORKBOOK_OPTIONS, _plain

__all__ = [
    "TIMEZONE",
    "calendar_file_names",
    "rota_long",
    "run_timestamp",
    "write_rota_calendars",
    "write_rota_csv",
    "write_rota_workbook",
]
PALETTE = ("#BDD7EE", "#F8CBAD", "#C6E0B4", "#FFE699", "#D9D2E9", "#B4C6E7", "#F4B084", "#A9D08E")
NIGHT_COLOUR = "#8EA9DB"
LEAVE_COLOUR = "#D9D9D9"
SHORT_COLOUR = "#FF9999"


def rota_long(rota: pd.DataFrame) -> pd.DataFrame:
    """The long table as exported: ISO local times with their UTC offset."""
    out = rota[["staff", "name", "group", "date", "shift", "start", "end", "hours"]].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.date.astype(str)
    for column in ("start", "end"):
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):  # one zone: equal instants, equal text
            out[column] = once_per_time(out[column], _iso)
        else:
            out[column] = out[column].map(_iso)
    return out


def _iso(value: Any) -> str:
    return pd.Timestamp(value).isoformat()


def write_rota_csv(rota: pd.DataFrame, path: Path) -> None:
    write_csv(rota_long(rota), path)


def write_rota_workbook(
    path: Path,
    rota: pd.DataFrame,
    dates: list[dt.date],
    staff: pd.DataFrame,
    staff_summary: pd.DataFrame,
    cover: pd.DataFrame,
    penalties: pd.DataFrame,
    leave: pd.DataFrame | None = None,
    *,
    created: dt.datetime | None = None,
) -> None:
    """Sheets: Rota (staff x day grid coloured by shift type), Totals, Cover (shortfalls in red),
    Penalties (every soft-rule penalty by rule and person), Shifts (the long table).

    ``created``: the workbook's creation time (default :func:`run_timestamp`).
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    book.set_properties({"created": (created or run_timestamp()).replace(tzinfo=None)})
    try:
        bold = book.add_format({"bold": True})
        shift_ids = sorted(rota["shift"].unique().tolist()) if len(rota) else []
        night = set(rota.loc[rota["night"].astype(bool), "shift"]) if len(rota) else set()
        formats = {
            s: book.add_format(
                {
                    "bg_color": NIGHT_COLOUR if s in night else PALETTE[i % len(PALETTE)],
                    "align": "center",
                    "border": 1,
                }
            )
            for i, s in enumerate(shift_ids)
        }
        off = book.add_format({"align": "center", "border": 1, "font_color": "#808080"})
        leave_fmt = book.add_format(
            {"bg_color": LEAVE_COLOUR, "align": "center", "border": 1, "italic": True}
        )
        _grid_sheet(book, rota, dates, staff, leave, bold, formats, off, leave_fmt)
        _table_sheet(book, "Totals", staff_summary, bold)
        short = book.add_format({"bg_color": SHORT_COLOUR})
        ws = _table_sheet(book, "Cover", cover, bold)
        if len(cover) and "under" in cover:
            under = cover.columns.get_loc("under")
            ws.conditional_format(
                1,
                0,
                len(cover),
                len(cover.columns) - 1,
                {
                    "type": "formula",
                    "criteria": f"=${xlsxwriter.utility.xl_col_to_name(under)}2>0",
                    "format": short,
                },
            )
        _table_sheet(book, "Penalties", penalties, bold)
        _table_sheet(book, "Shifts", rota_long(rota) if len(rota) else pd.DataFrame(), bold)
        if len(shift_ids):
            legend = book.get_worksheet_by_name("Rota")
            col = len(dates) + 3
            legend.write(0, col, "Shift", bold)
            for i, s in enumerate(shift_ids):
                legend.write_string(i + 1, col, str(s), formats[s])
    finally:
        book.close()


def _grid_sheet(
    book: Any,
    rota: pd.DataFrame,
    dates: list[dt.date],
    staff: pd.DataFrame,
    leave: pd.DataFrame | None,
    bold: Any,
    formats: dict[str, Any],
    off: Any,
    leave_fmt: Any,
) -> None:
    ws = book.add_worksheet("Rota")
    ws.write(0, 0, "Staff", bold)
    ws.write(0, 1, "Name", bold)
    for j, day in enumerate(dates):
        ws.write(0, j + 2, day.strftime("%a %d %b"), bold)
    ws.freeze_panes(1, 2)
    ws.set_column(0, 1, 16)
    ws.set_column(2, len(dates) + 1, 9)
    cell = dict(
        zip(
            zip(map(str, rota["staff"].tolist()), _day_texts(rota["date"]), strict=True),
            map(str, rota["shift"].tolist()),
            strict=True,
        )
    )
    on_leave = set()
    if leave is not None and len(leave):
        on_leave = set(zip(map(str, leave["staff_id"].tolist()), _day_texts(leave["date"]), strict=True))
    days = [date.isoformat() for date in dates]
    names = staff["name"].tolist() if "name" in staff else staff["staff_id"].tolist()
    for i, (staff_id, name) in enumerate(zip(staff["staff_id"].tolist(), names, strict=True), start=1):
        sid = str(staff_id)
        ws.write_string(i, 0, sid)
        ws.write_string(i, 1, str(name))
        for j, iso in enumerate(days, start=2):
            key = (sid, iso)
            if key in cell:
                ws.write_string(i, j, cell[key], formats[cell[key]])
            elif key in on_leave:
                ws.write(i, j, "leave", leave_fmt)
            else:
                ws.write(i, j, "", off)


def _day_texts(dates: pd.Series) -> list[str]:
    """``YYYY-MM-DD`` of each date, datetime or text, each distinct value parsed once."""
    return once_per_value(dates.tolist(), lambda d: str(pd.Timestamp(d).date()))


def _table_sheet(book: Any, name: str, frame: pd.DataFrame, bold: Any) -> Any:
    ws = book.add_worksheet(name)
    table = _plain(rounded_frame(frame)) if len(frame.columns) else frame
    for j, column in enumerate(table.columns):
        ws.write(0, j, str(column), bold)
        ws.set_column(j, j, max(10, min(40, len(str(column)) + 2)))
    columns = [_cells(table.iloc[:, j]) for j in range(len(table.columns))]
    text, number, other = ws.write_string, ws.write_number, ws.write
    for i, row in enumerate(zip(*columns, strict=True), start=1):
        for j, value in enumerate(row):
            if isinstance(value, str):
                text(i, j, value)  # text stays text: no formula, link or apostrophe
            elif value.__class__ is int or value.__class__ is float:
                number(i, j, value)  # what write() does with a number, without asking its type again
            else:
                other(i, j, value)
    ws.freeze_panes(1, 0)
    return ws


def _cells(column: pd.Series) -> list[Any]:
    """A column's cells as written (:func:`_cell`); integers and booleans, which cannot be missing,
    as they are."""
    values = column.tolist()
    return values if column.dtype.kind in "iub" else [_cell(v) for v in values]


def _cell(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""  # missing: an empty cell, never the text "NaT" or "nan"
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    return value
