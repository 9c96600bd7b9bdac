"""Tables and parameters of a ``kind: roster`` instance (detailed staff rota), with defaults.

The tables mirror :class:`models.roster.input.RosterInput`; cover may be given per date
(``cover``), as a weekday pattern (``cover_pattern``, expanded over the horizon by
:func:`models.roster.catalogue.weekly_cover`), or both: a dated row then replaces the
pattern's row for the same date, shift and skill. On England's bank holidays
(:func:`models.common.calendar.bank_holidays`, changed per instance by ``bank_holidays``) the
pattern's ``bank_holiday`` rows replace the weekday's, when it has any. The parameters are the
horizon (``first_date``, ``days``), the time zone, and the fields of
:class:`models.roster.parameters.RosterParameters` (the time limit used when the command line
gives none among them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from models.roster import catalogue
from models.roster.catalogue import MAX_DAYS, WEEKDAYS, weekly_cover
from models.roster.input import RosterInput
from models.roster.parameters import SEARCHES, SUBSOLVERS, RosterParameters
from optimiser.schema import Column, Parameter, TableSchema

_STAFF_REF = "staff.staff_id"
_SHIFT_REF = "shifts.shift_id"


def _who(doc: str = "staff member") -> Column:
    return Column("staff_id", "str", references=_STAFF_REF, doc=doc)


def _date(doc: str) -> Column:
    return Column("date", "date", doc=doc)


def _shift(doc: str = "shift type", **kw: Any) -> Column:
    return Column("shift_id", "str", references=_SHIFT_REF, doc=doc, **kw)


STAFF = TableSchema(
    "staff",
    (
        Column("staff_id", "str", unique=True, doc="staff id (e.g. an ESR or rostering-system number)"),
        Column("name", "str", required=False, default="", doc="name as shown on the rota (blank: the id)"),
        Column(
            "group",
            "str",
            required=False,
            default="staff",
            doc="rule group (e.g. band6, registrars): the rules table's rows for it apply",
        ),
        Column("skills", "str", required=False, default="", doc="skills, separated by | (e.g. charge|PICC)"),
        Column(
            "contract_hours_week",
            "float",
            required=False,
            default=0.0,
            minimum=0,
            maximum=168,
            doc="contracted hours a week (0: no contract band applies)",
        ),
        Column(
            "fixed_days_off",
            "str",
            required=False,
            default="",
            doc="weekdays never rostered, separated by | (e.g. Sat|Sun; full names or Mon..Sun, any case)",
        ),
        Column(
            "preferred_shifts",
            "str",
            required=False,
            default="",
            doc="shift types preferred, separated by | (see rule preferred_shifts)",
        ),
    ),
    doc="the people on the rota",
)

SHIFTS = TableSchema(
    "shifts",
    (
        Column("shift_id", "str", unique=True, doc="shift type id (e.g. E, L, N)"),
        Column("name", "str", required=False, default="", doc="shift name (e.g. early)"),
        Column(
            "start",
            "str",
            required=False,
            allow_blank=True,
            doc="local start time HH:MM (blank: unknown; only when no rest rule needs it)",
        ),
        Column("length_minutes", "int", minimum=1, maximum=24 * 60, doc="minutes from start to end"),
        Column(
            "paid_minutes",
            "int",
            required=False,
            allow_blank=True,
            minimum=0,
            doc="paid minutes (length less unpaid breaks); blank: the length",
        ),
        Column("night", "bool", required=False, default=False, doc="a night shift (night rules apply)"),
        Column("on_call", "bool", required=False, default=False, doc="an on-call shift (fair_on_calls)"),
    ),
    doc="shift types",
)

_COVER_COLUMNS = (
    _shift(),
    Column("skill", "str", required=False, default="", doc="skill counted (blank: anyone)"),
    Column("minimum", "int", required=False, default=0, minimum=0, doc="least people (hard)"),
    Column("preferred", "int", minimum=0, doc="people wanted; each short or above is paid"),
    Column(
        "maximum",
        "int",
        required=False,
        allow_blank=True,
        minimum=0,
        doc="most people (hard; blank: no maximum)",
    ),
    Column(
        "under_weight",
        "int",
        required=False,
        default=1,
        minimum=0,
        doc="penalty points per person short of preferred",
    ),
    Column(
        "over_weight",
        "int",
        required=False,
        default=0,
        minimum=0,
        doc="penalty points per person above preferred",
    ),
)

COVER = TableSchema(
    "cover",
    (_date("date of the shift (its start)"), *_COVER_COLUMNS),
    required=False,
    doc="people needed per date, shift and skill (replaces cover_pattern's row for the same key)",
)

COVER_PATTERN = TableSchema(
    "cover_pattern",
    (
        Column(
            "weekday",
            "str",
            doc="Mon .. Sun (full names or three letters, any case), or bank_holiday: rows that "
            "replace the weekday's on bank holidays",
        ),
        *_COVER_COLUMNS,
    ),
    required=False,
    doc="people needed per weekday, shift and skill, repeated every week of the horizon",
)

BANK_HOLIDAYS = TableSchema(
    "bank_holidays",
    (
        _date("a date to add to or remove from England's bank holidays"),
        Column(
            "holiday",
            "bool",
            required=False,
            default=True,
            doc="true: a local holiday (bank_holiday cover applies); false: worked as a normal weekday",
        ),
        Column("name", "str", required=False, default="", doc="e.g. trust closure day"),
    ),
    required=False,
    doc="changes to England's bank holidays (known by default) for this instance",
)

RULES = TableSchema(
    "rules",
    (
        Column(
            "group",
            "str",
            required=False,
            default="*",
            doc="staff group the rule applies to (*: every group; a group's own row overrides it)",
        ),
        Column("rule", "str", doc="rule name (see the rule list in README.md)"),
        Column(
            "shift",
            "str",
            required=False,
            default="",
            doc="shift type, for min_shifts_of_type / max_shifts_of_type only",
        ),
        Column("limit", "float", required=False, default=0.0, minimum=0, doc="limit, in the rule's unit"),
        Column("hard", "bool", required=False, default=True, doc="true: must hold; false: penalised"),
        Column(
            "weight",
            "int",
            required=False,
            default=1,
            minimum=0,
            doc="penalty points per unit of a soft rule's breach",
        ),
    ),
    doc="working-time and fairness rules per staff group",
)

LEAVE = TableSchema(
    "leave",
    (
        _who(),
        _date("day of leave (outside the horizon: ignored)"),
        Column("reason", "str", required=False, default="leave", doc="e.g. annual leave, sickness, study"),
        Column(
            "credit_hours",
            "float",
            required=False,
            default=0.0,
            minimum=0,
            maximum=24,
            doc="hours counted towards the contract for the day",
        ),
    ),
    required=False,
    doc="leave and absence: never rostered",
)

PREASSIGNED = TableSchema(
    "preassigned",
    (_who(), _date("date"), _shift()),
    required=False,
    doc="assignments fixed in advance",
)

REQUESTS = TableSchema(
    "requests",
    (
        _who(),
        _date("date"),
        _shift("shift type (blank: the whole day)", required=False, allow_blank=True),
        Column("kind", "str", choices=("on", "off"), doc="on: wants to work it; off: wants it off"),
        Column("weight", "int", minimum=0, doc="penalty points if the request is denied"),
    ),
    required=False,
    doc="staff requests, granted unless cover or rules weigh more",
)

HISTORY = TableSchema(
    "history",
    (_who(), _date("date before first_date"), _shift()),
    required=False,
    doc="the previous rota's last days (rest, runs and nights across the horizon's start)",
)

FORBIDDEN_SUCCESSIONS = TableSchema(
    "forbidden_successions",
    (
        Column("first", "str", references=_SHIFT_REF, doc="shift type on one day"),
        Column("second", "str", references=_SHIFT_REF, doc="shift type not allowed the next day"),
    ),
    required=False,
    doc="shift pairs that may not follow on consecutive days (besides min_rest_hours)",
)

PUBLISHED = TableSchema(
    "published",
    (_who(), _date("date"), _shift()),
    required=False,
    doc="the published rota (a run's assignments.csv) to re-roster against with fewest changes",
)

TABLES = (
    STAFF,
    SHIFTS,
    COVER,
    COVER_PATTERN,
    BANK_HOLIDAYS,
    RULES,
    LEAVE,
    PREASSIGNED,
    REQUESTS,
    HISTORY,
    FORBIDDEN_SUCCESSIONS,
    PUBLISHED,
)
ASSIGNMENT_TABLES = ("preassigned", "history", "published")

PARAMETERS = (
    Parameter("first_date", str, None, "date", "first day of the rota, YYYY-MM-DD (required)"),
    Parameter(
        "days", int, None, "days", "length of the rota in days (required)", minimum=1, maximum=MAX_DAYS
    ),
    Parameter(
        "change_weight",
        int,
        10,
        "points/change",
        "re-rostering: penalty per assignment changed against the published rota",
        minimum=0,
    ),
    Parameter(
        "max_changes",
        int,
        None,
        "changes",
        "re-rostering: most assignments changed against the published rota (blank: no limit)",
        minimum=0,
        optional=True,
    ),
    Parameter(
        "change_from",
        str,
        None,
        "date",
        "re-rostering: first date that may change, YYYY-MM-DD; every assignment before it stays as "
        "published (blank: the first date a published shift clashes with leave)",
        optional=True,
    ),
    Parameter(
        "reference_weeks",
        int,
        RosterParameters().reference_weeks,
        "weeks",
        "reference period of max_average_weekly_hours: on a longer rota every run of this many "
        "consecutive weeks averages at most the limit (17: the Working Time Regulations' default; "
        "26: the 2016 doctors' contract)",
        minimum=1,
    ),
    Parameter(
        "reproducible",
        bool,
        True,
        "",
        "with --threads: count the time limit in CP-SAT deterministic time so that the same seed and "
        "threads give the same rota (false: wall-clock seconds)",
    ),
    Parameter(
        "work_per_second",
        float,
        RosterParameters().work_per_second,
        "units/second",
        "reproducible runs: CP-SAT deterministic time units granted per second of the time limit",
        minimum=0,
    ),
    Parameter(
        "wall_clock_factor",
        float,
        RosterParameters().wall_clock_factor,
        "x time limit",
        "reproducible runs: the wall-clock backstop as a multiple of the time limit (at least 1; "
        "a deadline the command line sets still wins)",
        minimum=1,
    ),
    Parameter(
        "hard_violation_weight",
        int,
        1,
        "points/unit",
        "weight of one unit of a broken hard rule when explaining an infeasible instance",
        minimum=1,
    ),
    Parameter("timezone", str, "Europe/London", "", "time zone of the shift times (IANA name)"),
    Parameter(
        "time_limit",
        float,
        60.0,
        "seconds",
        "solve time limit when the command line gives no --time-limit (blank: none)",
        minimum=0,
        optional=True,
    ),
    Parameter(
        "search",
        str,
        RosterParameters().search,
        "",
        "how the rota is searched for: cpsat (one solve of the whole model), lns "
        "(large-neighbourhood search: a few people or days re-solved at a time), lines "
        "(each person's lines of work combined: a proven bound, and a rota from the lines) or mip "
        "(the same model as a MILP for HiGHS, on the wall clock: its bound, and CP-SAT completing its rota)",
        choices=SEARCHES,
    ),
    Parameter(
        "subsolvers",
        str,
        ",".join(RosterParameters().subsolvers),
        "CP-SAT subsolver names",
        "reproducible runs with several workers: the full-problem subsolvers CP-SAT interleaves, "
        "comma-separated or a list",
        choices=SUBSOLVERS,
        listed=True,
    ),
    Parameter(
        "first_hard",
        str,
        ",".join(RosterParameters().first_hard),
        "rule names",
        "search cpsat: soft rule families (or under_cover, over_cover, shift_on_request, "
        "shift_off_request) held hard in a first phase whose rota starts the whole model, "
        "comma-separated or a list (blank: one phase)",
        choices=(*catalogue.RULES, *catalogue.COVER_AND_REQUEST_TERMS),
        optional=True,
        listed=True,
    ),
    Parameter(
        "first_hard_share",
        float,
        RosterParameters().first_hard_share,
        "share of the time limit",
        "search cpsat: the first phase's share of the time limit, at least 0 and under 1 (0: one phase)",
        minimum=0,
    ),
    Parameter(
        "bound_share",
        float,
        RosterParameters().bound_share,
        "share of the time limit",
        "search cpsat: share of the time limit for a lower bound from CP-SAT's full LP after the "
        "search, at least 0 and under 1 (0: none)",
        minimum=0,
    ),
    Parameter(
        "bound_work_per_second",
        float,
        RosterParameters().bound_work_per_second,
        "units/second",
        "reproducible runs: CP-SAT deterministic time units per second of bound_share for the "
        "full LP's bound pass",
        minimum=0,
    ),
    Parameter(
        "polish_share",
        float,
        RosterParameters().polish_share,
        "share of the time limit",
        "search cpsat, reproducible runs (--threads): share of the time limit for re-solving every "
        "person's days a window at a time after the search, the rest of the rota fixed, at least 0 "
        "and under 1 (0: none)",
        minimum=0,
    ),
    Parameter(
        "polish_work_per_second",
        float,
        RosterParameters().polish_work_per_second,
        "units/second",
        "reproducible runs: CP-SAT deterministic time units per second of polish_share for the window polish",
        minimum=0,
    ),
    Parameter(
        "polish_half_days",
        int,
        RosterParameters().polish_half_days,
        "days",
        "search cpsat: days either side of a polish window's centre (a window of 2 x this + 1 "
        "days, a centre every this many days)",
        minimum=1,
    ),
    Parameter(
        "mip_heuristic_effort",
        float,
        RosterParameters().mip_heuristic_effort,
        "share of HiGHS's work",
        "search mip: HiGHS's share of its work on primal heuristics, 0 to 1",
        minimum=0,
        maximum=1,
    ),
)
MODEL_PARAMETERS = (
    "change_weight",
    "max_changes",
    "hard_violation_weight",
    "reference_weeks",
    "time_limit",
    "reproducible",
    "work_per_second",
    "wall_clock_factor",
    "search",
    "first_hard_share",
    "bound_share",
    "bound_work_per_second",
    "polish_share",
    "polish_work_per_second",
    "polish_half_days",
    "mip_heuristic_effort",
)
"""Instance parameters that are fields of :class:`models.roster.parameters.RosterParameters`."""


def _whole(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Whole-number columns written as such (8, not 8.0); blanks stay blank."""
    ints = [c.name for c in schema.columns if c.kind == "int" and c.name in frame]
    return frame.astype({c: "Int64" for c in ints})


def cover_pattern_of(cover: pd.DataFrame, first_date: dt.date, days: int) -> pd.DataFrame | None:
    """The weekday pattern that expands to exactly ``cover``, or None when the weeks differ."""
    if cover.empty or days < 7:
        return None
    dates = pd.to_datetime(cover["date"]).dt.date
    week = cover.assign(weekday=[WEEKDAYS[d.weekday()] for d in dates])
    columns = [c for c in cover.columns if c != "date"]
    first_week = [first_date + dt.timedelta(days=k) for k in range(7)]
    pattern = week[dates.isin(first_week).to_numpy()]
    pattern = pattern.sort_values("date", kind="stable")[["weekday", *columns]].reset_index(drop=True)
    again = weekly_cover(pattern, first_date, days)
    key = ["date", "shift_id", "skill"]

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.assign(date=pd.to_datetime(frame["date"]).dt.date)
        return frame.sort_values(key).reset_index(drop=True)[["date", *columns]].astype(str)

    if len(again) != len(cover) or not ordered(again).equals(ordered(cover)):
        return None
    return pattern


def tables_of(inp: RosterInput) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The tables and parameters of an instance folder holding ``inp``.

    Cover is written as a weekday pattern when every week is the same, else per date; optional
    tables are left out when empty; blanks stand for defaults (no maximum, paid = length).
    """
    shifts = inp.shifts.copy()
    paid = shifts["paid_minutes"].astype(int)
    shifts["paid_minutes"] = paid.where(paid != shifts["length_minutes"].astype(int), None)
    shifts = shifts[[c.name for c in SHIFTS.columns]]
    tables: dict[str, pd.DataFrame] = {"staff": inp.staff, "shifts": shifts}
    pattern = cover_pattern_of(inp.cover, inp.first_date, inp.days)
    cover_name, cover = ("cover", inp.cover) if pattern is None else ("cover_pattern", pattern)
    tables[cover_name] = cover.assign(maximum=cover["maximum"].where(cover["maximum"].astype(int) >= 0, None))
    tables["rules"] = inp.rules
    for name in ("leave", "preassigned", "requests", "history", "forbidden_successions", "published"):
        frame = getattr(inp, name)
        if frame is not None and len(frame):
            tables[name] = frame
    schemas = {t.name: t for t in TABLES}
    out = {}
    for name, frame in tables.items():
        frame = _whole(frame.copy(), schemas[name])
        frame.attrs = {}
        out[name] = frame
    p = RosterParameters()
    parameters: dict[str, Any] = {
        "first_date": inp.first_date.isoformat(),
        "days": inp.days,
        "change_weight": p.change_weight,
        "max_changes": p.max_changes,
        "hard_violation_weight": p.hard_violation_weight,
        "timezone": inp.timezone,
    }
    return out, parameters
