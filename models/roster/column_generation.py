r"""Column generation over people's lines of work: a lower bound for the rota, and a rota from it.

The method of Curtois & Qu's benchmark papers (branch-and-price), without the branching:

1. :func:`generate_columns` alternates the restricted master LP (:class:`models.roster.master.Master`,
   HiGHS) and pricing per person (:class:`models.roster.lines.LineModel`, CP-SAT on that person's
   own rules): each round every person is priced against the LP's multipliers and lines of
   negative reduced cost :math:`c_l - y^\top a_l - \pi_p` join the master. After each full round
   the Lagrangian bound :math:`LB(y)` (valid whatever the round found) is taken; the best is kept.
   It stops when no line prices out (then the LP value is the bound), when the bound rounded up
   reaches the LP value rounded up (nothing more to gain), or at the time limit.
2. :func:`rota_from_columns` (price-and-branch): the master as a MIP over the generated lines
   (HiGHS), artificial columns fixed at 0, gives a legal rota: every line obeys its person's
   rules, the cover limits and fairness hold in the master's rows.

Penalties are whole numbers, so the rota's optimum is at least :math:`\lceil LB \rceil`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from models.roster.lines import SCALE, Line, LineModel, Priced
from models.roster.master import ARTIFICIAL, DUAL, Master
from models.roster.pricing_workers import PricingWorkers, Request, request_of
from models.roster.vars import RosterModel
from solvers import SolveOptions, stop_requested

__all__ = ["ColumnGeneration", "generate_columns", "price_round", "rota_from_columns"]

TOLERANCE = 1e-6
"""Reduced cost (penalty points) below which a line prices out."""


@dataclass(frozen=True)
class ColumnGeneration:
    """The outcome of :func:`generate_columns`.

    bound : the best Lagrangian bound, rounded up to a whole penalty (None: no full round).
    lp_value : the last restricted LP's value (a bound only when ``converged``).
    converged : no line priced out in the last round (every pricing proven).
    rounds, lines, seconds : full pricing rounds, lines generated, wall-clock seconds.
    """

    bound: int | None
    lp_value: float | None
    converged: bool
    rounds: int
    lines: int
    seconds: float


def generate_columns(
    rm: RosterModel,
    master: Master,
    options: SolveOptions,
    *,
    price_seconds: float = 2.0,
    pool: int = 5,
    stop_at: float | None = None,
    max_rounds: int | None = None,
    smoothing: float = 0.0,
    people: list[LineModel] | None = None,
    workers: int | None = None,
    pricers: PricingWorkers | None = None,
) -> ColumnGeneration:
    """Column generation on ``master`` until convergence, ``options``' time or deadline, the
    bound reaching ``stop_at`` (a known rota's penalty) or ``max_rounds`` full pricing rounds.
    ``price_seconds``: most seconds for one person's pricing; ``pool``: most lines one pricing
    call adds; ``smoothing``: weight of the best multipliers so far in the multipliers priced
    (Wentges smoothing, :func:`_smoothed`; default 0, the LP's own: 0.5 took 26 rounds instead
    of 17 on Curtois & Qu Instance5 and 36 instead of 26 on Instance7, and lsc-sact-nurses
    converged in neither); ``people``: the pricing models, one per person (built when None; pass
    them to reuse their hints later); ``workers``: people priced at once (default
    ``options.threads``, else 2; pricing calls are single-threaded CP-SAT solves); ``pricers``:
    worker processes pricing a share of the people (:mod:`models.roster.pricing_workers`; then
    ``workers`` is not used)."""
    t0 = time.perf_counter()
    options = options.with_deadline()
    people = people if people is not None else [LineModel(rm, p) for p in range(len(rm.staff))]
    workers = workers or options.threads or 2
    best: float | None = None
    centre: np.ndarray | None = None
    lp_value: float | None = None
    rounds = 0
    converged = False
    smooth = True
    while not options.should_stop():
        solved = master.solve_lp(options.remaining())
        if solved is None:
            break
        lp_value, y_lp = solved
        y = y_lp if centre is None or not smooth or smoothing <= 0 else _smoothed(centre, y_lp, smoothing)
        least, added, proven = price_round(
            master, people, y, y_lp, options, price_seconds, pool, workers, pricers=pricers
        )
        if least is None:
            break
        rounds += 1
        bound = master.lagrangian(y, least)  # -inf when a pricing call proved nothing
        if math.isfinite(bound) and (best is None or bound > best):
            best, centre = bound, y
        converged = added == 0 and proven and y is y_lp
        smooth = added > 0  # no line priced out at the smoothed multipliers: next round at the LP's
        closed = best is not None and _closed(best, lp_value, stop_at)
        if converged or closed or rounds == max_rounds:
            break
    return ColumnGeneration(
        bound=None if best is None else math.ceil(best - TOLERANCE),
        lp_value=lp_value,
        converged=converged,
        rounds=rounds,
        lines=len(master.lines),
        seconds=time.perf_counter() - t0,
    )


def _smoothed(centre: np.ndarray, y_lp: np.ndarray, weight: float) -> np.ndarray:
    """Wentges smoothing: ``weight * centre + (1 - weight) * y_lp`` on the multipliers' grid.
    The LP's multipliers swing from round to round; pricing nearer the best multipliers so far
    gives better bounds sooner. A convex combination keeps each row's sign, so the Lagrangian
    bound at it is valid."""
    return np.round((weight * centre + (1.0 - weight) * y_lp) * SCALE) / SCALE


def price_round(
    master: Master,
    people: list[LineModel],
    y: np.ndarray,
    y_lp: np.ndarray,
    options: SolveOptions,
    price_seconds: float,
    pool: int,
    workers: int = 1,
    skip: Collection[int] = (),
    pricers: PricingWorkers | None = None,
) -> tuple[list[float] | None, int, bool]:
    """Price every person but those in ``skip`` against ``y``, ``workers`` threads at a time (or
    shared between the main process and the worker processes ``pricers``): their least
    reduced costs (None if the time ran out before the round ended; -inf for a skipped person, who
    was not priced, so a Lagrangian bound from them is -inf, never a wrong one), lines
    added (those of negative reduced cost at the LP's multipliers ``y_lp``), and whether every
    pricing was proven optimal. Lines join the master in the people's order, whatever finished
    first, so the master does not depend on the threads' timing."""
    todo = [person for person in people if person.p not in skip]

    def request(person: LineModel) -> Request | None:
        left = options.remaining()
        if options.should_stop() or (left is not None and left <= 0):
            return None
        mu, phi = master.multipliers(y, person.p)
        seconds = price_seconds if left is None else min(price_seconds, left)
        return request_of(person, mu, phi, seconds, options.seed, pool)

    def price(person: LineModel) -> Priced | None:
        asked = request(person)
        return (
            None
            if asked is None
            else person.price(asked.mu, asked.phi, asked.seconds, asked.seed, asked.pool)
        )

    found: list[Priced | None]
    if pricers is not None:
        found = pricers.price(todo, request, options.remaining(), stop_requested)
    elif workers > 1 and len(todo) > 1:
        with ThreadPoolExecutor(min(workers, len(todo))) as threads:
            found = list(threads.map(price, todo))
    else:
        found = [price(person) for person in todo]
    least = {person.p: -math.inf for person in people}
    added = 0
    proven = True
    for person, priced in zip(todo, found, strict=True):
        if priced is None:  # out of time: the lines found so far still join the master
            proven = False
            continue
        proven = proven and priced.optimal
        least[person.p] = priced.bound
        for line in priced.lines:
            if master.reduced_cost(y_lp, line) - y_lp[person.p] < -TOLERANCE and master.add(line):
                added += 1
    if any(priced is None for priced in found):
        return None, added, proven
    return [least[person.p] for person in people], added, proven


def _closed(bound: float, lp_value: float, stop_at: float | None) -> bool:
    """Nothing left to prove: the bound rounded up reaches the LP value rounded up (the LP is
    above every later bound), or reaches a known rota's penalty."""
    if lp_value < ARTIFICIAL and math.ceil(bound - TOLERANCE) >= math.ceil(lp_value - TOLERANCE):
        return True
    return stop_at is not None and math.ceil(bound - TOLERANCE) >= stop_at


def rota_from_columns(
    master: Master, seconds: float | None, start: np.ndarray | None = None
) -> tuple[list[Line], float] | None:
    """Price-and-branch: the master as a MIP over its lines (artificial columns at 0), in at most
    ``seconds``, from the column values ``start`` when given (a rota, e.g. a dive's; columns
    added since are 0); one line per person and the MIP's penalty, or None when it found no rota."""
    import highspy

    h = master.h
    for col in master.artificial:
        h.changeColBounds(col, 0.0, 0.0)
    cols = np.array(master.line_cols, dtype=np.int32)
    if len(cols) == 0:
        return None
    h.changeColsIntegrality(len(cols), cols, np.ones(len(cols), dtype=np.uint8))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = [*map(float, start), *([0.0] * (master.columns - len(start)))]
        solution.value_valid = True
        h.setSolution(solution)
    h.setOptionValue("time_limit", float(seconds) if seconds is not None else math.inf)
    h.setOptionValue("simplex_strategy", DUAL)  # the MIP's LPs: bounds change at every node
    master.bounds_changed()
    h.run()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return None
    value = np.asarray(h.getSolution().col_value)
    chosen = [line for line, col in zip(master.lines, master.line_cols, strict=True) if value[col] > 0.5]
    if len({line.person for line in chosen}) != len(master.rm.staff):
        return None
    return chosen, float(info.objective_function_value)
