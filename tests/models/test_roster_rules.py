"""Each constraint family of :mod:`models.roster.rules`, alone, on a tiny rota solved by CP-SAT.

Every test builds the variables of a tiny input (two or three staff, a week or two from Monday
3 March 2025, shifts E 07:00, D 09:00, L 14:00 of 8 hours and N 22:00 of 9 hours; every date has
a cover row with minimum 0, so anyone may work any shift and nobody must), adds ONE family, fixes
part of the rota and minimises that family's penalties.  A hard rule is shown by a rota that
breaks it being infeasible while the nearest rota that keeps it is feasible at no cost; a soft
rule by the breach costing exactly the documented weight times units (:mod:`models.roster`).

A rota is written per person as one character a day: a shift id, ``-`` off, ``.`` free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from models.roster import rules
from models.roster.check import check_roster
from models.roster.input import RosterInput, RosterParameters, rules_table
from models.roster.vars import RosterModel, make_variables

MONDAY = dt.date(2025, 3, 3)
SHIFTS = {
    "E": {"shift_id": "E", "start": "07:00", "length_minutes": 480},
    "D": {"shift_id": "D", "start": "09:00", "length_minutes": 480},
    "L": {"shift_id": "L", "start": "14:00", "length_minutes": 480},
    "N": {"shift_id": "N", "start": "22:00", "length_minutes": 540, "night": True},
    "C": {"shift_id": "C", "start": "09:00", "length_minutes": 480, "on_call": True},
}
INFEASIBLE = None


def day(d: int) -> dt.date:
    return MONDAY + dt.timedelta(days=d)


def tiny(
    rule_rows: list[tuple],
    *,
    staff: int | list[dict] = 2,
    days: int = 7,
    shifts: str = "D",
    cover: list[dict] | None = None,
    first: dt.date = MONDAY,
    **tables: object,
) -> RosterInput:
    """``rule_rows``: (rule, shift, limit, hard, weight) for every group; cover min 0 unless given."""
    people = [{"staff_id": f"P{i + 1}"} for i in range(staff)] if isinstance(staff, int) else staff
    rows = cover or [
        {"date": first + dt.timedelta(days=d), "shift_id": s, "minimum": 0, "preferred": 0, "under_weight": 0,
         "over_weight": 0}
        for d in range(days) for s in shifts
    ]  # fmt: skip
    return RosterInput(
        staff=pd.DataFrame(people),
        shifts=pd.DataFrame([SHIFTS[s] for s in shifts]),
        first_date=first,
        days=days,
        cover=pd.DataFrame(rows),
        rules=rules_table("*", rule_rows),
        **tables,
    )  # type: ignore[arg-type]


def cost(
    inp: RosterInput,
    family: Callable[[RosterModel], None],
    rota: dict[str, str],
    params: RosterParameters | None = None,
) -> int | None:
    """Least penalty of ``family`` alone over rotas matching ``rota`` (None: infeasible)."""
    rm = make_variables(inp, params or RosterParameters(), elastic=False)
    family(rm)
    for staff, pattern in rota.items():
        p = rm.staff.index(staff)
        for d, ch in enumerate(pattern):
            if ch == ".":
                continue
            for s in rm.shifts:
                if (p, d, s) in rm.x:
                    rm.model.add(rm.x[(p, d, s)] == int(s == ch))
                else:
                    assert s != ch, f"{staff} cannot work {s} on day {d}: no variable"
    rm.model.minimize(sum(t.weight * t.amount for t in rm.terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    status = solver.solve(rm.model)
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE), solver.status_name(status)
    return None if status == cp_model.INFEASIBLE else round(solver.objective_value)


def cover_row(d: int, shift: str, minimum: int, preferred: int, maximum: int, skill: str = "") -> dict:
    return {"date": day(d), "shift_id": shift, "minimum": minimum, "preferred": preferred, "maximum": maximum,
            "under_weight": 10, "over_weight": 3, "skill": skill}  # fmt: skip


# ------------------------------------------------------------------------------------ (2) cover


def test_cover_hard_minimum_and_maximum() -> None:
    inp = tiny([], staff=3, days=1, cover=[cover_row(0, "D", 1, 1, 2)])
    assert cost(inp, rules.cover, {"P1": "-", "P2": "-", "P3": "-"}) is INFEASIBLE
    assert cost(inp, rules.cover, {"P1": "D", "P2": "D", "P3": "D"}) is INFEASIBLE
    assert cost(inp, rules.cover, {"P1": "D", "P2": "-", "P3": "-"}) == 0


def test_cover_soft_under_and_over_the_preferred_number() -> None:
    """Preferred 2: none working pays 2 x 10 under; three pay 1 x 3 over."""
    inp = tiny([], staff=3, days=1, cover=[cover_row(0, "D", 0, 2, -1)])
    assert cost(inp, rules.cover, {"P1": "-", "P2": "-", "P3": "-"}) == 20
    assert cost(inp, rules.cover, {"P1": "D", "P2": "D", "P3": "D"}) == 3
    assert cost(inp, rules.cover, {}) == 0


def test_cover_by_skill_counts_only_the_skilled() -> None:
    staff = [{"staff_id": "P1", "skills": "chemo"}, {"staff_id": "P2"}, {"staff_id": "P3"}]
    inp = tiny([], staff=staff, days=1, cover=[cover_row(0, "D", 1, 1, -1, "chemo")])
    assert cost(inp, rules.cover, {"P1": "-", "P2": "D", "P3": "D"}) is INFEASIBLE
    assert cost(inp, rules.cover, {"P1": "D", "P2": "D", "P3": "D"}) == 0


# ------------------------------------------------------------------------------------- (3) rest


def test_min_rest_hours_between_a_late_and_an_early() -> None:
    """L ends 22:00, E starts 07:00 next day: 9 hours' rest, under 11 (hard) or paid once (soft)."""
    hard = tiny([("min_rest_hours", "", 11, True, 1)], days=3, shifts="EL")
    assert cost(hard, rules.rest_between_shifts, {"P1": "LE."}) is INFEASIBLE
    assert cost(hard, rules.rest_between_shifts, {"P1": "LL."}) == 0
    assert cost(hard, rules.rest_between_shifts, {"P1": "EL."}) == 0
    soft = tiny([("min_rest_hours", "", 11, False, 5)], days=3, shifts="EL")
    assert cost(soft, rules.rest_between_shifts, {"P1": "LEL"}) == 5
    assert cost(soft, rules.rest_between_shifts, {"P1": "LEL", "P2": "LE-"}) == 10


def test_min_rest_hours_across_the_start_of_the_horizon() -> None:
    history = pd.DataFrame({"staff_id": ["P1"], "date": [day(-1)], "shift_id": ["L"]})
    inp = tiny([("min_rest_hours", "", 11, True, 1)], days=2, shifts="EL", history=history)
    assert cost(inp, rules.rest_between_shifts, {"P1": "E."}) is INFEASIBLE
    assert cost(inp, rules.rest_between_shifts, {"P1": "L."}) == 0


def test_min_rest_hours_in_elapsed_time_across_clock_changes() -> None:
    """L (to 22:00) then E (07:00) is 9 h on the clock: 8 h elapsed the night of 29-30 March 2025
    (clocks go forward), 10 h the night of 25-26 October 2025 (clocks go back)."""
    spring = tiny([("min_rest_hours", "", 9, True, 1)], days=2, shifts="EL", first=dt.date(2025, 3, 29))
    assert cost(spring, rules.rest_between_shifts, {"P1": "LE"}) is INFEASIBLE
    autumn = tiny([("min_rest_hours", "", 10, True, 1)], days=2, shifts="EL", first=dt.date(2025, 10, 25))
    assert cost(autumn, rules.rest_between_shifts, {"P1": "LE"}) == 0
    normal = tiny([("min_rest_hours", "", 10, True, 1)], days=2, shifts="EL")
    assert cost(normal, rules.rest_between_shifts, {"P1": "LE"}) is INFEASIBLE


def test_forbidden_succession_is_hard() -> None:
    succ = pd.DataFrame({"first": ["E"], "second": ["L"]})
    inp = tiny([], days=2, shifts="EL", forbidden_successions=succ)
    assert cost(inp, rules.rest_between_shifts, {"P1": "EL"}) is INFEASIBLE
    assert cost(inp, rules.rest_between_shifts, {"P1": "LE"}) == 0


# ------------------------------------------------------------------------------------- (4) runs


def test_max_consecutive_days_hard_and_per_day_beyond_soft() -> None:
    hard = tiny([("max_consecutive_days", "", 3, True, 1)], days=5)
    assert cost(hard, rules.consecutive_days, {"P1": "DDDD."}) is INFEASIBLE
    assert cost(hard, rules.consecutive_days, {"P1": "DDD-D"}) == 0
    soft = tiny([("max_consecutive_days", "", 3, False, 7)], days=5)
    assert cost(soft, rules.consecutive_days, {"P1": "DDDDD"}) == 2 * 7


def test_max_consecutive_days_counts_the_history() -> None:
    history = pd.DataFrame({"staff_id": ["P1"] * 2, "date": [day(-2), day(-1)], "shift_id": ["D"] * 2})
    inp = tiny([("max_consecutive_days", "", 3, True, 1)], days=3, history=history)
    assert cost(inp, rules.consecutive_days, {"P1": "DD."}) is INFEASIBLE
    assert cost(inp, rules.consecutive_days, {"P1": "D-D"}) == 0


def test_min_consecutive_days_exempts_runs_at_the_edges() -> None:
    hard = tiny([("min_consecutive_days", "", 2, True, 1)], days=5)
    assert cost(hard, rules.consecutive_days, {"P1": "-D---"}) is INFEASIBLE
    assert cost(hard, rules.consecutive_days, {"P1": "D---D"}) == 0
    assert cost(hard, rules.consecutive_days, {"P1": "-DD--"}) == 0
    soft = tiny([("min_consecutive_days", "", 3, False, 4)], days=5)
    assert cost(soft, rules.consecutive_days, {"P1": "-D---"}) == (3 - 1) * 4
    assert cost(soft, rules.consecutive_days, {"P1": "-DD--"}) == (3 - 2) * 4


def test_min_consecutive_days_off() -> None:
    hard = tiny([("min_consecutive_days_off", "", 2, True, 1)], days=5)
    assert cost(hard, rules.consecutive_days, {"P1": "D-DDD"}) is INFEASIBLE
    assert cost(hard, rules.consecutive_days, {"P1": "D--DD"}) == 0
    assert cost(hard, rules.consecutive_days, {"P1": "-DDDD"}) == 0
    soft = tiny([("min_consecutive_days_off", "", 2, False, 6)], days=5)
    assert cost(soft, rules.consecutive_days, {"P1": "D-D-D"}) == 2 * 6


# ----------------------------------------------------------------------------------- (5) nights


def test_max_consecutive_nights() -> None:
    hard = tiny([("max_consecutive_nights", "", 2, True, 1)], days=4, shifts="DN")
    assert cost(hard, rules.night_blocks, {"P1": "NNN."}) is INFEASIBLE
    assert cost(hard, rules.night_blocks, {"P1": "NNDN"}) == 0
    soft = tiny([("max_consecutive_nights", "", 2, False, 6)], days=4, shifts="DN")
    assert cost(soft, rules.night_blocks, {"P1": "NNNN"}) == 2 * 6


def test_rest_after_nights() -> None:
    """Nights on days 0-1 end at 07:00 on day 2: D at 09:00 on day 3 is 26 h later, on day 4 50 h."""
    hard = tiny([("rest_after_nights_hours", "", 46, True, 1)], days=5, shifts="DN")
    assert cost(hard, rules.night_blocks, {"P1": "NN-D."}) is INFEASIBLE
    assert cost(hard, rules.night_blocks, {"P1": "NND.."}) is INFEASIBLE
    assert cost(hard, rules.night_blocks, {"P1": "NN--D"}) == 0
    soft = tiny([("rest_after_nights_hours", "", 46, False, 2)], days=5, shifts="DN")
    assert cost(soft, rules.night_blocks, {"P1": "NN-D-"}) == 2


# ------------------------------------------------------------------------------------- (6) hours


def test_max_hours_7_days() -> None:
    """Six 8-hour shifts are 48 h in the week: over 40 (hard); 2.5 h over 45.5, so 3 started hours."""
    hard = tiny([("max_hours_7_days", "", 40, True, 1)])
    assert cost(hard, rules.paid_hours, {"P1": "DDDDDD."}) is INFEASIBLE
    assert cost(hard, rules.paid_hours, {"P1": "DDDDD--"}) == 0
    soft = tiny([("max_hours_7_days", "", 45.5, False, 3)])
    assert cost(soft, rules.paid_hours, {"P1": "DDDDDD-"}) == 3 * 3


def test_max_hours_7_days_counts_the_history() -> None:
    history = pd.DataFrame(
        {"staff_id": ["P1"] * 3, "date": [day(-3), day(-2), day(-1)], "shift_id": ["D"] * 3}
    )
    inp = tiny([("max_hours_7_days", "", 40, True, 1)], history=history)
    assert cost(inp, rules.paid_hours, {"P1": "DDD...."}) is INFEASIBLE
    assert cost(inp, rules.paid_hours, {"P1": "DD-...."}) == 0


def test_max_average_weekly_hours_and_totals() -> None:
    hard = tiny([("max_average_weekly_hours", "", 40, True, 1)], days=14)
    assert cost(hard, rules.paid_hours, {"P1": "DDDDDDDDDDD..."}) is INFEASIBLE  # 88 h > 80 h
    assert cost(hard, rules.paid_hours, {"P1": "DDDDDDDDDD----"}) == 0
    most = tiny([("max_total_hours", "", 20, True, 1)], days=3)
    assert cost(most, rules.paid_hours, {"P1": "DDD"}) is INFEASIBLE
    least = tiny([("min_total_hours", "", 20, False, 1)], days=3)
    assert cost(least, rules.paid_hours, {"P1": "DD-"}) == 4


def test_max_average_weekly_hours_over_each_reference_period() -> None:
    """On a rota longer than the reference period every run of that many weeks, from each day,
    averages at most the limit: six 8-hour days in the first week are 48 h in a one-week period
    (40 h), though the fortnight's 80 h average 40 a week."""
    hard = tiny([("max_average_weekly_hours", "", 40, True, 1)], days=14)
    one_week, two_weeks = RosterParameters(reference_weeks=1), RosterParameters(reference_weeks=2)
    front_loaded = {"P1": "DDDDDD--DDDD--"}
    assert cost(hard, rules.paid_hours, front_loaded) == 0  # 17 weeks: the rota's own two weeks
    assert cost(hard, rules.paid_hours, front_loaded, two_weeks) == 0
    assert cost(hard, rules.paid_hours, front_loaded, one_week) is INFEASIBLE
    assert cost(hard, rules.paid_hours, {"P1": "DDDDD--DDDDD--"}, one_week) == 0  # any 7 days: 40 h
    assert cost(hard, rules.paid_hours, {"P1": "--DDDDDD------"}, one_week) is INFEASIBLE  # days 2-8
    soft = tiny([("max_average_weekly_hours", "", 40, False, 3)], days=14)
    assert cost(soft, rules.paid_hours, front_loaded, one_week) == 8 * 3  # days 0-6: 8 h over


def test_the_checker_counts_each_reference_period_as_the_model_does() -> None:
    soft = tiny([("max_average_weekly_hours", "", 40, False, 3)], days=14)
    worked = [(0, 1, 2, 3, 4, 5, 8, 9, 10, 11), (0, 1, 2, 3, 4, 5, 6)]
    rota = pd.DataFrame(
        [
            {"staff_id": f"P{i + 1}", "date": day(d), "shift_id": "D"}
            for i, days in enumerate(worked)
            for d in days
        ]
    )
    checked = check_roster(soft, rota, RosterParameters(reference_weeks=1))
    rows = checked.penalties[checked.penalties["rule"] == "max_average_weekly_hours"]
    # P1: days 0-6 hold 48 h; P2: days 0-6 hold 56 h and days 1-7, 2-8, ... 48, 40, ...
    assert rows[["staff", "date", "detail", "amount"]].values.tolist() == [
        ["P1", day(0), "1 week from this date", 8],
        ["P2", day(0), "1 week from this date", 16],
        ["P2", day(1), "1 week from this date", 8],
    ]
    assert checked.score == (8 + 16 + 8) * 3
    assert (
        cost(
            soft,
            rules.paid_hours,
            {"P1": "DDDDDD--DDDD--", "P2": "DDDDDDD-------"},
            RosterParameters(reference_weeks=1),
        )
        == checked.score
    )
    assert check_roster(soft, rota).score == 0  # 17 weeks: the fortnight's average, 40 and 28 h a week


def test_contract_hours_tolerance_with_leave_credit() -> None:
    """Contract 40 h a week, tolerance 0: exactly five 8-hour shifts; 8 h of leave credit makes it four."""
    staff = [{"staff_id": "P1", "contract_hours_week": 40.0}, {"staff_id": "P2"}]
    hard = tiny([("contract_hours_tolerance", "", 0, True, 1)], staff=staff)
    assert cost(hard, rules.paid_hours, {"P1": "DDDD---"}) is INFEASIBLE
    assert cost(hard, rules.paid_hours, {"P1": "DDDDD--", "P2": "DDDDDDD"}) == 0  # contract 0: exempt
    leave = pd.DataFrame({"staff_id": ["P1"], "date": [day(6)], "credit_hours": [8.0]})
    credited = tiny([("contract_hours_tolerance", "", 0, True, 1)], staff=staff, leave=leave)
    assert cost(credited, rules.paid_hours, {"P1": "DDDDD--"}) is INFEASIBLE
    assert cost(credited, rules.paid_hours, {"P1": "DDDD---"}) == 0
    soft = tiny([("contract_hours_tolerance", "", 1, False, 2)], staff=staff)
    assert cost(soft, rules.paid_hours, {"P1": "DDDD---"}) == 7 * 2  # 32 h, band 39..41: 7 h short


def test_paid_hours_in_elapsed_time_across_the_spring_clock_change() -> None:
    """The night of Saturday 29 March 2025 loses an hour: 9 h on the clock, 8 h elapsed and paid."""
    saturday = dt.date(2025, 3, 29)
    inp = tiny([("max_total_hours", "", 8, True, 1)], days=2, shifts="N", first=saturday)
    assert cost(inp, rules.paid_hours, {"P1": "N-"}) == 0
    assert cost(inp, rules.paid_hours, {"P1": "-N"}) is INFEASIBLE


# ---------------------------------------------------------------------------------- (7) weekends


def test_max_weekends() -> None:
    hard = tiny([("max_weekends", "", 1, True, 1)], days=14)
    assert cost(hard, rules.weekends, {"P1": "-----D-------D"}) is INFEASIBLE
    assert cost(hard, rules.weekends, {"P1": "DDDDDDD-------"}) == 0
    soft = tiny([("max_weekends", "", 0, False, 5)], days=14)
    assert cost(soft, rules.weekends, {"P1": "-----DD------D"}) == 2 * 5


def test_whole_weekends() -> None:
    hard = tiny([("whole_weekends", "", 0, True, 1)])
    assert cost(hard, rules.weekends, {"P1": "-----D-"}) is INFEASIBLE
    assert cost(hard, rules.weekends, {"P1": "------D"}) is INFEASIBLE
    assert cost(hard, rules.weekends, {"P1": "-----DD"}) == 0
    soft = tiny([("whole_weekends", "", 0, False, 4)], days=14)
    assert cost(soft, rules.weekends, {"P1": "-----D------D-"}) == 2 * 4


# ------------------------------------------------------------------------------- (8) shift types


def test_min_and_max_shifts_of_type() -> None:
    hard = tiny([("max_shifts_of_type", "D", 2, True, 1), ("min_shifts_of_type", "E", 1, True, 1)],
                days=4, shifts="ED")  # fmt: skip
    assert cost(hard, rules.shift_types, {"P1": "DDDE"}) is INFEASIBLE
    assert cost(hard, rules.shift_types, {"P1": "DD--"}) is INFEASIBLE
    assert cost(hard, rules.shift_types, {"P1": "DDE-"}) == 0
    soft = tiny([("max_shifts_of_type", "D", 1, False, 3), ("min_shifts_of_type", "E", 2, False, 5)],
                days=4, shifts="ED")  # fmt: skip
    assert cost(soft, rules.shift_types, {"P1": "DDD-", "P2": "EE--"}) == 2 * 3 + 2 * 5


def test_max_shift_hours() -> None:
    """N lasts 9 h: a hard 8 h limit leaves no N to assign; a soft one pays per N shift."""
    hard = tiny([("max_shift_hours", "", 8, True, 1)], days=2, shifts="DN")
    with pytest.raises(AssertionError, match="cannot work N"):
        cost(hard, rules.shift_types, {"P1": "N."})
    assert cost(hard, rules.shift_types, {"P1": "DD"}) == 0
    soft = tiny([("max_shift_hours", "", 8, False, 3)], days=2, shifts="DN")
    assert cost(soft, rules.shift_types, {"P1": "NN", "P2": "DD"}) == 2 * 3


def test_preferred_shifts() -> None:
    staff = [{"staff_id": "P1", "preferred_shifts": "E"}, {"staff_id": "P2"}]
    soft = tiny([("preferred_shifts", "", 0, False, 2)], staff=staff, days=3, shifts="EL")
    assert cost(soft, rules.shift_types, {"P1": "LLE", "P2": "LLL"}) == 2 * 2  # P2 prefers nothing
    hard = tiny([("preferred_shifts", "", 0, True, 1)], staff=staff, days=3, shifts="EL")
    with pytest.raises(AssertionError, match="cannot work L"):
        cost(hard, rules.shift_types, {"P1": "L.."})


# ---------------------------------------------------------------------------------- (9) requests


def test_requests_denied_pay_their_weight() -> None:
    requests = pd.DataFrame(
        [("P1", day(0), "E", "on", 5), ("P1", day(1), "", "off", 3), ("P2", day(0), "L", "off", 2)],
        columns=["staff_id", "date", "shift_id", "kind", "weight"],
    )
    inp = tiny([], days=2, shifts="EL", requests=requests)
    assert cost(inp, rules.requests, {"P1": "E-", "P2": "E."}) == 0
    assert cost(inp, rules.requests, {"P1": "L.", "P2": "E."}) == 5
    assert cost(inp, rules.requests, {"P1": "EE", "P2": "L."}) == 3 + 2
    assert cost(inp, rules.requests, {"P1": "-L", "P2": "L."}) == 5 + 3 + 2


# ---------------------------------------------------------------------------------- (10) fairness


def test_fair_nights_within_a_group_of_two_or_more() -> None:
    staff = [
        {"staff_id": "P1", "group": "a"},
        {"staff_id": "P2", "group": "a"},
        {"staff_id": "P3", "group": "b"},
    ]
    hard = tiny([("fair_nights", "", 1, True, 1)], staff=staff, days=4, shifts="DN")
    assert cost(hard, rules.fairness, {"P1": "NN--", "P2": "----"}) is INFEASIBLE
    assert cost(hard, rules.fairness, {"P1": "NN--", "P2": "N---", "P3": "NNNN"}) == 0  # P3 alone in b
    soft = tiny([("fair_nights", "", 1, False, 4)], staff=staff, days=4, shifts="DN")
    assert cost(soft, rules.fairness, {"P1": "NNN-", "P2": "DDDD"}) == (3 - 1) * 4


def test_fair_weekends_and_on_calls() -> None:
    weekends = tiny([("fair_weekends", "", 0, False, 3)], days=14)
    assert cost(weekends, rules.fairness, {"P1": "-----DD-----D-", "P2": "DDDDD--DDDDD--"}) == 2 * 3
    calls = tiny([("fair_on_calls", "", 1, True, 1)], days=3, shifts="DC")
    assert cost(calls, rules.fairness, {"P1": "CCC", "P2": "DDD"}) is INFEASIBLE
    assert cost(calls, rules.fairness, {"P1": "CCD", "P2": "CDD"}) == 0


# --------------------------------------------------------------------------------- (11) changes


def published() -> pd.DataFrame:
    return pd.DataFrame({"staff_id": ["P1", "P1"], "date": [day(0), day(1)], "shift_id": ["D", "D"]})


def test_changes_pay_per_assignment_changed() -> None:
    inp = tiny([], days=3, published=published())
    params = RosterParameters(change_weight=10)
    assert cost(inp, rules.changes, {"P1": "DD-", "P2": "---"}, params) == 0
    assert cost(inp, rules.changes, {"P1": "D--", "P2": "---"}, params) == 10
    assert cost(inp, rules.changes, {"P1": "D-D", "P2": "D--"}, params) == 30


def test_max_changes_is_hard_and_days_before_change_from_are_fixed() -> None:
    inp = tiny([], days=3, published=published())
    capped = RosterParameters(change_weight=1, max_changes=1)
    assert cost(inp, rules.changes, {"P1": "D--", "P2": "---"}, capped) == 1
    assert cost(inp, rules.changes, {"P1": "D--", "P2": "D--"}, capped) is INFEASIBLE
    late = RosterParameters(change_weight=1, change_from=day(1))
    with pytest.raises(AssertionError, match="P2 cannot work D on day 0"):
        cost(inp, rules.changes, {"P2": "D.."}, late)
    assert cost(inp, rules.changes, {"P1": "--."}, late) is INFEASIBLE
