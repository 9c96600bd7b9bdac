"""Generated rota instances: the illustrative LSC rotas, and properties on random small instances."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models.roster
from instances.generators.rostering import generate, lsc_registrar_oncall, lsc_sact_nurses
from models.roster.check import check_roster
from models.roster.report import diagnose
from solvers import SolveOptions, Status

WALL_CLOCK = models.roster.Parameters(reproducible=False)
"""Time limits in wall-clock seconds: these tests want any rota within a bounded wait."""


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.astype(str).equals(b.astype(str))


def test_lsc_instances_are_deterministic_and_well_formed() -> None:
    nurses, registrars = lsc_sact_nurses(), lsc_registrar_oncall()
    assert (len(nurses.staff), nurses.days) == (14, 56) and nurses.first_date.weekday() == 0
    assert (len(registrars.staff), registrars.days) == (12, 91) and registrars.first_date.weekday() == 0
    assert set(nurses.shifts["shift_id"]) == {"E", "L", "LD"}
    assert set(registrars.shifts["shift_id"]) == {"D", "N", "OC"}
    assert registrars.shifts.set_index("shift_id").loc["N", "night"]
    assert registrars.shifts.set_index("shift_id").loc["OC", "on_call"]
    rules = registrars.rules_for("registrars")
    assert (
        rules[("max_consecutive_nights", "")].limit == 4
        and rules[("rest_after_nights_hours", "")].limit == 46
    )
    assert rules[("max_average_weekly_hours", "")].hard and rules[("max_shift_hours", "")].limit == 13
    assert registrars.history_days() == 2
    for first, make in ((nurses, lsc_sact_nurses), (registrars, lsc_registrar_oncall)):
        again = make()
        for table in ("staff", "shifts", "cover", "rules", "leave", "requests", "history"):
            assert _same(getattr(first, table), getattr(again, table)), table
        assert diagnose(first) == []
    assert _same(generate(8, 14, 3).requests, generate(8, 14, 3).requests)
    assert not _same(generate(8, 14, 3).requests, generate(8, 14, 4).requests)


def test_lsc_sact_nurses_solves_to_a_checked_rota() -> None:
    inp = lsc_sact_nurses()
    # The first rota found is enough to hold against the checker (a bounded wait, even on a busy machine).
    options = SolveOptions(time_limit=30, threads=2, seed=0, extra={"stop_after_first_solution": True})
    plan = models.roster.solve(inp, WALL_CLOCK, options=options)
    assert plan.found, plan.explanation
    check = check_roster(inp, plan.assignments)
    assert check.feasible, check.hard.head()
    assert check.score == plan.result.objective
    on_leave = plan.assignments.merge(inp.leave, on=["staff_id", "date"])
    assert on_leave.empty
    assert plan.rota["start"].iloc[0].tzinfo is not None


def test_generate_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="at least 2 staff"):
        generate(1, 7, 0)


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    staff=st.integers(3, 5), days=st.integers(5, 10), seed=st.integers(0, 10_000), history=st.integers(0, 3)
)
@pytest.mark.slow
def test_any_rota_found_is_legal_and_scored_exactly(staff: int, days: int, seed: int, history: int) -> None:
    # Starts on a Saturday, with a random previous rota: rules across the horizon's edges are exercised.
    inp = generate(staff, days, seed, first_date=dt.date(2025, 1, 4), history_days=history)
    # Deterministic time (the default parameters): the same examples give the same rotas on any machine.
    plan = models.roster.solve(inp, options=SolveOptions(time_limit=2, threads=2, seed=0))
    assert plan.found, plan.explanation  # the four derandomized examples all have legal rotas
    check = check_roster(inp, plan.assignments)
    assert check.feasible, check.hard
    assert check.score == plan.result.objective
    assert plan.result.bound is not None and plan.result.bound <= plan.result.objective + 1e-9
    if plan.result.status is Status.OPTIMAL:
        assert plan.result.gap == 0.0
    # Cover minima and maxima hold; nobody works twice a day.
    assert (plan.cover["assigned"] >= plan.cover["minimum"]).all()
    capped = plan.cover[plan.cover["maximum"] >= 0]
    assert (capped["assigned"] <= capped["maximum"]).all()
    assert not plan.assignments.duplicated(["staff_id", "date"]).any()
