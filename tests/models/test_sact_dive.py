"""The dive of the priced path (:mod:`models.sact.dive`): whole open flags, plans of the whole model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import models.sact
from models.sact.arrays import prepare
from models.sact.check import check_sact_plan
from models.sact.dive import dive_sites
from models.sact.matrix import build_matrix
from solvers import SolveOptions, Status
from solvers.pricing import price_relaxation
from tests.models.test_sact_enumeration import CASES, EXACT, optimum


def relaxation_of(name: str):
    data = CASES[name].data
    a = prepare(data)
    model = build_matrix(a, data.parameters)
    priced = np.zeros(model.num_cols, dtype=bool)
    priced[model.variable_blocks["serve"].index] = True
    return data, model, price_relaxation(model, priced, np.ones(model.num_cols, dtype=bool))


@pytest.mark.parametrize("name", ["capacity", "access", "aseptic_supply", "complex_at_centres"])
def test_dive_gives_whole_open_flags_within_bounds(name: str) -> None:
    data, model, relaxation = relaxation_of(name)
    y = model.variable_blocks["open"].index
    sites = dive_sites(model, relaxation.active, relaxation.lazy_added, relaxation.x[y], SolveOptions())
    assert sites is not None
    assert set(np.unique(sites)) <= {0.0, 1.0}
    assert (sites >= model.col_lower[y]).all() and (sites <= model.col_upper[y]).all()
    assert sites.sum() >= 1


@pytest.mark.parametrize("name", ["capacity", "access", "aseptic_supply", "single_source"])
def test_priced_path_with_the_dive_keeps_the_enumerated_optimum(name: str) -> None:
    """The dive runs (fix-and-transport's plan is not within the zero gap asked) and the priced path
    still ends at the enumerated optimum, with a checked plan."""
    data = CASES[name].data
    plan = models.sact.solve(data, replace(data.parameters, solve_method="priced"), options=EXACT)
    assert plan.result.status is Status.OPTIMAL
    assert plan.result.objective == pytest.approx(optimum(name), rel=1e-6, abs=1e-6)
    assert "dive (" in plan.result.message and "restricted MILP" not in plan.result.message
    assert check_sact_plan(data, plan).violations == []
