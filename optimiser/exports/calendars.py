"""iCalendar files of a rota: ``rota.ics`` for everyone and ``calendars/<staff>.ics`` per person.

Every content line is rendered by the ``icalendar`` library: its text escaping, its date-time
and time-zone forms, its line folding, its order of properties.  A rota of a year repeats few
distinct values (shift types, names, start and end times), so each distinct property line is
rendered once and reused, each event is rendered once for both the person's calendar and the
whole rota's, and the time zone (``VTIMEZONE``) once for all files.  The files are byte for byte
those of building one ``icalendar.Calendar`` per file and calling ``to_ical()``, because that
method is the concatenation of the same lines: ``BEGIN:VCALENDAR``, the calendar's properties,
each subcomponent's own ``to_ical()`` (time zones first, added by ``add_missing_timezones``,
then the events in order) and ``END:VCALENDAR`` (pinned by ``tests/optimiser/test_calendars.py``).

Events: ``SUMMARY`` "<shift> shift (<name>)", ``DTSTART``/``DTEND`` in the instance's time zone,
``DTSTAMP`` the run's timestamp, ``UID`` "<staff>-<date>-<shift>@nhs-cancer-optimiser",
``DESCRIPTION`` "<hours> paid hours[, on call]".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from optimiser.exports.stamp import run_timestamp

TIMEZONE = "Europe/London"
"""Time zone of calendars when none is given."""
TIMEZONE_YEARS = (dt.date(1970, 1, 1), dt.date(2038, 1, 1))
"""The span of clock changes a calendar's time zone gives at least (icalendar's default)."""
PRODID = "-//nhs-cancer-optimiser//rota//EN"
UID_DOMAIN = "nhs-cancer-optimiser"
EVENT_PROPERTIES = ("summary", "dtstart", "dtend", "dtstamp", "uid", "description")
"""A rota event's properties in icalendar's order for a VEVENT (its canonical order, then
alphabetical)."""
FOLD_OCTETS = 75
"""icalendar folds content lines of this many octets or more (RFC 5545 section 3.1)."""
_END_CALENDAR = b"END:VCALENDAR\r\n"


FILE_NAME_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
"""Characters of a staff id kept as they are in its calendar's file name (a ``.`` not first)."""


def calendar_file_names(staff_ids: list[str]) -> dict[str, str]:
    """``calendars/<name>.ics`` per staff id: the id itself where every character is a letter, a
    digit, ``_``, ``-`` or a ``.`` not first, and any other character spelled ``~`` and the hex of
    its UTF-8 bytes (``+B`` -> ``~2BB.ics``, ``S 005`` -> ``S~20005.ics``). A name reads back as
    one id only (:func:`staff_id_of_file`), so no two ids share one, and an id's name never depends
    on the others, except on a file system that ignores case: of ids differing only in case
    (``B``, ``b``), the first in sorted order keeps its name and the others have every character
    spelled (``b`` -> ``~62.ics``)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for staff_id in sorted(dict.fromkeys(staff_ids)):
        name = file_name_of(staff_id)
        if name.lower() in taken:  # case-insensitive file systems
            name = file_name_of(staff_id, spell_all=True)
        taken.add(name.lower())
        out[staff_id] = f"calendars/{name}.ics"
    return out


def file_name_of(staff_id: str, spell_all: bool = False) -> str:
    """``staff_id`` (or any id) as one file or folder name, spelled as :func:`calendar_file_names`
    says: it never names another folder (``q/..`` -> ``q~2F..``) and reads back as the id."""
    return "".join(
        c
        if not spell_all and c in FILE_NAME_CHARACTERS and not (c == "." and i == 0)
        else "".join(f"~{b:02X}" for b in c.encode("utf-8"))
        for i, c in enumerate(staff_id)
    )


def staff_id_of_file(name: str) -> str:
    """The staff id whose calendar is ``name`` (``~2BB.ics`` -> ``+B``): the inverse of
    :func:`calendar_file_names`, for scripts that read the calendars."""
    stem = name.removesuffix(".ics")
    return re.sub(
        r"(?:~[0-9A-F]{2})+", lambda m: bytes.fromhex(m.group(0).replace("~", "")).decode("utf-8"), stem
    )


def write_rota_calendars(
    rota: pd.DataFrame,
    folder: Path,
    name: str,
    *,
    staff: Iterable[str] = (),
    timezone: str = TIMEZONE,
    stamp: dt.datetime | None = None,
) -> list[str]:
    """``rota.ics`` for the whole rota and one calendar per person; returns the files, each once.

    Times are in ``timezone`` (the instance's, with its VTIMEZONE); DTSTAMP is ``stamp`` (default
    :func:`~optimiser.exports.stamp.run_timestamp`). People come in the sorted order of their ids,
    each person's shifts in the rota's order. Everyone in ``staff`` (the instance's staff list)
    gets a calendar, an empty one without shifts: a calendar app subscribed to the file of someone
    rostered off for the whole rota (sick, re-rostered) then drops their old shifts, where with no
    file it kept showing them.
    """
    stamp = stamp or run_timestamp()
    events = event_texts(rota, stamp, timezone)
    zones = _timezones(rota, timezone) if len(rota) else b""
    (folder / "calendars").mkdir(exist_ok=True)
    codes, staff_ids = pd.factorize(rota["staff"], sort=True)  # rows without a staff id: code -1, dropped
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(staff_ids) + 1))
    shifts = {str(s): [events[i] for i in order[bounds[k] : bounds[k + 1]]] for k, s in enumerate(staff_ids)}
    everyone = sorted(set(shifts) | {str(s) for s in staff})
    files = calendar_file_names(everyone)
    written, whole = [], []
    for staff_id in everyone:
        person = shifts.get(staff_id, [])
        file = files[staff_id]
        (folder / file).write_bytes(_calendar(f"{name}: {staff_id}", timezone, zones, person))
        written.append(file)
        whole += person
    (folder / "rota.ics").write_bytes(_calendar(name, timezone, zones if whole else b"", whole))
    return ["rota.ics", *written]


def event_texts(rota: pd.DataFrame, stamp: dt.datetime, timezone: str) -> list[bytes]:
    """Each shift's ``VEVENT`` as icalendar writes it, in the rota's order."""
    n = len(rota)
    staff = rota["staff"].tolist()
    shifts = rota["shift"].tolist()
    names = rota["name"].tolist() if "name" in rota else [""] * n
    on_call = rota["on_call"].tolist() if "on_call" in rota else [False] * n
    dates = once_per_value(rota["date"].tolist(), lambda d: pd.Timestamp(d).date().isoformat())
    uids = [f"{s}-{d}-{t}@{UID_DOMAIN}" for s, d, t in zip(staff, dates, shifts, strict=True)]
    lines = {
        "summary": _lines("summary", zip(shifts, names, strict=True), lambda k: _summary(*k)),
        "dtstart": once_per_time(rota["start"], lambda v: content_line("dtstart", local_time(v, timezone))),
        "dtend": once_per_time(rota["end"], lambda v: content_line("dtend", local_time(v, timezone))),
        "dtstamp": [content_line("dtstamp", stamp)] * n,
        "uid": [content_line("uid", uid) for uid in uids],
        "description": _lines(
            "description", zip(rota["hours"].tolist(), map(bool, on_call), strict=True), lambda k: _hours(*k)
        ),
    }
    columns = [lines[p] for p in EVENT_PROPERTIES]
    return [b"".join((b"BEGIN:VEVENT\r\n", *row, b"END:VEVENT\r\n")) for row in zip(*columns, strict=True)]


def _summary(shift: Any, name: Any) -> str:
    return f"{shift} shift" + (f" ({name})" if name else "")


def _hours(hours: Any, on_call: bool) -> str:
    return f"{hours:g} paid hours" + (", on call" if on_call else "")


def local_time(value: Any, timezone: str) -> dt.datetime:
    """``value`` (aware, or naive and read as ``timezone``) as a datetime in ``timezone``."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize(timezone)
    return ts.tz_convert(timezone).to_pydatetime().astimezone(ZoneInfo(timezone))


def content_line(name: str, value: Any) -> bytes:
    """icalendar's content line of property ``name`` of an event (folded, with its CRLF)."""
    import icalendar

    event = icalendar.Event()
    event.add(name, value)
    line = event.content_line(name.upper(), event[name])
    raw = line.encode()
    # icalendar folds a line once it reaches 75 octets; a shorter one is left as it is
    return (raw if len(raw) < FOLD_OCTETS else line.to_ical()) + b"\r\n"


def once_per_value(keys: Iterable[Hashable], make: Callable[[Any], Any]) -> list[Any]:
    """``make(key)`` for each key, computed once per distinct key."""
    done: dict[Hashable, Any] = {}
    out = []
    for key in keys:
        value = done.get(key)
        if value is None:
            value = done[key] = make(key)
        out.append(value)
    return out


def once_per_time(times: pd.Series, make: Callable[[Any], Any]) -> list[Any]:
    """``make(time)`` for each time of a column, computed once per distinct time: pandas finds
    equal times by their numbers, faster than by hashing each timestamp (in a column of one time
    zone, equal instants are equal local times)."""
    if not pd.api.types.is_datetime64_any_dtype(times.dtype):
        return once_per_value(times.tolist(), make)
    codes, distinct = pd.factorize(times, use_na_sentinel=False)
    made = [make(t) for t in distinct]
    return [made[c] for c in codes.tolist()]


def _lines(name: str, keys: Iterable[Hashable], value: Callable[[Any], Any]) -> list[bytes]:
    """The content line of ``name`` for each key, rendered once per distinct key (a key's line
    depends on the key alone)."""
    return once_per_value(keys, lambda key: content_line(name, value(key)))


def _calendar(name: str, timezone: str, zones: bytes, events: list[bytes]) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone)
    head = cal.to_ical()
    assert head.endswith(_END_CALENDAR)
    return b"".join((head[: -len(_END_CALENDAR)], zones if events else b"", *events, _END_CALENDAR))


def _timezones(rota: pd.DataFrame, timezone: str) -> bytes:
    """The ``VTIMEZONE`` components that icalendar adds to a calendar of the rota's events: every
    event's times are in ``timezone``, so one event stands for all.  Their clock changes span
    icalendar's default years (1970 to 2038) widened to the rota's own dates: a rota after 2037
    would otherwise be an hour off in summer in a client that reads the calendar's time zone."""
    import icalendar

    first = rota.iloc[0]
    event = icalendar.Event()
    event.add("dtstart", local_time(first["start"], timezone))
    event.add("dtend", local_time(first["end"], timezone))
    cal = icalendar.Calendar()
    cal.add_component(event)
    earliest = min(TIMEZONE_YEARS[0], pd.Timestamp(rota["start"].min()).date())
    latest = max(TIMEZONE_YEARS[1], pd.Timestamp(rota["end"].max()).date() + dt.timedelta(days=366))
    cal.add_missing_timezones(first_date=earliest, last_date=latest)
    return b"".join(c.to_ical() for c in cal.subcomponents if c is not event)
