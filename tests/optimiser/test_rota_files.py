"""The rota workbook holds every table cell for cell, and a solved rota's files agree with each other.

The workbook is written from column lists (:mod:`optimiser.exports.rota`); these tests read it
back with openpyxl and hold each sheet against the frame it came from, so a cell written in the
wrong row or column, a lost colour or a number turned into text fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.exports.rota import LEAVE_COLOUR, NIGHT_COLOUR, PALETTE, rota_long, write_rota_workbook

LONDON = "Europe/London"
DATES = [dt.date(2025, 10, 24) + dt.timedelta(days=i) for i in range(4)]


def shift(staff: str, day: int, code: str, start: str, hours: float, night: bool = False) -> dict:
    begin = pd.Timestamp(f"{DATES[day]} {start}").tz_localize(LONDON)
    return {
        "staff": staff,
        "name": {"A1": "Ann", "B2": "=Bob()", "C3": "Cy"}[staff],
        "group": "nurses",
        "date": DATES[day],
        "shift": code,
        "start": begin,
        "end": begin + pd.Timedelta(hours=hours),
        "hours": hours,
        "night": night,
        "on_call": False,
    }


ROTA = pd.DataFrame(
    [
        shift("B2", 1, "N", "20:00", 12, night=True),  # 25-26 October: the clocks go back
        shift("A1", 0, "E", "07:30", 7.5),
        shift("A1", 2, "L", "13:00", 8.25),
        shift("C3", 3, "E", "07:30", 7.5),
        shift("B2", 3, "L", "13:00", 8.25),
    ]
)
STAFF = pd.DataFrame({"staff_id": ["A1", "B2", "C3"], "name": ["Ann", "=Bob()", "Cy"]})
LEAVE = pd.DataFrame({"staff_id": ["C3", "C3"], "date": pd.to_datetime([DATES[0], DATES[1]])})
TOTALS = pd.DataFrame(
    {
        "staff_id": ["A1", "B2", "C3"],
        "shifts": [2, 2, 1],
        "hours": [15.75, 20.25, 7.5],
        "on_call": [False, True, False],
    }
)
COVER = pd.DataFrame(
    {
        "date": DATES,
        "shift_id": ["E"] * 4,
        "skill": ["", "", "chemo", ""],
        "under": [0, 1, 0, 2],
        "over": [0] * 4,
    }
)
PENALTIES = pd.DataFrame(
    {
        "rule": ["cover_under", "request", "@evil"],
        "staff": ["", "A1", "B2"],
        "date": [DATES[1], DATES[2], pd.NaT],
        "amount": [1, 1, 2],
        "weight": [np.int64(100), np.int64(5), np.int64(3)],
        "cost": [100.0, 5.0, float("nan")],
    }
)


def sheet_rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def expected_rows(frame: pd.DataFrame) -> list[list[object]]:
    """A frame's cells as the workbook holds them: text as text, numbers as numbers, dates as
    their text, missing values as empty text."""
    rows = [[str(c) for c in frame.columns]]
    for record in frame.astype(object).itertuples(index=False):
        row = []
        for v in record:
            if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
                row.append("")
            elif isinstance(v, (pd.Timestamp, dt.date)):
                row.append(str(v))
            else:
                row.append(v.item() if hasattr(v, "item") else v)
        rows.append(row)
    return rows


def test_workbook_sheets_hold_their_tables_cell_for_cell(tmp_path: Path) -> None:
    path = tmp_path / "rota.xlsx"
    write_rota_workbook(path, ROTA, DATES, STAFF, TOTALS, COVER, PENALTIES, LEAVE)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Rota", "Totals", "Cover", "Penalties", "Shifts"]
    assert sheet_rows(book["Totals"]) == expected_rows(TOTALS)
    assert sheet_rows(book["Cover"]) == expected_rows(COVER)
    assert sheet_rows(book["Penalties"]) == expected_rows(PENALTIES)
    assert sheet_rows(book["Shifts"]) == expected_rows(rota_long(ROTA))
    assert book["Penalties"]["A4"].value == "@evil" and book["Penalties"]["A4"].data_type == "s"
    assert book["Totals"]["D3"].value is True and book["Totals"]["C2"].value == 15.75
    assert book["Shifts"]["F2"].value == "2025-10-25T20:00:00+01:00"
    assert book["Shifts"]["G2"].value == "2025-10-26T07:00:00+00:00"  # 12 h across the clock change
    for sheet in book.worksheets:
        assert sheet.freeze_panes == ("C2" if sheet.title == "Rota" else "A2")


def test_rota_grid_has_each_persons_day_in_its_colour(tmp_path: Path) -> None:
    path = tmp_path / "rota.xlsx"
    write_rota_workbook(path, ROTA, DATES, STAFF, TOTALS, COVER, PENALTIES, LEAVE)
    grid = openpyxl.load_workbook(path)["Rota"]
    days = [d.strftime("%a %d %b") for d in DATES]
    assert sheet_rows(grid)[0][: 2 + len(DATES)] == ["Staff", "Name", *days]
    assert [r[: 2 + len(DATES)] for r in sheet_rows(grid)[1:4]] == [
        ["A1", "Ann", "E", None, "L", None],
        ["B2", "=Bob()", None, "N", None, "L"],
        ["C3", "Cy", "leave", "leave", None, "E"],
    ]
    assert grid["B3"].data_type == "s"  # a name that looks like a formula stays text

    def fill(ref: str) -> str:
        return grid[ref].fill.fgColor.rgb[-6:]

    # shift types in sorted order take the palette's colours; a night shift is night blue
    assert (fill("C2"), fill("E2"), fill("D3")) == (PALETTE[0][1:], PALETTE[1][1:], NIGHT_COLOUR[1:])
    assert fill("F3") == fill("E2") and fill("F4") == fill("C2")
    assert fill("C4") == fill("D4") == LEAVE_COLOUR[1:] and grid["C4"].font.i
    assert grid["D2"].fill.fill_type is None and grid["D2"].font.color.rgb[-6:] == "808080"  # a day off
    assert grid["D2"].border.left.style == "thin"
    legend = [grid.cell(row=r, column=len(DATES) + 4).value for r in range(1, 5)]
    assert legend == ["Shift", "E", "L", "N"]


def test_solved_rotas_workbook_agrees_with_its_csv_files(tmp_path: Path) -> None:
    """Totals is staff_summary.csv and Shifts is rota.csv (less the CSV's formula guard), cell for cell."""
    runner = CliRunner()
    folder, out = tmp_path / "g", tmp_path / "run"
    args = ["generate", "roster", "--staff", "5", "--days", "7", "--seed", "3", str(folder)]
    assert runner.invoke(main, args).exit_code == 0
    result = runner.invoke(main, ["solve", str(folder), "--time-limit", "8", "--out", str(out)])
    assert result.exit_code == 0, result.output
    # the last line counts the five calendars instead of naming each
    assert "calendars/ (5 .ics files)" in result.output and "S001.ics" not in result.output
    assert len(list((out / "calendars").glob("*.ics"))) == 5
    book = openpyxl.load_workbook(out / "rota.xlsx")
    for sheet, file in (("Totals", "staff_summary.csv"), ("Shifts", "rota.csv")):
        csv = pd.read_csv(out / file, keep_default_na=False)
        rows = sheet_rows(book[sheet])
        assert rows[0] == list(csv.columns)
        assert len(rows) == len(csv) + 1 > 1
        for column, cells in zip(csv.columns, zip(*rows[1:], strict=True), strict=True):
            assert list(cells) == csv[column].tolist(), (sheet, column)
    # Cover is cover.csv: a blank maximum (none) is a blank cell, never -1
    cover = pd.read_csv(out / "cover.csv", keep_default_na=False, dtype=str)
    rows = sheet_rows(book["Cover"])
    assert rows[0] == list(cover.columns) and (cover["maximum"] == "").any()
    cells = [["" if v is None else str(v) for v in row] for row in rows[1:]]
    assert cells == cover.to_numpy().tolist()
