"""Rota calendars are byte for byte what one ``icalendar.Calendar`` per file writes.

:mod:`optimiser.exports.calendars` renders each distinct line once and each event once; the
reference below builds every event and calendar with icalendar objects, the plain way.  Rotas
here carry what could break a shortcut: escaped text (commas, semicolons, backslashes, new
lines), lines long enough to fold (in multi-byte text too), clock changes, naive times, other
time zones, unsorted staff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd
import pytest

from optimiser.exports.calendars import calendar_file_names, content_line, write_rota_calendars

STAMP = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def reference_calendars(rota: pd.DataFrame, name: str, timezone: str) -> dict[str, bytes]:
    """The files as icalendar objects write them: one Event per shift, one Calendar per file."""

    def calendar(title: str) -> Any:
        cal = icalendar.Calendar()
        cal.add("prodid", "-//nhs-cancer-optimiser//rota//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", title)
        cal.add("x-wr-timezone", timezone)
        return cal

    def local(value: Any) -> dt.datetime:
        ts = pd.Timestamp(value)
        ts = ts.tz_localize(timezone) if ts.tzinfo is None else ts
        return ts.tz_convert(timezone).to_pydatetime().astimezone(ZoneInfo(timezone))

    def event(row: Any) -> Any:
        e = icalendar.Event()
        e.add(
            "uid", f"{row.staff}-{pd.Timestamp(row.date).date().isoformat()}-{row.shift}@nhs-cancer-optimiser"
        )
        e.add("summary", f"{row.shift} shift" + (f" ({row.name})" if getattr(row, "name", "") else ""))
        e.add("dtstart", local(row.start))
        e.add("dtend", local(row.end))
        e.add("dtstamp", STAMP)
        e.add("description", f"{row.hours:g} paid hours" + (", on call" if bool(row.on_call) else ""))
        return e

    files = calendar_file_names([str(s) for s in rota["staff"].unique()])
    out, whole = {}, calendar(name)
    for staff_id, rows in rota.groupby("staff", sort=True):
        person = calendar(f"{name}: {staff_id}")
        for row in rows.itertuples():
            person.add_component(event(row))
            whole.add_component(event(row))
        person.add_missing_timezones()
        out[files[str(staff_id)]] = person.to_ical()
    whole.add_missing_timezones()
    return {"rota.ics": whole.to_ical(), **out}


def shift(staff: str, name: str, start: str, hours: float, code: str = "E", on_call: bool = False) -> dict:
    begin = pd.Timestamp(start)
    return {
        "staff": staff,
        "name": name,
        "date": begin.date(),
        "shift": code,
        "start": begin,
        "end": begin + pd.Timedelta(hours=hours),
        "hours": hours,
        "on_call": on_call,
    }


def odd_rota(zone: str | None) -> pd.DataFrame:
    rows = [
        shift(
            "Z9",
            "Zoë Ångström-Łukasiewicz, Consultant; clinical oncology\\night lead",
            "2025-10-25 21:30",
            10,
            "N",
        ),
        shift("A 1", "Lee, Ann; RN\nline two", "2025-03-30 00:30", 7.5, "LD", on_call=True),
        shift("A 1", "Lee, Ann; RN\nline two", "2025-10-26 01:30", 12, "N"),
        shift("A_1", "", "2025-06-01 08:00", 8.25),
        shift("S" + "x" * 70, "Bo", "2025-06-02 08:00", 8, "E;,\\"),
        shift(
            "Z9",
            "Zoë Ångström-Łukasiewicz, Consultant; clinical oncology\\night lead",
            "2025-10-26 21:30",
            10,
            "N",
        ),
    ]
    rota = pd.DataFrame(rows)
    if zone is None:  # 01:30 on 26 October happens twice: a naive time cannot say which
        return rota.drop(index=2)
    for column in ("start", "end"):
        rota[column] = rota[column].dt.tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
    return rota


@pytest.mark.parametrize(
    ("zone", "timezone"),
    [
        ("Europe/London", "Europe/London"),
        ("Europe/London", "Europe/Dublin"),  # converted to the instance's zone
        (None, "Europe/London"),  # naive times are read in the instance's zone
        ("UTC", "UTC"),  # UTC times: "Z", no VTIMEZONE
    ],
)
def test_calendars_are_those_icalendar_writes(zone: str | None, timezone: str, tmp_path: Path) -> None:
    rota = odd_rota(zone)
    written = write_rota_calendars(rota, tmp_path, 'Ward 7, "days"; nights', timezone=timezone, stamp=STAMP)
    expected = reference_calendars(rota, 'Ward 7, "days"; nights', timezone)
    assert written == list(expected)
    for file, text in expected.items():
        assert (tmp_path / file).read_bytes() == text, file
    whole = (tmp_path / "rota.ics").read_bytes()
    assert whole.count(b"BEGIN:VEVENT") == len(rota)
    assert (b"BEGIN:VTIMEZONE" in whole) == (timezone != "UTC")
    assert b"\r\n " in whole  # some lines were long enough to fold


def test_a_rota_after_2037_gets_its_years_clock_changes(tmp_path: Path) -> None:
    """icalendar's time-zone block stops at 2038 by default: a client reading it would put the
    summer shifts of a 2039 rota an hour late.  The block now gives the rota's own clock changes
    (2039: 27 March and 30 October)."""
    rota = odd_rota("Europe/London")
    for column in ("date", "start", "end"):
        rota[column] = rota[column] + pd.DateOffset(years=14)
    assert pd.Timestamp(rota["start"].max()).year == 2039
    write_rota_calendars(rota, tmp_path, "ward", timezone="Europe/London", stamp=STAMP)
    calendar = icalendar.Calendar.from_ical((tmp_path / "rota.ics").read_bytes())
    (zone,) = calendar.walk("VTIMEZONE")
    text = {"DAYLIGHT": "", "STANDARD": ""}
    for part in zone.subcomponents:
        text[part.name] += part.to_ical().decode().replace("\r\n ", "")
    assert "20390327" in text["DAYLIGHT"]
    assert "20391030" in text["STANDARD"]


def test_a_rota_without_shifts_has_an_empty_whole_calendar(tmp_path: Path) -> None:
    empty = odd_rota("Europe/London").iloc[:0]
    assert write_rota_calendars(empty, tmp_path, "ward", stamp=STAMP) == ["rota.ics"]
    assert (tmp_path / "rota.ics").read_bytes() == reference_calendars(empty, "ward", "Europe/London")[
        "rota.ics"
    ]
    assert b"VTIMEZONE" not in (tmp_path / "rota.ics").read_bytes()


@pytest.mark.parametrize("length", range(64, 71))  # "SUMMARY:" and the text: 72 to 78 octets
@pytest.mark.parametrize("char", ["x", "é", "\\"])  # one octet, two octets, an escape
def test_lines_fold_exactly_where_icalendar_folds(length: int, char: str) -> None:
    text = "a" * (length - 2) + char * 2
    event = icalendar.Event()
    event.add("summary", text)
    whole = event.to_ical()
    expected = whole[len(b"BEGIN:VEVENT\r\n") : -len(b"END:VEVENT\r\n")]
    assert content_line("summary", text) == expected


def test_everyone_on_the_staff_list_gets_a_calendar_an_empty_one_without_shifts(tmp_path: Path) -> None:
    """A subscribed calendar of someone rostered off throughout (sick, re-rostered) must lose its
    old shifts: their file is written, with no event, and nobody's file name moves."""
    rota = odd_rota("Europe/London")
    (tmp_path / "alone").mkdir()
    (tmp_path / "listed").mkdir()
    alone = write_rota_calendars(rota, tmp_path / "alone", "ward", stamp=STAMP)
    listed = write_rota_calendars(rota, tmp_path / "listed", "ward", staff=["B0", "A 1", "+B"], stamp=STAMP)
    assert sorted(set(listed) - set(alone)) == ["calendars/B0.ics", "calendars/~2BB.ics"]
    for file in alone:
        assert (tmp_path / "listed" / file).read_bytes() == (tmp_path / "alone" / file).read_bytes(), file
    empty = icalendar.Calendar.from_ical((tmp_path / "listed" / "calendars" / "B0.ics").read_bytes())
    assert str(empty["X-WR-CALNAME"]) == "ward: B0"
    assert empty.walk("VEVENT") == [] and empty.walk("VTIMEZONE") == []
