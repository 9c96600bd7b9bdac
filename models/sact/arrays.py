"""Arrays of the SACT location model, shared by both builders, and checks made before solving.

:func:`prepare` turns a :class:`~models.sact.input.SactInput` into flat numpy arrays (arcs,
demand rows, sites, supply links) with pandas joins, never a Python loop per arc.
:func:`diagnose` names every requirement that cannot be met whatever the solver does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.sact.input import CLASSES, COMPLEX_SITE_TYPES, SactInput


@dataclass(frozen=True)
class SactArrays:
    """The model's index sets and data as arrays (positions, not ids)."""

    zone_ids: np.ndarray
    site_ids: np.ndarray
    # demand rows (z, k) with d > 0
    dem_zone: np.ndarray
    dem_class: np.ndarray
    dem_amount: np.ndarray
    dem_quintile: np.ndarray
    # arcs (z, s, k) within the travel limit
    arc_dem: np.ndarray  # demand row of the arc
    arc_zone: np.ndarray
    arc_site: np.ndarray
    arc_class: np.ndarray
    arc_minutes: np.ndarray
    arc_demand: np.ndarray  # attendances a year if the arc took all of its demand row
    # sites
    min_chairs: np.ndarray
    max_chairs: np.ndarray
    fixed_cost: np.ndarray
    chair_cost: np.ndarray
    must_open: np.ndarray
    is_new: np.ndarray
    is_hub: np.ndarray
    hub_capacity: np.ndarray
    site_trust: np.ndarray  # trust name per site
    # supply links (spoke s, hub h)
    link_site: np.ndarray
    link_hub: np.ndarray
    link_minutes: np.ndarray
    link_big_m: np.ndarray
    # trusts with nurse limits
    nurse_trusts: np.ndarray
    nurse_chairs: np.ndarray  # most chairs the trust's nurses can staff

    @property
    def num_sites(self) -> int:
        return len(self.site_ids)

    @property
    def total_demand(self) -> float:
        return float(self.dem_amount.sum())


def prepare(data: SactInput) -> SactArrays:
    """Index the instance: arcs within the travel limit, demand rows, supply links."""
    p = data.parameters
    zones, sites = data.zones, data.sites
    zone_ids = zones.index.to_numpy()
    site_ids = sites.index.to_numpy()
    zpos = pd.Series(np.arange(len(zone_ids)), index=zones.index)
    spos = pd.Series(np.arange(len(site_ids)), index=sites.index)

    attendances = zones["attendances"].to_numpy(float)
    shares = np.array([1.0 - p.complex_share, p.complex_share])
    dz = np.repeat(np.arange(len(zone_ids)), 2)
    dk = np.tile(np.arange(2), len(zone_ids))
    amount = attendances[dz] * shares[dk]
    keep = amount > 0
    dem_zone, dem_class, dem_amount = dz[keep], dk[keep], amount[keep]
    dem_row = np.full((len(zone_ids), 2), -1, dtype=np.int64)
    dem_row[dem_zone, dem_class] = np.arange(len(dem_zone))
    quintile = zones["quintile"].to_numpy(int) if "quintile" in zones else np.zeros(len(zone_ids), int)

    travel = data.travel
    tz = zpos.reindex(travel["zone_id"].to_numpy()).to_numpy()
    ts = spos.reindex(travel["site_id"].to_numpy()).to_numpy()
    tm = travel["minutes"].to_numpy(float)
    ok = ~np.isnan(tz) & ~np.isnan(ts) & (tm <= p.max_travel_minutes)
    tz, ts, tm = tz[ok].astype(np.int64), ts[ok].astype(np.int64), tm[ok]
    complex_ok = sites["type"].isin(COMPLEX_SITE_TYPES).to_numpy()
    arc_z = np.concatenate([tz, tz])
    arc_s = np.concatenate([ts, ts])
    arc_k = np.concatenate([np.zeros(len(tz), np.int64), np.ones(len(tz), np.int64)])
    arc_t = np.concatenate([tm, tm])
    arc_d = dem_row[arc_z, arc_k]
    keep = (arc_d >= 0) & ((arc_k == 0) | complex_ok[arc_s]) & (sites["max_chairs"].to_numpy()[arc_s] > 0)
    arc_z, arc_s, arc_k, arc_t, arc_d = arc_z[keep], arc_s[keep], arc_k[keep], arc_t[keep], arc_d[keep]
    order = np.lexsort((arc_s, arc_d))
    arc_z, arc_s, arc_k, arc_t, arc_d = arc_z[order], arc_s[order], arc_k[order], arc_t[order], arc_d[order]

    is_hub = sites["is_hub"].to_numpy(bool)
    hub_capacity = np.where(is_hub, sites["hub_capacity"].to_numpy(float), 0.0)
    st = data.site_travel
    lh = spos.reindex(st["from_site"].to_numpy()).to_numpy()
    ls = spos.reindex(st["to_site"].to_numpy()).to_numpy()
    lm = st["minutes"].to_numpy(float)
    ok = ~np.isnan(lh) & ~np.isnan(ls)
    lh, ls, lm = lh[ok].astype(np.int64), ls[ok].astype(np.int64), lm[ok]
    hubs = np.flatnonzero(is_hub)
    lh = np.concatenate([lh, hubs])
    ls = np.concatenate([ls, hubs])
    lm = np.concatenate([lm, np.zeros(len(hubs))])
    ok = is_hub[lh] & (lm <= p.drug_stability_minutes)
    links = pd.DataFrame({"s": ls[ok], "h": lh[ok], "m": lm[ok]}).drop_duplicates(["s", "h"], keep="last")
    links = links.sort_values(["s", "h"])
    max_chairs = sites["max_chairs"].to_numpy(float)
    site_max_doses = (
        p.doses_per_attendance * p.chair_hours_per_year * max_chairs / max(p.mean_chair_hours, 1e-9)
    )
    link_site = links["s"].to_numpy(np.int64)
    link_hub = links["h"].to_numpy(np.int64)
    big_m = np.minimum(hub_capacity[link_hub], site_max_doses[link_site])

    if data.nurses is not None and len(data.nurses):
        nurse_trusts = data.nurses["trust"].astype(str).to_numpy()
        nurse_chairs = data.nurses["nurses"].to_numpy(float) * p.chairs_per_nurse
    else:
        nurse_trusts, nurse_chairs = np.array([], dtype=object), np.array([], dtype=float)

    return SactArrays(
        zone_ids=zone_ids,
        site_ids=site_ids,
        dem_zone=dem_zone,
        dem_class=dem_class,
        dem_amount=dem_amount,
        dem_quintile=quintile[dem_zone],
        arc_dem=arc_d,
        arc_zone=arc_z,
        arc_site=arc_s,
        arc_class=arc_k,
        arc_minutes=arc_t,
        arc_demand=dem_amount[arc_d],
        min_chairs=sites["min_chairs"].to_numpy(float),
        max_chairs=max_chairs,
        fixed_cost=sites["fixed_cost"].to_numpy(float),
        chair_cost=sites["chair_cost"].to_numpy(float),
        must_open=sites["must_open"].to_numpy(bool),
        is_new=~sites["existing"].to_numpy(bool),
        is_hub=is_hub,
        hub_capacity=hub_capacity,
        site_trust=sites["trust"].astype(str).to_numpy(),
        link_site=link_site,
        link_hub=link_hub,
        link_minutes=links["m"].to_numpy(float),
        link_big_m=big_m,
        nurse_trusts=nurse_trusts,
        nurse_chairs=nurse_chairs,
    )


def diagnose(data: SactInput, arrays: SactArrays) -> list[str]:
    """Requirements that no plan can meet, each said in the planners' words with its shortfall."""
    p = data.parameters
    a = arrays
    found: list[str] = []
    has_arc = np.zeros(len(a.dem_amount), bool)
    has_arc[a.arc_dem] = True
    if not p.allow_unserved:
        travel = data.travel
        for row in np.flatnonzero(~has_arc)[:20]:
            zone = a.zone_ids[a.dem_zone[row]]
            klass = CLASSES[a.dem_class[row]]
            pairs = travel[travel["zone_id"] == zone]
            if klass == "complex":
                pairs = pairs[pairs["site_id"].map(data.sites["type"]).isin(COMPLEX_SITE_TYPES)]
            pairs = pairs[pairs["site_id"].map(data.sites["max_chairs"]) > 0]
            what = "centre or hospital unit" if klass == "complex" else "site"
            if len(pairs):
                best = pairs.loc[pairs["minutes"].idxmin()]
                over = float(best["minutes"]) - p.max_travel_minutes
                nearest = f"nearest {best['site_id']} at {best['minutes']:.0f} min, {over:.0f} min over"
            else:
                nearest = "no travel time to any such site is given"
            found.append(
                f"zone {zone}: no {what} within the {p.max_travel_minutes:g}-minute travel limit for its "
                f"{a.dem_amount[row]:.0f} {klass} attendances a year ({nearest})"
            )
        missing = int((~has_arc).sum())
        if missing > 20:
            found.append(f"... and {missing - 20} more zone/regimen pairs with no site within reach")
    if p.require_aseptic_supply:
        supplied = np.zeros(a.num_sites, bool)
        supplied[a.link_site] = True
        for s in np.flatnonzero(a.must_open & ~supplied):
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
        for s in np.flatnonzero(a.must_open & (reachable < p.min_site_attendances - 1e-9)):
            found.append(
                f"site {a.site_ids[s]} must stay open but only {reachable[s]:,.0f} attendances a year live "
                f"within reach of it, below the safe minimum of {p.min_site_attendances:,.0f} "
                f"({p.min_site_attendances - reachable[s]:,.0f} short)"
            )
    n_must = int(a.must_open.sum())
    limit = p.exact_open_sites if p.exact_open_sites is not None else p.max_open_sites
    if limit is not None and n_must > limit:
        found.append(
            f"{n_must} sites must stay open but at most {limit} may be open ({n_must - limit} too many)"
        )
    if p.max_new_sites is not None and int((a.must_open & a.is_new).sum()) > p.max_new_sites:
        found.append(f"more new sites must open than the limit of {p.max_new_sites} new sites")
    if p.exact_open_sites is not None and p.exact_open_sites > a.num_sites:
        found.append(f"exactly {p.exact_open_sites} open sites asked for, but only {a.num_sites} candidates")
    if p.budget is not None:
        floor = float((a.fixed_cost + a.chair_cost * a.min_chairs)[a.must_open].sum())
        if floor > p.budget + 1e-6:
            found.append(
                f"the sites that must stay open cost at least £{floor:,.0f} a year; "
                f"the budget is £{p.budget:,.0f}"
            )
    need_hours = a.total_demand * p.mean_chair_hours
    have_hours = float(a.max_chairs.sum()) * p.chair_hours_per_year
    if not p.allow_unserved and need_hours > have_hours + 1e-6:
        found.append(
            f"demand needs {need_hours:,.0f} chair hours a year but every candidate site at its most chairs "
            f"gives {have_hours:,.0f} ({need_hours - have_hours:,.0f} short)"
        )
    if p.access_target is not None:
        within = np.zeros(len(a.dem_amount), bool)
        within[a.arc_dem[a.arc_minutes <= p.access_minutes]] = True
        groups = [("all zones", np.ones(len(a.dem_amount), bool))]
        if p.access_by_quintile:
            groups += [
                (f"deprivation quintile {q}", a.dem_quintile == q) for q in np.unique(a.dem_quintile) if q > 0
            ]
        for label, mask in groups:
            total = a.dem_amount[mask].sum()
            if total <= 0:
                continue
            best = a.dem_amount[mask & within].sum() / total
            if best < p.access_target - 1e-9:
                found.append(
                    f"access target: at most {best:.1%} of attendances ({label}) can be within "
                    f"{p.access_minutes:g} min of any candidate site, below the target {p.access_target:.0%}"
                )
    return found
