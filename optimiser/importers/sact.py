"""Build a SACT location instance from the public ONS population and NHS hospital-list formats.

Inputs (columns as in ``../shared/data/README.md``)

* population: ``msoa11cd, msoa11nm, lad11_name, lat, lon, population_mid2020`` (one row per
  MSOA, population-weighted centroid); ``msoa11nm`` and ``lad11_name`` may be absent.
* sites: the NHS website hospital export; read are ``OrganisationCode, OrganisationName,
  SubType, ParentODSCode, ParentName, lat, lon`` (``SubType`` and ``ParentName`` optional),
  other columns are ignored.

Rules (documented defaults; edit the written tables to refine them)

* Zones are the MSOAs. ``attendances`` is left blank so that the instance parameter
  ``attendances_per_1000`` (50 a year per 1000 residents) applies. ``quintile`` is the English
  IMD 2019 quintile of the MSOA, the population-weighted mean of its LSOAs' quintiles
  (:mod:`optimiser.importers.deprivation`); 0 (unknown) without the deprivation files.
  ``district`` is the file's ``lad11_name``, else the MSOA name without its number ("Blackburn
  with Darwen 007" lies in Blackburn with Darwen), else blank.
* Candidate sites and their types: :mod:`optimiser.importers.sites` (NHS trust sites; mental-
  health trusts left out; community trusts offer community sites only; likely duplicates within
  200 m left out; a centre from ``centres`` or :data:`~optimiser.importers.sites.KNOWN_CENTRES`).
  The export has no size or service fields, so types are guesses: each is reported.
* Chairs and costs by type: :data:`~optimiser.importers.sites.SITE_DEFAULTS` (pounds a year,
  ILLUSTRATIVE). A centre's hub capacity defaults to the region's whole demand in doses, so it
  binds only when edited.
* Travel is not written: the loader computes it from the coordinates. Zones with no centre or
  hospital unit within the default ``max_travel_minutes`` by that estimate are reported.

Every judgement and warning is returned in ``ImportedInstance.findings``; the command prints them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from models.common.travel import minutes_matrix
from models.common.words import count
from optimiser.errors import InputError, Problem
from optimiser.importers.deprivation import msoa_quintiles, read_lsoas
from optimiser.importers.sites import candidate_sites, size_hubs, zones_beyond_reach
from optimiser.importers.tables import ImportedInstance
from optimiser.instance_files import read_csv_table
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

_RATE = next(p.default for p in PARAMETERS if p.name == "attendances_per_1000")
_LIMIT = next(p.default for p in PARAMETERS if p.name == "max_travel_minutes")


def import_sact(
    population: Path,
    sites_file: Path,
    region: str | None = None,
    centres: tuple[str, ...] = (),
    deprivation: Path | None = None,
) -> ImportedInstance:
    """A ``kind: sact`` instance: MSOA zones, NHS trust sites as candidates (see the module rules).

    Parameters
    ----------
    population : ONS MSOA population file.
    sites_file : NHS website hospital export for the same region.
    region : name of the instance; default from the population file's name.
    centres : ODS site codes of the cancer centres; default the known centres in the file.
    deprivation : folder of the English Indices of Deprivation 2019 files; default
        ``../deprivation`` beside the population file's folder when it exists, else quintiles
        stay 0 (a finding says so).

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
    sites, findings = candidate_sites(nhs, centres, str(sites_file))
    quintiles, quintile_findings = _quintiles(pop, population, deprivation)
    zones = pd.DataFrame(
        {
            "zone_id": pop["msoa11cd"].to_numpy(),
            "name": pop["msoa11nm"].fillna("").to_numpy(),
            "district": msoa_districts(pop),
            "population": _whole(pop["population_mid2020"].to_numpy(float)),
            "attendances": np.nan,  # blank: population x attendances_per_1000 / 1000
            "quintile": quintiles,
            "lat": np.round(pop["lat"].to_numpy(float), 6),
            "lon": np.round(pop["lon"].to_numpy(float), 6),
        }
    )
    doses = float(zones["population"].sum()) * _RATE / 1000.0
    size_hubs(sites, sites["type"] == "cancer_centre", doses, findings)
    minutes = minutes_matrix(
        zones["lat"].to_numpy(float), zones["lon"].to_numpy(float),
        sites["lat"].to_numpy(float), sites["lon"].to_numpy(float),
    )  # fmt: skip
    findings += quintile_findings + zones_beyond_reach(zones, sites, minutes, _LIMIT)
    name = region or _region_name(population)
    counts = sites["type"].value_counts()
    description = (
        f"Imported from {population.name} and {sites_file.name}: {len(zones)} MSOAs, "
        f"{count(counts.get('cancer_centre', 0), 'cancer centre')}, "
        f"{count(counts.get('hospital_unit', 0), 'hospital unit')}, "
        f"{count(counts.get('community_site', 0), 'community candidate')} (NHS trust sites). "
        "Chairs and costs are "
        "ILLUSTRATIVE defaults; source data Open Government Licence v3.0."
    )
    return ImportedInstance(
        kind="sact",
        name=name,
        tables={"zones": zones, "sites": sites},
        parameters={"attendances_per_1000": _RATE},
        description=description,
        findings=tuple(findings),
    )


def _quintiles(pop: pd.DataFrame, population: Path, deprivation: Path | None) -> tuple[np.ndarray, list[str]]:
    """IMD 2019 quintile of each MSOA (population-weighted from its LSOAs); 0 where unknown."""
    folder = Path(deprivation) if deprivation else population.resolve().parent.parent / "deprivation"
    if deprivation is None and not folder.is_dir():
        return np.zeros(len(pop), dtype=int), [
            "deprivation quintiles are 0 (unknown): no --deprivation folder, none beside the population file"
        ]
    by_name = msoa_quintiles(read_lsoas(folder))
    known = pop["msoa11nm"].isin(by_name.index) & (pop["msoa11nm"] != "")
    quintiles = pop["msoa11nm"].map(by_name).fillna(0).astype(int).to_numpy()
    findings = []
    if not known.all():
        missing = pop.loc[~known, "msoa11cd"].tolist()
        findings.append(
            f"{len(missing)} MSOAs have no IMD 2019 LSOA by name, quintile 0 (unknown): "
            + ", ".join(missing[:10])
        )
    return quintiles, findings


def msoa_districts(pop: pd.DataFrame) -> np.ndarray:
    """Each MSOA's local authority district: ``lad11_name``, else its name without the number."""
    from_name = pop["msoa11nm"].fillna("").str.replace(r"\s+\d{3}$", "", regex=True).str.strip()
    given = pop["lad11_name"].fillna("").str.strip()
    return given.where(given != "", from_name).to_numpy()


def _read(path: Path, schema: TableSchema) -> tuple[pd.DataFrame, list[Problem]]:
    """The columns of ``schema`` from the CSV at ``path``, typed; other columns are ignored."""
    shown = str(path)
    if not path.is_file():
        return pd.DataFrame(), [Problem(shown, "file not found")]
    raw, problems = read_csv_table(path)  # as instance tables are read: rows and headers as written
    if raw is None:
        return pd.DataFrame(), problems
    if raw.empty and not len(raw.columns):
        return pd.DataFrame(), [Problem(shown, "the file is empty")]
    raw.columns = [str(c).strip() for c in raw.columns]
    repeated = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if repeated:
        return pd.DataFrame(), [Problem(shown, f"column '{c}' appears twice", column=c) for c in repeated]
    known = [c.name for c in schema.columns]
    frame, problems = validate_table(raw[[c for c in raw.columns if c in known]], schema, shown)
    return frame, problems


def _whole(values: np.ndarray) -> np.ndarray:
    """Whole numbers as integers (as the ONS files give them), else as they are."""
    return values.astype(np.int64) if np.all(values == np.round(values)) else values


def _region_name(population: Path) -> str:
    stem = population.stem.removeprefix("msoa_")
    return stem.replace("_", "-") + "-sact"
