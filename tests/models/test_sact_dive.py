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
from solvers.pricing import PricingSession
from tests.models.test_sact_enumeration import CASES, EXACT, optimum


def relaxation_of(name: str):
    data = CASES[name].data
    a = prepare(data)
    model = build_matrix(a, data.parameters)
    priced = np.zeros(model.num_cols, dtype=bool)
    priced[model.variable_blocks["serve"].index] = True
    nearest = np.zeros(model.num_cols, dtype=bool)
    nearest[~priced] = True  # every always-in column, and no arc: the dive must price its own
    session = PricingSession(model, priced, nearest)
    return data, model, session, session.price()


@pytest.mark.parametrize("name", ["capacity", "access", "aseptic_supply", "complex_at_centres"])
def test_dive_gives_whole_open_flags_within_bounds(name: str) -> None:
    data, model, session, relaxation = relaxation_of(name)
    y = model.variable_blocks["open"].index
    dived = dive_sites(session, model, relaxation.x[y], SolveOptions())
    assert dived is not None
    sites = dived.sites
    assert set(np.unique(sites)) <= {0.0, 1.0}
    assert (sites >= model.col_lower[y]).all() and (sites <= model.col_upper[y]).all()
    assert sites.sum() >= 1
    assert (dived.active >= relaxation.active).all()  # the dive's arcs include stage 1's
    # the session's bounds are the model's own again
    assert (session.lp.col_lower == model.col_lower).all() and (session.lp.col_upper == model.col_upper).all()


def test_a_dive_fixing_with_no_plan_over_the_arcs_in_is_dropped_not_widened() -> None:
    """A restricted LP that its columns cannot solve under a dive's fixing is infeasible for the
    dive: the session does not bring in every arc (on England that is 1.7 million)."""
    data, model, session, relaxation = relaxation_of("capacity")
    y = model.variable_blocks["open"].index
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    upper[y] = 0.0  # every site shut: no zone can be served
    session.change_bounds(lower, upper)
    before = session.lp.active.copy()
    shut = session.price(widen=False)
    assert shut.status == "infeasible" and (session.lp.active == before).all()
    widened = session.price()
    assert widened.status == "infeasible" and session.lp.active.all()


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


def test_the_dive_is_skipped_when_stage_1_ended_with_its_lp_unsolved() -> None:
    """After stage 1's time share the session's LP is mid-solve: the dive would spend its time
    finishing it (England), so it is skipped and stage 3 keeps the time."""
    from models.sact import large
    from solvers.search_state import StagedSearch

    data, model, session, relaxation = relaxation_of("capacity")
    run = StagedSearch(model, SolveOptions())
    cut = replace(relaxation, status="time_limit")
    assert not large._dive_stage(run, prepare(data), session, cut)
    assert run.notes == ["dive: skipped (stage 1 ended by time_limit: its last LP unsolved)"]
    assert large._dive_stage(run, prepare(data), session, relaxation)  # solved: it dives
