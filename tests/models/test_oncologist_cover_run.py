"""A cover run (issue 11 item 10): one time budget, progress after each solve, a stop keeps the weeks done.

A stop request is what the first Ctrl-C makes in the shell (:mod:`solvers.interrupt`).

Two weeks, trusts A and B: O1 (A1) covers A's 2 PAs and B's 3 each week (as in the maternity case).
The solves are made in this order: the baseline over both weeks (stages 1 and 2), plan weeks 1-2
(stages 1 and 2), then stage 3 week by week.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from test_oncologist_cover_fixtures import MONDAY, PARAMS, absence, oncologist, tiny

import models.cover.stages as stages
from models.cover import check, solve
from solvers import SolveOptions, Status, solve_matrix
from solvers.interrupt import clear_stop, request_stop


def two_weeks():  # type: ignore[no-untyped-def]
    return tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1")],
        [("TA", 1, 2.0), ("TB", 1, 3.0), ("TA", 2, 2.0), ("TB", 2, 3.0)],
        absences=[absence("O2", MONDAY, MONDAY + dt.timedelta(days=11), "maternity")],
        locums=[("TB", 1.0, 600.0)],
        weeks=2,
    )


@pytest.fixture
def stop_at(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``stop_at(n)``: a stop is requested as the n-th solve ends (as Ctrl-C would during it)."""
    calls: list[int] = []

    def arm(n: int) -> None:
        def solving(*args: object, **kw: object):  # type: ignore[no-untyped-def]
            calls.append(1)
            out = solve_matrix(*args, **kw)
            if len(calls) == n:
                request_stop()
            return out

        monkeypatch.setattr(stages, "solve_matrix", solving)

    yield arm
    clear_stop()


def test_a_stop_keeps_the_weeks_done(stop_at) -> None:  # type: ignore[no-untyped-def]
    """Stop after the 4th solve (plan week 1, stage 2): week 1 is planned, week 2 keeps the baseline.

    In the baseline O1 stays at A: B has its one locum PA and 2 PAs uncovered.  Each stage's
    objective is then that of the whole plan (week 1 planned, week 2 the baseline's), unbounded:
    stage 2's is the plan's cost, 20 pounds of travel in week 1 and B's locum PA (600) in week 2.
    """
    stop_at(4)
    inst = two_weeks()
    plan = solve(inst, PARAMS)
    assert plan.found and plan.result.status is Status.FEASIBLE and plan.result.interrupted
    assert "interrupted during plan, week 2 of 2: 1 of 2 weeks planned" in plan.explanation[0]
    cover = plan.cover.set_index(["trust_id", "week"])
    assert cover.loc[("TB", 1), "covered_pas"] == 3.0
    assert cover.loc[("TB", 2), ["covered_pas", "locum_pas", "gap_pas"]].tolist() == [0.0, 1.0, 2.0]
    assert plan.rota.groupby("week")["site_id"].apply(set).to_dict() == {1: {"A1", "B1"}, 2: {"A1"}}
    assert "the weeks not planned keep the baseline" in plan.explanation[0]
    assert len(plan.stages) == 2 and all(st.result.status is Status.FEASIBLE for st in plan.stages)
    assert plan.metric("uncovered_pas", "baseline") == 4.0  # the baseline was finished first
    stage2 = plan.stages[1].result
    assert stage2.objective == pytest.approx(plan.metric("total_cost")) and stage2.bound is None
    assert "1 of 2 weeks solved, the objective is the whole plan's" in stage2.message
    assert check(inst, plan).passed


def test_a_stop_within_a_week_keeps_its_stage_1_plan(stop_at) -> None:  # type: ignore[no-untyped-def]
    """Stop after the 3rd solve (plan week 1, stage 1): week 1 keeps stage 1's plan (nothing uncovered)."""
    stop_at(3)
    plan = solve(two_weeks(), PARAMS)
    assert plan.found and plan.cover.set_index(["trust_id", "week"]).loc[("TB", 1), "gap_pas"] == 0.0
    assert len(plan.solves) == 3


def test_a_stop_before_any_plan_week_leaves_no_plan(stop_at) -> None:  # type: ignore[no-untyped-def]
    stop_at(1)
    plan = solve(two_weeks(), PARAMS)
    assert not plan.found and plan.tables() == {}
    assert plan.explanation[0].startswith("interrupted during the baseline: 0 of 2 weeks planned")


def test_the_deadline_ends_the_plans_weeks_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline passes as the 4th solve (plan week 1, stage 2) ends: week 2 keeps the baseline,
    is not built and solved only to hand back its start, and the explanation names the time limit
    (not an interruption).  Before, the run went on building every later week past the deadline:
    lsc-cover with ``--time-limit 15`` took 17.5 s at load 5."""
    calls: list[int] = []

    def solving(*args: object, **kw: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        out = solve_matrix(*args, **kw)
        if len(calls) == 4:
            deadline = args[1].deadline  # type: ignore[attr-defined]  # solve_matrix(model, options, ...)
            time.sleep(max(deadline - time.monotonic(), 0.0) + 0.01)
        return out

    monkeypatch.setattr(stages, "solve_matrix", solving)
    inst = two_weeks()
    plan = solve(inst, PARAMS, options=SolveOptions(time_limit=4.0))
    assert plan.found and plan.result.status is Status.FEASIBLE and not plan.result.interrupted
    assert plan.explanation[0].startswith(
        "the time limit ended the run at plan, week 2 of 2: 1 of 2 weeks planned; "
        "the weeks not planned keep the baseline (everyone at home)"
    )
    assert len(calls) == 4
    cover = plan.cover.set_index(["trust_id", "week"])
    assert cover.loc[("TB", 1), "covered_pas"] == 3.0
    assert cover.loc[("TB", 2), ["covered_pas", "locum_pas", "gap_pas"]].tolist() == [0.0, 1.0, 2.0]
    assert check(inst, plan).passed


def test_progress_names_the_week_and_stage() -> None:
    seen: list[tuple[float, float | None, float | None, str]] = []
    plain: list[tuple[float, float | None, float | None]] = []

    def with_stage(elapsed: float, best: float | None, bound: float | None, *, stage: str) -> None:
        seen.append((elapsed, best, bound, stage))

    solve(two_weeks(), PARAMS, progress=with_stage)
    labels = [s for *_, s in seen]
    assert labels[:2] == [
        "baseline, 2 weeks, stage 1: uncovered demand and MDT shortfall",
        "baseline, 2 weeks, stage 2: locum and travel cost",
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


@pytest.mark.parametrize("seed", [0, 1])
def test_the_whole_horizon_baseline_is_the_sum_of_its_weeks(seed: int) -> None:
    """The baseline (everyone at home) is solved over the whole horizon in one solve a stage; its
    stages' values equal those of the weeks solved one by one (f1 then f2 holding f1), as the
    weeks share no row when nobody travels (generated instance: 10 oncologists, 3 trusts,
    4 tumour sites, 4 weeks)."""
    from instances.generators.cover import generate
    from models.cover.index import prepare, week_slice
    from models.cover.values import hold, nothing_done, stage_value

    inst = generate(10, 3, 4, 4, seed=seed)
    params = dataclasses.replace(PARAMS, stage_rel_tolerance=0.0, stage_abs_tolerance=1e-6)
    run = stages.Run(params, "highs", SolveOptions(gap=0.0), stages.planned_weight(params, inst.weeks))
    whole = stages.solve_weeks(inst, params, run, baseline=True)
    assert len(run.rows) == 2 and whole.weeks_done == whole.weeks == 4
    idx = prepare(inst, params, home_only=True)
    f1 = f2 = 0.0
    for w in range(inst.weeks):
        part, _ = week_slice(idx, w)
        tie = {1: 1.0, 2: params.stage1_cost_weight}
        _, v1 = stages.solve_once(part, run, 1.0, tie, [], nothing_done(part))
        held = [(1, hold(params, stage_value(part, params, v1, 1)))]  # type: ignore[arg-type]
        _, v2 = stages.solve_once(part, run, 1.0, {2: 1.0}, held, v1)
        f1 += stage_value(part, params, v2, 1)  # type: ignore[arg-type]
        f2 += stage_value(part, params, v2, 2)  # type: ignore[arg-type]
    assert whole.values is not None and f1 > 0 and f2 > 0
    assert stage_value(whole.idx, params, whole.values, 1) == pytest.approx(f1, abs=1e-6)
    assert stage_value(whole.idx, params, whole.values, 2) == pytest.approx(f2, rel=1e-7)


def test_a_baseline_stopped_at_its_limit_is_said_to_be(monkeypatch: pytest.MonkeyPatch) -> None:
    """The baseline's two solves (the first two) end at a limit, with their plans: the plan is
    still compared with it, and the explanation says its figures are not the least possible."""
    calls: list[int] = []

    def solving(*args: object, **kw: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        result, x = solve_matrix(*args, **kw)
        if len(calls) <= 2:
            result = dataclasses.replace(result, status=Status.FEASIBLE)
        return result, x

    monkeypatch.setattr(stages, "solve_matrix", solving)
    plan = solve(two_weeks(), PARAMS)
    assert plan.metric("uncovered_pas", "baseline") == 4.0
    assert any(
        line.startswith("the baseline (everyone at home) stopped at its time limit")
        for line in plan.explanation
    )
    quiet = solve(two_weeks(), PARAMS)
    assert not any("the baseline (everyone at home) stopped" in line for line in quiet.explanation)


def test_the_run_message_counts_every_stopped_solve_by_stage() -> None:
    """It named stage 2's weekly solves alone ('7 optimal, 9 stopped'), where stage 1 had
    stopped at its limit in two weeks too."""
    from models.cover.solve import _solves_said

    rows = [
        {"stage": "stage 1: uncovered demand", "status": "feasible"},
        {"stage": "stage 1: uncovered demand", "status": "optimal"},
        {"stage": "stage 2: locum and travel cost", "status": "feasible"},
        {"stage": "stage 2: locum and travel cost", "status": "feasible"},
    ]
    assert _solves_said(rows) == "4 solves of the plan, 3 stopped at a limit (stage 1 1, stage 2 2)"
    assert _solves_said(rows[1:2]) == "1 solve of the plan, every one optimal"


def test_a_plan_stopped_without_a_bound_does_not_promise_a_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every plan solve ends at a limit with no bound (as 200 x 500 x 3 x 2 did at 60 s): the
    explanation said 'the plan is the best found, with the gap shown', and no gap was shown."""
    calls: list[int] = []

    def solving(*args: object, **kw: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        result, x = solve_matrix(*args, **kw)
        if len(calls) > 2:  # the plan's solves, after the baseline's two
            result = dataclasses.replace(result, status=Status.FEASIBLE, bound=None, gap=None)
        return result, x

    monkeypatch.setattr(stages, "solve_matrix", solving)
    plan = solve(two_weeks(), PARAMS)
    assert plan.result.gap is None
    said = [line for line in plan.explanation if "stopped at their time limit" in line]
    assert said and said[0].endswith("the plan is the best found, with no bound, so its gap is unknown")
