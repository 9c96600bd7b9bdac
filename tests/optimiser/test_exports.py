"""Exports: formula-injection safety, Excel content, iCalendar local times across clock changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import openpyxl
import pandas as pd
import pytest

from optimiser.exports.calendars import calendar_file_names, staff_id_of_file
from optimiser.exports.rota import write_rota_calendars, write_rota_csv, write_rota_workbook
from optimiser.exports.safe import plain_frame, plain_text, read_written_csv, safe_frame, safe_text, write_csv
from optimiser.exports.workbook import write_workbook

LONDON = "Europe/London"


def shift(staff: str, name: str, day: str, code: str, start: str, hours: float, night: bool = False) -> dict:
    begin = pd.Timestamp(f"{day} {start}").tz_localize(LONDON)
    # wall-clock end: start + length in local time, as the ward reads it
    end = (pd.Timestamp(f"{day} {start}") + pd.Timedelta(hours=hours)).tz_localize(LONDON)
    return {
        "staff": staff,
        "name": name,
        "group": "nurses",
        "date": pd.Timestamp(day).date(),
        "shift": code,
        "start": begin,
        "end": end,
        "hours": hours,
        "night": night,
        "on_call": False,
    }


@pytest.fixture
def rota() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # the night of Saturday 24 October 2026 spans the clock change (BST -> GMT at 02:00)
            shift("N1", '=HYPERLINK("http://x")', "2026-10-24", "N", "20:00", 12, night=True),
            shift("N1", '=HYPERLINK("http://x")', "2026-10-26", "E", "07:30", 8),
            # a day shift on Sunday 29 March 2026 (GMT -> BST at 01:00)
            shift("N2", "Ann Smith", "2026-03-29", "E", "07:30", 8),
        ]
    )


@pytest.mark.parametrize("text", ["=1+1", "+44 1772", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert safe_text(text) == "'" + text


def test_plain_text_and_numbers_untouched() -> None:
    assert safe_text("Ann") == "Ann"
    assert safe_text(-3) == -3
    frame = safe_frame(pd.DataFrame({"name": ["=cmd", "ok"], "n": [-1, 2]}))
    assert frame["name"].tolist() == ["'=cmd", "ok"]
    assert frame["n"].tolist() == [-1, 2]


@pytest.mark.parametrize("text", ["=1+1", "+B", "-2", "@SUM(A1)", "\tx", "\rx", "'=x", "Ann", "'Ann", "'"])
def test_plain_text_reads_back_what_safe_text_wrote(text: str) -> None:
    assert plain_text(safe_text(text)) == text


def test_plain_text_takes_off_only_the_apostrophe_the_engine_adds() -> None:
    assert plain_text("'+B") == "+B"
    assert plain_text("''+B") == "'+B"  # one apostrophe, not every one
    assert safe_text("'=x") == "''=x"  # a user's own apostrophe before a formula start is kept
    assert plain_text("'Ann") == "'Ann"  # not before a formula start: the user's own
    assert plain_text(3) == 3
    frame = plain_frame(pd.DataFrame({"'=id": ["'+B", "'O'Neil", "x"], "n": ["'-1", "2", ""]}))
    assert list(frame.columns) == ["=id", "n"]
    assert frame.values.tolist() == [["+B", "-1"], ["'O'Neil", "2"], ["x", ""]]


def test_a_csv_the_engine_wrote_reads_back_exactly(tmp_path: Path) -> None:
    """write_csv then read_written_csv gives every id as it was: '=B', '+44', '@x', '-3' as text,
    a user's own '\'=x' and 'Ann', and numbers untouched."""
    frame = pd.DataFrame({"site_id": ["=B", "+44", "@x", "-3", "'=x", "Ann"], "chairs": [1, 2, 3, 4, 5, -6]})
    write_csv(frame, tmp_path / "sites.csv")
    assert "'=B" in (tmp_path / "sites.csv").read_text(encoding="utf-8")
    back = read_written_csv(tmp_path / "sites.csv", dtype={"site_id": str})
    pd.testing.assert_frame_equal(back, frame)


def test_a_written_csv_with_a_column_of_booleans_and_blanks_reads_back(tmp_path: Path) -> None:
    """A comparison's ``plan_found`` column, True beside a blank for a stopped scenario, is read
    as objects that are booleans, not text: reading it back ended a stopped batch in a traceback
    (pandas' text accessor refuses such a column) instead of its report."""
    frame = pd.DataFrame({"scenario": ["base", "=growth"], "plan_found": [True, None], "cost": [1.5, None]})
    write_csv(frame, tmp_path / "comparison.csv")
    back = read_written_csv(tmp_path / "comparison.csv")
    assert back["scenario"].tolist() == ["base", "=growth"]
    assert back["plan_found"].tolist()[0] is True and pd.isna(back["plan_found"].tolist()[1])


def test_calendar_file_names_are_the_ids_made_safe_and_read_back_as_them() -> None:
    ids = ["+B", "B", "b", "S 005", "S_005", ".x", "a~b", "Zoë", "N-2", "J.Smith"]
    files = calendar_file_names(ids)
    assert files == {
        "+B": "calendars/~2BB.ics",
        "B": "calendars/B.ics",
        "b": "calendars/~62.ics",  # beside B: a file system that ignores case holds both
        "S 005": "calendars/S~20005.ics",
        "S_005": "calendars/S_005.ics",
        ".x": "calendars/~2Ex.ics",  # never a hidden file
        "a~b": "calendars/a~7Eb.ics",
        "Zoë": "calendars/Zo~C3~AB.ics",
        "N-2": "calendars/N-2.ics",
        "J.Smith": "calendars/J.Smith.ics",
    }
    assert {staff_id_of_file(f.removeprefix("calendars/")): s for s, f in files.items()} == {
        s: s for s in ids
    }
    assert calendar_file_names(["B"]) == {"B": "calendars/B.ics"}  # the same without +B
    assert calendar_file_names(["b"]) == {"b": "calendars/b.ics"}


def test_csv_is_safe(tmp_path: Path) -> None:
    write_csv(pd.DataFrame({"name": ["=2+3", "@x"]}), tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text().splitlines()[1:] == ["'=2+3", "'@x"]


def test_workbook_cells_are_text_not_formulas(tmp_path: Path) -> None:
    write_workbook(tmp_path / "w.xlsx", {"people": pd.DataFrame({"name": ["=1+1", "Bob"], "pas": [1.5, 2]})})
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["people"]
    assert ws["A2"].value == "=1+1"  # a string cell: shown as written, no apostrophe, never run
    assert ws["A2"].data_type == "s"
    assert ws["B3"].value == 2


def test_rota_csv_has_local_times_with_offsets(rota: pd.DataFrame, tmp_path: Path) -> None:
    write_rota_csv(rota, tmp_path / "rota.csv")
    out = pd.read_csv(tmp_path / "rota.csv", dtype=str)
    night = out.iloc[0]
    assert night["name"].startswith("'=")
    assert night["start"] == "2026-10-24T20:00:00+01:00"
    assert night["end"] == "2026-10-25T08:00:00+00:00"
    assert out.iloc[2]["start"] == "2026-03-29T07:30:00+01:00"


def test_rota_workbook_grid_cover_and_penalties(rota: pd.DataFrame, tmp_path: Path) -> None:
    dates = [dt.date(2026, 10, 24) + dt.timedelta(days=i) for i in range(3)]
    staff = pd.DataFrame({"staff_id": ["N1", "N2"], "name": ["=evil()", "Ann Smith"]})
    summary = pd.DataFrame({"staff_id": ["N1", "N2"], "shifts": [2, 1], "hours": [20.0, 8.0]})
    cover = pd.DataFrame(
        {
            "date": dates,
            "shift_id": ["E"] * 3,
            "minimum": [1, 1, 1],
            "assigned": [0, 0, 1],
            "under": [1, 1, 0],
        }
    )
    penalties = pd.DataFrame(
        {
            "rule": ["cover_under"],
            "staff": [""],
            "date": [dates[0]],
            "amount": [1],
            "weight": [100],
            "cost": [100],
        }
    )
    leave = pd.DataFrame({"staff_id": ["N2"], "date": [dates[1]]})
    path = tmp_path / "rota.xlsx"
    write_rota_workbook(path, rota, dates, staff, summary, cover, penalties, leave)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Rota", "Totals", "Cover", "Penalties", "Shifts"]
    grid = book["Rota"]
    assert grid["B2"].value == "=evil()" and grid["B2"].data_type == "s"  # text, shown as written, never run
    assert grid["C2"].value == "N"  # N1 on 24 October
    assert grid["E2"].value == "E"  # N1 on 26 October
    assert grid["D3"].value == "leave"
    assert grid["C2"].fill.fgColor.rgb != grid["E2"].fill.fgColor.rgb  # coloured by shift type
    assert book["Cover"].conditional_formatting  # shortfalls highlighted
    assert book["Penalties"]["A2"].value == "cover_under"


def test_calendars_keep_local_times_across_clock_changes(rota: pd.DataFrame, tmp_path: Path) -> None:
    written = write_rota_calendars(rota, tmp_path, "SACT nurses")
    assert written == ["rota.ics", "calendars/N1.ics", "calendars/N2.ics"]
    whole = icalendar.Calendar.from_ical((tmp_path / "rota.ics").read_bytes())
    assert len(whole.walk("VEVENT")) == 3
    assert whole.walk("VTIMEZONE")[0]["TZID"] == LONDON
    night = icalendar.Calendar.from_ical((tmp_path / "calendars" / "N1.ics").read_bytes()).walk("VEVENT")[0]
    start, end = night.decoded("dtstart"), night.decoded("dtend")
    assert (start.hour, start.minute, end.hour) == (20, 0, 8)
    assert start.utcoffset() == dt.timedelta(hours=1) and end.utcoffset() == dt.timedelta(0)
    # the night the clocks go back is an hour longer in real (UTC) time
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=13)
    raw = (tmp_path / "calendars" / "N1.ics").read_text()
    assert "DTSTART;TZID=Europe/London:20261024T200000" in raw
    spring = icalendar.Calendar.from_ical((tmp_path / "calendars" / "N2.ics").read_bytes()).walk("VEVENT")[0]
    assert spring.decoded("dtstart").utcoffset() == dt.timedelta(hours=1)


def test_calendar_names_are_unique_text_escaped_and_zoned(rota: pd.DataFrame, tmp_path: Path) -> None:
    # "S 005" and "S_005" each keep their own calendar, named after the id alone: S_005's is S_005.ics.
    odd = rota.assign(staff=["S 005", "S 005", "S_005"], name=["Lee, Ann; RN\nline two", "x", "y"])
    stamp = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    written = write_rota_calendars(odd, tmp_path, "ward", timezone="Europe/Dublin", stamp=stamp)
    assert written == ["rota.ics", "calendars/S~20005.ics", "calendars/S_005.ics"]
    assert len(set(written)) == len(written) and len(list((tmp_path / "calendars").iterdir())) == 2
    first = icalendar.Calendar.from_ical((tmp_path / "calendars" / "S~20005.ics").read_bytes())
    events = first.walk("VEVENT")
    assert {str(e["uid"]).split("-")[0] for e in events} == {"S 005"}
    assert str(events[0]["summary"]) == "N shift (Lee, Ann; RN\nline two)"  # escaped and read back whole
    raw = (tmp_path / "calendars" / "S~20005.ics").read_text()
    assert "Lee\\, Ann\\; RN\\nline two" in raw and "TZID=Europe/Dublin" in raw and "Europe/London" not in raw
    assert first.walk("VTIMEZONE")[0]["TZID"] == "Europe/Dublin"
    assert {e.decoded("dtstamp") for e in events} == {stamp}


def test_exports_take_the_run_timestamp(
    rota: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_rota_calendars(rota, tmp_path / folder, "SACT nurses")
        days = [pd.Timestamp("2026-03-29").date()]
        write_rota_workbook(tmp_path / folder / "rota.xlsx", rota, days, pd.DataFrame({"staff_id": ["N1", "N2"]}),
                            pd.DataFrame(), pd.DataFrame(), pd.DataFrame())  # fmt: skip
    assert (tmp_path / "a" / "rota.ics").read_bytes() == (tmp_path / "b" / "rota.ics").read_bytes()
    assert "DTSTAMP:20260101T000000Z" in (tmp_path / "a" / "rota.ics").read_text()
    created = openpyxl.load_workbook(tmp_path / "a" / "rota.xlsx").properties.created
    assert created == dt.datetime(2026, 1, 1, 0, 0)
    assert (tmp_path / "a" / "rota.xlsx").read_bytes() == (tmp_path / "b" / "rota.xlsx").read_bytes()


def test_workbook_writes_a_column_of_dates_as_dates(tmp_path: Path) -> None:
    """cover.xlsx showed every week start as ``2026-04-13 00:00:00``; a column with times keeps them."""

    frame = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2026-04-13", "2026-04-20"]),
            "at": pd.to_datetime(["2026-04-13 08:00", "2026-04-20 00:00"]),
        }
    )
    write_workbook(tmp_path / "w.xlsx", {"cover": frame})
    cells = list(openpyxl.load_workbook(tmp_path / "w.xlsx")["cover"].iter_rows(min_row=2, max_row=2))[0]
    assert [c.number_format for c in cells] == ["YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS"]
    assert cells[0].value.date().isoformat() == "2026-04-13" and cells[1].value.hour == 8
