"""Independent checker of a rota: hard-rule breaches and the soft-penalty score, from the raw input.

Written from the rule definitions in :data:`models.roster.input.RULES` and the formulation in
:mod:`models.roster`'s docstring, run by run and day by day, without the model's build code:
only the input dataclass is imported. A test holds the two against each other (score equals the
solver's objective, no hard breach). The per-person rules are checked in
:mod:`models.roster.check_rules`; cover, requests, fairness and re-rostering here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from models.roster.check_rules import Findings, Person, Rota, check_person
from models.roster.input import RosterInput, parse_list
from models.roster.parameters import RosterParameters

COLUMNS = ["rule", "staff", "date", "detail", "amount", "weight", "cost"]


@dataclass(frozen=True)
class RosterCheck:
    """``hard``: every hard requirement broken (rule, staff, date, detail, amount);
    ``penalties``: every soft penalty paid (and each soft rule or request of weight 0 broken, at
    cost 0), in the plan's penalties layout; ``score`` their cost."""

    hard: pd.DataFrame
    penalties: pd.DataFrame
    score: int

    @property
    def feasible(self) -> bool:
        return self.hard.empty


def check_roster(
    inp: RosterInput, assignments: pd.DataFrame, params: RosterParameters | None = None
) -> RosterCheck:
    """Check ``assignments`` (``staff_id``, ``date``, ``shift_id``) against ``inp`` under ``params``."""
    params = params or RosterParameters()
    found = Findings()
    rota = Rota(inp, assignments, found, params.reference_weeks)
    _check_leave_and_preassigned(rota, found)
    _check_cover_rows(rota, params, found)
    _check_cover(rota, found)
    _check_requests(rota, found)
    credit = inp.leave.groupby("staff_id")["credit_hours"].sum().to_dict()
    people = {s: Person(rota, s, row, credit.get(s, 0.0)) for s, row in rota.staff.iterrows()}
    for person in people.values():
        check_person(rota, person, found)
    _check_fairness(rota, people, found)
    if inp.published is not None and not inp.published.empty:
        _check_changes(rota, params, found)
    return _report(found)


def _check_leave_and_preassigned(rota: Rota, found: Findings) -> None:
    """Record each shift worked on leave, and each pre-assigned shift not worked as given."""
    for r in rota.inp.leave.itertuples(index=False):
        if rota.day(r.date) in rota.on[r.staff_id]:
            found.add("leave", r.staff_id, r.date, r.reason, 1, True)
    for r in rota.inp.preassigned.itertuples(index=False):
        if rota.on[r.staff_id].get(rota.day(r.date)) != r.shift_id:
            found.add("preassigned", r.staff_id, r.date, r.shift_id, 1, True)


def _fixed(rota: Rota, params: RosterParameters) -> set[tuple[str, dt.date, str]]:
    """Shifts (staff, date, shift) that stand without demand: pre-assigned, or published before
    the first changeable date of a re-rostering."""
    inp = rota.inp
    fixed = {(r.staff_id, r.date, r.shift_id) for r in inp.preassigned.itertuples(index=False)}
    kept_until = inp.first_changeable(params.change_from)
    if kept_until is not None:
        fixed |= {
            (r.staff_id, r.date, r.shift_id)
            for r in inp.published.itertuples(index=False)
            if r.date < kept_until
        }
    return fixed


def _check_cover_rows(rota: Rota, params: RosterParameters, found: Findings) -> None:
    """Record each shift worked on a date with no cover row for it, unless it is fixed (:func:`_fixed`)."""
    demand = {(r.date, r.shift_id) for r in rota.inp.cover.itertuples(index=False)}
    fixed = _fixed(rota, params)
    for s in rota.on:
        for d, x in rota.on[s].items():
            if (rota.date_of(d), x) not in demand and (s, rota.date_of(d), x) not in fixed:
                found.add("no_cover_row", s, rota.date_of(d), f"{x} has no cover row that day", 1, True)


def _check_cover(rota: Rota, found: Findings) -> None:
    """Record each cover row's shortfall below its minimum and preferred cover, and excess above its
    maximum and preferred cover (counting only staff with the row's skill, when it names one)."""
    on = rota.on
    skills = {s: set(parse_list(v)) for s, v in zip(rota.staff.index, rota.staff["skills"], strict=True)}
    for r in rota.inp.cover.itertuples(index=False):
        d = rota.day(r.date)
        n = sum(1 for s in on if on[s].get(d) == r.shift_id and (not r.skill or r.skill in skills[s]))
        detail = r.shift_id + (f" ({r.skill})" if r.skill else "")
        found.add("cover_minimum", "", r.date, detail, r.minimum - n, True)
        if r.maximum >= 0:
            found.add("cover_maximum", "", r.date, detail, n - r.maximum, True)
        found.add("under_cover", "", r.date, detail, r.preferred - n, False, r.under_weight)
        found.add("over_cover", "", r.date, detail, n - r.preferred, False, r.over_weight)


def _check_requests(rota: Rota, found: Findings) -> None:
    """Record each request denied: a shift (or any) asked for and not worked, or asked off and worked."""
    for r in rota.inp.requests.itertuples(index=False):
        now = rota.on[r.staff_id].get(rota.day(r.date))
        hit = (now == r.shift_id) if r.shift_id else (now is not None)
        denied = not hit if r.kind == "on" else hit
        rule = "shift_on_request" if r.kind == "on" else "shift_off_request"
        found.add(rule, r.staff_id, r.date, r.shift_id or "day", int(denied), False, r.weight)


def _check_fairness(rota: Rota, people: dict[str, Person], found: Findings) -> None:
    """Record, in each group of two or more, the spread of nights, weekends and on-calls beyond its limit."""
    for group, members in rota.staff.groupby("group"):
        if len(members) < 2:
            continue
        rules = rota.inp.rules_for(str(group))
        for name, count in (
            ("fair_nights", lambda p: p.count(rota, "night")),
            ("fair_weekends", Person.weekends_worked),
            ("fair_on_calls", lambda p: p.count(rota, "on_call")),
        ):
            rule = rules.get((name, ""))
            if rule is not None:
                values = [count(people[s]) for s in members.index]
                spread = max(values) - min(values) - int(rule.limit)
                found.add(name, "", None, f"group {group}", spread, rule.hard, rule.weight)


def _check_changes(rota: Rota, params: RosterParameters, found: Findings) -> None:
    """Record each change from the published rota, changes beyond ``params.max_changes``, and any
    change before the first changeable date."""
    before: dict[tuple[str, int], str] = {
        (r.staff_id, rota.day(r.date)): r.shift_id for r in rota.inp.published.itertuples(index=False)
    }
    changed = 0
    for s in rota.staff.index:
        for d in range(rota.days):
            if before.get((s, d)) != rota.on[s].get(d):
                changed += 1
                was = f"was {before.get((s, d)) or 'off'}"
                found.add("change", s, rota.date_of(d), was, 1, False, params.change_weight)
    if params.max_changes is not None:
        found.add("max_changes", "", None, "", changed - params.max_changes, True)
    first = rota.inp.first_changeable(params.change_from) or rota.first_date
    for (s, d), was in before.items():
        if rota.date_of(d) < first and rota.on[s].get(d) != was:
            found.add("change_before_change_from", s, rota.date_of(d), f"was {was}", 1, True)
    for s in rota.staff.index:
        for d, now in rota.on[s].items():
            if rota.date_of(d) < first and (s, d) not in before:
                found.add("change_before_change_from", s, rota.date_of(d), f"was off, now {now}", 1, True)


UNLISTED_AT_WEIGHT_0 = frozenset({"under_cover", "over_cover", "change"})
"""Soft breaches not listed when their weight is 0: a cover row's distance from its preferred
cover (``cover.csv`` shows it; ``over_weight`` 0, the default, says more staff are welcome) and a
change from the published rota (``changes.csv`` lists every one)."""


def _report(found: Findings) -> RosterCheck:
    """The hard breaches and the soft penalties found, with the score: every soft breach that
    costs, and each broken rule (of the rules table) or denied request of weight 0, at cost 0,
    so a rule that costs nothing is still seen to be broken (:data:`UNLISTED_AT_WEIGHT_0` aside)."""
    rows = found.rows
    hard = pd.DataFrame([f[:5] for f in rows if f[5]], columns=COLUMNS[:5])
    soft = pd.DataFrame(
        [
            (*f[:5], f[6], f[4] * f[6])
            for f in rows
            if not f[5] and (f[6] > 0 or f[0] not in UNLISTED_AT_WEIGHT_0)
        ],
        columns=COLUMNS,
    )
    return RosterCheck(hard=hard, penalties=soft, score=int(soft["cost"].sum()) if len(soft) else 0)
