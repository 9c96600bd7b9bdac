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
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from models.roster.column_generation import price_round
from models.roster.lines import Line, LineModel
from models.roster.master import ARTIFICIAL, Master
from models.roster.pricing_workers import PricingWorkers
from solvers import SolveOptions

__all__ = ["Dive", "dive"]

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
    once at the deadline. None: no rota (see the module)."""
    t0 = time.perf_counter()
    options = options.with_deadline()
    left = options.remaining()
    pricing = options if left is None else options.with_deadline((1.0 - reserve) * left)
    before = len(master.lines)
    fixed: dict[int, int] = {}  # person -> index into master.lines
    steps = 0
    rng = np.random.default_rng(seed)
    try:
        while True:
            solved = master.solve_lp(LP_SECONDS)
            if solved is None or solved[0] >= ARTIFICIAL:
                return None
            value = np.asarray(master.h.getSolution().col_value)
            if len(fixed) == len(people):
                chosen = tuple(sorted((master.lines[i] for i in fixed.values()), key=lambda ln: ln.person))
                added = len(master.lines) - before
                return Dive(chosen, solved[0], value, steps, added, time.perf_counter() - t0)
            late = options.should_stop()  # out of time: every free person to their likeliest line
            if not _fix(master, fixed, value, sure, 1.0 if late else share, noise, rng):
                return None  # a free person has no line yet
            steps += 1
            for _ in range(rounds):
                if len(fixed) == len(people) or pricing.should_stop():
                    break
                again = master.solve_lp(LP_SECONDS)
                if again is None:
                    return None
                y = again[1]
                _, added, _ = price_round(
                    master,
                    people,
                    y,
                    y,
                    pricing,
                    price_seconds,
                    pool,
                    workers,
                    skip=set(fixed),
                    pricers=pricers,
                )
                if added == 0:
                    break
    finally:
        _unfix(master, fixed)


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
