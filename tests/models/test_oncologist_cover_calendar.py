"""Bank holidays (issue 11 item 3): no MDT meets on one; demand and capacity pro rata; local changes.

Weeks of Monday 6 April 2026 (Easter Monday) and of Monday 13 April (no holiday): demand 5 PAs a
week at A, O1 (A1) has 6 PAs.  With ``holiday_pro_rata`` the Easter week's demand is 5 x 4/5 = 4
PAs and O1's capacity 6 x 4/5 = 4.8; the Monday MDT meets in the second week only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from test_oncologist_cover_fixtures import PARAMS, absence, oncologist, tiny

from instances.generators.cover import lsc_cover
from models.cover import check, solve
from models.cover.index import prepare

APRIL_13 = dt.date(2026, 4, 13)
EASTER_MONDAY = dt.date(2026, 4, 6)
MONDAY_MDT = {"mdt_id": "M", "trust_id": "TA", "tumour_site_id": "lung", "weekday": "Mon", "quorum": 1,
              "remote_counts": True}  # fmt: skip


def easter(holidays: pd.DataFrame | None = None, **kw: object):  # type: ignore[no-untyped-def]
    inst = tiny([oncologist("O1", "A1")], [("TA", 1, 5.0), ("TA", 2, 5.0)], mdts=[MONDAY_MDT], weeks=2, **kw)
    inst = dataclasses.replace(inst, first_week=EASTER_MONDAY)
    return inst if holidays is None else dataclasses.replace(inst, holidays=holidays)


def test_no_mdt_on_easter_monday_and_the_week_is_pro_rata() -> None:
    inst = easter()
    assert inst.holiday_dates() == {EASTER_MONDAY: "Easter Monday"}
    plan = solve(inst, PARAMS)
    assert check(inst, plan).passed
    assert plan.mdts["date"].tolist() == [pd.Timestamp(APRIL_13)]
    assert plan.cover["demand_pas"].tolist() == [4.0, 5.0]
    assert plan.workload["capacity_pas"].tolist() == pytest.approx([4.8, 6.0])
    assert plan.metric("uncovered_pas") == 0.0
    assert "(1 holiday)" in " ".join(plan.tables()["grid"].columns)


def test_without_pro_rata_demand_and_capacity_stay_as_given() -> None:
    inst = easter()
    plan = solve(inst, dataclasses.replace(PARAMS, holiday_pro_rata=False))
    assert plan.cover["demand_pas"].tolist() == [5.0, 5.0]
    assert plan.workload["capacity_pas"].tolist() == [6.0, 6.0]
    assert len(plan.mdts) == 1  # still no MDT on the holiday itself


def test_holidays_table_adds_a_local_holiday_and_removes_a_worked_one() -> None:
    """Closed Tuesday 14 April (a local holiday); Easter Monday worked as a normal day."""
    table = pd.DataFrame(
        {
            "date": [dt.date(2026, 4, 14), EASTER_MONDAY],
            "name": ["trust closure", ""],
            "closed": [True, False],
        }
    )
    inst = easter(table)
    assert inst.holiday_dates() == {dt.date(2026, 4, 14): "local holiday"}
    idx = prepare(inst, PARAMS)
    assert idx.mw["date"].tolist() == [pd.Timestamp(EASTER_MONDAY), pd.Timestamp(APRIL_13)]
    assert idx.dem["pas"].tolist() == [5.0, 4.0]


def test_leave_over_a_holiday_counts_only_the_days_worked() -> None:
    """O1 on leave Tue-Fri of Easter week: absent all 4 open days, so no capacity (not 1/5 left)."""
    inst = easter(absences=[absence("O1", EASTER_MONDAY, EASTER_MONDAY + dt.timedelta(days=4))])
    idx = prepare(inst, PARAMS)
    assert idx.capacity[0].tolist() == [0.0, 6.0]
    assert idx.absent_share[0].tolist() == [1.0, 0.0]


def test_lsc_cover_holds_no_mdt_on_easter_monday() -> None:
    inst = lsc_cover()
    idx = prepare(inst, PARAMS)
    dates = set(pd.to_datetime(idx.mw["date"]).dt.date)
    assert EASTER_MONDAY not in dates and dt.date(2026, 5, 4) not in dates  # early May bank holiday
    assert APRIL_13 in dates  # Mondays without a holiday keep their MDTs
    # Easter Monday, May Day, Spring and Late Summer bank holidays: four Mondays without Monday MDTs
    assert [d.weekday() for d in inst.holiday_dates()] == [0, 0, 0, 0]
    assert len(idx.mw) == len(inst.mdts) * inst.weeks - (inst.mdts["weekday"] == "Mon").sum() * 4
