r"""Lagrangian branch and bound for the p-median (Beasley 1993), before the radius MIP.

Why.  On p-median graphs of 900 vertices and small :math:`p` the relaxation of the radius
formulation is within 1 % of the optimum, but one LP of it costs HiGHS's dual simplex about ten
seconds, and branching needs hundreds: the MIP does not close in a minute.  The Lagrangian bound
of :func:`models.sact.pmedian_bounds.lagrangian_reduction` is as strong as that LP and costs a
few milliseconds per step on the sites the root reduction leaves, so a branch and bound on it
proves these instances in seconds.

Each node fixes some sites open (:math:`O`) and some shut (:math:`S`).  Its bound is
:math:`\max_\lambda L(\lambda)`, :math:`L(\lambda) = \sum_i \lambda_i + \sum_{j \in O} \rho_j +`
the :math:`p - |O|` lowest :math:`\rho_j` of the other sites not in :math:`S`, with
:math:`\rho_j = F_j + \sum_i \min(0, c_{ij} - \lambda_i)`, raised by subgradient steps from the
parent's multipliers.  A node whose bound reaches the cut-off (the best plan less the least
improvement that counts: 1 when every cost is an integer) is pruned; otherwise the sites whose
forced opening (closing) would reach it are shut (opened), the Lagrangian solution is costed as
a plan (a better one becomes the best), and the node splits on the chosen site that is dearest
to close: open in one child, shut in the other.  Nodes are taken best bound first, so the bound
reported when time runs out is the least bound of the nodes left.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.input import SactParameters
from models.sact.pmedian_bounds import dense_costs, site_costs

if TYPE_CHECKING:
    from models.sact.radius_reductions import RadiusLevels

NODE_STEPS = 150  # most subgradient steps at a node (the root: ROOT_STEPS)
ROOT_STEPS = 1000
NODE_PATIENCE = 10  # steps without a better bound before the step multiplier is halved
LEAST_STEP = 1e-3  # stop a node's steps once the multiplier is below this
START_STEP = 1.0  # first multiplier at a node (Polyak steps towards the best plan's cost)


@dataclass
class BranchResult:
    """The best plan's open sites and cost, the bound proven, whether the search ended, its nodes."""

    is_open: np.ndarray
    upper: float
    bound: float
    finished: bool
    nodes: int


@dataclass
class _Node:
    forced: np.ndarray  # sites fixed open
    allowed: np.ndarray  # sites not fixed shut
    lam: np.ndarray
    bound: float


def branch_and_bound(
    cost: np.ndarray,
    fixed: np.ndarray,
    forced: np.ndarray,
    allowed: np.ndarray,
    count: int,
    is_open: np.ndarray,
    *,
    least_gain: float,
    deadline: float | None = None,
) -> BranchResult:
    """Best plan with ``count`` sites open over ``cost`` (customers x sites, weighted minutes).

    ``forced`` sites are open and only ``allowed`` sites may open; ``is_open`` is a plan to
    better, ``least_gain`` the least improvement that counts (a node within it of the best plan
    is pruned).  Stops at ``deadline`` (:func:`time.monotonic` seconds).
    """
    best_open = is_open.copy()
    upper = _plan_cost(cost, fixed, best_open)
    cost = np.minimum(cost, capped_cost(upper))
    lam = np.partition(cost, 1, axis=1)[:, 1] if cost.shape[1] > 1 else cost[:, 0].copy()
    heap: list[tuple[float, int, _Node]] = [(-np.inf, 0, _Node(forced.copy(), allowed.copy(), lam, -np.inf))]
    nodes, serial, pruned_bound = 0, 1, np.inf
    while heap:
        if deadline is not None and time.monotonic() > deadline:
            break
        _, _, node = heapq.heappop(heap)
        if node.bound >= upper - least_gain:
            pruned_bound = min(pruned_bound, node.bound)
            continue
        nodes += 1
        bound, rho, lam, chosen = _node_bound(
            cost, fixed, node, count, upper - least_gain, ROOT_STEPS if nodes == 1 else NODE_STEPS
        )
        if chosen is not None:
            value = _plan_cost(cost, fixed, chosen)
            if value < upper:
                upper, best_open = value, chosen
        if rho is None or max(bound, node.bound) >= upper - least_gain:
            pruned_bound = min(pruned_bound, max(bound, node.bound))
            continue
        for child in _children(node, rho, lam, bound, chosen, count, upper - least_gain):
            if child.forced.sum() == count or child.allowed.sum() == count:
                plan = child.forced if child.forced.sum() == count else child.allowed
                value = _plan_cost(cost, fixed, plan)
                if value < upper:
                    upper, best_open = value, plan.copy()
                pruned_bound = min(pruned_bound, value)
                continue
            heapq.heappush(heap, (child.bound, serial, child))
            serial += 1
    left = min((entry[0] for entry in heap), default=np.inf)
    return BranchResult(best_open, upper, min(upper, pruned_bound, left), not heap, nodes)


def capped_cost(upper: float) -> float:
    """A cost no pair needs above: every plan with a pair dearer than this costs more than ``upper``.

    Capping the weighted minutes there (pairs with no arc included) keeps every plan as good as
    ``upper`` at its cost and keeps the multipliers finite.
    """
    return 2.0 * abs(upper) + 1.0


def _plan_cost(cost: np.ndarray, fixed: np.ndarray, is_open: np.ndarray) -> float:
    return float(cost[:, is_open].min(axis=1).sum() + fixed[is_open].sum())


def _node_bound(
    cost: np.ndarray, fixed: np.ndarray, node: _Node, count: int, cutoff: float, steps: int
) -> tuple[float, np.ndarray | None, np.ndarray, np.ndarray | None]:
    """The node's own best bound, its :math:`\\rho`, multipliers and chosen sites (None: infeasible)."""
    room = count - int(node.forced.sum())
    free = np.flatnonzero(node.allowed & ~node.forced)
    if room < 0 or room > len(free):
        return np.inf, None, node.lam, None
    lam = node.lam
    best, best_rho, best_lam, best_chosen = -np.inf, None, lam, None
    step, stall = START_STEP, 0
    for _ in range(steps):
        below = cost < lam[:, None]
        rho = fixed + np.where(below, cost - lam[:, None], 0.0).sum(axis=0)
        chosen = node.forced.copy()
        chosen[free[np.argpartition(rho[free], room - 1)[:room]] if room else []] = True
        bound = float(lam.sum() + rho[chosen].sum())
        if best_rho is None or bound > best:
            best, best_rho, best_lam, best_chosen, stall = bound, rho, lam, chosen, 0
        else:
            stall += 1
            if stall >= NODE_PATIENCE:
                step, stall = step / 2, 0
        if max(best, node.bound) >= cutoff or step < LEAST_STEP:
            break
        g = 1.0 - below[:, chosen].sum(axis=1)
        norm = float(g @ g)
        if norm == 0:
            break
        lam = lam + step * max(cutoff - bound, 1e-9 * max(1.0, abs(cutoff))) / norm * g
    return best, best_rho, best_lam, best_chosen


def _children(
    node: _Node,
    rho: np.ndarray,
    lam: np.ndarray,
    bound: float,
    chosen: np.ndarray | None,
    count: int,
    cutoff: float,
) -> list[_Node]:
    """The node's sites fixed by reduced cost, then its two children on the dearest chosen site.

    ``bound``, ``rho`` and ``lam`` are of one multiplier vector (the fixing needs them together);
    the children carry the larger of it and the node's own bound.
    """
    forced, allowed = node.forced.copy(), node.allowed.copy()
    if chosen is None:
        return []
    inherited = max(bound, node.bound)
    free_in = chosen & ~forced
    free_out = allowed & ~chosen
    worst_in = rho[free_in].max() if free_in.any() else np.inf
    best_out = rho[free_out].min() if free_out.any() else np.inf
    allowed &= ~(free_out & (bound + rho - worst_in >= cutoff))
    forced |= free_in & (bound - rho + best_out >= cutoff)
    if forced.sum() >= count or allowed.sum() <= count:
        return [_Node(forced, allowed, lam, inherited)]
    candidates = np.flatnonzero(chosen & ~forced & allowed)
    if candidates.size == 0:
        candidates = np.flatnonzero(allowed & ~forced)
    j = candidates[np.argmax(-rho[candidates])]
    opened, shut = forced.copy(), allowed.copy()
    opened[j] = True
    shut[j] = False
    return [_Node(opened, allowed, lam, inherited), _Node(forced, shut, lam, inherited)]


def branch_on_levels(
    levels: RadiusLevels,
    a: SactArrays,
    p: SactParameters,
    count: int,
    is_open: np.ndarray,
    shut: np.ndarray,
    held: np.ndarray,
    *,
    least_gain: float,
    deadline: float | None = None,
) -> BranchResult:
    """:func:`branch_and_bound` over the sites not ``shut`` of the (reduced) ``levels``, the sites
    that must stay open and ``held`` open; ``is_open`` and the result over every site."""
    can_open = a.can_open & ~shut
    live = np.flatnonzero(can_open | a.must_open | held)
    cost = dense_costs(levels)[:, live]
    forced = (a.must_open | held)[live]
    found = branch_and_bound(
        cost,
        site_costs(a, p)[live],
        forced,
        np.ones(len(live), bool),
        count,
        is_open[live],
        least_gain=least_gain,
        deadline=deadline,
    )
    full = np.zeros(a.num_sites, bool)
    full[live[found.is_open]] = True
    return BranchResult(full, found.upper, found.bound, found.finished, found.nodes)
