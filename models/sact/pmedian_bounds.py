r"""Bounds and plans for the radius formulation of :mod:`models.sact.radius` (the p-median).

* :func:`interchange_heuristic`: a plan with exactly :math:`p` sites open, by greedy adding and
  best-improvement swaps (Teitz and Bart's interchange, every swap priced at once).
* :func:`lagrangian_reduction`: the Lagrangian bound of the assignment rows and the sites and
  radii it fixes given that plan's cost (Beasley 1993), the reduction of
  :mod:`models.sact.radius` that shuts most sites of small-:math:`p` instances and cuts most
  customers' levels short.

Both work on a dense customers x sites matrix of weighted minutes (:func:`dense_costs`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from models.sact.arrays import SactArrays
from models.sact.input import SactParameters

if TYPE_CHECKING:
    from models.sact.radius_reductions import RadiusLevels

HEURISTIC_MAX_ENTRIES = 30_000_000  # most customers x sites entries of the dense matrix
HEURISTIC_MAX_SWEEPS = 200  # most best-improvement swaps of the interchange heuristic
REDUCED_COST_TOLERANCE = 1e-6  # relative: a Lagrangian bound must exceed the plan's cost by this to fix
LAGRANGIAN_STEPS = 2000  # most subgradient steps of the Lagrangian bound
# steps of each phase of the root bound: the sites the first phase shuts leave the matrix of the
# second (n = 900, p = 5: 6 s of CPU in one phase of 900 sites)
LAGRANGIAN_PHASES = (200, LAGRANGIAN_STEPS)
LAGRANGIAN_START_STEP = 2.0  # first step multiplier (Polyak steps towards the plan's cost)
LAGRANGIAN_LEAST_STEP = 1e-4  # stop once the multiplier has been halved below this
LAGRANGIAN_PATIENCE = 30  # steps without a better bound before the multiplier is halved
BIG = 1e30  # minutes of a pair with no arc, in the heuristic's dense matrix


def site_costs(a: SactArrays, p: SactParameters) -> np.ndarray:
    """:math:`F_j`: the cost of an open site (fixed cost and least chairs; 0 unless ``cost``)."""
    if p.objective != "cost":
        return np.zeros(a.num_sites)
    return a.fixed_cost + a.chair_cost * a.min_chairs


def dense_costs(levels: RadiusLevels) -> np.ndarray:
    """Customers x sites matrix of :math:`w_i t_{ij}` over the kept arcs (:data:`BIG` elsewhere)."""
    cost = np.full((levels.num_customers, levels.num_sites), BIG)
    arc_cust = levels.level_customer[levels.arc_level]
    cost[arc_cust, levels.arc_site] = levels.weight[arc_cust] * levels.level_minutes[levels.arc_level]
    return cost


def lagrangian_fixing(
    levels: RadiusLevels,
    a: SactArrays,
    p: SactParameters,
    count: int,
    upper: float,
    deadline: float | None = None,
) -> tuple[float, np.ndarray, np.ndarray]:
    """The bound and the masks shut, open of :func:`lagrangian_reduction` (without the radii)."""
    bound, shut, held, _ = lagrangian_reduction(levels, a, p, count, upper, deadline, radii=False)
    return bound, shut, held


def lagrangian_reduction(
    levels: RadiusLevels,
    a: SactArrays,
    p: SactParameters,
    count: int,
    upper: float,
    deadline: float | None = None,
    *,
    radii: bool = True,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    r"""A Lagrangian bound and the sites and radii it fixes, given a plan of cost ``upper``.

    The assignment rows :math:`\sum_j x_{ij} = 1` of the kept arcs relaxed with multipliers
    :math:`\lambda_i` (Beasley 1993): :math:`L(\lambda) = \sum_i \lambda_i + \min \{\sum_j \rho_j y_j :
    \sum_j y_j = p\}` with :math:`\rho_j = F_j + \sum_i \min(0, w_i t_{ij} - \lambda_i)` (the
    must-open sites and then the :math:`p` lowest :math:`\rho_j`), a lower bound for every
    :math:`\lambda`, raised by subgradient steps (:data:`LAGRANGIAN_STEPS` at most).  Opening a
    site left out costs at least :math:`L + \rho_j - \rho_{out}` (it replaces the dearest chosen
    site); closing a chosen one :math:`L - \rho_j + \rho_{in}`: above ``upper`` the site stays shut
    (open) in every better plan.  Steps stop at ``deadline`` (:func:`time.monotonic` seconds).

    Radii (with ``radii``, :func:`lagrangian_radii`): customer :math:`i` farther than
    :math:`D_{ik}` from every open site means every site within :math:`D_{ik}` shut, which
    bounds the plan by :math:`L_{ik} = \sum_i \lambda_i +` the :math:`p` lowest :math:`\rho_j`
    of the other sites; at the first level where :math:`L_{ik}` exceeds ``upper`` every plan as
    good as ``upper`` serves :math:`i` within :math:`D_{ik}` (its radius; ``inf`` where none).
    Returns the best bound, the masks shut and open, and the radius of every customer.
    """
    cost = np.minimum(dense_costs(levels), 2.0 * abs(upper) + 1.0)  # no better plan has a dearer pair
    fixed = site_costs(a, p)
    can_open = a.can_open
    free = can_open & ~a.must_open
    room = count - int(a.must_open.sum())
    none = np.zeros(a.num_sites, bool)
    far = np.full(levels.num_customers, np.inf)
    if room < 0 or room > int(free.sum()):
        return -np.inf, none, none, far
    tol = REDUCED_COST_TOLERANCE * max(1.0, abs(upper))
    shut = np.zeros(a.num_sites, bool)
    best, best_rho, lam = -np.inf, None, None
    for steps in LAGRANGIAN_PHASES:  # the sites a phase shuts leave the next phase's matrix
        cols = np.flatnonzero(~shut)
        bound, rho, lam = _subgradient(
            cost[:, cols], fixed[cols], a.must_open[cols], free[cols], room, upper, deadline, steps, lam
        )
        if rho is None or room == 0:  # out of time before a step (keep the last phase's), or nothing to fix
            if best_rho is None or room == 0:
                return max(best, bound), none, none, far
            break
        best = bound
        best_rho = np.full(a.num_sites, np.inf)
        best_rho[cols] = rho
        shut_now, held, inside = _fixed_sites(best, best_rho, free & ~shut, room, upper + tol)
        shut |= shut_now
        if upper - best <= 1e-9 * max(1.0, abs(upper)):
            break
    if radii and best_rho is not None:  # best_rho is set once a phase has taken a step
        chosen_sum = float(best_rho[inside].sum())
        far = lagrangian_radii(levels, best_rho, free & ~shut, room, upper + tol - (best - chosen_sum))
    return best, shut | ~can_open, held, far


def _fixed_sites(
    bound: float, rho: np.ndarray, free: np.ndarray, room: int, cutoff: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``free`` sites a bound and its prices shut and hold open (cost above ``cutoff``), and the
    ``room`` chosen."""
    candidates = np.flatnonzero(free)
    order = candidates[np.argsort(rho[candidates], kind="stable")]
    worst_in, best_out = rho[order[room - 1]], (rho[order[room]] if room < len(order) else np.inf)
    inside = np.zeros(len(rho), bool)
    inside[order[:room]] = True
    shut = free & ~inside & (bound + rho - worst_in > cutoff)
    held = free & inside & (bound - rho + best_out > cutoff)
    return shut, held, inside


def _subgradient(
    cost: np.ndarray,
    fixed: np.ndarray,
    must_open: np.ndarray,
    free: np.ndarray,
    room: int,
    upper: float,
    deadline: float | None,
    steps: int = LAGRANGIAN_STEPS,
    lam: np.ndarray | None = None,
) -> tuple[float, np.ndarray | None, np.ndarray | None]:
    """The best Lagrangian bound of ``steps`` subgradient steps from ``lam`` (None: each customer's
    second-least cost), its site prices :math:`\rho` and its multipliers."""
    if lam is None:
        lam = np.partition(cost, 1, axis=1)[:, 1] if cost.shape[1] > 1 else cost[:, 0].copy()
        lam = np.minimum(lam, BIG / 2)
    best, best_rho, best_lam, step = -np.inf, None, lam, LAGRANGIAN_START_STEP
    stall = 0
    candidates = np.flatnonzero(free)
    for _ in range(steps):
        if deadline is not None and time.monotonic() > deadline:
            break
        below = cost < lam[:, None]
        rho = fixed + np.where(below, cost - lam[:, None], 0.0).sum(axis=0)
        chosen = must_open.copy()
        if room:
            chosen[candidates[np.argsort(rho[candidates], kind="stable")[:room]]] = True
        bound = float(lam.sum() + rho[chosen].sum())
        if best_rho is None or bound > best + 1e-9 * max(1.0, abs(best)):
            best, best_rho, best_lam, stall = bound, rho, lam, 0
        else:
            stall += 1
            if stall >= LAGRANGIAN_PATIENCE:
                step, stall = step / 2, 0
        if upper - best <= 1e-9 * max(1.0, abs(upper)) or step < LAGRANGIAN_LEAST_STEP:
            break
        g = 1.0 - below[:, chosen].sum(axis=1)
        norm = float(g @ g)
        if norm == 0:
            break
        lam = lam + step * (upper - bound) / norm * g
    return best, best_rho, best_lam


def lagrangian_radii(
    levels: RadiusLevels, rho: np.ndarray, free: np.ndarray, room: int, allowance: float
) -> np.ndarray:
    """Every customer's radius: the least :math:`D_{ik}` at which the ``room`` lowest ``rho`` of the
    ``free`` sites farther than :math:`D_{ik}` sum to more than ``allowance`` (``inf``: none).

    The sum grows with :math:`k` (fewer sites to choose from), so a bisection over each
    customer's levels, all customers at once.
    """
    nc = levels.num_customers
    minutes = np.full((nc, levels.num_sites), np.inf)
    arc_cust = levels.level_customer[levels.arc_level]
    minutes[arc_cust, levels.arc_site] = levels.level_minutes[levels.arc_level]
    first = np.searchsorted(levels.level_customer, np.arange(nc))
    lo, hi = first.copy(), np.r_[first[1:], len(levels.level_customer)]  # answer in [lo, hi]; hi: none
    price = np.where(free, rho, np.inf)
    while (lo < hi).any():
        mid = (lo + hi) // 2
        probe = np.minimum(mid, len(levels.level_minutes) - 1)
        outside = np.where(minutes > levels.level_minutes[probe][:, None], price[None, :], np.inf)
        lowest = np.partition(outside, room - 1, axis=1)[:, :room].sum(axis=1)
        above = lowest > allowance
        active = lo < hi
        hi = np.where(active & above, mid, hi)
        lo = np.where(active & ~above, mid + 1, lo)
    end = np.r_[first[1:], len(levels.level_customer)]
    found = lo < end
    radius = np.full(nc, np.inf)
    radius[found] = levels.level_minutes[lo[found]]
    return radius


def interchange_heuristic(
    levels: RadiusLevels, a: SactArrays, p: SactParameters, count: int, deadline: float | None = None
) -> np.ndarray | None:
    """Open sites of a good plan with ``count`` open: greedy adding, then best-improvement swaps.

    Runs on a dense customers x sites matrix of weighted minutes (none above
    :data:`HEURISTIC_MAX_ENTRIES` entries: returns None); sites that must stay open are never
    swapped out, sites that cannot open never in.  Swapping stops at ``deadline``
    (:func:`time.monotonic` seconds).
    """
    nc, ns = levels.num_customers, a.num_sites
    if nc * ns > HEURISTIC_MAX_ENTRIES or count < 1 or p.max_new_sites is not None:
        return None
    cost = dense_costs(levels)
    fixed = site_costs(a, p)
    can_open = a.can_open
    is_open = a.must_open & can_open
    if is_open.sum() > count or can_open.sum() < count:
        return None
    near = cost[:, is_open].min(axis=1) if is_open.any() else np.full(nc, BIG)
    while is_open.sum() < count:  # greedy: p steps of one customers x sites pass each
        total = np.minimum(near[:, None], cost).sum(axis=0) + fixed
        total[is_open | ~can_open] = np.inf
        j = int(np.argmin(total))
        is_open[j] = True
        near = np.minimum(near, cost[:, j])
    for _ in range(HEURISTIC_MAX_SWEEPS):
        if deadline is not None and time.monotonic() > deadline:
            break
        if not _best_swap(cost, fixed, is_open, a.must_open, can_open):
            break
    return is_open


def _best_swap(
    cost: np.ndarray, fixed: np.ndarray, is_open: np.ndarray, must_open: np.ndarray, can_open: np.ndarray
) -> bool:
    """Make the best improving swap (one site in, one out) in place; False when none improves."""
    opened = np.flatnonzero(is_open)
    sub = cost[:, opened]
    order = np.argsort(sub, axis=1)
    nearest = opened[order[:, 0]]
    d1 = sub[np.arange(len(sub)), order[:, 0]]
    d2 = sub[np.arange(len(sub)), order[:, 1]] if len(opened) > 1 else np.full(len(sub), BIG)
    now = d1.sum() + fixed[opened].sum()
    m1 = np.minimum(d1[:, None], cost)
    m2 = np.minimum(d2[:, None], cost)
    owner = sp.csr_matrix(
        (np.ones(len(nearest)), (nearest, np.arange(len(nearest)))), shape=(len(fixed), len(d1))
    )
    loss = owner @ (m2 - m1)  # loss[r, j]: extra cost of r's customers when r closes and j opens
    total = m1.sum(axis=0)[None, :] + np.asarray(loss) + fixed[None, :] - fixed[:, None] + fixed[opened].sum()
    out_ok = is_open & ~must_open
    in_ok = ~is_open & can_open
    total[~out_ok, :] = np.inf
    total[:, ~in_ok] = np.inf
    r, j = np.unravel_index(int(np.argmin(total)), total.shape)
    if not total[r, j] < now - 1e-9 * max(1.0, abs(now)):
        return False
    is_open[r], is_open[j] = False, True
    return True
