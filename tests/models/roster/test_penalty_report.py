"""The penalties table lists every broken soft rule and denied request, those of weight 0 at cost 0.

The model keeps no term for a weight-0 rule (it costs nothing); the table gets such breaches from
the independent checker (:func:`models.roster.report.unweighted_breaches`), which lists them too.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

import models.roster
from models.roster.build import build_roster_model
from models.roster.check import check_roster
from models.roster.input import RosterInput, rules_table
from models.roster.report import PENALTY_COLUMNS
from solvers import SolveOptions

OPTIONS = SolveOptions(time_limit=10, threads=1, seed=0)
SATURDAY = dt.date(2025, 3, 29)  # the clocks go forward that night: Saturday's late to Sunday's early is 8 h
SUNDAY = SATURDAY + dt.timedelta(days=1)


def late_then_early(
    weight: int, requests: pd.DataFrame | None = None, staff: tuple[str, ...] = ("A",)
) -> RosterInput:
    """Ann must work the late on Saturday and the early on Sunday; 11 h rest is soft with ``weight``."""
    cover = pd.DataFrame(
        [
            {"date": SATURDAY, "shift_id": "L", "minimum": 1, "preferred": 1},
            {"date": SUNDAY, "shift_id": "E", "minimum": 1, "preferred": 1},
        ]
    )  # over_weight 0 (the default): staff above the preferred cover are welcome
    return RosterInput(
        staff=pd.DataFrame({"staff_id": list(staff)}),
        shifts=pd.DataFrame(
            [
                {"shift_id": "E", "start": "07:00", "length_minutes": 480},
                {"shift_id": "L", "start": "14:00", "length_minutes": 480},
            ]
        ),
        first_date=SATURDAY,
        days=2,
        cover=cover,
        rules=rules_table("*", {"min_rest_hours": (11, False, weight)}),
        requests=requests,
    )


def test_a_broken_rule_of_weight_0_is_listed_at_cost_0_and_the_model_has_no_term_for_it() -> None:
    inp = late_then_early(0)
    terms = build_roster_model(inp, models.roster.Parameters()).terms
    assert [t.rule for t in terms] == ["under_cover", "under_cover"]  # none for the rest
    plan = models.roster.solve(inp, options=OPTIONS)
    assert plan.found and plan.result.objective == 0
    expected = pd.DataFrame([["min_rest_hours", "A", SATURDAY, "L then E", 1, 0, 0]], columns=PENALTY_COLUMNS)
    pd.testing.assert_frame_equal(plan.penalties, expected, check_dtype=False)
    assert plan.figures()["objective_by_rule"] == {"min_rest_hours": {"units": 1, "items": 1, "cost": 0}}
    checked = check_roster(inp, plan.assignments)
    assert checked.score == 0
    pd.testing.assert_frame_equal(checked.penalties, expected, check_dtype=False)
    assert models.roster.check(inp, plan).passed


def test_the_same_breach_with_weight_1_is_the_models_own_term() -> None:
    plan = models.roster.solve(late_then_early(1), options=OPTIONS)
    assert plan.result.objective == 1
    assert plan.penalties.values.tolist() == [["min_rest_hours", "A", SATURDAY, "L then E", 1, 1, 1]]


def test_a_denied_request_of_weight_0_is_listed_and_counted_as_denied() -> None:
    off = pd.DataFrame([{"staff_id": "A", "date": SUNDAY, "shift_id": "", "kind": "off", "weight": 0}])
    plan = models.roster.solve(late_then_early(2, off), options=OPTIONS)
    assert plan.result.objective == 2
    assert plan.penalties.values.tolist() == [
        ["min_rest_hours", "A", SATURDAY, "L then E", 1, 2, 2],
        ["shift_off_request", "A", SUNDAY, "day", 1, 0, 0],
    ]
    assert plan.staff_summary["requests_denied"].tolist() == [1]


def test_cover_above_its_preferred_at_over_weight_0_is_not_listed() -> None:
    """over_weight 0 says more staff are welcome; cover.csv shows the cover, penalties.csv does not."""
    inp = late_then_early(1, staff=("A", "B"))
    worked = pd.DataFrame(
        [("A", SATURDAY, "L"), ("B", SATURDAY, "L"), ("B", SUNDAY, "E")],
        columns=["staff_id", "date", "shift_id"],
    )  # Saturday's late one above its preferred 1
    checked = check_roster(inp, worked)
    assert checked.hard.empty and checked.score == 1
    assert checked.penalties.values.tolist() == [["min_rest_hours", "B", SATURDAY, "L then E", 1, 1, 1]]
    assert models.roster.report.cover_table(inp, worked)["over"].tolist() == [1, 0]
