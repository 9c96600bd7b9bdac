"""Detailed-rota instances: two illustrative Lancashire & South Cumbria rotas and a generator of any size.

Every figure here (staff, contracts, leave, cover, requests, weights) is ILLUSTRATIVE, chosen to
be plausible for an NHS unit, not taken from any trust. All functions are deterministic: the
same arguments give the same instance.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from models.common.calendar import bank_holidays
from models.roster.catalogue import BANK_HOLIDAY
from models.roster.input import (
    WEEKDAYS,
    RosterInput,
    doctors_working_time_rules,
    rules_table,
    weekly_cover,
)

SACT_FIRST_DATE = dt.date(2025, 3, 3)  # a Monday; the 8 weeks cross the clocks going forward (30 March)
REGISTRAR_FIRST_DATE = dt.date(2025, 8, 4)  # a Monday; the 13 weeks cross the clocks going back (26 Oct)

# {rule: (limit, hard, weight)}, as rules_table takes them
RuleLimits = dict[str, tuple[float, bool, int]]


def _table(columns: str, rows: list[tuple]) -> pd.DataFrame:
    """A frame of ``rows`` with the space-separated ``columns``."""
    return pd.DataFrame(rows, columns=columns.split())


def _leave(rows: list[tuple[str, dt.date, int, str, float]]) -> pd.DataFrame:
    """(staff, first day, number of days, reason, credit hours a day) -> one row per weekday of leave."""
    out = []
    for staff, first, n, reason, credit in rows:
        for k in range(n):
            day = first + dt.timedelta(days=k)
            if day.weekday() < 5:
                out.append((staff, day, reason, credit))
    return _table("staff_id date reason credit_hours", out)


def _pattern(rows: list[tuple]) -> pd.DataFrame:
    """(weekdays, shift, skill, minimum, preferred, maximum, under weight, over weight) -> a cover pattern."""
    out = [(w, *rest) for days, *rest in rows for w in days]
    return _table("weekday shift_id skill minimum preferred maximum under_weight over_weight", out)


MON_FRI, ALL_WEEK = WEEKDAYS[:5], WEEKDAYS


def _holidays(first: dt.date, days: int) -> dict[dt.date, str]:
    """Bank holidays (by date, with names) in the ``days`` days from ``first``."""
    return bank_holidays(first, first + dt.timedelta(days=days - 1))


def lsc_sact_nurses() -> RosterInput:
    """14 SACT nurses of a chemotherapy day unit, 8 weeks, early / late / long-day shifts.

    The unit opens Monday to Saturday (Saturday mornings only) and closes on bank holidays
    (Good Friday and Easter Monday 2025); every shift needs a nurse in
    charge (band 6) and each weekday shift a PICC-trained nurse. Agenda for Change style rules:
    11 h rest, at most 5 days in a row, 48 h in any 7 days, at most 4 Saturdays (one in two), all
    hard; soft: contract hours within 3 h a week, runs of at least 2 days on and off, preferred
    shifts, fair Saturdays.
    """
    first, days = SACT_FIRST_DATE, 56
    # fmt: off
    shifts = _table("shift_id name start length_minutes paid_minutes", [
        ("E", "early", "07:30", 480, 450), ("L", "late", "12:30", 480, 450),
        ("LD", "long day", "07:30", 750, 690),
    ])
    staff = _table("staff_id name group skills contract_hours_week fixed_days_off preferred_shifts", [
        ("N01", "Aisha Khan", "band6", "charge|PICC", 37.5, "", ""),
        ("N02", "Ben Hughes", "band6", "charge|PICC", 37.5, "", "E|LD"),
        ("N03", "Carol Dawson", "band6", "charge", 30.0, "Wed", ""),
        ("N04", "Deepa Patel", "band6", "charge|PICC", 37.5, "", ""),
        ("N05", "Ellen Moss", "band5", "PICC", 37.5, "", ""),
        ("N06", "Fiona Walsh", "band5", "", 37.5, "", "E"),
        ("N07", "Gareth Lloyd", "band5", "PICC", 37.5, "", "L|LD"),
        ("N08", "Hannah Booth", "band5", "", 22.5, "Mon|Fri", "E"),
        ("N09", "Imran Shah", "band5", "", 37.5, "", ""),
        ("N10", "Julie Parr", "band5", "PICC", 30.0, "", ""),
        ("N11", "Kate Fenton", "band5", "", 37.5, "", "LD"),
        ("N12", "Liam Doyle", "band5", "", 37.5, "", ""),
        ("N13", "Megan Ashworth", "band5", "PICC", 22.5, "Tue|Thu", ""),
        ("N14", "Nadia Ward", "band5", "", 37.5, "", "L"),
    ])
    pattern = _pattern([
        (MON_FRI, "E", "", 3, 4, 5, 60, 10), (MON_FRI, "L", "", 3, 4, 5, 60, 10),
        (MON_FRI, "LD", "", 1, 2, 3, 60, 10),
        (MON_FRI, "E", "charge", 1, 1, -1, 40, 0), (MON_FRI, "L", "charge", 1, 1, -1, 40, 0),
        (MON_FRI, "E", "PICC", 0, 1, -1, 40, 0), (MON_FRI, "L", "PICC", 0, 1, -1, 40, 0),
        (("Sat",), "E", "", 2, 3, 3, 60, 10), (("Sat",), "E", "charge", 1, 1, -1, 60, 0),
        ((BANK_HOLIDAY,), "E", "", 0, 0, 0, 0, 0),  # closed on bank holidays: nobody works
    ])
    limits: RuleLimits = {
        "min_rest_hours": (11, True, 1), "max_consecutive_days": (5, True, 1),
        "max_hours_7_days": (48, True, 1),
        "max_weekends": (4, True, 1), "min_consecutive_days_off": (2, False, 5),
        "min_consecutive_days": (2, False, 3), "contract_hours_tolerance": (3, False, 4),
        "preferred_shifts": (0, False, 1), "fair_weekends": (1, False, 10),
    }
    rules = rules_table("*", limits)
    leave = _leave([
        ("N01", dt.date(2025, 3, 17), 5, "annual leave", 7.5),
        ("N04", dt.date(2025, 4, 14), 10, "annual leave", 7.5),
        ("N05", dt.date(2025, 4, 7), 5, "annual leave", 7.5),
        ("N09", dt.date(2025, 3, 24), 3, "study", 7.5),
        ("N11", dt.date(2025, 4, 18), 1, "bank holiday", 7.5),
        ("N12", dt.date(2025, 3, 10), 5, "sickness", 7.5),
        ("N14", dt.date(2025, 4, 22), 4, "annual leave", 7.5),
        ("N07", dt.date(2025, 3, 31), 2, "study", 7.5),
    ])
    requests = _table("staff_id date shift_id kind weight", [
        ("N02", dt.date(2025, 3, 7), "", "off", 3), ("N06", dt.date(2025, 3, 14), "E", "on", 2),
        ("N10", dt.date(2025, 3, 21), "", "off", 5), ("N03", dt.date(2025, 4, 4), "LD", "on", 2),
        ("N13", dt.date(2025, 4, 11), "", "off", 4), ("N08", dt.date(2025, 4, 16), "E", "on", 1),
        ("N07", dt.date(2025, 4, 25), "", "off", 3), ("N14", dt.date(2025, 3, 19), "L", "on", 2),
    ])
    # fmt: on
    cover = weekly_cover(pattern, first, days, _holidays(first, days))
    return RosterInput(staff=staff, shifts=shifts, first_date=first, days=days, cover=cover, rules=rules,
                       leave=leave, requests=requests, name="lsc-sact-nurses")  # fmt: skip


def lsc_registrar_oncall() -> RosterInput:
    """12 oncology registrars, 13 weeks: day shifts, resident nights and weekend on-call.

    Bank holidays (25 August 2025) are covered like a weekend day: a night and an on-call, no
    day shifts. Doctors' working-time rules (DOMAIN.md defaults, hard): 48 h average, 11 h rest, 72 h in any
    7 days, 13 h longest shift, at most 4 nights in a row then 46 h off, at most 7 shifts in a
    row, at most 1-in-2 weekends (6 of 13); leave is never rostered. Soft: nights, weekends and
    on-calls spread evenly, whole weekends, contract hours within 4 h a week. The previous rota
    ends with R02 on two nights and R05 on a day shift. Nights run 20:30-08:30 (12 h on the
    clock) so that the night of Saturday 25 October, an hour longer as the clocks go back, still
    keeps to the 13 h longest shift.
    """
    first, days = REGISTRAR_FIRST_DATE, 91
    names = ["Adebayo", "Bryony", "Callum", "Dimitra", "Eoin", "Farah", "George", "Harriet", "Ifeoma", "Jack",
             "Keira", "Luca"]  # fmt: skip
    staff = pd.DataFrame({
        "staff_id": [f"R{i + 1:02d}" for i in range(12)], "name": [f"Dr {n}" for n in names],
        "group": "registrars", "skills": ["ST6+" if i < 5 else "" for i in range(12)],
        "contract_hours_week": [32.0 if i == 7 else 40.0 for i in range(12)],
    })  # fmt: skip
    # fmt: off
    shifts = _table("shift_id name start length_minutes paid_minutes night on_call", [
        ("D", "day", "08:00", 540, 510, False, False), ("N", "night", "20:30", 720, 690, True, False),
        ("OC", "weekend on-call", "09:00", 720, 480, False, True),
    ])
    pattern = _pattern([
        (MON_FRI, "D", "", 3, 5, 7, 30, 5), (MON_FRI, "D", "ST6+", 1, 1, -1, 20, 0),
        (ALL_WEEK, "N", "", 1, 1, 1, 0, 0), (("Sat", "Sun"), "OC", "", 1, 1, 1, 0, 0),
        ((BANK_HOLIDAY,), "N", "", 1, 1, 1, 0, 0), ((BANK_HOLIDAY,), "OC", "", 1, 1, 1, 0, 0),
    ])
    limits: RuleLimits = {
        "fair_nights": (1, False, 20), "fair_weekends": (1, False, 20), "fair_on_calls": (1, False, 10),
        "whole_weekends": (0, False, 5), "contract_hours_tolerance": (4, False, 2),
        "min_consecutive_days_off": (2, False, 3),
    }
    rules = pd.concat([doctors_working_time_rules("*", max_weekends=6), rules_table("*", limits)],
                      ignore_index=True)
    # fmt: on
    leave_rows = []
    for i, sid in enumerate(staff["staff_id"]):
        start = first + dt.timedelta(days=7 * ((i * 5) % 12) + (i % 2) * 7)
        leave_rows.append((sid, start, 5 if i % 3 else 10, "annual leave", 8.0))
        if i % 4 == 1:
            leave_rows.append((sid, first + dt.timedelta(days=7 * ((i * 7 + 3) % 13) + 2), 2, "study", 8.0))
    day = dt.timedelta(days=1)
    # fmt: off
    requests = _table("staff_id date shift_id kind weight", [
        ("R01", first + 12 * day, "", "off", 5), ("R04", first + 26 * day, "N", "off", 5),
        ("R06", first + 40 * day, "", "off", 3), ("R09", first + 54 * day, "D", "on", 2),
        ("R11", first + 68 * day, "", "off", 5), ("R03", first + 75 * day, "N", "off", 4),
    ])
    history = _table("staff_id date shift_id", [
        ("R02", first - 2 * day, "N"), ("R02", first - day, "N"), ("R05", first - day, "D"),
    ])
    # fmt: on
    return RosterInput(
        staff=staff,
        shifts=shifts,
        first_date=first,
        days=days,
        cover=weekly_cover(pattern, first, days, _holidays(first, days)),
        rules=rules,
        leave=_leave(leave_rows),
        requests=requests,
        history=history,
        name="lsc-registrar-oncall",
    )


def generate(
    staff: int, days: int, seed: int, first_date: dt.date = dt.date(2025, 1, 6), history_days: int = 0
) -> RosterInput:
    """A random ward-style rota of ``staff`` people over ``days`` days: early, late and night shifts.

    Cover minima stay low enough to be met (hard), preferred cover is paid for; most rules are
    soft so that any size solves. ``history_days`` adds a random previous rota of that many days.
    Same arguments, same instance.
    """
    if staff < 2 or days < 1 or history_days < 0:
        raise ValueError(f"generate: need at least 2 staff and 1 day, got staff={staff}, days={days}")
    rng = np.random.default_rng(seed)
    people = _ward_staff(rng, staff)
    ids = people["staff_id"]
    history = _random_history(rng, ids, first_date, history_days)
    leave = _random_leave(rng, ids, first_date, days)
    requests = _random_requests(rng, ids, first_date, days)
    return RosterInput(
        staff=people,
        shifts=_ward_shifts(),
        first_date=first_date,
        days=days,
        cover=_ward_cover(staff, days, first_date),
        rules=_ward_rules(days),
        leave=pd.DataFrame(leave, columns=["staff_id", "date", "reason", "credit_hours"]),
        requests=pd.DataFrame(requests, columns=["staff_id", "date", "shift_id", "kind", "weight"]),
        history=pd.DataFrame(history, columns=["staff_id", "date", "shift_id"]),
        name=f"generated-{staff}x{days}-seed{seed}",
    )


def _ward_shifts() -> pd.DataFrame:
    """Early, late and night shifts of the generated ward."""
    return pd.DataFrame(
        [
            {"shift_id": "E", "start": "07:00", "length_minutes": 480, "paid_minutes": 450},
            {"shift_id": "L", "start": "14:00", "length_minutes": 480, "paid_minutes": 450},
            {"shift_id": "N", "start": "21:30", "length_minutes": 600, "paid_minutes": 570, "night": True},
        ]
    )


def _ward_staff(rng: np.random.Generator, staff: int) -> pd.DataFrame:
    """Random contracts and preferred shifts; the first third (at least one) are senior leads."""
    contracts = rng.choice([37.5, 30.0, 22.5], size=staff, p=[0.6, 0.25, 0.15])
    leads = max(1, staff // 3)
    return pd.DataFrame(
        {
            "staff_id": [f"S{i + 1:03d}" for i in range(staff)],
            "group": ["senior" if i < leads else "staff" for i in range(staff)],
            "skills": ["lead" if i < leads else "" for i in range(staff)],
            "contract_hours_week": contracts,
            "preferred_shifts": [rng.choice(["", "", "E", "L"]) for _ in range(staff)],
        }
    )


def _ward_cover(staff: int, days: int, first_date: dt.date) -> pd.DataFrame:
    """Daily cover: about 22% of staff on early and late, a lead on the early, one night nurse."""
    per_shift = max(1, round(staff * 0.22))
    rows = []
    for d in range(days):
        date = first_date + dt.timedelta(days=d)
        for s in ("E", "L"):
            rows.append(
                {
                    "date": date,
                    "shift_id": s,
                    "minimum": max(1, per_shift - 1) if staff >= 4 else 0,
                    "preferred": per_shift,
                    "maximum": per_shift + 2,
                    "under_weight": 50,
                    "over_weight": 5,
                }
            )
        rows.append(
            {
                "date": date,
                "shift_id": "E",
                "skill": "lead",
                "minimum": 0,
                "preferred": 1,
                "under_weight": 20,
                "over_weight": 0,
            }
        )
        rows.append(
            {
                "date": date,
                "shift_id": "N",
                "minimum": 1 if staff >= 6 else 0,
                "preferred": 1,
                "maximum": 1,
                "under_weight": 50,
                "over_weight": 0,
            }
        )
    return pd.DataFrame(rows)


def _ward_rules(days: int) -> pd.DataFrame:
    """Working-time rules for everyone: rest and consecutive days hard, the rest soft and weighted."""
    limits: RuleLimits = {
        "min_rest_hours": (11, True, 1),
        "max_consecutive_days": (6, True, 1),
        "max_consecutive_nights": (3, False, 10),
        "rest_after_nights_hours": (46, False, 5),
        "min_consecutive_days_off": (2, False, 3),
        "min_consecutive_days": (2, False, 2),
        "max_hours_7_days": (48, False, 5),
        "contract_hours_tolerance": (4, False, 2),
        "max_weekends": (max(1, (days // 7 + 1) // 2), False, 5),
        "whole_weekends": (0, False, 2),
        "preferred_shifts": (0, False, 1),
        "fair_nights": (1, False, 5),
        "fair_weekends": (1, False, 5),
    }
    return rules_table("*", limits)


def _random_history(
    rng: np.random.Generator, ids: pd.Series, first_date: dt.date, history_days: int
) -> list[tuple[str, dt.date, str]]:
    """A previous rota: each person works each of the ``history_days`` days before with chance 0.6."""
    history = []
    for sid in ids:
        for k in range(1, history_days + 1):
            if rng.random() < 0.6:
                history.append((sid, first_date - dt.timedelta(days=k), str(rng.choice(["E", "L", "N"]))))
    return history


def _random_leave(rng: np.random.Generator, ids: pd.Series, first_date: dt.date, days: int) -> list[dict]:
    """Annual leave: each person with chance 0.3 takes 1-5 days from a random start."""
    leave = []
    for sid in ids:
        if rng.random() < 0.3:
            start = int(rng.integers(0, days))
            for k in range(int(rng.integers(1, 6))):
                if start + k < days:
                    leave.append(
                        {
                            "staff_id": sid,
                            "date": first_date + dt.timedelta(days=start + k),
                            "reason": "annual leave",
                            "credit_hours": 7.5,
                        }
                    )
    return leave


def _random_requests(rng: np.random.Generator, ids: pd.Series, first_date: dt.date, days: int) -> list[dict]:
    """One on/off request per ten person-days (at least one), weighted 1-5."""
    requests = []
    staff = len(ids)
    for _ in range(max(1, staff * days // 10)):
        sid = ids.iloc[int(rng.integers(0, staff))]
        requests.append(
            {
                "staff_id": sid,
                "date": first_date + dt.timedelta(days=int(rng.integers(0, days))),
                "shift_id": str(rng.choice(["", "E", "L"])),
                "kind": str(rng.choice(["on", "off"])),
                "weight": int(rng.integers(1, 6)),
            }
        )
    return requests
