"""Warm starts of the SACT model (:mod:`models.sact.start`) on the hand-solved tiny instance.

Optimum 37,000: A (1 chair) and B (1 chair) open.  A is must-open with at most 3 chairs; one chair
serves 1,000 attendances a year of the 1,400.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import models.sact
from optimiser.kinds import load_instance
from solvers import SolveOptions
from tests.conftest import TINY_OPTIMUM

EXACT = SolveOptions(time_limit=30, gap=1e-9)


def tiny_input(folder: Path) -> models.sact.Input:
    return load_instance(folder).model_input.input


@pytest.mark.parametrize("method", ["direct", "priced"])
def test_start_from_the_optimum_reaches_the_optimum(tiny_instance: Path, method: str) -> None:
    data = tiny_input(tiny_instance)
    params = replace(data.parameters, solve_method=method)
    cold = models.sact.solve(data, params, options=EXACT)
    warm = models.sact.solve(data, params, options=EXACT, start=cold.sites)
    assert cold.result.objective == pytest.approx(TINY_OPTIMUM)
    assert warm.result.objective == pytest.approx(TINY_OPTIMUM)
    assert (
        warm.figures()["warm_start"]
        == f"warm start used: 2 sites and their chairs, objective {TINY_OPTIMUM:,.2f}"
    )
    assert "warm_start" not in cold.figures() and "warm_start" not in cold.timings
    assert ("warm_start" in warm.timings) == (method == "direct")  # the priced path times it in its solve
    assert models.sact.check(data, warm).passed


def test_a_worse_start_is_completed_and_improved(tiny_instance: Path) -> None:
    """A alone with 2 chairs is a plan of 47,000; the solve still reaches 37,000."""
    data = tiny_input(tiny_instance)
    plan = models.sact.solve(data, options=EXACT, start={"A": 2})
    assert "objective 47,000.00" in plan.figures()["warm_start"]
    assert plan.result.objective == pytest.approx(TINY_OPTIMUM)


@pytest.mark.parametrize(
    ("start", "why"),
    [
        ({"B": 1}, "its sites break the instance's limits at A"),  # A must open
        ({"A": 5}, "its sites break the instance's limits at A"),  # A has at most 3 chairs
        ({"A": 1}, "no allocation meets the requirements with its sites (infeasible)"),  # 1,000 of 1,400
        ({"A": 1, "Q": 1}, "sites not of this instance: Q"),
    ],
)
def test_an_impossible_start_is_ignored_with_a_note(tiny_instance: Path, start: dict, why: str) -> None:
    data = tiny_input(tiny_instance)
    plan = models.sact.solve(data, options=EXACT, start=start)
    assert plan.figures()["warm_start"] == f"warm start ignored: {why}"
    assert plan.result.objective == pytest.approx(TINY_OPTIMUM)
