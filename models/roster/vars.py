"""Variables of the detailed-rota model and the helpers every constraint family uses.

:class:`RosterModel` holds the CP-SAT model, the assignment literals ``x[p, d, s]``, the derived
work and night literals (constants on history days), and the named penalty terms the families
add. A *literal* here is a CP-SAT Boolean variable or a Python ``bool`` constant (a history day,
or an assignment that cannot happen), so patterns that cross the horizon's start need no special
case.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from models.roster.clock import ShiftClock
from models.roster.input import WEEKDAYS, RosterInput, Rule, parse_list, parse_time
from models.roster.parameters import RosterParameters

Lit = Any  # a cp_model BoolVar or a Python bool
BIG = 10**7  # upper bound of auxiliary integer variables (minutes, counts)


@dataclass(frozen=True)
class PenaltyTerm:
    """``weight * amount`` in the objective: one rule's violation for one person (or cover row)."""

    rule: str
    staff: str
    date: dt.date | None
    detail: str
    amount: Any  # linear expression, literal or int
    weight: int


@dataclass(frozen=True)
class ShiftInfo:
    shift_id: str
    start: int | None  # minutes after midnight
    length: int  # minutes
    paid: int  # minutes
    night: bool
    on_call: bool

    @property
    def end(self) -> int:
        """End in minutes after the start day's midnight (may exceed 1440)."""
        return (self.start or 0) + self.length


@dataclass(frozen=True)
class Outside:
    """The rest of the horizon when a model covers only some of its days (the window search of
    :mod:`models.roster.window_search`): the horizon's days and leave credit, and per person the
    rota's constants outside the model's days, added to every rule counted over the horizon."""

    days: int
    credit: dict[str, float]
    minutes: dict[int, int]
    weekends: dict[int, int]
    shifts: dict[tuple[int, str], int]
    nights: dict[int, int]
    on_calls: dict[int, int]


@dataclass(frozen=True)
class ReferenceDays:
    """Where a model of some of the horizon's days stands in it, for the reference periods of
    ``max_average_weekly_hours`` (:func:`models.roster.rules.paid_hours`): the horizon day of the
    model's day 0, the horizon's days, and per person the paid minutes of the horizon days outside
    the model that are known (the rest of a rota being improved, or the days already built of one
    being built in turn; days not listed count 0)."""

    offset: int
    horizon_days: int
    minutes: dict[int, dict[int, int]]


@dataclass
class RosterModel:
    """A built (not solved) rota model: ``model`` plus the handles needed to read a solution."""

    inp: RosterInput
    params: RosterParameters
    elastic: bool
    model: cp_model.CpModel
    staff: list[str]
    groups: list[str]
    shifts: dict[str, ShiftInfo]
    rules: list[dict[tuple[str, str], Rule]]
    clock: ShiftClock
    x: dict[tuple[int, int, str], Any] = field(default_factory=dict)
    history: dict[tuple[int, int], str] = field(default_factory=dict)  # (p, d < 0) -> shift
    work: dict[tuple[int, int], Lit] = field(default_factory=dict)
    night: dict[tuple[int, int], Lit] = field(default_factory=dict)
    terms: list[PenaltyTerm] = field(default_factory=list)
    weekend_cache: dict[int, list[tuple[int, Lit]]] = field(default_factory=dict)
    and_cache: dict[tuple[int, ...], Any] = field(default_factory=dict)
    paid_cache: dict[tuple[int, int], tuple[list[Any], list[int]]] = field(default_factory=dict)
    outside: Outside | None = None
    reference: ReferenceDays | None = None

    @functools.cached_property
    def first_known_day(self) -> int:
        """The first day the model knows (the history's first, a negative day; 0 without one):
        cached, as the rules ask for it per person and the input's history is fixed."""
        return -self.inp.history_days()

    def date(self, d: int) -> dt.date:
        return self.inp.first_date + dt.timedelta(days=d)

    # ---- literals ----------------------------------------------------------------------
    def assign(self, p: int, d: int, s: str) -> Lit:
        """``x[p, d, s]`` on a horizon day, the history's constant before it."""
        if d < 0:
            return self.history.get((p, d)) == s
        return self.x.get((p, d, s), False)

    def paid_terms(self, p: int, d: int) -> tuple[list[Any], list[int]]:
        """``(x[p, d, s] for each s, paid minutes of s on day d)`` of a horizon day (cached)."""
        key = (p, d)
        if key not in self.paid_cache:
            keys = [(p, d, s) for s in self.shifts if (p, d, s) in self.x]
            self.paid_cache[key] = ([self.x[k] for k in keys], [self.clock.paid(d, k[2]) for k in keys])
        return self.paid_cache[key]

    def paid_minutes(self, p: int, d: int) -> Any:
        """Paid minutes of person p on day d, in elapsed time (expression, or int on history days)."""
        return self.paid_total(p, [d])

    def paid_total(self, p: int, days: Iterable[int]) -> Any:
        """Paid minutes of person p over ``days`` (history days add their constant): one linear
        expression, or an int when every day is history."""
        lits: list[Any] = []
        coeffs: list[int] = []
        constant = 0
        for d in days:
            if d < 0:
                s = self.history.get((p, d))
                constant += self.clock.paid(d, s) if s else 0
                continue
            v, c = self.paid_terms(p, d)
            lits += v
            coeffs += c
        if not lits:
            return constant
        return cp_model.LinearExpr.weighted_sum(lits, coeffs) + constant

    def most_paid(self, p: int, days: Iterable[int]) -> int:
        """The most paid minutes person p can have over ``days``: the history's, else the longest
        shift each day may hold."""
        most = 0
        for d in days:
            if d < 0:
                s = self.history.get((p, d))
                most += self.clock.paid(d, s) if s else 0
            else:
                most += max(self.paid_terms(p, d)[1], default=0)
        return most

    def rule(self, p: int, name: str, shift: str = "") -> Rule | None:
        return self.rules[p].get((name, shift))

    def mode(self, rule: Rule) -> tuple[str, int]:
        """How ``rule`` enters the model: ("hard", 0), ("soft", weight) or ("skip", 0)."""
        if self.elastic:
            return ("soft", self.params.hard_violation_weight) if rule.hard else ("skip", 0)
        if rule.hard:
            return "hard", 0
        return ("soft", rule.weight) if rule.weight > 0 else ("skip", 0)

    def hard_structural(self) -> tuple[str, int]:
        """Mode of requirements that are always hard (cover limits, explicit successions, max changes)."""
        return ("soft", self.params.hard_violation_weight) if self.elastic else ("hard", 0)

    def conj(self, lits: list[Lit]) -> Lit:
        """A literal equal to the AND of ``lits`` (a constant when it is decided already).

        ``b = AND(v_i)`` is two constraints, ``b -> AND(v_i)`` and ``OR(not v_i) OR b``, so the
        penalty it carries is the rota's in every solution, not only at the optimum; one literal
        serves every identical conjunction (``and_cache``, by the literals' indices).
        """
        vs = []
        for lit in lits:
            if lit is True:
                continue
            if lit is False:
                return False
            vs.append(lit)
        if not vs:
            return True
        if len(vs) == 1:
            return vs[0]
        key = tuple(sorted({v.index for v in vs}))
        b = self.and_cache.get(key)
        if b is None:
            b = self.model.new_bool_var("and")
            self.model.add_bool_and(vs).only_enforce_if(b)
            self.model.add_bool_or([v.Not() for v in vs] + [b])
            self.and_cache[key] = b
        return b

    def pattern(
        self,
        mode: tuple[str, int],
        rule: str,
        p: int | None,
        d: int | None,
        detail: str,
        lits: list[Lit],
        amount: int = 1,
    ) -> None:
        """Forbid the conjunction of ``lits`` (hard) or pay ``weight * amount`` when it holds (soft)."""
        kind, weight = mode
        if kind == "skip" or (kind == "soft" and weight <= 0):
            return
        if kind == "hard":
            vs = [v for v in lits if v is not True]
            if any(v is False for v in vs):
                return
            self.model.add_bool_or([v.Not() for v in vs])  # empty: a fixed violation, infeasible
            return
        lit = self.conj(lits)
        if lit is not False:
            self.add_term(rule, p, d, detail, amount * lit if lit is not True else amount, weight)

    def limit(
        self,
        mode: tuple[str, int],
        rule: str,
        p: int | None,
        d: int | None,
        detail: str,
        expr: Any,
        lo: int | None = None,
        hi: int | None = None,
        unit: int = 1,
    ) -> None:
        """``lo <= expr <= hi`` (hard), or pay per started ``unit`` outside it (soft)."""
        kind, weight = mode
        if kind == "skip" or (kind == "soft" and weight <= 0):
            return
        if kind == "hard":
            if isinstance(expr, int):
                if (lo is not None and expr < lo) or (hi is not None and expr > hi):
                    self.model.add_bool_or([])
                return
            if lo is not None:
                self.model.add(expr >= lo)
            if hi is not None:
                self.model.add(expr <= hi)
            return
        for bound, gap in ((lo, None if lo is None else lo - expr), (hi, None if hi is None else expr - hi)):
            if bound is None:
                continue
            if isinstance(gap, int):
                units = -(-max(gap, 0) // unit)
                if units:
                    self.add_term(rule, p, d, detail, units, weight)
                continue
            excess = self.model.new_int_var(0, BIG, "excess")
            self.model.add_max_equality(excess, [gap, 0])  # exact, so the objective is the rota's score
            if unit == 1:
                self.add_term(rule, p, d, detail, excess, weight)
                continue
            units = self.model.new_int_var(0, BIG, "units")
            self.model.add(unit * units >= excess)
            self.model.add(unit * units <= excess + unit - 1)
            self.add_term(rule, p, d, detail, units, weight)

    def penalty_of(self, value: Callable[[Any], Any], staff: str | None = None) -> int:
        """The exact penalty of a rota read with ``value`` (a solver's or a callback's ``value``):
        every term's weight times its amount; with ``staff``, that person's own terms only.
        CP-SAT's reported objective may overstate it (:func:`models.roster.solve._rescored`)."""
        return int(
            sum(
                t.weight * (int(t.amount) if isinstance(t.amount, bool | int) else int(value(t.amount)))
                for t in self.terms
                if staff is None or t.staff == staff
            )
        )

    def hint(self, solver: cp_model.CpSolver) -> dict[cp_model.IntVar, int]:
        """Each assignment ``x[p, d, s]`` of the rota ``solver`` holds (of :attr:`model` or a copy
        of it with the same variables): a hint of the assignments only (:meth:`solution` gives
        every variable)."""
        return {var: int(solver.value(var)) for var in self.x.values()}

    def solution(self, solver: cp_model.CpSolver) -> list[int]:
        """The value of every variable of :attr:`model` in the solution ``solver`` holds, in the
        model's order: a complete hint (:func:`solvers.solve_cpsat`'s ``solution``). ``solver``
        solved :attr:`model` or a copy of it with more constraints (a hardened or narrowed model,
        whose variables are the model's), so this is a solution of the model and of any such copy
        it satisfies."""
        count = len(self.model.proto.variables)
        values = list(solver.response_proto.solution)
        if len(values) < count:
            raise AssertionError(f"the solver holds {len(values)} of the model's {count} variables")
        return values[:count]

    def narrowed(
        self, fixed: Mapping[tuple[int, int, str], int] | None = None, floor: int | None = None
    ) -> cp_model.CpModel:
        """A copy of the model with the assignments ``fixed`` (``x[p, d, s]`` keys) held at their
        values and, with ``floor`` (a proven bound), the penalty at least ``floor``: the
        neighbourhoods, fixed rotas and cut polishes of the searches."""
        model = self.model.clone()
        if floor is not None:
            model.add(sum(t.weight * t.amount for t in self.terms) >= floor)
        for key, value in (fixed or {}).items():
            domain = model.proto.variables[self.x[key].index].domain
            domain[0] = domain[1] = value
        return model

    def add_term(
        self, rule: str, p: int | None, d: int | None, detail: str, amount: Any, weight: int
    ) -> None:
        if weight > 0:
            staff = "" if p is None else self.staff[p]
            self.terms.append(
                PenaltyTerm(rule, staff, None if d is None else self.date(d), detail, amount, weight)
            )


def make_variables(inp: RosterInput, params: RosterParameters, elastic: bool) -> RosterModel:
    """Create ``x[p, d, s]`` for every assignment that may happen, and the work/night literals.

    No variable is made for a date and shift without a cover row (no demand: nobody works it),
    leave, fixed days off, days pre-assigned to another shift, a day before the first changeable
    date of a re-rostering (its published shift is fixed, or it stays off), or a shift a hard rule bans
    (``max_shifts_of_type`` 0, ``max_shift_hours`` on that date in elapsed time,
    ``preferred_shifts``); a pre-assigned shift is fixed to 1 whatever the cover. One shift a
    day: ``sum_s x[p, d, s] = work[p, d] <= 1``.
    """
    m = cp_model.CpModel()
    staff_ids = inp.staff["staff_id"].tolist()
    groups = inp.staff["group"].tolist()
    shifts = {
        r.shift_id: ShiftInfo(
            r.shift_id,
            parse_time(r.start),
            int(r.length_minutes),
            int(r.paid_minutes),
            bool(r.night),
            bool(r.on_call),
        )
        for r in inp.shifts.itertuples(index=False)
    }
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    by_group = {g: inp.rules_for(g) for g in set(groups)}  # read once per group, not per person
    rules = [by_group[g] for g in groups]
    rm = RosterModel(inp, params, elastic, m, staff_ids, groups, shifts, rules, clock)
    pos = {s: i for i, s in enumerate(staff_ids)}
    off = {(pos[r.staff_id], inp.day_index(r.date)) for r in inp.leave.itertuples(index=False)}
    pre = {
        (pos[r.staff_id], inp.day_index(r.date)): r.shift_id for r in inp.preassigned.itertuples(index=False)
    }
    demand = {(inp.day_index(r.date), r.shift_id) for r in inp.cover.itertuples(index=False)}
    frozen = _frozen(inp, params, pos, pre)
    for r in inp.history.itertuples(index=False):
        rm.history[(pos[r.staff_id], inp.day_index(r.date))] = r.shift_id
    for p, row in enumerate(inp.staff.itertuples(index=False)):
        fixed_off = parse_list(row.fixed_days_off)
        banned = {s for s in shifts if _banned(rm, p, s, parse_list(row.preferred_shifts))}
        for d in range(inp.days):
            if (p, d) in off or WEEKDAYS[rm.date(d).weekday()] in fixed_off or (p, d) in frozen:
                continue
            for s in shifts:
                if (p, d) in pre:
                    if pre[(p, d)] == s:
                        rm.x[(p, d, s)] = m.new_bool_var(f"x[{staff_ids[p]},{d},{s}]")
                        m.add(rm.x[(p, d, s)] == 1)
                    continue
                if (d, s) not in demand or s in banned or _too_long(rm, p, d, s):
                    continue
                rm.x[(p, d, s)] = m.new_bool_var(f"x[{staff_ids[p]},{d},{s}]")
    for p in range(len(staff_ids)):
        for d in range(rm.first_known_day, 0):
            s = rm.history.get((p, d))
            rm.work[(p, d)] = s is not None
            rm.night[(p, d)] = s is not None and shifts[s].night
        for d in range(inp.days):
            day = [rm.x[(p, d, s)] for s in shifts if (p, d, s) in rm.x]
            nights = [rm.x[(p, d, s)] for s in shifts if (p, d, s) in rm.x and shifts[s].night]
            rm.work[(p, d)] = _indicator(m, day, f"work[{staff_ids[p]},{d}]")
            rm.night[(p, d)] = (
                _indicator(m, nights, f"night[{staff_ids[p]},{d}]")
                if len(nights) < len(day)
                else rm.work[(p, d)]
            )
    return rm


def _frozen(
    inp: RosterInput, params: RosterParameters, pos: dict[str, int], pre: dict[tuple[int, int], str]
) -> set[tuple[int, int]]:
    """Re-rostering: the (person, day) pairs before the first changeable date that are off as
    published; the published shifts of those days join ``pre`` (fixed)."""
    first = inp.first_changeable(params.change_from)
    if first is None:
        return set()
    until = min(max(inp.day_index(first), 0), inp.days)
    published = {
        (pos[r.staff_id], inp.day_index(r.date)): r.shift_id for r in inp.published.itertuples(index=False)
    }
    off = set()
    for p in range(len(pos)):
        for d in range(until):
            if (p, d) in published:
                pre[(p, d)] = published[(p, d)]
            else:
                off.add((p, d))
    return off


def _indicator(m: cp_model.CpModel, lits: list[Any], name: str) -> Lit:
    """A literal equal to ``sum(lits)`` (which is at most 1), or False when ``lits`` is empty."""
    if not lits:
        return False
    if len(lits) == 1:
        return lits[0]
    b = m.new_bool_var(name)
    m.add(cp_model.LinearExpr.sum(lits) == b)
    return b


def _banned(rm: RosterModel, p: int, s: str, preferred: tuple[str, ...]) -> bool:
    """Whether a hard rule forbids person p ever working shift type s (never when elastic)."""
    if rm.elastic:
        return False
    r = rm.rule(p, "max_shifts_of_type", s)
    if r is not None and r.hard and r.limit < 1:
        return True
    r = rm.rule(p, "preferred_shifts")
    return r is not None and r.hard and bool(preferred) and s not in preferred


def _too_long(rm: RosterModel, p: int, d: int, s: str) -> bool:
    """Whether a hard ``max_shift_hours`` forbids shift s on day d (elapsed time; never when elastic)."""
    r = rm.rule(p, "max_shift_hours")
    return (
        not rm.elastic
        and r is not None
        and r.hard
        and rm.clock.elapsed(d, s) > math.floor(r.limit * 60 + 1e-9)
    )
