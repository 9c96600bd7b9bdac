"""OOH input validation, named clinicians, the generators, and the checker catching broken plans."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

import models.ooh as ooh
from instances.generators.ooh import generate, lsc_ooh, travel_minutes
from models.common.contract import ModelInputError
from models.ooh.checker import check_ooh_plan
from models.ooh.diagnosis import diagnose
from models.ooh.input import OohInput, OohParameters
from solvers import Status


def tables(inp: OohInput) -> dict[str, pd.DataFrame]:
    return {name: getattr(inp, name).copy() for name in ("sites", "services", "rotas", "travel", "bands")}


def _drop_column(t: dict) -> None:
    t["services"] = t["services"].drop(columns="salary")


def _unknown_site(t: dict) -> None:
    t["rotas"].loc[0, "site_id"] = "NOWHERE"


def _band_gap(t: dict) -> None:
    t["bands"] = t["bands"][t["bands"]["band"] != "1-in-5 to 1-in-8"]


def _duplicate_rota(t: dict) -> None:
    t["rotas"] = pd.concat([t["rotas"], t["rotas"].iloc[[0]]])


def _negative_clinicians(t: dict) -> None:
    t["rotas"].loc[0, "clinicians"] = -1


def _hub_without_rota(t: dict) -> None:
    t["rotas"].loc[t["rotas"]["site_id"] == "RXR10", "current_hub"] = "RTX02"
    t["rotas"] = t["rotas"][~((t["rotas"]["site_id"] == "RTX02") & (t["rotas"]["service_id"] == "ONC1"))]


def _no_rotas(t: dict) -> None:
    t["rotas"] = t["rotas"].iloc[0:0]


def _half_clinician(t: dict) -> None:
    t["rotas"]["clinicians"] = t["rotas"]["clinicians"].astype(float)
    t["rotas"].loc[0, "clinicians"] = 2.5


def _bad_tier(t: dict) -> None:
    t["services"].loc[0, "tier"] = "sometimes"


def _more_attendances_than_calls(t: dict) -> None:
    t["rotas"].loc[1, "attendances_per_weekend_day"] = t["rotas"].loc[1, "calls_per_weekend_day"] + 1


def _max_below_min(t: dict) -> None:
    t["services"].loc[t["services"]["service_id"] == "ONC1", "max_rota_size"] = 4


@pytest.mark.parametrize(
    ("mutate", "where", "words"),
    [
        (_drop_column, ("services", None, "salary"), "required column is missing"),
        (_unknown_site, ("rotas", 1, "site_id"), "unknown site NOWHERE"),
        (_band_gap, ("bands", 1, "min_size"), "supplement bands of category 'A' must run"),
        (_duplicate_rota, ("rotas", 29, "service_id"), "repeats key (site_id, service_id)"),
        (_negative_clinicians, ("rotas", 1, "clinicians"), "'-1' is not a number >= 0"),
        (_hub_without_rota, ("rotas", 19, "current_hub"), "covered for ONC1 by RTX02, which has no rota"),
        (_bad_tier, ("services", 1, "tier"), "tier 'sometimes' is not one of resident, non-resident"),
        (_no_rotas, ("rotas", None, None), "the table is empty"),
        (_half_clinician, ("rotas", 1, "clinicians"), "2.5 is not whole"),
        (_max_below_min, ("services", 3, "max_rota_size"), "service ONC1: max_rota_size 4.0 < min_rota_size"),
        (_more_attendances_than_calls, ("rotas", 2, "attendances_per_weekend_day"), "more than the"),
    ],
)
def test_invalid_input_is_refused_naming_table_row_and_column(
    mutate: object, where: tuple, words: str
) -> None:
    t = tables(lsc_ooh())
    mutate(t)
    with pytest.raises(ModelInputError) as error:
        OohInput(**t)
    found = [(p.table, p.row, p.column) for p in error.value.problems if words in p.message]
    assert found == [where], error.value.problems


@pytest.mark.parametrize("field", ["max_attendances_per_night", "nights_per_year", "travel_cost_per_minute"])
def test_negative_parameters_are_refused(field: str) -> None:
    with pytest.raises(ModelInputError, match=field) as error:
        OohParameters(**{field: -1.0})
    assert [(p.table, p.column) for p in error.value.problems] == [("parameters", field)]


def test_input_is_not_mutated_and_defaults_are_filled() -> None:
    t = tables(lsc_ooh())
    rotas = t["rotas"].drop(columns="can_host")
    rotas["current_hub"] = rotas["current_hub"].where(
        rotas["current_hub"] != rotas["site_id"]
    )  # blank: itself
    t["rotas"] = rotas
    before = rotas.copy()
    inp = OohInput(**t)
    pd.testing.assert_frame_equal(t["rotas"], before)
    assert inp.rotas["can_host"].all()
    assert inp.rotas["current_hub"].tolist() == lsc_ooh().rotas["current_hub"].tolist()
    # A site to itself is 0 minutes.
    selfs = inp.travel[inp.travel["from_site"] == inp.travel["to_site"]]
    assert len(selfs) == 8 and (selfs["minutes"] == 0).all()


def named_two_site_input(extra: int = 0) -> OohInput:
    t = tables(lsc_ooh())
    keep = t["rotas"]["service_id"] == "PALL"
    t["rotas"] = t["rotas"][keep].drop(columns="clinicians")
    t["services"] = t["services"][t["services"]["service_id"] == "PALL"]
    people = [
        (f"P{s}{i}", f"Dr {s} {i}", s, "PALL")
        for s, n in zip(t["rotas"]["site_id"], lsc_ooh().rotas[keep]["clinicians"], strict=True)
        for i in range(n + (extra if s == "RXN02" else 0))
    ]
    clinicians = pd.DataFrame(people, columns=["clinician_id", "name", "site_id", "service_id"])
    return OohInput(**t, clinicians=clinicians)


def test_named_clinicians_get_their_frequency_before_and_after() -> None:
    inp = named_two_site_input()
    plan = ooh.solve(inp)
    assert plan.result.status is Status.OPTIMAL
    chorley = plan.clinicians[plan.clinicians["site_id"] == "RXN01"].iloc[0]
    assert chorley["name"] == "Dr RXN01 0"
    assert (chorley["frequency_before"], chorley["frequency_after"]) == (1, 5)
    assert check_ooh_plan(inp, OohParameters(), plan).ok


def test_named_clinicians_must_match_the_counts() -> None:
    t = tables(named_two_site_input())
    t["rotas"]["clinicians"] = 9
    with pytest.raises(ValueError, match="the clinicians table names"):
        OohInput(**t, clinicians=named_two_site_input().clinicians)


def test_members_are_numbered_when_unnamed() -> None:
    people = lsc_ooh().members()
    assert len(people) == lsc_ooh().rotas["clinicians"].sum()
    assert "AO2-RTXBW-2" in set(people["clinician_id"]) and people["clinician_id"].is_unique


# --- generators -------------------------------------------------------------------------------


def test_lsc_ooh_facts() -> None:
    inp = lsc_ooh()
    assert len(inp.sites) == 8 and inp.sites["trust"].nunique() == 4 and len(inp.services) >= 4
    assert "Furness General Hospital" in set(inp.sites["name"])
    assert "illustrative" in inp.name
    # Some rotas are more often than 1-in-8 today.
    size = inp.rotas.groupby(["service_id", "current_hub"])["clinicians"].sum()
    assert (size < 8).sum() >= 5


def test_travel_minutes_formula() -> None:
    # One degree of longitude on the equator: 111.195 km x 1.3 / 50 km/h x 60 + 5.
    sites = pd.DataFrame({"site_id": ["P", "Q"], "lat": [0.0, 0.0], "lon": [0.0, 1.0]})
    minutes = travel_minutes(sites).set_index(["from_site", "to_site"])["minutes"]
    assert minutes["P", "Q"] == pytest.approx(111.195 * 1.3 / 50 * 60 + 5, abs=0.05)
    assert minutes["P", "P"] == 0.0 and minutes["Q", "P"] == minutes["P", "Q"]


def test_generate_is_deterministic_and_sized() -> None:
    a, b, c = generate(12, 8, 7), generate(12, 8, 7), generate(12, 8, 8)
    for name in ("sites", "services", "rotas", "travel"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.rotas.equals(c.rotas)
    assert len(a.sites) == 12 and len(a.services) == 8 and a.services["service_id"].is_unique


@pytest.mark.parametrize(("sites", "services", "seed"), [(6, 2, 0), (9, 3, 1), (15, 6, 2)])
def test_generated_instances_are_feasible_by_construction(sites: int, services: int, seed: int) -> None:
    inp = generate(sites, services, seed)
    assert diagnose(inp, OohParameters()) == ()
    plan = ooh.solve(inp)
    assert plan.result.status is Status.OPTIMAL
    assert check_ooh_plan(inp, OohParameters(), plan).ok


def test_generate_refuses_empty_sizes() -> None:
    with pytest.raises(ValueError):
        generate(0, 3, 0)


# --- the checker catches broken plans ---------------------------------------------------------


@pytest.fixture(scope="module")
def lsc_plan() -> object:
    return ooh.solve(lsc_ooh())


def test_checker_catches_a_site_moved_out_of_reach(lsc_plan: object) -> None:
    coverage = lsc_plan.coverage.copy()
    row = (coverage["site_id"] == "RTXBU") & (coverage["service_id"] == "AO2")
    coverage.loc[row, "hub_after"] = "RXR20"
    broken = dataclasses.replace(lsc_plan, coverage=coverage)
    violations = " | ".join(check_ooh_plan(lsc_ooh(), OohParameters(), broken).violations)
    assert "RTXBU is 108.1 min away, over 60" in violations
    assert "RTXBU is in another trust" in violations
    assert "rota AO2 at RTX02: table says 10 members" in violations


def test_checker_catches_a_missing_site_and_a_wrong_table(lsc_plan: object) -> None:
    coverage = lsc_plan.coverage[lsc_plan.coverage["site_id"] != "RTXBW"]
    rotas = lsc_plan.rotas.copy()
    rotas.loc[0, "band"] = "cheapest"
    broken = dataclasses.replace(lsc_plan, coverage=coverage, rotas=rotas)
    check = check_ooh_plan(lsc_ooh(), OohParameters(), broken)
    assert not check.ok
    text = " | ".join(check.violations)
    assert "RTXBW is not covered for AO2" in text and "'cheapest'" in text
    assert not math.isnan(check.total)
