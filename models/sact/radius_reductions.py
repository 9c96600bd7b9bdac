"""Customers and distance levels of the radius formulation, after its reductions.

The formulation and the reductions are stated once, in :mod:`models.sact.radius`; this module
builds the levels: demand rows with the same arcs merged into one customer
(:func:`merge_identical_rows`), each customer's levels cut at the :math:`p`-th farthest site
(:func:`open_count`), at its nearest site that stays open, and at the Lagrangian radius it must be
served within (:func:`radius_levels`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.input import SactParameters


def open_count(a: SactArrays, p: SactParameters) -> int | None:
    """The number of open sites some optimal plan has, when the parameters fix it (else None)."""
    if p.exact_open_sites is not None:
        return int(p.exact_open_sites)
    site_costs = p.objective == "cost" and (a.fixed_cost > 0).any()
    if p.max_open_sites is not None and not site_costs and p.max_new_sites is None:
        return min(int(p.max_open_sites), a.num_sites)
    return None


@dataclass(frozen=True)
class RadiusLevels:
    """Customers, their distance levels and the arcs at each level (positions, not ids)."""

    dem_customer: np.ndarray  # customer of every demand row
    weight: np.ndarray  # w_i per customer
    level_customer: np.ndarray  # customer of every level (levels sorted by customer, distance)
    level_minutes: np.ndarray  # D_ik
    level_last: np.ndarray  # whether the level is its customer's last kept one (no z)
    arc_level: np.ndarray  # level of every kept customer arc
    arc_site: np.ndarray  # site of every kept customer arc
    num_sites: int

    @property
    def num_customers(self) -> int:
        return len(self.weight)


def merge_identical_rows(
    arc_dem: np.ndarray, arc_site: np.ndarray, arc_minutes: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customers from demand rows: rows with the same arcs (sites and minutes) merged.

    Returns the customer of every demand row, each customer's representative row and weight.
    Arcs are sorted by demand row, then site (as :func:`models.sact.arrays.prepare` sorts them).
    """
    nd = len(weights)
    starts = np.searchsorted(arc_dem, np.arange(nd))
    lengths = np.bincount(arc_dem, minlength=nd)
    customer = np.empty(nd, np.int64)
    reps: list[np.ndarray] = []
    count = 0
    for length in np.unique(lengths):  # one pass per distinct row length, not per row
        rows = np.flatnonzero(lengths == length)
        idx = starts[rows, None] + np.arange(length)[None, :]
        key = np.hstack([arc_site[idx].astype(float), arc_minutes[idx]])
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        customer[rows] = count + inverse.ravel()
        reps.append(rows[first])
        count += len(first)
    rep = np.concatenate(reps) if reps else np.zeros(0, np.int64)
    weight = np.bincount(customer, weights=weights, minlength=count)
    return customer, rep, weight


def radius_levels(
    a: SactArrays,
    p: SactParameters,
    shut: np.ndarray | None = None,
    fixed_open: np.ndarray | None = None,
    within: np.ndarray | None = None,
) -> RadiusLevels:
    """The customers' distance levels after the merging and p-th-site reductions.

    Sites where ``shut`` is true are left out (their arcs dropped, levels with only them merged
    away); a customer's levels end at its nearest site that must stay open or ``fixed_open``, and
    at its last level within ``within`` minutes (one radius per demand row; ``inf``: none).
    """
    shut = np.zeros(a.num_sites, bool) if shut is None else shut
    always = a.must_open if fixed_open is None else a.must_open | fixed_open
    live = ~shut[a.arc_site]
    arc_dem, arc_site, arc_minutes = a.arc_dem[live], a.arc_site[live], a.arc_minutes[live]
    customer, rep, weight = merge_identical_rows(arc_dem, arc_site, arc_minutes, _row_weight(a, p))
    rep_customer = np.full(len(a.dem_amount), -1, np.int64)
    rep_customer[rep] = np.arange(len(rep))
    arc_cust = rep_customer[arc_dem]
    keep = arc_cust >= 0
    cust, site, minutes = arc_cust[keep], arc_site[keep], arc_minutes[keep]
    order = np.lexsort((site, minutes, cust))
    cust, site, minutes = cust[order], site[order], minutes[order]
    new_cust = np.r_[True, cust[1:] != cust[:-1]]
    new_level = new_cust | np.r_[True, minutes[1:] != minutes[:-1]]
    arc_level = np.cumsum(new_level) - 1
    level_start = np.flatnonzero(new_level)
    level_customer, level_minutes = cust[level_start], minutes[level_start]
    cust_start = np.flatnonzero(new_cust)
    level_end = np.r_[level_start[1:], len(cust)] - 1
    covered = level_end - cust_start[level_customer] + 1  # N_ik
    num_levels = len(level_start)
    cust_first_level = np.searchsorted(level_customer, np.arange(len(weight)))
    last = np.r_[cust_first_level[1:], num_levels] - 1  # the customer's last level
    count = open_count(a, p)
    if count is not None and count >= 1:
        enough = np.flatnonzero(covered >= a.num_sites - int(shut.sum()) - count + 1)
        # the first level of each customer at which fewer than p sites lie farther
        first_enough = np.full(len(weight), num_levels, np.int64)
        np.minimum.at(first_enough, level_customer[enough], enough)
        last = np.minimum(last, first_enough)
    held = np.flatnonzero(always[site])
    if held.size:
        np.minimum.at(last, cust[held], arc_level[held])
    if within is not None:
        _cut_at_radius(last, customer, within, level_customer, level_minutes)
    return _cut_levels(weight, customer, level_customer, level_minutes, arc_level, site, last, a.num_sites)


def _cut_at_radius(
    last: np.ndarray,
    row_customer: np.ndarray,
    within: np.ndarray,
    level_customer: np.ndarray,
    level_minutes: np.ndarray,
) -> None:
    """End every customer's levels (``last``, in place) at its last level within its rows' least radius."""
    radius = np.full(len(last), np.inf)
    np.minimum.at(radius, row_customer, within)
    inside = np.flatnonzero(level_minutes <= radius[level_customer])
    last_inside = np.full(len(last), -1, np.int64)
    np.maximum.at(last_inside, level_customer[inside], inside)
    cut = last_inside >= 0
    last[cut] = np.minimum(last[cut], last_inside[cut])


def _row_weight(a: SactArrays, p: SactParameters) -> np.ndarray:
    """Objective weight of every demand row per minute of travel (attendances, or valued)."""
    scale = p.travel_cost_per_minute * p.trips_per_attendance if p.objective == "cost" else 1.0
    return scale * a.dem_amount


def _cut_levels(
    weight: np.ndarray,
    dem_customer: np.ndarray,
    level_customer: np.ndarray,
    level_minutes: np.ndarray,
    arc_level: np.ndarray,
    arc_site: np.ndarray,
    last: np.ndarray,
    num_sites: int,
) -> RadiusLevels:
    """Keep every customer's levels up to ``last[customer]`` (a level index) and their arcs."""
    kept = np.arange(len(level_customer)) <= last[level_customer]
    new_index = np.cumsum(kept) - 1
    arcs = kept[arc_level]
    level_last = np.zeros(len(level_customer), bool)
    level_last[last] = True
    return RadiusLevels(
        dem_customer=dem_customer,
        weight=weight,
        level_customer=level_customer[kept],
        level_minutes=level_minutes[kept],
        level_last=level_last[kept],
        arc_level=new_index[arc_level[arcs]],
        arc_site=arc_site[arcs],
        num_sites=num_sites,
    )
