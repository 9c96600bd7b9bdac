"""The bundled SACT instances: they load, solve to optimality, and their facts match the public data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from instances import DEFAULT_INSTANCE, bundled_instances, bundled_path
from models.sact.solve import solve_sact
from optimiser.kinds import load_instance
from solvers import SolveOptions, Status

REGIONS = ("lsc-sact-districts", "syb-sact-districts")


def _folder(name: str) -> Path:
    path = bundled_path(name)
    assert path is not None, f"{name} is not bundled"
    return path


def test_bundled_list_and_default() -> None:
    assert set(REGIONS) <= set(bundled_instances())
    assert DEFAULT_INSTANCE == "lsc-sact"
    for name in REGIONS:
        assert (_folder(name) / "README.md").is_file()
        assert "ILLUSTRATIVE" in (_folder(name) / "instance.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", REGIONS)
def test_bundled_solves_to_optimality_with_a_real_trade_off(name: str) -> None:
    data = load_instance(_folder(name)).model_input.input
    plan = solve_sact(data, options=SolveOptions(time_limit=120))
    assert plan.result.status is Status.OPTIMAL, plan.explanation
    sites = plan.sites
    target = data.parameters.access_target
    assert target is not None and plan.access["within_30"] >= target - 1e-6
    assert plan.allocation["attendances"].sum() == pytest.approx(data.zones["attendances"].sum())
    # not every site opens, and the plan changes something against today
    assert 0 < sites["open"].sum() < len(sites)
    assert set(sites["change"]) & {"opened", "closed"}
    centre = sites[sites["type"] == "cancer_centre"]
    assert centre["open"].all()


def test_lsc_contents() -> None:
    data = load_instance(_folder("lsc-sact-districts")).model_input.input
    zones, sites = data.zones, data.sites
    assert len(zones) >= 16 and zones["population"].sum() == pytest.approx(1_687_118)
    existing = sites[sites["existing"]]
    assert len(existing) == 8
    assert set(existing["type"]) == {"cancer_centre", "hospital_unit"}
    preston = sites.loc["RXN02"]
    assert "Royal Preston" in preston["name"]
    assert preston["type"] == "cancer_centre" and preston["must_open"] and preston["is_hub"]
    assert set(sites.index[sites["must_open"]]) == {"RXN02"}
    assert (sites["type"] == "community_site").sum() >= 12
    assert (sites["type"] == "mobile_unit").sum() == 1
    assert set(zones["quintile"]) == {1, 2, 3, 4, 5}


def test_syb_contents() -> None:
    sites = load_instance(_folder("syb-sact-districts")).model_input.input.sites
    assert sites.loc["RHQWP", "type"] == "cancer_centre" and sites.loc["RHQWP", "must_open"]
    units = sites[sites["existing"] & (sites["type"] == "hospital_unit")]
    towns = " ".join(units["name"])
    for town in ("Doncaster", "Rotherham", "Barnsley", "Chesterfield", "Bassetlaw"):
        assert town in towns


def _district_facts(msoa_file: Path) -> pd.DataFrame:
    msoa = pd.read_csv(msoa_file)
    w = msoa["population_mid2020"]
    g = msoa.assign(wlat=msoa["lat"] * w, wlon=msoa["lon"] * w).groupby("lad11_name")
    facts = g[["population_mid2020", "wlat", "wlon"]].sum()
    facts["lat"] = facts["wlat"] / facts["population_mid2020"]
    facts["lon"] = facts["wlon"] / facts["population_mid2020"]
    return facts


@pytest.mark.parametrize(
    ("name", "msoa", "hospitals"),
    [
        ("lsc-sact-districts", "msoa_lancashire_south_cumbria.csv", "hospitals_lancashire_south_cumbria.csv"),
        ("syb-sact-districts", "msoa_south_yorkshire.csv", "hospitals_south_yorkshire.csv"),
    ],
)
def test_facts_match_the_public_files(shared_dir: Path, name: str, msoa: str, hospitals: str) -> None:
    data = shared_dir / "data"
    zones = pd.read_csv(_folder(name) / "zones.csv")
    sites = pd.read_csv(_folder(name) / "sites.csv")
    ltla = pd.read_csv(data / "population" / "ltla2021_population_mid2020_EW.csv").set_index("ltla21_code")
    districts = _district_facts(data / "population" / msoa)
    for _, zone in zones.iterrows():
        assert ltla.at[zone["zone_id"], "ltla21_name"] == zone["name"]
        assert ltla.at[zone["zone_id"], "population_mid2020"] == zone["population"]
        if zone["name"] in districts.index:  # centroid from the MSOAs (others: approximate, see README)
            assert zone["lat"] == pytest.approx(districts.at[zone["name"], "lat"], abs=1e-3)
            assert zone["lon"] == pytest.approx(districts.at[zone["name"], "lon"], abs=1e-3)
    nhs = pd.read_csv(data / "nhs-sites" / hospitals).set_index("OrganisationCode")
    listed = sites[sites["site_id"].isin(nhs.index)]
    assert len(listed) >= len(sites) - 3  # the rest are documented in the README
    for _, site in listed.iterrows():
        row = nhs.loc[site["site_id"]]
        assert site["lat"] == pytest.approx(row["lat"], abs=1e-4)
        assert site["lon"] == pytest.approx(row["lon"], abs=1e-4)
        assert row["ParentODSCode"].startswith("R") or site["site_id"] == "NV615"  # NV615: see README
