"""The radius formulation as a matrix model, its start vector and the plan it reads as.

The mathematics (sets, variables, objective, numbered constraints) is stated once, in
:mod:`models.sact.radius`: :func:`build_radius` builds the variables, objective and the bounds
of constraint 2, :func:`covering` constraint 1; :func:`assign_nearest` turns the open sites into
the standard solution arrays of the whole SACT model and :func:`plan_objective` prices them.
"""

from __future__ import annotations

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.input import SactParameters
from models.sact.matrix import open_site_limits
from models.sact.pmedian_bounds import site_costs
from models.sact.radius_reductions import RadiusLevels
from solvers import MatrixModel


def build_radius(
    levels: RadiusLevels,
    a: SactArrays,
    p: SactParameters,
    shut: np.ndarray | None = None,
    fixed_open: np.ndarray | None = None,
) -> MatrixModel:
    """The radius formulation of ``levels`` as a :class:`MatrixModel` (blocks ``open``, ``radius``);
    sites where ``shut`` is true stay shut, where ``fixed_open`` is true open."""
    m = MatrixModel("sact_radius")
    upper = a.can_open.astype(float)
    if shut is not None:
        upper[shut] = 0.0
    lower = a.must_open if fixed_open is None else a.must_open | fixed_open
    y = m.add_variables(
        "open",
        a.num_sites,
        lower=np.minimum(lower.astype(float), upper),
        upper=upper,
        cost=site_costs(a, p),
        integer=True,
    )
    has_z = ~levels.level_last
    step = np.zeros(len(has_z))
    step[has_z] = levels.level_minutes[np.flatnonzero(has_z) + 1] - levels.level_minutes[has_z]
    z_cost = levels.weight[levels.level_customer[has_z]] * step[has_z]
    z = np.full(len(has_z), -1, np.int64)
    z[has_z] = m.add_variables("radius", int(has_z.sum()), lower=0.0, upper=1.0, cost=z_cost)
    first = np.r_[True, levels.level_customer[1:] != levels.level_customer[:-1]]
    m.objective_offset = float(
        (levels.weight[levels.level_customer[first]] * levels.level_minutes[first]).sum()
    )
    covering(m, levels, y, z, first)
    open_site_limits(m, a, p, y)
    return m


def covering(m: MatrixModel, levels: RadiusLevels, y: np.ndarray, z: np.ndarray, first: np.ndarray) -> None:
    """(1) z[i,k] + sum_{j in J_ik} y[j] - z[i,k-1] >= 1 at k = 1, >= 0 after (z at the last level 0)."""
    n = len(z)
    own = np.flatnonzero(z >= 0)
    prev = np.flatnonzero(~first)
    rows = np.concatenate([levels.arc_level, own, prev])
    cols = np.concatenate([y[levels.arc_site], z[own], z[prev - 1]])
    vals = np.concatenate([np.ones(len(levels.arc_level)), np.ones(len(own)), -np.ones(len(prev))])
    m.add_constraints("covering", n, rows, cols, vals, lower=first.astype(float))


def start_vector(model: MatrixModel, levels: RadiusLevels, is_open: np.ndarray) -> np.ndarray:
    """The column vector of the plan that opens ``is_open``: z[i,k] = 1 while no open site is within D_ik."""
    arc_cust = levels.level_customer[levels.arc_level]
    reach = np.full(levels.num_customers, np.inf)
    hit = is_open[levels.arc_site]
    np.minimum.at(reach, arc_cust[hit], levels.level_minutes[levels.arc_level[hit]])
    x = np.zeros(model.num_cols)
    x[model.variable_blocks["open"].index] = is_open
    has_z = ~levels.level_last
    x[model.variable_blocks["radius"].index] = (
        levels.level_minutes[has_z] < reach[levels.level_customer[has_z]]
    )
    return x


def assign_nearest(a: SactArrays, p: SactParameters, is_open: np.ndarray) -> dict[str, np.ndarray]:
    """The standard solution arrays of the plan that opens ``is_open``: every demand row served
    wholly by its nearest open site (ties: the first site), least chairs raised to the load."""
    minutes = np.where(is_open[a.arc_site], a.arc_minutes, np.inf)
    order = np.lexsort((a.arc_site, minutes, a.arc_dem))
    first = order[np.r_[True, a.arc_dem[order][1:] != a.arc_dem[order][:-1]]]
    serve = np.zeros(len(a.arc_dem))
    serve[first[np.isfinite(minutes[first])]] = 1.0
    load = np.bincount(a.arc_site, weights=a.arc_demand * serve, minlength=a.num_sites)
    need = (
        np.ceil(p.mean_chair_hours * load / p.chair_hours_per_year - 1e-9)
        if p.chair_hours_per_year > 0
        else 0
    )
    chairs = np.where(is_open, np.minimum(np.maximum(a.min_chairs, need), a.max_chairs), 0.0)
    return {
        "open": is_open.astype(float),
        "chairs": chairs,
        "serve": serve,
        "unserved": np.zeros(len(a.dem_amount)),
    }


def plan_objective(a: SactArrays, p: SactParameters, values: dict[str, np.ndarray]) -> float:
    """The SACT objective of standard solution arrays, as :func:`models.sact.matrix.build_matrix` has it."""
    scale = p.travel_cost_per_minute * p.trips_per_attendance if p.objective == "cost" else 1.0
    travel = scale * float((a.arc_demand * a.arc_minutes * values["serve"]).sum())
    if p.objective != "cost":
        return travel
    return travel + float(a.fixed_cost @ values["open"] + a.chair_cost @ values["chairs"])
