"""The SACT location model written with pyomo (maths in :mod:`models.sact.input`).

Same arrays, same variables and constraint families as :mod:`models.sact.matrix`; used to reach
solvers other than HiGHS and as an independent second build of the formulation.  Its cost grows
about a hundred times faster than the vectorised build: keep it for small and medium instances.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.input import SactParameters
from models.sact.matrix import arc_objective


def _groups(keys: np.ndarray, size: int) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(size)]
    for i, k in enumerate(keys.tolist()):
        out[k].append(i)
    return out


def _add(block: Any, expr: Any) -> None:
    """Add ``expr`` to a ConstraintList; a relation over no variables is checked, not added."""
    if isinstance(expr, bool):
        if not expr:
            raise ValueError("a constraint over no variables cannot hold; diagnose() should have said why")
        return
    block.add(expr)


def build_pyomo(a: SactArrays, p: SactParameters) -> Any:
    """A pyomo ConcreteModel of the formulation."""
    import pyomo.environ as pyo

    m = pyo.ConcreteModel("sact_location")
    S = range(a.num_sites)
    A = range(len(a.arc_dem))
    D = range(len(a.dem_amount))
    m.open = pyo.Var(S, domain=pyo.Binary)
    m.chairs = pyo.Var(S, domain=pyo.NonNegativeIntegers, bounds=lambda _, s: (0, a.max_chairs[s]))
    m.serve = pyo.Var(A, domain=pyo.Binary if p.single_source else pyo.UnitInterval)
    m.unserved = pyo.Var(D, bounds=(0, 1.0 if p.allow_unserved else 0.0))
    for s in np.flatnonzero(a.must_open):
        m.open[int(s)].fix(1)
    arcs_of_dem = _groups(a.arc_dem, len(D))
    arcs_of_site = _groups(a.arc_site, a.num_sites)
    arc_cost = arc_objective(a, p)
    dem_hours = p.mean_chair_hours * a.arc_demand

    m.demand = pyo.Constraint(
        D, rule=lambda m, d: sum(m.serve[i] for i in arcs_of_dem[d]) + m.unserved[d] == 1
    )
    m.chairs_min = pyo.Constraint(S, rule=lambda m, s: m.chairs[s] >= a.min_chairs[s] * m.open[s])
    m.chairs_max = pyo.Constraint(S, rule=lambda m, s: m.chairs[s] <= a.max_chairs[s] * m.open[s])
    m.chair_hours = pyo.Constraint(
        S,
        rule=lambda m, s: (
            sum(dem_hours[i] * m.serve[i] for i in arcs_of_site[s]) <= p.chair_hours_per_year * m.chairs[s]
        ),
    )
    if p.strong_linking:
        m.serve_open = pyo.Constraint(A, rule=lambda m, i: m.serve[i] <= m.open[int(a.arc_site[i])])
    else:
        m.serve_open_sum = pyo.Constraint(
            S, rule=lambda m, s: sum(m.serve[i] for i in arcs_of_site[s]) <= len(arcs_of_site[s]) * m.open[s]
        )
    if p.access_target is not None:
        near = a.arc_minutes <= p.access_minutes
        groups = {"all": np.ones(len(D), bool)}
        if p.access_by_quintile:
            groups.update({f"q{q}": a.dem_quintile == q for q in np.unique(a.dem_quintile) if q > 0})
        m.access = pyo.ConstraintList()
        for mask in groups.values():
            arcs = np.flatnonzero(near & mask[a.arc_dem])
            _add(
                m.access,
                sum(a.arc_demand[i] * m.serve[int(i)] for i in arcs)
                >= p.access_target * a.dem_amount[mask].sum(),
            )
    k = p.exact_open_sites if p.exact_open_sites is not None else p.max_open_sites
    if k is not None:
        total_open = sum(m.open[s] for s in S)
        m.open_sites = pyo.Constraint(
            expr=total_open == k if p.exact_open_sites is not None else total_open <= k
        )
    if p.max_new_sites is not None:
        m.new_sites = pyo.ConstraintList()
        _add(m.new_sites, sum(m.open[int(s)] for s in np.flatnonzero(a.is_new)) <= p.max_new_sites)
    if p.budget is not None:
        m.budget = pyo.Constraint(
            expr=sum(a.fixed_cost[s] * m.open[s] + a.chair_cost[s] * m.chairs[s] for s in S) <= p.budget
        )
    if p.min_site_attendances > 0:
        m.safe_volume = pyo.Constraint(
            S,
            rule=lambda m, s: (
                sum(a.arc_demand[i] * m.serve[i] for i in arcs_of_site[s])
                >= p.min_site_attendances * m.open[s]
            ),
        )
    if p.require_aseptic_supply:
        _aseptic_supply(m, a, p, arcs_of_site)
    if len(a.nurse_trusts):
        sites_of_trust: dict[str, list[int]] = defaultdict(list)
        for s, t in enumerate(a.site_trust.tolist()):
            sites_of_trust[t].append(s)
        m.nurses = pyo.ConstraintList()
        for t, cap in zip(a.nurse_trusts.tolist(), a.nurse_chairs.tolist(), strict=True):
            if sites_of_trust[t]:
                m.nurses.add(sum(m.chairs[s] for s in sites_of_trust[t]) <= cap)

    site_cost = p.objective == "cost"
    m.objective = pyo.Objective(
        expr=(sum(a.fixed_cost[s] * m.open[s] + a.chair_cost[s] * m.chairs[s] for s in S) if site_cost else 0)
        + sum(arc_cost[i] * m.serve[i] for i in A)
        + sum(p.unserved_penalty * a.dem_amount[d] * m.unserved[d] for d in D),
        sense=pyo.minimize,
    )
    return m


def _aseptic_supply(m: Any, a: SactArrays, p: SactParameters, arcs_of_site: list[list[int]]) -> None:
    import pyomo.environ as pyo

    L = range(len(a.link_site))
    S = range(a.num_sites)
    m.supply = pyo.Var(L, domain=pyo.Binary)
    m.doses = pyo.Var(L, bounds=lambda _, i: (0, a.link_big_m[i]))
    links_of_site = _groups(a.link_site, a.num_sites)
    m.one_hub = pyo.Constraint(S, rule=lambda m, s: sum(m.supply[i] for i in links_of_site[s]) == m.open[s])
    m.hub_open = pyo.Constraint(L, rule=lambda m, i: m.supply[i] <= m.open[int(a.link_hub[i])])
    m.doses_balance = pyo.Constraint(
        S,
        rule=lambda m, s: (
            sum(m.doses[i] for i in links_of_site[s])
            == p.doses_per_attendance * sum(a.arc_demand[i] * m.serve[i] for i in arcs_of_site[s])
        ),
    )
    m.doses_link = pyo.Constraint(L, rule=lambda m, i: m.doses[i] <= a.link_big_m[i] * m.supply[i])
    hubs = [int(h) for h in np.flatnonzero(a.is_hub)]
    links_of_hub = _groups(a.link_hub, a.num_sites)
    m.hub_capacity = pyo.Constraint(
        hubs, rule=lambda m, h: sum(m.doses[i] for i in links_of_hub[h]) <= a.hub_capacity[h] * m.open[h]
    )


def pyomo_values(m: Any, a: SactArrays, p: SactParameters) -> dict[str, np.ndarray]:
    """The solution of a solved pyomo model as arrays keyed like the matrix blocks."""

    def vals(var: Any, n: int) -> np.ndarray:
        return np.array([var[i].value if var[i].value is not None else 0.0 for i in range(n)], dtype=float)

    out = {
        "open": vals(m.open, a.num_sites),
        "chairs": vals(m.chairs, a.num_sites),
        "serve": vals(m.serve, len(a.arc_dem)),
        "unserved": vals(m.unserved, len(a.dem_amount)),
    }
    if p.require_aseptic_supply:
        out["supply"] = vals(m.supply, len(a.link_site))
        out["doses"] = vals(m.doses, len(a.link_site))
    return out
