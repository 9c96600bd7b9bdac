"""English Indices of Deprivation 2019 by LSOA: IMD quintiles and mid-2015 population by age band.

Source: Ministry of Housing, Communities and Local Government, English Indices of Deprivation
2019, Open Government Licence v3.0; the files as described in ``../shared/data/README.md``
(gzipped CSV, UTF-8 byte-order mark, thousands separators in quoted numbers):

* ``imd2019_lsoa11_england.csv.gz``: LSOA code and name, local authority district, IMD rank and
  decile (1 = most deprived 10 %). Quintile = ceil(decile / 2).
* ``iod2019_population_lsoa11_england.csv.gz``: population mid-2015 excluding prisoners, in
  total and aged 0-15, 16-59 and 60 and over.

An MSOA's quintile is the population-weighted mean of its LSOAs' quintiles, rounded to the
nearest whole quintile (halves round towards the more deprived). LSOA names embed their MSOA
(``Adur 001A`` lies in ``Adur 001``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from optimiser.errors import InputError, Problem

IMD_FILE = "imd2019_lsoa11_england.csv.gz"
POPULATION_FILE = "iod2019_population_lsoa11_england.csv.gz"
AGE_BANDS = ("0-15", "16-59", "60+")
"""The age bands of the mid-2015 denominators, youngest first."""

_IMD_COLUMNS = {
    "LSOA code (2011)": "lsoa_code",
    "LSOA name (2011)": "lsoa_name",
    "Local Authority District name (2019)": "district",
    "Index of Multiple Deprivation (IMD) Rank": "imd_rank",
    "Index of Multiple Deprivation (IMD) Decile": "imd_decile",
}
_POP_COLUMNS = {
    "LSOA code (2011)": "lsoa_code",
    "Total population: mid 2015 (excluding prisoners)": "population_2015",
    "Dependent Children aged 0-15: mid 2015 (excluding prisoners)": "0-15",
    "Population aged 16-59: mid 2015 (excluding prisoners)": "16-59",
    "Older population aged 60 and over: mid 2015 (excluding prisoners)": "60+",
}


def read_lsoas(folder: str | Path) -> pd.DataFrame:
    """Every English LSOA: code (index), name, msoa_name, district, IMD decile and quintile, population.

    Columns: ``lsoa_name, msoa_name, district, imd_rank, imd_decile, quintile, population_2015``
    and one column per :data:`AGE_BANDS`.

    Raises
    ------
    InputError
        A file is missing or lacks one of the columns read.
    """
    folder = Path(folder)
    imd = _read(folder / IMD_FILE, _IMD_COLUMNS)
    pop = _read(folder / POPULATION_FILE, _POP_COLUMNS)
    table = imd.merge(pop, on="lsoa_code", how="left", validate="one_to_one").set_index("lsoa_code")
    table["quintile"] = np.ceil(table["imd_decile"] / 2).astype(int)
    table["msoa_name"] = table["lsoa_name"].str[:-1].str.strip()
    for column in ("population_2015", *AGE_BANDS):
        table[column] = table[column].fillna(0).astype(float)
    return table


def msoa_quintiles(lsoas: pd.DataFrame) -> pd.Series:
    """Quintile by MSOA name: population-weighted mean of its LSOAs' quintiles, rounded.

    ``lsoas`` needs ``msoa_name``, ``quintile`` and ``population_2015`` (as :func:`read_lsoas`).
    """
    weight = lsoas["population_2015"].clip(lower=0)
    weighted = (lsoas["quintile"] * weight).groupby(lsoas["msoa_name"]).sum()
    total = weight.groupby(lsoas["msoa_name"]).sum()
    mean = (weighted / total.where(total > 0)).fillna(lsoas.groupby("msoa_name")["quintile"].mean())
    return np.ceil(mean - 0.5).clip(1, 5).astype(int)


def _read(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    """The named columns of a deprivation file, renamed; numbers without thousands separators."""
    if not path.is_file():
        raise InputError([Problem(str(path), "file not found (English Indices of Deprivation 2019)")])
    frame = pd.read_csv(path, encoding="utf-8-sig", thousands=",", dtype={"LSOA code (2011)": str})
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(path), "required column is missing", column=c) for c in missing])
    return frame[list(columns)].rename(columns=columns)
