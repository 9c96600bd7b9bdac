"""``optimiser import sact``: an MSOA-level instance from the public ONS and NHS file formats."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.errors import InputError
from optimiser.importers.sact import import_sact

POP_HEADER = "msoa11cd,msoa11nm,lad11_name,lat,lon,population_mid2020\n"
SITES_HEADER = "OrganisationCode,OrganisationName,SubType,Sector,ParentODSCode,ParentName,lat,lon\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _lsc(shared_dir: Path) -> tuple[Path, Path]:
    data = shared_dir / "data"
    return (
        data / "population" / "msoa_lancashire_south_cumbria.csv",
        data / "nhs-sites" / "hospitals_lancashire_south_cumbria.csv",
    )


def _small_files(tmp_path: Path, pop_rows: str, site_rows: str) -> tuple[Path, Path]:
    pop, sites = tmp_path / "pop.csv", tmp_path / "sites.csv"
    pop.write_text(POP_HEADER + pop_rows, encoding="utf-8")
    sites.write_text(SITES_HEADER + site_rows, encoding="utf-8")
    return pop, sites


GOOD_POP = "E1,Town 001,Town,53.80,-2.70,8000\nE2,Town 002,Town,53.85,-2.60,6000\n"
GOOD_SITES = (
    "RAA01,Town General Hospital,Hospital,NHS Sector,RAA,Town Hospitals NHS Trust,53.81,-2.69\n"
    "RBB02,Hilltop Community Hospital,Hospital,NHS Sector,RBB,Town Community NHS Trust,53.86,-2.61\n"
    "NT001,Private Clinic,Hospital,Independent Sector,NT0,Clinics Ltd,53.80,-2.70\n"
)


def test_lsc_import_builds_215_msoa_zones(shared_dir: Path) -> None:
    population, sites_file = _lsc(shared_dir)
    inst = import_sact(population, sites_file)
    zones, sites = inst.tables["zones"], inst.tables["sites"]
    assert inst.kind == "sact" and len(zones) == 215
    assert zones["population"].sum() == pd.read_csv(population)["population_mid2020"].sum()
    assert zones["attendances"].isna().all() and inst.parameters["attendances_per_1000"] == 50
    nhs = pd.read_csv(sites_file).set_index("OrganisationCode")
    assert nhs.loc[sites["site_id"], "ParentODSCode"].str.startswith("R").all()
    by_id = sites.set_index("site_id")
    assert by_id.loc["RXN02", "type"] == "cancer_centre" and by_id.loc["RXN02", "must_open"]
    assert by_id.loc["RXN02", "is_hub"] and by_id.loc["RXN02", "hub_capacity"] > 0
    for unit in ("RXL01", "RXR20", "RXR10", "RTX02", "RTXBU", "RTXBW"):
        assert by_id.loc[unit, "type"] == "hospital_unit"
    assert (sites["type"] == "community_site").sum() >= 10
    assert by_id.loc["RXL01", "lat"] == pytest.approx(nhs.loc["RXL01", "lat"], abs=1e-5)


def test_lsc_import_and_solve_through_the_cli(shared_dir: Path, tmp_path: Path) -> None:
    population, sites_file = _lsc(shared_dir)
    out = tmp_path / "lsc-msoa"
    result = run("import", "sact", "--population", str(population), "--sites", str(sites_file), str(out))
    assert result.exit_code == 0, result.output
    assert "215 zones" in result.output
    assert run("validate", str(out)).exit_code == 0
    runs = tmp_path / "run"
    result = run("solve", str(out), "--out", str(runs), "--time-limit", "60", "--gap", "0.005")
    assert result.exit_code == 0, result.output
    summary = json.loads((runs / "summary.json").read_text())
    assert summary["solver"]["status"] in ("optimal", "feasible")
    assert summary["solver"]["gap"] <= 0.005 + 1e-9
    assert "RXN02" not in summary["changes"]["closed"]


def test_centre_option_and_rules(tmp_path: Path) -> None:
    pop, sites = _small_files(tmp_path, GOOD_POP, GOOD_SITES)
    inst = import_sact(pop, sites, region="town", centres=("RAA01",))
    table = inst.tables["sites"].set_index("site_id")
    assert inst.name == "town"
    assert list(table.index) == ["RAA01", "RBB02"]  # the independent clinic is no candidate
    assert table.loc["RAA01", "type"] == "cancer_centre" and table.loc["RAA01", "must_open"]
    assert table.loc["RBB02", "type"] == "community_site" and not table.loc["RBB02", "existing"]
    result = run("import", "sact", "--population", str(pop), "--sites", str(sites), "--centre", "RAA01",
                 str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("validate", str(tmp_path / "out")).exit_code == 0


def test_no_centre_is_a_clear_error(tmp_path: Path) -> None:
    pop, sites = _small_files(tmp_path, GOOD_POP, GOOD_SITES)
    with pytest.raises(InputError, match="--centre"):
        import_sact(pop, sites)
    result = run("import", "sact", "--population", str(pop), "--sites", str(sites), "--centre", "NT001",
                 str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 2
    assert "row 4, column 'ParentODSCode'" in result.output and "not an NHS trust site" in result.output


@pytest.mark.parametrize(
    ("pop_rows", "site_rows", "expected"),
    [
        (
            "E1,Town 001,Town,53.80,-2.70,8000\nE2,Town 002,Town,north,-2.60,6000\n",
            GOOD_SITES,
            ["pop.csv, row 3, column 'lat'", "is not a number"],
        ),
        (
            "E1,Town 001,Town,53.80,-2.70,8000\nE1,Town 002,Town,53.85,-2.60,many\n",
            GOOD_SITES,
            ["pop.csv, row 3, column 'msoa11cd'", "duplicate", "pop.csv, row 3, column 'population_mid2020'"],
        ),
        (
            GOOD_POP,
            "RAA01,Town General Hospital,Hospital,NHS Sector,RAA,Town Hospitals NHS Trust,91,-2.69\n",
            ["sites.csv, row 2, column 'lat'", "above the maximum"],
        ),
    ],
)
def test_bad_cells_exit_2_with_file_row_and_column(
    tmp_path: Path, pop_rows: str, site_rows: str, expected: list[str]
) -> None:
    pop, sites = _small_files(tmp_path, pop_rows, site_rows)
    result = run("import", "sact", "--population", str(pop), "--sites", str(sites), "--centre", "RAA01",
                 str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 2
    for text in expected:
        assert text in result.output
    assert not (tmp_path / "out").exists()
    assert "Traceback" not in result.output


def test_missing_column_and_unreadable_file(tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    pop.write_text("msoa11cd,lat,population_mid2020\nE1,53.8,8000\n", encoding="utf-8")
    sites = tmp_path / "sites.csv"
    sites.write_text('OrganisationCode,OrganisationName\n"RAA01,Town\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_sact(pop, sites)
    messages = [str(p) for p in caught.value.problems]
    assert any("pop.csv, column 'lon': required column is missing" in m for m in messages)
    assert any("sites.csv: cannot be read as CSV" in m for m in messages)


def test_a_column_repeated_in_an_imported_file_is_named(tmp_path: Path) -> None:
    """pandas read a second 'lat' as 'lat.1' and the import used the first silently."""
    pop, sites = _small_files(tmp_path, "", GOOD_SITES)
    pop.write_text(
        POP_HEADER.rstrip("\n") + ",lat\n" + "E1,Town 001,Town,53.80,-2.70,8000,54.0\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        import_sact(pop, sites)
    assert [str(p) for p in caught.value.problems] == [f"{pop}, column 'lat': column 'lat' appears twice"]


IMD_HEADER = (
    "\ufeffLSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
    "Index of Multiple Deprivation (IMD) Decile\n"
)
IOD_HEADER = (
    "\ufeffLSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Total population: mid 2015 (excluding prisoners),"
    "Dependent Children aged 0-15: mid 2015 (excluding prisoners),"
    "Population aged 16-59: mid 2015 (excluding prisoners),"
    "Older population aged 60 and over: mid 2015 (excluding prisoners),"
    "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)\n"
)


def _deprivation(tmp_path: Path, rows: list[tuple[str, str, int, int]]) -> Path:
    """IMD and population files (gzipped, BOM, thousands separators) for LSOAs (code, name, decile, pop)."""
    import gzip

    folder = tmp_path / "deprivation"
    folder.mkdir()
    imd = IMD_HEADER + "".join(f'{c},{n},X,Town,"1,{d}00",{d}\n' for c, n, d, _ in rows)
    iod = IOD_HEADER + "".join(f'{c},{n},X,Town,"{p:,}",0,0,0,0\n' for c, n, _, p in rows)
    (folder / "imd2019_lsoa11_england.csv.gz").write_bytes(gzip.compress(imd.encode("utf-8")))
    (folder / "iod2019_population_lsoa11_england.csv.gz").write_bytes(gzip.compress(iod.encode("utf-8")))
    return folder


def test_msoa_quintile_is_the_population_weighted_mean_of_its_lsoas(tmp_path: Path) -> None:
    from optimiser.importers.deprivation import msoa_quintiles, read_lsoas

    # Town 001: deciles 1 (quintile 1, 3,000 people) and 9 (quintile 5, 1,000): mean 2.0 -> 2
    # Town 002: deciles 5 and 6 (quintiles 3 and 3): 3
    folder = _deprivation(
        tmp_path,
        [("L1", "Town 001A", 1, 3000), ("L2", "Town 001B", 9, 1000), ("L3", "Town 002A", 5, 1500),
         ("L4", "Town 002B", 6, 1500)],
    )  # fmt: skip
    lsoas = read_lsoas(folder)
    assert lsoas.loc["L1", "population_2015"] == 3000 and lsoas.loc["L2", "quintile"] == 5
    assert msoa_quintiles(lsoas).to_dict() == {"Town 001": 2, "Town 002": 3}
    pop, sites = _small_files(tmp_path, GOOD_POP, GOOD_SITES)
    inst = import_sact(pop, sites, centres=("RAA01",), deprivation=folder)
    assert inst.tables["zones"]["quintile"].tolist() == [2, 3]


def test_findings_name_guesses_duplicates_non_acute_trusts_and_zones_out_of_reach(tmp_path: Path) -> None:
    pop_rows = GOOD_POP + "E3,Far 001,Far,55.90,-2.70,500\n"  # about 230 km north of every site
    site_rows = (
        GOOD_SITES
        + "RAA02,County Hospital,Hospital,NHS Sector,RAA,Town Hospitals NHS Trust,53.70,-2.60\n"
        + "RAA03,Town Annexe,Hospital,NHS Sector,RAA,Town Hospitals NHS Trust,53.8109,-2.6900\n"
        + "RLY01,Hill House,Hospital,NHS Sector,RLY,Town Combined Healthcare NHS Trust,53.75,-2.65\n"
        + "RRE01,Valley Hospital,Hospital,NHS Sector,RRE,Valley Partnership NHS Foundation Trust,53.9,-2.5\n"
    )
    pop, sites = _small_files(tmp_path, pop_rows, site_rows)
    inst = import_sact(pop, sites, centres=("RAA01",))
    table = inst.tables["sites"].set_index("site_id")
    assert table.loc["RAA02", "type"] == "hospital_unit"  # County Hospital Stafford was a community site
    assert "RLY01" not in table.index and "RAA03" not in table.index  # mental-health trust; 100 m duplicate
    assert table.loc["RRE01", "type"] == "community_site"
    text = "\n".join(inst.findings)
    assert "type guess RAA02 County Hospital: hospital_unit (name says 'County')" in text
    assert "left out RLY01 Hill House: Town Combined Healthcare NHS Trust is a mental-health trust" in text
    assert "likely duplicate RAA03 Town Annexe: 100 m from RAA01 Town General Hospital" in text
    assert "RRE01 Valley Hospital: community_site only" in text
    assert "1 zone has no complex-capable site within 90 minutes" in text and "Far 001" in text
    assert "deprivation quintiles are 0" in text
    result = run("import", "sact", "--population", str(pop), "--sites", str(sites), "--centre", "RAA01",
                 str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 0 and "Findings (" in result.output and "Far 001" in result.output


def test_staffordshire_import_reports_what_was_silent(shared_dir: Path) -> None:
    data = shared_dir / "data"
    inst = import_sact(
        data / "population" / "msoa_staffordshire_stoke.csv",
        data / "nhs-sites" / "hospitals_staffordshire_stoke.csv",
    )
    table = inst.tables["sites"].set_index("site_id")
    assert table.loc["RJE09", "type"] == "hospital_unit"  # County Hospital, Stafford
    assert "RLY88" not in table.index  # Harplands, a mental-health trust's hospital
    assert sum(f.startswith("likely duplicate") for f in inst.findings) == 2
    zones = inst.tables["zones"]
    assert set(zones["quintile"]) == {1, 2, 3, 4, 5}
    assert not any("no complex-capable site" in f for f in inst.findings)


def test_options_the_import_would_drop_are_refused(tmp_path: Path) -> None:
    """--candidates with --centre RTX02 (or --sites) imported the candidates as they were, the
    centre and list dropped without a word; without --icb, --year and --age-weights were too."""
    pop, sites = _small_files(tmp_path, GOOD_POP, GOOD_SITES)
    result = run("import", "sact", "--icb", "Town", "--deprivation", str(tmp_path), "--candidates",
                 str(sites), "--centre", "RTX02", "--sites", str(sites), str(tmp_path / "a"))  # fmt: skip
    assert result.exit_code == 2
    assert "--candidates is taken as it is: --sites and --centre cannot be used with it" in result.output
    result = run("import", "sact", "--population", str(pop), "--sites", str(sites), "--year", "2022",
                 "--age-weights", "60+=4", str(tmp_path / "b"))  # fmt: skip
    assert result.exit_code == 2
    assert "--year, --age-weights apply only with --icb" in result.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_the_hubs_doses_a_year_are_said_with_the_room_they_leave(tmp_path: Path) -> None:
    """Each hub gets the region's doses a year, to the thousand above, without a word: an import
    with one hub had no room for growth (lsc at +2 % infeasible on hub doses), one with two hubs
    twice the region's doses."""
    pop, sites = _small_files(tmp_path, GOOD_POP, GOOD_SITES)
    inst = import_sact(pop, sites, region="town", centres=("RAA01",))
    # 14,000 residents at 50 attendances per 1,000: 700 doses a year, a hub of 1,000
    assert inst.tables["sites"].set_index("site_id").loc["RAA01", "hub_capacity"] == 1000.0
    assert (
        "hub_capacity set to 1,000 doses a year at 1 aseptic hub (RAA01), the region's 700 today: 43% to "
        "spare for growth (ILLUSTRATIVE; raise hub_capacity for growth scenarios)"
    ) in inst.findings
