"""Shifts only where there is demand; rest, shift length and hours in elapsed time across clock changes.

Europe/London: the clocks go forward at 01:00 GMT on Sunday 30 March 2025 and back at 02:00 BST
on Sunday 26 October 2025.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import models.roster
from models.roster.check import check_roster
from models.roster.input import RosterInput, rules_table
from solvers import SolveOptions, Status

OPTIONS = SolveOptions(time_limit=10, threads=1, seed=0)
SPRING, AUTUMN = dt.date(2025, 3, 29), dt.date(2025, 10, 25)  # the Saturdays before the changes
LATE = {"shift_id": "L", "start": "12:30", "length_minutes": 480}  # ends 20:30 on the clock
EARLY = {"shift_id": "E", "start": "07:30", "length_minutes": 480}
NIGHT = {"shift_id": "N", "start": "20:00", "length_minutes": 750, "paid_minutes": 720, "night": True}


def rota(*rows: tuple[str, dt.date, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["staff_id", "date", "shift_id"])


def late_then_early(saturday: dt.date, rest_hours: float) -> RosterInput:
    """One person must work the late on Saturday and the early on Sunday (cover minimum 1 each)."""
    sunday = saturday + dt.timedelta(days=1)
    cover = pd.DataFrame(
        [
            {"date": saturday, "shift_id": "L", "minimum": 1, "preferred": 1},
            {"date": sunday, "shift_id": "E", "minimum": 1, "preferred": 1},
        ]
    )
    return RosterInput(
        staff=pd.DataFrame([{"staff_id": "N13"}]),
        shifts=pd.DataFrame([LATE, EARLY]),
        first_date=saturday,
        days=2,
        cover=cover,
        rules=rules_table("*", {"min_rest_hours": (rest_hours, True, 1)}),
    )


# --------------------------------------------------------------------------- demand


def test_a_shift_without_a_cover_row_is_never_worked_and_over_cover_is_reported() -> None:
    monday = dt.date(2025, 3, 3)
    # Two people, early shifts wanted Monday to Friday only (one preferred, at most two);
    # Saturday and Sunday have no cover row, so nobody works them although nothing else forbids it.
    cover = pd.DataFrame(
        [
            {
                "date": monday + dt.timedelta(days=d),
                "shift_id": "E",
                "preferred": 1,
                "maximum": 2,
                "under_weight": 5,
            }
            for d in range(5)
        ]
        + [{"date": monday, "shift_id": "L", "minimum": 0, "preferred": 0}]  # allowed, blank maximum
    )
    requests = pd.DataFrame(
        [
            {
                "staff_id": "A",
                "date": monday + dt.timedelta(days=5),
                "shift_id": "E",
                "kind": "on",
                "weight": 50,
            },
            {"staff_id": "B", "date": monday, "shift_id": "E", "kind": "on", "weight": 3},
            {"staff_id": "A", "date": monday, "shift_id": "E", "kind": "on", "weight": 3},
        ]
    )
    inp = RosterInput(
        staff=pd.DataFrame([{"staff_id": "A"}, {"staff_id": "B"}]),
        shifts=pd.DataFrame([EARLY, LATE]),
        first_date=monday,
        days=7,
        cover=cover,
        rules=rules_table("*", {}),
        requests=requests,
    )
    plan = models.roster.solve(inp, options=OPTIONS)
    assert plan.result.status is Status.OPTIMAL
    days = {(d - monday).days for d in plan.assignments["date"]}
    assert days <= set(range(5))  # the Saturday request (weight 50) is denied: no demand that day
    assert set(plan.assignments["shift_id"]) == {"E"}
    # Both asked for Monday's early (3 points each) and over-cover costs nothing: both work it.
    monday_early = plan.cover[(plan.cover["date"] == monday) & (plan.cover["shift_id"] == "E")]
    assert monday_early[["assigned", "over"]].values.tolist() == [[2, 1]]
    figures = plan.figures()["counts"]
    assert (figures["cover_rows_over_preferred"], figures["people_over_preferred"]) == (1, 1)
    assert models.roster.check(inp, plan).passed
    # The checker flags a shift worked on a date without a cover row.
    found = check_roster(inp, rota(("A", monday + dt.timedelta(days=5), "E"), ("B", monday, "L")))
    assert found.hard[["rule", "staff", "amount"]].values.tolist() == [["no_cover_row", "A", 1]]


# --------------------------------------------------------------------------- clock changes


def test_rest_across_the_spring_clock_change_counts_the_lost_hour() -> None:
    # Late ends 20:30 GMT on Saturday 29 March; early starts 07:30 BST on Sunday: 11 h on the clock,
    # 10 h elapsed. An 11 h rest rule forbids the pair; the checker agrees.
    inp = late_then_early(SPRING, 11)
    plan = models.roster.solve(inp, options=OPTIONS)
    assert not plan.found and "cannot all hold" in plan.explanation[0]
    assert len(plan.violations) == 1 and plan.violations["rule"].iloc[0] in {
        "cover_minimum",
        "min_rest_hours",
    }
    both = rota(("N13", SPRING, "L"), ("N13", SPRING + dt.timedelta(days=1), "E"))
    assert check_roster(inp, both).hard["rule"].tolist() == ["min_rest_hours"]
    # 10 h of elapsed rest is enough for a 10 h rule.
    assert models.roster.solve(late_then_early(SPRING, 10), options=OPTIONS).found


def test_rest_across_the_autumn_clock_change_counts_the_extra_hour() -> None:
    # The same pair on 25-26 October: 11 h on the clock, 12 h elapsed; a 11.5 h rule holds.
    inp = late_then_early(AUTUMN, 11.5)
    plan = models.roster.solve(inp, options=OPTIONS)
    assert plan.found and len(plan.assignments) == 2
    assert models.roster.check(inp, plan).passed
    assert models.roster.solve(late_then_early(AUTUMN, 12.5), options=OPTIONS).found is False


def night_on(saturday: dt.date, max_hours: float) -> RosterInput:
    return RosterInput(
        staff=pd.DataFrame([{"staff_id": "R11"}, {"staff_id": "R12"}]),
        shifts=pd.DataFrame([NIGHT]),
        first_date=saturday,
        days=1,
        cover=pd.DataFrame([{"date": saturday, "shift_id": "N", "minimum": 1, "preferred": 1, "maximum": 1}]),
        rules=rules_table(
            "*", {"max_shift_hours": (max_hours, True, 1), "max_hours_7_days": (12.5, True, 1)}
        ),
    )


def test_the_night_the_clocks_go_back_lasts_an_hour_longer() -> None:
    # 20:00 BST to 08:30 GMT: 13.5 h elapsed (12.5 h on the clock), paid 13 h (12 h + the extra hour).
    inp = night_on(AUTUMN, 13)
    plan = models.roster.solve(inp, options=OPTIONS)
    assert not plan.found and plan.result.message == "diagnosed before solving"
    assert "the shift lasts 13.5 h that day, longer than 2 may work" in plan.explanation[0]
    found = check_roster(inp, rota(("R11", AUTUMN, "N")))
    assert sorted(found.hard["rule"]) == ["max_hours_7_days", "max_shift_hours"]  # 13 h paid > 12.5 h
    # With a 14 h limit and 13 h in 7 days the night is worked, and paid 13 h.
    relaxed = inp.replace(rules=rules_table("*", {"max_shift_hours": (14, True, 1)}))
    plan = models.roster.solve(relaxed, options=OPTIONS)
    assert plan.found and plan.rota["hours"].tolist() == [13.0]
    start, end = plan.rota["start"].iloc[0], plan.rota["end"].iloc[0]
    assert (start.hour, end.hour, end.minute) == (20, 8, 30) and end - start == dt.timedelta(hours=13.5)
    # The same night in spring lasts 11.5 h: well within 13 h, paid 11 h.
    plan = models.roster.solve(night_on(SPRING, 13), options=OPTIONS)
    assert plan.found and plan.rota["hours"].tolist() == [11.0]


@pytest.mark.parametrize("zone, hours", [("Europe/London", 13.0), ("UTC", 12.0), ("America/New_York", 12.0)])
def test_elapsed_time_follows_the_instances_time_zone(zone: str, hours: float) -> None:
    # New York's clocks go back a week later (2 November 2025): 25 October is an ordinary night there.
    inp = night_on(AUTUMN, 14).replace(timezone=zone, rules=rules_table("*", {}))
    plan = models.roster.solve(inp, options=OPTIONS)
    assert plan.rota["hours"].tolist() == [hours]
