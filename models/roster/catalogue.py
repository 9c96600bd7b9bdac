"""The rota model's rule vocabulary (:data:`RULES`) and helpers that write rules and cover tables.

Each rule of a group's rules table names one entry of :data:`RULES`; its ``limit`` is in the
entry's ``limit_unit`` and a soft rule pays its weight per ``penalty_unit``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import pandas as pd

from models.common.weekdays import WEEK

WEEKDAYS = WEEK
ALL_GROUPS = "*"


@dataclass(frozen=True)
class RuleSpec:
    """One named rule: what its ``limit`` means and what one unit of its penalty is."""

    name: str
    limit_unit: str
    penalty_unit: str
    per_shift: bool = False
    description: str = ""


_SPECS = (
    RuleSpec(
        "min_rest_hours",
        "hours",
        "pair of shifts too close",
        False,
        "least rest between the end of one shift and the start of the next (across midnight)",
    ),
    RuleSpec("max_consecutive_days", "days", "day beyond the limit", False, "most consecutive working days"),
    RuleSpec(
        "min_consecutive_days",
        "days",
        "day short of the limit",
        False,
        "least length of a run of working days (runs touching the known days' edges exempt)",
    ),
    RuleSpec(
        "min_consecutive_days_off",
        "days",
        "day short of the limit",
        False,
        "least length of a run of days off (runs touching the known days' edges exempt)",
    ),
    RuleSpec(
        "max_consecutive_nights", "nights", "night beyond the limit", False, "most consecutive night shifts"
    ),
    RuleSpec(
        "rest_after_nights_hours",
        "hours",
        "shift starting too soon",
        False,
        "least time off between the end of a block of nights and the next shift",
    ),
    RuleSpec(
        "max_hours_7_days",
        "hours",
        "started hour beyond the limit, per window",
        False,
        "most paid hours in any 7 consecutive days (by shift start date)",
    ),
    RuleSpec(
        "max_average_weekly_hours",
        "hours a week",
        "started hour beyond the limit",
        False,
        "most paid hours a week on average over each reference period of reference_weeks weeks "
        "(rolling; over the horizon when it is no longer)",
    ),
    RuleSpec(
        "contract_hours_tolerance",
        "hours a week",
        "started hour outside the band",
        False,
        "average weekly hours (worked + leave credit) within this of the contract; contract 0 exempt",
    ),
    RuleSpec(
        "max_total_hours", "hours", "started hour beyond the limit", False, "most paid hours over the horizon"
    ),
    RuleSpec(
        "min_total_hours",
        "hours",
        "started hour short of the limit",
        False,
        "least paid hours over the horizon",
    ),
    RuleSpec(
        "max_weekends",
        "weekends",
        "weekend beyond the limit",
        False,
        "most weekends worked (any shift on the Saturday or Sunday) in the horizon",
    ),
    RuleSpec(
        "whole_weekends",
        "-",
        "weekend with only one day worked",
        False,
        "work both days of a weekend or neither (weekends wholly inside the horizon)",
    ),
    RuleSpec("max_shifts_of_type", "shifts", "shift beyond the limit", True, "most shifts of one type"),
    RuleSpec("min_shifts_of_type", "shifts", "shift short of the limit", True, "least shifts of one type"),
    RuleSpec(
        "max_shift_hours",
        "hours",
        "shift longer than the limit",
        False,
        "no shift type longer than this (hard: such shifts are never assigned)",
    ),
    RuleSpec(
        "preferred_shifts",
        "-",
        "shift outside the person's preferred shifts",
        False,
        "work only the shift types listed in the staff table's preferred_shifts",
    ),
    RuleSpec(
        "fair_nights",
        "nights",
        "unit of spread beyond the limit",
        False,
        "spread (most - least) of night shifts within the group",
    ),
    RuleSpec(
        "fair_weekends",
        "weekends",
        "unit of spread beyond the limit",
        False,
        "spread of weekends worked within the group",
    ),
    RuleSpec(
        "fair_on_calls",
        "shifts",
        "unit of spread beyond the limit",
        False,
        "spread of on-call shifts within the group",
    ),
)
RULES: dict[str, RuleSpec] = {s.name: s for s in _SPECS}
"""The rule vocabulary of the rules table, by name."""
MAX_DAYS = 731
"""The longest rota, in days (two years, one of them a leap year)."""
LIMIT_MAXIMA = {
    "days": MAX_DAYS,
    "nights": MAX_DAYS,
    "shifts": MAX_DAYS,
    "weekends": MAX_DAYS // 7 + 1,
    "hours": MAX_DAYS * 24,
    "hours a week": 7 * 24,
}
"""The largest ``limit`` of a rule, by its ``limit_unit``: what the longest rota can hold (one
shift a day; 105 weekends; 17,544 hours; 168 hours a week).  A larger limit says nothing more and
overflowed the dates and arithmetic the model builds from it. Rules without a unit (``-``) do
not read their limit."""


def limit_beyond_maximum(rule: str, limit: float) -> str | None:
    """Why ``limit`` is too large for the known ``rule`` (:data:`LIMIT_MAXIMA`), else None."""
    unit = RULES[rule].limit_unit
    maximum = LIMIT_MAXIMA.get(unit)
    if maximum is None or limit <= maximum:
        return None
    return (
        f"{limit:g} is above the maximum {maximum:,} {unit} for {rule} "
        f"(all that the longest rota, {MAX_DAYS} days, holds)"
    )


COVER_AND_REQUEST_TERMS = ("under_cover", "over_cover", "shift_on_request", "shift_off_request")
"""Soft penalty terms that no rules table names: a shift short of or beyond its preferred cover,
and a request for a shift or a day off refused (:mod:`models.roster.rules`)."""
RULE_COLUMNS = {"group": ALL_GROUPS, "rule": ..., "shift": "", "limit": 0.0, "hard": True, "weight": 1}
"""Columns of the rules table and their defaults (``...``: required)."""


BANK_HOLIDAY = "bank_holiday"
"""The ``weekday`` of cover-pattern rows that apply on bank holidays."""


def weekly_cover(
    pattern: pd.DataFrame, first_date: dt.date, days: int, holidays: Collection[dt.date] = ()
) -> pd.DataFrame:
    """Expand a weekday pattern (column ``weekday``: Mon..Sun or ``bank_holiday``, and the cover
    columns) to dates.

    On a date in ``holidays`` the pattern's ``bank_holiday`` rows replace all of that weekday's
    rows (a shift without a ``bank_holiday`` row is not worked that day); a pattern without
    ``bank_holiday`` rows treats bank holidays as ordinary weekdays.
    """
    if "weekday" not in pattern.columns:
        raise ValueError("cover pattern: missing column 'weekday'")
    bad = sorted(set(pattern["weekday"]) - {*WEEKDAYS, BANK_HOLIDAY})
    if bad:
        raise ValueError(
            f"cover pattern: weekday {bad[0]!r} is not one of {', '.join(WEEKDAYS)}, {BANK_HOLIDAY}"
        )
    special = (pattern["weekday"] == BANK_HOLIDAY).any()
    rows = []
    for d in range(days):
        date = first_date + dt.timedelta(days=d)
        key = BANK_HOLIDAY if special and date in holidays else WEEKDAYS[date.weekday()]
        day = pattern[pattern["weekday"] == key]
        for rec in day.drop(columns="weekday").to_dict("records"):
            rows.append({"date": date, **rec})
    columns = ["date"] + [c for c in pattern.columns if c != "weekday"]
    return pd.DataFrame(rows, columns=columns)


def rules_table(group: str, rules: dict[str, tuple[float, bool, int]] | Iterable[tuple]) -> pd.DataFrame:
    """Rules rows for ``group`` from ``{rule: (limit, hard, weight)}`` or (rule, shift, limit, hard, weight)
    rows."""
    rows = []
    items = rules.items() if isinstance(rules, dict) else None
    if items is not None:
        for name, (limit, hard, weight) in items:
            rows.append(
                {"group": group, "rule": name, "shift": "", "limit": limit, "hard": hard, "weight": weight}
            )
    else:
        for name, shift, limit, hard, weight in rules:  # type: ignore[misc]
            rows.append(
                {"group": group, "rule": name, "shift": shift, "limit": limit, "hard": hard, "weight": weight}
            )
    return pd.DataFrame(rows, columns=list(RULE_COLUMNS))


def doctors_working_time_rules(
    group: str = ALL_GROUPS,
    *,
    max_average_weekly_hours: float = 48.0,
    min_rest_hours: float = 11.0,
    max_hours_7_days: float = 72.0,
    max_shift_hours: float = 13.0,
    max_consecutive_nights: float = 4,
    rest_after_nights_hours: float = 46.0,
    max_consecutive_days: float = 7,
    max_weekends: float | None = None,
) -> pd.DataFrame:
    """The doctors' working-time defaults (DOMAIN.md), all hard: a rules table for ``group``.

    ``max_hours_7_days`` stands for "72 h in any 168 h", judged on 7 consecutive calendar days
    by shift start. ``max_weekends`` (e.g. weeks // 2 for 1-in-2) is added when given.
    """
    rules = {
        "max_average_weekly_hours": (max_average_weekly_hours, True, 1),
        "min_rest_hours": (min_rest_hours, True, 1),
        "max_hours_7_days": (max_hours_7_days, True, 1),
        "max_shift_hours": (max_shift_hours, True, 1),
        "max_consecutive_nights": (max_consecutive_nights, True, 1),
        "rest_after_nights_hours": (rest_after_nights_hours, True, 1),
        "max_consecutive_days": (max_consecutive_days, True, 1),
    }
    if max_weekends is not None:
        rules["max_weekends"] = (max_weekends, True, 1)
    return rules_table(group, rules)
