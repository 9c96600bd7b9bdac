"""What no SACT plan can meet, named in planners' words with the shortfall in numbers, before solving.

:func:`diagnose` runs cheap, exact tests on the arrays of :func:`models.sact.arrays.prepare`; each
finding is a requirement that no plan meets, whatever the solver does:

* reach: a zone's regimen class with no site within the travel limit;
* the sites that must stay open: no hub within drug-stability time, least chairs above most,
  too few attendances within reach for the safe volume, more chairs needed for the safe volume
  than they may have, their least chairs beyond their trust's nurses;
* the limits on sites: more must-open sites than may open, more new ones than allowed, and the
  budget below what the must-open sites cost at their least; the chair hours that the sites
  with the most chairs the open-site limits allow can give, against the demand's (and the
  complex regimens' at centres and hospital units);
* aggregate capacity (only when all demand must be served, i.e. without ``allow_unserved``):
  chair hours of every candidate at its most chairs against the demand's, then of the candidates
  an aseptic hub can supply within the drug-stability time (when supply is required), the same for
  complex regimens at centres and hospital units, the doses the aseptic hubs can prepare against the
  doses the demand needs, the chairs the nurses can staff against the chairs the demand needs,
  and the budget against the least that those chairs and the must-open sites cost;
* the access target (overall and each deprivation quintile's), when every attendance must be
  served, against the share of attendances that live within the access standard of any
  candidate, and against what the chairs of the sites within the standard of those zones treat.

With ``allow_unserved`` demand may go unserved and unserved attendances need no chairs, doses or
nurses, so the aggregate tests do not apply: only the requirements fixed by the must-open sites
and the limits remain.  No finding suggests a setting that is already on.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models.common.words import count
from models.sact.access import percent
from models.sact.arrays import SactArrays
from models.sact.input import CLASSES, COMPLEX_SITE_TYPES, SactInput, SactParameters
from solvers import SolveResult, Status

MAX_LISTED = 20  # zone/regimen pairs named one by one; the rest are counted


def diagnose(data: SactInput, a: SactArrays) -> list[str]:
    """Requirements that no plan can meet, each said in the planners' words with its shortfall."""
    p = data.parameters
    found: list[str] = []
    if not p.allow_unserved:
        found += _reach(data, a)
    found += _must_open(data, a)
    found += _limits(data, a)
    if not p.allow_unserved:
        found += _capacity(data, a)
        if p.access_targets():
            found += _access(data, a)
    return found


def unserved_reasons(data: SactInput, a: SactArrays, unproven_gap: float | None = None) -> list[str]:
    """Why a plan with ``allow_unserved`` leaves demand unserved: the tests :func:`diagnose` makes
    when all demand must be served (reach, chair hours, hub doses, nurses, budget), whose
    shortfalls no plan can serve; when none fails, the unserved demand is a choice of cost or of
    requirements together, and the one line returned says so. ``unproven_gap``: the plan's gap
    when its solve stopped before proving it optimal, when a plan serving more may also exist
    (not found in the time): the line says that too, where it gave cost or requirements as the
    only causes of a 13 %-gap roll-out's unserved attendances."""
    found = _reach(data, a) + _capacity(data, a)
    if found:
        return found
    p = data.parameters
    line = (
        "no limit on its own leaves demand unserved: serving it would cost more than its penalty "
        f"(unserved_penalty, {p.unserved_penalty:,.0f} an attendance) or break the requirements "
        "together (access target, safe volume, open-site limits, budget)"
    )
    if unproven_gap is not None:
        gap = "unknown" if math.isinf(unproven_gap) else f"{unproven_gap:.2%}"
        line += f", or the solve stopped before finding a plan that serves it (gap {gap}: allow more time)"
    return [line]


def unproven_gap(result: SolveResult) -> float | None:
    """The gap of a plan whose solve stopped before proving it optimal (None when proven: optimal,
    or optimal within the gap asked)."""
    if result.status is Status.OPTIMAL:
        return None
    return result.gap if result.gap is not None else math.inf


TENTHS_BELOW_MINUTES = 10.0  # minutes over the travel limit below which the nearest site's are to 0.1


def _reach(data: SactInput, a: SactArrays) -> list[str]:
    """Zone/regimen pairs with no site within the travel limit."""
    p = data.parameters
    has_arc = np.zeros(len(a.dem_amount), bool)
    has_arc[a.arc_dem] = True
    found = []
    travel = data.travel
    most_chairs = pd.Series(a.max_chairs, index=a.site_ids)  # 0 at a closed site
    closed_sites = pd.Series(a.must_close, index=a.site_ids)
    for row in np.flatnonzero(~has_arc)[:MAX_LISTED]:
        zone = a.zone_ids[a.dem_zone[row]]
        klass = CLASSES[a.dem_class[row]]
        pairs = travel[travel["zone_id"] == zone]
        if klass == "complex":
            pairs = pairs[pairs["site_id"].map(data.sites["type"]).isin(COMPLEX_SITE_TYPES)]
        closed = pairs[pairs["site_id"].map(closed_sites).fillna(False).astype(bool)]
        pairs = pairs[pairs["site_id"].map(most_chairs) > 0]
        what = "centre or hospital unit" if klass == "complex" else "site"
        if len(pairs):
            best = pairs.loc[pairs["minutes"].idxmin()]
            over = float(best["minutes"]) - p.max_travel_minutes
            spec = ".1f" if over < TENTHS_BELOW_MINUTES else ".0f"
            nearest = f"nearest {best['site_id']} at {best['minutes']:{spec}} min, {over:{spec}} min over"
        else:
            nearest = "no travel time to any such site that may open is given"
        nearest += _closed_nearer(closed, float(pairs["minutes"].min()) if len(pairs) else math.inf)
        found.append(
            f"zone {zone}: no {what} within the {p.max_travel_minutes:g}-minute travel limit for its "
            f"{a.dem_amount[row]:.0f} {klass} attendances a year ({nearest})"
        )
    missing = int((~has_arc).sum())
    if missing > MAX_LISTED:
        found.append(f"... and {missing - MAX_LISTED} more zone/regimen pairs with no site within reach")
    return found


def _closed_nearer(closed: pd.DataFrame, minutes: float) -> str:
    """The closed sites (``must_close``, or --close) nearer than ``minutes``, nearest first, as a
    clause: the reach finding names the nearest site that may open, and these beside it."""
    nearer = closed[closed["minutes"] < minutes].sort_values("minutes", kind="stable")
    if nearer.empty:
        return ""
    named = ", ".join(
        f"{site} at {minutes:.1f} min"
        for site, minutes in nearer[["site_id", "minutes"]].itertuples(index=False)
    )
    return f"; closed (must_close, or --close): {named}"


def _must_open(data: SactInput, a: SactArrays) -> list[str]:
    """What the sites that must stay open cannot have: a hub, chairs, their safe volume, nurses."""
    p = data.parameters
    found = []
    if p.require_aseptic_supply:
        for s in np.flatnonzero(a.must_open & ~a.suppliable):
            found.append(
                f"site {a.site_ids[s]} must stay open but no aseptic hub is within the "
                f"{p.drug_stability_minutes:g}-minute drug-stability transport time"
            )
    for s in np.flatnonzero(a.must_open & (a.max_chairs < a.min_chairs)):
        found.append(
            f"site {a.site_ids[s]} must stay open but needs at least {a.min_chairs[s]:g} chairs and may have "
            f"at most {a.max_chairs[s]:g}"
        )
    if p.min_site_attendances > 0:
        reachable = np.zeros(a.num_sites)
        first = np.unique(np.c_[a.arc_site, a.arc_dem], axis=0) if len(a.arc_dem) else np.zeros((0, 2), int)
        np.add.at(reachable, first[:, 0], a.dem_amount[first[:, 1]])
        # a site with no chairs has no arcs: its own finding below says why, not its reach
        for s in np.flatnonzero(
            a.must_open & (a.max_chairs > 0) & (reachable < p.min_site_attendances - 1e-9)
        ):
            found.append(
                f"site {a.site_ids[s]} must stay open but only {reachable[s]:,.0f} attendances a year live "
                f"within reach of it, below the safe minimum of {p.min_site_attendances:,.0f} "
                f"({p.min_site_attendances - reachable[s]:,.0f} short)"
            )
        need = p.min_site_attendances * p.mean_chair_hours
        have = a.max_chairs * p.chair_hours_per_year
        for s in np.flatnonzero(a.must_open & (have < need - 1e-9)):
            found.append(
                f"site {a.site_ids[s]} must stay open and give at least {p.min_site_attendances:,.0f} "
                f"attendances a year (the safe minimum), which need {need:,.0f} chair hours, but its "
                f"{a.max_chairs[s]:g} chairs at most give {have[s]:,.0f}"
            )
    for trust, chairs in zip(a.nurse_trusts, a.nurse_chairs, strict=True):
        least = float(a.min_chairs[a.must_open & (a.site_trust == trust)].sum())
        if least > chairs + 1e-9:
            found.append(
                f"trust {trust}: its sites that must stay open need at least {least:g} chairs but its "
                f"nurses staff {chairs:g} ({least - chairs:g} short)"
            )
    return found


def _limits(data: SactInput, a: SactArrays) -> list[str]:
    """Open-site limits and the budget against the sites that must stay open."""
    p = data.parameters
    found = []
    n_must = int(a.must_open.sum())
    limit = p.exact_open_sites if p.exact_open_sites is not None else p.max_open_sites
    if limit is not None and n_must > limit:
        found.append(
            f"{count(n_must, 'site')} must stay open "
            f"but at most {limit} may be open ({n_must - limit} too many)"
        )
    if p.max_new_sites is not None and int((a.must_open & a.is_new).sum()) > p.max_new_sites:
        found.append(f"more new sites must open than the limit of {count(p.max_new_sites, 'new site')}")
    if p.exact_open_sites is not None and p.exact_open_sites > a.num_sites:
        found.append(
            f"exactly {count(p.exact_open_sites, 'open site')} asked for, "
            f"but only {count(a.num_sites, 'candidate')}"
        )
    if p.budget is not None:
        floor = float((a.fixed_cost + a.chair_cost * a.min_chairs)[a.must_open].sum())
        if floor > p.budget + 1e-6:
            found.append(
                f"the sites that must stay open cost at least £{floor:,.0f} a year; "
                f"the budget is £{p.budget:,.0f}"
            )
    return found


def _capacity(data: SactInput, a: SactArrays) -> list[str]:
    """Aggregate capacity against serving every attendance: chair hours, hub doses, nurses, budget."""
    p = data.parameters
    found = []
    usable = f"usable chair hours a year after the {p.utilisation:.0%} utilisation"
    need_hours = a.total_demand * p.mean_chair_hours
    have_hours = float(a.max_chairs.sum()) * p.chair_hours_per_year
    chairs = _chairs_a_hub_can_supply(a, p)
    supplied_hours = float(chairs.sum()) * p.chair_hours_per_year
    if need_hours > have_hours + 1e-6:
        found.append(
            f"demand needs {need_hours:,.0f} chair hours a year but every candidate site at its most chairs "
            f"gives {have_hours:,.0f} ({need_hours - have_hours:,.0f} short; {usable})"
        )
    elif need_hours > supplied_hours + 1e-6:
        found.append(
            f"demand needs {need_hours:,.0f} chair hours a year but the sites an aseptic hub can supply "
            f"within the {p.drug_stability_minutes:g}-minute drug-stability time give {supplied_hours:,.0f} "
            f"at their most chairs ({need_hours - supplied_hours:,.0f} short; {usable}): "
            + _why_unsupplied(data, a, chairs)
        )
    complex_need = float(a.dem_amount[a.dem_class == 1].sum()) * p.mean_chair_hours
    centres = np.isin(data.sites["type"].to_numpy(), COMPLEX_SITE_TYPES)
    complex_have = float(chairs[centres].sum()) * p.chair_hours_per_year
    if complex_need > complex_have + 1e-6:
        found.append(
            f"complex regimens need {complex_need:,.0f} chair hours a year but the cancer centres and "
            f"hospital units at their most chairs give {complex_have:,.0f} "
            f"({complex_need - complex_have:,.0f} short)"
        )
    if need_hours <= supplied_hours + 1e-6:
        found += _open_limit_capacity(data, a, need_hours, chairs, "demand needs")
    if complex_need <= complex_have + 1e-6:
        found += _open_limit_capacity(
            data, a, complex_need, np.where(centres, chairs, 0.0), "complex regimens need"
        )
    if p.require_aseptic_supply:
        doses = a.total_demand * p.doses_per_attendance
        shut = _hubs_that_cannot_open(a, p)
        prepared = float(a.hub_capacity[~shut].sum())
        if doses > prepared + 1e-6:
            left_out = _hubs_left_out(data, a, shut & (a.hub_capacity > 0))
            found.append(
                f"aseptic hubs can prepare {prepared:,.0f} doses a year{left_out}; the demand "
                f"needs {doses:,.0f} ({doses - prepared:,.0f} short): raise hub_capacity"
                + ("" if p.allow_unserved else " or allow unserved demand (allow_unserved)")
            )
    chairs_needed = need_hours / p.chair_hours_per_year if p.chair_hours_per_year > 0 else 0.0
    if len(a.nurse_trusts):
        staffed = _staffable_chairs(a)
        if chairs_needed > staffed + 1e-6:
            found.append(
                f"demand needs {chairs_needed:,.1f} chairs ({usable}) but the nurses, with sites of trusts "
                f"not in the nurses table at their most chairs, staff at most {staffed:,.1f} "
                f"({chairs_needed - staffed:,.1f} short)"
            )
    if p.budget is not None:
        least = _least_cost(a, math.ceil(chairs_needed - 1e-9))
        if least > p.budget + 1e-6:
            found.append(
                f"serving all demand needs at least {count(math.ceil(chairs_needed - 1e-9), 'chair')}, "
                f"which with the sites that must stay open cost at least £{least:,.0f} a year; the budget is "
                f"£{p.budget:,.0f} (£{least - p.budget:,.0f} short)"
            )
    return found


def _open_limit_capacity(
    data: SactInput, a: SactArrays, need_hours: float, chairs: np.ndarray, what: str
) -> list[str]:
    """Chair hours against the open-site limits: the most ``chairs`` (per site) any set of sites
    the limits allow can hold.  The must-open sites are open; of the others at most
    ``K - must-open`` more (``max_open_sites`` or ``exact_open_sites`` K) and at most
    ``max_new_sites`` new ones in all.  Taking the sites with the most chairs first, skipping new
    ones once the new-site limit is reached, is exact: the sets allowed are the independent sets
    of a laminar matroid (a limit on all sites and one on the new ones among them)."""
    p = data.parameters
    limit = p.exact_open_sites if p.exact_open_sites is not None else p.max_open_sites
    if limit is None and p.max_new_sites is None:
        return []
    chosen = [int(s) for s in np.flatnonzero(a.must_open)]
    slots = a.num_sites if limit is None else limit - len(chosen)
    new_left = a.num_sites if p.max_new_sites is None else p.max_new_sites - int(a.is_new[chosen].sum())
    for s in np.argsort(-chairs, kind="stable"):
        if slots <= 0 or chairs[s] <= 0:
            break
        if a.must_open[s] or (a.is_new[s] and new_left <= 0):
            continue
        new_left -= int(a.is_new[s])
        chosen.append(int(s))
        slots -= 1
    most = float(chairs[chosen].sum())
    have = most * p.chair_hours_per_year
    if need_hours <= have + 1e-6:
        return []
    limits = [f"at most {count(limit, 'site')} open"] if limit is not None else []
    if p.max_new_sites is not None:
        limits.append(f"at most {p.max_new_sites} new")
    named = ", ".join(str(a.site_ids[s]) for s in chosen if chairs[s] > 0)
    return [
        f"{what} {need_hours:,.0f} chair hours a year, but with {' and '.join(limits)} the sites "
        f"with the most chairs ({named or 'none'}) hold {most:,.0f} chairs, {have:,.0f} usable chair "
        f"hours ({need_hours - have:,.0f} short): raise the open-site limits or the sites' most chairs"
    ]


def _chairs_a_hub_can_supply(a: SactArrays, p: SactParameters) -> np.ndarray:
    """Each site's most chairs, 0 where no aseptic hub is within the drug-stability time when every
    open site must be supplied (``require_aseptic_supply``): such a site cannot open."""
    if not p.require_aseptic_supply:
        return a.max_chairs
    return np.where(a.suppliable, a.max_chairs, 0.0)


def _why_unsupplied(data: SactInput, a: SactArrays, chairs: np.ndarray) -> str:
    """Why sites with chairs cannot be supplied (``chairs`` 0 where no hub reaches them): no hub
    may open at all (each closed or too small, named), or the hubs that may open are too far."""
    p = data.parameters
    shut = _hubs_that_cannot_open(a, p)
    if not (a.is_hub & ~shut).any():
        reasons = _hub_reasons(data, a, shut & a.is_hub)
        named = data.sites["is_hub"].to_numpy(bool).any()
        why = f" ({'; '.join(reasons)})" if reasons else ("" if named else " (no site is one: is_hub)")
        return (
            f"no aseptic hub can open{why}, so no site can be supplied: open a hub, "
            "or set require_aseptic_supply false"
        )
    cut_off = np.flatnonzero((a.max_chairs > 0) & (chairs == 0))
    named = ", ".join(str(s) for s in a.site_ids[cut_off[:MAX_LISTED]])
    more = f" and {len(cut_off) - MAX_LISTED} more" if len(cut_off) > MAX_LISTED else ""
    return f"no hub reaches {named}{more} in time, so they cannot open: raise drug_stability_minutes"


def _hubs_that_cannot_open(a: SactArrays, p: SactParameters) -> np.ndarray:
    """Sites that can never open, as a mask: not must-open, and their most chairs give fewer chair
    hours than the safe volume (``min_site_attendances``) needs.  A hub among them prepares no
    doses: a hub prepares only when open.  (A closed hub, ``must_close``, is no hub in ``a``.)"""
    need = p.min_site_attendances * p.mean_chair_hours
    return ~a.must_open & (a.max_chairs * p.chair_hours_per_year < need - 1e-9)


def _hubs_left_out(data: SactInput, a: SactArrays, small: np.ndarray) -> str:
    """The hubs whose doses the aseptic capacity leaves out, and why: closed (``must_close``), or
    too small to open (the mask ``small``)."""
    reasons = _hub_reasons(data, a, small)
    return f" (not counting {'; '.join(reasons)})" if reasons else ""


def _hub_reasons(data: SactInput, a: SactArrays, small: np.ndarray) -> list[str]:
    """Why hubs may not open, one reason each for the closed hubs (``must_close``) and the hubs
    too small to open (the mask ``small``)."""
    sites = data.sites
    closed = a.must_close & sites["is_hub"].to_numpy(bool) & (sites["hub_capacity"].to_numpy(float) > 0)
    reasons = []
    if closed.any():
        names = ", ".join(str(s) for s in a.site_ids[closed])
        reasons.append(f"{names}: closed (must_close, or --close)")
    if small.any():
        names = ", ".join(str(s) for s in a.site_ids[small])
        reasons.append(
            f"{names}: its most chairs cannot give the safe minimum of "
            f"{data.parameters.min_site_attendances:,.0f} attendances, so it cannot open to run its pharmacy"
        )
    return reasons


def _staffable_chairs(a: SactArrays) -> float:
    """Most chairs that can be staffed: per trust in the nurses table the lesser of its nurses'
    chairs and its sites' most chairs; the sites of other trusts at their most."""
    limited = np.isin(a.site_trust, a.nurse_trusts)
    total = float(a.max_chairs[~limited].sum())
    for trust, chairs in zip(a.nurse_trusts, a.nurse_chairs, strict=True):
        total += min(float(chairs), float(a.max_chairs[a.site_trust == trust].sum()))
    return total


def _least_cost(a: SactArrays, chairs: int) -> float:
    """A lower bound on the annual cost of ``chairs`` chairs: the must-open sites at their least
    chairs, then the cheapest chairs left, each charged at least ``chair cost + fixed / most chairs``
    (a site with n chairs costs F + c n >= n (F / most + c)); the must-open sites' fixed cost once."""
    must = a.must_open
    base = float((a.fixed_cost + a.chair_cost * a.min_chairs)[must].sum())
    left = chairs - float(a.min_chairs[must].sum())
    if left <= 0:
        return base
    spare = np.where(must, a.max_chairs - a.min_chairs, a.max_chairs).clip(min=0)
    per_chair = np.where(must, a.chair_cost, a.chair_cost + a.fixed_cost / np.maximum(a.max_chairs, 1.0))
    order = np.argsort(per_chair, kind="stable")
    taken = np.minimum(spare[order], np.maximum(left - np.r_[0.0, np.cumsum(spare[order])[:-1]], 0.0))
    return base + float((taken * per_chair[order]).sum())


def _access(data: SactInput, a: SactArrays) -> list[str]:
    """The access target against the share of attendances within the standard of any candidate."""
    p = data.parameters
    found = []
    within = np.zeros(len(a.dem_amount), bool)
    within[standard_pairs(data, a, past_travel_limit=True)[0]] = True
    for q, target in p.access_targets().items():
        label = "all zones" if q == 0 else f"deprivation quintile {q}"
        mask = np.ones(len(a.dem_amount), bool) if q == 0 else a.dem_quintile == q
        total = a.dem_amount[mask].sum()
        if total <= 0:
            continue
        best = a.dem_amount[mask & within].sum() / total
        if best < target - 1e-9:
            found.append(
                f"access target: at most {best:.1%} of attendances ({label}) can be within "
                f"{p.access_minutes:g} min of any candidate site, below the target {percent(target)}"
            )
            continue
        found += _access_capacity(data, a, mask, target, label)
    return found


def access_ceiling(
    data: SactInput, a: SactArrays, mask: np.ndarray, *, past_travel_limit: bool = False
) -> tuple[float, np.ndarray]:
    """Most attendances a year of the demand rows in ``mask`` that any plan treats within the
    access standard, and the sites within the standard of any of them (indices).

    Those attendances live within the standard of a candidate, and are treated at one of those
    sites, which at their most chairs treat (most chairs x usable chair hours / chair hours an
    attendance) a year between them: the lesser of the two.  ``past_travel_limit``: as
    :func:`standard_pairs` counts them.
    """
    p = data.parameters
    dem, site = standard_pairs(data, a, past_travel_limit=past_travel_limit)
    sites = np.unique(site[mask[dem]])
    within = np.zeros(len(a.dem_amount), bool)
    within[dem] = True
    if p.mean_chair_hours <= 0:  # attendances take no chair time: chairs hold none back
        return float(a.dem_amount[mask & within].sum()), sites
    chairs = float(a.max_chairs[sites].sum()) * p.chair_hours_per_year / p.mean_chair_hours
    return min(float(a.dem_amount[mask & within].sum()), chairs), sites


def _access_capacity(
    data: SactInput, a: SactArrays, mask: np.ndarray, target: float, label: str
) -> list[str]:
    """The access target of the zones in ``mask`` against the chairs of the sites within the
    standard of any of them: every attendance counted within it is treated at one of those sites,
    so they hold at most (their most chairs x usable chair hours / chair hours an attendance)."""
    p = data.parameters
    can, sites = access_ceiling(data, a, mask, past_travel_limit=True)
    total = float(a.dem_amount[mask].sum())
    if can >= target * total - 1e-6:
        return []
    names = ", ".join(str(a.site_ids[s]) for s in sites[:MAX_LISTED])
    names += f" and {len(sites) - MAX_LISTED} more" if len(sites) > MAX_LISTED else ""
    chairs = count(float(a.max_chairs[sites].sum()), "chair", spec=",.0f")
    return [
        f"access target: the sites within {p.access_minutes:g} min of {label} ({names or 'none'}) have "
        f"at most {chairs}, which treat at most {can:,.0f} of its {total:,.0f} attendances a year "
        f"({can / total:.1%}), below the target {percent(target)}"
    ]


def standard_pairs(
    data: SactInput, a: SactArrays, *, past_travel_limit: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(demand row, site) pairs within the access standard, a site that may treat the row's class.

    The arcs within the standard; with ``past_travel_limit``, for the rows no site within the
    travel limit reaches (which :func:`_reach` names) the travel table's pairs within the standard
    too: an access finding then holds whatever the travel limit, and never blames the target for
    attendances the travel limit alone keeps from every site.
    """
    p = data.parameters
    near = a.arc_minutes <= p.access_minutes
    dem, site = a.arc_dem[near], a.arc_site[near]
    if not past_travel_limit:
        return dem, site
    reached = np.zeros(len(a.dem_amount), bool)
    reached[a.arc_dem] = True
    row_of = np.full((len(a.zone_ids), len(CLASSES)), -1, dtype=np.int64)
    row_of[a.dem_zone, a.dem_class] = np.arange(len(a.dem_amount))
    travel = data.travel[data.travel["minutes"].to_numpy(float) <= p.access_minutes]
    tz = pd.Index(a.zone_ids).get_indexer(travel["zone_id"])
    ts = pd.Index(a.site_ids).get_indexer(travel["site_id"])
    known = (tz >= 0) & (ts >= 0)
    tz, ts = tz[known], ts[known]
    complex_ok = data.sites["type"].isin(COMPLEX_SITE_TYPES).to_numpy()
    for klass in range(len(CLASSES)):
        rows = row_of[tz, klass]
        keep = (rows >= 0) & (a.max_chairs[ts] > 0) & (complex_ok[ts] | (CLASSES[klass] != "complex"))
        keep[keep] = ~reached[rows[keep]]
        dem, site = np.r_[dem, rows[keep]], np.r_[site, ts[keep]]
    return dem, site
