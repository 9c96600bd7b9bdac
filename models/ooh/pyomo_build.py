"""The OOH formulation of :mod:`models.ooh` built with pyomo, one function per constraint family.

Used for every pyomo backend (``pyomo-highs``, ``pyomo-cbc``, ``pyomo-glpk``, ``pyomo-scip``) and
for the elastic form that explains an infeasible instance.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
import pyomo.environ as pyo

from models.ooh.input import OohInput, OohParameters
from models.ooh.sets import band_table, candidate_arcs, keyed, rota_table

# Weights of the elastic (explanation) objective, per unit of each slack.
ELASTIC_WEIGHTS = {
    "uncovered": 1000.0,  # a site-service left without cover
    "short": 10.0,  # a member short of 1-in-N
    "over_size": 10.0,  # a member over the largest rota size
    "extra_sites": 10.0,  # a site over the sites-per-rota limit
    "overload": 10.0,  # an attendance a night over the workload limit
}


def cover_once(m: Any, by_cover: dict[tuple[str, str], list[str]], slack: Any | None) -> None:
    """(1) sum_h x_ksh (+ uncovered_ks) = 1 for every site-service needing cover."""

    def rule(m: Any, k: str, s: str) -> Any:
        lhs = sum(m.x[k, s, h] for h in by_cover.get((k, s), ()))
        if slack is not None:
            lhs = lhs + slack[k, s]
        return lhs == 1

    m.cover = pyo.Constraint(m.COVER, rule=rule)


def hub_open(m: Any) -> None:
    """(2) x_ksh <= x_khh: a site joins only a rota that runs, and a hub covers itself."""
    m.hub_open = pyo.Constraint(
        [a for a in m.ARCS if a[1] != a[2]], rule=lambda m, k, s, h: m.x[k, s, h] <= m.x[k, h, h]
    )


def _rota_sum(m: Any, members: dict[tuple[str, str], list[tuple[str, float]]], k: str, h: str) -> Any:
    return sum(coef * m.x[k, s, h] for s, coef in members[k, h])


def min_rota_size(m: Any, clinicians: dict, rotas: pd.DataFrame, slack: Any | None) -> None:
    """(3) sum_s c_ks x_ksh (+ short_kh) >= N_k x_khh: the rota keeps members at or under 1-in-N_k."""
    need = keyed(rotas, ["service_id", "hub_id"], "min_rota_size")

    def rule(m: Any, k: str, h: str) -> Any:
        lhs = _rota_sum(m, clinicians, k, h) + (slack[k, h] if slack is not None else 0)
        return lhs >= need[k, h] * m.x[k, h, h]

    m.min_rota_size = pyo.Constraint(m.ROTAS, rule=rule)


def max_rota_size(m: Any, clinicians: dict, rotas: pd.DataFrame, slack: Any | None) -> None:
    """(4) sum_s c_ks x_ksh (- over_size_kh) <= M_k x_khh where the service has a largest size."""
    finite = rotas[rotas["max_rota_size"].notna()]
    cap = keyed(finite, ["service_id", "hub_id"], "max_rota_size")

    def rule(m: Any, k: str, h: str) -> Any:
        lhs = _rota_sum(m, clinicians, k, h) - (slack[k, h] if slack is not None else 0)
        return lhs <= cap[k, h] * m.x[k, h, h]

    m.ROTAS_CAPPED = pyo.Set(within=m.ROTAS, initialize=list(cap), dimen=2, ordered=True)
    m.max_rota_size = pyo.Constraint(m.ROTAS_CAPPED, rule=rule)


def max_sites(m: Any, ones: dict, rotas: pd.DataFrame, slack: Any | None) -> None:
    """(5) sum_s x_ksh (- extra_sites_kh) <= L_k x_khh where the service limits sites per rota."""
    finite = rotas[rotas["max_sites_per_rota"].notna()]
    cap = keyed(finite, ["service_id", "hub_id"], "max_sites_per_rota")

    def rule(m: Any, k: str, h: str) -> Any:
        lhs = _rota_sum(m, ones, k, h) - (slack[k, h] if slack is not None else 0)
        return lhs <= cap[k, h] * m.x[k, h, h]

    m.ROTAS_SITE_LIMITED = pyo.Set(within=m.ROTAS, initialize=list(cap), dimen=2, ordered=True)
    m.max_sites = pyo.Constraint(m.ROTAS_SITE_LIMITED, rule=rule)


def workload(m: Any, attendances: dict, limit: float, slack: Any | None) -> None:
    """(6) sum_s a_ks x_ksh (- overload_kh) <= W x_khh: nightly attendances one clinician carries."""

    def rule(m: Any, k: str, h: str) -> Any:
        lhs = _rota_sum(m, attendances, k, h) - (slack[k, h] if slack is not None else 0)
        return lhs <= limit * m.x[k, h, h]

    m.workload = pyo.Constraint(m.ROTAS, rule=rule)


def band_choice(m: Any, bands_of: dict[tuple[str, str], list[str]]) -> None:
    """(7) sum_b z_khb = x_khh: an open rota falls in exactly one supplement band."""
    m.band_choice = pyo.Constraint(
        m.ROTAS, rule=lambda m, k, h: sum(m.z[k, h, b] for b in bands_of[k, h]) == m.x[k, h, h]
    )


def band_members(m: Any, clinicians: dict, bands_of: dict[tuple[str, str], list[str]]) -> None:
    """(8) sum_b w_khb = sum_s c_ks x_ksh: the members, disaggregated by band."""
    m.band_members = pyo.Constraint(
        m.ROTAS,
        rule=lambda m, k, h: sum(m.w[k, h, b] for b in bands_of[k, h]) == _rota_sum(m, clinicians, k, h),
    )


def band_range(m: Any, bands: pd.DataFrame) -> None:
    """(9) lo_b z_khb <= w_khb <= hi_b z_khb: the band's size range holds its members."""
    lo = keyed(bands, ["service_id", "hub_id", "band"], "lo")
    hi = keyed(bands, ["service_id", "hub_id", "band"], "hi")
    m.band_lower = pyo.Constraint(m.BANDS, rule=lambda m, k, h, b: m.w[k, h, b] >= lo[k, h, b] * m.z[k, h, b])
    m.band_upper = pyo.Constraint(m.BANDS, rule=lambda m, k, h, b: m.w[k, h, b] <= hi[k, h, b] * m.z[k, h, b])


def annual_cost(
    m: Any, inp: OohInput, params: OohParameters, arcs: pd.DataFrame, rotas: pd.DataFrame, bands: pd.DataFrame
) -> None:
    """The objective's four components as named expressions: cover, supplements, travel, changes."""
    cover = keyed(rotas, ["service_id", "hub_id"], "cover_cost")
    unit = keyed(bands, ["service_id", "hub_id", "band"], "unit_cost")
    travel = keyed(arcs, ["service_id", "site_id", "hub_id"], "travel_cost")
    m.cover_cost = pyo.Expression(expr=sum(cost * m.x[k, h, h] for (k, h), cost in cover.items()))
    m.supplement_cost = pyo.Expression(expr=sum(cost * m.w[key] for key, cost in unit.items() if cost))
    m.travel_cost = pyo.Expression(expr=sum(cost * m.x[key] for key, cost in travel.items() if cost))
    change = 0.0
    if params.cost_per_change:
        arc_set = set(travel)
        today = inp.rotas[["service_id", "site_id", "current_hub"]].itertuples(index=False, name=None)
        for k, s, o in today:
            stay = m.x[k, s, o] if (k, s, o) in arc_set else 0
            change += params.cost_per_change * (1 - stay)
    m.change_cost = pyo.Expression(expr=change)


def _elastic_slacks(m: Any) -> dict[str, Any]:
    m.uncovered = pyo.Var(m.COVER, bounds=(0, 1))
    slacks = {"uncovered": m.uncovered}
    for name in ("short", "over_size", "extra_sites", "overload"):
        var = pyo.Var(m.ROTAS, within=pyo.NonNegativeReals)
        m.add_component(name, var)
        slacks[name] = var
    return slacks


def build(inp: OohInput, params: OohParameters, *, elastic: bool = False) -> pyo.ConcreteModel:
    """The pyomo MILP of the module docstring (no solver inside).

    Raises ValueError when a site-service has no candidate rota at all (outside elastic form):
    call :func:`models.ooh.diagnosis.diagnose` first for the explanation.
    """
    arcs = candidate_arcs(inp, params)
    rotas = rota_table(inp, params, arcs)
    bands = band_table(inp, rotas, prune=not elastic)
    cover_keys = list(inp.rotas[["service_id", "site_id"]].itertuples(index=False, name=None))
    arc_keys = list(arcs[["service_id", "site_id", "hub_id"]].itertuples(index=False, name=None))
    by_cover: dict[tuple[str, str], list[str]] = defaultdict(list)
    clinicians: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    attendances: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    ones: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for (k, s, h), c, a in zip(arc_keys, arcs["clinicians"], arcs["attendances_per_night"], strict=True):
        by_cover[k, s].append(h)
        clinicians[k, h].append((s, float(c)))
        attendances[k, h].append((s, float(a)))
        ones[k, h].append((s, 1.0))
    if not elastic:
        missing = [key for key in cover_keys if key not in by_cover]
        if missing:
            raise ValueError(f"no candidate rota can cover {missing[:3]}; see models.ooh.diagnosis.diagnose")
    band_keys = list(bands[["service_id", "hub_id", "band"]].itertuples(index=False, name=None))
    bands_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for k, h, b in band_keys:
        bands_of[k, h].append(b)

    m = pyo.ConcreteModel(name=f"ooh_rota {inp.name}".strip())
    m.COVER = pyo.Set(initialize=cover_keys, dimen=2, ordered=True)
    m.ARCS = pyo.Set(initialize=arc_keys, dimen=3, ordered=True)
    rota_keys = list(rotas[["service_id", "hub_id"]].itertuples(index=False, name=None))
    m.ROTAS = pyo.Set(initialize=rota_keys, dimen=2, ordered=True)
    m.BANDS = pyo.Set(initialize=band_keys, dimen=3, ordered=True)
    m.x = pyo.Var(m.ARCS, within=pyo.Binary)
    m.z = pyo.Var(m.BANDS, within=pyo.Binary)
    m.w = pyo.Var(m.BANDS, within=pyo.NonNegativeReals)
    slacks = _elastic_slacks(m) if elastic else {}

    cover_once(m, by_cover, slacks.get("uncovered"))
    hub_open(m)
    min_rota_size(m, clinicians, rotas, slacks.get("short"))
    max_rota_size(m, clinicians, rotas, slacks.get("over_size"))
    max_sites(m, ones, rotas, slacks.get("extra_sites"))
    workload(m, attendances, params.max_attendances_per_night, slacks.get("overload"))
    band_choice(m, bands_of)
    band_members(m, clinicians, bands_of)
    band_range(m, bands)
    annual_cost(m, inp, params, arcs, rotas, bands)
    if elastic:
        m.objective = pyo.Objective(
            expr=sum(ELASTIC_WEIGHTS[name] * pyo.quicksum(var.values()) for name, var in slacks.items())
        )
    else:
        m.objective = pyo.Objective(expr=m.cover_cost + m.supplement_cost + m.travel_cost + m.change_cost)
    return m


def extract_assignment(m: Any) -> pd.DataFrame:
    """The chosen arcs of a solved model: ``service_id, site_id, hub_id``."""
    rows = [key for key in m.ARCS if (m.x[key].value or 0.0) > 0.5]
    return pd.DataFrame(rows, columns=["service_id", "site_id", "hub_id"])


def slack_table(m: Any) -> pd.DataFrame:
    """Positive slacks of a solved elastic model: ``slack, service_id, site_id, value``."""
    rows = [
        (name, key[0], key[1], float(var.value))
        for name in ELASTIC_WEIGHTS
        for key, var in getattr(m, name).items()
        if var.value is not None and var.value > 1e-6
    ]
    return pd.DataFrame(rows, columns=["slack", "service_id", "site_id", "value"])
