"""Independent check of an OOH rota plan: every rule re-verified and the cost recomputed.

It reads only the input (:class:`models.ooh.input.OohInput`, :class:`OohParameters`) and the
plan's tables (``coverage``, ``rotas``, ``clinicians``), and re-derives everything with plain
loops, without the formulation, the candidate arcs or the plan's own cost code, so that a
mistake in those cannot hide itself.  :func:`check` is the package's contract checker: it wraps
:func:`check_ooh_plan` and compares the recomputed cost with the plan's objective and cost table.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from models.common.contract import CheckReport
from models.common.words import count, minutes
from models.ooh.input import OohInput, OohParameters

TOLERANCE = 1e-6
COST_TOLERANCE = 1e-6
"""Relative difference allowed between the recomputed annual cost and the plan's own."""
RULES = (
    "cover",
    "hubs",
    "rota sizes",
    "sites per rota",
    "workload",
    "response times",
    "trusts",
    "own rotas",
    "bands",
    "frequencies",
    "cost",
)
"""What :func:`check` re-verifies, in short words for the run's summary."""


@dataclass(frozen=True)
class OohCheck:
    """What the checker found.

    Attributes
    ----------
    violations : tuple of str
        Every broken rule or inconsistent figure, in words (empty when the plan is valid).
    costs : dict
        Recomputed annual cost (GBP) by component: ``cover``, ``supplements``,
        ``temporary_staff``, ``travel``, ``changes``, and ``total``.
    """

    violations: tuple[str, ...]
    costs: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def total(self) -> float:
        return self.costs.get("total", math.nan)


def _band(bands: list[Any], category: str, size: int) -> tuple[str, float] | None:
    """The supplement band (name, salary share) of a rota of ``size`` slots in ``category``;
    ``bands``: the input's bands table as rows."""
    for row in bands:
        upper = math.inf if row.max_size != row.max_size else row.max_size  # NaN: no upper limit
        if row.category == category and row.min_size <= size <= upper:
            return str(row.band), float(row.salary_share)
    return None


@dataclass(frozen=True)
class _Lookups:
    """The input re-read as dictionaries: sites, services, rota needs by (service, site), travel;
    its bands and the plan's rota rows by (service, hub), read once (each rota scanned the whole
    rota table and the bands: the check of a 480-site, 10-service plan took 3.9 s of its run's
    --time-limit, more than the solve)."""

    sites: dict[str, Any]
    services: dict[str, Any]
    need: dict[tuple[str, str], Any]
    minutes: dict[tuple[str, str], float]
    bands: list[Any]
    rota_rows: dict[tuple[str, str], list[dict[str, Any]]]

    def travel(self, h: str, s: str) -> float:
        """Minutes from hub ``h`` to site ``s`` (0 at the hub itself, infinite if not given)."""
        return self.minutes.get((h, s), 0.0 if h == s else math.inf)


def check_ooh_plan(inp: OohInput, params: OohParameters, plan: Any) -> OohCheck:
    """Re-verify ``plan`` (an OohPlan with a plan) against ``inp`` and ``params``; recompute its cost."""
    bad: list[str] = []
    look = _Lookups(
        sites={r.site_id: r for r in inp.sites.itertuples()},
        services={r.service_id: r for r in inp.services.itertuples()},
        need={(r.service_id, r.site_id): r for r in inp.rotas.itertuples()},
        minutes={(r.from_site, r.to_site): float(r.minutes) for r in inp.travel.itertuples()},
        bands=list(inp.bands.itertuples()),
        rota_rows=_rows_by_rota(plan.rotas),
    )
    need = look.need
    hub_of = _check_coverage(plan, need, bad)
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (k, s), h in hub_of.items():
        members[k, h].append(s)
    costs = {"cover": 0.0, "supplements": 0.0, "temporary_staff": 0.0, "travel": 0.0, "changes": 0.0}
    for (k, h), covered in sorted(members.items()):
        _check_rota(inp, params, look, plan, k, h, covered, hub_of, costs, bad)
    moved = sum(1 for key, r in need.items() if hub_of.get(key, r.current_hub) != r.current_hub)
    costs["changes"] = params.cost_per_change * moved
    costs["total"] = sum(costs.values())
    if len(plan.rotas) != len(members):
        bad.append(f"the plan lists {len(plan.rotas)} rotas, its coverage runs {len(members)}")
    _compare_clinicians(plan, members, need, look.services, bad)
    return OohCheck(violations=tuple(bad), costs=costs)


def _rows_by_rota(rotas: Any) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The plan's rota table's rows (as dictionaries) by (service, hub)."""
    rows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rotas.to_dict("records"):
        rows[row["service_id"], row["hub_id"]].append(row)
    return rows


def _check_coverage(plan: Any, need: dict, bad: list[str]) -> dict[tuple[str, str], str]:
    """Every needed (service, site) covered exactly once, nothing else; the hub covering each."""
    hub_of: dict[tuple[str, str], str] = {}
    for r in plan.coverage.itertuples():
        key = (r.service_id, r.site_id)
        if key in hub_of:
            bad.append(f"{r.site_id} is covered twice for {r.service_id}")
        hub_of[key] = r.hub_after
    for key in need.keys() - hub_of.keys():
        bad.append(f"{key[1]} is not covered for {key[0]}")
    for key in hub_of.keys() - need.keys():
        bad.append(f"{key[1]} is covered for {key[0]}, which it does not need")
    return hub_of


def _check_rota(
    inp: OohInput,
    params: OohParameters,
    look: _Lookups,
    plan: Any,
    k: str,
    h: str,
    covered: list[str],
    hub_of: dict[tuple[str, str], str],
    costs: dict[str, float],
    bad: list[str],
) -> None:
    """One rota of service ``k`` hubbed at ``h``: its hub, size, sites and load; its costs added up."""
    svc, need = look.services[k], look.need
    label = f"rota {k} at {h}"
    if hub_of.get((k, h)) != h:
        bad.append(f"{label}: its hub is not covered by it")
    if (k, h) not in need or not need[k, h].can_host:
        bad.append(f"{label}: {h} may not host a rota of {k}")
    size = sum(int(need[k, s].clinicians) for s in covered if (k, s) in need)
    load = sum(float(need[k, s].attendances_per_night) for s in covered if (k, s) in need)
    slots = _slots(need, svc, covered)
    temporary = slots - size
    if slots < svc.min_rota_size:
        bad.append(f"{label}: {count(size, 'member')}, fewer than 1-in-{svc.min_rota_size:.0f} allows")
    if svc.max_rota_size == svc.max_rota_size and size > svc.max_rota_size:
        bad.append(f"{label}: {count(size, 'member')}, more than {svc.max_rota_size:.0f}")
    if svc.max_sites_per_rota == svc.max_sites_per_rota and len(covered) > svc.max_sites_per_rota:
        bad.append(f"{label}: {count(len(covered), 'site')}, more than {svc.max_sites_per_rota:.0f}")
    if load > params.max_attendances_per_night + TOLERANCE:
        bad.append(f"{label}: {load:.2f} attendances a night, over {params.max_attendances_per_night}")
    _check_rota_sites(params, look, svc, h, covered, costs, bad)
    costs["cover"] += svc.cost_per_night * params.nights_per_year
    band = _band(look.bands, svc.supplement_category, slots)
    if band is None:
        bad.append(f"{label}: no supplement band for {count(slots, 'slot')}")
        band = ("", 0.0)
    costs["supplements"] += slots * svc.salary * band[1]
    if temporary:
        nights = params.nights_per_year * temporary / slots
        costs["temporary_staff"] += svc.locum_premium_per_night * nights
    _compare_row(look.rota_rows.get((k, h), []), k, h, covered, (size, temporary), band[0], bad)


def _check_rota_sites(
    params: OohParameters,
    look: _Lookups,
    svc: Any,
    h: str,
    covered: list[str],
    costs: dict[str, float],
    bad: list[str],
) -> None:
    """Each site of a rota: response time, trust and own-rota rules; its travel cost added up."""
    k, need = svc.service_id, look.need
    label = f"rota {k} at {h}"
    mobilise = params.non_resident_mobilisation_minutes if svc.tier == "non-resident" else 0.0
    for s in covered:
        response = look.travel(h, s) + mobilise
        limit = params.response_limit(svc.max_response_minutes)
        if response > limit + TOLERANCE:
            bad.append(f"{label}: {s} is {minutes(response)} min away, over {minutes(limit)}")
        if look.sites[s].trust != look.sites[h].trust and not params.allow_cross_trust:
            bad.append(f"{label}: {s} is in another trust")
        if look.sites[s].keeps_own_rota and s != h:
            bad.append(f"{label}: {s} must keep its own rota")
        if s != h and (k, s) in need:
            r = need[k, s]
            yearly = (
                r.attendances_per_night * params.nights_per_year
                + r.attendances_per_weekend_day * params.weekend_days_per_year
            )
            costs["travel"] += float(params.travel_cost(yearly, look.travel(h, s)))


def _compare_row(
    rows: list[dict[str, Any]],
    k: str,
    h: str,
    covered: list[str],
    size: tuple[int, int],
    band: str,
    bad: list[str],
) -> None:
    """The plan's rota row (``rows``: those of rota ``k`` at ``h``) must state the members, temporary
    slots, sites and band recomputed here."""
    if len(rows) != 1:
        bad.append(f"rota {k} at {h} appears {len(rows)} times in the rota table")
        return
    row = rows[0]
    stated = (int(row["members"]), int(row["temporary_slots"]), int(row["site_count"]), row["band"])
    if stated != (*size, len(covered), band):
        bad.append(
            f"rota {k} at {h}: table says {stated[0]} members, {stated[1]} temporary slots, {stated[2]} "
            f"sites, band {stated[3]!r}; recomputed {size[0]}, {size[1]}, {len(covered)}, {band!r}"
        )


def _slots(need: dict, service: Any, sites: list[str]) -> int:
    """Slots of a planned rota over ``sites``: its members, or N_k if more and temporary staff may fill."""
    k = service.service_id
    members = sum(int(need[k, s].clinicians) for s in sites if (k, s) in need)
    if service.locum_premium_per_night != service.locum_premium_per_night:  # NaN: no temporary staff
        return members
    return max(members, int(service.min_rota_size))


def _compare_clinicians(plan: Any, members: dict, need: dict, services: dict, bad: list[str]) -> None:
    """Each clinician's 'after' frequency must be the slots of the rota covering their site."""
    size = {key: _slots(need, services[key[0]], sites) for key, sites in members.items()}
    hub_of = {(k, s): h for (k, h), sites in members.items() for s in sites}
    expected = sum(int(r.clinicians) for r in need.values())
    if len(plan.clinicians) != expected:
        bad.append(f"the plan lists {len(plan.clinicians)} clinicians, the input {expected}")
    for r in plan.clinicians.itertuples():
        hub = hub_of.get((r.service_id, r.site_id))
        if hub is None or int(r.frequency_after) != size[r.service_id, hub]:
            bad.append(
                f"clinician {r.clinician_id}: frequency 1-in-{r.frequency_after} does not match the rota"
            )


def check(inp: OohInput, plan: Any) -> CheckReport:
    """The contract check of ``plan``: broken rules, and the recomputed cost against the plan's.

    ``mismatches`` names any cost component whose recomputed figure differs from the plan's cost
    table, and the total when it differs from the solver's objective, by more than
    ``COST_TOLERANCE`` of it.
    """
    found = check_ooh_plan(inp, plan.parameters, plan)
    mismatches: list[str] = []
    figures = {f"{component}_cost": round(value, 2) for component, value in found.costs.items()}
    claims = {f"{c} cost (cost table)": (found.costs[c], plan.costs.loc[c, "after"]) for c in found.costs}
    if plan.result.objective is not None:
        claims["total cost (solver objective)"] = (found.total, float(plan.result.objective))
    for what, (recomputed, claimed) in claims.items():
        if not abs(recomputed - claimed) <= COST_TOLERANCE * max(abs(claimed), 1.0):
            words = f"the plan says {claimed:,.2f}, recomputed {recomputed:,.2f} GBP a year"
            mismatches.append(f"{what}: {words}")
    return CheckReport(found.violations, tuple(mismatches), figures, RULES)
