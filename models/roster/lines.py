r"""One person's lines of work: their part of the rota model alone, priced against multipliers.

A *line* is one person's shifts over the horizon. :class:`LineModel` builds the rota model of one
person with the model's own rule builders (:data:`models.roster.rules.FAMILIES` without the
families that couple people: ``cover`` and ``fairness``; the hard ``max_changes`` is dropped
too), so every rule a line must satisfy is the model's own. Its objective is the person's own
penalty :math:`c_l` (rest, runs, nights, hours, weekends, shift types, requests, changes).

Pricing (:meth:`LineModel.price`) solves

.. math:: \min_{l \in L_p}\; \bar c_l = c_l - \sum_{(d,s)} \mu_{ds}\, x^l_{ds} - \sum_k \phi_k\, N^l_k

over the person's legal lines :math:`L_p`, where :math:`\mu_{ds}` is the sum of the multipliers
of the cover rows (date, shift, skill) the person counts towards and :math:`\phi_k` the
multiplier of the person's count :math:`N_k` (nights, weekends worked, on-call shifts, changes
against a published rota). Multipliers are rounded to ``1 / SCALE`` so the objective is a whole
number; the caller's bound uses the rounded multipliers, so it stays valid. CP-SAT's proven
bound on :math:`\min \bar c_l` is returned even when the search stops early.

A person whose rules the dynamic programme of :mod:`models.roster.line_paths` models (the Curtois &
Qu rules) is priced by it first when the count multipliers :math:`\phi` are 0: its best line is
the exact optimum when it meets the shift-type counts the programme does not track, else CP-SAT
prices the person as above.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from models.roster.input import RosterInput
from models.roster.line_paths import WORKS, LinePaths
from models.roster.parameters import RosterParameters
from models.roster.rules import FAMILIES, cover, fairness, weekend_literals
from models.roster.vars import RosterModel, make_variables

__all__ = ["COUNTS", "SCALE", "WORKS", "Line", "LineModel", "Priced", "line_of_rota", "person_rota_input"]

SCALE = 1000
"""Multipliers are rounded to 1/SCALE of a penalty point (CP-SAT needs whole-number objectives)."""
LINEARIZATION = (1, 2)
"""CP-SAT's ``linearization_level`` in pricing: CP-SAT's default first; a person whose pricing
is not proven in its time switches to the full LP relaxation. The full LP proved the registrars'
91-day pricing problems in 0.7 s each where the default did not in 10 s, but took 36 rounds
(35.7 s) instead of 28 (24.9 s) to Curtois & Qu Instance7's bound."""
COUNTS = ("nights", "weekends", "on_calls", "changes")
"""The counts of a line that rules coupling people read (fairness and ``max_changes``)."""


@dataclass(frozen=True)
class Line:
    """One person's line of work: the shifts worked, its own penalty and its counts."""

    person: int
    shifts: frozenset[tuple[int, str]]  # (day, shift_id)
    cost: int  # penalty points of the person's own rules and requests
    counts: tuple[int, ...]  # as COUNTS


@dataclass(frozen=True)
class Priced:
    """What one pricing call found: lines (best last), and a lower bound on the least priced cost."""

    lines: tuple[Line, ...]
    bound: float  # lower bound of min over lines of (cost - multipliers), in penalty points (-inf: none)
    optimal: bool
    seconds: float


def person_rota_input(inp: RosterInput, staff_id: str) -> RosterInput:
    """``inp`` restricted to one person: their rows of every per-person table; cover rows kept
    (they say which shifts can be worked on which date), every other person left out.

    The tables are rows of ``inp``'s tables, which are validated and normalised already, so they
    are not validated again (:meth:`RosterInput.replace` would: on Curtois & Qu Instance12 that
    was 60 % of the 5 s spent building the 60 people's pricing models at the start of every
    ``lines`` search). ``tests/models/roster/test_lines_input.py`` checks the tables equal the
    re-validated ones."""

    def own(frame: Any) -> Any:
        if frame is None:
            return None
        return frame[frame["staff_id"].astype(str) == staff_id].reset_index(drop=True)

    staff = inp.staff[inp.staff["staff_id"].astype(str) == staff_id].reset_index(drop=True)
    groups = {"*", *staff["group"].astype(str)}
    tables = {
        "staff": staff,
        "rules": inp.rules[inp.rules["group"].astype(str).isin(groups)].reset_index(drop=True),
        "leave": own(inp.leave),
        "preassigned": own(inp.preassigned),
        "requests": own(inp.requests),
        "history": own(inp.history),
        "published": own(inp.published),
    }
    out = copy.copy(inp)
    for key, value in tables.items():
        object.__setattr__(out, key, value)  # as RosterInput.__post_init__ stores validated tables
    return out


class LineModel:
    """The CP-SAT model of one person's lines of work (person ``p`` of ``full``); ``paths``: price
    by the dynamic programme first where it applies (default True; False: CP-SAT alone)."""

    def __init__(self, full: RosterModel, p: int, paths: bool = True) -> None:
        self._setup(full.inp, full.params, p, str(full.staff[p]), paths)

    @classmethod
    def of_person(
        cls, inp: RosterInput, params: RosterParameters, p: int, staff_id: str, paths: bool = True
    ) -> LineModel:
        """The model of person ``p`` (``staff_id``) of the whole model's validated input ``inp``
        and parameters ``params``, without the whole model (a pricing worker process builds its
        people's models so: :mod:`models.roster.pricing_workers`)."""
        model = cls.__new__(cls)
        model._setup(inp, params, p, staff_id, paths)
        return model

    def _setup(self, inp: RosterInput, params: RosterParameters, p: int, staff_id: str, paths: bool) -> None:
        params = dataclasses.replace(
            params, max_changes=None, change_from=inp.first_changeable(params.change_from)
        )
        self.p = p
        self.rm = self._build(person_rota_input(inp, staff_id), params)
        rm = self.rm
        self.own = sum(t.weight * t.amount for t in rm.terms)
        self.x = {(d, s): v for (_, d, s), v in rm.x.items()}
        nights = sum(v for (d, s), v in self.x.items() if rm.shifts[s].night)
        on_calls = sum(v for (d, s), v in self.x.items() if rm.shifts[s].on_call)
        worked: list[Any] = [lit for _, lit in weekend_literals(rm, 0)]
        weekends = sum(worked)
        changes = sum(t.amount for t in rm.terms if t.rule == "change")
        self.counts = (nights, weekends, on_calls, changes)
        self.hint: Line | None = None
        self.linearization = LINEARIZATION[0]
        self._domains: dict[int, tuple[int, int]] = {}  # variable index -> domain before restrict
        self._works: set[int] = set()  # days a fixing makes the line work (some shift)
        self._impossible = False
        self.paths = LinePaths.of(rm) if paths else None
        self._read: dict[tuple[int, str], tuple[int, int]] | None = None  # domains, as paths read them
        self.fixings: tuple[frozenset[tuple[int, str]], frozenset[tuple[int, str]]] = (
            frozenset(),
            frozenset(),
        )

    def restrict(self, on: Collection[tuple[int, str]] = (), off: Collection[tuple[int, str]] = ()) -> None:
        """Price only lines that work every (day, shift) of ``on`` and none of ``off`` (a
        branch-and-price node's fixings), until the next call; ``(day, WORKS)`` in ``on``: some
        shift that day, in ``off``: none. ``restrict()`` lifts every restriction. The variables'
        domains are narrowed in place (the model is reused); a fixing outside a variable's own
        domain (leave, a preassignment) or a (day, shift) the person cannot work leaves no legal
        line: :meth:`price` then proves infeasibility. ``fixings`` keeps them (a pricing worker
        process repeats them on its copy)."""
        proto = self.rm.model.proto
        self._read = None
        self.fixings = (frozenset(on), frozenset(off))
        for index, (lo, hi) in self._domains.items():
            _narrow(proto.variables[index].domain, lo, hi)
        self._domains = {}
        self._impossible = False
        self._works = set()
        days_off = {d for d, s in off if s == WORKS}
        off = [k for k in off if k[1] != WORKS] + [(d, s) for d, s in self.x if d in days_off]
        for keys, value in ((on, 1), (off, 0)):
            for key in keys:
                var: Any = self.rm.work.get((0, key[0]), False) if key[1] == WORKS else self.x.get(key)
                if var is None or isinstance(var, bool):
                    self._impossible = self._impossible or (value == 1 and var is not True)
                    continue
                if key[1] == WORKS:
                    self._works.add(key[0])
                domain = proto.variables[var.index].domain
                self._domains.setdefault(var.index, (domain[0], domain[1]))
                if not domain[0] <= value <= domain[1]:
                    self._impossible = True
                    continue
                _narrow(domain, value, value)

    @staticmethod
    def _build(inp: RosterInput, params: RosterParameters) -> RosterModel:
        rm = make_variables(inp, params, elastic=False)
        for family in FAMILIES:
            if family not in (cover, fairness):
                family(rm)
        return rm

    def price(
        self,
        mu: Mapping[tuple[int, str], int],
        phi: tuple[int, ...],
        seconds: float | None,
        seed: int = 0,
        pool: int = 5,
    ) -> Priced:
        """The best lines against multipliers ``mu`` (per day and shift) and ``phi`` (per count),
        both in 1/SCALE points; at most ``seconds``; up to ``pool`` improving lines kept."""
        if self._impossible:
            return Priced((), float("inf"), True, 0.0)
        if self.paths is not None and not any(phi):
            t0 = time.perf_counter()
            priced = self._by_paths(mu, pool)
            if priced is not None:
                return dataclasses.replace(priced, seconds=time.perf_counter() - t0)
        rm = self.rm
        objective = SCALE * self.own - sum(mu.get(k, 0) * v for k, v in self.x.items() if mu.get(k, 0))
        objective -= sum(f * c for f, c in zip(phi, self.counts, strict=True) if f and not isinstance(c, int))
        rm.model.minimize(objective)
        rm.model.clear_hints()
        if self.hint is not None:
            for k, v in self.x.items():
                rm.model.add_hint(v, int(k in self.hint.shifts))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = self.linearization
        solver.parameters.random_seed = seed
        if seconds is not None:
            solver.parameters.max_time_in_seconds = max(seconds, 0.001)
        found = _Collector(self, pool)
        t0 = time.perf_counter()
        code = solver.solve(rm.model, found)
        seconds_used = time.perf_counter() - t0
        const = sum(f * c for f, c in zip(phi, self.counts, strict=True) if f and isinstance(c, int))
        if code != cp_model.OPTIMAL:
            self.linearization = LINEARIZATION[-1]
        if code == cp_model.INFEASIBLE:
            return Priced((), float("inf"), True, seconds_used)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # stopped before any line: CP-SAT then reports a bound of 0 whatever the multipliers
            # (seen when the time left was a few milliseconds), which is no bound at all
            return Priced((), float("-inf"), False, seconds_used)
        if found.lines:
            self.hint = found.lines[-1]
        return Priced(
            tuple(found.lines),
            (float(solver.best_objective_bound) - const) / SCALE,
            code == cp_model.OPTIMAL,
            seconds_used,
        )

    def _by_paths(self, mu: Mapping[tuple[int, str], int], pool: int) -> Priced | None:
        """Pricing by the dynamic programme within the variables' current domains (a node's
        fixings); None when its best line breaks an untracked shift-type count."""
        assert self.paths is not None
        if self._read is None:
            proto = self.rm.model.proto
            self._read = {}
            for key, var in self.x.items():
                domain = proto.variables[var.index].domain
                self._read[key] = (int(domain[0]), int(domain[1]))
            for d in self._works:
                self._read[(d, WORKS)] = (1, 1)
        found, least, exact = self.paths.price(mu, self._read, SCALE, pool)
        if not exact:
            return None
        if not found:
            return Priced((), float("inf"), True, 0.0)
        lines = tuple(self._line(path.shifts, path.cost) for path in found)
        self.hint = lines[-1]
        return Priced(lines, least / SCALE, True, 0.0)

    def _line(self, shifts: frozenset[tuple[int, str]], cost: int) -> Line:
        """The line working ``shifts`` at ``cost`` penalty points, with its counts."""
        return Line(self.p, shifts, cost, (*_shift_counts(self.rm, shifts), 0))

    def line_of(self, value: Any) -> Line:
        """The line of a solution, read with ``value`` (a solver's or a callback's ``value``)."""
        shifts = frozenset(k for k, v in self.x.items() if value(v))
        cost = self.rm.penalty_of(value)
        counts = tuple(int(_read(value, c)) for c in self.counts)
        return Line(self.p, shifts, cost, counts)


def _narrow(domain: Any, lo: int, hi: int) -> None:
    """Set a Boolean variable's proto domain (two figures, one interval) to ``[lo, hi]``."""
    domain[0] = lo
    domain[1] = hi


def _read(value: Any, expr: Any) -> int:
    if isinstance(expr, (bool, int)):
        return int(expr)
    return int(value(expr))


class _Collector(cp_model.CpSolverSolutionCallback):
    """Keeps the last ``pool`` solutions CP-SAT finds (each better than the one before)."""

    def __init__(self, owner: LineModel, pool: int) -> None:
        super().__init__()
        self.owner = owner
        self.pool = pool
        self.lines: list[Line] = []

    def on_solution_callback(self) -> None:
        self.lines.append(self.owner.line_of(self.value))
        if len(self.lines) > self.pool:
            self.lines.pop(0)


def line_of_rota(rm: RosterModel, p: int, value: Any) -> Line:
    """Person ``p``'s line in a rota of the whole model ``rm`` read with ``value``: their shifts,
    the penalty of their own terms (every term naming them) and their counts."""
    staff = rm.staff[p]
    shifts = frozenset((d, s) for (q, d, s), v in rm.x.items() if q == p and value(v))
    cost = rm.penalty_of(value, staff)
    changes = int(sum(_read(value, t.amount) for t in rm.terms if t.staff == staff and t.rule == "change"))
    return Line(p, shifts, cost, (*_shift_counts(rm, shifts), changes))


def _shift_counts(rm: RosterModel, shifts: frozenset[tuple[int, str]]) -> tuple[int, int, int]:
    """Nights, weekends worked and on-call shifts of a line working ``shifts``."""
    days = {d for d, _ in shifts}
    return (
        sum(1 for _, s in shifts if rm.shifts[s].night),
        sum(1 for sat, sun in rm.inp.weekends() if {sat, sun} & days),
        sum(1 for _, s in shifts if rm.shifts[s].on_call),
    )
