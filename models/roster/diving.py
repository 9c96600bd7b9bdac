r"""A rota from column generation by diving: fix the lines the LP is surest of, price again, repeat.

The restricted master LP (:class:`models.roster.master.Master`) after column generation is close
to the rota's optimum (within 0.2 % on Curtois & Qu Instances 2-7), but its lines seldom combine
into a good rota: the MIP over them (:func:`models.roster.column_generation.rota_from_columns`)
has only the lines that suit a fractional solution. Diving (the classic heuristic of
branch-and-price for nurse rostering) builds the rota one group of people at a time:

1. Solve the master LP with the people fixed so far; :math:`\bar\lambda_p = \max_l \lambda_{pl}`
   is how sure the LP is of person :math:`p`'s best line.
2. Fix every person with :math:`\bar\lambda_p \ge` ``sure`` to that line, and at least the
   ``share`` of the people still free with the largest :math:`\bar\lambda_p` (at least one):
   :math:`\lambda_{pl^*} = 1` and :math:`\lambda_{pl} = 0` for their other lines. With
   ``noise`` :math:`\epsilon > 0` the people are ranked by :math:`\bar\lambda_p - \epsilon u_p`
   instead, :math:`u_p` uniform on [0, 1) drawn afresh each step from ``seed``: another rounding
   order among the people the LP is about as sure of (a second dive that does not repeat the
   first; :func:`models.roster.price_and_branch._rota_from_master` keeps the best).
3. Price the people still free for at most ``rounds`` rounds against the new multipliers
   (:func:`models.roster.column_generation.price_round`), so their lines fit the fixed ones.

With ``grow`` :math:`g > 1` the step adapts when time is short: when the steps still needed at
``share`` (each fixing :math:`\max(1, \lceil \text{share} \cdot \text{free} \rceil)`) would
take longer than the pricing time left, at the seconds per priced person of the steps so far
(each step prices the people still free: the later steps are the shorter), a step after
one whose fixing raised the LP by at most ``flat`` points fixes :math:`g` times the share of the
step before (at most all the free people); after a step that raised it more, or with time
enough, the share is ``share`` again. Fixing lines the LP was already near costs little, so a
dive short of time ends in fewer steps, each priced, instead of fixing everyone at once at the
deadline; a dive with time enough is not changed, nor one that does not price (``rounds`` 0: its
steps are LP re-solves, which grow longer with larger fixings; on Instance12, when column
generation had not converged, a growing unpriced dive fixed 18 people at once and its LP
re-solve then ended without an optimum: no rota from the dive).

When everyone is fixed, the LP's value is the rota's penalty: each person's line obeys their own
rules, and the cover and fairness slacks the LP chooses for fixed lines are the penalties the
model charges (the least under/over and spread that satisfy the rows). The dive does not
backtrack: it returns None when the LP with the fixed lines is infeasible (a hard cover row the
fixed lines cannot meet). When time runs out, every free person is fixed to their likeliest line
at once (a rota without the pricing that would have fitted it better); with a ``reserve``, pricing
stops that share of the time earlier and steps 1-2 go on without step 3 (the LP re-solved
after each fixing), which loses less than fixing everyone at once. The fixings are undone
before it returns, so the master (with every line the dive priced) serves the MIP afterwards,
and :attr:`Dive.values` is a start for it.

**A dive by days** (:func:`day_dive`) fixes person-days instead of whole lines, with the
branching restrictions of branch-and-price (:func:`models.roster.branch_and_price.apply_fixings`:
lines breaking a fixing get the upper bound 0, pricing obeys the fixings). For the LP's values,
person :math:`p`'s share of day :math:`d`, shift :math:`s` is
:math:`x^p_{ds} = \sum_l x^l_{ds} \lambda_{pl}`, and of a day off
:math:`1 - \sum_s x^p_{ds}`. Each undecided person-day :math:`(p, d)` is offered the option
(a shift, or off) of the person's likeliest line :math:`l^*_p`, at its share :math:`q_{pd}`;
every person-day with :math:`q_{pd} \ge` ``sure`` is decided so, and at least the ``share`` of
the others with the largest :math:`q_{pd}` (ranked by :math:`q_{pd} - \epsilon u` with
``noise``): a shift as :math:`x^p_{ds} = 1`, a day off as :math:`x^p_{ds} = 0` for each of the
person's shifts that day. A person's fixings always agree with :math:`l^*_p`, a line of the
master, so no person is left without a line. The person keeps every line that agrees on the
days decided so far, so the LP still chooses, and pricing still shapes, the rest of their
lines: a step leaves more open than fixing the whole line. The dive ends when the LP is integral
(at the latest when every person-day is decided); when time runs out, every person is fixed to
their likeliest line at once, as the line dive does.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from models.roster.branch_and_price import Fixing, apply_fixings, integral_rota
from models.roster.column_generation import TOLERANCE, price_round
from models.roster.lines import Line, LineModel
from models.roster.master import ARTIFICIAL, Master
from models.roster.pricing_workers import PricingWorkers
from solvers import SolveOptions

__all__ = ["Dive", "day_dive", "dive"]

LP_SECONDS = 5.0
"""Most seconds for one master LP in the dive, whatever time is left (the dive's last LP, with
everyone fixed, must be solved to read the rota's penalty; it takes milliseconds)."""


@dataclass(frozen=True)
class Dive:
    """The outcome of :func:`dive`.

    lines : one line per person (the rota); penalty : its penalty points (the LP's value);
    values : the master's column values at the end (a MIP start); steps, lines_added, seconds.
    """

    lines: tuple[Line, ...]
    penalty: float
    values: np.ndarray
    steps: int
    lines_added: int
    seconds: float


def dive(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    *,
    sure: float = 0.9,
    share: float = 0.2,
    rounds: int = 1,
    price_seconds: float = 2.0,
    pool: int = 5,
    workers: int = 2,
    noise: float = 0.0,
    seed: int = 0,
    pricers: PricingWorkers | None = None,
    reserve: float = 0.0,
    grow: float = 1.0,
    flat: float = 0.5,
) -> Dive | None:
    """Dive from the master's current LP (module docstring) within ``options``' time.

    ``sure``: LP value from which a person's line is fixed at once (default 0.9); ``share``:
    least share of the free people fixed per step (default 0.2); ``rounds``: pricing rounds after
    each fixing (default 1); ``price_seconds``, ``pool``, ``workers`` as
    :func:`models.roster.column_generation.generate_columns`; ``noise``, ``seed``: the ranking's
    perturbation of step 2 (default 0: the LP's own order); ``pricers``: worker processes
    pricing a share of the people (:mod:`models.roster.pricing_workers`); ``reserve``: share of
    the time kept for fixing without pricing (default 0): pricing ends that much before the
    deadline and the dive goes on fixing ``share`` of the free people a step against the LP
    re-solved, so a dive short of time rounds the LP step by step instead of fixing everyone at
    once at the deadline; ``grow``, ``flat``: the step's growth, when time is short, while the LP
    stays within ``flat`` points of its value before the step (default 1: every step fixes
    ``share``).
    None: no rota (see the module)."""
    t0 = time.perf_counter()
    options = options.with_deadline()
    left = options.remaining()
    pricing = options if left is None else options.with_deadline((1.0 - reserve) * left)
    before = len(master.lines)
    fixed: dict[int, int] = {}  # person -> index into master.lines
    steps = 0
    rng = np.random.default_rng(seed)
    step, last = share, None  # this step's share; the LP's value before the last fixing
    priced = 0  # free people after each step so far, summed: the people its pricing priced
    try:
        while True:
            lp = _lp_point(master)
            if lp is None:
                return None
            objective, value = lp
            if len(fixed) == len(people):
                chosen = tuple(sorted((master.lines[i] for i in fixed.values()), key=lambda ln: ln.person))
                added = len(master.lines) - before
                return Dive(chosen, objective, value, steps, added, time.perf_counter() - t0)
            if last is not None and grow > 1.0 and rounds > 0:
                seconds = time.perf_counter() - t0
                short = _short_of_time(pricing, len(people) - len(fixed), share, seconds, priced)
                step = min(step * grow, 1.0) if short and objective <= last + flat else share
            last = objective
            late = options.should_stop()  # out of time: every free person to their likeliest line
            if not _fix(master, fixed, value, sure, 1.0 if late else step, noise, rng):
                return None  # a free person has no line yet
            steps += 1
            priced += len(people) - len(fixed)
            if len(fixed) < len(people) and not _price_rounds(
                master, people, pricing, rounds, price_seconds, pool, workers, pricers, skip=set(fixed)
            ):
                return None
    finally:
        _unfix(master, fixed)


def day_dive(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    *,
    sure: float = 0.9,
    share: float = 0.2,
    rounds: int = 1,
    price_seconds: float = 2.0,
    pool: int = 5,
    workers: int = 2,
    noise: float = 0.0,
    seed: int = 0,
    pricers: PricingWorkers | None = None,
) -> Dive | None:
    """A dive by days (module docstring) from the master's current LP within ``options``' time.

    ``sure``: share :math:`q_{pd}` from which a person-day is decided at once (default 0.9);
    ``share``: least share of the undecided person-days below ``sure`` decided per step (default
    0.2); ``rounds``, ``price_seconds``, ``pool``, ``workers``, ``noise``, ``seed``, ``pricers``
    as :func:`dive`. Every fixing (the master's bounds and the pricing models' restrictions) is
    undone before it returns. None: no rota (an LP infeasible with the fixings)."""
    t0 = time.perf_counter()
    options = options.with_deadline()
    before = len(master.lines)
    decided: dict[tuple[int, int], str | None] = {}  # (person, day) -> the shift, None: off
    steps = 0
    rng = np.random.default_rng(seed)
    try:
        while True:
            apply_fixings(master, people, _day_fixings(people, decided))
            lp = _lp_point(master)
            if lp is None:
                return None
            rota = integral_rota(master, lp[1])
            if rota is None and options.should_stop():  # out of time: every person's likeliest line
                if not _fix(master, {}, lp[1], sure, 1.0):
                    return None
                lp = _lp_point(master)
                if lp is None:
                    return None
                rota = integral_rota(master, lp[1])
            objective, value = lp
            if rota is not None:
                added = len(master.lines) - before
                return Dive(rota, objective, value, steps, added, time.perf_counter() - t0)
            if options.should_stop():
                return None
            chosen = _decide(master, people, value, decided, sure, share, noise, rng)
            if not chosen:
                return None
            decided.update(chosen)
            steps += 1
            apply_fixings(master, people, _day_fixings(people, decided))
            if not _price_rounds(master, people, options, rounds, price_seconds, pool, workers, pricers):
                return None
    finally:
        apply_fixings(master, people, ())


def still_to_price(free: int, share: float) -> list[int]:
    """The people left free after each step of a dive that fixes ``max(1, ceil(share * free))``
    people a step (nobody fixed for being sure) until ``free`` are fixed: the people each step
    prices (the last, 0, none)."""
    left = []
    while free > 0:
        free -= max(1, math.ceil(share * free))
        left.append(free)
    return left


def _short_of_time(options: SolveOptions, free: int, share: float, seconds: float, priced: int) -> bool:
    """Whether the steps still needed at ``share`` for ``free`` people would outlast ``options``'
    time left, at the pace so far: ``seconds`` for the steps that priced ``priced`` people in all
    (a step's time is mostly its pricing, one problem a free person). Never without a limit."""
    left = options.remaining()
    return left is not None and priced > 0 and sum(still_to_price(free, share)) * seconds / priced > left


def _lp_point(master: Master) -> tuple[float, np.ndarray] | None:
    """The master's LP re-solved: its objective and column values; None when it has no solution
    or needs an artificial column (a fixing no line meets)."""
    solved = master.solve_lp(LP_SECONDS)
    if solved is None or solved[0] >= ARTIFICIAL:
        return None
    return solved[0], np.asarray(master.h.getSolution().col_value)


def _price_rounds(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    rounds: int,
    price_seconds: float,
    pool: int,
    workers: int,
    pricers: PricingWorkers | None,
    skip: Collection[int] = (),
) -> bool:
    """After a fixing: up to ``rounds`` pricing rounds at the re-solved LP's multipliers (every
    person but ``skip``), until a round adds no line or ``options``' time is spent; False when the
    LP could not be re-solved."""
    for _ in range(rounds):
        if options.should_stop():
            return True
        again = master.solve_lp(LP_SECONDS)
        if again is None:
            return False
        y = again[1]
        _, added, _ = price_round(
            master, people, y, y, options, price_seconds, pool, workers, skip=skip, pricers=pricers
        )
        if added == 0:
            return True
    return True


def _day_fixings(people: list[LineModel], decided: dict[tuple[int, int], str | None]) -> tuple[Fixing, ...]:
    """The decided person-days as branch-and-price fixings: a shift worked (1), or every shift of
    the person's that day not worked (0)."""
    fixings: list[Fixing] = []
    for (p, d), s in sorted(decided.items(), key=lambda item: item[0]):
        if s is not None:
            fixings.append((p, d, s, 1))
        else:
            fixings.extend((p, d, t, 0) for dd, t in sorted(people[p].x) if dd == d)
    return tuple(fixings)


def _decide(
    master: Master,
    people: list[LineModel],
    value: np.ndarray,
    decided: dict[tuple[int, int], str | None],
    sure: float,
    share: float,
    noise: float,
    rng: np.random.Generator,
) -> dict[tuple[int, int], str | None]:
    """A step of the dive by days (module docstring): the person-days to decide and their
    options, from the LP's column values ``value``."""
    worked: dict[tuple[int, int, str], float] = {}
    likeliest: dict[int, tuple[float, int]] = {}  # person -> (value, index into master.lines)
    for i, (line, col) in enumerate(zip(master.lines, master.line_cols, strict=True)):
        v = float(value[col])
        if v <= TOLERANCE:
            continue
        for d, s in line.shifts:
            worked[(line.person, d, s)] = worked.get((line.person, d, s), 0.0) + v
        if line.person not in likeliest or v > likeliest[line.person][0]:
            likeliest[line.person] = (v, i)
    offered: list[tuple[float, tuple[int, int], str | None]] = []
    for person in people:
        if person.p not in likeliest:
            continue
        on = dict(master.lines[likeliest[person.p][1]].shifts)  # day -> shift of the likeliest line
        for d in sorted({d for d, _ in person.x}):
            if (person.p, d) in decided:
                continue
            shift = on.get(d)
            if shift is not None:
                q = worked.get((person.p, d, shift), 0.0)
            else:
                q = 1.0 - sum(worked.get((person.p, d, t), 0.0) for dd, t in person.x if dd == d)
            offered.append((q, (person.p, d), shift))
    chosen = {key: option for q, key, option in offered if q >= sure}
    unsure = [item for item in offered if item[0] < sure]
    if unsure:
        ranks = np.asarray([q for q, _, _ in unsure]) - noise * rng.random(len(unsure))
        least = max(1, math.ceil(share * len(unsure)))
        for j in np.argsort(-ranks, kind="stable")[:least]:
            chosen[unsure[j][1]] = unsure[j][2]
    return chosen


def _fix(
    master: Master,
    fixed: dict[int, int],
    value: np.ndarray,
    sure: float,
    share: float,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> int:
    """Step 2 of the module docstring: fix the surest free people to their likeliest lines
    (ranked with ``noise`` drawn from ``rng`` when both are given); how many were fixed (0 when
    no free person has a line)."""
    best: dict[int, tuple[float, int]] = {}
    for i, (line, col) in enumerate(zip(master.lines, master.line_cols, strict=True)):
        if line.person in fixed:
            continue
        if line.person not in best or value[col] > best[line.person][0]:
            best[line.person] = (float(value[col]), i)
    shift = {p: 0.0 for p in best}
    if noise > 0 and rng is not None:
        shift = {p: noise * float(u) for p, u in zip(best, rng.random(len(best)), strict=True)}
    ranked = sorted(best.items(), key=lambda item: -(item[1][0] - shift[item[0]]))
    least = max(1, math.ceil(share * len(ranked)))
    chosen: dict[int, int] = {}  # person -> the line fixed at 1
    for rank, (person, (v, i)) in enumerate(ranked):
        if rank < least or v >= sure:  # the ranking may be perturbed: every sure person, wherever
            chosen[person] = i
    for j, (line, col) in enumerate(zip(master.lines, master.line_cols, strict=True)):
        if line.person in chosen:
            on = float(j == chosen[line.person])
            master.h.changeColBounds(col, on, on)
    master.bounds_changed()
    fixed.update(chosen)
    return len(chosen)


def _unfix(master: Master, fixed: dict[int, int]) -> None:
    """Every line of the fixed people back to :math:`[0, 1]`."""
    people = set(fixed)
    for line, col in zip(master.lines, master.line_cols, strict=True):
        if line.person in people:
            master.h.changeColBounds(col, 0.0, 1.0)
    master.bounds_changed()
