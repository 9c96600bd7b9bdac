"""Aseptic supply links on the bundled instances: an open hub supplies itself, every other open
site is supplied straight from the nearest open hub that capacity allows, and the independent
check reports a hub not supplying itself, a chain and a link to a hub that is not open."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pandas as pd
import pytest

import models.sact
from instances import bundled_path
from models.sact.input import SactInput
from models.sact.solve import SactPlan
from optimiser.kinds import load_instance
from optimiser.overrides import Overrides
from solvers import SolveOptions

OPTIONS = SolveOptions(gap=0.01, threads=1)


@cache
def solved(name: str) -> tuple[SactInput, SactPlan]:
    case = load_instance(bundled_path(name)).model_input
    return case.input, models.sact.solve(case.input, case.parameters, options=OPTIONS)


def nearer_hubs_with_room(data: SactInput, plan: SactPlan, site: str) -> list[str]:
    """Open hubs nearer to ``site`` than its own hub (transport minutes read from the input) with
    room left for its doses: each would be a cheaper link that capacity allows."""
    links = plan.hub_links.set_index("site_id")
    room = data.sites["hub_capacity"] - links.groupby("hub_id")["doses"].sum()
    times = data.site_travel[data.site_travel["to_site"] == site].set_index("from_site")["minutes"]
    own = times.get(links.at[site, "hub_id"], 0.0)
    return [
        h
        for h in set(links["hub_id"])
        if h in times and times[h] < own - 1e-9 and room[h] >= links.at[site, "doses"] - 1e-6
    ]


@pytest.mark.parametrize(
    ("name", "site", "hub"),
    [
        ("lsc-sact-districts", "RTXBW", "RTX02"),
        ("syb-sact-districts", "RP5DR", "RP5DR"),
    ],  # Westmorland; Doncaster (a hub)
)
def test_links_go_to_the_nearest_open_hub_and_hubs_supply_themselves(name: str, site: str, hub: str) -> None:
    data, plan = solved(name)
    assert plan.found and models.sact.check(data, plan).passed
    links = plan.hub_links.set_index("site_id")
    assert links.at[site, "hub_id"] == hub
    is_hub = links.index.map(data.sites["is_hub"]).astype(bool)
    assert (links.index[is_hub] == links.loc[is_hub, "hub_id"]).all()
    assert (links.loc[is_hub, "minutes"] == 0).all() and (links.loc[is_hub, "transport_cost"] == 0).all()
    for spoke in links.index[~is_hub]:
        assert nearer_hubs_with_room(data, plan, spoke) == [], spoke
    hubs_used = set(links["hub_id"])
    assert hubs_used == set(links.index[is_hub])  # every open hub supplies (at least itself)
    doses = links.groupby("hub_id")["doses"].sum()
    assert (doses <= data.sites["hub_capacity"].reindex(doses.index) + 1e-6).all()
    cost = (links["minutes"] * links["doses"]).sum() * plan.parameters.transport_cost_per_minute
    assert plan.costs["drug_transport"] == pytest.approx(cost, rel=1e-9)  # links at full precision
    assert links["transport_cost"].sum() == pytest.approx(plan.costs["drug_transport"], rel=1e-9)
    assert plan.costs["total"] == pytest.approx(plan.result.objective, rel=1e-9)


def test_check_reports_self_supply_chains_and_links_to_hubs_not_open() -> None:
    data, plan = solved("syb-sact-districts")
    links = plan.hub_links.copy()
    links.loc[links["site_id"] == "RP5DR", ["hub_id", "minutes"]] = [
        "RFSDA",
        40.0,
    ]  # Doncaster from Chesterfield
    report = models.sact.check(data, replace(plan, hub_links=links))
    assert "hub supplies itself: open hub RP5DR is supplied by RFSDA, not by itself" in report.violations
    chains = [v for v in report.violations if v.startswith("no chains:")]
    assert chains == [
        f"no chains: site {s} is supplied by RP5DR, which is itself supplied by RFSDA"
        for s in links.loc[(links["hub_id"] == "RP5DR"), "site_id"]
    ]
    sites = plan.sites.copy()
    sites.loc[sites["site_id"] == "RFSDA", ["open", "chairs"]] = [False, 0]
    closed = models.sact.check(data, replace(plan, sites=sites)).violations
    assert any("supplied by hub RFSDA, which is not open" in v for v in closed)
    assert models.sact.check(data, plan).passed


def test_drug_transport_moves_a_link_to_a_nearer_hub() -> None:
    """Without a transport cost nothing ties a site to its nearest hub; with it, the link moves."""
    data, plan = solved("lsc-sact-districts")
    free = models.sact.solve(data, replace(plan.parameters, transport_cost_per_minute=0.0), options=OPTIONS)
    far = pd.to_numeric(free.hub_links["minutes"]).mul(free.hub_links["doses"]).sum()
    near = pd.to_numeric(plan.hub_links["minutes"]).mul(plan.hub_links["doses"]).sum()
    assert near < far
    assert free.costs["drug_transport"] == 0.0


def test_a_closed_hub_neither_opens_nor_supplies() -> None:
    """``--close RTX02`` on lsc-sact-districts with no safe volume left the hub open with no chairs
    (its fixed cost paid) supplying three sites, and the check passed.  Closed now means shut, and
    the check names a plan that opens a closed site."""
    loaded = load_instance(
        bundled_path("lsc-sact-districts"),
        overrides=Overrides(close=("RTX02",), set={"min_site_attendances": 0}),
    ).model_input
    plan = models.sact.solve(loaded.input, loaded.parameters, options=OPTIONS)
    sites = plan.sites.set_index("site_id")
    assert not bool(sites.at["RTX02", "open"]) and sites.at["RTX02", "change"] == "closed"
    assert "RTX02" not in set(plan.hub_links["hub_id"]) | set(plan.hub_links["site_id"])
    report = models.sact.check(loaded.input, plan)
    assert report.passed and "must close" in report.checked
    opened = plan.sites.copy()
    opened.loc[opened["site_id"] == "RTX02", "open"] = True
    assert (
        "must close: site RTX02 must close but is open"
        in models.sact.check(loaded.input, replace(plan, sites=opened)).violations
    )
