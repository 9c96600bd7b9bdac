"""Solve the SACT location model and read its plan (the maths is in :mod:`models.sact`).

Stages, each timed: prepare arrays -> diagnose what cannot be met -> build the matrix model
(:mod:`models.sact.matrix`) -> solve (HiGHS direct, the priced path of :mod:`models.sact.large`,
or any pyomo backend through :mod:`solvers.pyomo_matrix`) -> extract the plan.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from models.common.constant import decided_gap, progress_plus, with_constant
from models.common.contract import finite_or_none
from models.sact.access import access_by_district, access_by_quintile, access_statistics, percent
from models.sact.arrays import SactArrays, prepare
from models.sact.diagnose import diagnose, unproven_gap, unserved_reasons
from models.sact.input import CLASSES, SactInput, SactParameters
from models.sact.large import solve_priced, use_priced_path
from models.sact.matrix import build_matrix, fixed_in_every_plan, open_in_every_plan
from models.sact.objectives import objective_figures, objective_terms
from models.sact.radius import solve_radius, use_radius_path
from models.sact.start import start_point
from solvers import SolveOptions, SolveResult, Status, solve_model

SHARE_NOISE = 1e-7  # a solver's share at most this is zero (its feasibility tolerance)


@dataclass(frozen=True)
class SactPlan:
    """The proposed configuration, or the reasons there is none.

    sites : one row per candidate site: ``open``, ``chairs``, ``current_chairs``,
        ``chair_change``, ``change`` (opened / closed / kept / resized / not used),
        ``attendances``, ``chair_hours_used``, ``chair_hours_available``, ``utilisation``,
        ``supplied_by``.
    allocation : zone_id, site_id, regimen, share, attendances, minutes.
    hub_links : site_id, hub_id, minutes (hub -> site transport), doses (a year),
        transport_cost (pounds a year).
    unserved : zone_id, regimen, attendances.
    costs : pounds a year by component (fixed, chairs, patient_travel, drug_transport,
        unserved_penalty), their ``total``, ``attendance_minutes`` and ``dose_minutes`` a year,
        the objective and its own terms (:func:`models.sact.objectives.objective_terms`).
    access : mean, p95 and worst minutes, share within 30/45/60 minutes; ``access_by_quintile``
        the same per deprivation quintile; ``access_by_district`` per district of the zones
        (:func:`models.sact.access.access_by_district`; no rows when no zone names its district).
    explanation : when no plan exists, every requirement that cannot be met, in planners' words; with
        a plan that leaves demand unserved (``allow_unserved``), why it is left unserved.
    parameters : the parameters solved under (so the plan can be checked with the input alone).
    solve_path : ``direct`` (the whole model), ``priced`` (:mod:`models.sact.large`), ``radius``
        (:mod:`models.sact.radius`), ``pyomo``,
        or ``diagnosed`` (no solve: a requirement cannot be met).
    """

    result: SolveResult
    sites: pd.DataFrame
    allocation: pd.DataFrame
    hub_links: pd.DataFrame
    unserved: pd.DataFrame
    costs: dict[str, float]
    access: dict[str, float]
    access_by_quintile: pd.DataFrame
    explanation: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    parameters: SactParameters = field(default_factory=SactParameters)
    solve_path: str = ""
    warm_start: str = ""
    access_by_district: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def found(self) -> bool:
        return self.result.has_plan

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV files of a run, by file stem (none without a plan)."""
        if not self.found:
            return {}
        return {
            "sites": self.sites,
            "allocation": self.allocation,
            "hub_links": self.hub_links,
            "unserved": self.unserved,
            "access_by_quintile": self.access_by_quintile,
            **({"access_by_district": self.access_by_district} if len(self.access_by_district) else {}),
        }

    def figures(self) -> dict[str, Any]:
        """Headline figures (JSON-ready): costs by component, access, site and chair counts,
        the changes from today, unserved attendances and the solve path that ran."""
        out: dict[str, Any] = {"solve_path": self.solve_path}
        if self.warm_start:
            out["warm_start"] = self.warm_start
        if not self.found:
            return out
        s = self.sites
        out["costs"] = {k: finite_or_none(v) for k, v in self.costs.items()}
        out["access"] = {k: finite_or_none(v) for k, v in self.access.items()}
        out["sites_open"] = int(s["open"].sum())
        out["chairs"] = int(s["chairs"].sum())
        out["chairs_today"] = int(s["current_chairs"].sum())
        out["changes"] = {
            label: [str(v) for v in s.loc[s["change"] == label, "site_id"]]
            for label in ("opened", "closed", "resized")
        }
        out["unserved_attendances"] = float(self.unserved["attendances"].sum()) if len(self.unserved) else 0.0
        out["objective_figures"] = objective_figures(
            self.parameters, self.costs, self.access.get("attendances", 0.0)
        )
        decided = self.decided_gap()
        if decided is not None:
            out["decided_gap"] = decided
        return out

    def decided_gap(self) -> dict[str, float | None] | None:
        """The solver's gap in pounds (``absolute``) and as a share of the cost the plan decides
        (``gap``: of ``decided_cost``, the objective less ``fixed_in_every_plan``, the fixed cost and
        least chairs of the sites every plan opens): a must-open site costing 1e12 made the relative gap of
        the whole cost 0.00 % beside £498,304 open on £5.4M decided.  None without a bound or under
        an objective other than cost."""
        if not self.found or self.parameters.objective != "cost":
            return None
        return decided_gap(self.result, self.costs.get("fixed_in_every_plan", 0.0))


def solve_sact(
    data: SactInput,
    backend: str = "highs",
    options: SolveOptions | None = None,
    *,
    progress: Any = None,
    start: Any = None,
) -> SactPlan:
    """Solve ``data`` under its own parameters with ``backend`` (``highs``, or ``pyomo-<solver>``).

    ``start`` (optional) is a plan's sites and chairs to warm-start from
    (:func:`models.sact.start.start_point`); one that cannot be completed is ignored with a note.

    The parameter ``solve_method`` (HiGHS only): ``direct`` solves the whole model; ``priced``
    takes the path of :mod:`models.sact.large` (strong relaxation by pricing, plans from
    restricted MILPs, a valid bound); ``auto`` takes it above
    :data:`models.sact.large.PRICED_PATH_ARCS` arcs.  ``radius`` solves by the radius formulation
    of :mod:`models.sact.radius`, and ``auto`` does on p-median instances: backend ``highs``,
    objective ``travel``, ``exact_open_sites`` or ``max_open_sites`` set, and no chair-hours
    capacity that can bind, access target, budget, safe volume, aseptic supply, nurse limit or
    unserved demand (:func:`models.sact.radius.use_radius_path`).
    """
    options = options or SolveOptions()
    p = data.parameters
    t0 = time.perf_counter()
    arrays = prepare(data)
    prepare_seconds = time.perf_counter() - t0
    problems = diagnose(data, arrays)
    if problems:
        result = SolveResult(
            Status.INFEASIBLE, None, None, None, prepare_seconds, 0.0, backend, "diagnosed before solving"
        )
        return _empty_plan(data, result, problems, {"prepare": prepare_seconds}, "diagnosed")
    start_seconds = 0.0  # completing the start on the direct and pyomo paths (the priced path times its own)
    note = ""
    radius = use_radius_path(arrays, p, backend)
    constant = 0.0 if radius else fixed_in_every_plan(arrays, p)  # the other paths' models leave it out
    if radius:
        path = "radius"
        result, values = solve_radius(
            arrays, p, backend, options, build_seconds=prepare_seconds, progress=progress
        )
    elif backend == "highs" and use_priced_path(arrays, p, p.solve_method):
        path = "priced"
        result, x, model = solve_priced(
            arrays,
            p,
            options,
            constant=constant,
            build_seconds=prepare_seconds,
            progress=progress_plus(progress, constant),
            start=start,
        )
        note = _start_note(result.message)
        values = None if x is None else {name: model.values(x, name) for name in model.variable_blocks}
    else:
        path = "direct" if backend == "highs" else "pyomo"
        t1 = time.perf_counter()
        model = build_matrix(arrays, p, without_constant=True)
        build_seconds = prepare_seconds + time.perf_counter() - t1
        t2 = time.perf_counter()
        x0, note = (None, "") if start is None else start_point(model, arrays, start, options, constant)
        start_seconds = time.perf_counter() - t2
        result, x = solve_model(
            model,
            backend,
            options,
            build_seconds=build_seconds,
            progress=progress_plus(progress, constant),
            start=x0,
        )
        result = replace(result, message="; ".join(m for m in (note, result.message) if m))
        values = None if x is None else {name: model.values(x, name) for name in model.variable_blocks}
    result = with_constant(result, constant)
    timings = {"build": result.build_seconds, "solve": result.solve_seconds}
    if start is not None and path != "priced":  # the priced path counts it in its solve
        timings["warm_start"] = start_seconds
    if values is None:
        explanation = []
        if result.status is Status.INFEASIBLE:
            explanation = [jointly_infeasible(p, closed_sites(arrays))]
        elif result.status is Status.NO_SOLUTION:
            explanation = ["no plan was found within the time limit; allow more time (--time-limit)"]
        return replace(_empty_plan(data, result, explanation, timings, path), warm_start=note)
    plan = extract(data, arrays, values, result, timings)
    if len(plan.unserved) and float(plan.unserved["attendances"].sum()) > 1e-6:
        reasons = unserved_reasons(data, arrays, unproven_gap(result))
        why = tuple(f"demand left unserved: {reason}" for reason in reasons)
        plan = replace(plan, explanation=plan.explanation + why)
    return replace(plan, solve_path=path, warm_start=note)


def _start_note(message: str) -> str:
    """The warm-start note among a result message's parts (empty without one)."""
    return next((part for part in message.split("; ") if part.startswith("warm start")), "")


def jointly_infeasible(p: SactParameters, closed: Sequence[str] = ()) -> str:
    """Why the solver found no plan when no single requirement is impossible: the requirements in
    force that could be relaxed, never a setting that is already on; ``closed``, the sites that
    must close (``must_close``, ``--close``), named among them (a plan ruled out by closing sites
    was told to relax everything but the closures)."""
    levers = []
    targets = {q: t for q, t in p.access_targets().items() if t > 0}  # a 0 target asks nothing
    if targets:
        named = [
            f"{percent(t)} of {'all attendances' if q == 0 else f'quintile {q}'}" for q, t in targets.items()
        ]
        word = "target" if len(targets) == 1 else "targets"
        levers.append(f"the access {word} ({', '.join(named)} within {p.access_minutes:g} min)")
    if p.budget is not None:
        levers.append(f"the budget (£{p.budget:,.0f})")
    if p.max_open_sites is not None or p.exact_open_sites is not None or p.max_new_sites is not None:
        levers.append("the open-site limits")
    if p.min_site_attendances > 0:
        levers.append(f"the safe-volume minimum ({p.min_site_attendances:,.0f} attendances)")
    if p.single_source:
        levers.append("single sourcing (single_source: each zone's regimen class at one site)")
    levers.append(f"the {p.max_travel_minutes:g}-minute travel limit")
    if p.complex_share > 0:
        share = percent(p.complex_share)
        levers.append(f"the complex regimens ({share} of attendances) kept at centres and hospital units")
    if p.require_aseptic_supply:
        levers.append(f"hub capacity or the {p.drug_stability_minutes:g}-minute drug-stability time")
    levers.append("the chairs, nurses or must-open sites")
    if closed:
        levers.append(f"the closed sites ({', '.join(closed)}: must_close or --close)")
    text = "no single requirement is impossible on its own, but together they are: relax " + ", ".join(levers)
    if p.allow_unserved:
        return text + " (unserved demand is already allowed: what cannot be met is fixed by the sites)"
    return text + ", or allow unserved demand (allow_unserved) to see where demand is left over"


def closed_sites(a: SactArrays) -> list[str]:
    """The ids of the sites that must close (``must_close``, set by ``--close``)."""
    return [str(site) for site in a.site_ids[a.must_close]]


def _empty_plan(
    data: SactInput, result: SolveResult, explanation: list[str], timings: dict[str, float], path: str
) -> SactPlan:
    empty = pd.DataFrame()
    return SactPlan(
        result, empty, empty, empty, empty, {}, {}, empty, tuple(explanation), timings, data.parameters, path
    )


def extract(
    data: SactInput,
    a: SactArrays,
    values: dict[str, np.ndarray],
    result: SolveResult,
    timings: dict[str, float],
) -> SactPlan:
    """Turn solution arrays into the plan's tables, costs and access statistics."""
    p: SactParameters = data.parameters
    is_open = values["open"] > 0.5
    chairs = np.where(is_open, np.round(values["chairs"]), 0).astype(int)
    # The solver's values within its tolerance of zero (tiny, even negative, shares) are zero:
    # the plan's figures must add up from the same allocation rows the checker reads.
    used, lost = values["serve"] > SHARE_NOISE, values["unserved"] > SHARE_NOISE
    x, u = np.where(used, values["serve"], 0.0), np.where(lost, values["unserved"], 0.0)
    values = {**values, "serve": x, "unserved": u}
    alloc = pd.DataFrame(
        {
            "zone_id": a.zone_ids[a.arc_zone[used]],
            "site_id": a.site_ids[a.arc_site[used]],
            "regimen": np.array(CLASSES)[a.arc_class[used]],
            "share": np.clip(np.round(x[used], 6), 0.0, 1.0),  # x <= 1 up to the solver's tolerance
            "attendances": a.arc_demand[used] * x[used],
            "minutes": a.arc_minutes[used],
        }
    )
    unserved = pd.DataFrame(
        {
            "zone_id": a.zone_ids[a.dem_zone[lost]],
            "regimen": np.array(CLASSES)[a.dem_class[lost]],
            "attendances": a.dem_amount[lost] * u[lost],
        }
    )
    sites = _sites_table(data, a, is_open, chairs, x)
    links, dose_minutes = _supply_links(a, p, values)
    supplied_by = links.set_index("site_id")["hub_id"] if len(links) else pd.Series(dtype=object)
    sites["supplied_by"] = sites["site_id"].map(supplied_by).fillna("")
    travel_minutes = float((a.arc_demand * a.arc_minutes * x).sum())
    costs = {
        "fixed": float((a.fixed_cost * is_open).sum()),
        "chairs": float((a.chair_cost * chairs).sum()),
        "patient_travel": travel_minutes * p.travel_cost_per_minute * p.trips_per_attendance,
        "drug_transport": p.transport_cost_per_minute * dose_minutes,
        "unserved_penalty": float((p.unserved_penalty * a.dem_amount * u).sum()),
        "attendance_minutes": travel_minutes,
        "dose_minutes": dose_minutes,
    }
    costs["site_cost"] = costs["fixed"] + costs["chairs"]
    every = open_in_every_plan(a, p)
    costs["fixed_in_every_plan"] = float((a.fixed_cost + a.chair_cost * a.min_chairs)[every].sum())
    costs["total"] = (
        costs["site_cost"] + costs["patient_travel"] + costs["drug_transport"] + costs["unserved_penalty"]
    )
    costs["objective"] = float(result.objective) if result.objective is not None else float("nan")
    costs.update(objective_terms(a, p, values))
    access = access_statistics(
        alloc["minutes"].to_numpy(float),
        alloc["attendances"].to_numpy(float),
        a.total_demand,
        p.access_minutes,
    )
    access["standard_minutes"] = float(p.access_minutes)
    by_q = access_by_quintile(data.zones, alloc, a.dem_quintile, a.dem_amount, p.access_minutes)
    demand = pd.Series(np.bincount(a.dem_zone, a.dem_amount, len(a.zone_ids)), index=a.zone_ids)
    by_d = access_by_district(data.zones, alloc, demand, p.access_minutes)
    return SactPlan(
        result, sites, alloc, links, unserved, costs, access, by_q, (), timings, p, access_by_district=by_d
    )


def _sites_table(
    data: SactInput, a: SactArrays, is_open: np.ndarray, chairs: np.ndarray, x: np.ndarray
) -> pd.DataFrame:
    """One row per candidate site: open, chairs, the change from today, load and utilisation."""
    p = data.parameters
    site_att = np.bincount(a.arc_site, weights=a.arc_demand * x, minlength=a.num_sites)
    hours_used = site_att * p.mean_chair_hours
    hours_avail = chairs * p.chair_hours_per_year
    sites = data.sites.reset_index()[
        ["site_id", "name", "trust", "type", "existing", "current_chairs"]
    ].copy()
    sites["open"] = is_open
    sites["chairs"] = chairs
    sites["chair_change"] = chairs - sites["current_chairs"].to_numpy(int)
    sites["change"] = _change_labels(sites)
    sites["attendances"] = site_att  # full precision: the export rounds (optimiser/exports/numbers.py)
    sites["chair_hours_used"] = hours_used
    sites["chair_hours_available"] = hours_avail
    sites["utilisation"] = np.divide(
        hours_used, hours_avail, out=np.zeros_like(hours_used), where=hours_avail > 0
    )
    return sites


def _supply_links(
    a: SactArrays, p: SactParameters, values: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, float]:
    """The hub links chosen (site, hub, minutes, doses, transport cost) and the dose-minutes a year."""
    if not (p.require_aseptic_supply and "supply" in values):
        return pd.DataFrame(columns=["site_id", "hub_id", "minutes", "doses", "transport_cost"]), 0.0
    chosen = values["supply"] > 0.5
    doses = values["doses"][chosen]
    links = pd.DataFrame(
        {
            "site_id": a.site_ids[a.link_site[chosen]],
            "hub_id": a.site_ids[a.link_hub[chosen]],
            "minutes": a.link_minutes[chosen],
            "doses": doses,
            "transport_cost": p.transport_cost_per_minute * a.link_minutes[chosen] * doses,
        }
    )
    return links, float((a.link_minutes * values["doses"]).sum())


def _change_labels(sites: pd.DataFrame) -> np.ndarray:
    existing = sites["existing"].to_numpy(bool) & (sites["current_chairs"].to_numpy() > 0)
    is_open = sites["open"].to_numpy(bool)
    same = sites["chair_change"].to_numpy() == 0
    return np.select(
        [existing & ~is_open, ~existing & is_open, existing & is_open & same, existing & is_open],
        ["closed", "opened", "kept", "resized"],
        default="not used",
    )
