"""models.roster keeps the model contract: the names, the plan's tables and figures, the check."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import pytest

import models.roster
from models.common.contract import CheckReport, ModelInputError, Plan
from models.roster.input import rules_table
from solvers import SolveOptions

OPTIONS = SolveOptions(time_limit=10, threads=1, seed=0)
MONDAY = dt.date(2025, 3, 3)


def tiny(minimum: int = 1) -> models.roster.Input:
    return models.roster.Input(
        staff=pd.DataFrame([{"staff_id": "A"}, {"staff_id": "B"}]),
        shifts=pd.DataFrame([{"shift_id": "D", "start": "09:00", "length_minutes": 480}]),
        first_date=MONDAY,
        days=3,
        cover=pd.DataFrame(
            [
                {"date": MONDAY + dt.timedelta(days=d), "shift_id": "D", "minimum": minimum, "preferred": 1}
                for d in range(3)
            ]
        ),
        rules=rules_table("*", {"max_consecutive_days": (1, True, 1)}),
    )


def test_the_package_exports_the_contract() -> None:
    assert models.roster.BACKENDS == ("cpsat",)
    assert models.roster.Input is models.roster.input.RosterInput
    assert "min_rest_hours" in models.roster.__doc__ and "make_variables" in models.roster.__doc__
    with pytest.raises(ValueError, match="not 'highs'"):
        models.roster.solve(tiny(), backend="highs")


def test_a_plan_has_its_tables_figures_and_parameters() -> None:
    params = models.roster.Parameters(change_weight=3)
    plan = models.roster.solve(tiny(), params, options=OPTIONS)
    assert isinstance(plan, Plan) and plan.found and plan.parameters is params
    assert list(plan.tables()) == ["rota", "assignments", "penalties", "cover", "staff_summary"]
    assert plan.tables()["rota"]["start"].tolist()[0] == "2025-03-03T09:00:00+00:00"
    figures = plan.figures()
    json.dumps(figures, allow_nan=False)
    assert figures["counts"]["shifts_assigned"] == 3 and figures["counts"]["hours_assigned"] == 24.0
    assert figures["objective_by_rule"] == {}
    report = models.roster.check(tiny(), plan)
    assert (
        isinstance(report, CheckReport)
        and report.passed
        and report.figures == {"score": 0, "hard_breaches": 0}
    )


def test_without_a_rota_only_the_violations_are_written() -> None:
    # Two people, three days, everyone at most one day in a row, one needed every day: A-B-A works;
    # with one person it cannot, and the elastic model names the breach.
    one = tiny().replace(staff=pd.DataFrame([{"staff_id": "A"}]))
    plan = models.roster.solve(one, options=OPTIONS)
    assert not plan.found and list(plan.tables()) == ["violations"] and len(plan.tables()["violations"]) == 1
    assert plan.figures()["violations"] == 1 and models.roster.check(one, plan).passed  # nothing to check


def test_the_check_reports_breaches_and_a_wrong_objective() -> None:
    plan = models.roster.solve(tiny(), options=OPTIONS)
    both = pd.DataFrame(
        [("A", MONDAY, "D"), ("A", MONDAY + dt.timedelta(days=1), "D")],
        columns=["staff_id", "date", "shift_id"],
    )
    wrong = dataclasses.replace(plan, assignments=both)
    report = models.roster.check(tiny(), wrong)
    assert sorted(report.violations) == [
        "cover_minimum on 2025-03-05 (D): 1",  # nobody on Wednesday
        "max_consecutive_days for A on 2025-03-04: 1",
    ]
    assert report.mismatches == ("penalty score 1 recomputed from the rota differs from the objective 0.0",)


def test_bad_parameters_are_input_problems() -> None:
    with pytest.raises(ModelInputError) as caught:
        models.roster.Parameters(time_limit=0)
    assert [(p.table, p.column) for p in caught.value.problems] == [("parameters", "time_limit")]
