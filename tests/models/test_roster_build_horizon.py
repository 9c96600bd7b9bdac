"""models.roster.horizon: a long rota built window by window is legal over the whole horizon."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pandas as pd
import pytest

import models.roster
from instances.generators.rostering import generate
from models.roster import horizon, long_rota
from models.roster.check import check_roster
from models.roster.clock import ShiftClock
from models.roster.horizon import HorizonSettings, applies, rolling_rota, window_input, window_starts
from models.roster.input import RosterInput, rules_table
from models.roster.window_search import WindowSettings
from solvers import SolveOptions

SMALL = HorizonSettings(window_days=14, min_person_days=0)
WEEK = dt.timedelta(days=7)


def test_windows_after_the_first_start_on_mondays_and_a_short_tail_joins_the_last() -> None:
    inp = generate(4, 90, 0, first_date=dt.date(2025, 1, 8))  # a Wednesday
    starts = window_starts(inp, 28)
    assert starts == [0, 33, 61]  # 89 would leave a 1-day window: it joins the one before
    assert all((inp.first_date + dt.timedelta(days=d)).weekday() == 0 for d in starts[1:])


def test_the_long_rota_messages_count_windows_in_words() -> None:
    assert horizon.counted(1, "window") == "1 window"
    assert [horizon.counted(n, "full sweep") for n in (0, 2)] == ["0 full sweeps", "2 full sweeps"]


def test_a_window_keeps_hard_rules_and_scales_horizon_limits_so_the_windows_keep_them() -> None:
    inp = generate(4, 56, 0)
    rules = rules_table(
        "*",
        {
            "max_weekends": (4, True, 1),
            "min_total_hours": (100, True, 1),
            "max_consecutive_days": (6, True, 1),
            "min_consecutive_days": (2, False, 2),
        },
    )
    inp = inp.replace(rules=rules)
    empty = pd.DataFrame(columns=["staff_id", "date", "shift_id"])
    w = window_input(inp, 14, 14, empty, 14)
    limits = dict(zip(w.rules["rule"], w.rules["limit"], strict=True))
    assert limits == {"max_weekends": 1, "min_total_hours": 25, "max_consecutive_days": 6}  # 4/4 down, 25 up
    assert (w.first_date, w.days) == (inp.first_date + dt.timedelta(days=14), 14)
    assert w.cover["date"].min() == w.first_date and w.cover["date"].max() == w.last_date


def test_a_window_credits_leave_as_the_whole_rota_does() -> None:
    """A rota from a Wednesday, S001 (30 h a week) on leave Monday to Friday at 10 h a day: the
    rota's weeks (Wednesday to Tuesday) credit 20 h and 30 h, within the contract, but the window
    from the Monday re-held them to its own weeks, 30 h in all, so it asked S001 for 20 h more
    than the whole model and the checker: with the contract hard at 2 h a week the windows' rota
    broke it by 10 h. Each window now keeps the whole rota's credits."""
    inp = generate(4, 70, 0, first_date=dt.date(2025, 1, 8))  # a Wednesday
    rules = inp.rules.copy()
    rules.loc[rules["rule"] == "contract_hours_tolerance", ["limit", "hard"]] = [2.0, True]
    dates = [inp.first_date + dt.timedelta(days=d) for d in range(33, 38)]  # Monday to Friday
    leave = pd.DataFrame({"staff_id": "S001", "date": dates, "reason": "annual", "credit_hours": 10.0})
    inp = inp.replace(rules=rules, leave=leave)
    assert window_starts(inp, 28)[1] == 33 and inp.leave["credit_hours"].sum() == 50.0
    empty = pd.DataFrame(columns=["staff_id", "date", "shift_id"])
    assert window_input(inp, 33, 28, empty, 14).leave["credit_hours"].tolist() == [10.0] * 5
    # the first window's last week is short (Wednesday to Sunday): 30 h of leave is the rota
    # week's contract, not the 21.4 h of five days of it
    short = inp.replace(leave=leave.iloc[2:].assign(date=[d - WEEK for d in dates[2:]]))
    assert window_input(short, 0, 33, empty, 14).leave["credit_hours"].sum() == 30.0
    settings = HorizonSettings(window_days=28, min_person_days=0)
    rolled = rolling_rota(inp, models.roster.Parameters(), SolveOptions(threads=1, time_limit=60), settings)
    assert rolled.assignments is not None
    scored = check_roster(inp, rolled.assignments)
    assert scored.feasible, scored.hard.to_string()


def test_applies_only_to_long_rotas_without_hard_fairness() -> None:
    inp = generate(6, 56, 0)
    assert not applies(inp)  # 336 person-days: far below the default 20,000
    assert applies(inp, SMALL)
    fair = inp.rules.assign(hard=inp.rules["hard"] | (inp.rules["rule"] == "fair_nights"))
    assert not applies(inp.replace(rules=fair), SMALL)
    assert not applies(generate(6, 20, 0), SMALL)  # under two windows


def test_the_windows_together_are_legal_across_every_seam_and_the_history() -> None:
    inp = generate(8, 56, 3, history_days=7)
    rolled = rolling_rota(inp, models.roster.Parameters(), SolveOptions(threads=2), SMALL)
    assert rolled.windows == 4 and rolled.assignments is not None
    assert rolled.assignments["date"].min() >= inp.first_date
    assert rolled.assignments["date"].max() <= inp.last_date
    scored = check_roster(inp, rolled.assignments)
    assert scored.feasible, scored.hard.head().to_string()
    assert scored.score > 0  # soft rules were left out of the windows: the rota pays for some


def test_the_windows_together_keep_every_reference_period() -> None:
    """``max_average_weekly_hours`` hard at 40 h over two-week reference periods: the windows of
    two weeks each hold the periods they reach, the days built before counted, so the rota keeps
    every one (without the rule its fortnights reach 96 h while its eight weeks average under 35)."""
    plain = generate(8, 56, 3, history_days=7)
    row = {
        "group": "*",
        "rule": "max_average_weekly_hours",
        "shift": "",
        "limit": 40.0,
        "hard": True,
        "weight": 1,
    }
    inp = dataclasses.replace(plain, rules=pd.concat([plain.rules, pd.DataFrame([row])], ignore_index=True))
    params = models.roster.Parameters(reference_weeks=2)
    rolled = rolling_rota(inp, params, SolveOptions(threads=2), SMALL)
    assert rolled.assignments is not None
    scored = check_roster(inp, rolled.assignments, params)
    assert scored.feasible, scored.hard.head().to_string()
    unchecked = rolling_rota(plain, params, SolveOptions(threads=2), SMALL)
    assert unchecked.assignments is not None
    assert not check_roster(inp, unchecked.assignments, params).feasible  # the periods bind


@pytest.mark.slow
def test_solve_improves_the_constructed_rota_and_reports_the_window_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inp = generate(8, 42, 1)
    monkeypatch.setattr(horizon, "HorizonSettings", lambda: HorizonSettings(14, 14, 0))
    settings = long_rota.LongRotaSettings(reserve_seconds=1.0, windows=WindowSettings(14, 7, 14, 2.0))
    monkeypatch.setattr(long_rota, "LongRotaSettings", lambda: settings)
    plan = models.roster.solve(
        inp, models.roster.Parameters(reproducible=False), options=SolveOptions(time_limit=20, threads=2)
    )
    assert plan.found and "improved window by window" in plan.result.message
    assert "build" not in plan.timings and {"horizon", "bound", "windows"} <= set(plan.timings)
    report = models.roster.check(inp, plan)
    assert report.passed, (report.violations, report.mismatches)
    assert plan.result.objective == float(plan.penalties["cost"].sum())
    constructed = check_roster(
        inp,
        horizon.rolling_rota(
            inp, models.roster.Parameters(), SolveOptions(threads=2), HorizonSettings(14, 14, 0)
        ).assignments,
    )
    assert plan.result.objective < constructed.score  # soft rules the construction left out
    assert plan.result.bound is not None and 0 <= plan.result.bound <= plan.result.objective
    assert plan.result.options["threads"] == 2
    assert horizon.first_rota_seconds(plan) == pytest.approx(
        plan.timings["diagnose"] + plan.timings["horizon"]
    )


def test_windows_see_enough_history_for_the_longest_hard_run_rule() -> None:
    inp = generate(4, 56, 0)
    assert horizon._history_days(inp, HorizonSettings()) == 14  # hard max 6 consecutive days: 14 is enough
    long_off = rules_table("*", {"min_consecutive_days_off": (20, True, 1)})
    assert horizon._history_days(inp.replace(rules=long_off), HorizonSettings()) == 21


def _short_staffed_cover(inp: RosterInput) -> RosterInput:
    """``inp`` with every skill-free cover row's preferred cover and maximum at its minimum: the
    contracts' lower limits then hold more hours than the cover allows."""
    free = inp.cover["skill"].fillna("") == ""
    cover = inp.cover.copy()
    cover.loc[free, "maximum"] = cover.loc[free, "minimum"]
    cover.loc[free, "preferred"] = cover.loc[free, "minimum"]
    return inp.replace(cover=cover)


def test_over_staffed_when_the_cover_maxima_hold_fewer_hours_than_the_contracts() -> None:
    inp = generate(12, 28, 0)
    assert not horizon.over_staffed(inp)  # up to 5 on each of E and L: room for the contracts
    tight = _short_staffed_cover(inp)
    assert horizon.over_staffed(tight)
    costly = tight.cover.assign(
        over_weight=tight.cover["over_weight"].where(tight.cover["over_weight"] == 0, 60)
    )
    assert not horizon.over_staffed(tight.replace(cover=costly))  # an extra shift costs more than 7.5 h save


def test_an_over_staffed_construction_fills_the_cover_maxima_within_the_contract_floors() -> None:
    inp = _short_staffed_cover(generate(12, 42, 0))
    rolled = rolling_rota(inp, models.roster.Parameters(), SolveOptions(threads=2, seed=0), SMALL)
    assert rolled.assignments is not None
    scored = check_roster(inp, rolled.assignments)
    assert scored.feasible, scored.hard.head().to_string()
    worked = rolled.assignments.groupby(["date", "shift_id"]).size()
    free = inp.cover[inp.cover["skill"].fillna("") == ""]
    assert all(worked.get((r.date, r.shift_id), 0) == r.maximum for r in free.itertuples())
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    for start, end in horizon.window_spans(inp, SMALL.window_days):
        floors = horizon.contract_floors(inp, start, end - start)
        days = rolled.assignments["date"].map(inp.day_index)
        part = rolled.assignments[(days >= start) & (days < end)]
        for p, staff_id in enumerate(inp.staff["staff_id"]):
            mine = part[part["staff_id"] == staff_id]
            paid = sum(
                clock.paid(inp.day_index(d), s) for d, s in zip(mine["date"], mine["shift_id"], strict=True)
            )
            assert floors[p] is not None and paid <= floors[p]


def test_an_over_staffed_rota_gets_the_plain_construction_first_then_the_filled_one() -> None:
    """The first legal rota comes from the plain windows (quicker); the filled one, which pays
    less contract-hours penalty, replaces it, and the timings keep both."""
    inp = _short_staffed_cover(generate(12, 42, 0))
    params, options = models.roster.Parameters(), SolveOptions(threads=2, seed=0)
    timings: dict[str, float] = {}
    rolled = horizon.first_rota(inp, params, options, timings, SMALL)
    plain = rolling_rota(inp, params, options, SMALL, fill=False)
    assert rolled.assignments is not None and plain.assignments is not None
    worked = rolled.assignments.groupby(["date", "shift_id"]).size()  # the filled windows' rota
    free = inp.cover[inp.cover["skill"].fillna("") == ""]
    assert all(worked.get((r.date, r.shift_id), 0) == r.maximum for r in free.itertuples())
    assert set(timings) == {"horizon", "filled"} and rolled.first_seconds == timings["horizon"]
    assert rolled.seconds == pytest.approx(timings["horizon"] + timings["filled"])
    assert check_roster(inp, rolled.assignments).score < check_roster(inp, plain.assignments).score
    not_over = generate(12, 42, 0)
    timings = {}
    once = horizon.first_rota(not_over, params, options, timings, SMALL)
    assert set(timings) == {"horizon"} and once.first_seconds is None and once.assignments is not None
    timings = {}  # under SMALL.plain_first_seconds left: the filled construction alone
    short = horizon.first_rota(
        inp, params, SolveOptions(time_limit=60, threads=2).with_deadline(), timings, SMALL
    )
    assert set(timings) == {"horizon"} and short.first_seconds is None and short.assignments is not None


def test_a_construction_past_its_deadline_builds_no_more_windows() -> None:
    inp = generate(12, 42, 0)
    late = SolveOptions(time_limit=0.001, threads=2).with_deadline()
    time.sleep(0.01)
    rolled = rolling_rota(inp, models.roster.Parameters(), late, SMALL)
    assert rolled.assignments is None and rolled.windows == 0 and rolled.seconds < 0.5


def test_a_tight_construction_is_legal_and_pays_less_for_the_rules_it_keeps_hard() -> None:
    inp = _short_staffed_cover(generate(12, 42, 0))
    loose = rolling_rota(inp, models.roster.Parameters(), SolveOptions(threads=2, seed=0), SMALL)
    tight = rolling_rota(inp, models.roster.Parameters(), SolveOptions(threads=2, seed=0), SMALL, tight=True)
    assert loose.assignments is not None and tight.assignments is not None
    a, b = check_roster(inp, loose.assignments), check_roster(inp, tight.assignments)
    assert a.feasible and b.feasible, b.hard.head().to_string()
    kept = horizon.TIGHTENED

    def paid(scored: object) -> int:
        pen = scored.penalties  # type: ignore[attr-defined]
        return int(pen.loc[pen["rule"].isin(kept), "cost"].sum())

    assert paid(b) < paid(a)


@pytest.mark.slow
def test_an_over_staffed_long_rota_is_rebuilt_tight_and_scored_as_the_checker_scores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inp = _short_staffed_cover(generate(12, 42, 0))
    monkeypatch.setattr(horizon, "HorizonSettings", lambda: HorizonSettings(14, 14, 0, 1.0))
    settings = long_rota.LongRotaSettings(reserve_seconds=1.0, windows=WindowSettings(14, 7, 14, 1.0))
    monkeypatch.setattr(long_rota, "LongRotaSettings", lambda: settings)
    plan = models.roster.solve(
        inp, models.roster.Parameters(reproducible=False), options=SolveOptions(time_limit=15, threads=2)
    )
    assert (
        plan.found
        and "of 3 windows rebuilt with the run, weekend and preferred-shift rules hard)"
        in plan.result.message
    )
    assert "tight" in plan.timings
    report = models.roster.check(inp, plan)
    assert report.passed, (report.violations, report.mismatches)
    assert plan.result.objective == float(plan.penalties["cost"].sum())
    assert plan.result.bound is not None and 0 <= plan.result.bound <= plan.result.objective
