"""A cover run (issue 11 item 10): one time budget, progress after each solve, Ctrl-C keeps the weeks done.

Two weeks, trusts A and B: O1 (A1) covers A's 2 PAs and B's 3 each week (as in the maternity case).
The solves are made in this order: baseline weeks 1-2 (stages 1 and 2), plan weeks 1-2 (stages 1
and 2), then stage 3 week by week.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from test_oncologist_cover_fixtures import MONDAY, PARAMS, absence, oncologist, tiny

import models.cover.stages as stages
from models.cover import check, solve
from solvers import SolveOptions, Status, solve_matrix


def two_weeks():  # type: ignore[no-untyped-def]
    return tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1")],
        [("TA", 1, 2.0), ("TB", 1, 3.0), ("TA", 2, 2.0), ("TB", 2, 3.0)],
        absences=[absence("O2", MONDAY, MONDAY + dt.timedelta(days=11), "maternity")],
        locums=[("TB", 1.0, 600.0)],
        weeks=2,
    )


def test_ctrl_c_keeps_the_weeks_done(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the 7th solve (plan week 2, stage 1): week 1 is planned, week 2 shows uncovered."""
    calls = []

    def interrupted(*args: object, **kw: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 7:
            raise KeyboardInterrupt
        return solve_matrix(*args, **kw)

    monkeypatch.setattr(stages, "solve_matrix", interrupted)
    inst = two_weeks()
    plan = solve(inst, PARAMS)
    assert plan.found and plan.result.status is Status.FEASIBLE
    assert "interrupted (Ctrl-C) during plan, week 2 of 2: 1 of 2 weeks planned" in plan.explanation[0]
    cover = plan.cover.set_index(["trust_id", "week"])
    assert cover.loc[("TB", 1), "covered_pas"] == 3.0 and cover.loc[("TB", 2), "gap_pas"] == 3.0
    assert set(plan.rota["week"]) == {1}
    assert len(plan.stages) == 2 and all(st.result.status is Status.FEASIBLE for st in plan.stages)
    assert plan.metric("uncovered_pas", "baseline") == 4.0  # the baseline was finished first
    assert check(inst, plan).passed


def test_ctrl_c_before_any_week_is_no_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kw: object):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(stages, "solve_matrix", interrupted)
    plan = solve(two_weeks(), PARAMS)
    assert not plan.found and plan.tables() == {}
    assert plan.explanation[0].startswith("interrupted (Ctrl-C) during baseline, week 1 of 2")


def test_progress_names_the_week_and_stage() -> None:
    seen: list[tuple[float, float | None, float | None, str]] = []
    plain: list[tuple[float, float | None, float | None]] = []

    def with_stage(elapsed: float, best: float | None, bound: float | None, *, stage: str) -> None:
        seen.append((elapsed, best, bound, stage))

    solve(two_weeks(), PARAMS, progress=with_stage)
    labels = [s for *_, s in seen]
    assert labels[:2] == [
        "baseline week 1 of 2, stage 1: uncovered demand and MDT shortfall",
        "baseline week 1 of 2, stage 2: locum and travel cost",
    ]
    assert "plan week 2 of 2, stage 2: locum and travel cost" in labels
    assert labels[-1] == "plan week 2 of 2, stage 3: fairness and continuity"
    after = next(s for s in seen if s[3] == "plan week 2 of 2, stage 2: locum and travel cost")
    assert after[1] == pytest.approx(80.0) and after[2] == pytest.approx(80.0)  # 2 weeks x 40 pounds
    elapsed = [s[0] for s in seen]
    assert elapsed == sorted(elapsed)
    solve(two_weeks(), PARAMS, progress=lambda e, best, bound: plain.append((e, best, bound)))
    assert len(plain) == len(seen)


def test_budget_is_shared_and_each_solve_capped() -> None:
    """A 2-second budget: no solve may be given more than its share; the run stays near the budget."""
    params = dataclasses.replace(PARAMS, time_limit_per_solve=0.75)
    plan = solve(two_weeks(), params, options=SolveOptions(time_limit=2.0))
    limits = [r["options"]["time_limit"] for _, r in plan.solves.iterrows()]
    assert all(stages.MIN_SOLVE_SECONDS <= t <= 0.75 for t in limits)
    assert plan.result.options["time_budget"] == pytest.approx(2.0)
    assert plan.timings["solve_plan"] + plan.timings["solve_baseline"] < 2.0 + 10 * stages.MIN_SOLVE_SECONDS
