"""Weekdays as people write them: one reader for every table that names a day of the week.

An MDT's meeting day (cover) and a person's fixed days off (rotas) are read by :func:`weekday`,
so both take the same spellings: the full name or its first three letters, in any case
("Tuesday", "tue", "TUE"), stored as the three letters ``Mon`` .. ``Sun``.
"""

from __future__ import annotations

WEEK = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""The days as stored, Monday first (``datetime.date.weekday()`` indexes it)."""

FULL_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""The days' full names, in English whatever the machine's language."""

_SPELLINGS = {name.lower(): day for day, name in zip(WEEK, FULL_NAMES, strict=True)} | {
    day.lower(): day for day in WEEK
}


def weekday(text: object) -> str | None:
    """The day ``text`` names, as ``Mon`` .. ``Sun``; None when it names none (spaces around and
    case are ignored: "Wednesday", "wed" and " WED " are ``Wed``)."""
    return _SPELLINGS.get(str(text).strip().lower())


SPELLINGS = "a weekday's full name or its first three letters (Monday or Mon), any case"
"""What :func:`weekday` accepts, in a refusal's words."""
