"""Cross-trust oncologist cover instances: the illustrative LSC case and a generator of any size.

Travel everywhere here is derived from coordinates (see :func:`travel_table`): road km =
great-circle km x 1.3 (road factor); minutes = road km / 50 km/h x 60 + 5 (setting off and
parking); miles = road km / 1.609.  Site names, trusts and coordinates of :func:`lsc_cover` are
public (NHS website hospital export, 2019/20); every other figure (oncologists, job plans, leave,
demand, MDTs, locum rates) is ILLUSTRATIVE, chosen to be plausible, not taken from any trust.
Both functions are deterministic: the same arguments give the same instance.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from models.common.travel import great_circle_km
from models.cover.input import COLUMNS, WEEKDAYS, CoverInstance

ROAD_FACTOR = 1.3
SPEED_KMH = 50.0
FIXED_MINUTES = 5.0
KM_PER_MILE = 1.609
DEMAND_SHARE = 0.7  # demand as a share of each trust's own nominal specialist PAs
TUMOUR_SITES = (
    ("breast", "Breast"),
    ("lung", "Lung"),
    ("colorectal", "Colorectal"),
    ("urology", "Urology"),
    ("head_neck", "Head and neck"),
    ("gynae", "Gynaecology"),
    ("upper_gi", "Upper GI"),
    ("skin", "Skin"),
    ("cns", "Brain and CNS"),
    ("sarcoma", "Sarcoma"),
)

# Public facts: ODS site code, site, trust code, trust, latitude, longitude.
LSC_SITES = (
    ("RXN02", "Royal Preston Hospital", "RXN", "Lancashire Teaching Hospitals", 53.791512, -2.706830),
    (
        "RXN01",
        "Chorley and South Ribble Hospital",
        "RXN",
        "Lancashire Teaching Hospitals",
        53.666092,
        -2.636446,
    ),
    ("RXL01", "Blackpool Victoria Hospital", "RXL", "Blackpool Teaching Hospitals", 53.820606, -3.015853),
    ("RXR20", "Royal Blackburn Teaching Hospital", "RXR", "East Lancashire Hospitals", 53.735565, -2.462701),
    ("RXR10", "Burnley General Teaching Hospital", "RXR", "East Lancashire Hospitals", 53.810429, -2.227864),
    (
        "RTX02",
        "Royal Lancaster Infirmary",
        "RTX",
        "University Hospitals of Morecambe Bay",
        54.042732,
        -2.799217,
    ),
    (
        "RTXBU",
        "Furness General Hospital",
        "RTX",
        "University Hospitals of Morecambe Bay",
        54.136402,
        -3.207885,
    ),
    (
        "RTXBW",
        "Westmorland General Hospital",
        "RTX",
        "University Hospitals of Morecambe Bay",
        54.306709,
        -2.732537,
    ),
)


def travel_table(
    sites: pd.DataFrame,
    *,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = SPEED_KMH,
    fixed_minutes: float = FIXED_MINUTES,
) -> pd.DataFrame:
    """One-way minutes and miles for every ordered pair of distinct sites.

    ``sites`` needs ``site_id, lat, lon`` (degrees).  Road km = great-circle km x ``road_factor``;
    minutes = road km / ``speed_kmh`` x 60 + ``fixed_minutes``; miles = road km / 1.609.
    """
    lat, lon = sites["lat"].to_numpy(float), sites["lon"].to_numpy(float)
    km = road_factor * great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    ids = sites["site_id"].to_numpy()
    i, j = np.nonzero(~np.eye(len(ids), dtype=bool))
    return pd.DataFrame(
        {
            "from_site": ids[i],
            "to_site": ids[j],
            "minutes": np.round(km[i, j] / speed_kmh * 60.0 + fixed_minutes, 1),
            "miles": np.round(km[i, j] / KM_PER_MILE, 1),
        }
    )


def _half(v: np.ndarray | float) -> np.ndarray:
    """``v`` rounded to the nearest half."""
    return np.round(np.asarray(v, dtype=float) * 2) / 2


def _annual_leave(rng: np.random.Generator, onc: str, first: dt.date, weeks: int, blocks: int) -> list[dict]:
    """``blocks`` leave weeks (Mon-Fri) spread over the horizon, and two study days."""
    rows = []
    if weeks >= 2:
        for w in sorted(rng.choice(weeks, size=min(blocks, weeks), replace=False)):
            start = first + dt.timedelta(days=7 * int(w))
            rows.append(_absence(onc, start, start + dt.timedelta(days=4), "annual_leave", 1.0))
    w = int(rng.integers(0, weeks))
    start = first + dt.timedelta(days=7 * w + int(rng.integers(0, 4)))
    rows.append(_absence(onc, start, start + dt.timedelta(days=1), "study", 1.0))
    return rows


def _absence(onc: str, first: dt.date, last: dt.date, kind: str, share: float) -> dict:
    """One absences row: ``share`` of ``onc``'s time away from ``first`` to ``last`` inclusive."""
    return {"oncologist_id": onc, "first_day": first, "last_day": last, "kind": kind, "share": share}


def _demand_and_services(
    rng: np.random.Generator,
    oncologists: pd.DataFrame,
    specialisms: pd.DataFrame,
    sites: pd.DataFrame,
    tumours: list[str],
    weeks: int,
    busy: float,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Demand near each trust's own specialist supply (``busy`` x supply), MDTs and locums."""
    trust_of = dict(zip(sites["site_id"], sites["trust_id"], strict=True))
    n_spec = specialisms.groupby("oncologist_id").size()
    sup = specialisms.merge(oncologists[["oncologist_id", "home_site", "dcc_pas"]], on="oncologist_id")
    sup["trust_id"] = sup["home_site"].map(trust_of)
    sup["pas"] = sup["dcc_pas"] / sup["oncologist_id"].map(n_spec)
    supply = sup.groupby(["trust_id", "tumour_site_id"])["pas"].sum()
    counts = sup.groupby(["trust_id", "tumour_site_id"]).size()
    dem_rows, mdt_rows, loc_rows = [], [], []
    for t in sorted(set(sites["trust_id"])):
        for u in tumours:
            local = float(supply.get((t, u), 0.0))
            if local == 0 and rng.random() < 0.5:
                continue  # no local service: patients go elsewhere
            base = busy * local if local > 0 else float(rng.uniform(1.0, 3.0))
            weekly = _half(base * rng.uniform(0.9, 1.1, size=weeks))
            for w in range(weeks):
                if weekly[w] > 0:
                    dem_rows.append(
                        {"trust_id": t, "tumour_site_id": u, "week": w + 1, "pas": float(weekly[w])}
                    )
            quorum = 2 if counts.get((t, u), 0) >= 3 and rng.random() < 0.5 else 1
            mdt_rows.append(
                {
                    "mdt_id": f"MDT-{t}-{u}",
                    "trust_id": t,
                    "tumour_site_id": u,
                    "weekday": WEEKDAYS[int(rng.integers(0, 5))],
                    "quorum": quorum,
                    "remote_counts": bool(rng.random() < 0.6),
                }
            )
            loc_rows.append(
                {
                    "trust_id": t,
                    "tumour_site_id": u,
                    "pas_per_week": float(_half(rng.uniform(0.0, 3.0))),
                    "cost_per_pa": float(np.round(rng.uniform(600, 900), -1)),
                }
            )
    return (
        pd.DataFrame(dem_rows, columns=list(COLUMNS["demand"])),
        pd.DataFrame(mdt_rows, columns=list(COLUMNS["mdts"])),
        pd.DataFrame(loc_rows, columns=list(COLUMNS["locums"])),
    )


# (home site, specialisms, DCC PAs): the cancer centre at Preston holds most of the staff.
_LSC_STAFF = (
    ("RXN02", "breast", 7.5), ("RXN02", "breast", 7.5), ("RXN02", "lung", 7.5), ("RXN02", "lung", 7.5),
    ("RXN02", "colorectal", 7.5), ("RXN02", "colorectal upper_gi", 7.5), ("RXN02", "urology", 7.5),
    ("RXN02", "urology", 6.0), ("RXN02", "head_neck", 7.5), ("RXN02", "gynae", 7.5),
    ("RXN02", "cns", 7.5), ("RXN02", "skin", 7.5), ("RXN02", "upper_gi", 7.5),
    ("RXN01", "breast gynae", 7.5), ("RXN01", "colorectal", 6.0),
    ("RXL01", "breast", 7.5), ("RXL01", "breast", 7.5), ("RXL01", "lung", 7.5),
    ("RXL01", "colorectal upper_gi", 7.5), ("RXL01", "urology", 7.5), ("RXL01", "skin head_neck", 7.5),
    ("RXR20", "breast", 7.5), ("RXR20", "lung", 7.5), ("RXR20", "colorectal", 7.5),
    ("RXR20", "urology gynae", 7.5), ("RXR20", "upper_gi", 6.0),
    ("RXR10", "breast lung", 7.5), ("RXR10", "colorectal", 7.5),
    ("RTX02", "breast", 7.5), ("RTX02", "lung", 7.5), ("RTX02", "colorectal urology", 7.5),
    ("RTX02", "gynae upper_gi", 7.5),
    ("RTXBU", "breast lung", 7.5), ("RTXBW", "colorectal skin", 6.0),
)  # fmt: skip


def lsc_cover() -> CoverInstance:
    """ILLUSTRATIVE Lancashire & South Cumbria cover problem: 4 trusts, 8 sites, 34 oncologists.

    9 tumour sites over 26 weeks from Monday 6 April 2026.  A Blackpool breast oncologist is on
    maternity leave for all 26 weeks; a Royal Lancaster lung oncologist is long-term sick for
    14 weeks (weeks 3-16) and returns at half time for 4 weeks; everybody takes ordinary annual
    and study leave.  Only the sites, trusts and coordinates are real.
    """
    rng = np.random.default_rng(2026)
    first, weeks = dt.date(2026, 4, 6), 26
    sites = pd.DataFrame(LSC_SITES, columns=["site_id", "name", "trust_id", "trust", "lat", "lon"])
    trusts = sites[["trust_id", "trust"]].drop_duplicates().rename(columns={"trust": "name"})
    tumours = [t for t, _ in TUMOUR_SITES[:9]]
    oncologists, specialisms = _lsc_oncologists()
    absences = _lsc_absences(rng, list(oncologists["oncologist_id"]), first, weeks)
    demand, mdts, locums = _demand_and_services(
        rng, oncologists, specialisms, sites, tumours, weeks, DEMAND_SHARE
    )
    # Quorum of two at the cancer centre's largest MDTs; Blackpool breast needs someone in the room.
    for mid in ("MDT-RXN-breast", "MDT-RXN-lung", "MDT-RXN-colorectal", "MDT-RXN-urology"):
        mdts.loc[mdts["mdt_id"] == mid, ["quorum", "remote_counts"]] = [2, True]
    mdts.loc[mdts["mdt_id"] == "MDT-RXL-breast", ["quorum", "remote_counts"]] = [2, False]
    return CoverInstance(
        trusts=trusts,
        sites=sites.drop(columns="trust"),
        tumour_sites=pd.DataFrame(TUMOUR_SITES[:9], columns=["tumour_site_id", "name"]),
        oncologists=oncologists,
        specialisms=specialisms,
        absences=pd.DataFrame(absences, columns=list(COLUMNS["absences"])),
        demand=demand,
        mdts=mdts,
        locums=locums,
        travel=travel_table(sites),
        first_week=first,
        weeks=weeks,
        name="lsc-cover",
        description=(
            "ILLUSTRATIVE cross-trust oncologist cover for Lancashire & South Cumbria: real sites, "
            "trusts and coordinates; invented staff, leave, demand, MDTs and rates. Maternity leave "
            "(breast, Blackpool, 26 weeks) and long-term sickness (lung, Royal Lancaster, weeks 3-16, "
            "then half time to week 20)."
        ),
    )


def _lsc_oncologists() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The oncologists of ``_LSC_STAFF`` (ONC01...) and their specialisms."""
    staff = list(_LSC_STAFF)
    ids = [f"ONC{i + 1:02d}" for i in range(len(staff))]
    oncologists = pd.DataFrame(
        {
            "oncologist_id": ids,
            "name": [f"Consultant {i}" for i in ids],
            "home_site": [s[0] for s in staff],
            "dcc_pas": [s[2] for s in staff],
            "max_away_pas": [3.0 if s[2] >= 7.5 else 2.0 for s in staff],
            "max_sites": [3 if s[0] == "RXN02" else 2 for s in staff],
            "cost_per_pa": 360.0,
        }
    )
    specialisms = pd.DataFrame([(i, u) for i, s in zip(ids, staff, strict=True) for u in s[1].split()])
    specialisms.columns = ["oncologist_id", "tumour_site_id"]
    return oncologists, specialisms


def _lsc_absences(rng: np.random.Generator, ids: list[str], first: dt.date, weeks: int) -> list[dict]:
    """Everybody's annual and study leave; maternity leave for ONC16, sickness then half time for ONC30."""
    absences = [row for i in ids for row in _annual_leave(rng, i, first, weeks, 3)]
    maternity, sick = "ONC16", "ONC30"  # Blackpool breast; Royal Lancaster lung
    absences = [a for a in absences if a["oncologist_id"] != maternity]
    absences.append(_absence(maternity, first, first + dt.timedelta(days=7 * weeks - 3), "maternity", 1.0))
    absences = [
        a
        for a in absences
        if not (a["oncologist_id"] == sick and a["first_day"] < first + dt.timedelta(days=140))
    ]
    absences.append(
        _absence(sick, first + dt.timedelta(days=14), first + dt.timedelta(days=7 * 16 - 3), "sickness", 1.0)
    )
    absences.append(
        _absence(
            sick, first + dt.timedelta(days=7 * 16), first + dt.timedelta(days=7 * 20 - 3), "sickness", 0.5
        )
    )
    return absences


def generate(oncologists: int, trusts: int, tumour_sites: int, weeks: int, seed: int = 0) -> CoverInstance:
    """A synthetic cover instance of any size (deterministic in ``seed``).

    Trusts have 1-3 sites within about 15 km of a trust centre, trust centres spread over an
    80 x 60 km area of north-west England.  Oncologists have 1-2 specialisms (every tumour site
    gets specialists in turn), 6-8 DCC PAs, 2-4 away PAs and 2-3 sites a week.  Oncologist 1 is
    on maternity leave for the whole horizon and oncologist 2 sick for half of it; everybody
    takes a leave week in eight.  Demand is 0.7 x each trust's own specialist supply, +-10 %
    a week; MDTs, locums (0-3 PAs a week at 600-900 pounds) and travel follow.
    """
    _check_sizes(oncologists, trusts, tumour_sites, weeks)
    rng = np.random.default_rng(seed)
    first = dt.date(2026, 4, 6)
    sites = _random_sites(rng, trusts)
    trusts_t = pd.DataFrame(
        {"trust_id": [f"T{t + 1}" for t in range(trusts)], "name": [f"Trust {t + 1}" for t in range(trusts)]}
    )
    names = list(TUMOUR_SITES) + [
        (f"tumour_{i + 1}", f"Tumour site {i + 1}") for i in range(len(TUMOUR_SITES), tumour_sites)
    ]
    tum = pd.DataFrame(names[:tumour_sites], columns=["tumour_site_id", "name"])
    ids = [f"O{i + 1:03d}" for i in range(oncologists)]
    onc = _random_oncologists(rng, ids, sites, trusts)
    specialisms = _random_specialisms(rng, ids, list(tum["tumour_site_id"]))
    absences = _generated_absences(rng, ids, first, weeks)
    demand, mdts, locums = _demand_and_services(
        rng, onc, specialisms, sites, list(tum["tumour_site_id"]), weeks, DEMAND_SHARE
    )
    return CoverInstance(
        trusts=trusts_t,
        sites=sites,
        tumour_sites=tum,
        oncologists=onc,
        specialisms=specialisms,
        absences=pd.DataFrame(absences, columns=list(COLUMNS["absences"])),
        demand=demand,
        mdts=mdts,
        locums=locums,
        travel=travel_table(sites),
        first_week=first,
        weeks=weeks,
        name=f"cover-{oncologists}x{trusts}x{tumour_sites}x{weeks}-seed{seed}",
        description="Synthetic (illustrative) cross-trust cover instance from instances.generators.cover.",
    )


def _check_sizes(oncologists: int, trusts: int, tumour_sites: int, weeks: int) -> None:
    """Raise ValueError unless every size is at least 1."""
    for name, value, least in (
        ("oncologists", oncologists, 1),
        ("trusts", trusts, 1),
        ("tumour_sites", tumour_sites, 1),
    ):
        if int(value) < least:
            raise ValueError(f"{name} must be at least {least}, got {value}")
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")


def _random_sites(rng: np.random.Generator, trusts: int) -> pd.DataFrame:
    """1-3 sites per trust: the first at the trust centre, others about 8 km (sd) from it."""
    centres = np.column_stack([rng.uniform(53.6, 54.15, trusts), rng.uniform(-3.1, -2.2, trusts)])
    site_rows = []
    for t in range(trusts):
        for j in range(int(rng.integers(1, 4))):
            lat, lon = centres[t] + (rng.normal(0, 0.07, 2) if j else 0.0)
            site_rows.append({"site_id": f"S{t + 1}{chr(97 + j)}", "name": f"Site {t + 1}{chr(97 + j)}",
                              "trust_id": f"T{t + 1}", "lat": float(lat), "lon": float(lon)})  # fmt: skip
    return pd.DataFrame(site_rows)


def _random_oncologists(
    rng: np.random.Generator, ids: list[str], sites: pd.DataFrame, trusts: int
) -> pd.DataFrame:
    """Home at a trust's first site (chance 0.6, trusts in turn) or any site; random PAs and limits."""
    n = len(ids)
    first_sites = sites.groupby("trust_id")["site_id"].first().to_numpy()
    home = [
        first_sites[i % trusts]
        if rng.random() < 0.6
        else sites["site_id"].iloc[int(rng.integers(len(sites)))]
        for i in range(n)
    ]
    dcc = _half(rng.uniform(6.0, 8.0, n))
    return pd.DataFrame(
        {
            "oncologist_id": ids,
            "name": ids,
            "home_site": home,
            "dcc_pas": dcc,
            "max_away_pas": _half(rng.uniform(2.0, 4.0, n)),
            "max_sites": rng.integers(2, 4, n),
            "cost_per_pa": np.round(rng.uniform(330, 400, n)),
        }
    )


def _random_specialisms(rng: np.random.Generator, ids: list[str], tumours: list[str]) -> pd.DataFrame:
    """Tumour sites in turn as first specialism; a random second one with chance 0.5."""
    n_u = len(tumours)
    spec = []
    for i, o in enumerate(ids):
        first_u = i % n_u
        spec.append((o, tumours[first_u]))
        if n_u > 1 and rng.random() < 0.5:
            second = (first_u + int(rng.integers(1, n_u))) % n_u
            spec.append((o, tumours[second]))
    return pd.DataFrame(spec, columns=["oncologist_id", "tumour_site_id"])


def _generated_absences(rng: np.random.Generator, ids: list[str], first: dt.date, weeks: int) -> list[dict]:
    """A leave week in eight for all but the first two: the first on maternity, the second sick half time."""
    absences = [
        row
        for i, o in enumerate(ids)
        if i >= 2
        for row in _annual_leave(rng, o, first, weeks, max(1, weeks // 8))
    ]
    absences.append(_absence(ids[0], first, first + dt.timedelta(days=7 * weeks - 3), "maternity", 1.0))
    if len(ids) > 1:
        half = max(1, weeks // 2)
        absences.append(_absence(ids[1], first, first + dt.timedelta(days=7 * half - 3), "sickness", 1.0))
    return absences
