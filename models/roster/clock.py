"""Shift times as elapsed minutes (UTC), from local wall-clock starts and the instance's time zone.

A shift on date ``d`` starts at its local ``start`` and ends at the local wall-clock time
``start + length_minutes`` (a 20:00 night of 750 minutes ends at 08:30 on the clock, whatever
the date). Across a clock change the time actually elapsed differs by the change: the night of
Saturday 25 October 2025 in Europe/London lasts 13.5 h, the one of 29 March 2025 11.5 h. Rest,
shift lengths and hours are measured in that elapsed time; the paid minutes of a shift grow or
shrink by the same difference. A local time that does not exist (inside the spring gap) is read
with the offset before the change; an ambiguous one (autumn) as its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from models.roster.columns import parse_time


def utc_minutes(origin: dt.date, tz: ZoneInfo, date: dt.date, minute: int) -> int:
    """Minutes from ``origin`` 00:00 UTC to the local wall-clock time ``date`` + ``minute`` minutes."""
    local = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute)
    utc = local.replace(tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)
    return int((utc - dt.datetime.combine(origin, dt.time())).total_seconds() // 60)


class ShiftClock:
    """Start, end, elapsed and paid minutes of every shift type on every day index (cached).

    Day indices count from ``first_date`` (negative: history days); minutes from ``first_date``
    00:00 UTC.
    """

    def __init__(self, first_date: dt.date, timezone: str, shifts: pd.DataFrame) -> None:
        self.first_date = first_date
        self.tz = ZoneInfo(timezone)
        self.nominal = {
            r.shift_id: (parse_time(r.start) or 0, int(r.length_minutes), int(r.paid_minutes))
            for r in shifts.itertuples(index=False)
        }
        self._cache: dict[tuple[int, str], tuple[int, int]] = {}

    def span(self, d: int, s: str) -> tuple[int, int]:
        """(start, end) of shift ``s`` on day ``d`` in minutes from ``first_date`` 00:00 UTC."""
        key = (d, s)
        if key not in self._cache:
            start, length, _ = self.nominal[s]
            date = self.first_date + dt.timedelta(days=d)
            self._cache[key] = (
                utc_minutes(self.first_date, self.tz, date, start),
                utc_minutes(self.first_date, self.tz, date, start + length),
            )
        return self._cache[key]

    def elapsed(self, d: int, s: str) -> int:
        """Minutes the shift actually lasts on day ``d``."""
        start, end = self.span(d, s)
        return end - start

    def paid(self, d: int, s: str) -> int:
        """Paid minutes on day ``d``: the shift's paid minutes plus any hour a clock change adds."""
        _, length, paid = self.nominal[s]
        return paid + self.elapsed(d, s) - length

    def gap(self, d: int, a: str, k: int, b: str) -> int:
        """Minutes from the end of ``a`` on day ``d`` to the start of ``b`` on day ``d + k``."""
        return self.span(d + k, b)[0] - self.span(d, a)[1]

    def longest_reach(self) -> int:
        """Latest nominal end of any shift, in minutes after its start day's midnight."""
        return max(start + length for start, length, _ in self.nominal.values())
