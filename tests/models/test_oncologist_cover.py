"""Cross-trust oncologist cover: hand-checked optima, absences, MDT quoracy, stages and modes.

Every plan is re-verified by the independent checker, whose recomputed costs must equal the
plan's reported costs.  Instances and parameters: :mod:`test_oncologist_cover_fixtures`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from test_oncologist_cover_fixtures import MONDAY, PARAMS, absence, maternity_case, oncologist, tiny

from models.common.contract import ModelInputError
from models.cover import CoverPlan, solve
from models.cover.check import check_cover_plan
from solvers import Status


def checked(inst, params=PARAMS, **kw) -> CoverPlan:  # type: ignore[no-untyped-def]
    plan = solve(inst, params, **kw)
    check = check_cover_plan(inst, params, plan)
    assert check.ok, check.violations
    assert check.costs["total_cost"] == pytest.approx(plan.metric("total_cost"), abs=1e-6)
    assert check.costs["locum_cost"] == pytest.approx(plan.metric("locum_cost"), abs=1e-6)
    assert check.costs["travel_cost"] == pytest.approx(plan.metric("travel_cost"), abs=1e-6)
    assert check.baseline_costs["total_cost"] == pytest.approx(
        plan.metric("total_cost", "baseline"), abs=1e-6
    )
    return plan


def test_travel_beats_locum_on_maternity_cover() -> None:
    """O2 (B1) is on maternity leave; O1 (A1: 6 PAs, 4 away) and one 600-pound locum PA at B.

    Stage 1: O1 can cover A's 2 PAs and B's 3: 3 PAs at B need ceil(3/2) = 2 trips = 0.5 PA of
    travel, and 2 + 3 + 0.5 = 5.5 <= 6, 3 away <= 4, so nothing is uncovered (f1 = 0).
    Stage 2: 3 PAs by O1 (2 trips, 40 pounds) beats 2 PAs + 1 locum (20 + 600) and 2.5 PAs +
    0.5 locum (40 + 300): f2 = 40.  Stage 3: O1's away burden 3 + 0.5 = 3.5, and O1 covers two
    (trust, tumour site) pairs: f3 = 3.5 + 2 = 5.5.  Baseline: everyone at home; B has one locum
    PA a week (600 pounds), so 2 of its 3 PAs stay uncovered.
    """
    plan = checked(maternity_case())
    assert plan.status is Status.OPTIMAL
    assert [s.values["f1"] for s in plan.stages] == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)
    assert plan.stages[1].values["f2"] == pytest.approx(40.0)
    assert plan.stages[2].values["f3"] == pytest.approx(5.5)
    rota = plan.rota.set_index(["oncologist_id", "site_id"])["pas"]
    assert rota.to_dict() == {("O1", "A1"): 2.0, ("O1", "B1"): 3.0}
    assert plan.visits["trips"].tolist() == [2]
    assert plan.metric("locum_pas") == 0.0
    assert plan.metric("total_cost", "baseline") == pytest.approx(600.0)
    assert plan.metric("uncovered_pas", "baseline") == pytest.approx(2.0)
    assert plan.metric("total_cost", "change") == pytest.approx(-560.0)
    assert plan.travel.set_index("oncologist_id").at["O1", "miles"] == pytest.approx(80.0)
    assert plan.travel.set_index("oncologist_id").at["O1", "hours"] == pytest.approx(2.0)
    assert len(plan.stages) == 3 and all(s.result.has_plan for s in plan.stages)


def test_absent_oncologist_never_allocated_and_leave_reduces_capacity() -> None:
    """O1 is on leave Monday to Wednesday: capacity 6 x (1 - 3/5) = 2.4 PAs; O2 on maternity leave.

    O1 cannot both work at home and visit B (2 + 0.5 + 0.25 > 2.4).  Covering A (2 PAs) leaves B
    with 1 locum and 2 uncovered; covering 2 PAs at B leaves A's 2 uncovered (no locum at A):
    f1 = 2 either way.  Stage 2 prefers home (locum 600) to the visit (locum 600 + trip 20).
    """
    inst = tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1")],
        [("TA", 1, 2.0), ("TB", 1, 3.0)],
        absences=[
            absence("O2", MONDAY, MONDAY + dt.timedelta(days=4), "maternity"),
            absence("O1", MONDAY, MONDAY + dt.timedelta(days=2)),
        ],
        locums=[("TB", 1.0, 600.0)],
    )
    plan = checked(inst)
    assert "O2" not in set(plan.rota["oncologist_id"])
    assert "O2" not in set(plan.mdt_attendance["oncologist_id"])
    work = plan.workload.set_index("oncologist_id")
    assert work.at["O1", "capacity_pas"] == pytest.approx(2.4)
    assert work.at["O2", "capacity_pas"] == 0.0
    assert work.at["O2", "absence"] == "maternity"
    assert plan.stages[0].values["f1"] == pytest.approx(2.0)
    assert plan.stages[1].values["f2"] == pytest.approx(600.0)
    cover = plan.cover.set_index("trust_id")
    assert cover.at["TA", "covered_by"] == "O1 (2)"
    assert (cover.at["TB", "locum_pas"], cover.at["TB", "gap_pas"]) == (1.0, 2.0)
    assert any("Trust B, Lung, week 1: 2 of 3 PAs uncovered" in s for s in plan.shortfalls)


def test_mdt_that_cannot_be_quorate_is_named_with_week_and_specialism() -> None:
    """Trust B's lung MDT (Tuesday) needs 2 lung oncologists; O2 is away, so O1 alone can attend.

    O1 attends remotely (0.5 PA, another trust's MDT) and the meeting stays one short.  In week 2
    O1 is on study leave that Tuesday, so nobody can attend: two short.
    """
    mdt = {"mdt_id": "LUNG-B", "trust_id": "TB", "tumour_site_id": "lung", "weekday": "Tue", "quorum": 2,
           "remote_counts": True}  # fmt: skip
    inst = tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1")],
        [("TA", 1, 2.0), ("TA", 2, 2.0)],
        absences=[
            absence("O2", MONDAY, MONDAY + dt.timedelta(days=11), "sickness"),
            absence("O1", MONDAY + dt.timedelta(days=8), MONDAY + dt.timedelta(days=8), "study"),
        ],
        mdts=[mdt],
        weeks=2,
    )
    plan = checked(inst)
    assert any("week 1" in s and "missing specialism: Lung" in s and "LUNG-B" in s for s in plan.cannot_meet)
    assert any("week 2" in s and "at most 0 can attend" in s for s in plan.cannot_meet)
    mdts = plan.mdts.set_index("week")
    assert mdts.at[1, "attendees"] == "O1" and mdts.at[1, "shortfall"] == 1
    assert mdts.at[2, "attendees"] == "" and mdts.at[2, "shortfall"] == 2
    assert not mdts["quorate"].any() and set(mdts["missing_specialism"]) == {"Lung"}
    assert plan.stages[0].values["f1"] == pytest.approx(PARAMS.mdt_shortfall_penalty * 3)
    assert plan.mdt_attendance["mode"].tolist() == ["remote"]
    assert plan.workload.set_index(["oncologist_id", "week"]).at[("O1", 1), "mdt_pas"] == 0.5
    assert sum("not quorate" in s for s in plan.shortfalls) == 2
    said = {w: next(s for s in plan.shortfalls if f"in week {w} " in s) for w in (1, 2)}
    assert said[1].endswith("its specialists that day: O2 absent (sickness)")
    assert said[2].endswith("its specialists that day: O1 absent (study), O2 absent (sickness)")


def test_a_short_mdt_names_its_specialist_at_another_mdt_that_day() -> None:
    """O1, the only lung oncologist not off sick, can attend one of Tuesday's two lung MDTs (one MDT
    a day): the other is one short, and its message says where O1 was rather than only that a lung
    oncologist is missing."""
    mdts = [
        {"mdt_id": f"LUNG-{t}", "trust_id": f"T{t}", "tumour_site_id": "lung", "weekday": "Tue", "quorum": 1,
         "remote_counts": True}
        for t in "AB"
    ]  # fmt: skip
    inst = tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1")],
        [("TA", 1, 2.0)],
        absences=[absence("O2", MONDAY, MONDAY + dt.timedelta(days=4), "sickness")],
        mdts=mdts,
    )
    plan = checked(inst)
    mdts_table = plan.mdts.set_index("mdt_id")
    attended = "LUNG-A" if mdts_table.at["LUNG-A", "quorate"] else "LUNG-B"
    short = "LUNG-B" if attended == "LUNG-A" else "LUNG-A"
    assert not mdts_table.at[short, "quorate"]
    (message,) = [s for s in plan.shortfalls if "not quorate" in s]
    assert f"MDT {short} " in message
    assert message.endswith(
        f"its specialists that day: O1 at {attended} (one MDT a day), O2 absent (sickness)"
    )


def test_a_short_mdt_whose_specialism_nobody_holds_says_so() -> None:
    mdt = {"mdt_id": "BREAST-A", "trust_id": "TA", "tumour_site_id": "breast", "weekday": "Wed", "quorum": 1,
           "remote_counts": True}  # fmt: skip
    inst = tiny([oncologist("O1", "A1")], [("TA", 1, 2.0)], mdts=[mdt])
    plan = checked(inst)
    (message,) = [s for s in plan.shortfalls if "not quorate" in s]
    assert message.endswith("missing specialism: Breast; no oncologist holds this specialism")


def test_in_person_mdt_needs_a_visit() -> None:
    """Trust B's lung MDT needs one oncologist in the room; only O1 (A1) is a lung specialist.

    O1 must visit B: one trip (20 pounds, 0.25 PA) plus the MDT (0.5 PA) fits beside A's 2 PAs.
    With B's 0.5 PA of demand on that trip: f1 = 0, f2 = 20.  Without any demand at B the visit
    is made for the MDT alone: the same 20 pounds and no rota row at B.
    """
    mdt = {"mdt_id": "LUNG-B", "trust_id": "TB", "tumour_site_id": "lung", "weekday": "Wed", "quorum": 1,
           "remote_counts": False}  # fmt: skip
    inst = tiny([oncologist("O1", "A1")], [("TA", 1, 2.0), ("TB", 1, 0.5)], mdts=[mdt])
    plan = checked(inst)
    assert plan.stages[1].values["f1"] == pytest.approx(0.0, abs=1e-6)
    assert plan.stages[1].values["f2"] == pytest.approx(20.0)
    assert plan.mdt_attendance["mode"].tolist() == ["visiting"]
    assert plan.mdts["quorate"].all()
    alone = checked(tiny([oncologist("O1", "A1")], [("TA", 1, 2.0)], mdts=[mdt]))
    assert alone.stages[1].values == pytest.approx(
        {"f1": 0.0, "f2": 20.0, "f3": alone.stages[1].values["f3"]}
    )
    assert set(alone.rota["site_id"]) == {"A1"} and alone.visits["site_id"].tolist() == ["B1"]


def test_the_checker_counts_a_visit_for_an_mdt_alone_against_the_limits() -> None:
    """O1's visit to B1 for the in-person MDT alone (no rota row there) is a second site that
    week, 30 minutes from home: checked against one site a week, or a 20-minute journey limit,
    the plan breaks the model's site limit and journey limit (constraint 7 and the visits' reach),
    which the checker passed, counting sites and journeys from the rota rows only."""
    mdt = {"mdt_id": "LUNG-B", "trust_id": "TB", "tumour_site_id": "lung", "weekday": "Wed", "quorum": 1,
           "remote_counts": False}  # fmt: skip
    plan = checked(tiny([oncologist("O1", "A1")], [("TA", 1, 2.0)], mdts=[mdt]))
    one_site = tiny([oncologist("O1", "A1", max_sites=1)], [("TA", 1, 2.0)], mdts=[mdt])
    assert "O1 week 1: 2 sites, over 1" in check_cover_plan(one_site, PARAMS, plan).violations
    near = dataclasses.replace(PARAMS, max_trip_minutes=20.0)
    inst = tiny([oncologist("O1", "A1")], [("TA", 1, 2.0)], mdts=[mdt])
    assert "O1 week 1: a visit to B1, 30 minutes from home, over the limit" in (
        check_cover_plan(inst, near, plan).violations
    )


@pytest.mark.parametrize(
    ("fairness", "continuity", "f3", "split"),
    [(1.0, 0.0, 2.25, True), (0.0, 1.0, 1.0, False), (1.0, 1.0, 4.25, True)],
)
def test_stage3_trades_fairness_against_continuity(
    fairness: float, continuity: float, f3: float, split: bool
) -> None:
    """O1 and O2 (both A1) can each cover B's 2 PAs in weeks 1 and 2 (one trip, 20 pounds a week).

    Stages 1-2 tie at f1 = 0, f2 = 40 whoever goes.  Fairness alone splits the weeks (largest
    burden 2 + 0.25 = 2.25); continuity alone sends one oncologist twice (1 pair); both at weight
    1: split 2.25 + 2 = 4.25 beats one person 4.5 + 1 = 5.5.
    """
    params = dataclasses.replace(PARAMS, fairness_weight=fairness, continuity_weight=continuity)
    inst = tiny([oncologist("O1", "A1"), oncologist("O2", "A1")], [("TB", 1, 2.0), ("TB", 2, 2.0)], weeks=2)
    plan = checked(inst, params)
    assert plan.stages[1].values["f2"] == pytest.approx(40.0)
    assert plan.stages[2].values["f3"] == pytest.approx(f3)
    assert plan.stages[2].result.status is Status.OPTIMAL
    assert (plan.rota["oncologist_id"].nunique() == 2) is split


def test_weighted_mode_reaches_the_same_plan() -> None:
    """Weighted: 10,000 x f1 + f2 + 10 x f3; the lexicographic optimum (0, 40, 5.5) is also optimal here."""
    params = dataclasses.replace(PARAMS, mode="weighted")
    plan = checked(maternity_case(), params)
    assert plan.mode == "weighted"
    assert plan.stages[-1].values == pytest.approx({"f1": 0.0, "f2": 40.0, "f3": 5.5})
    assert plan.stages[-1].result.objective == pytest.approx(40.0 + 10 * 5.5)


def test_locums_within_availability_and_gap_reported() -> None:
    """No oncologist for B (O2 absent, O1 needed at home: 6 PAs at A); B has 3 PAs, 1 locum PA.

    Locums are used up to availability (1 PA), the other 2 PAs are uncovered; the baseline (all
    at home) is held to the same availability: also 1 locum PA and 2 uncovered.
    """
    inst = dataclasses.replace(maternity_case(), demand=maternity_case().demand.assign(pas=[6.0, 3.0]))
    plan = checked(inst)
    cover = plan.cover.set_index("trust_id")
    assert (cover.at["TB", "locum_pas"], cover.at["TB", "gap_pas"]) == (1.0, 2.0)
    base = plan.baseline_cover.set_index("trust_id")
    assert (base.at["TB", "locum_pas"], base.at["TB", "gap_pas"]) == (1.0, 2.0)
    assert plan.metric("uncovered_pas") == plan.metric("uncovered_pas", "baseline") == 2.0


def test_baseline_uses_only_the_locums_that_exist() -> None:
    """Issue 11 item 9, by hand: A needs 2 PAs, B 3; O1 (A1) is the only oncologist at work.

    locums.csv offers B one PA at 600 and A none.  Baseline (everyone home): O1 covers A's 2 PAs
    at home, B gets its one locum PA (600 pounds) and 2 PAs stay uncovered -- not 3 locum PAs at
    1,800 pounds as when locums were unlimited.  Without B's locum row the baseline leaves all
    3 PAs uncovered at no cost.  The plan (O1 visits B twice, 40 pounds) leaves nothing uncovered.
    """
    plan = checked(maternity_case())
    base = plan.baseline_cover.set_index("trust_id")
    assert base[["covered_pas", "locum_pas", "gap_pas"]].to_dict("index") == {
        "TA": {"covered_pas": 2.0, "locum_pas": 0.0, "gap_pas": 0.0},
        "TB": {"covered_pas": 0.0, "locum_pas": 1.0, "gap_pas": 2.0},
    }
    costs = plan.costs.set_index("metric")
    assert costs.loc["uncovered_pas", ["plan", "baseline"]].tolist() == [0.0, 2.0]
    assert costs.loc["locum_cost", ["plan", "baseline"]].tolist() == [0.0, 600.0]
    none = checked(dataclasses.replace(maternity_case(), locums=maternity_case().locums.iloc[0:0]))
    assert none.metric("uncovered_pas", "baseline") == 3.0 and none.metric("locum_cost", "baseline") == 0.0
    assert none.metric("uncovered_pas") == 0.0


def test_no_plan_is_reported_not_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """A solver that stops without a plan gives empty tables, a no-plan status and the reason."""
    import models.cover.stages as cover_solve
    from solvers import SolveResult

    def no_plan(*_args: object, **_kw: object) -> tuple[SolveResult, None]:
        return SolveResult(
            Status.NO_SOLUTION, None, None, None, 0.0, 0.0, "highs", "time limit reached"
        ), None

    monkeypatch.setattr(cover_solve, "solve_matrix", no_plan)
    plan = solve(maternity_case(), PARAMS)
    assert not plan.found and plan.status is Status.NO_SOLUTION
    assert plan.rota.empty and "pas" in plan.rota.columns and len(plan.stages) == 1
    assert "no plan was found: stage 1" in plan.shortfalls[0]


@pytest.mark.parametrize(("pa_step", "covered"), [(0.5, 2.0), (0.25, 2.25), (0.2, 2.4)])
def test_allocations_come_in_steps_of_pa_step(pa_step: float, covered: float) -> None:
    """O1 (A1, 6 PAs) is on leave Monday to Wednesday: 6 x 2/5 = 2.4 PAs left for A's 3 PAs, with
    O2 on maternity leave and no locum.  In half-PA steps O1 covers 2 (1 uncovered); in quarter
    steps 2.25 (0.75); in fifths all 2.4 (0.6).  The checker holds each plan to its own step and
    finds 2.25 PAs no multiple of 0.5."""
    inst = tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1")],
        [("TA", 1, 3.0)],
        absences=[
            absence("O2", MONDAY, MONDAY + dt.timedelta(days=4), "maternity"),
            absence("O1", MONDAY, MONDAY + dt.timedelta(days=2)),
        ],
    )
    params = dataclasses.replace(PARAMS, pa_step=pa_step)
    plan = checked(inst, params)
    assert plan.rota.set_index("oncologist_id").at["O1", "pas"] == pytest.approx(covered)
    assert plan.stages[0].values["f1"] == pytest.approx(3.0 - covered)
    assert plan.metric("uncovered_pas") == pytest.approx(3.0 - covered)
    if pa_step == 0.25:
        halves = check_cover_plan(inst, PARAMS, plan)
        assert any("2.25 PAs is not a positive multiple of 0.5" in v for v in halves.violations)


def test_pa_step_must_be_positive() -> None:
    with pytest.raises(ModelInputError, match="pa_step"):
        dataclasses.replace(PARAMS, pa_step=0.0)


def test_the_costs_table_gives_pounds_and_pence() -> None:
    """lsc-cover's costs.csv read 'travel_cost,GBP,7195.776': its GBP rows went to 4 decimals,
    as its PAs and miles rows do; every other money figure the engine writes is in pence."""
    from models.cover.plan import plan_tables

    plan = solve(maternity_case(), PARAMS)
    costs = plan.costs.copy()
    costs.loc[costs["metric"] == "travel_cost", "plan"] = 7195.776
    costs.loc[costs["metric"] == "travel_miles", "plan"] = 12849.6123
    table = plan_tables(dataclasses.replace(plan, costs=costs))["costs"].set_index("metric")
    assert table.at["travel_cost", "plan"] == 7195.78
    assert table.at["travel_miles", "plan"] == 12849.6123
