"""models.sact under the model contract: exports, parameters, tables, figures and the check."""

from __future__ import annotations

import importlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import models.sact
from models.common.contract import CheckReport, ModelInputError
from models.common.contract import Plan as PlanProtocol
from tests.models.test_sact_enumeration import CASES, EXACT, optimum


def test_exports_the_contract_names() -> None:
    assert models.sact.Input is models.sact.input.SactInput
    assert models.sact.Parameters is models.sact.input.SactParameters
    assert models.sact.BACKENDS[0] == "highs" and "pyomo-highs" in models.sact.BACKENDS
    assert "Constraints" in models.sact.__doc__ and "aseptic_supply" in models.sact.__doc__


def test_solve_uses_the_parameters_given_and_checks_the_plan() -> None:
    data = CASES["aseptic_supply"].data
    params = replace(data.parameters, solve_method="priced")
    plan = models.sact.solve(data, params, options=EXACT)
    assert isinstance(plan, PlanProtocol)
    assert plan.parameters is params and data.parameters.solve_method == "auto"
    assert plan.result.objective == pytest.approx(optimum("aseptic_supply"), rel=1e-6)
    figures = plan.figures()
    json.dumps(figures, allow_nan=False)
    assert figures["solve_path"] == "priced"
    assert figures["costs"]["total"] == pytest.approx(plan.result.objective, rel=1e-6)
    assert figures["sites_open"] == int(plan.sites["open"].sum()) >= 2
    assert set(plan.tables()) == {"sites", "allocation", "hub_links", "unserved", "access_by_quintile"}
    report = models.sact.check(data, plan)
    assert isinstance(report, CheckReport)
    assert report.passed, (report.violations, report.mismatches)
    assert report.figures["objective"] == pytest.approx(plan.result.objective, rel=1e-6)


def test_check_reports_a_cost_the_tables_do_not_give() -> None:
    data = CASES["capacity"].data
    plan = models.sact.solve(data, options=EXACT)
    assert models.sact.check(data, plan).passed
    claimed = replace(plan.result, objective=plan.result.objective + 50.0)
    report = models.sact.check(data, replace(plan, result=claimed))
    assert not report.passed and not report.violations
    assert any(m.startswith("objective: the plan says") for m in report.mismatches)
    chairs = dict(plan.costs, chairs=plan.costs["chairs"] + 40.0)
    assert any(
        m.startswith("chairs:") for m in models.sact.check(data, replace(plan, costs=chairs)).mismatches
    )


def test_a_solvers_shares_within_its_tolerance_of_zero_are_no_share_and_the_plan_adds_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A solver may return a share of -1e-5 on an unused arc. The plan's figures were summed over
    every arc and its allocation table over the shares above 1e-7, so its attendance-minutes
    disagreed with its own table and the independent check failed a good plan (seen on a frontier
    point warm-started by HiGHS)."""
    data = CASES["aseptic_supply"].data
    params = replace(data.parameters, solve_method="direct")
    module = importlib.import_module("models.sact.solve")  # the package's `solve` is the function
    real = module.solve_model

    def noisy(model: Any, *args: Any, **kwargs: Any) -> Any:
        result, x = real(model, *args, **kwargs)
        serve = model.variable_blocks["serve"]
        shares = model.values(x, "serve")
        unused = np.flatnonzero(shares < 1e-9)
        assert len(unused), "the case needs an unused arc"
        x = x.copy()
        x[serve.start + unused] = -1e-5
        return result, x

    monkeypatch.setattr(module, "solve_model", noisy)
    plan = models.sact.solve(data, params, options=EXACT)
    assert plan.found and (plan.allocation["share"] > 0).all()
    report = models.sact.check(data, plan)
    assert report.passed, (report.violations, report.mismatches)
    assert plan.costs["attendance_minutes"] == pytest.approx(
        float((plan.allocation["attendances"] * plan.allocation["minutes"]).sum()), rel=1e-12
    )


def test_plan_without_a_solution_has_no_tables() -> None:
    data = CASES["capacity"].data
    params = replace(data.parameters, max_travel_minutes=1.0)
    plan = models.sact.solve(data, params, options=EXACT)
    assert not plan.found and plan.explanation
    assert plan.tables() == {}
    assert plan.figures() == {"solve_path": "diagnosed"}


def test_bad_choices_raise_model_input_errors() -> None:
    data = CASES["capacity"].data
    with pytest.raises(ModelInputError) as caught:
        models.sact.solve(data, replace(data.parameters, solve_method="fastest", objective="speed"))
    assert {p.column for p in caught.value.problems} == {"solve_method", "objective"}


def test_the_sites_table_keeps_full_precision_for_the_export_to_round(tiny_instance: Path) -> None:
    """Site A serves Z1's 601.2345 attendances with one chair of 1,000: utilisation 0.6012345, not
    0.6012 (the export gives shares 6 decimals, attendances and hours 4)."""
    from optimiser.kinds import load_instance

    zones = tiny_instance / "zones.csv"
    zones.write_text(zones.read_text().replace("Z1,North,1000,600,1", "Z1,North,1000,601.2345,1"))
    case = load_instance(tiny_instance).model_input
    plan = models.sact.solve(case.input, case.parameters, options=EXACT)
    a = plan.sites.set_index("site_id").loc["A"]
    assert a["chairs"] == 1
    assert a["attendances"] == pytest.approx(601.2345, abs=1e-9)
    assert a["chair_hours_used"] == pytest.approx(1202.469, abs=1e-9)
    assert a["utilisation"] == pytest.approx(0.6012345, abs=1e-9)
