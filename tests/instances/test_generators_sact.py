"""The SACT instance generator: reproducible, any size, always loadable and feasible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from instances.generators.sact import generate, site_counts
from models.common.travel import minutes_matrix
from models.sact.solve import solve_sact
from optimiser.instance_files import write_instance
from optimiser.kinds import load_instance
from solvers import SolveOptions, Status


def _load(inst, folder: Path):
    write_instance(folder, "sact", inst.name, inst.parameters, inst.tables, inst.description)
    return load_instance(folder)


def test_same_seed_same_tables() -> None:
    a, b = generate(60, 12, seed=7), generate(60, 12, seed=7)
    assert a.name == b.name and a.parameters == b.parameters
    for table in ("zones", "sites"):
        pd.testing.assert_frame_equal(a.tables[table], b.tables[table])


def test_different_seed_differs() -> None:
    a, b = generate(60, 12, seed=1), generate(60, 12, seed=2)
    assert not a.tables["zones"][["lat", "lon"]].equals(b.tables["zones"][["lat", "lon"]])
    assert not a.tables["sites"]["fixed_cost"].equals(b.tables["sites"]["fixed_cost"])


@pytest.mark.parametrize(("zones", "sites"), [(1, 1), (5, 2), (120, 17), (400, 40)])
def test_sizes_and_site_mix(zones: int, sites: int) -> None:
    inst = generate(zones, sites, seed=0)
    z, s = inst.tables["zones"], inst.tables["sites"]
    assert len(z) == zones and z["zone_id"].is_unique
    assert len(s) == sites and s["site_id"].is_unique
    counts = s["type"].value_counts().to_dict()
    assert {k: v for k, v in site_counts(sites).items() if v} == counts
    assert counts["cancer_centre"] == 1
    centre = s[s["type"] == "cancer_centre"].iloc[0]
    assert centre["must_open"] and centre["is_hub"] and centre["existing"]
    assert s["must_open"].sum() == 1
    assert (s["min_chairs"] <= s["max_chairs"]).all() and (s["current_chairs"] <= s["max_chairs"]).all()
    assert s["fixed_cost"].between(50_000, 600_000).all() and s["chair_cost"].between(25_000, 40_000).all()
    assert set(z["quintile"]) <= {1, 2, 3, 4, 5}
    assert z["attendances"].isna().all()  # attendances_per_1000 applies
    assert (s.loc[s["is_hub"], "hub_capacity"] > 0).all()


def test_generated_instance_loads_and_is_reachable(tmp_path: Path) -> None:
    inst = generate(300, 30, seed=4)
    data = _load(inst, tmp_path / "g").model_input.input
    p = data.parameters
    assert len(data.zones) == 300 and len(data.sites) == 30
    demand = data.zones["attendances"].sum()
    assert demand == pytest.approx(data.zones["population"].sum() * 50 / 1000)
    # demand fits the chairs with the documented margin
    assert demand * p.mean_chair_hours <= 0.6 * data.sites["max_chairs"].sum() * p.chair_hours_per_year + 1e-6
    travel = data.travel.pivot(index="zone_id", columns="site_id", values="minutes")
    complex_sites = data.sites.index[data.sites["type"].isin(["cancer_centre", "hospital_unit"])]
    assert (travel[complex_sites].min(axis=1) <= p.max_travel_minutes).all()
    hubs = data.sites.index[data.sites["is_hub"]]
    st = data.site_travel[data.site_travel["from_site"].isin(hubs)]
    nearest_hub = st.groupby("to_site")["minutes"].min().reindex(data.sites.index).fillna(0.0)
    assert (nearest_hub <= p.drug_stability_minutes).all()


def test_large_instance_is_travel_limited_sparse() -> None:
    """At 10,000 x 300 only a minority of zone-site pairs are within the travel limit."""
    inst = generate(10_000, 300, seed=3)
    z, s = inst.tables["zones"], inst.tables["sites"]
    minutes = minutes_matrix(
        z["lat"].to_numpy(), z["lon"].to_numpy(), s["lat"].to_numpy(), s["lon"].to_numpy(), 1.3, 45.0, 5.0
    )
    within = (minutes <= inst.parameters["max_travel_minutes"]).mean()
    assert 0.05 <= within <= 0.25
    assert inst.parameters["max_travel_minutes"] == 90.0
    assert inst.parameters["drug_stability_minutes"] == 120.0
    assert inst.parameters["access_target"] is not None


@pytest.mark.parametrize(
    ("zones", "sites", "seed"),
    # few zones for many sites (3 x 40, 2 x 20, 6 x 1000) had no plan: two sites of 500 from
    # 1,125 attendances, or hubs drawing their safe volume from the zones the target counted
    [(1, 1, 0), (30, 6, 0), (50, 10, 1), (1, 40, 1), (3, 40, 0), (3, 40, 1), (2, 20, 1), (6, 1000, 1)],
)
def test_small_instances_solve_to_optimality(tmp_path: Path, zones: int, sites: int, seed: int) -> None:
    data = _load(generate(zones, sites, seed), tmp_path / "g").model_input.input
    plan = solve_sact(data, options=SolveOptions(time_limit=60))
    assert plan.result.status is Status.OPTIMAL, plan.explanation
    total = data.zones["attendances"].sum()
    assert plan.allocation["attendances"].sum() == pytest.approx(total, rel=1e-6)
    target = data.parameters.access_target
    if target is not None:
        assert plan.access["within_30"] >= target - 1e-6
    opened = plan.sites[plan.sites["open"]]
    assert "cancer_centre" in set(opened["type"])
    assert np.all(opened["attendances"] >= data.parameters.min_site_attendances - 1e-6)


def test_generator_defaults_are_the_sact_kinds_defaults() -> None:
    # the generator takes its figures from the model and models.common.travel, not from the shell;
    # they must stay the defaults of the shell's parameter table
    from instances.generators import sact as gen
    from models.common import travel
    from optimiser.kinds.sact_schema import PARAMETERS

    defaults = {p.name: p.default for p in PARAMETERS}
    assert defaults["attendances_per_1000"] == gen.ATTENDANCES_PER_1000
    assert defaults["road_factor"] == travel.ROAD_FACTOR
    assert defaults["speed_kmh"] == travel.SPEED_KMH
    assert defaults["overhead_minutes"] == travel.OVERHEAD_MINUTES
    for name in (
        "chair_hours_per_day",
        "days_per_week",
        "weeks_per_year",
        "utilisation",
        "mean_chair_hours",
        "doses_per_attendance",
        "max_travel_minutes",
        "access_minutes",
        "drug_stability_minutes",
    ):
        assert getattr(gen._DEFAULTS, name) == defaults[name], name


def test_one_zone_reaches_the_must_open_centre_within_the_travel_limit(tmp_path: Path) -> None:
    """generate sact --zones 1 --sites 300 --seed 1 put the centre about 223 minutes from the zone, over
    the 90-minute limit: the centre, which must stay open, could take no attendances at all."""
    from models.sact.arrays import prepare
    from models.sact.diagnose import diagnose

    data = _load(generate(1, 300, 1), tmp_path / "g").model_input.input
    assert not [f for f in diagnose(data, prepare(data)) if "must stay open" in f]
