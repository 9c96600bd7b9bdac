"""Arrays of the SACT location model: the index sets and data the builder reads.

:func:`prepare` turns a :class:`~models.sact.input.SactInput` into flat numpy arrays (arcs,
demand rows, sites, supply links) with pandas joins, never a Python loop per arc.  What cannot be
met whatever the solver does is named by :mod:`models.sact.diagnose`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.sact.input import COMPLEX_SITE_TYPES, SactInput


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
    must_close: np.ndarray  # may not open at all (no chairs, no pharmacy)
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
    def can_open(self) -> np.ndarray:
        """Sites that may open: not closed, and their least chairs within their most."""
        return ~self.must_close & (self.min_chairs <= self.max_chairs)

    @property
    def suppliable(self) -> np.ndarray:
        """Sites an aseptic hub can supply within the drug-stability time (a hub itself included)."""
        out = np.zeros(self.num_sites, dtype=bool)
        out[self.link_site] = True
        return out

    @property
    def num_sites(self) -> int:
        return len(self.site_ids)

    @property
    def total_demand(self) -> float:
        return float(self.dem_amount.sum())


def prepare(data: SactInput) -> SactArrays:
    """Index the instance: arcs within the travel limit, demand rows, supply links."""
    zpos = pd.Series(np.arange(len(data.zones)), index=data.zones.index)
    spos = pd.Series(np.arange(len(data.sites)), index=data.sites.index)
    demand = _demand_rows(data)
    sites = _site_data(data)
    return SactArrays(
        zone_ids=data.zones.index.to_numpy(),
        site_ids=data.sites.index.to_numpy(),
        **demand,
        **_arcs(data, zpos, spos, demand, sites["max_chairs"]),
        **sites,
        **_supply_links(data, spos, sites),
        **_nurse_limits(data),
    )


def _demand_rows(data: SactInput) -> dict[str, np.ndarray]:
    """Demand rows (zone, class) with attendances a year above 0: the ``dem_*`` fields."""
    p, zones = data.parameters, data.zones
    attendances = zones["attendances"].to_numpy(float)
    shares = np.array([1.0 - p.complex_share, p.complex_share])
    dz = np.repeat(np.arange(len(zones)), 2)
    dk = np.tile(np.arange(2), len(zones))
    amount = attendances[dz] * shares[dk]
    keep = amount > 0
    quintile = zones["quintile"].to_numpy(int) if "quintile" in zones else np.zeros(len(zones), int)
    return {
        "dem_zone": dz[keep],
        "dem_class": dk[keep],
        "dem_amount": amount[keep],
        "dem_quintile": quintile[dz[keep]],
    }


def _arcs(
    data: SactInput,
    zpos: pd.Series,
    spos: pd.Series,
    demand: dict[str, np.ndarray],
    max_chairs: np.ndarray,
) -> dict[str, np.ndarray]:
    """Arcs (zone, site, class) within the travel limit to a site that may treat the class (one
    with chairs, ``max_chairs`` above 0): ``arc_*``."""
    p, sites, travel = data.parameters, data.sites, data.travel
    dem_row = np.full((len(zpos), 2), -1, dtype=np.int64)
    dem_row[demand["dem_zone"], demand["dem_class"]] = np.arange(len(demand["dem_zone"]))
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
    keep = (arc_d >= 0) & ((arc_k == 0) | complex_ok[arc_s]) & (max_chairs[arc_s] > 0)
    arc_z, arc_s, arc_k, arc_t, arc_d = arc_z[keep], arc_s[keep], arc_k[keep], arc_t[keep], arc_d[keep]
    order = np.lexsort((arc_s, arc_d))
    return {
        "arc_dem": arc_d[order],
        "arc_zone": arc_z[order],
        "arc_site": arc_s[order],
        "arc_class": arc_k[order],
        "arc_minutes": arc_t[order],
        "arc_demand": demand["dem_amount"][arc_d[order]],
    }


def _site_data(data: SactInput) -> dict[str, np.ndarray]:
    """Chairs, costs and roles of each site, in site order; a closed site (``must_close``) has no
    chairs and runs no pharmacy."""
    sites = data.sites
    closed = sites["must_close"].to_numpy(bool) if "must_close" in sites else np.zeros(len(sites), bool)
    is_hub = sites["is_hub"].to_numpy(bool) & ~closed
    return {
        "min_chairs": np.where(closed, 0.0, sites["min_chairs"].to_numpy(float)),
        "max_chairs": np.where(closed, 0.0, sites["max_chairs"].to_numpy(float)),
        "fixed_cost": sites["fixed_cost"].to_numpy(float),
        "chair_cost": sites["chair_cost"].to_numpy(float),
        "must_open": sites["must_open"].to_numpy(bool),
        "must_close": closed,
        "is_new": ~sites["existing"].to_numpy(bool),
        "is_hub": is_hub,
        "hub_capacity": np.where(is_hub, sites["hub_capacity"].to_numpy(float), 0.0),
        "site_trust": sites["trust"].astype(str).to_numpy(),
    }


def _supply_links(data: SactInput, spos: pd.Series, sites: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Supply links (spoke, hub) within the drug-stability time, each hub to itself: ``link_*``."""
    p, st = data.parameters, data.site_travel
    is_hub = sites["is_hub"]
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
    site_max_doses = (
        p.doses_per_attendance * p.chair_hours_per_year * sites["max_chairs"] / max(p.mean_chair_hours, 1e-9)
    )
    link_site = links["s"].to_numpy(np.int64)
    link_hub = links["h"].to_numpy(np.int64)
    return {
        "link_site": link_site,
        "link_hub": link_hub,
        "link_minutes": links["m"].to_numpy(float),
        "link_big_m": np.minimum(sites["hub_capacity"][link_hub], site_max_doses[link_site]),
    }


def _nurse_limits(data: SactInput) -> dict[str, np.ndarray]:
    """Trusts with a nurse count and the most chairs their nurses can staff: ``nurse_*``."""
    if data.nurses is not None and len(data.nurses):
        return {
            "nurse_trusts": data.nurses["trust"].astype(str).to_numpy(),
            "nurse_chairs": data.nurses["nurses"].to_numpy(float) * data.parameters.chairs_per_nurse,
        }
    return {"nurse_trusts": np.array([], dtype=object), "nurse_chairs": np.array([], dtype=float)}
