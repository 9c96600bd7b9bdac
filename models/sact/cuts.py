r"""Valid inequalities of the SACT location model: rows that no plan breaks but the relaxation may.

Each row below holds at every integer plan of constraints 1-11 of :mod:`models.sact`, so adding it
keeps every optimum and can only raise the bound of the linear relaxation.  Symbols as there;
:math:`C` chair hours a year per chair, :math:`\eta` chair hours per attendance.

14. Chair rounding (:func:`chair_rounding`), when all demand must be served (no
    ``allow_unserved``): :math:`\sum_s n_s \ge \lceil \eta D / C \rceil` with :math:`D` all
    attendances, and :math:`\sum_{s \in S^C} n_s \ge \lceil \eta D^{c} / C \rceil` with
    :math:`D^c` the complex attendances.  Proof: summing constraint 3 over the sites and using
    constraint 1 with :math:`u = 0`, :math:`C \sum_s n_s \ge \eta \sum_a d_a x_a = \eta D`; complex
    arcs reach only :math:`S^C` (constraint 9), so the same over :math:`S^C` gives
    :math:`C \sum_{s \in S^C} n_s \ge \eta D^c`.  The chairs are integers, so the sums are at
    least the ceilings.  The relaxation, with fractional chairs, otherwise buys exactly
    :math:`\eta D / C` chairs; the integer plan needs the next whole chair, and on
    ``lsc-sact`` that chair is half the gap between the strong relaxation and the optimum.
    The ceiling is taken of the quotient less :data:`ROUNDING_SLACK`, so that a quotient a
    rounding error above a whole number never asks for a chair too many.
15. Hub cover (:func:`hub_cover`), with aseptic supply and all demand served:
    :math:`\sum_{h \in H} Q_h y_h \ge \delta D`.  Proof: every site's doses come from hubs
    (constraint 10, :math:`\sum_h f_{sh} = \delta \sum_a d_a x_a`), so summing over sites and
    using constraint 1 with :math:`u = 0` gives :math:`\sum_{s,h} f_{sh} = \delta D`, and each
    hub sends at most :math:`Q_h y_h`.  With :math:`y` binary it is a knapsack cover: a hub
    without which the others' capacity falls short of :math:`\delta D` is open in every plan, and
    its :math:`y_h` is fixed at 1 (:func:`opened_by_cover`; on ``lsc-sact`` the three hubs
    hold 115,000 doses a year for 85,084, so the Blackburn and Lancaster hubs must both open,
    where the relaxation opens Blackburn 0.8).
16. Chair cover (:func:`chair_cover`), with all demand served:
    :math:`\sum_s \overline n_s y_s \ge \lceil \eta D / C \rceil` and the same over
    :math:`S^C` for the complex attendances: constraint 14 with constraint 2
    (:math:`n_s \le \overline n_s y_s`).  Sites without which the rest cannot hold the chairs
    needed are fixed open as in 15.
17. Sites every plan opens (:func:`models.sact.matrix.open_in_every_plan`), fixed open: the
    must-open sites, those of 15 and 16, and, when all demand must be served, a site that is the
    only one some demand row reaches (:func:`reached_by_one_site`: every arc of the row goes to
    it): constraint 1 with :math:`u = 0` sends the row there and constraint 4 opens it.  With
    aseptic supply, so is the only hub within the drug-stability time of any of them
    (:func:`only_hub_of`: constraint 10 gives :math:`v_{sh} = y_s = 1` and :math:`v_{sh} \le
    y_h`; a hub supplies itself, 10', so this adds no further site).  Each such site has at least
    :math:`\underline n_s` chairs (constraint 2 with :math:`y_s = 1`), so its fixed cost and
    :math:`c_s \underline n_s` are paid by every plan: constants of the objective
    (:func:`models.sact.matrix.fixed_in_every_plan`).
"""

from __future__ import annotations

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.input import SactParameters
from solvers import MatrixModel

ROUNDING_SLACK = 1e-6  # chairs: the quotient is rounded up only when above a whole number by more


def least_chairs(hours: float, chair_hours: float) -> float:
    """Whole chairs that ``hours`` of chair time a year need, at ``chair_hours`` a chair a year."""
    if chair_hours <= 0 or hours <= 0:
        return 0.0
    return float(np.ceil(hours / chair_hours - ROUNDING_SLACK))


def chair_rounding(m: MatrixModel, a: SactArrays, p: SactParameters, n: np.ndarray) -> None:
    """(14) sum_s n[s] >= ceil(eta D / C); sum over complex-capable sites >= ceil(eta D^c / C)."""
    if p.allow_unserved:
        return
    hours = p.mean_chair_hours
    total = least_chairs(hours * a.dem_amount.sum(), p.chair_hours_per_year)
    if total > 0:
        m.add_constraints("chairs_total", 1, np.zeros(a.num_sites), n, 1.0, lower=total)
    complex_sites = np.unique(a.arc_site[a.arc_class == 1])
    need = least_chairs(hours * a.dem_amount[a.dem_class == 1].sum(), p.chair_hours_per_year)
    if need > 0 and len(complex_sites):
        m.add_constraints(
            "chairs_complex", 1, np.zeros(len(complex_sites)), n[complex_sites], 1.0, lower=need
        )


def covers(a: SactArrays, p: SactParameters) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """The knapsack covers on the open flags in force, as (row name, sites, weights, need): the
    hub cover (15) and the chair covers (16)."""
    if p.allow_unserved:
        return []
    out = []
    hubs = np.flatnonzero(a.is_hub)
    doses = p.doses_per_attendance * float(a.dem_amount.sum())
    if p.require_aseptic_supply and len(hubs) and doses > 0:
        out.append(("hub_cover", hubs, a.hub_capacity[hubs], doses))
    complex_sites = np.unique(a.arc_site[a.arc_class == 1])
    for name, sites, demand in (
        ("chair_cover", np.arange(a.num_sites), a.dem_amount.sum()),
        ("chair_cover_complex", complex_sites, a.dem_amount[a.dem_class == 1].sum()),
    ):
        need = least_chairs(p.mean_chair_hours * demand, p.chair_hours_per_year)
        if need > 0 and len(sites):
            out.append((name, sites, a.max_chairs[sites], need))
    return out


def cover_rows(m: MatrixModel, a: SactArrays, p: SactParameters, y: np.ndarray) -> None:
    """(15, 16) sum_h Q[h] y[h] >= delta D; sum_s max_chairs[s] y[s] >= ceil(eta D / C), and over
    the complex-capable sites for the complex attendances."""
    for name, sites, weight, need in covers(a, p):
        m.add_constraints(name, 1, np.zeros(len(sites)), y[sites], weight, lower=need)


def opened_by_cover(a: SactArrays, p: SactParameters) -> np.ndarray:
    """(15, 16) Mask of the sites open in every plan by a cover of :func:`covers`: those without
    which every other site of the cover, all open, falls short of its need."""
    opened = np.zeros(a.num_sites, dtype=bool)
    for _, sites, weight, need in covers(a, p):
        short = (weight > 0) & (float(weight.sum()) - weight < need * (1.0 - 1e-9))
        opened[sites[short]] = True
    return opened


def reached_by_one_site(a: SactArrays, p: SactParameters) -> np.ndarray:
    """(17) Mask of the sites that are the only site some demand row reaches, when all demand must
    be served (none with ``allow_unserved``: the row may be left unserved instead)."""
    reached = np.zeros(a.num_sites, dtype=bool)
    if p.allow_unserved or len(a.arc_dem) == 0:
        return reached
    first = np.full(len(a.dem_amount), a.num_sites)
    last = np.full(len(a.dem_amount), -1)
    np.minimum.at(first, a.arc_dem, a.arc_site)
    np.maximum.at(last, a.arc_dem, a.arc_site)
    reached[first[first == last]] = True
    return reached


def only_hub_of(a: SactArrays, p: SactParameters, opened: np.ndarray) -> np.ndarray:
    """(17) Mask of the hubs that are the only hub within the drug-stability time of a site in
    ``opened``, when every open site must be supplied (``require_aseptic_supply``)."""
    hubs = np.zeros(a.num_sites, dtype=bool)
    if not p.require_aseptic_supply or len(a.link_site) == 0:
        return hubs
    suppliers = np.bincount(a.link_site, minlength=a.num_sites)
    sole = (suppliers[a.link_site] == 1) & opened[a.link_site]
    hubs[a.link_hub[sole]] = True
    return hubs
