"""The phased roll-out: consistent with the single-period model, and right on cases solved by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import models.rollout as rollout
import models.sact as sact
from optimiser.cli import main
from optimiser.kinds import load_instance
from solvers import SolveOptions, Status
from tests.conftest import TINY_OPTIMUM

EXACT = SolveOptions(gap=0.0, seed=0)


def years(count: int, demand: list[float] | None = None, budget: list[float] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": np.arange(2026, 2026 + count),
            "demand_factor": demand or [1.0] * count,
            "capital_budget": budget or [np.nan] * count,
            "access_target": [np.nan] * count,
            "nurse_factor": [1.0] * count,
            "hub_capacity_factor": [1.0] * count,
        }
    )


@pytest.fixture
def tiny_base(tiny_instance: Path) -> sact.Input:
    return load_instance(tiny_instance).model_input.input


def test_one_year_is_the_single_period_optimum(tiny_base: sact.Input) -> None:
    data = rollout.Input(base=tiny_base, years=years(1))
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.objective == pytest.approx(TINY_OPTIMUM)
    assert plan.result.objective == pytest.approx(sact.solve(tiny_base, options=EXACT).result.objective)
    assert rollout.check(data, plan).passed


def test_without_growth_or_capital_limits_year_one_is_kept(tiny_base: sact.Input) -> None:
    data = rollout.Input(base=tiny_base, years=years(3), parameters=rollout.Parameters(discount_rate=0.0))
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.objective == pytest.approx(3 * TINY_OPTIMUM)
    events = plan.schedule[plan.schedule["event"] != ""]
    assert set(events["year"]) == {2026}  # B opens (and chairs settle) in the first year only
    assert plan.schedule.query("site_id == 'B'")["open"].tolist() == [True, True, True]


def test_a_capital_budget_delays_the_new_site(tiny_base: sact.Input) -> None:
    """No capital in 2026: only A (47,000); B opens in 2027 (37,000 + 1,000 capital): 85,000."""
    params = rollout.Parameters(discount_rate=0.0, capital_per_new_site=1000.0)
    data = rollout.Input(base=tiny_base, years=years(2, budget=[0.0, np.nan]), parameters=params)
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.status is Status.OPTIMAL
    assert plan.result.objective == pytest.approx(85_000.0)
    b = plan.schedule.query("site_id == 'B'").set_index("year")
    assert b.loc[2026, "open"] == False and b.loc[2027, "event"] == "opens"  # noqa: E712
    assert plan.costs.set_index("year").loc[2027, "capital"] == pytest.approx(1000.0)
    assert rollout.check(data, plan).passed


def test_discounting_weighs_later_years_less(tiny_base: sact.Input) -> None:
    data = rollout.Input(base=tiny_base, years=years(2), parameters=rollout.Parameters(discount_rate=0.1))
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.objective == pytest.approx(TINY_OPTIMUM * (1 + 1 / 1.1))
    assert plan.costs["discount_factor"].tolist() == pytest.approx([1.0, 1 / 1.1])


def test_growth_beyond_a_sites_chairs_opens_more_capacity(tiny_base: sact.Input) -> None:
    data = rollout.Input(
        base=tiny_base, years=years(2, demand=[1.0, 1.5]), parameters=rollout.Parameters(discount_rate=0.0)
    )
    plan = rollout.solve(data, options=EXACT)
    chairs = plan.schedule.groupby("year")["chairs"].sum()
    assert chairs[2027] > chairs[2026]
    # each year's plan is that year's single-period optimum here (nothing links them but the chairs)
    second = sact.solve(
        replace(tiny_base, zones=tiny_base.zones.assign(attendances=tiny_base.zones["attendances"] * 1.5)),
        options=EXACT,
    )
    assert plan.costs.set_index("year").loc[2027, "total"] == pytest.approx(second.result.objective)
    assert rollout.check(data, plan).passed


def test_the_checker_catches_a_new_site_that_closes(tiny_base: sact.Input) -> None:
    data = rollout.Input(base=tiny_base, years=years(2), parameters=rollout.Parameters(discount_rate=0.0))
    plan = rollout.solve(data, options=EXACT)
    schedule = plan.schedule.copy()
    schedule.loc[(schedule["site_id"] == "B") & (schedule["year"] == 2027), ["open", "chairs"]] = [False, 0]
    report = rollout.check(data, replace(plan, schedule=schedule))
    assert any("B closes but may not close" in v for v in report.violations)


def test_the_summary_counts_the_chairs_a_shrinking_site_loses(tiny_base: sact.Input) -> None:
    """lsc-sact-rollout's summary read "RXN02 shrinks" beside "RXL01 grows +2": how many chairs?"""
    from optimiser.kinds.rollout import summary

    data = rollout.Input(base=tiny_base, years=years(2), parameters=rollout.Parameters(discount_rate=0.0))
    plan = rollout.solve(data, options=EXACT)
    schedule = plan.schedule.copy()
    later = (schedule["site_id"] == "A") & (schedule["year"] == 2027)
    schedule.loc[later, ["chairs", "chairs_added", "chairs_removed", "event"]] = [1, 0, 2, "shrinks"]
    line = next(ln for ln in summary(replace(plan, schedule=schedule)).splitlines() if ln.startswith("2027"))
    assert line.endswith("A shrinks -2"), line


def test_bad_years_are_named() -> None:
    from models.common.contract import ModelInputError

    with pytest.raises(ModelInputError, match="demand_factor"):
        rollout.Input(base=None, years=years(2, demand=[1.0, -1.0]))  # type: ignore[arg-type]


def test_rollout_instance_through_the_cli(tiny_instance: Path, tmp_path: Path) -> None:
    (tiny_instance / "instance.yaml").write_text(
        (tiny_instance / "instance.yaml").read_text().replace("kind: sact", "kind: rollout")
        + "  discount_rate: 0.0\n  capital_per_new_site: 1000\n",
        encoding="utf-8",
    )
    years(2, budget=[0.0, np.nan]).to_csv(tiny_instance / "years.csv", index=False)
    result = CliRunner().invoke(main, ["solve", str(tiny_instance), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "Independent check: passed" in result.output
    schedule = pd.read_csv(tmp_path / "run" / "schedule.csv")
    assert schedule.query("site_id == 'B' and year == 2027")["event"].item() == "opens"
    costs = pd.read_csv(tmp_path / "run" / "costs_by_year.csv")
    assert costs["discounted_total"].sum() == pytest.approx(85_000.0)


def test_final_demand_factor_sets_steady_growth() -> None:
    from optimiser.cli import resolve_instance
    from optimiser.overrides import Overrides

    loaded = load_instance(
        resolve_instance("lsc-sact-rollout"), overrides=Overrides(set={"final_demand_factor": 1.4})
    )
    factors = loaded.model_input.input.years["demand_factor"].to_numpy()
    assert factors[0] == pytest.approx(1.0) and factors[-1] == pytest.approx(1.4)
    assert np.allclose(factors[1:] / factors[:-1], 1.4 ** (1 / 9))


def test_capital_below_what_the_chairs_need_is_named_before_solving(tiny_base: sact.Input) -> None:
    """Demand doubles by 2027: 2,800 attendances need 3 chairs, one more than today's 2 at A, so at
    least £500 of capital; a total budget of £100 was explained only as 'relax a year's access
    target, capital budget or growth'."""
    params = rollout.Parameters(discount_rate=0.0, capital_per_chair=500.0, total_capital_budget=100.0)
    data = rollout.Input(base=tiny_base, years=years(2, demand=[1.0, 2.0]), parameters=params)
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.status is Status.INFEASIBLE and plan.result.message == "diagnosed before solving"
    assert plan.explanation == (
        "by 2027 demand needs at least 3 chairs, 1 more than today's 2; at £500 a chair added that is "
        "at least £500 of capital, above the total capital budget of £100 (£400 short)",
    )


def test_yearly_capital_budgets_below_what_the_chairs_need_are_named(tiny_base: sact.Input) -> None:
    params = rollout.Parameters(discount_rate=0.0, capital_per_chair=500.0)
    data = rollout.Input(
        base=tiny_base, years=years(2, demand=[1.0, 2.0], budget=[0.0, 400.0]), parameters=params
    )
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.status is Status.INFEASIBLE
    assert "above the capital budgets of the years to 2027, £400 in all (£100 short)" in plan.explanation[0]


def test_capital_enough_for_the_chairs_is_not_named(tiny_base: sact.Input) -> None:
    params = rollout.Parameters(discount_rate=0.0, capital_per_chair=500.0, total_capital_budget=500.0)
    data = rollout.Input(base=tiny_base, years=years(2, demand=[1.0, 2.0]), parameters=params)
    assert rollout.solve(data, options=EXACT).result.status is Status.OPTIMAL


def test_a_rollout_that_leaves_demand_unserved_says_so_by_year(tiny_instance: Path, tmp_path: Path) -> None:
    """lsc-sact-rollout with demand_growth 0.3 and allow_unserved left 3,349 attendances unserved
    in 2026 and 5,267 in 2035: only costs_by_year.csv's penalty showed it; summary.json, the
    terminal and the explanation said nothing, and no unserved.csv was written."""
    (tiny_instance / "instance.yaml").write_text(
        (tiny_instance / "instance.yaml").read_text().replace("kind: sact", "kind: rollout")
        + "  allow_unserved: true\n  unserved_penalty: 1\n",
        encoding="utf-8",
    )
    years(2).to_csv(tiny_instance / "years.csv", index=False)
    run = tmp_path / "run"
    result = CliRunner().invoke(main, ["solve", str(tiny_instance), "--out", str(run)])
    assert result.exit_code == 0, result.output
    assert "Unserved attendances: 1,400 in 2026, 1,400 in 2027 (unserved.csv)" in result.output
    # the penalty, 1 an attendance (2,800 undiscounted, 1,400 + 1,400 / 1.035 discounted), is no money spent
    penalty = 1400 + 1400 / 1.035
    assert f"their penalty (£{penalty:,.0f} discounted)" in result.output
    summary = json.loads((run / "summary.json").read_text())
    assert summary["unserved_by_year"] == {"2026": pytest.approx(1400.0), "2027": pytest.approx(1400.0)}
    assert summary["explanation"][0].startswith("year 2026: 1,400 attendances left unserved: ")
    unserved = pd.read_csv(run / "unserved.csv")
    assert unserved.groupby("year")["attendances"].sum().to_dict() == {
        2026: pytest.approx(1400.0),
        2027: pytest.approx(1400.0),
    }


def test_a_forced_site_the_capital_cannot_pay_for_is_named(tiny_base: sact.Input) -> None:
    """--open of a new site with no capital in its first year: the roll-out was told to 'allow
    unserved demand (allow_unserved)', already on, and the forced site was not named."""
    sites = tiny_base.sites.copy()
    sites.loc["B", "must_open"] = True
    base = replace(tiny_base, sites=sites, parameters=replace(tiny_base.parameters, allow_unserved=True))
    params = rollout.Parameters(discount_rate=0.0, capital_per_new_site=1000.0)
    data = rollout.Input(base=base, years=years(2, budget=[0.0, np.nan]), parameters=params)
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.status is Status.INFEASIBLE
    assert plan.explanation == (
        "no roll-out meets every year's requirements: relax a year's access target, capital budget or "
        "growth, or the sites that must open (A, B) (unserved demand is already allowed)",
    )


def test_a_year_with_under_half_an_attendance_unserved_is_not_named() -> None:
    """lsc-sact-rollout with RXN01 closed left 0.13 attendances unserved in 2028: the terminal
    read '0 in 2028' beside the years that left thousands."""
    from types import SimpleNamespace

    from optimiser.kinds.rollout import _unserved_lines

    costs = pd.DataFrame(
        {"unserved_penalty": [34_632.0, 1.3], "discount_factor": [1.0, 0.9], "discounted_total": [9e4, 8e4]}
    )
    plan = SimpleNamespace(
        figures=lambda: {"unserved_by_year": {"2026": 3463.2, "2028": 0.13}}, costs=costs, explanation=()
    )
    lines = _unserved_lines(plan)  # type: ignore[arg-type]
    assert lines[1].startswith("Unserved attendances: 3,463 in 2026 (unserved.csv);")


def test_the_gap_is_of_the_cost_the_plan_decides_beside_a_huge_must_open_cost(tiny_base: sact.Input) -> None:
    """Centre A must open at a fixed £1e12 in both years: the roll-out's relative gap was of the
    whole present value, the constant included, so a roll-out with thousands of pounds open read
    'gap 0.0000%'. The solve leaves the constant out (present value £1e12 x (1 + 1/1.035)) and adds
    it back: the objective is the one of the whole model, and a roll-out stopped with £500 open
    reads its gap of the cost it decides, in pounds too (as a SACT plan does); A's least chair,
    £5,000 a year, is in every plan too."""
    from models.rollout.build import build
    from optimiser.kinds.rollout import summary

    data = rollout.Input(base=tiny_base, years=years(2))
    ordinary = rollout.solve(data, options=EXACT).result.objective
    sites = tiny_base.sites.copy()
    sites.loc["A", "fixed_cost"] = 1e12
    huge = rollout.Input(base=replace(tiny_base, sites=sites), years=years(2))
    fixed = (1e12 + 5000.0) * (1.0 + 1.0 / 1.035)  # A's fixed cost and least chair, both years
    built = build(huge, without_constant=True)
    assert built.constant == pytest.approx(fixed, rel=1e-15)
    assert built.model.cost[built.years[0].columns("open")].tolist() == [0.0, 4000.0]  # A's in every plan
    plan = rollout.solve(huge, options=EXACT)
    assert plan.result.status is Status.OPTIMAL
    assert plan.result.objective == pytest.approx(ordinary + fixed - 15000.0 * (1.0 + 1.0 / 1.035), abs=0.01)
    assert plan.figures()["fixed_in_every_plan"] == pytest.approx(fixed, rel=1e-15)
    assert rollout.check(huge, plan).passed
    decided = plan.result.objective - plan.figures()["fixed_in_every_plan"]
    objective = plan.result.objective
    stopped = replace(plan, result=replace(plan.result, bound=objective - 500.0, gap=500.0 / decided))
    assert stopped.figures()["decided_gap"] == {
        "absolute": pytest.approx(500.0, abs=1e-3),
        "decided_cost": pytest.approx(decided, abs=1e-3),
        "gap": pytest.approx(500.0 / decided, rel=1e-6),
    }
    assert (
        "the plan decides; £1,966,183,584,710 is in every plan: the fixed cost and least chairs of the "
        "sites every plan opens)"
    ) in summary(stopped)
    assert f"gap {500.0 / decided:.2%} (£500 of the {'£' + format(round(decided), ',')} the plan" in summary(
        stopped
    )


def test_year_one_capital_and_closures_every_roll_out_pays_are_left_out_while_solving(
    tiny_base: sact.Input,
) -> None:
    """B (new) must open and C (delivering today) must close: every roll-out opens B in 2026 at
    £1,000 of capital and closes C in 2026 at £300, as every one pays A's and B's fixed cost and
    least chair (£24,000 a year). The solve left the £1,300 in, so the gap it stopped at was of a
    cost that held it; now it is left out with the site costs, counted in fixed_in_every_plan, and
    the present value reported is the whole model's (37,000 a year, both years B and A open,
    + 1,300)."""
    from models.rollout.build import build
    from solvers import solve_model

    sites = tiny_base.sites.copy()
    sites.attrs = {}  # the file's row numbers, for its messages: none for a site added here
    sites.loc["C"] = sites.loc["B"]
    sites.loc["C", ["name", "existing", "current_chairs", "must_close"]] = ["Closing", True, 1, True]
    sites.loc["B", "must_open"] = True
    params = rollout.Parameters(capital_per_new_site=1000.0, closure_cost=300.0)
    data = rollout.Input(base=replace(tiny_base, sites=sites), years=years(2), parameters=params)
    built = build(data, without_constant=True)
    discounted = 1.0 + 1.0 / 1.035
    assert built.constant == pytest.approx(24_000.0 * discounted + 1300.0)
    whole = build(data)
    assert whole.constant == 0.0
    in_the_model = solve_model(whole.model, "highs", EXACT)[0].objective
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.status is Status.OPTIMAL
    assert plan.result.objective == pytest.approx(in_the_model, abs=0.01)
    assert plan.result.objective == pytest.approx(37_000.0 * discounted + 1300.0, abs=0.01)
    assert plan.figures()["fixed_in_every_plan"] == pytest.approx(24_000.0 * discounted + 1300.0)
    assert plan.figures()["closures"] == {"C": "2026"} and plan.figures()["openings"] == {"B": "2026"}
    assert rollout.check(data, plan).passed
    from optimiser.kinds.rollout import summary

    stopped = replace(plan, result=replace(plan.result, bound=plan.result.objective - 500.0))
    assert (
        "the plan decides; £48,488 is in every plan: the fixed cost and least chairs of the sites every "
        "plan opens and, in year 1, the capital of those sites and chairs not there today and the "
        "closure of the must-close sites)"
    ) in summary(stopped)


def test_a_site_every_roll_out_opens_and_its_least_chairs_are_in_every_plan(tiny_instance: Path) -> None:
    """With a 25-minute travel limit South (Z3) reaches only B, so every year of every roll-out
    opens B (new) as it opens the must-open A, each with at least one chair: £24,000 a year, and
    in 2026 B's £1,000 of capital and its first chair's £200.  fixed_in_every_plan counted A's
    £10,000 a year only (£19,662), so the £13,000 a year the roll-out decides (the travel) read
    as £54,287 of present value, not £25,560, and its gap half of what it is.  The objective
    reported is still the whole model's (37,000 a year + 1,200): the least chairs' cost, left
    out as an offset of each year's model, is discounted as the year is."""
    from models.rollout.build import build
    from solvers import solve_model

    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text() + "  max_travel_minutes: 25\n")
    base = load_instance(tiny_instance).model_input.input
    params = rollout.Parameters(capital_per_new_site=1000.0, capital_per_chair=200.0)
    data = rollout.Input(base=base, years=years(2), parameters=params)
    discounted = 1.0 + 1.0 / 1.035
    every = 24_000.0 * discounted + 1200.0
    built = build(data, without_constant=True)
    assert built.constant == pytest.approx(every) and built.first_year == pytest.approx(1200.0)
    in_the_model = solve_model(build(data).model, "highs", EXACT)[0].objective
    plan = rollout.solve(data, options=EXACT)
    assert plan.result.status is Status.OPTIMAL
    assert plan.result.objective == pytest.approx(in_the_model, abs=0.01)
    assert plan.result.objective == pytest.approx(37_000.0 * discounted + 1200.0, abs=0.01)
    assert plan.figures()["fixed_in_every_plan"] == pytest.approx(every)
    assert plan.decided_gap()["decided_cost"] == pytest.approx(13_000.0 * discounted, abs=0.01)
    assert rollout.check(data, plan).passed


def test_costs_by_year_add_up_to_the_penny_as_written(tiny_instance: Path, tmp_path: Path) -> None:
    """costs_by_year.csv of lsc-sact-rollout had 2026's components add up to 7,054,826.93 beside a
    total of 7,054,826.94, and a total times its discount factor a penny off its discounted total:
    each figure was rounded on its own when written.  Every figure is now rounded once, to the
    penny, and the rest summed from those: the rows add up, and so does the present value."""
    (tiny_instance / "instance.yaml").write_text(
        (tiny_instance / "instance.yaml").read_text().replace("kind: sact", "kind: rollout")
        + "  discount_rate: 0.035\n  capital_per_new_site: 1000.37\n",
        encoding="utf-8",
    )
    demand = [1.0, 1.113, 1.237, 1.391, 1.517, 1.663, 1.771, 1.899]
    years(8, demand=demand).to_csv(tiny_instance / "years.csv", index=False)
    result = CliRunner().invoke(main, ["solve", str(tiny_instance), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    costs = pd.read_csv(tmp_path / "run" / "costs_by_year.csv")
    pence = (costs.drop(columns=["year", "discount_factor"]) * 100).round().astype(int)
    parts = ["running", "patient_travel", "drug_transport", "unserved_penalty", "capital", "closures"]
    assert (pence[parts].sum(axis=1) == pence["total"]).all()
    discounted = (costs["total"] * costs["discount_factor"] * 100).round().astype(int)
    assert (discounted == pence["discounted_total"]).all()
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert round(summary["discounted_total"] * 100) == pence["discounted_total"].sum()
