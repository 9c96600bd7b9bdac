r"""The objectives of the SACT location model: least cost, least travel, most coverage, least worst.

The mathematics is in :mod:`models.sact` (objectives and constraints 12-13); this module builds
the objective vectors of every objective, the rows of ``worst`` (:func:`longest_journey`), the
figures a plan reports for its objective (:func:`objective_terms`) and the checker's recomputation
of the objective from a plan's tables and the input alone (:func:`check_objective`).

Under ``coverage`` and ``worst`` the cost terms stay in the objective as a tie-break of weight
:func:`tie_break_weight`: together they move the objective by less than ``objective_tie_break``
(attendances or minutes), so among plans equally good on the objective the cheapest is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from models.sact.access import share
from models.sact.input import SactInput, SactParameters

if TYPE_CHECKING:
    from models.sact.arrays import SactArrays
    from solvers import MatrixModel

OBJECTIVES = ("cost", "travel", "coverage", "worst")
TIE_BROKEN = ("coverage", "worst")  # the cost terms are only a tie-break
OBJECTIVE_UNITS = {
    "cost": "pounds a year",
    "travel": "attendance-minutes a year",
    "coverage": "attendances a year not within the access standard",
    "worst": "minutes of the longest journey",
}


def tie_break_weight(
    p: SactParameters, fixed: np.ndarray, chair_cost: np.ndarray, max_chairs: np.ndarray, demand: float
) -> float:
    r""":math:`\epsilon = e / (\sum_s (F_s + c_s \overline n_s) + \beta\theta D T^{max}
    + \gamma \delta D T^{stab})`, the weight of one pound under ``coverage`` and ``worst`` (0 under
    ``cost`` and ``travel``; the last term only with aseptic supply).

    The denominator bounds every plan's cost (D the attendances a year, :math:`T^{max}` the travel
    limit, :math:`T^{stab}` the drug-stability time), so the cost terms together add less than
    :math:`e` = ``objective_tie_break``.
    """
    if p.objective not in TIE_BROKEN:
        return 0.0
    bound = float((fixed + chair_cost * max_chairs).sum())
    bound += p.travel_cost_per_minute * p.trips_per_attendance * demand * p.max_travel_minutes
    if p.require_aseptic_supply:
        bound += p.transport_cost_per_minute * p.doses_per_attendance * demand * p.drug_stability_minutes
    return p.objective_tie_break / bound if bound > 0 else 0.0


def _weight(a: SactArrays, p: SactParameters) -> float:
    return tie_break_weight(p, a.fixed_cost, a.chair_cost, a.max_chairs, a.total_demand)


def site_objective(a: SactArrays, p: SactParameters) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Objective coefficients of ``open`` and ``chairs``: their costs (weighted under coverage and
    worst), none under travel."""
    if p.objective == "travel":
        return 0.0, 0.0
    w = _weight(a, p) if p.objective in TIE_BROKEN else 1.0
    return w * a.fixed_cost, w * a.chair_cost


def arc_objective(a: SactArrays, p: SactParameters) -> np.ndarray:
    """Objective coefficient of every arc: valued travel (cost), attendance-minutes (travel), the
    attendances beyond the access standard plus the weighted travel (coverage), weighted travel
    (worst)."""
    minutes = a.arc_demand * a.arc_minutes
    if p.objective == "travel":
        return minutes
    valued = p.travel_cost_per_minute * p.trips_per_attendance * minutes
    if p.objective == "cost":
        return valued
    out = _weight(a, p) * valued
    if p.objective == "coverage":
        out = out + a.arc_demand * (a.arc_minutes > p.access_minutes)
    return out


def transport_weight(p: SactParameters) -> float:
    """Objective weight of one dose-minute of drug transport: pounds (cost), or attendance-minutes
    at the value of patient travel (travel; pounds when patient travel has no value)."""
    if p.objective == "cost":
        return p.transport_cost_per_minute
    patient = p.travel_cost_per_minute * p.trips_per_attendance
    return p.transport_cost_per_minute / patient if patient > 0 else p.transport_cost_per_minute


def dose_objective(a: SactArrays, p: SactParameters) -> np.ndarray:
    """Objective coefficient of every supply link's doses: its transport minutes at
    :func:`transport_weight` (cost, travel) or in pounds at the tie-break weight (coverage, worst)."""
    if p.objective in TIE_BROKEN:
        return _weight(a, p) * p.transport_cost_per_minute * a.link_minutes
    return transport_weight(p) * a.link_minutes


def unserved_objective(a: SactArrays, p: SactParameters) -> np.ndarray:
    """Objective coefficient of every ``unserved`` share: the penalty, plus (coverage) the
    attendances themselves, which are not covered."""
    extra = 1.0 if p.objective == "coverage" else 0.0
    return (p.unserved_penalty + extra) * a.dem_amount


def forced_minutes(a: SactArrays, p: SactParameters) -> float:
    """A lower bound on the longest journey: the largest, over demand rows, of the row's shortest
    arc (every row is served when unserved demand is not allowed); -inf otherwise."""
    if p.allow_unserved or len(a.arc_dem) == 0:
        return -np.inf
    shortest = np.full(len(a.dem_amount), np.inf)
    np.minimum.at(shortest, a.arc_dem, a.arc_minutes)
    reached = shortest[np.isfinite(shortest)]  # a row with no arc at all is diagnosed before solving
    return float(reached.max()) if len(reached) else -np.inf


def longest_journey(m: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> np.ndarray:
    r"""(13) ``worst``: :math:`W \ge F` with :math:`F` the :func:`forced_minutes` (or the shortest
    arc); for every distinct arc minutes :math:`t^{(j)} > F` a binary :math:`z_j`,
    :math:`W \ge F + (t^{(j)} - F) z_j` and :math:`x_a \le z_{j(a)}` for its arcs; returns the
    column of :math:`W`.

    No chain :math:`z_{j+1} \le z_j` is needed (each level bounds :math:`W` on its own), which
    keeps HiGHS's presolve probing cheap: with a chain it probes along it, thousands of levels
    deep when travel times are not whole minutes.
    """
    levels = np.unique(a.arc_minutes)
    if len(levels) == 0:
        return m.add_variables("worst", 1, lower=0.0, upper=0.0, cost=1.0)
    floor = max(float(levels[0]), forced_minutes(a, p))
    free = levels[levels > floor]
    z = m.add_variables("level", len(free), lower=0.0, upper=1.0, integer=True)
    w = m.add_variables("worst", 1, lower=floor, upper=float(levels[-1]), cost=1.0)
    r = np.arange(len(free))
    m.add_constraints(
        "worst_levels",
        len(free),
        np.concatenate([r, r]),
        np.concatenate([np.full(len(free), w[0]), z]),
        np.concatenate([np.ones(len(free)), -(free - floor)]),
        lower=floor,
    )
    arcs = np.flatnonzero(a.arc_minutes > floor)
    level = np.searchsorted(free, a.arc_minutes[arcs])
    r = np.arange(len(arcs))
    m.add_constraints(
        "worst_arcs",
        len(arcs),
        np.concatenate([r, r]),
        np.concatenate([x[arcs], z[level]]),
        np.concatenate([np.ones(len(arcs)), -np.ones(len(arcs))]),
        upper=0.0,
    )
    return w


def objective_rows(m: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> None:
    """The rows an objective needs beyond the model's own (12 needs none; 13 :func:`longest_journey`)."""
    if p.objective == "worst":
        longest_journey(m, a, p, x)


def objective_terms(a: SactArrays, p: SactParameters, values: dict[str, np.ndarray]) -> dict[str, float]:
    """The plan's own objective figures: attendances within the access standard and not, and
    (worst) the model's longest-journey variable :math:`W`."""
    x = values["serve"]
    near = a.arc_minutes <= p.access_minutes
    covered = float((a.arc_demand * x)[near].sum())
    out = {"covered_attendances": covered, "uncovered_attendances": a.total_demand - covered}
    if "worst" in values:
        out["worst_bound_minutes"] = float(values["worst"][0])
    return out


def objective_figures(p: SactParameters, costs: dict[str, float], total: float) -> dict[str, object]:
    """``summary.json``'s ``objective_figures``: the objective's name, unit and own value (covered
    share, or longest journey in minutes), beside the costs."""
    out: dict[str, object] = {"objective": p.objective, "unit": OBJECTIVE_UNITS.get(p.objective, "")}
    if p.objective == "coverage":
        out["access_minutes"] = p.access_minutes
        out["covered_attendances"] = costs.get("covered_attendances")
        out["covered_share"] = share(costs.get("covered_attendances", 0.0), total) if total > 0 else None
    elif p.objective == "worst":
        out["worst_minutes"] = costs.get("worst_bound_minutes")
    return out


def check_objective(
    data: SactInput, alloc: pd.DataFrame, lost: float, costs: dict[str, float], claimed_worst: float | None
) -> tuple[float, list[str]]:
    """The objective of ``coverage`` or ``worst`` recomputed from a plan's tables and the input
    (``alloc``: attendances and the input's minutes per allocation; ``costs``: fixed, chairs,
    valued patient travel and drug transport in pounds), and the plan's breaches of constraint 13
    (a journey longer than the claimed :math:`W`)."""
    p = data.parameters
    sites = data.sites
    w = tie_break_weight(
        p,
        sites["fixed_cost"].to_numpy(float),
        sites["chair_cost"].to_numpy(float),
        sites["max_chairs"].to_numpy(float),
        float(data.zones["attendances"].astype(float).sum()),
    )
    tie = w * (costs["fixed"] + costs["chairs"] + costs["patient_travel"] + costs["drug_transport"])
    if p.objective == "coverage":
        total = float(data.zones["attendances"].astype(float).sum())
        near = float(alloc.loc[alloc["minutes"] <= p.access_minutes, "attendances"].sum())
        return total - near + p.unserved_penalty * lost + tie, []
    used = alloc[alloc["attendances"] > 1e-6]
    longest = float(used["minutes"].max()) if len(used) else 0.0
    if claimed_worst is None:
        return longest + p.unserved_penalty * lost + tie, ["the plan does not report its longest journey W"]
    lines = [
        f"zone {r.zone_id} -> site {r.site_id}: {r.minutes:g} min, beyond the plan's longest journey "
        f"{claimed_worst:g} min"
        for r in used[used["minutes"] > claimed_worst + 1e-6].itertuples()
    ]
    return claimed_worst + p.unserved_penalty * lost + tie, lines
