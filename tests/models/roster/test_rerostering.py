"""Re-rostering keeps everything before the first changeable date exactly as published."""

from __future__ import annotations

import datetime as dt

import pandas as pd

import models.roster
from models.roster.check import check_roster
from models.roster.input import RosterInput, rules_table
from solvers import SolveOptions

MONDAY = dt.date(2025, 3, 3)
OPTIONS = SolveOptions(time_limit=10, threads=1, seed=0)
SICK_FROM = dt.date(2025, 3, 10)


def base() -> RosterInput:
    """5 people, two weeks of early and late shifts (2 each, preferred and at most 3)."""
    cover = pd.DataFrame(
        [
            {"date": MONDAY + dt.timedelta(days=d), "shift_id": s, "minimum": 1, "preferred": 2, "maximum": 3}
            for d in range(14)
            for s in ("E", "L")
        ]
    )
    return RosterInput(
        staff=pd.DataFrame([{"staff_id": f"P{i}"} for i in range(1, 6)]),
        shifts=pd.DataFrame(
            [
                {"shift_id": "E", "start": "07:00", "length_minutes": 480},
                {"shift_id": "L", "start": "14:00", "length_minutes": 480},
            ]
        ),
        first_date=MONDAY,
        days=14,
        cover=cover,
        rules=rules_table("*", {"min_rest_hours": (11, True, 1), "max_consecutive_days": (5, True, 1)}),
    )


def four_on_one_off() -> pd.DataFrame:
    """A legal rota of :func:`base`: P1 and P2 work earlies, P3-P5 lates, four days on and one
    off, one person off each day (P5 works both Sundays)."""
    return pd.DataFrame(
        [
            (f"P{i + 1}", MONDAY + dt.timedelta(days=d), "E" if i < 2 else "L")
            for d in range(14)
            for i in range(5)
            if d % 5 != i
        ],
        columns=["staff_id", "date", "shift_id"],
    )


def test_a_sickness_from_10_march_leaves_9_march_and_earlier_untouched() -> None:
    first = models.roster.solve(base(), options=OPTIONS)
    assert first.found
    published = first.assignments
    sick = published.loc[published["date"] == SICK_FROM, "staff_id"].iloc[0]
    leave = pd.DataFrame(
        [{"staff_id": sick, "date": SICK_FROM + dt.timedelta(days=k), "reason": "sickness"} for k in range(5)]
    )
    # Someone working on 5 March now asks for it off, strongly: granting it would be a change before
    # the sickness, which the default first changeable date (10 March, the first lost shift) forbids.
    asker = published.loc[published["date"] == dt.date(2025, 3, 5), "staff_id"].iloc[0]
    requests = pd.DataFrame([{"staff_id": asker, "date": dt.date(2025, 3, 5), "kind": "off", "weight": 100}])
    again = base().replace(leave=leave, published=published, requests=requests)
    assert again.first_changeable() == SICK_FROM
    params = models.roster.Parameters(change_weight=1)
    plan = models.roster.solve(again, params, options=OPTIONS)
    assert plan.found and plan.change_from == SICK_FROM
    before = plan.assignments[plan.assignments["date"] < SICK_FROM].reset_index(drop=True)
    expected = published[published["date"] < SICK_FROM].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, expected)
    assert plan.changes["date"].min() >= SICK_FROM
    assert not ((plan.assignments["staff_id"] == sick) & plan.assignments["date"].isin(leave["date"])).any()
    assert plan.costs()["shift_off_request"] == 100  # the request before 10 March is denied
    assert models.roster.check(again, plan).passed
    assert plan.figures()["change_from"] == "2025-03-10"
    # The checker flags a change before the first changeable date.
    moved = plan.assignments[
        ~((plan.assignments["staff_id"] == asker) & (plan.assignments["date"] == dt.date(2025, 3, 5)))
    ]
    hard = check_roster(again, moved, params).hard
    assert "change_before_change_from" in set(hard["rule"])
    # An earlier change_from lets the request be granted.
    earlier = models.roster.solve(
        again, models.roster.Parameters(change_weight=1, change_from=MONDAY), options=OPTIONS
    )
    assert earlier.found and "shift_off_request" not in earlier.costs()


def test_a_change_from_after_a_lost_shift_is_named_before_solving() -> None:
    first = models.roster.solve(base(), options=OPTIONS)
    published = first.assignments
    sick = published.loc[published["date"] == SICK_FROM, "staff_id"].iloc[0]
    leave = pd.DataFrame([{"staff_id": sick, "date": SICK_FROM, "reason": "sickness"}])
    again = base().replace(leave=leave, published=published)
    params = models.roster.Parameters(change_from=SICK_FROM + dt.timedelta(days=1))
    plan = models.roster.solve(again, params, options=OPTIONS)
    assert not plan.found and plan.result.message == "diagnosed before solving"
    assert (
        f"{sick} is published on" in plan.explanation[0] and "is on sickness that day" in plan.explanation[0]
    )


def test_an_old_published_shift_without_demand_stays_before_change_from_and_goes_after() -> None:
    # A rota published before its Sunday lates lost their cover rows: the one before the first
    # changeable date is kept as published (and passes the check), the one after it is dropped.
    inp = base()
    sundays = [MONDAY + dt.timedelta(days=6), MONDAY + dt.timedelta(days=13)]
    cover = inp.cover[~(inp.cover["date"].isin(sundays) & (inp.cover["shift_id"] == "L"))]
    first = four_on_one_off()  # written by hand: a solved rota might give P5 six days in a row
    published = first[~first["date"].isin(sundays) | (first["shift_id"] != "L") | (first["staff_id"] == "P5")]
    params = models.roster.Parameters(change_from=SICK_FROM)
    again = inp.replace(cover=cover, published=published)
    plan = models.roster.solve(again, params, options=OPTIONS)
    assert plan.found and models.roster.check(again, plan).passed
    lates = plan.assignments[(plan.assignments["shift_id"] == "L") & plan.assignments["date"].isin(sundays)]
    assert lates[["staff_id", "date"]].values.tolist() == [["P5", sundays[0]]]
