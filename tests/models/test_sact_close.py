"""The site-closing pass after fix and transport (:mod:`models.sact.close`) on tiny instances."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import models.sact.close as sact_close
import models.sact.heuristic as sact_heuristic
from models.sact.arrays import SactArrays, prepare
from models.sact.close import close_sites, greedy_closes
from models.sact.input import SactInput, SactParameters
from models.sact.matrix import build_matrix
from models.sact.solve import solve_sact
from models.sact.transport import HEURISTIC_TOLERANCE
from solvers import MatrixModel
from tests.models.test_sact_enumeration import EXACT, make_instance

# Z1, Z2 a minute from S1; Z3 a minute from S2; Z4 a minute from S3 and 1.5 from S2. With all three
# open each zone goes to its nearest site (380: fixed 300, chairs 40, travel 40); the optimum shuts
# S3 and serves Z4 from S2 (285: fixed 200, chairs 40, travel 45). A chair serves 10 attendances.
MINUTES = np.array([[1.0, 5.0, 2.0], [1.0, 5.0, 2.0], [5.0, 1.0, 2.0], [5.0, 1.5, 1.0]])
ATTENDANCES = [10.0, 10.0, 10.0, 10.0]


def _case() -> SactInput:
    return make_instance(MINUTES, ATTENDANCES)


def _partial_point(model: MatrixModel, a: SactArrays) -> np.ndarray:
    """A relaxation's point that opens every site half-way: fix and transport opens all three."""
    x = np.zeros(model.num_cols)
    x[model.variable_blocks["open"].index] = 0.6
    return x


def _fixed(data: SactInput) -> tuple[MatrixModel, SactArrays, SactParameters, np.ndarray]:
    """The model, arrays, parameters and fix and transport's plan from the partial point."""
    a = prepare(data)
    p = data.parameters
    model = build_matrix(a, p)
    x, note = sact_heuristic.fix_and_transport(
        model, a, p, _partial_point(model, a), np.zeros(model.num_cols, dtype=bool), EXACT, None
    )
    assert x is not None, note
    return model, a, p, x


def _plan(data: SactInput, monkeypatch: pytest.MonkeyPatch, close: bool) -> tuple[float, int]:
    monkeypatch.setattr(sact_heuristic, "CLOSE_PASS", close)
    model, _, _, x = _fixed(data)
    assert model.max_violation(x) <= HEURISTIC_TOLERANCE
    return model.objective_value(x), int((x[model.variable_blocks["open"].index] > 0.5).sum())


def test_closing_pass_shuts_the_site_fix_and_transport_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _case()
    optimum = solve_sact(data, "highs", EXACT)
    assert optimum.result.objective is not None
    kept_obj, kept_sites = _plan(data, monkeypatch, close=False)
    assert kept_sites == 3 and kept_obj == pytest.approx(380.0)  # fix and transport alone
    obj, sites = _plan(data, monkeypatch, close=True)
    assert sites == 2
    assert obj == pytest.approx(optimum.result.objective, rel=1e-9) and obj == pytest.approx(285.0)


def test_greedy_closes_respect_capacity(monkeypatch: pytest.MonkeyPatch) -> None:
    """With chairs for exactly the zones each site serves, no site has room for another's: nothing
    closes."""
    monkeypatch.setattr(sact_heuristic, "CLOSE_PASS", False)
    data = _case()
    model, a, p, x = _fixed(replace(data, sites=data.sites.assign(max_chairs=[2, 1, 1])))
    assert greedy_closes(model, a, p, x)[0] == []


def test_must_open_sites_stay_open() -> None:
    data = _case()
    model, a, p, x = _fixed(replace(data, sites=data.sites.assign(must_open=[False, False, True])))
    closed, note = close_sites(model, a, p, x, np.zeros(model.num_cols, dtype=bool), EXACT, None)
    y = closed[model.variable_blocks["open"].index]
    assert y[2] > 0.5, note
    assert model.max_violation(closed) <= HEURISTIC_TOLERANCE
    assert model.objective_value(closed) <= model.objective_value(x)


# Z1, Z2 a minute from S1, Z3, Z4 a minute from S2, all 1.5 minutes from S3. S1 and S2 have two
# chairs each, S3 four: with S1 and S2 open (280: fixed 200, chairs 40, travel 40) both are full and
# neither can close; the optimum opens S3 alone (200: fixed 100, chairs 40, travel 60) -- a swap.
SWAP_MINUTES = np.array([[1.0, 5.0, 1.5], [1.0, 5.0, 1.5], [5.0, 1.0, 1.5], [5.0, 1.0, 1.5]])


@pytest.mark.parametrize("candidates", [0, 4])
def test_swap_opens_the_site_that_lets_two_close(monkeypatch: pytest.MonkeyPatch, candidates: int) -> None:
    monkeypatch.setattr(sact_close, "SWAP_CANDIDATES", candidates)
    data = make_instance(SWAP_MINUTES, ATTENDANCES, sites={"max_chairs": [2, 2, 4]})
    a = prepare(data)
    p = data.parameters
    model = build_matrix(a, p)
    point = np.zeros(model.num_cols)
    point[model.variable_blocks["open"].index] = [0.6, 0.6, 0.0]
    x, note = sact_heuristic.fix_and_transport(
        model, a, p, point, np.zeros(model.num_cols, dtype=bool), EXACT, None
    )
    assert x is not None, note
    assert model.max_violation(x) <= HEURISTIC_TOLERANCE
    optimum = solve_sact(data, "highs", EXACT).result.objective
    assert optimum == pytest.approx(200.0)
    expected = 200.0 if candidates else 280.0
    assert model.objective_value(x) == pytest.approx(expected), note


def test_no_pass_when_the_plan_meets_the_gap() -> None:
    """Told that 400 meets the asked gap, fix and transport returns its 380 plan without closing."""
    data = _case()
    a = prepare(data)
    p = data.parameters
    model = build_matrix(a, p)
    x, note = sact_heuristic.fix_and_transport(
        model, a, p, _partial_point(model, a), np.zeros(model.num_cols, dtype=bool), EXACT, None, 400.0
    )
    assert x is not None and "close: not needed" in note
    assert model.objective_value(x) == pytest.approx(380.0)


def test_greedy_plan_is_kept_without_a_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    """The greedy pass's own plan (Z4 moved to S2, S3 shut: 285) meets every row and is kept; with
    a target it already meets, no transport follows."""
    data = _case()
    a = prepare(data)
    p = data.parameters
    model = build_matrix(a, p)
    monkeypatch.setattr(sact_heuristic, "CLOSE_PASS", False)
    x, _ = sact_heuristic.fix_and_transport(
        model, a, p, _partial_point(model, a), np.zeros(model.num_cols, dtype=bool), EXACT, None
    )
    assert x is not None
    closed, note = close_sites(model, a, p, x, np.zeros(model.num_cols, dtype=bool), EXACT, None, 300.0)
    assert "1 direct plans" in note and "0 by transport" in note, note
    assert model.objective_value(closed) == pytest.approx(285.0)
    assert model.max_violation(closed) <= HEURISTIC_TOLERANCE
