"""Reproducible SACT site-location instances of any size (synthetic towns on a region-sized plane).

The geometry guarantees feasibility rather than hoping for it:

* The region is a block of square cells of :data:`CELL_KM` km, one per complex-capable site
  (the cancer centre and the hospital units, about a quarter of the sites), filled row by row.
  Each of them stands near its cell's centre, so every point of a cell is within about
  ``0.99 x CELL_KM`` km (about 55 minutes by the default road estimate) of a site that may give
  complex regimens.
* Aseptic hubs are the centre and the hospital units of every cell with an even row and an even
  column; every 2 x 2 block of cells holds one, within about 110 minutes of any site in it.
* Community sites and mobile units stand anywhere in the cells; most zones cluster round the
  sites (towns), the rest are scattered (rural).  Nothing lies outside a cell.

The travel limit, drug-stability time and access target are then set from the instance itself
(measured with the loader's default travel estimate) so that a plan always exists: every zone
can reach a complex-capable site within ``max_travel_minutes``, every site a hub within
``drug_stability_minutes``, and the access target is 5 points below the best share achievable.

Zone populations average 8,000 (like an MSOA; log-normal), scaled down when the sites at their
most chairs could not serve the demand (at ``attendances_per_1000`` = 50) with 40 % to spare.
Attendances are left blank so that the instance's ``attendances_per_1000`` applies.  Costs and
chairs are planning-plausible, not taken from any trust.  No travel table is written: the loader
computes travel from the coordinates (origin 53.5 N, 3.2 W; the region grows east and north with
the number of sites).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from instances.generators import GeneratedInstance
from models.common.travel import (
    EARTH_RADIUS_KM,
    OVERHEAD_MINUTES,
    ROAD_FACTOR,
    SPEED_KMH,
    great_circle_km,
    road_minutes,
)
from models.sact.input import SactParameters

CELL_KM = 25.0  # side of the square served by one complex-capable site
ORIGIN = (53.5, -3.2)  # south-west corner of the region (lat, lon)
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180.0
MEAN_ZONE_POPULATION = 8_000.0
CAPACITY_MARGIN = 0.6  # demand is at most this share of the sites' most chairs
ACCESS_MARGIN = 0.05  # access target this far below the best achievable share
MIN_SITE_ATTENDANCES = 500.0  # least attendances a year at an open site (half the demand if less)
# the sact kind's default attendances a year per 1000 residents (the shell's parameter table)
ATTENDANCES_PER_1000 = 50.0

_DEFAULTS = SactParameters()

# per site type: least/most chairs, chairs today (low, high), fixed cost (low, high) pounds a year,
# weight as a town zones cluster round, spread of its zones (km)
_TYPES = {
    "cancer_centre": dict(min=10, max=60, today=(24, 36), fixed=(600_000, 600_000), pull=10.0, spread=6.0),
    "hospital_unit": dict(min=4, max=30, today=(6, 16), fixed=(250_000, 400_000), pull=5.0, spread=5.0),
    "community_site": dict(min=2, max=10, today=(2, 6), fixed=(80_000, 150_000), pull=1.5, spread=3.0),
    "mobile_unit": dict(min=1, max=3, today=(0, 0), fixed=(50_000, 80_000), pull=0.5, spread=3.0),
}
_QUINTILE_P = {
    "urban": (0.30, 0.25, 0.20, 0.15, 0.10),  # round the centre and hospital units
    "town": (0.20, 0.20, 0.20, 0.20, 0.20),  # round community sites and mobile units
    "rural": (0.10, 0.15, 0.20, 0.25, 0.30),
}
COMMUNITY_EXISTING = 0.2  # share of community sites that deliver SACT today
CHAIR_COST = (25_000, 40_000)  # pounds a year per chair
HUB_DOSES_FLOOR = {"cancer_centre": 50_000.0, "hospital_unit": 20_000.0}


def site_counts(sites: int) -> dict[str, int]:
    """How many sites of each type: one centre, ~25 % complex-capable, a few mobile units."""
    complex_sites = max(1, round(0.25 * sites))
    mobile = 0 if sites < 6 else max(1, sites // 50)
    mobile = min(mobile, sites - complex_sites)
    return {
        "cancer_centre": 1,
        "hospital_unit": complex_sites - 1,
        "community_site": sites - complex_sites - mobile,
        "mobile_unit": mobile,
    }


def generate(zones: int, sites: int, seed: int) -> GeneratedInstance:
    """A feasible SACT instance with ``zones`` zones and ``sites`` candidate sites.

    Parameters
    ----------
    zones, sites : at least 1 each.
    seed : the same seed gives the same tables.
    """
    if zones < 1 or sites < 1:
        raise ValueError("a SACT instance needs at least one zone and one site")
    rng = np.random.default_rng(seed)
    counts = site_counts(sites)
    site_frame, cells = _sites(rng, counts)
    zone_frame, zone_cell = _zones(rng, zones, site_frame, cells)

    chair_att = _chair_attendances()
    capacity = float(site_frame["max_chairs"].sum()) * chair_att
    demand = zone_frame["population"].sum() * ATTENDANCES_PER_1000 / 1000.0
    if demand > CAPACITY_MARGIN * capacity:
        zone_frame["population"] *= CAPACITY_MARGIN * capacity / demand
    zone_frame["population"] = np.maximum(1, np.round(zone_frame["population"])).astype(int)
    _hub_capacity(site_frame, zone_frame, zone_cell, cells)

    zone_xy = zone_frame[["lat", "lon"]].to_numpy()
    site_xy = site_frame[["lat", "lon"]].to_numpy()
    parameters = _parameters(zone_frame, site_frame, zone_xy, site_xy)
    site_frame = site_frame.drop(columns=["cell"])
    return GeneratedInstance(
        kind="sact",
        name=f"sact-z{zones}-s{sites}-seed{seed}",
        tables={"zones": zone_frame, "sites": site_frame},
        parameters=parameters,
        description=(
            f"Generated SACT location instance: {zones} zones, {sites} candidate sites, seed {seed}. "
            "Synthetic towns on a plane; not a real region."
        ),
    )


def _chair_attendances() -> float:
    """Attendances a year one chair can give at the default chair hours and utilisation."""
    return _DEFAULTS.chair_hours_per_year / _DEFAULTS.mean_chair_hours


def _grid(n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of ``n_cells`` cells filled row by row in a near-square block."""
    cols = math.ceil(math.sqrt(n_cells))
    k = np.arange(n_cells)
    return k // cols, k % cols


def _to_latlon(x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = ORIGIN[0] + y_km / KM_PER_DEGREE
    lon = ORIGIN[1] + x_km / (KM_PER_DEGREE * np.cos(np.radians(lat)))
    return np.round(lat, 5), np.round(lon, 5)


def _sites(rng: np.random.Generator, counts: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidate sites (with their cell) and the cells (row, col, hub flag, trust)."""
    n_cells = counts["cancer_centre"] + counts["hospital_unit"]
    row, col = _grid(n_cells)
    # the centre takes the cell nearest the middle of the block
    mid = np.array([row.mean(), col.mean()])
    first = int(np.argmin((row - mid[0]) ** 2 + (col - mid[1]) ** 2))
    order = np.r_[first, np.delete(np.arange(n_cells), first)]
    block = (row // 2) * (int(col.max()) // 2 + 1) + col // 2
    trust_of_block = {b: f"Trust {i + 1}" for i, b in enumerate(dict.fromkeys(block.tolist()))}
    cells = pd.DataFrame(
        {
            "row": row,
            "col": col,
            "hub": (row % 2 == 0) & (col % 2 == 0),
            "block": block,
            "trust": [trust_of_block[b] for b in block.tolist()],
        }
    )
    cells.loc[first, "hub"] = True

    types = np.repeat(list(counts), list(counts.values()))
    n = len(types)
    cell = np.empty(n, dtype=np.int64)
    cell[:n_cells] = order
    cell[n_cells:] = rng.integers(0, n_cells, size=n - n_cells)
    # complex-capable sites near their cell's centre; the others anywhere in their cell
    offset = np.where(
        (np.arange(n) < n_cells)[:, None],
        rng.uniform(0.3, 0.7, size=(n, 2)),
        rng.uniform(0.05, 0.95, size=(n, 2)),
    )
    x = (col[cell] + offset[:, 0]) * CELL_KM
    y = (row[cell] + offset[:, 1]) * CELL_KM
    lat, lon = _to_latlon(x, y)

    spec = pd.DataFrame(_TYPES).T.loc[types]
    numbers = pd.Series(types).groupby(types).cumcount().to_numpy() + 1
    labels = {"cancer_centre": "Cancer centre", "hospital_unit": "Hospital unit"}
    labels |= {"community_site": "Community site", "mobile_unit": "Mobile unit"}
    existing = (types == "cancer_centre") | (types == "hospital_unit")
    existing |= (types == "community_site") & (rng.random(n) < COMMUNITY_EXISTING)
    low = np.array([t[0] for t in spec["today"]])
    high = np.array([t[1] for t in spec["today"]])
    today = np.where(existing, rng.integers(low, high + 1), 0)
    f_low = np.array([f[0] for f in spec["fixed"]], dtype=float)
    f_high = np.array([f[1] for f in spec["fixed"]], dtype=float)
    width = len(str(n))
    frame = pd.DataFrame(
        {
            "site_id": [f"S{i + 1:0{width}d}" for i in range(n)],
            "name": [
                f"{labels[t]} {k}" if t != "cancer_centre" else "Cancer centre"
                for t, k in zip(types, numbers, strict=True)
            ],
            "trust": cells["trust"].to_numpy()[cell],
            "type": types,
            "existing": existing,
            "current_chairs": today.astype(int),
            "min_chairs": spec["min"].to_numpy(int),
            "max_chairs": np.maximum(spec["max"].to_numpy(int), today).astype(int),
            "fixed_cost": np.round(rng.uniform(f_low, f_high), -3),
            "chair_cost": np.round(rng.uniform(*CHAIR_COST, size=n), -2),
            "is_hub": (np.arange(n) < n_cells) & cells["hub"].to_numpy()[cell],
            "hub_capacity": 0.0,
            "must_open": types == "cancer_centre",
            "lat": lat,
            "lon": lon,
            "cell": cell,
        }
    )
    return frame, cells


def _zones(
    rng: np.random.Generator, zones: int, sites: pd.DataFrame, cells: pd.DataFrame
) -> tuple[pd.DataFrame, np.ndarray]:
    """Zones clustered round the sites (towns), a quarter scattered; and the cell of each."""
    types = sites["type"].to_numpy()
    pull = np.array([_TYPES[t]["pull"] for t in types], dtype=float)
    spread = np.array([_TYPES[t]["spread"] for t in types], dtype=float)
    site_cell = sites["cell"].to_numpy()
    row, col = cells["row"].to_numpy(), cells["col"].to_numpy()
    sx = (sites["lon"].to_numpy() - ORIGIN[1]) * KM_PER_DEGREE * np.cos(np.radians(sites["lat"].to_numpy()))
    sy = (sites["lat"].to_numpy() - ORIGIN[0]) * KM_PER_DEGREE

    rural = rng.random(zones) < 0.25
    anchor = rng.choice(len(types), size=zones, p=pull / pull.sum())
    noise = rng.normal(0.0, 1.0, size=(zones, 2)) * spread[anchor][:, None]
    cell = np.where(rural, rng.integers(0, len(cells), size=zones), site_cell[anchor])
    x0, y0 = col[cell] * CELL_KM, row[cell] * CELL_KM
    x = np.where(
        rural, x0 + rng.uniform(0, CELL_KM, zones), np.clip(sx[anchor] + noise[:, 0], x0, x0 + CELL_KM)
    )
    y = np.where(
        rural, y0 + rng.uniform(0, CELL_KM, zones), np.clip(sy[anchor] + noise[:, 1], y0, y0 + CELL_KM)
    )
    lat, lon = _to_latlon(x, y)

    setting = np.where(
        rural, "rural", np.where(np.isin(types[anchor], ("cancer_centre", "hospital_unit")), "urban", "town")
    )
    quintile = np.zeros(zones, dtype=int)
    for label, p in _QUINTILE_P.items():
        mask = setting == label
        quintile[mask] = rng.choice(np.arange(1, 6), size=int(mask.sum()), p=p)
    population = MEAN_ZONE_POPULATION * np.exp(rng.normal(-0.045, 0.3, size=zones))
    width = len(str(zones))
    frame = pd.DataFrame(
        {
            "zone_id": [f"Z{i + 1:0{width}d}" for i in range(zones)],
            "name": [f"Zone {i + 1}" for i in range(zones)],
            "population": population,
            "attendances": np.nan,  # blank: population x attendances_per_1000 / 1000
            "quintile": quintile,
            "lat": lat,
            "lon": lon,
        }
    )
    return frame, cell


def _hub_capacity(
    sites: pd.DataFrame, zones: pd.DataFrame, zone_cell: np.ndarray, cells: pd.DataFrame
) -> None:
    """Each hub prepares 1.5 x the doses of its 2 x 2 block of cells (the centre: of the region)."""
    rate = ATTENDANCES_PER_1000 / 1000.0 * _DEFAULTS.doses_per_attendance
    doses = zones["population"].to_numpy(float) * rate
    cell = sites["cell"].to_numpy()
    block = cells["block"].to_numpy()
    block_doses = np.bincount(block[zone_cell], weights=doses, minlength=int(block.max()) + 1)
    hubs = sites["is_hub"].to_numpy(bool)
    need = np.where(sites["type"].to_numpy() == "cancer_centre", doses.sum(), block_doses[block[cell]])
    floor = sites["type"].map(HUB_DOSES_FLOOR).fillna(0.0).to_numpy(float)
    capacity = np.maximum(floor, np.ceil(1.5 * need / 5_000.0) * 5_000.0)
    sites["hub_capacity"] = np.where(hubs, capacity, 0.0)


def _parameters(
    zones: pd.DataFrame, sites: pd.DataFrame, zone_xy: np.ndarray, site_xy: np.ndarray
) -> dict[str, object]:
    """Travel limit, drug-stability time and access target that this instance can meet."""
    kw = dict(road_factor=ROAD_FACTOR, speed_kmh=SPEED_KMH, overhead_minutes=OVERHEAD_MINUTES)

    def minutes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        km = great_circle_km(a[:, None, 0], a[:, None, 1], b[None, :, 0], b[None, :, 1])
        return road_minutes(km, **kw)

    complex_sites = site_xy[sites["type"].isin(("cancer_centre", "hospital_unit")).to_numpy()]
    hubs = site_xy[sites["is_hub"].to_numpy(bool)]
    attendances = zones["population"].to_numpy(float) * ATTENDANCES_PER_1000 / 1000.0
    nearest_complex = np.empty(len(zone_xy))
    nearest_any = np.empty(len(zone_xy))
    for start in range(0, len(zone_xy), 2_000):  # bounded memory at any size
        part = zone_xy[start : start + 2_000]
        nearest_complex[start : start + 2_000] = minutes(part, complex_sites).min(axis=1)
        nearest_any[start : start + 2_000] = minutes(part, site_xy).min(axis=1)
    nearest_hub = minutes(site_xy, hubs).min(axis=1)
    stability = max(_DEFAULTS.drug_stability_minutes, math.ceil(nearest_hub.max() + 10.0))
    min_site = _safe_volume(attendances, len(site_xy))
    centre = site_xy[sites["type"].to_numpy() == "cancer_centre"]
    to_centre = minutes(zone_xy, centre).min(axis=1)
    near_centre = to_centre <= _DEFAULTS.access_minutes
    # every zone reaches a centre or hospital unit, and the centre its safe volume (1 zone x 300
    # sites had its centre beyond the travel limit of the zone: no plan)
    order = np.argsort(to_centre, kind="stable")
    safe_volume_minutes = to_centre[order][np.searchsorted(np.cumsum(attendances[order]), min_site)]
    reach = max(float(nearest_complex.max()), float(safe_volume_minutes))
    max_travel = max(_DEFAULTS.max_travel_minutes, math.ceil(reach + 10.0))
    best = _best_access(attendances, nearest_any, nearest_complex, near_centre, min_site)
    target = math.floor(min(0.85, best - ACCESS_MARGIN) * 100) / 100
    return {
        "attendances_per_1000": ATTENDANCES_PER_1000,
        "max_travel_minutes": float(max_travel),
        "access_minutes": _DEFAULTS.access_minutes,
        # few zones for their sites: hubs and sites draw their safe volumes from the same few
        # zones, beyond what the target counts (6 zones x 1000 sites asked 85 % of 2,400)
        "access_target": target if target >= 0.3 and not _few_zones(attendances, len(site_xy)) else None,
        "drug_stability_minutes": float(stability),
        "min_site_attendances": min_site,
    }


def _few_zones(attendances: np.ndarray, sites: int) -> bool:
    """Whether the demand could not open every site at :data:`MIN_SITE_ATTENDANCES` (or half the
    demand): few zones for many sites, where :func:`_safe_volume` and the access target change.
    Never one zone: the must-open centre may serve it alone, as :func:`_best_access` counts."""
    total = float(attendances.sum())
    return len(attendances) > 1 and total < min(MIN_SITE_ATTENDANCES, math.floor(0.5 * total)) * sites


def _safe_volume(attendances: np.ndarray, sites: int) -> float:
    """The least attendances a year at an open site: :data:`MIN_SITE_ATTENDANCES`, never above
    half the demand; with few zones for the sites (:func:`_few_zones`), half the smallest zone's,
    so any site may open on one zone's demand (40 sites x 3 zones: 1,125 attendances opened two
    sites of 500, where the access target counted a site beside each zone: no plan).  The
    benchmark sizes keep 500."""
    if _few_zones(attendances, sites):
        return float(max(1, math.floor(0.5 * float(attendances.min()))))
    return float(min(MIN_SITE_ATTENDANCES, math.floor(0.5 * float(attendances.sum()))))


def _best_access(
    attendances: np.ndarray,
    nearest_any: np.ndarray,
    nearest_complex: np.ndarray,
    near_centre: np.ndarray,
    min_site: float,
) -> float:
    """At most the share of attendances any plan treats within the access standard: the
    standard ones of zones within it of any site, the complex ones of zones within it of a centre
    or hospital unit; less the safe volume of the must-open centre it must draw from zones beyond
    its standard, as far as those would otherwise be within (1 zone x 40 sites asked for 85 %
    where the centre's 125 of 251 attendances left at most 50 %)."""
    standard = _DEFAULTS.access_minutes
    share = _DEFAULTS.complex_share
    within = attendances * ((1.0 - share) * (nearest_any <= standard) + share * (nearest_complex <= standard))
    total = float(attendances.sum())
    short = max(0.0, min_site - float(attendances[near_centre].sum()))
    not_within = total - float(within.sum())
    return (float(within.sum()) - max(0.0, short - not_within)) / total
