"""The roll-out's valid inequalities (constraints 7-9 of :mod:`models.rollout`, the SACT cuts 14-16 of
every year) never cut off the optimum found by enumerating every schedule of open sites, and
they do raise the relaxation; the branching of :mod:`models.rollout.branch` gives a valid bound.

The instances: generated SACT networks (15 zones, 4 sites) over two years of growth, discount
3.5 % (:func:`roll_out`).
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import models.rollout as rollout
import models.sact.matrix as sact_matrix
from models.rollout import large
from models.rollout.branch import branch_on_sites
from models.rollout.build import RolloutModel, build
from optimiser.cli import main
from optimiser.kinds import load_instance
from solvers import MatrixModel, SolveOptions, Status, solve_matrix
from solvers.search_state import StagedSearch

EXACT = SolveOptions(gap=0.0, seed=0)
GROWTH = [1.0, 1.6]  # demand factor of 2026 and 2027


def roll_out(folder: Path, seed: int) -> rollout.Input:
    """A generated network (15 zones, 4 sites, ``seed``) rolled out over :data:`GROWTH`."""
    args = ["generate", "sact", "--zones", "15", "--sites", "4", "--seed", str(seed), str(folder)]
    made = CliRunner().invoke(main, args)
    assert made.exit_code == 0, made.output
    base = load_instance(folder).model_input.input
    frame = pd.DataFrame(
        {
            "year": np.arange(2026, 2026 + len(GROWTH)),
            "demand_factor": GROWTH,
            "capital_budget": np.nan,
            "access_target": np.nan,
            "nurse_factor": 1.0,
            "hub_capacity_factor": 1.0,
        }
    )
    return rollout.Input(base=base, years=frame, parameters=rollout.Parameters(discount_rate=0.035))


@pytest.fixture(scope="module")
def growing(tmp_path_factory: pytest.TempPathFactory) -> rollout.Input:
    """Seed 2: two sites delivering today, two that may open; the cuts bind, the relaxation of
    the model with them is whole."""
    return roll_out(tmp_path_factory.mktemp("cuts") / "net", seed=2)


@pytest.fixture(scope="module")
def part_open(tmp_path_factory: pytest.TempPathFactory) -> rollout.Input:
    """Seed 6: the strong relaxation opens some site-years in part (bound below the optimum)."""
    return roll_out(tmp_path_factory.mktemp("branch") / "net", seed=6)


def build_without_cuts(data: rollout.Input, monkeypatch: pytest.MonkeyPatch) -> RolloutModel:
    with monkeypatch.context() as m:
        m.setattr(sact_matrix, "chair_rounding", lambda *args: None)
        m.setattr(sact_matrix, "cover_rows", lambda *args: None)
        m.setattr(sact_matrix, "opened_by_cover", lambda a, p: np.zeros(a.num_sites, dtype=bool))
        return build(data)


def schedules(built: RolloutModel) -> list[np.ndarray]:
    """Every (years x sites) 0/1 schedule of open flags the links allow: a site delivering today
    only closes (its flags fall), another only opens (its flags rise)."""
    existing = built.years[0].data.sites["existing"].to_numpy(bool)
    num_years = len(built.years)
    falling = [np.array([1] * k + [0] * (num_years - k)) for k in range(num_years + 1)]
    rising = [f[::-1] for f in falling]
    per_site = [falling if today else rising for today in existing]
    return [np.stack(choice, axis=1) for choice in itertools.product(*per_site)]


def solve_fixed(built: RolloutModel, flags: np.ndarray) -> tuple[float, np.ndarray] | None:
    """The optimum of the model with every open flag fixed to ``flags`` (None: no plan)."""
    model = built.model
    lower, upper = model.col_lower, model.col_upper
    columns = np.stack([year.columns("open") for year in built.years])
    if (flags < lower[columns]).any() or (flags > upper[columns]).any():
        return None
    lower[columns] = upper[columns] = flags
    fixed = model.restricted(np.ones(model.num_cols, bool), col_lower=lower, col_upper=upper)
    result, x = solve_matrix(fixed, EXACT)
    return None if x is None else (float(result.objective), fixed.expand(x, model.num_cols))


def relaxation_bound(model: MatrixModel) -> float:
    whole = model.restricted(np.ones(model.num_cols, bool), lazy_rows=np.ones(model.num_lazy, bool))
    result, _ = solve_matrix(whole, EXACT, relax=True)
    return float(result.objective)


def test_the_cuts_never_cut_off_the_enumerated_optimum(
    growing: rollout.Input, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = build_without_cuts(growing, monkeypatch)
    with_cuts = build(growing)
    assert with_cuts.model.num_rows > plain.model.num_rows  # the cuts are there
    plans = [p for flags in schedules(plain) if (p := solve_fixed(plain, flags)) is not None]
    assert len(plans) > 10
    best, best_x = min(plans, key=lambda p: p[0])
    # every plan of the model without the cuts meets them (same columns, in the same order)
    for _, x in plans:
        assert with_cuts.model.max_violation(x) <= 1e-6
        assert (x >= with_cuts.model.col_lower - 1e-9).all() and (x <= with_cuts.model.col_upper + 1e-9).all()
    solved = rollout.solve(growing, options=EXACT)
    assert solved.result.status is Status.OPTIMAL
    assert solved.result.objective == pytest.approx(best, rel=1e-7)
    assert with_cuts.model.objective_value(best_x) == pytest.approx(best, rel=1e-9)
    assert rollout.check(growing, solved).passed


def test_the_cuts_raise_the_relaxation(growing: rollout.Input, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = relaxation_bound(build_without_cuts(growing, monkeypatch).model)
    strong = relaxation_bound(build(growing).model)
    optimum = rollout.solve(growing, options=EXACT).result.objective
    assert plain < strong - 1.0  # pounds: the chair rounding of each year binds
    assert strong <= optimum + 1e-6


def test_branching_on_sites_raises_the_bound_and_stays_valid(part_open: rollout.Input) -> None:
    built = build(part_open)
    optimum = rollout.solve(part_open, options=EXACT).result.objective
    run = StagedSearch(built.model, replace(EXACT, time_limit=60.0))
    session, root = large._relax(run, built)
    assert root.converged and root.bound is not None and root.bound < optimum * (1 - 1e-3)
    run.best_obj = optimum * 1.5  # a poor plan: the branching must try to prove it, not stop at once
    nodes = branch_on_sites(run, built, session, root)
    assert nodes >= 2 and run.bound is not None
    assert root.bound + 1.0 < run.bound <= optimum + 1e-6  # higher than the root, never above the optimum
    assert any(note.startswith("branch ") for note in run.notes)  # each child named in the notes
