r"""A lower bound for long rotas in minutes: a Lagrangian bound whose pricing is cut into windows.

The column-generation bound (:mod:`models.roster.master`) prices each person over the whole
horizon; a 364-day pricing problem took CP-SAT 20 s without proving optimality (150 of them make a
year's rota). :func:`window_bound` evaluates the same Lagrangian function at fixed multipliers
and relaxes each person's pricing problem further, into windows of days, so every piece is a
one-person, four-week model that CP-SAT proves in a fraction of a second.

**The function.** Relax the cover rows :math:`n_r + U_r - O_r = q_r` with multipliers :math:`y_r`
(as :meth:`models.roster.master.Master.lagrangian`): for every :math:`y`,

.. math:: OPT \ge \sum_r \Big( y_r q_r + \min(0, (u_r - y_r)(q_r - m_r)^+)
          + \min(0, (o_r + y_r)(\bar M_r - q_r)^+) \Big) + \sum_p \min_{l \in L_p} \big( c_l - Y_p(l) \big)

with :math:`\bar M_r` the hard maximum (or the people who can count), :math:`Y_p(l)` the sum of
:math:`y_r` over the rows each shift of line :math:`l` counts towards, and :math:`c_l` the
person's own penalty; fairness is left out (its penalty is at least 0: multipliers 0).

**Relaxing each person's problem.** A lower bound on :math:`\min_l (c_l - Y_p(l))` keeps the
bound valid. Person :math:`p`'s penalty is a sum of terms; three changes only lower it:

1. a term counted over the whole horizon is dropped (hard ones too: the set of lines only grows),
   except ``contract_hours_tolerance`` when soft, which is replaced by an affine minorant. Its
   penalty :math:`w \lceil (lo - H)^+ / 60 \rceil + w \lceil (H - hi)^+ / 60 \rceil` in the paid
   minutes :math:`H` is at least :math:`g (lo - H)` for :math:`g = w / 60` per minute, and
   :math:`H = \sum_w H_w` splits over windows;
2. cut into windows (:func:`models.roster.horizon.window_spans`), each window its own rota of
   the person without history (the instance's own history before day 0 is kept): a term or hard
   rule spanning a seam (runs, rest, 7-day hours) is dropped, which again only removes
   nonnegative penalties or constraints;
3. each window's least cost is CP-SAT's proven bound, valid even when it stops early.

So :math:`\min_l (c_l - Y_p(l)) \ge g\, lo + \sum_w \min_{l_w} \big(c^{loc}_{l_w}
- \sum_{(d,s) \in l_w} (g \cdot paid_{ds} + Y_p(d, s))\big)`.

**The multipliers.** A shift's paid hours are worth :math:`w_p / 60` a minute to a person short
of contract hours, and a year's rota is short when the hard cover maxima cap the hours (150 x 364:
222,038 contract hours at the lower tolerance, 194,558 hours of cover at the maxima). At
:math:`y_r = -\theta \cdot paid_{ds}` on one skill-free row of each date and shift (0 on rows with
a skill) and slopes :math:`g_p = \min(\theta, w_p / 60)`, no shift's net cost
:math:`-(g_p\, paid + Y_p)` is below 0, so each person's pricing costs only their local rules and
requests (at least 0), and the rows' terms count the hours the cover maxima allow against the
contract minima. :func:`_best_rows` picks :math:`\theta` where that constant part is largest (0 when
the cover does not cap the hours: the bound is then the local rules' alone). As every window's
least cost is at least 0, a window left unpriced when the time runs out (or not proven feasible
in it) counts as its floor, the least net cost of one shift a day summed over its days
(:func:`_day_floors`: 0 when no net cost is negative), and the bound still holds. Costs are
scaled by 60 so CP-SAT's objective is integral; the bound is rounded up (penalties are whole
numbers).
"""

from __future__ import annotations

import dataclasses
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
from ortools.sat.python import cp_model

from models.roster.clock import ShiftClock
from models.roster.horizon import window_spans
from models.roster.input import RosterInput, parse_list
from models.roster.lines import person_rota_input
from models.roster.parameters import RosterParameters
from models.roster.rules import FAMILIES, cover, fairness
from models.roster.vars import make_variables
from solvers import SolveOptions

__all__ = ["HORIZON_RULES", "WindowBound", "WindowBoundSettings", "row_multipliers", "window_bound"]

HORIZON_RULES = (
    "max_average_weekly_hours",
    "contract_hours_tolerance",
    "max_total_hours",
    "min_total_hours",
    "max_weekends",
    "max_shifts_of_type",
    "min_shifts_of_type",
    "fair_nights",
    "fair_weekends",
    "fair_on_calls",
)
"""Rules counted over the whole horizon (or a group): left out of every window's pricing."""
SCALE = 60
"""Pricing objectives are in 1/60 of a penalty point: a contract weight per hour is per minute then."""


@dataclass(frozen=True)
class WindowBoundSettings:
    """Figures of :func:`window_bound`.

    window_days : int
        Days per pricing window (default 28; windows after the first start on Mondays).
    price_seconds : float
        Most seconds of CP-SAT for one person's window (default 2; a 28-day window is usually
        proven in well under a second: the bound holds either way); 0: no pricing, the constant
        part alone (valid when no shift's net cost is negative).
    workers : int
        Person-windows priced at once, one CP-SAT worker each (default 2).
    """

    window_days: int = 28
    price_seconds: float = 2.0
    workers: int = 2


@dataclass(frozen=True)
class WindowBound:
    """``bound``: the lower bound rounded up (None only if it is not a finite number; windows not
    priced in time count their floors); ``rows``: the cover rows' and contract constants' part;
    ``pricing``: the windows' part; ``proven``: every window's pricing proven optimal;
    ``pieces``: windows priced; ``seconds``: wall-clock seconds."""

    bound: int | None
    rows: float
    pricing: float
    proven: bool
    pieces: int
    seconds: float


def hours_short(inp: RosterInput) -> float:
    """The bound's constant part (the cover rows' and contract constants' part, :func:`_best_rows`):
    above 0 when the cover leaves the contracts short of hours and their penalty is certain."""
    weights, lows = contract_slopes(inp)
    return _best_rows(inp, weights, lows)[1]


def contract_slopes(inp: RosterInput) -> tuple[list[float], list[float]]:
    """Per person: the slope :math:`g` (penalty points per paid minute short of the contract, 0
    when the rule is absent, hard or without contract) and the lower limit :math:`lo` in minutes
    (as :func:`models.roster.rules.paid_hours` computes it)."""
    assert inp.leave is not None  # validated: an empty table when none is given
    credit: dict[str, float] = inp.leave.groupby("staff_id")["credit_hours"].sum().to_dict()
    slopes, lows = [], []
    for row in inp.staff.itertuples(index=False):
        rule = inp.rules_for(row.group).get(("contract_hours_tolerance", ""))
        if rule is None or rule.hard or rule.weight <= 0 or float(row.contract_hours_week) <= 0:
            slopes.append(0.0)
            lows.append(0.0)
            continue
        target = float(row.contract_hours_week) * 60 * inp.days / 7 - 60 * credit.get(row.staff_id, 0.0)
        band = rule.limit * 60 * inp.days / 7
        slopes.append(rule.weight / 60)
        lows.append(float(max(math.ceil(target - band - 1e-6), 0)))
    return slopes, lows


def row_multipliers(inp: RosterInput, theta: float) -> list[float]:
    """:math:`y_r` of every cover row (module docstring): :math:`-\\theta \\cdot paid` on the first
    skill-free row of each date and shift, 0 on the others."""
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    seen: set[tuple[int, str]] = set()
    out = []
    for r in inp.cover.itertuples(index=False):
        d = inp.day_index(r.date)
        if r.skill or (d, r.shift_id) in seen:
            out.append(0.0)
            continue
        seen.add((d, r.shift_id))
        out.append(-theta * clock.paid(d, r.shift_id))
    return out


def _best_rows(
    inp: RosterInput, weights: list[float], lows: list[float]
) -> tuple[float, float, dict[tuple[int, int, str], float]]:
    r"""The price :math:`\theta` (per paid minute) whose constant part of the bound is largest, that
    part, and each (person, day, shift)'s :math:`Y_p(d, s)` at it.

    Each person's slope is :math:`g_p = \min(\theta, w_p / 60)`, so no shift's net cost is below
    0 for a person whose only horizon rule is the contract. The constant part is concave and
    piecewise linear in :math:`\theta`: its kinks are where a row's over weight equals
    :math:`\theta \cdot paid` or a person's :math:`w_p / 60` is reached, so the best is at 0, a kink or
    the largest :math:`w_p / 60`, all tried."""
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    top = max(weights, default=0.0)
    kinks = {0.0, top, *weights}
    for r in inp.cover.itertuples(index=False):
        paid = clock.paid(inp.day_index(r.date), r.shift_id)
        if paid > 0 and 0 < r.over_weight / paid < top:
            kinks.add(r.over_weight / paid)
    best: tuple[float, float, dict[tuple[int, int, str], float]] | None = None
    for theta in sorted(kinks):
        rows, per = _row_terms(inp, row_multipliers(inp, theta))
        rows += sum(min(theta, g) * lo for g, lo in zip(weights, lows, strict=True))
        if best is None or rows > best[1] + 1e-9:
            best = (theta, rows, per)
    assert best is not None
    return best


def _row_terms(inp: RosterInput, y: list[float]) -> tuple[float, dict[tuple[int, int, str], float]]:
    """The rows' part of the bound, and each (person, day, shift)'s :math:`Y_p(d, s)`."""
    skills = [set(parse_list(s)) for s in inp.staff["skills"]]
    people = len(inp.staff)
    total = 0.0
    per: dict[tuple[int, int, str], float] = {}
    for r, yr in zip(inp.cover.itertuples(index=False), y, strict=True):
        d = inp.day_index(r.date)
        who = [p for p in range(people) if not r.skill or r.skill in skills[p]]
        q = float(r.preferred)
        most = float(len(who)) if r.maximum < 0 else float(min(r.maximum, len(who)))
        total += yr * q
        total += min(0.0, (r.under_weight - yr) * max(q - r.minimum, 0.0))
        total += min(0.0, (r.over_weight + yr) * max(most - q, 0.0))
        if yr:
            for p in who:
                per[(p, d, r.shift_id)] = per.get((p, d, r.shift_id), 0.0) + yr
    return total, per


def _local_rules(rules: pd.DataFrame) -> pd.DataFrame:
    return rules[~rules["rule"].isin(HORIZON_RULES)].reset_index(drop=True)


def _window(one: RosterInput, start: int, days: int) -> RosterInput:
    """Person ``one``'s days ``start .. start + days - 1``: local rules, no history but the instance's."""
    first = one.first_date + pd.Timedelta(days=start).to_pytimedelta()
    last = first + pd.Timedelta(days=days - 1).to_pytimedelta()

    def within(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None:
            return None
        return frame[(frame["date"] >= first) & (frame["date"] <= last)].reset_index(drop=True)

    return dataclasses.replace(
        one,
        first_date=first,
        days=days,
        cover=within(one.cover),
        leave=within(one.leave),
        preassigned=within(one.preassigned),
        requests=within(one.requests),
        history=one.history if start == 0 else None,
        name=f"{one.name}-{first.isoformat()}",
        contract_weeks=one.contract_weeks or (one.first_date, one.days),  # leave credited as the rota's
    )


def _price(
    piece: RosterInput, params: RosterParameters, start: int, slope: float,
    per: dict[tuple[int, int, str], float], p: int, seconds: float, seed: int,
) -> tuple[float, bool]:  # fmt: skip
    """Least :math:`c^{loc} - \\sum (g\\,paid + Y)` of one person's window (proven bound, points)."""
    rm = make_variables(piece, params, False)
    for family in FAMILIES:
        if family not in (cover, fairness):
            family(rm)
    lits = [t.amount for t in rm.terms]
    coeffs = [SCALE * t.weight for t in rm.terms]
    for (_, d, s), var in rm.x.items():
        c = -slope * SCALE * rm.clock.paid(d, s) - SCALE * per.get((p, start + d, s), 0.0)
        if c:
            lits.append(var)
            coeffs.append(round(c))
    rm.model.minimize(cp_model.LinearExpr.weighted_sum(lits, coeffs))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    code = solver.solve(rm.model)
    if code == cp_model.INFEASIBLE:
        return math.inf, True
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return -math.inf, False
    return float(solver.best_objective_bound) / SCALE, code == cp_model.OPTIMAL


def window_bound(
    inp: RosterInput,
    params: RosterParameters,
    options: SolveOptions,
    settings: WindowBoundSettings | None = None,
) -> WindowBound:
    """The bound of the module docstring, within ``options``' deadline (None when cut short)."""
    settings = settings or WindowBoundSettings()
    t0 = time.perf_counter()
    options = options.with_deadline()
    weights, lows = contract_slopes(inp)
    theta, rows, per = _best_rows(inp, weights, lows)
    slopes = [min(theta, g) for g in weights]
    spans = [(start, end - start) for start, end in window_spans(inp, settings.window_days)]

    floors = _day_floors(inp, slopes, per)

    def person(p: int) -> tuple[float, bool, int]:
        total, proven, done = 0.0, True, 0
        one: RosterInput | None = None
        for start, days in spans:
            floor = sum(floors[p][start : start + days])
            left = options.remaining()
            if settings.price_seconds <= 0 or options.should_stop() or (left is not None and left <= 0):
                total, proven = total + floor, False
                continue
            if one is None:
                one = person_rota_input(inp, str(inp.staff["staff_id"].iloc[p]))
                one = dataclasses.replace(one, rules=_local_rules(one.rules))
            seconds = settings.price_seconds if left is None else min(settings.price_seconds, left)
            least, exact = _price(
                _window(one, start, days), params, start, slopes[p], per, p, seconds, options.seed
            )
            total += least if math.isfinite(least) else (floor if least < 0 else 0.0)
            proven = proven and exact
            done += 1
        return total, proven, done

    with ThreadPoolExecutor(max(1, settings.workers)) as pool:
        found = list(pool.map(person, range(len(inp.staff))))
    pricing = sum(f[0] for f in found)
    value = rows + pricing
    bound = None if not math.isfinite(value) else math.ceil(value - 1e-6)
    return WindowBound(
        bound, rows, pricing, all(f[1] for f in found), sum(f[2] for f in found), time.perf_counter() - t0
    )


def _day_floors(
    inp: RosterInput, slopes: list[float], per: dict[tuple[int, int, str], float]
) -> list[list[float]]:
    r"""Per person and day, :math:`\min(0, \min_s -(g\,paid + Y))` over the day's shifts with
    cover: a window's least cost is at least the sum over its days (at most one shift a day, and
    the penalties are at least 0), which stands in for a window left unpriced."""
    clock = ShiftClock(inp.first_date, inp.timezone, inp.shifts)
    demand = sorted({(inp.day_index(r.date), r.shift_id) for r in inp.cover.itertuples(index=False)})
    paid = [clock.paid(d, s) for d, s in demand]
    floors = []
    for p in range(len(inp.staff)):
        day = [0.0] * inp.days
        for (d, s), minutes in zip(demand, paid, strict=True):
            if 0 <= d < inp.days:
                day[d] = min(day[d], -slopes[p] * minutes - per.get((p, d, s), 0.0))
        floors.append(day)
    return floors
