"""The ``lines`` search's phases (:mod:`models.roster.price_and_branch`)."""

from __future__ import annotations

from typing import Any

import pytest

import models.roster.price_and_branch as pab
from models.roster.solve import build_roster_model
from solvers import SolveOptions
from tests.models.test_roster_bound import tiny


@pytest.mark.parametrize(("limit", "first"), [(20.0, 1.0), (60.0, 3.0), (600.0, 5.0), (3600.0, 5.0)])
def test_the_first_cpsat_solve_has_its_share_of_the_limit_at_most_first_seconds(
    limit: float, first: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first whole-model solve gets ``first_share`` (5 %) of the limit but never more than
    ``first_seconds`` (5 s): 30 s of a 600-s limit went to a CP-SAT solve that could not prove
    what column generation proves in a second. The search still ends at the enumerated optimum."""
    limits: list[float | None] = []
    real = pab.solve_cpsat

    def watched(model: Any, options: SolveOptions, **kwargs: Any) -> Any:
        limits.append(options.time_limit)
        return real(model, options, **kwargs)

    monkeypatch.setattr(pab, "solve_cpsat", watched)
    rm = build_roster_model(tiny(1))
    result, _, _ = pab.lines_solve(rm, SolveOptions(time_limit=limit, threads=1))
    assert limits[0] == pytest.approx(first)
    assert result.objective == result.bound
