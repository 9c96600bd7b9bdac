"""Temporary staffing in the OOH model: vacancies, the locum premium, and merging driven by it.

The fixture is small enough to cost every plan by hand (the docstring of :func:`two_sites`); the
checker recomputes the temporary staffing cost without the model's code.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import models.ooh as ooh
from instances.generators.ooh import supplement_bands
from models.common.contract import ModelInputError
from models.ooh.checker import check_ooh_plan
from models.ooh.input import OohInput, OohParameters
from solvers import Status

BACKENDS = ["highs", "pyomo-highs"]


def two_sites(premium: float, *, category: str = "resident", b_clinicians: int = 2) -> OohInput:
    """Sites A and B of one trust, 30 minutes apart; one service of 1-in-4 at least.

    A has 4 consultants, B has ``b_clinicians`` and 2 vacancies (locums fill them today); the
    locum premium is ``premium`` GBP a night.  Cover 20 a night (7,300 a year); category
    ``resident`` pays no supplement.  Attendances a night: A 1.5, B 1.0; none at weekends.

    By hand (premium p, B with 2 consultants): today, and in a plan keeping both rotas, B runs
    1-in-4 with 2 locum slots covering 365 x 2/4 = 182.5 nights: 14,600 cover + 182.5 p.
    Merged at A: 7,300 cover + B's 365 attendances x 2 trips x 30 min x 1.40 = 30,660 travel =
    37,960, no locums (6 consultants).  Merged at B: A's travel is 45,990, dearer.  So the plan
    merges exactly when 182.5 p > 23,360, i.e. p > 128.
    """
    sites = pd.DataFrame({"site_id": ["A", "B"], "name": ["Alpha", "Beta"], "trust": ["T", "T"]})
    services = pd.DataFrame(
        [("AO", "Acute oncology", "non-resident", 60, 4, math.nan, math.nan, 100_000, 20, category, premium)],
        columns=[
            "service_id", "name", "tier", "max_response_minutes", "min_rota_size", "max_rota_size",
            "max_sites_per_rota", "salary", "cost_per_night", "supplement_category", "locum_premium_per_night",
        ],
    )  # fmt: skip
    rotas = pd.DataFrame(
        {
            "site_id": ["A", "B"],
            "service_id": ["AO", "AO"],
            "clinicians": [4, b_clinicians],
            "vacancies": [0, 2],
            "calls_per_night": [3.0, 2.0],
            "attendances_per_night": [1.5, 1.0],
            "calls_per_weekend_day": [0.0, 0.0],
            "attendances_per_weekend_day": [0.0, 0.0],
        }
    )
    travel = pd.DataFrame({"from_site": ["A", "B"], "to_site": ["B", "A"], "minutes": [30.0, 30.0]})
    return OohInput(sites=sites, services=services, rotas=rotas, travel=travel, bands=supplement_bands())


def solved(inp: OohInput, backend: str = "highs") -> ooh.Plan:
    plan = ooh.solve(inp, backend=backend)
    assert plan.result.status is Status.OPTIMAL
    report = ooh.check(inp, plan)
    assert report.passed, (report.violations, report.mismatches)
    return plan


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_dear_locum_premium_makes_the_sites_merge(backend: str) -> None:
    inp = two_sites(premium=200.0)
    plan = solved(inp, backend)
    assert plan.result.objective == pytest.approx(37_960.0)
    assert plan.rotas[["hub_id", "members", "temporary_slots", "slots"]].values.tolist() == [["A", 6, 0, 6]]
    costs = plan.costs
    assert costs.loc["temporary_staff"].tolist() == pytest.approx([36_500.0, 0.0, 36_500.0])
    assert costs.loc["total", "before"] == pytest.approx(14_600.0 + 36_500.0)
    assert plan.rotas_before.set_index("hub_id").loc["B", ["members", "temporary_slots", "frequency"]].tolist() == [
        2, 2, "1-in-4",
    ]  # fmt: skip
    assert check_ooh_plan(inp, plan.parameters, plan).costs["temporary_staff"] == 0.0
    figures = plan.figures()
    assert figures["costs"]["temporary_staff"] == {"before": 36_500.0, "after": 0.0, "saving": 36_500.0}
    assert figures["temporary_slots"] == {"before": 2, "after": 0}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cheap_premium_keeps_both_rotas_with_locums(backend: str) -> None:
    inp = two_sites(premium=100.0)
    plan = solved(inp, backend)
    assert plan.result.objective == pytest.approx(14_600.0 + 18_250.0)
    rotas = plan.rotas.set_index("hub_id")
    assert rotas[["members", "temporary_slots", "slots"]].values.tolist() == [[4, 0, 4], [2, 2, 4]]
    assert rotas.loc["B", "temporary_staff_cost"] == pytest.approx(18_250.0)
    assert check_ooh_plan(inp, plan.parameters, plan).costs["temporary_staff"] == pytest.approx(18_250.0)
    assert plan.costs.loc["total", "saving"] == pytest.approx(0.0)


def test_the_premium_at_which_merging_pays_is_128_a_night() -> None:
    assert len(solved(two_sites(premium=127.0)).rotas) == 2
    assert len(solved(two_sites(premium=129.0)).rotas) == 1


def test_without_a_premium_small_rotas_must_merge() -> None:
    inp = two_sites(premium=200.0)
    plain = OohInput(
        sites=inp.sites,
        services=inp.services.assign(locum_premium_per_night=math.nan),
        rotas=inp.rotas.assign(vacancies=0),
        travel=inp.travel,
        bands=inp.bands,
    )
    plan = solved(plain)
    assert plan.result.objective == pytest.approx(37_960.0)  # B alone (2 < 4) is not allowed
    assert plan.costs.loc["temporary_staff"].tolist() == [0.0, 0.0, 0.0]


def test_temporary_slots_complete_a_rota_to_1_in_n_and_are_paid_its_band() -> None:
    # Category A, B with 3 consultants and 2 vacancies, 90 minutes apart (over the 60-minute
    # response time): each site keeps its own rota.  Today B runs 1-in-5 (3 + 2 locums, 5 % band):
    # supplements 4 x 100,000 x 8 % + 5 x 100,000 x 5 % = 57,000; locums 10 x 365 x 2/5 = 1,460.
    # The plan fills B only up to 1-in-4 (constraint (10)): 3 + 1 locum, 8 % band: supplements
    # 2 x 32,000; locum 10 x 365 x 1/4 = 912.50.  Four slots cost more than today's five here, as
    # the 1-in-4 band pays more per slot: the model does not pad rotas beyond N_k with locums.
    base = two_sites(premium=10.0, category="A", b_clinicians=3)
    inp = OohInput(
        sites=base.sites,
        services=base.services,
        rotas=base.rotas,
        travel=base.travel.assign(minutes=base.travel["minutes"].where(base.travel["minutes"] == 0, 90.0)),
        bands=base.bands,
    )
    plan = solved(inp)
    assert plan.result.objective == pytest.approx(14_600.0 + 64_000.0 + 912.5)
    b = plan.rotas.set_index("hub_id").loc["B"]
    assert (b["members"], b["temporary_slots"], b["slots"], b["band"]) == (3, 1, 4, "1-in-1 to 1-in-4")
    assert b["supplement_cost"] == pytest.approx(32_000.0) and b["temporary_staff_cost"] == pytest.approx(
        912.5
    )
    before = plan.costs["before"]
    assert (before["supplements"], before["temporary_staff"]) == pytest.approx((57_000.0, 1_460.0))
    assert check_ooh_plan(inp, plan.parameters, plan).costs["temporary_staff"] == pytest.approx(912.5)
    assert plan.clinicians.set_index("site_id").loc["B", "frequency_after"].tolist() == [4, 4, 4]


def test_the_checker_recomputes_temporary_slots_and_their_cost() -> None:
    inp = two_sites(premium=100.0)
    plan = solved(inp)
    rotas = plan.rotas.copy()
    rotas.loc[rotas["hub_id"] == "B", "temporary_slots"] = 0
    broken = plan.__class__(**{**plan.__dict__, "rotas": rotas})
    violations = " | ".join(check_ooh_plan(inp, plan.parameters, broken).violations)
    assert "rota AO at B: table says 2 members, 0 temporary slots" in violations
    costs = plan.costs.copy()
    costs.loc["temporary_staff", "after"] = 0.0
    report = ooh.check(inp, plan.__class__(**{**plan.__dict__, "costs": costs}))
    assert not report.passed
    assert any(m.startswith("temporary_staff cost (cost table)") for m in report.mismatches)


@pytest.mark.parametrize(("vacancies", "named"), [(2, "2 vacancies"), (1, "1 vacancy")])
def test_vacancies_need_a_premium(vacancies: int, named: str) -> None:
    """Vacancies without a locum premium are refused at their cell, counted in the right number."""
    inp = two_sites(premium=200.0)
    with pytest.raises(ModelInputError) as error:
        OohInput(
            sites=inp.sites,
            services=inp.services.assign(locum_premium_per_night=math.nan),
            rotas=inp.rotas.assign(vacancies=[0, vacancies]),
            travel=inp.travel,
            bands=inp.bands,
        )
    ((table, row, column),) = [(p.table, p.row, p.column) for p in error.value.problems]
    assert (table, row, column) == ("rotas", 2, "vacancies")
    assert "no locum_premium_per_night" in error.value.problems[0].message
    assert error.value.problems[0].message.startswith(f"{named}, but service AO")


def test_default_parameters_leave_temporary_staff_out() -> None:
    assert OohParameters() == OohParameters()  # the premium is per service, in the services table
    services = two_sites(premium=200.0).services.drop(columns="locum_premium_per_night")
    inp = two_sites(premium=200.0)
    plain = OohInput(
        sites=inp.sites,
        services=services,
        rotas=inp.rotas.assign(vacancies=0),
        travel=inp.travel,
        bands=inp.bands,
    )
    assert plain.services["locum_premium_per_night"].isna().all()
    assert (plain.rotas["vacancies"] == 0).all()
