"""Rota model on instances small enough to solve by hand; every plan re-checked by the independent checker."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest

import models.roster
from models.roster.build import BuildStopped
from models.roster.check import check_roster
from models.roster.input import RosterInput, RosterParameters, rules_table
from models.roster.plan import RosterPlan
from models.roster.report import PENALTY_COLUMNS, diagnose, staff_summary
from models.roster.solve import build_roster_model
from solvers import SolveOptions, Status

MONDAY = dt.date(2025, 3, 3)
OPTIONS = SolveOptions(time_limit=20, threads=2, seed=1)
DAY = {"shift_id": "D", "start": "09:00", "length_minutes": 480}
EARLY = {"shift_id": "E", "start": "07:00", "length_minutes": 480}
LATE = {"shift_id": "L", "start": "14:00", "length_minutes": 480}
NIGHT = {"shift_id": "N", "start": "22:00", "length_minutes": 540, "night": True}


def day(d: int) -> dt.date:
    return MONDAY + dt.timedelta(days=d)


def make(
    staff: int | list[dict],
    days: int,
    shifts: list[dict],
    cover: list[tuple],
    rules: dict | None = None,
    **tables: object,
) -> RosterInput:
    """``cover``: (day, shift, preferred, under_weight, over_weight[, minimum, maximum, skill])."""
    people = [{"staff_id": f"P{i + 1}"} for i in range(staff)] if isinstance(staff, int) else staff
    rows = []
    for c in cover:
        row = {
            "date": day(c[0]),
            "shift_id": c[1],
            "preferred": c[2],
            "under_weight": c[3],
            "over_weight": c[4],
        }
        for key, value in zip(("minimum", "maximum", "skill"), c[5:], strict=False):
            row[key] = value
        rows.append(row)
    return RosterInput(
        staff=pd.DataFrame(people),
        shifts=pd.DataFrame(shifts),
        first_date=MONDAY,
        days=days,
        cover=pd.DataFrame(rows),
        rules=rules_table("*", rules or {}),
        **tables,
    )  # type: ignore[arg-type]


def solve_roster(
    inp: RosterInput, options: SolveOptions = OPTIONS, params: RosterParameters | None = None
) -> RosterPlan:
    return models.roster.solve(inp, params, options=options)


def solved(
    inp: RosterInput, options: SolveOptions = OPTIONS, params: RosterParameters | None = None
) -> RosterPlan:
    """Solve, and hold the plan against the independent checker (through the contract's check too)."""
    plan = solve_roster(inp, options, params)
    assert plan.found, plan.explanation
    check = check_roster(inp, plan.assignments, plan.parameters)
    assert check.feasible, check.hard
    assert check.score == pytest.approx(plan.result.objective)
    report = models.roster.check(inp, plan)
    assert report.passed and report.figures["score"] == check.score
    assert plan.penalties["cost"].sum() == pytest.approx(plan.result.objective)
    assert plan.result.bound is not None and plan.result.bound <= plan.result.objective + 1e-9
    return plan


def shifts_of(plan: RosterPlan, staff: str) -> dict[int, str]:
    """Day index -> shift worked by ``staff``."""
    mine = plan.assignments[plan.assignments["staff_id"] == staff]
    return {(d - MONDAY).days: s for d, s in zip(mine["date"], mine["shift_id"], strict=True)}


# --------------------------------------------------------------------------- hand-solved optima


def test_cover_with_hard_max_consecutive_days() -> None:
    # 2 people, 7 days, want 2 a day at 10 a gap: 5 in a row at most leaves each 6 of 7 days -> 2 gaps.
    inp = make(2, 7, [DAY], [(d, "D", 2, 10, 1) for d in range(7)], {"max_consecutive_days": (5, True, 1)})
    plan = solved(inp)
    assert plan.result.status is Status.OPTIMAL
    assert plan.result.objective == 20
    assert plan.costs().to_dict() == {"under_cover": 20}
    assert plan.cover["under"].sum() == 2


def test_soft_max_consecutive_days_pays_per_day_beyond() -> None:
    # Working all 7 days costs 2 days beyond 5 at 3 each per person (12) < two gaps (20).
    inp = make(2, 7, [DAY], [(d, "D", 2, 10, 1) for d in range(7)], {"max_consecutive_days": (5, False, 3)})
    plan = solved(inp)
    assert plan.result.objective == 12
    assert set(plan.penalties["rule"]) == {"max_consecutive_days"}
    assert plan.penalties.groupby("staff")["amount"].sum().to_dict() == {"P1": 2, "P2": 2}


def test_requests_are_weighed_against_cover() -> None:
    # Off request (3) is cheaper to deny than the gap (5); an on-request for L (2) cheaper than losing E (5).
    requests = pd.DataFrame(
        [
            {"staff_id": "P1", "date": day(1), "kind": "off", "weight": 3},
            {"staff_id": "P1", "date": day(2), "shift_id": "L", "kind": "on", "weight": 2},
        ]
    )
    inp = make(1, 3, [EARLY, LATE], [(d, "E", 1, 5, 0) for d in range(3)], requests=requests)
    plan = solved(inp)
    assert plan.result.objective == 5
    assert shifts_of(plan, "P1") == {0: "E", 1: "E", 2: "E"}
    assert sorted(plan.penalties["rule"]) == ["shift_off_request", "shift_on_request"]


def test_min_rest_forbids_late_then_early_and_reads_history() -> None:
    # L ends 22:00, E starts 07:00: 9 h < 11 h. Day 0 wants L (10), day 1 wants E (7): keep L, lose E.
    # History: an L the day before the horizon blocks an E on day 0 as well.
    cover = [(0, "L", 1, 10, 0), (1, "E", 1, 7, 0), (0, "E", 1, 1, 0)]
    history = pd.DataFrame([{"staff_id": "P1", "date": day(-1), "shift_id": "L"}])
    inp = make(1, 2, [EARLY, LATE], cover, {"min_rest_hours": (11, True, 1)}, history=history)
    plan = solved(inp)
    assert plan.result.objective == 8
    assert shifts_of(plan, "P1") == {0: "L"}
    # Without the rule both E shifts are worked and only the day-0 conflict (one shift a day) remains.
    assert solved(make(1, 2, [EARLY, LATE], cover)).result.objective == 1


def test_rest_after_nights_and_max_consecutive_nights() -> None:
    # Nights 22:00-07:00 wanted every night for 6 nights by one person (weight 10 a gap); at most 2 nights in
    # a row, then 46 h off: N N off off N N is the best, 2 gaps.
    cover = [(d, "N", 1, 10, 0) for d in range(6)]
    rules = {"max_consecutive_nights": (2, True, 1), "rest_after_nights_hours": (46, True, 1)}
    plan = solved(make(1, 6, [NIGHT], cover, rules))
    assert plan.result.objective == 20
    assert len(plan.assignments) == 4 and set(shifts_of(plan, "P1")) in ({0, 1, 4, 5}, {0, 1, 4}, {0, 3, 4})


def test_hours_in_seven_days_and_contract_band_with_leave_credit() -> None:
    # 8 h days; at most 40 h in any 7 days -> 5 shifts of 7 wanted (2 gaps at 4).
    rules = {"max_hours_7_days": (40, True, 1)}
    plan = solved(make(1, 7, [DAY], [(d, "D", 1, 4, 0) for d in range(7)], rules))
    assert plan.result.objective == 8
    # Contract 24 h a week, band 0, 8 h leave credit on day 0: exactly 2 shifts; wanting 4 costs 2 gaps.
    staff = [{"staff_id": "P1", "contract_hours_week": 24.0}]
    leave = pd.DataFrame([{"staff_id": "P1", "date": day(0), "credit_hours": 8.0}])
    plan = solved(
        make(
            staff,
            7,
            [DAY],
            [(d, "D", 1, 3, 0) for d in range(1, 5)],
            {"contract_hours_tolerance": (0, True, 1)},
            leave=leave,
        )
    )
    assert plan.result.objective == 6
    assert len(plan.assignments) == 2
    assert plan.staff_summary.loc[0, "contract_hours"] == pytest.approx(16.0)


def test_leave_credits_at_most_the_weeks_contracted_hours() -> None:
    # Contract 16 h a week, hard to the hour: a week of leave credited 5 x 8 h left -8 h owed over
    # 14 days (no rota, the hard rule broken whatever was rostered); counted as 16 h, the days off
    # leave are worked to the second week's 16 h (2 shifts of 8 h), as the check and summary agree.
    staff = [{"staff_id": "P1", "contract_hours_week": 16.0}]
    leave = pd.DataFrame([{"staff_id": "P1", "date": day(d), "credit_hours": 8.0} for d in range(5)])
    inp = make(
        staff,
        14,
        [DAY],
        [(d, "D", 0, 0, 0) for d in range(14)],
        {"contract_hours_tolerance": (0, True, 1)},
        leave=leave,
    )
    assert inp.leave["credit_hours"].sum() == pytest.approx(16.0)
    plan = solved(inp)
    assert len(plan.assignments) == 2 and min(plan.assignments["date"]) >= day(5)
    assert plan.staff_summary.loc[0, "contract_hours"] == pytest.approx(16.0)


def test_staff_without_a_contract_have_0_contract_hours_whatever_their_leave() -> None:
    # Contract 0 is no contract band: a day of leave credited 7.5 h read -7.5 contract hours.
    staff = [{"staff_id": "P1", "contract_hours_week": 0.0}, {"staff_id": "P2", "contract_hours_week": 35.0}]
    leave = pd.DataFrame([{"staff_id": s, "date": day(0), "credit_hours": 7.5} for s in ("P1", "P2")])
    inp = make(staff, 14, [DAY], [(d, "D", 1, 3, 0) for d in range(14)], leave=leave)
    rota = pd.DataFrame([{"staff_id": "P1", "date": day(1), "shift_id": "D"}])
    table = staff_summary(inp, rota, pd.DataFrame(columns=PENALTY_COLUMNS)).set_index("staff_id")
    assert table["contract_hours"].to_dict() == {"P1": 0.0, "P2": pytest.approx(62.5)}


def test_a_minimum_of_0_shifts_of_a_type_nobody_may_work_is_met() -> None:
    # Diagnosed "P1 must work at least 0 N shifts but has 0 days available for them": no rota.
    rules = [("max_shifts_of_type", "N", 0, True, 1), ("min_shifts_of_type", "N", 0, True, 1)]
    inp = make(1, 7, [DAY, NIGHT], [(d, "D", 1, 3, 0) for d in range(7)], rules)
    assert diagnose(inp) == []
    assert diagnose(
        inp.replace(rules=rules_table("*", [*rules[:1], ("min_shifts_of_type", "N", 1, True, 1)]))
    )


def test_a_preassigned_day_too_soon_after_the_historys_night_is_named_before_solving() -> None:
    # The night before the rota ends at 07:00, the pre-assigned day starts at 09:00: no rota can
    # rest 11 h between them. The elastic re-solve named it beside unrelated cover breaches.
    history = pd.DataFrame([{"staff_id": "P1", "date": day(-1), "shift_id": "N"}])
    pre = pd.DataFrame([{"staff_id": "P1", "date": day(0), "shift_id": "D"}])
    cover = [(d, "D", 1, 3, 0) for d in range(7)]
    rules = {"min_rest_hours": (11, True, 1)}
    plan = solve_roster(make(2, 7, [DAY, NIGHT], cover, rules, history=history, preassigned=pre))
    assert not plan.found and plan.result.message == "diagnosed before solving"
    rows = plan.violations[["rule", "staff", "date", "detail", "amount"]].to_numpy().tolist()
    assert rows == [["min_rest_hours", "P1", day(-1), "N then D", 1]]
    assert plan.explanation == (
        "the fixed shifts (pre-assigned, published, history) break min_rest_hours for P1 on Sun "
        "2025-03-02 (N then D): 1 x pair of shifts too close",
    )


def test_weekends_limit_and_whole_weekends() -> None:
    # 14 days from a Monday: two weekends wanted; one person may work one weekend, and only whole ones.
    cover = [(d, "D", 1, 5, 0) if d in (5, 6, 12, 13) else (d, "D", 0, 0, 1) for d in range(14)]
    rules = {"max_weekends": (1, True, 1), "whole_weekends": (0, True, 1)}
    plan = solved(make(1, 14, [DAY], cover, rules))
    assert plan.result.objective == 10
    assert len(plan.assignments) == 2
    dates = sorted(plan.assignments["date"])
    assert dates[1] - dates[0] == dt.timedelta(days=1) and dates[0].weekday() == 5


def test_fair_nights_within_a_group_and_shift_type_limits() -> None:
    # 4 nights, 2 people in one group, nights spread must be 0: 2 each; P1 asks for every night (1 each).
    staff = [{"staff_id": "P1", "group": "reg"}, {"staff_id": "P2", "group": "reg"}]
    requests = pd.DataFrame(
        [{"staff_id": "P1", "date": day(d), "shift_id": "N", "kind": "on", "weight": 1} for d in range(4)]
    )
    cover = [(d, "N", 1, 10, 0, 1, 1) for d in range(4)]
    plan = solved(make(staff, 4, [NIGHT], cover, {"fair_nights": (0, True, 1)}, requests=requests))
    assert plan.result.objective == 2
    assert plan.staff_summary.set_index("staff_id")["nights"].to_dict() == {"P1": 2, "P2": 2}
    # The same by a per-type limit: at most 1 N for P1's group, the rest P2.
    staff = [{"staff_id": "P1", "group": "a"}, {"staff_id": "P2", "group": "b"}]
    inp = make(staff, 4, [NIGHT], cover, requests=requests)
    inp = inp.replace(
        rules=pd.DataFrame([{"group": "a", "rule": "max_shifts_of_type", "shift": "N", "limit": 1}])
    )
    assert solved(inp).result.objective == 3


def test_skill_cover_and_preferred_shifts() -> None:
    # E needs one 'lead'; only P2 has it. P2 prefers L (soft, 1) - the lead requirement (8) wins.
    staff = [{"staff_id": "P1"}, {"staff_id": "P2", "skills": "lead", "preferred_shifts": "L"}]
    cover = [(0, "E", 1, 8, 0, 0, -1, "lead"), (0, "L", 1, 2, 0)]
    plan = solved(make(staff, 1, [EARLY, LATE], cover, {"preferred_shifts": (0, False, 1)}))
    assert plan.result.objective == 1
    assert dict(zip(plan.assignments["staff_id"], plan.assignments["shift_id"], strict=True)) == {
        "P1": "L",
        "P2": "E",
    }


def test_min_runs_exempt_at_the_edges() -> None:
    # Cover on days 0 and 3 only; min 2 working days in a row (hard) forbids a lone shift on day 3
    # (framed by days 2 and 4) but not on day 0 (touches the start) -> day 3 uncovered unless 3-4 worked.
    rules = {"min_consecutive_days": (2, True, 1)}
    plan = solved(
        make(
            1,
            6,
            [DAY],
            [(0, "D", 1, 10, 0), (3, "D", 1, 10, 0)] + [(d, "D", 0, 0, 1) for d in (1, 2, 4, 5)],
            rules,
        )
    )
    assert plan.result.objective == 1  # works 0, 3 and 4 (one over-cover on day 4) or 2, 3 likewise
    assert len(plan.assignments) == 3


# --------------------------------------------------------------------------- re-rostering


def test_reroster_after_new_leave_changes_few_assignments() -> None:
    cover = [(d, s, 1, 20, 5) for d in range(7) for s in ("E", "L")]
    base = make(
        4, 7, [EARLY, LATE], cover, {"max_consecutive_days": (5, True, 1), "min_rest_hours": (11, True, 1)}
    )
    first = solved(base)
    # P1 falls ill on the two days of their first shifts; re-roster against the published rota.
    p1_days = sorted(first.assignments.loc[first.assignments["staff_id"] == "P1", "date"])[:2]
    leave = pd.DataFrame([{"staff_id": "P1", "date": d, "reason": "sickness"} for d in p1_days])
    again = base.replace(leave=leave, published=first.assignments)
    plan = solved(again, params=RosterParameters(change_weight=1))
    assert not ((plan.assignments["staff_id"] == "P1") & plan.assignments["date"].isin(p1_days)).any()
    # 2 removed shifts, each covered by someone who was off (a change each) unless rest or runs forbid it.
    assert 4 <= len(plan.changes) <= 6
    assert plan.result.objective == plan.costs()["change"] == len(plan.changes)
    # A hard limit of one change cannot hold: the two sick days alone are two changes.
    plan = solve_roster(again, OPTIONS, RosterParameters(change_weight=1, max_changes=1))
    assert plan.result.status is Status.INFEASIBLE
    assert any("max_changes" in line for line in plan.explanation)


# --------------------------------------------------------------------------- infeasible instances


def test_cover_minimum_above_available_staff_is_named_before_solving() -> None:
    leave = pd.DataFrame([{"staff_id": "P2", "date": day(1), "reason": "annual leave"}])
    inp = make(2, 2, [DAY], [(1, "D", 2, 1, 0, 2)], leave=leave)
    plan = solve_roster(inp, OPTIONS)
    assert plan.result.status is Status.INFEASIBLE
    assert not plan.found and plan.assignments.empty
    assert "needs at least 2" in plan.explanation[0] and "1 on leave" in plan.explanation[0]


def test_each_person_kept_from_a_cover_row_is_counted_under_their_own_reason() -> None:
    """Four people, a Tuesday needing three: P1 on leave, P2's fixed day off, P3 pre-assigned the
    early shift. It read '1 on leave or unavailable' for all three kept away."""
    staff = [{"staff_id": f"P{i}", "fixed_days_off": "Tue" if i == 2 else ""} for i in range(1, 5)]
    leave = pd.DataFrame([{"staff_id": "P1", "date": day(1), "reason": "annual leave"}])
    pre = pd.DataFrame([{"staff_id": "P3", "date": day(1), "shift_id": "E"}])
    inp = make(
        staff, 2, [DAY, EARLY], [(1, "D", 3, 1, 0, 3), (1, "E", 0, 1, 0, 0)], leave=leave, preassigned=pre
    )
    plan = solve_roster(inp, OPTIONS)
    assert not plan.found
    assert plan.explanation[0] == (
        "cover D on Tue 2025-03-04: needs at least 3 staff but only 1 of 4 can work it "
        "(1 on leave; 1 fixed day off; 1 pre-assigned another shift)"
    )


def test_conflicting_hard_rules_are_explained_by_the_elastic_model() -> None:
    # One person must cover 7 days running but may work at most 5 in a row. Working all 7 breaks the
    # run rule twice (days 6 and 7); leaving one middle day uncovered breaks the cover minimum once.
    inp = make(1, 7, [DAY], [(d, "D", 1, 1, 0, 1) for d in range(7)], {"max_consecutive_days": (5, True, 1)})
    plan = solve_roster(inp, OPTIONS)
    assert plan.result.status is Status.INFEASIBLE
    assert plan.violations[["rule", "staff", "amount"]].values.tolist() == [["cover_minimum", "", 1]]
    assert plan.violations["date"].iloc[0] in {day(1), day(2), day(3), day(4), day(5)}
    assert "cannot all hold" in plan.explanation[0]
    assert plan.explanation[1].startswith("cover_minimum on ") and "1 x person short" in plan.explanation[1]
    assert plan.assignments.empty  # no rota is passed on


def test_elastic_model_is_buildable_alone() -> None:
    inp = make(1, 7, [DAY], [(d, "D", 1, 1, 0, 1) for d in range(7)], {"max_consecutive_days": (5, True, 1)})
    rm = build_roster_model(inp, elastic=True)
    assert {t.rule for t in rm.terms} == {"max_consecutive_days", "cover_minimum"}


def test_a_build_that_reaches_the_deadline_stops_and_says_so() -> None:
    """A 60 x 364 rota with a 15-s limit built its whole model for 7.7 s after the rolling horizon
    found nothing, then ran CP-SAT past the deadline: 19 s in all.  The build now stops there."""
    inp = make(1, 7, [DAY], [(d, "D", 1, 1, 0, 1) for d in range(7)])
    with pytest.raises(BuildStopped):
        build_roster_model(inp, deadline=time.monotonic() - 1.0)
    assert build_roster_model(inp, deadline=time.monotonic() + 60.0).x
    plan = solve_roster(inp, SolveOptions(time_limit=5.0, threads=1).with_deadline(0.0))
    assert plan.result.status is Status.NO_SOLUTION and not plan.found
    assert plan.explanation == ("no rota was found within the time limit of 5 s; allow more time",)
    assert plan.stopped_by == "wall clock" and plan.result.options["time_limit"] == 5.0


# --------------------------------------------------------------------------- outputs


def test_rota_table_has_local_times_across_the_clock_change() -> None:
    # 30 March 2025: clocks go forward at 01:00 GMT. A 22:00 night on the 29th ends 07:00 BST on the 30th.
    start = dt.date(2025, 3, 29)
    inp = RosterInput(
        staff=pd.DataFrame([{"staff_id": "P1"}]),
        shifts=pd.DataFrame([NIGHT]),
        first_date=start,
        days=2,
        cover=pd.DataFrame(
            [{"date": start + dt.timedelta(days=d), "shift_id": "N", "preferred": 1} for d in range(2)]
        ),
        rules=rules_table("*", {}),
    )
    plan = solved(inp)
    rota = plan.rota.sort_values("date").reset_index(drop=True)
    assert list(rota.columns[:8]) == ["staff", "name", "group", "date", "shift", "start", "end", "hours"]
    first, second = rota.iloc[0], rota.iloc[1]
    assert first["start"].utcoffset() == dt.timedelta(0) and first["end"].utcoffset() == dt.timedelta(hours=1)
    assert first["end"].hour == 7 and second["start"].hour == 22
    assert first["hours"] == 8.0  # 9 h on the clock, 8 h elapsed: the lost hour is not paid


# --------------------------------------------------------------------------- the checker on its own


def test_checker_names_every_broken_hard_rule() -> None:
    staff = [{"staff_id": "P1", "fixed_days_off": "Sun"}, {"staff_id": "P2"}]
    leave = pd.DataFrame([{"staff_id": "P2", "date": day(0), "reason": "annual leave"}])
    pre = pd.DataFrame([{"staff_id": "P2", "date": day(2), "shift_id": "E"}])
    rules = {"min_rest_hours": (11, True, 1), "max_consecutive_days": (2, True, 1)}
    inp = make(staff, 7, [EARLY, LATE], [(0, "E", 0, 1, 0, 0, 0)], rules, leave=leave, preassigned=pre)
    rota = pd.DataFrame(
        [
            ("P1", day(0), "L"),
            ("P1", day(1), "E"),
            ("P1", day(2), "E"),
            ("P1", day(6), "E"),
            ("P2", day(0), "E"),
            ("P2", day(0), "L"),
            ("X", day(1), "E"),
        ],
        columns=["staff_id", "date", "shift_id"],
    )
    check = check_roster(inp, rota)
    assert not check.feasible
    assert set(check.hard["rule"]) == {
        "min_rest_hours",
        "max_consecutive_days",
        "fixed_day_off",
        "leave",
        "one_shift_a_day",
        "invalid_assignment",
        "preassigned",
        "cover_maximum",
        "no_cover_row",
    }


def test_cover_csv_writes_no_maximum_as_blank() -> None:
    """Issue 11 item 12: a cover row without a maximum is blank in cover.csv, never -1."""
    from instances.generators.rostering import generate

    inp = generate(4, 7, 0)
    plan = models.roster.solve(inp, options=SolveOptions(time_limit=10, threads=1))
    cover = plan.tables()["cover"]
    unlimited = plan.cover["maximum"].to_numpy() < 0
    assert unlimited.any() and (cover["maximum"][unlimited] == "").all()
    assert (cover["maximum"][~unlimited].astype(int) >= 0).all()


def test_a_days_cover_minimums_above_the_staff_are_named_before_solving() -> None:
    """Early 2 and late 2 on one day need 4 different people (one shift a day each); 3 staff, one
    on leave, leave 2.  Each shift alone fits, so this was found only by the elastic model, as a
    list of shortfalls that never said the day needs more people than the unit has."""
    leave = pd.DataFrame([{"staff_id": "P3", "date": day(0), "reason": "annual leave"}])
    inp = make(3, 1, [EARLY, LATE], [(0, "E", 2, 1, 0, 2), (0, "L", 2, 1, 0, 2)], leave=leave)
    plan = solve_roster(inp, OPTIONS)
    assert plan.result.status is Status.INFEASIBLE
    assert list(plan.explanation) == [
        "cover on Mon 2025-03-03: the shifts' minimums (E 2, L 2) need 4 different staff (one shift "
        "a day each) but only 2 can work that day (2 short)"
    ]


def test_a_days_minimums_the_staff_can_meet_are_not_named() -> None:
    inp = make(4, 1, [EARLY, LATE], [(0, "E", 2, 1, 0, 2), (0, "L", 2, 1, 0, 2)])
    plan = solve_roster(inp, OPTIONS)
    assert plan.result.status is Status.OPTIMAL and not plan.explanation
