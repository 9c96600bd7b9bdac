"""OOH rota instances: the illustrative Lancashire & South Cumbria case and a generator of any size.

Travel minutes between sites everywhere here are ``straight-line km x 1.3 (road factor) / 50 km/h
+ 5 min`` (see :func:`travel_minutes`); a site to itself is 0.  Site names, trusts and
coordinates of :func:`lsc_ooh` are public (NHS website hospital export); every other figure
(clinicians, demand, costs, response standards) is ILLUSTRATIVE, chosen to be plausible, not
taken from any trust.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models.common.travel import minutes_matrix
from models.ooh.input import OohInput, OohParameters

ROAD_FACTOR = 1.3
SPEED_KMH = 50.0
FIXED_MINUTES = 5.0


def travel_minutes(
    sites: pd.DataFrame,
    *,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = SPEED_KMH,
    fixed_minutes: float = FIXED_MINUTES,
) -> pd.DataFrame:
    """Minutes for all ordered site pairs: great-circle km x road factor / speed + fixed minutes.

    ``sites`` needs ``site_id, lat, lon`` (degrees); returns ``from_site, to_site, minutes``.
    A site to itself is 0 minutes.
    """
    lat = sites["lat"].to_numpy(float)
    lon = sites["lon"].to_numpy(float)
    minutes = minutes_matrix(lat, lon, lat, lon, road_factor, speed_kmh, fixed_minutes)
    np.fill_diagonal(minutes, 0.0)
    ids = sites["site_id"].to_numpy()
    n = len(ids)
    return pd.DataFrame(
        {"from_site": np.repeat(ids, n), "to_site": np.tile(ids, n), "minutes": np.round(minutes.ravel(), 1)}
    )


def supplement_bands() -> pd.DataFrame:
    """Availability supplement by frequency (consultant contract, England; share of basic salary).

    Category A (must return to site): 8 % at 1-in-1 to 1-in-4, 5 % at 1-in-5 to 1-in-8, 3 % at
    1-in-9 or less often.  Category B (mostly telephone advice): 3 %, 2 %, 1 %.  Resident
    rotas are paid through their cost per night: one band at 0 %.
    """
    rows = [
        ("A", "1-in-1 to 1-in-4", 1, 4, 0.08),
        ("A", "1-in-5 to 1-in-8", 5, 8, 0.05),
        ("A", "1-in-9 or less", 9, math.nan, 0.03),
        ("B", "1-in-1 to 1-in-4", 1, 4, 0.03),
        ("B", "1-in-5 to 1-in-8", 5, 8, 0.02),
        ("B", "1-in-9 or less", 9, math.nan, 0.01),
        ("resident", "resident", 1, math.nan, 0.0),
    ]
    return pd.DataFrame(rows, columns=["category", "band", "min_size", "max_size", "salary_share"])


# service_id, name, tier, response min, min size, max size, max sites, salary GBP, GBP/night, category
_Service = tuple[str, str, str, int, int, float, int, int, int, str]
_SERVICES: list[_Service] = [
    (
        "AO2",
        "Acute oncology second on-call (consultant)",
        "non-resident",
        60,
        8,
        math.nan,
        4,
        118_000,
        150,
        "A",
    ),
    ("HAEM", "Haematology consultant on-call", "non-resident", 60, 6, math.nan, 3, 118_000, 150, "A"),
    ("ONC1", "Oncology first on-call (registrar)", "resident", 35, 8, 14, 2, 60_000, 480, "resident"),
    ("PALL", "Palliative medicine consultant on-call", "non-resident", 60, 5, math.nan, 4, 118_000, 90, "B"),
    ("CLIN", "Clinical oncology consultant on-call", "non-resident", 45, 6, math.nan, 3, 118_000, 120, "A"),
    ("AOS", "Acute oncology specialist nurse on-call", "non-resident", 45, 6, 16, 3, 48_000, 110, "B"),
]
_SERVICE_COLUMNS = [
    "service_id",
    "name",
    "tier",
    "max_response_minutes",
    "min_rota_size",
    "max_rota_size",
    "max_sites_per_rota",
    "salary",
    "cost_per_night",
    "supplement_category",
]
_ROTA_COLUMNS = [
    "site_id",
    "service_id",
    "clinicians",
    "calls_per_night",
    "attendances_per_night",
    "calls_per_weekend_day",
    "attendances_per_weekend_day",
    "current_hub",
]


LSC_LOCUM_PREMIUM = {"AO2": 600.0, "HAEM": 600.0, "ONC1": 400.0, "PALL": 500.0}
"""ILLUSTRATIVE premium of a night covered by a locum or agency clinician, GBP over a substantive one."""
LSC_VACANCIES = {
    ("RXN01", "AO2"): 2,
    ("RTXBU", "AO2"): 2,
    ("RTXBW", "AO2"): 1,
    ("RXR10", "AO2"): 1,
    ("RTXBU", "HAEM"): 1,
    ("RXR10", "HAEM"): 1,
    ("RXR10", "ONC1"): 2,
    ("RTXBU", "PALL"): 1,
}
"""ILLUSTRATIVE vacancies (site, service): slots of today's rota filled by locums."""


_LSC_SITES = (
    ("RXN02", "Royal Preston Hospital", "Lancashire Teaching Hospitals", 53.79151, -2.70683, True),
    (
        "RXN01",
        "Chorley and South Ribble Hospital",
        "Lancashire Teaching Hospitals",
        53.66609,
        -2.63645,
        False,
    ),
    (
        "RXL01",
        "Blackpool Victoria Hospital",
        "Blackpool Teaching Hospitals",
        53.82061,
        -3.01585,
        True,
    ),
    (
        "RXR20",
        "Royal Blackburn Teaching Hospital",
        "East Lancashire Hospitals",
        53.73557,
        -2.46270,
        False,
    ),
    (
        "RXR10",
        "Burnley General Teaching Hospital",
        "East Lancashire Hospitals",
        53.81043,
        -2.22786,
        False,
    ),
    (
        "RTX02",
        "Royal Lancaster Infirmary",
        "University Hospitals of Morecambe Bay",
        54.04273,
        -2.79922,
        False,
    ),
    (
        "RTXBU",
        "Furness General Hospital",
        "University Hospitals of Morecambe Bay",
        54.13640,
        -3.20788,
        False,
    ),
    (
        "RTXBW",
        "Westmorland General Hospital",
        "University Hospitals of Morecambe Bay",
        54.30671,
        -2.73254,
        False,
    ),
)
"""Lancashire & South Cumbria's acute sites: id, name, trust, lat, lon (degrees), keeps its own rota."""

_LSC_ROTAS = (
    ("RXN02", "AO2", 9, 4.0, 1.2, 5.0, 1.5, "RXN02"),
    ("RXN01", "AO2", 3, 1.5, 0.4, 2.0, 0.5, "RXN01"),
    ("RXL01", "AO2", 8, 3.0, 0.9, 4.0, 1.2, "RXL01"),
    ("RXR20", "AO2", 6, 2.5, 0.8, 3.5, 1.0, "RXR20"),
    ("RXR10", "AO2", 4, 1.5, 0.5, 2.0, 0.6, "RXR10"),
    ("RTX02", "AO2", 5, 2.0, 0.6, 2.5, 0.8, "RTX02"),
    ("RTXBU", "AO2", 3, 1.0, 0.4, 1.5, 0.5, "RTXBU"),
    ("RTXBW", "AO2", 2, 0.6, 0.2, 0.8, 0.3, "RTXBW"),
    ("RXN02", "HAEM", 6, 2.0, 0.5, 2.5, 0.6, "RXN02"),
    ("RXN01", "HAEM", 2, 0.6, 0.2, 0.8, 0.2, "RXN01"),
    ("RXL01", "HAEM", 7, 1.8, 0.4, 2.2, 0.5, "RXL01"),
    ("RXR20", "HAEM", 5, 1.5, 0.4, 2.0, 0.5, "RXR20"),
    ("RXR10", "HAEM", 2, 0.6, 0.2, 0.8, 0.2, "RXR10"),
    ("RTX02", "HAEM", 4, 1.2, 0.3, 1.5, 0.4, "RTX02"),
    ("RTXBU", "HAEM", 2, 0.6, 0.2, 0.8, 0.2, "RTXBU"),
    ("RTXBW", "HAEM", 0, 0.3, 0.1, 0.4, 0.1, "RTX02"),
    ("RXN02", "ONC1", 8, 6.0, 2.0, 7.0, 2.4, "RXN02"),
    ("RXN01", "ONC1", 0, 2.0, 0.6, 2.5, 0.7, "RXN02"),
    ("RXR20", "ONC1", 5, 4.0, 1.5, 5.0, 1.8, "RXR20"),
    ("RXR10", "ONC1", 3, 2.0, 0.8, 2.5, 1.0, "RXR10"),
    ("RXN02", "PALL", 4, 2.0, 0.3, 2.5, 0.4, "RXN02"),
    ("RXN01", "PALL", 1, 0.8, 0.1, 1.0, 0.1, "RXN01"),
    ("RXL01", "PALL", 5, 1.5, 0.2, 2.0, 0.3, "RXL01"),
    ("RXR20", "PALL", 3, 1.2, 0.2, 1.5, 0.2, "RXR20"),
    ("RXR10", "PALL", 2, 0.8, 0.1, 1.0, 0.1, "RXR10"),
    ("RTX02", "PALL", 3, 1.0, 0.2, 1.2, 0.2, "RTX02"),
    ("RTXBU", "PALL", 2, 0.6, 0.1, 0.8, 0.1, "RTXBU"),
    ("RTXBW", "PALL", 1, 0.4, 0.1, 0.5, 0.1, "RTXBW"),
)
"""ILLUSTRATIVE rota needs: site, service, clinicians, calls and attendances per night, the same
per weekend day, today's hub."""


def lsc_ooh() -> OohInput:
    """Lancashire & South Cumbria's 8 acute sites and 4 OOH services (ILLUSTRATIVE figures).

    Royal Preston (Rosemere Cancer Centre) and Blackpool Victoria have inpatient oncology or
    haematology beds and keep their own rotas.  Chorley has no oncology registrars (Preston's
    first on-call covers it today) and Westmorland General no haematologists (covered from
    Lancaster).  Several rotas today are more frequent than 1-in-8.  Some small sites carry
    vacancies filled by locums today (``LSC_VACANCIES``), at the premiums of
    ``LSC_LOCUM_PREMIUM`` (GBP per night over a substantive member).
    """
    sites = pd.DataFrame(
        list(_LSC_SITES), columns=["site_id", "name", "trust", "lat", "lon", "keeps_own_rota"]
    )
    services = pd.DataFrame(
        [row for row in _SERVICES if row[0] in ("AO2", "HAEM", "ONC1", "PALL")], columns=_SERVICE_COLUMNS
    )
    services["locum_premium_per_night"] = services["service_id"].map(LSC_LOCUM_PREMIUM)
    rotas = pd.DataFrame(list(_LSC_ROTAS), columns=_ROTA_COLUMNS)
    keys = zip(rotas["site_id"], rotas["service_id"], strict=True)
    rotas["vacancies"] = [LSC_VACANCIES.get(key, 0) for key in keys]
    return OohInput(
        sites=sites,
        services=services,
        rotas=rotas,
        travel=travel_minutes(sites),
        bands=supplement_bands(),
        name="lsc-ooh (illustrative)",
    )


def _cluster_sites(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` sites in trusts of 1-4 sites, about one site per 240 km2 (Lancashire's density)."""
    side_km = math.sqrt(240.0 * n)
    trusts: list[int] = []
    while len(trusts) < n:
        trusts += [len(set(trusts))] * int(rng.integers(1, 5))
    trusts = trusts[:n]
    centres = rng.uniform(0, side_km, size=(max(trusts) + 1, 2))
    xy = centres[trusts] + rng.normal(0.0, side_km / 12, size=(n, 2))
    lat0, lon0 = 53.5, -3.0
    lat = lat0 + xy[:, 1] / 111.2
    lon = lon0 + xy[:, 0] / (111.2 * math.cos(math.radians(lat0)))
    ids = [f"S{i:03d}" for i in range(n)]
    return pd.DataFrame(
        {
            "site_id": ids,
            "name": [f"Site {i}" for i in range(n)],
            "trust": [f"T{t:02d}" for t in trusts],
            "lat": lat,
            "lon": lon,
            "keeps_own_rota": False,
        }
    )


def generate(sites: int, services: int, seed: int) -> OohInput:
    """A random OOH instance, the same for the same arguments, feasible under default parameters.

    Sites lie in clustered trusts; each service is needed at about 80 % of sites, with 1 to
    N_k + 2 clinicians each.  Feasibility is planted: for every trust and service, hubs are
    picked (largest first) until each site is within the response time of a hub of its trust
    and within the sites limit; a hub whose cluster falls short of 1-in-N gets extra clinicians,
    and a cluster whose attendances exceed the default limit has them scaled down.  Services
    beyond the 6 templates repeat them with a numbered id.
    """
    if sites < 1 or services < 1:
        raise ValueError("sites and services must be at least 1")
    rng = np.random.default_rng(seed)
    site_frame = _cluster_sites(rng, sites)
    travel = travel_minutes(site_frame)
    minutes = travel["minutes"].to_numpy().reshape(sites, sites)
    trust = site_frame["trust"].to_numpy()
    limit = OohParameters().max_attendances_per_night
    service_rows, rota_rows = [], []
    for j in range(services):
        template = _SERVICES[j % len(_SERVICES)]
        k = template[0] if j < len(_SERVICES) else f"{template[0]}{j // len(_SERVICES) + 1}"
        service_rows.append((k, *template[1:]))
        n_min, n_max, l_max, respond = template[4], template[5], template[6], template[3]
        need = np.flatnonzero(rng.random(sites) < 0.8)
        if need.size == 0:
            need = np.array([int(rng.integers(sites))])
        staff = {int(s): int(rng.integers(1, n_min + 3)) for s in need}
        att = {int(s): float(rng.uniform(0.1, 1.2)) for s in need}
        for members in _plant_clusters(need, staff, minutes, trust, respond, l_max):
            hub = members[0]
            staff[hub] += max(0, n_min - sum(staff[s] for s in members))
            if not math.isnan(n_max) and sum(staff[s] for s in members) > n_max:
                for s in members[1:]:
                    staff[s] = 1
                staff[hub] = int(max(n_min, n_max - (len(members) - 1)))
            load = sum(att[s] for s in members)
            if load > limit:
                for s in members:
                    att[s] *= 0.95 * limit / load
        for site in need:
            a = round(att[int(site)], 2)
            rota_rows.append(
                (
                    site_frame["site_id"].iloc[site],
                    k,
                    staff[int(site)],
                    round(3 * a, 2),
                    a,
                    round(4 * a, 2),
                    round(1.2 * a, 2),
                    site_frame["site_id"].iloc[site],
                )
            )
    return OohInput(
        sites=site_frame,
        services=pd.DataFrame(service_rows, columns=_SERVICE_COLUMNS),
        rotas=pd.DataFrame(rota_rows, columns=_ROTA_COLUMNS),
        travel=travel,
        bands=supplement_bands(),
        name=f"ooh-generated-{sites}x{services}-seed{seed}",
    )


def _plant_clusters(
    need: np.ndarray,
    staff: dict[int, int],
    minutes: np.ndarray,
    trust: np.ndarray,
    respond: float,
    l_max: float,
) -> list[list[int]]:
    """Disjoint clusters [hub, members...] covering ``need``: each member within ``respond`` of its hub."""
    left = sorted((int(s) for s in need), key=lambda s: (-staff[s], s))
    clusters = []
    while left:
        hub = left.pop(0)
        near = [s for s in left if trust[s] == trust[hub] and minutes[hub, s] <= respond]
        near.sort(key=lambda s: (minutes[hub, s], s))
        members = [hub, *near[: int(l_max) - 1]]
        left = [s for s in left if s not in members]
        clusters.append(members)
    return clusters
