r"""Raise the roll-out's valid bound by branching on the site-years its strong relaxation leaves part open.

Why.  On the LSOA-level ten-year instance the strong relaxation (stage 1 of
:mod:`models.rollout.large`) keeps Chorley (RXN01) about a third open in every year and opens the
last years' community units in part; every plan pays for whole sites, so the bound sits about 1 %
below the plans, and the whole model's node LPs are too large for the time left.  Each open flag
:math:`y_{st}` is binary, so for any site-year the roll-out's optimum is the lesser of the optima
with :math:`y_{st} = 0` and with :math:`y_{st} = 1`: the least bound over the leaves of any
such tree of fixings is a valid bound for the whole roll-out.

How (:func:`branch_on_sites`), best bound first:

1. Take the open leaf of least bound (at first the root: stage 1's relaxation).
2. Pick the site whose part-open years in that leaf's relaxation cost most (their part open,
   :math:`\min(y, 1 - y)`, times the discounted cost of the open flag), and of its years the one
   nearest one half (ties: the later year; for a site delivering today, which only closes,
   :math:`y_{sT} = 1` keeps it open in every year) (:func:`_branching_column`).
3. Two children, :math:`y_{st} = 0` (the site-year's arcs fixed at 0 too) and :math:`y_{st} = 1`;
   each is the strong relaxation by pricing of the stacked model with its fixings, priced in
   stage 1's restricted LP (:class:`solvers.pricing.PricingSession`) with the bounds changed: warm
   from the last basis, with every arc and linking row priced in so far.  A child's bound is the
   larger of its Lagrangian bound and its parent's; a child with no plan is dropped (bound :math:`+\infty`).
4. Stop when the least leaf bound proves the asked gap for the best plan, at :data:`MAX_NODES`
   relaxations, or when the time is up.  The search's bound becomes the least leaf bound, when
   higher.

A relaxation cut short (time, stall) still gives a valid bound (the Lagrangian bound of
:mod:`solvers.pricing`), so the bound is valid however the search ends.
"""

from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass, field

import numpy as np

from models.rollout.build import RolloutModel
from solvers.pricing import PricedRelaxation, PricingSession
from solvers.search_state import StagedSearch

_UNFINISHED = "unfinished"  # a child whose first LP was not solved in time

MAX_NODES = 40  # most child relaxations solved by one search
PART_OPEN = 1e-4  # an open flag further than this from 0 and 1 is part open
NODE_SHARE = 0.5  # of the time left, at most, for one child's relaxation
NODE_STALL_ROUNDS = 5  # a child's pricing stops after this many rounds without a better bound
MIN_NODE_SECONDS = 2.0  # no child is started with less time than this


@dataclass(order=True)
class Leaf:
    """A leaf of the tree: its bound, its fixings (open-flag column, 0 or 1) and its LP's open flags."""

    bound: float
    order: int
    fixings: tuple[tuple[int, float], ...] = field(compare=False)
    x: np.ndarray = field(compare=False)


def branch_on_sites(
    run: StagedSearch, built: RolloutModel, session: PricingSession, root: PricedRelaxation
) -> int:
    """Best-bound search of the module docstring from stage 1's ``session`` and its result ``root``;
    raises ``run.bound``; returns the number of child relaxations solved."""
    if root.x is None or root.bound is None:
        return 0
    order = itertools.count(1)
    leaves = [Leaf(root.bound, 0, (), root.x)]
    nodes = 0
    while leaves and nodes < MAX_NODES and not _proved(run, leaves[0].bound):
        leaf = leaves[0]
        choice = _branching_column(built, leaf.x)
        if choice is None:
            break  # no part-open site-year: branching on sites cannot raise this leaf
        budget = run.left()
        if budget is not None and budget * NODE_SHARE < MIN_NODE_SECONDS:
            break
        children = []
        for value in (0.0, 1.0):
            child = _child(run, built, session, leaf, (*leaf.fixings, (choice, value)), next(order))
            nodes += 1
            if child is _UNFINISHED:
                break
            children.append(child)
        else:
            heapq.heappop(leaves)
            for child in children:
                if isinstance(child, Leaf):
                    heapq.heappush(leaves, child)
            _settle(run, leaves)
            continue
        break  # out of time within a child: the leaf stays as it was
    _settle(run, leaves)
    session.change_bounds(built.model.col_lower, built.model.col_upper)
    return nodes


def _proved(run: StagedSearch, bound: float) -> bool:
    """Whether ``bound`` proves the asked gap for the best plan (no plan: never)."""
    if run.best_obj is None:
        return False
    return run.best_obj * (1.0 - run.options.gap) <= bound + 1e-9 * abs(bound)


def _settle(run: StagedSearch, leaves: list[Leaf]) -> None:
    """The search's bound: the least leaf bound (every leaf dropped: the best plan's cost), when higher."""
    least = leaves[0].bound if leaves else run.best_obj
    if least is not None and np.isfinite(least) and (run.bound is None or least > run.bound):
        run.bound = least


def _branching_column(built: RolloutModel, x: np.ndarray) -> int | None:
    r"""The open-flag column to branch on in ``x``; None if no site-year is part open.

    The site whose part-open years cost most, :math:`\sum_t \min(y_{st}, 1 - y_{st})\,c_{st}` with
    :math:`c_{st}` the discounted cost of its open flag; of its years, the one nearest one half
    (ties: the later year)."""
    columns = np.stack([year.columns("open") for year in built.years])  # (years, sites)
    y = x[columns]
    part = np.minimum(y, 1.0 - y)
    part[part < PART_OPEN] = 0.0
    if not part.any():
        return None
    weight = (part * np.maximum(built.model.cost[columns], 1.0)).sum(axis=0)
    site = int(np.argmax(weight))
    years = np.flatnonzero(part[:, site] >= part[:, site].max() - PART_OPEN)
    return int(columns[years[-1], site])


def _child(
    run: StagedSearch,
    built: RolloutModel,
    session: PricingSession,
    parent: Leaf,
    fixings: tuple[tuple[int, float], ...],
    order: int,
) -> Leaf | str | None:
    """The leaf with ``fixings``, priced in ``session`` from the parent's basis; None if it has no
    plan, :data:`_UNFINISHED` if the time ran out before its first LP was solved.

    The arcs of a site fixed open are brought in first: without them the first rounds' Lagrangian
    bound falls far below the parent's (measured: RXN01 kept open on the ten-year instance stalled
    at £64.98m after 4 rounds; with its 21,040 arcs in, converged at £65.57m in 7 rounds, 21 s CPU).
    """
    model = built.model
    lower, upper = model.col_lower, model.col_upper
    for column, value in fixings:
        lower[column] = upper[column] = value
    upper[_arcs_of_shut(built, upper)] = 0.0
    session.change_bounds(lower, upper)
    session.add_columns(_arcs_of_opened(built, fixings))
    budget = run.left()
    t0 = time.perf_counter()
    relaxation = session.price(
        time_limit=None if budget is None else budget * NODE_SHARE,
        deadline=run.options.deadline,
        stall_rounds=NODE_STALL_ROUNDS,
    )
    what = _describe(built, fixings)
    if relaxation.status == "infeasible":
        run.notes.append(f"branch {what}: no plan")
        return None
    if relaxation.bound is None or relaxation.x is None:
        return _UNFINISHED
    bound = max(parent.bound, relaxation.bound)
    reported = bound + built.constant  # as the roll-out reports it: with what its model leaves out
    run.notes.append(
        f"branch {what}: bound {reported:,.0f} ({relaxation.status}, {time.perf_counter() - t0:.0f} s)"
    )
    return Leaf(bound, order, fixings, relaxation.x)


def _arcs_of_opened(built: RolloutModel, fixings: tuple[tuple[int, float], ...]) -> np.ndarray:
    """Mask of every year's arcs to the sites that ``fixings`` fix open in some year."""
    opened = np.zeros(built.model.num_cols, dtype=bool)
    for year in built.years:
        columns = year.columns("open")
        for column, value in fixings:
            if value > 0.5 and columns[0] <= column <= columns[-1]:
                site = column - columns[0]
                for other in built.years:
                    opened[other.columns("serve")[other.arrays.arc_site == site]] = True
    return opened


def _arcs_of_shut(built: RolloutModel, upper: np.ndarray) -> np.ndarray:
    """Mask of the arcs to site-years whose open flag is fixed at 0."""
    shut = np.zeros(built.model.num_cols, dtype=bool)
    for year in built.years:
        closed = upper[year.columns("open")] < 0.5
        shut[year.columns("serve")[closed[year.arrays.arc_site]]] = True
    return shut


def _describe(built: RolloutModel, fixings: tuple[tuple[int, float], ...]) -> str:
    """``RXN01 2035 shut, RXR60 2034 open`` for a list of fixings."""
    parts = []
    for column, value in fixings:
        for year in built.years:
            columns = year.columns("open")
            if columns[0] <= column <= columns[-1]:
                site = year.arrays.site_ids[column - columns[0]]
                parts.append(f"{site} {year.label} {'open' if value > 0.5 else 'shut'}")
    return ", ".join(parts)
