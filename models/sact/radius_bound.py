r"""The radius formulation as a relaxation of the capacitated SACT model (issue 16, item 2).

Why.  The radius formulation (:mod:`models.sact.radius`) is exact only without capacities; on a
capacitated instance it can still give a *lower bound* (capacities dropped) and a *plan to start
from* (its open sites, repaired for capacity).  This module builds that relaxation; what it is
worth against the capacitated model's own bounds is measured in
``benchmarks/results/sact_capacitated_radius.md``.

The relaxation.  Symbols of :mod:`models.sact`: :math:`F_s` fixed cost, :math:`c_s` cost a chair,
:math:`\eta` chair hours an attendance, :math:`C` chair hours a chair a year, :math:`d_a` the
attendances of arc :math:`a`'s demand row, :math:`v_a` its objective coefficient (valued travel;
attendance-minutes for ``travel``).  With every demand row served (no ``allow_unserved``),
constraint 3 gives :math:`n_s \ge \eta \sum_{a \to s} d_a x_a / C`, so with :math:`c_s \ge 0`

.. math:: c_s n_s \ge \sum_{a \to s} \frac{c_s \eta}{C} d_a x_a,

and every other term of the objective (drug transport) is non-negative.  Hence for every plan

.. math:: \text{objective} \ge \sum_s F_s y_s + \sum_a d_a e_a x_a, \qquad
          e_a = \frac{v_a}{d_a} + \frac{c_{s(a)} \eta}{C}\ \text{(cost)}, \quad e_a = t_a\ \text{(travel)},

and minimising the right-hand side over the plans of the model *without* constraints 3 (chair
hours), 5 (access), 7 (budget), 8 (safe volume), 10 (aseptic supply) and 11 (nurses) is an
uncapacitated facility location problem: each demand row served wholly by its cheapest open arc.
Its radius formulation has customers = demand rows with weight :math:`w_i = d_i`, levels = the
distinct :math:`e_a` of each row (:func:`relaxed_levels`).  Kept from the capacitated model, as
rows or bounds on :math:`y` only: the must-open sites, the open-site limits (6), the hub and
chair covers 15-16 (:func:`models.sact.cuts.cover_rows`) and the sites those covers force open
(:func:`models.sact.cuts.opened_by_cover`); each holds at every capacitated plan, so the
relaxation's optimum, and its LP's, are lower bounds on the capacitated optimum.  The least
chairs of an open site (:math:`n_s \ge \underline n_s y_s`) are dropped: a chair is counted once,
by its load.

Not available (:func:`radius_relaxation` returns None): ``allow_unserved`` (the load bound needs
every row served) and objectives other than ``cost`` and ``travel``.  ``single_source`` needs
nothing: the relaxation's plans serve every row from one site already.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.cuts import cover_rows, opened_by_cover
from models.sact.input import SactParameters
from models.sact.radius_formulation import build_radius
from models.sact.radius_reductions import RadiusLevels, radius_levels
from solvers import MatrixModel


@dataclass(frozen=True)
class RadiusRelaxation:
    """The relaxation's levels and model, and the arrays and parameters they were built from."""

    levels: RadiusLevels
    model: MatrixModel
    arrays: SactArrays  # ``arc_minutes`` replaced by e_a, chair costs 0
    parameters: SactParameters


def effective_minutes(a: SactArrays, p: SactParameters) -> np.ndarray:
    """:math:`e_a` of every arc: its objective a attendance, chairs at their load's cost (cost)."""
    if p.objective == "travel":
        return a.arc_minutes.copy()
    per_chair = p.mean_chair_hours / p.chair_hours_per_year if p.chair_hours_per_year > 0 else 0.0
    travel = p.travel_cost_per_minute * p.trips_per_attendance * a.arc_minutes
    return travel + a.chair_cost[a.arc_site] * per_chair


def relaxed_levels(a: SactArrays, p: SactParameters) -> tuple[SactArrays, SactParameters, np.ndarray]:
    """Arrays and parameters of the relaxation (see the module docstring) and the sites it holds open."""
    arrays = replace(a, arc_minutes=effective_minutes(a, p), chair_cost=np.zeros(a.num_sites))
    params = replace(
        p,
        objective="cost",  # site cost F_s, customer weight d_i (one pound a unit of e_a)
        travel_cost_per_minute=1.0,
        trips_per_attendance=1.0,
        access_target=None,
        budget=None,
        min_site_attendances=0.0,
        require_aseptic_supply=False,
    )
    if p.objective == "travel":
        arrays = replace(arrays, fixed_cost=np.zeros(a.num_sites))
    return arrays, params, opened_by_cover(a, p)


def radius_relaxation(a: SactArrays, p: SactParameters) -> RadiusRelaxation | None:
    """The relaxation of the module docstring as a radius model (None where it is not available)."""
    if p.allow_unserved or p.objective not in ("cost", "travel"):
        return None
    arrays, params, held = relaxed_levels(a, p)
    levels = radius_levels(arrays, params, fixed_open=held)
    model = build_radius(levels, arrays, params, fixed_open=held)
    cover_rows(model, a, p, model.variable_blocks["open"].index)
    return RadiusRelaxation(levels, model, arrays, params)
