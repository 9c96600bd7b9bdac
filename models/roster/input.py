"""Input of the detailed-rota model: a validated, frozen :class:`RosterInput` and its rule vocabulary.

The maths is in :mod:`models.roster`; this module only says what the data mean and refuses
data that cannot mean anything (:class:`~models.common.contract.ModelInputError` naming the
table, the row and the column).
Tables are normalised on construction (optional columns filled with their defaults, dates made
``datetime.date``, ids made ``str``) into new frames; the caller's frames are never modified.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from models.common.contract import InputProblem, ModelInputError
from models.roster.catalogue import (
    ALL_GROUPS,
    RULES,
    WEEKDAYS,
    RuleSpec,
    doctors_working_time_rules,
    rules_table,
    weekly_cover,
)
from models.roster.columns import empty_table, parse_list, parse_time
from models.roster.parameters import RosterParameters
from models.roster.validate import validate

__all__ = [
    "ALL_GROUPS",
    "RULES",
    "WEEKDAYS",
    "RosterInput",
    "RosterParameters",
    "Rule",
    "RuleSpec",
    "doctors_working_time_rules",
    "empty_table",
    "parse_list",
    "parse_time",
    "rules_table",
    "weekly_cover",
]


@dataclass(frozen=True)
class Rule:
    """One rule as it applies to a staff group."""

    name: str
    limit: float
    hard: bool
    weight: int
    shift: str = ""


@dataclass(frozen=True)
class RosterInput:
    """A validated detailed-rota instance.

    staff : ``staff_id`` (unique), ``name``, ``group`` (rule group, default ``staff``), ``skills``
        (``"a|b"``), ``contract_hours_week``, ``fixed_days_off`` (weekdays ``"Sat|Sun"``, never
        rostered), ``preferred_shifts`` (shift ids ``"E|L"``; see rule ``preferred_shifts``).
    shifts : ``shift_id``, ``start`` (``"HH:MM"`` local time; blank when unknown, allowed only
        if no rule needs times), ``length_minutes``, ``paid_minutes`` (default the length),
        ``night``, ``on_call`` (bool), ``name``.
    first_date, days : the horizon, ``days`` dates from ``first_date``.
    cover : per ``date``, ``shift_id`` and ``skill`` (blank: anyone): ``minimum`` and ``maximum``
        (hard; maximum -1: none) and ``preferred`` with ``under_weight``/``over_weight`` per
        person short of/above it. :func:`weekly_cover` expands a weekday pattern.
    rules : ``group`` (``*``: every group; a named group's row overrides it), ``rule`` (one of
        :data:`RULES`), ``shift`` (for per-shift-type rules), ``limit``, ``hard``, ``weight``
        (per penalty unit, for soft rules).
    leave : ``staff_id``, ``date``, ``reason``, ``credit_hours`` (counted towards the contract);
        never rostered. Dates outside the horizon are ignored (the shell notes them:
        :func:`optimiser.kinds.roster.build_input`).
    preassigned : ``staff_id``, ``date``, ``shift_id``: fixed assignments.
    requests : ``staff_id``, ``date``, ``shift_id`` (blank: any shift, i.e. the whole day),
        ``kind`` (``on`` or ``off``), ``weight`` paid if the request is denied.
    history : the previous rota's last days (``staff_id``, ``date`` before ``first_date``,
        ``shift_id``); every listed staff member is off on the history dates not listed.
    forbidden_successions : ``first``, ``second``: shift ``second`` may not follow ``first`` on
        the next day (hard), besides those derived from ``min_rest_hours``.
    published : the published rota (``staff_id``, ``date``, ``shift_id``) for re-rostering;
        staff on dates not listed were off.
    timezone : IANA name of the time zone of the shift times (default Europe/London); rest,
        shift lengths and hours are measured in elapsed (UTC) time across clock changes.
    name : the instance's name (files, calendars).
    contract_weeks : the first date and days of the rota whose weeks hold each week's leave credit
        to the contracted hours (:func:`models.roster.validate.credit_within_contract`); None: this
        rota's own. A window of a longer rota (:func:`models.roster.horizon.window_input`) is
        given the whole rota's, so it credits leave as the whole model and the checker do: held
        to its own weeks, a window from a Monday of a rota from a Wednesday cut a Monday-to-Friday
        week of leave the rota's weeks credit in full.
    """

    staff: pd.DataFrame
    shifts: pd.DataFrame
    first_date: dt.date
    days: int
    cover: pd.DataFrame
    rules: pd.DataFrame
    leave: pd.DataFrame | None = None
    preassigned: pd.DataFrame | None = None
    requests: pd.DataFrame | None = None
    history: pd.DataFrame | None = None
    forbidden_successions: pd.DataFrame | None = None
    published: pd.DataFrame | None = None
    timezone: str = "Europe/London"
    name: str = "roster"
    contract_weeks: tuple[dt.date, int] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.first_date, dt.datetime) or not isinstance(self.first_date, dt.date):
            raise ModelInputError(
                InputProblem(
                    "parameters", f"first_date must be a date, got {self.first_date!r}", None, "first_date"
                )
            )
        if not isinstance(self.days, int) or self.days < 1:
            raise ModelInputError(
                InputProblem(
                    "parameters", f"days must be a positive whole number, got {self.days!r}", None, "days"
                )
            )
        try:
            ZoneInfo(str(self.timezone))
        except (ZoneInfoNotFoundError, ValueError):
            raise ModelInputError(
                InputProblem("parameters", f"unknown time zone {self.timezone!r}", None, "timezone")
            ) from None
        tables = validate(self)
        for key, value in tables.items():
            object.__setattr__(self, key, value)

    def replace(self, **changes: object) -> RosterInput:
        """A new, re-validated input with some fields changed (e.g. re-rostering: new ``leave``,
        ``published=old_plan.assignments``)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    # ---- derived facts -------------------------------------------------------------------
    @property
    def dates(self) -> list[dt.date]:
        return [self.first_date + dt.timedelta(days=d) for d in range(self.days)]

    @property
    def last_date(self) -> dt.date:
        return self.first_date + dt.timedelta(days=self.days - 1)

    def day_index(self, date: dt.date) -> int:
        """Position of ``date`` in the horizon (negative before it)."""
        return (date - self.first_date).days

    def weekends(self) -> list[tuple[int | None, int | None]]:
        """(Saturday, Sunday) day indices of every weekend touching the horizon; None when outside."""
        out = []
        for d in range(self.days):
            date = self.first_date + dt.timedelta(days=d)
            if date.weekday() == 5:
                out.append((d, d + 1 if d + 1 < self.days else None))
            elif date.weekday() == 6 and d == 0:
                out.append((None, 0))
        return out

    def first_changeable(self, change_from: dt.date | None = None) -> dt.date | None:
        """Re-rostering: the first date that may differ from the published rota (None without one).

        ``change_from`` when given; else the first date on which the published rota has someone
        working who is now on leave (the first shift the new absence takes away); else, when no
        published shift clashes with leave, the rota's first date.
        """
        if self.published is None or self.published.empty:
            return None
        if change_from is not None:
            return change_from
        away = set(zip(self.leave["staff_id"], self.leave["date"], strict=True))
        clashes = [
            d
            for s, d in zip(self.published["staff_id"], self.published["date"], strict=True)
            if (s, d) in away
        ]
        return min(clashes, default=self.first_date)

    def history_days(self) -> int:
        """How many days before ``first_date`` the history covers (0 without history)."""
        if self.history is None or self.history.empty:
            return 0
        return (self.first_date - min(self.history["date"])).days

    def rules_for(self, group: str) -> dict[tuple[str, str], Rule]:
        """Rules applying to ``group`` keyed by (rule, shift); a group's own row overrides ``*``."""
        out: dict[tuple[str, str], Rule] = {}
        assert self.rules is not None
        for scope in (ALL_GROUPS, group):
            for r in self.rules[self.rules["group"] == scope].itertuples(index=False):
                out[(r.rule, r.shift)] = Rule(r.rule, float(r.limit), bool(r.hard), int(r.weight), r.shift)
        return out
