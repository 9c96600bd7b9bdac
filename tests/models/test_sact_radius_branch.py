"""The Lagrangian branch and bound of the radius path: the enumerated optimum from a poor start."""

from __future__ import annotations

import numpy as np
import pytest

from models.sact.arrays import prepare
from models.sact.pmedian_bounds import dense_costs
from models.sact.pmedian_branch import branch_on_levels
from models.sact.radius import open_count, radius_levels
from tests.models.test_sact_radius import CASES, enumerate_optimum, random_instance


@pytest.mark.parametrize("name", list(CASES))
def test_branch_and_bound_proves_the_enumerated_optimum(name: str) -> None:
    data = random_instance(**CASES[name])
    a, p = prepare(data), data.parameters
    levels = radius_levels(a, p)
    count = open_count(a, p)
    can = np.flatnonzero((a.min_chairs <= a.max_chairs) & ~a.must_open)
    poor = a.must_open.copy()
    poor[can[::-1][: count - int(poor.sum())]] = True  # the last sites: rarely the best
    none = np.zeros(a.num_sites, bool)
    found = branch_on_levels(levels, a, p, count, poor, none, none, least_gain=1e-9)
    best = enumerate_optimum(data)
    assert found.finished
    assert found.is_open.sum() == count and (found.is_open >= a.must_open).all()
    assert found.upper == pytest.approx(best, rel=1e-9)
    assert dense_costs(levels)[:, found.is_open].min(axis=1).sum() == pytest.approx(best, rel=1e-9)
    assert found.bound <= best * (1 + 1e-9)
    assert found.bound >= best * (1 - 1e-6)


def test_branch_and_bound_stops_at_its_deadline() -> None:
    data = random_instance(seed=11, zones=12, sites=10, p=3)
    a, p = prepare(data), data.parameters
    levels = radius_levels(a, p)
    start = np.zeros(a.num_sites, bool)
    start[:3] = True
    none = np.zeros(a.num_sites, bool)
    found = branch_on_levels(levels, a, p, 3, start, none, none, least_gain=1e-9, deadline=0.0)
    assert not found.finished and found.nodes == 0
    assert (found.is_open == start).all() and found.bound == -np.inf


def test_a_phase_without_steps_keeps_the_last_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A root phase that runs out of time before its first step keeps the previous phase's bound."""
    import models.sact.pmedian_bounds as bounds

    data = random_instance(**CASES["square"])
    a, p = prepare(data), data.parameters
    levels = radius_levels(a, p)
    best = enumerate_optimum(data)
    monkeypatch.setattr(bounds, "LAGRANGIAN_PHASES", (50,))
    one = bounds.lagrangian_reduction(levels, a, p, 3, best)
    monkeypatch.setattr(bounds, "LAGRANGIAN_PHASES", (50, 0))
    two = bounds.lagrangian_reduction(levels, a, p, 3, best)
    assert np.isfinite(one[0]) and two[0] == one[0]
    assert (two[1] == one[1]).all() and (two[2] == one[2]).all()
