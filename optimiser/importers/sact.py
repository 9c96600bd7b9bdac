"""Build a SACT location instance from the public ONS population and NHS hospital-list formats.

Inputs (columns as in ``../shared/data/README.md``)

* population: ``msoa11cd, msoa11nm, lad11_name, lat, lon, population_mid2020`` (one row per
  MSOA, population-weighted centroid); ``msoa11nm`` and ``lad11_name`` may be absent.
* sites: the NHS website hospital export; read are ``OrganisationCode, OrganisationName,
  SubType, ParentODSCode, ParentName, lat, lon`` (``SubType`` and ``ParentName`` optional),
  other columns are ignored.

Rules (documented defaults; edit the written tables to refine them)

* Zones are the MSOAs. ``attendances`` is left blank so that the instance parameter
  ``attendances_per_1000`` (50 a year per 1000 residents) applies; ``quintile`` is 0
  (unknown: the files carry no deprivation index).
* Candidate sites are the sites of NHS trusts (``ParentODSCode`` starting with ``R``; the
  export's ``Sector`` field is unreliable). Sites whose names mark children's, dental or
  mental-health services are left out, as are second entries at the same coordinates (the
  first listed is kept, a cancer centre or hospital unit before a community site).
* Type: a site named in ``centres`` is a ``cancer_centre`` (aseptic hub, must stay open). With
  no ``centres``, the known regional cancer centres of :data:`KNOWN_CENTRES` found in the file
  are taken; if there are none, an :class:`~optimiser.errors.InputError` asks for one. A site
  is a ``hospital_unit`` (an acute hospital that may give complex regimens and delivers SACT
  today) when its name says so (General, Royal, Infirmary, University, Teaching, District) or
  when it is its trust's namesake hospital (its name starts with the trust's first word, as
  "Blackpool Victoria Hospital" of "Blackpool Teaching Hospitals"); every other site is a new
  candidate ``community_site``. The export has no size or service fields, so some acute sites
  (e.g. Chorley and South Ribble Hospital) are typed as community sites: correct ``type`` and
  ``existing`` in ``sites.csv`` where local knowledge says otherwise.
* Chairs and costs by type: :data:`SITE_DEFAULTS` (pounds a year, ILLUSTRATIVE). A centre's hub
  capacity defaults to the region's whole demand in doses, so it binds only when edited.
* Travel is not written: the loader computes it from the coordinates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from instances.generators import GeneratedInstance
from optimiser.errors import InputError, Problem
from optimiser.kinds.sact_schema import PARAMETERS
from optimiser.schema import Column, TableSchema, validate_table

POPULATION_FORMAT = TableSchema(
    "population",
    (
        Column("msoa11cd", "str", unique=True),
        Column("msoa11nm", "str", required=False, default=""),
        Column("lad11_name", "str", required=False, default=""),
        Column("lat", "float", minimum=-90, maximum=90),
        Column("lon", "float", minimum=-180, maximum=180),
        Column("population_mid2020", "float", minimum=0),
    ),
)
SITES_FORMAT = TableSchema(
    "sites",
    (
        Column("OrganisationCode", "str", unique=True),
        Column("OrganisationName", "str"),
        Column("SubType", "str", required=False, default=""),
        Column("ParentODSCode", "str"),
        Column("ParentName", "str", required=False, default=""),
        Column("lat", "float", minimum=-90, maximum=90),
        Column("lon", "float", minimum=-180, maximum=180),
    ),
)

KNOWN_CENTRES = {
    "RXN02": "Royal Preston Hospital (Rosemere Cancer Centre), Lancashire & South Cumbria",
    "RHQWP": "Weston Park Hospital (Weston Park Cancer Centre), Sheffield",
    "RJE01": "Royal Stoke University Hospital, Staffordshire",
    "RHM01": "Southampton General Hospital, Wessex",
    "RHU03": "Queen Alexandra Hospital, Portsmouth",
    "RD304": "Poole Hospital (Dorset Cancer Centre)",
}
"""Regional cancer centres by ODS site code, used when no centre is named."""

SITE_DEFAULTS: dict[str, dict[str, Any]] = {
    "cancer_centre": dict(
        existing=True,
        current_chairs=30,
        min_chairs=10,
        max_chairs=60,
        fixed_cost=600_000.0,
        chair_cost=28_000.0,
    ),
    "hospital_unit": dict(
        existing=True,
        current_chairs=8,
        min_chairs=4,
        max_chairs=24,
        fixed_cost=200_000.0,
        chair_cost=30_000.0,
    ),
    "community_site": dict(
        existing=False,
        current_chairs=0,
        min_chairs=2,
        max_chairs=8,
        fixed_cost=100_000.0,
        chair_cost=38_000.0,
    ),
}
"""Chairs (today, least and most when open) and costs (pounds a year) by site type."""

ACUTE_WORDS = re.compile(r"\b(?:general|royal|infirmary|university|teaching|district)\b", re.IGNORECASE)
EXCLUDED_WORDS = re.compile(r"child|dental|mental health|psychiatr|learning disabilit", re.IGNORECASE)
_RATE = next(p.default for p in PARAMETERS if p.name == "attendances_per_1000")


def import_sact(
    population: Path, sites_file: Path, region: str | None = None, centres: tuple[str, ...] = ()
) -> GeneratedInstance:
    """A ``kind: sact`` instance: MSOA zones, NHS trust sites as candidates (see the module rules).

    Parameters
    ----------
    population : ONS MSOA population file.
    sites_file : NHS website hospital export for the same region.
    region : name of the instance; default from the population file's name.
    centres : ODS site codes of the cancer centres; default the known centres in the file.

    Raises
    ------
    InputError
        Every problem of either file, with file, row and column.
    """
    population, sites_file = Path(population), Path(sites_file)
    pop, pop_problems = _read(population, POPULATION_FORMAT)
    nhs, site_problems = _read(sites_file, SITES_FORMAT)
    problems = pop_problems + site_problems
    if not pop_problems and len(pop) and pop["population_mid2020"].sum() <= 0:
        problems.append(Problem(str(population), "the population totals 0", column="population_mid2020"))
    if not pop_problems and not len(pop):
        problems.append(Problem(str(population), "no MSOA rows"))
    if problems:
        raise InputError(problems)
    sites = _candidate_sites(nhs, centres, str(sites_file))
    zones = pd.DataFrame(
        {
            "zone_id": pop["msoa11cd"].to_numpy(),
            "name": pop["msoa11nm"].fillna("").to_numpy(),
            "population": _whole(pop["population_mid2020"].to_numpy(float)),
            "attendances": np.nan,  # blank: population x attendances_per_1000 / 1000
            "quintile": 0,
            "lat": np.round(pop["lat"].to_numpy(float), 6),
            "lon": np.round(pop["lon"].to_numpy(float), 6),
        }
    )
    doses = float(zones["population"].sum()) * _RATE / 1000.0
    centre = sites["type"] == "cancer_centre"
    sites.loc[centre, "hub_capacity"] = float(np.ceil(doses / 1000.0) * 1000.0)
    name = region or _region_name(population)
    counts = sites["type"].value_counts()
    description = (
        f"Imported from {population.name} and {sites_file.name}: {len(zones)} MSOAs, "
        f"{counts.get('cancer_centre', 0)} cancer centre(s), "
        f"{counts.get('hospital_unit', 0)} hospital units, "
        f"{counts.get('community_site', 0)} community candidates (NHS trust sites). Chairs and costs are "
        "ILLUSTRATIVE defaults; source data Open Government Licence v3.0."
    )
    return GeneratedInstance(
        kind="sact",
        name=name,
        tables={"zones": zones, "sites": sites},
        parameters={"attendances_per_1000": _RATE},
        description=description,
    )


def _read(path: Path, schema: TableSchema) -> tuple[pd.DataFrame, list[Problem]]:
    """The columns of ``schema`` from the CSV at ``path``, typed; other columns are ignored."""
    shown = str(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        return pd.DataFrame(), [Problem(shown, "file not found")]
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), [Problem(shown, "the file is empty")]
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        return pd.DataFrame(), [Problem(shown, f"cannot be read as CSV: {str(exc).strip()}")]
    raw.columns = [str(c).strip() for c in raw.columns]
    known = [c.name for c in schema.columns]
    frame, problems = validate_table(raw[[c for c in raw.columns if c in known]], schema, shown)
    return frame, problems


def _candidate_sites(nhs: pd.DataFrame, centres: tuple[str, ...], file: str) -> pd.DataFrame:
    """NHS trust sites typed by the module's rules; raise InputError for unusable centre codes."""
    rows = nhs.attrs["rows"]
    trust = nhs["ParentODSCode"].str.upper().str.startswith("R")
    codes = nhs["OrganisationCode"]
    problems = []
    wanted = [c.strip() for c in centres if c.strip()]
    for code in wanted:
        match = nhs.index[codes == code]
        if not len(match):
            problems.append(
                Problem(
                    file,
                    f"centre '{code}' is not an OrganisationCode in this file",
                    column="OrganisationCode",
                )
            )
        elif not trust[match[0]]:
            problems.append(
                Problem(
                    file,
                    f"centre '{code}' is not an NHS trust site (ParentODSCode "
                    f"'{nhs.at[match[0], 'ParentODSCode']}' does not start with R)",
                    int(rows[match[0]]),
                    "ParentODSCode",
                )
            )
    if problems:
        raise InputError(problems)
    if not wanted:
        wanted = [c for c in KNOWN_CENTRES if c in set(codes[trust])]
    is_centre = codes.isin(wanted)
    names = nhs["OrganisationName"].str.strip()
    keep = trust & (is_centre | ~names.str.contains(EXCLUDED_WORDS))
    first_word = nhs["ParentName"].str.replace(r"^the\s+", "", case=False, regex=True).str.split().str[0]
    namesake = (names.str.split().str[0].str.lower() == first_word.str.lower()) & first_word.notna()
    acute = names.str.contains(ACUTE_WORDS) | namesake
    kind = np.where(is_centre, "cancer_centre", np.where(acute, "hospital_unit", "community_site"))
    sites = nhs.assign(type=kind)[keep]
    if not len(sites):
        raise InputError(
            [Problem(file, "no NHS trust sites (ParentODSCode starting with R)", column="ParentODSCode")]
        )
    if not is_centre.any():
        units = sites.loc[sites["type"] == "hospital_unit", "OrganisationCode"].tolist()[:8]
        raise InputError(
            [
                Problem(
                    file,
                    "no cancer centre: none of the known centres ("
                    + ", ".join(KNOWN_CENTRES)
                    + ") is in this file; name one with --centre CODE"
                    + (f" (hospital units here: {', '.join(units)})" if units else ""),
                    column="OrganisationCode",
                )
            ]
        )
    # one site per location: centres, then hospital units, then community sites; file order within
    rank = sites["type"].map({"cancer_centre": 0, "hospital_unit": 1, "community_site": 2})
    place = sites["lat"].round(4).astype(str) + "," + sites["lon"].round(4).astype(str)
    order = sites.assign(_rank=rank, _place=place).sort_values("_rank", kind="stable")
    sites = order[~order.duplicated("_place")].sort_index()
    defaults = pd.DataFrame(SITE_DEFAULTS).T.loc[sites["type"]].reset_index(drop=True)
    parent = sites["ParentName"].where(
        sites["ParentName"].fillna("").str.strip() != "", sites["ParentODSCode"]
    )
    out = pd.DataFrame(
        {
            "site_id": sites["OrganisationCode"].to_numpy(),
            "name": sites["OrganisationName"].str.strip().to_numpy(),
            "trust": parent.to_numpy(),
            "type": sites["type"].to_numpy(),
        }
    )
    for column in ("existing", "current_chairs", "min_chairs", "max_chairs", "fixed_cost", "chair_cost"):
        out[column] = defaults[column].to_numpy()
    out["is_hub"] = out["type"] == "cancer_centre"
    out["hub_capacity"] = 0.0
    out["must_open"] = out["type"] == "cancer_centre"
    out["lat"] = np.round(sites["lat"].to_numpy(float), 6)
    out["lon"] = np.round(sites["lon"].to_numpy(float), 6)
    return out


def _whole(values: np.ndarray) -> np.ndarray:
    """Whole numbers as integers (as the ONS files give them), else as they are."""
    return values.astype(np.int64) if np.all(values == np.round(values)) else values


def _region_name(population: Path) -> str:
    stem = population.stem.removeprefix("msoa_")
    return stem.replace("_", "-") + "-sact"
