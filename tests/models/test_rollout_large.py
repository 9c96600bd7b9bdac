"""The priced path of the roll-out (models.rollout.large): the optimum of the whole model, a valid bound."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import models.rollout as rollout
import models.sact as sact
from models.rollout.build import build
from models.rollout.large import use_priced_path
from optimiser.kinds import load_instance
from solvers import SolveOptions, Status

EXACT = SolveOptions(gap=0.0, seed=0)


def years(demand: list[float], budget: list[float]) -> pd.DataFrame:
    count = len(demand)
    return pd.DataFrame(
        {
            "year": np.arange(2026, 2026 + count),
            "demand_factor": demand,
            "capital_budget": budget,
            "access_target": [np.nan] * count,
            "nurse_factor": [1.0] * count,
            "hub_capacity_factor": [1.0] * count,
        }
    )


def with_method(data: rollout.Input, method: str) -> rollout.Input:
    base = data.base
    return replace(data, base=replace(base, parameters=replace(base.parameters, solve_method=method)))


@pytest.fixture
def growing(tiny_instance: Path) -> rollout.Input:
    """The tiny network over three years of growth; no capital in 2026, so B opens in 2027."""
    base: sact.Input = load_instance(tiny_instance).model_input.input
    params = rollout.Parameters(discount_rate=0.0, capital_per_new_site=1000.0, capital_per_chair=100.0)
    return rollout.Input(base=base, years=years([1.0, 1.2, 1.5], [0.0, np.nan, np.nan]), parameters=params)


def test_priced_path_finds_the_direct_optimum(growing: rollout.Input) -> None:
    direct = rollout.solve(with_method(growing, "direct"), options=EXACT)
    priced = rollout.solve(with_method(growing, "priced"), options=EXACT)
    assert direct.result.status is Status.OPTIMAL and priced.result.status is Status.OPTIMAL
    assert "relaxation by pricing" in priced.result.message
    assert "relaxation by pricing" not in direct.result.message
    assert priced.result.objective == pytest.approx(direct.result.objective)
    assert priced.result.bound <= priced.result.objective + 1e-6
    b = priced.schedule.query("site_id == 'B'").set_index("year")
    assert b.loc[2026, "open"] == False and b.loc[2027, "event"] == "opens"  # noqa: E712
    assert rollout.check(growing, priced).passed


def test_auto_takes_the_priced_path_only_above_the_arc_threshold(growing: rollout.Input) -> None:
    built = build(growing)
    assert not use_priced_path(built, "auto")  # 3 years x 6 arcs
    assert use_priced_path(built, "priced") and not use_priced_path(built, "direct")


def test_one_year_on_the_priced_path_is_the_single_period_optimum(growing: rollout.Input) -> None:
    """T = 1 by pricing (with the branching) equals the SACT model's own optimum (default roll-out
    parameters: no capital or closure cost)."""
    one = rollout.Input(base=growing.base, years=years([1.0], [np.nan]))
    priced = rollout.solve(with_method(one, "priced"), options=EXACT)
    single = sact.solve(growing.base, options=EXACT)
    assert priced.result.status is Status.OPTIMAL
    assert priced.result.objective == pytest.approx(single.result.objective)
    assert rollout.check(one, priced).passed
