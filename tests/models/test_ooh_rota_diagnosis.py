"""OOH instances without a plan are explained in users' words: which site, service, rule and by how much."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import models.ooh as ooh
from instances.generators.ooh import lsc_ooh, supplement_bands
from models.ooh.diagnosis import diagnose
from models.ooh.input import OohInput, OohParameters
from models.ooh.matrix import build_matrix
from solvers import Status


def lsc_with(services: dict[str, dict] | None = None, rotas: dict[tuple[str, str], dict] | None = None,
             sites: dict[str, dict] | None = None) -> OohInput:  # fmt: skip
    """The LSC instance without temporary staff (no premiums, no vacancies: every rota needs N
    substantive members), with some figures changed: {key: {column: value}}."""
    base = lsc_ooh()
    frames = {
        "services": base.services.assign(locum_premium_per_night=math.nan),
        "rotas": base.rotas.assign(vacancies=0),
        "sites": base.sites.copy(),
    }
    keys = {"services": ["service_id"], "rotas": ["site_id", "service_id"], "sites": ["site_id"]}
    for table, changes in (("services", services), ("rotas", rotas), ("sites", sites)):
        frame = frames[table].set_index(keys[table])
        for key, values in (changes or {}).items():
            for column, value in values.items():
                frame.loc[key, column] = value
        frames[table] = frame.reset_index()
    return OohInput(
        sites=frames["sites"],
        services=frames["services"],
        rotas=frames["rotas"],
        travel=base.travel,
        bands=base.bands,
    )


def test_response_time_and_rota_size_shortfall_are_named() -> None:
    # With a 45-minute standard, Furness (3 consultants) and Kendal (2) can reach no one:
    # Lancaster is 49.6 and 51.3 min away; Lancaster's own 5 are left alone too.
    inp = lsc_with(services={"AO2": {"max_response_minutes": 45}})
    plan = ooh.solve(inp)
    assert not plan.found and plan.result.status is Status.INFEASIBLE
    assert plan.result.message == "diagnosed before solving"
    found = {(f.site_id, f.service_id): f for f in plan.findings}
    assert set(found) == {("RTX02", "AO2"), ("RTXBU", "AO2"), ("RTXBW", "AO2")}
    furness = found["RTXBU", "AO2"]
    assert furness.requirement == "min_rota_size" and furness.shortfall == 5
    for words in (
        "Furness General Hospital (RTXBU), Acute oncology second on-call (consultant): no rota can cover it.",
        "Its own rota: could gather at most 3 clinicians, 5 short of the 8 that 1-in-8 needs.",
        "A rota at Royal Lancaster Infirmary: 49.6 min away, 4.6 min over the 45-minute response time",
    ):
        assert words in furness.message
    # Today's state is still described; there is nothing after.
    assert plan.costs["before"].notna().all() and plan.costs["after"].isna().all()
    assert len(plan.rotas_before) == 26 and plan.rotas.empty and plan.coverage.empty


def test_site_that_must_keep_its_own_rota_but_is_too_small() -> None:
    plan = ooh.solve(lsc_with(rotas={("RXL01", "AO2"): {"clinicians": 5}}))
    (finding,) = plan.findings
    assert (finding.site_id, finding.service_id, finding.requirement, finding.shortfall) == (
        "RXL01", "AO2", "min_rota_size", 3,
    )  # fmt: skip
    assert "The site must keep its own rota." in finding.message
    assert "Royal Preston" not in finding.message  # no other hub is offered


def test_workload_limit_is_named_with_the_excess() -> None:
    plan = ooh.solve(lsc_ooh(), OohParameters(max_attendances_per_night=1.9))
    preston = [f for f in plan.findings if (f.site_id, f.service_id) == ("RXN02", "ONC1")]
    assert len(preston) == 1 and preston[0].requirement == "workload"
    assert preston[0].shortfall == pytest.approx(0.1)
    assert (
        "would carry at least 2.00 attendances a night, 0.10 over the 1.9 one on-call clinician can carry"
        in (preston[0].message)
    )


def test_trust_boundary_is_named() -> None:
    inp = lsc_with(sites={"RXL01": {"keeps_own_rota": False}}, rotas={("RXL01", "PALL"): {"clinicians": 3}})
    (finding,) = ooh.solve(inp).findings
    assert finding.site_id == "RXL01" and finding.service_id == "PALL"
    assert "could gather at most 3 clinicians, 2 short of the 5" in finding.message
    assert (
        "in another trust (Lancashire Teaching Hospitals), and cross-trust rotas are not allowed"
        in finding.message
    )
    # Allowing cross-trust rotas removes the problem.
    assert diagnose(inp, OohParameters(allow_cross_trust=True)) == ()


def test_largest_rota_size_is_named() -> None:
    inp = lsc_with(rotas={("RXN02", "ONC1"): {"clinicians": 15}})
    found = {(f.site_id, f.service_id): f for f in diagnose(inp, OohParameters())}
    # Preston's 15 registrars exceed 14, and Chorley, whose only possible hub is Preston, with them.
    assert set(found) == {("RXN02", "ONC1"), ("RXN01", "ONC1")}
    finding = found["RXN02", "ONC1"]
    assert finding.requirement == "max_rota_size" and finding.shortfall == 1
    assert "would have at least 15 members, 1 over the largest rota size 14" in finding.message


def test_site_without_any_host_is_named() -> None:
    inp = lsc_with(rotas={("RXN01", "ONC1"): {"can_host": True}, ("RXN02", "ONC1"): {"can_host": False}})
    found = {(f.site_id, f.service_id): f for f in diagnose(inp, OohParameters())}
    # Preston must keep its own rota but may not host one.
    assert found["RXN02", "ONC1"].requirement == "own_rota"
    assert "may not host a rota of this service" in found["RXN02", "ONC1"].message
    # --close RXN02 sets can_host false, so the message names the option too (it named only can_host)
    assert "(can_host is false, or --close)" in found["RXN02", "ONC1"].message


def three_small_sites() -> OohInput:
    """Three sites of 3 clinicians, 1-in-6 needed, at most 2 sites a rota: every site alone
    could join a rota of 6, but the three together cannot be split into rotas of 6."""
    ids = ["A", "B", "C"]
    sites = pd.DataFrame({"site_id": ids, "name": ["Ash", "Birch", "Cedar"], "trust": "T"})
    services = pd.DataFrame(
        [("HA", "Haematology", "non-resident", 60, 6, math.nan, 2, 100_000, 100, "A")],
        columns=[
            "service_id", "name", "tier", "max_response_minutes", "min_rota_size", "max_rota_size",
            "max_sites_per_rota", "salary", "cost_per_night", "supplement_category",
        ],
    )  # fmt: skip
    rotas = pd.DataFrame(
        {"site_id": ids, "service_id": "HA", "clinicians": 3, "calls_per_night": 1.0, "attendances_per_night": 0.2,
         "calls_per_weekend_day": 1.0, "attendances_per_weekend_day": 0.2}
    )  # fmt: skip
    travel = pd.DataFrame(
        [(a, b, 15.0) for a in ids for b in ids if a != b], columns=["from_site", "to_site", "minutes"]
    )
    return OohInput(sites=sites, services=services, rotas=rotas, travel=travel, bands=supplement_bands())


@pytest.mark.parametrize("backend", ["highs", "pyomo-highs"])
def test_combined_infeasibility_is_explained_by_the_elastic_form(backend: str) -> None:
    inp = three_small_sites()
    assert diagnose(inp, OohParameters()) == ()
    plan = ooh.solve(inp, backend=backend)
    assert not plan.found and plan.result.status is Status.INFEASIBLE
    # The least-broken plan puts all three sites on one rota: one site over the limit of 2.
    (finding,) = plan.findings
    assert finding.requirement == "max_sites" and finding.shortfall == pytest.approx(1)
    assert finding.message.startswith("No plan meets every requirement at once")
    assert (
        "Haematology: the rota at" in finding.message
        and "would cover 1 site more than the 2 allowed" in finding.message
    )


def test_builders_refuse_a_site_service_without_candidates() -> None:
    # Chorley may not host first on-call, and Preston is 28 min away: over a 20-minute limit.
    inp = lsc_with(
        services={"ONC1": {"max_response_minutes": 20}}, rotas={("RXN01", "ONC1"): {"can_host": False}}
    )
    found = {(f.site_id, f.service_id): f for f in diagnose(inp, OohParameters())}
    assert found["RXN01", "ONC1"].requirement == "response"
    assert (
        "A rota at Royal Preston Hospital: 27.9 min away, 7.9 min over the 20-minute"
        in found["RXN01", "ONC1"].message
    )
    with pytest.raises(ValueError, match="no candidate rota can cover"):
        build_matrix(inp, OohParameters())


def test_no_site_within_reach_even_of_itself_is_explained_not_crashed() -> None:
    # 500 minutes to set off: no rota can respond anywhere, so there is no candidate arc at all.
    plan = ooh.solve(lsc_ooh(), OohParameters(non_resident_mobilisation_minutes=500))
    assert not plan.found and plan.result.message == "diagnosed before solving"
    found = {(f.site_id, f.service_id): f.requirement for f in plan.findings}
    assert found["RXN02", "AO2"] == "response" and ("RXN02", "ONC1") not in found  # ONC1 is resident
    assert set(plan.tables()) == {"findings"}


def test_a_response_time_broken_by_mobilisation_says_so() -> None:
    """With 61 minutes to set off, Lancaster's rota was said to be '110 min away' from Blackpool,
    49 minutes by road: the response, not the distance, and the mobilisation the cause."""
    plan = ooh.solve(lsc_ooh(), OohParameters(non_resident_mobilisation_minutes=61))
    found = {(f.site_id, f.service_id): f.message for f in plan.findings}
    lancaster = found["RTX02", "AO2"]
    assert (
        "Its own rota: its own site (61 min mobilisation), 1 min over the 60-minute response time"
        in lancaster
    )
    assert (
        "A rota at Blackpool Victoria Hospital: a 110.4-minute response (49.4 min travel and 61 min "
        "mobilisation), 50.4 min over the 60-minute response time"
    ) in lancaster
    assert "min away" not in lancaster


def test_a_hub_in_another_trust_is_not_also_said_to_be_too_small() -> None:
    """Haematology at 1-in-12: Blackpool's rota (7) for Lancaster (4) was '1 short of the 12',
    counted within Blackpool's trust, where with cross-trust rotas it also takes Chorley (2), 13:
    the trust rule alone rules it out (allowed, Lancaster is covered)."""
    inp = lsc_with(services={"HAEM": {"min_rota_size": 12}})
    lancaster = {(f.site_id, f.service_id): f.message for f in diagnose(inp, OohParameters())}[
        "RTX02", "HAEM"
    ]
    assert (
        "A rota at Blackpool Victoria Hospital: in another trust (Blackpool Teaching Hospitals), and "
        "cross-trust rotas are not allowed."
    ) in lancaster
    across = {(f.site_id, f.service_id) for f in diagnose(inp, OohParameters(allow_cross_trust=True))}
    assert ("RTX02", "HAEM") not in across


def test_a_response_time_a_fraction_of_a_minute_over_is_said_so_not_0_min_over() -> None:
    """A response cap of 49.5 minutes (a frontier's caps are the instance's response times, to a
    tenth of a minute): Furness is 49.6 minutes from Lancaster, and the finding read '50 min away,
    0 min over the 50-minute response time', no reason at all; the minutes keep their tenths."""
    params = OohParameters(response_cap_minutes=49.5)
    found = {(f.site_id, f.service_id): f.message for f in diagnose(lsc_with(), params)}
    assert (
        "A rota at Royal Lancaster Infirmary: 49.6 min away, 0.1 min over the 49.5-minute response time"
        in found["RTXBU", "AO2"]
    )
    assert "0 min over" not in " ".join(found.values())
