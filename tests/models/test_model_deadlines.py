"""The models' own loops share the solve's one deadline (issue 17 item 6) and stop on request (item 5)."""

from __future__ import annotations

import importlib
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import models.rollout as rollout
import models.sact as sact
from models.rollout.build import build
from models.rollout.solve import forward_plan
from optimiser.kinds import load_instance
from solvers import SolveOptions, request_stop
from solvers.interrupt import clear_stop
from solvers.search_state import StagedSearch as _Search


@pytest.fixture
def three_years(tiny_instance: Path) -> rollout.Input:
    base: sact.Input = load_instance(tiny_instance).model_input.input
    years = pd.DataFrame(
        {
            "year": [2026, 2027, 2028],
            "demand_factor": [1.0, 1.1, 1.2],
            "capital_budget": [np.nan] * 3,
            "access_target": [np.nan] * 3,
            "nurse_factor": [1.0] * 3,
            "hub_capacity_factor": [1.0] * 3,
        }
    )
    return rollout.Input(base=base, years=years)


def _record_steps(monkeypatch: pytest.MonkeyPatch) -> list[SolveOptions]:
    """Record the options of every step ``forward_plan`` solves (and solve it)."""
    module = importlib.import_module("models.rollout.solve")  # the package's ``solve`` hides the module
    steps: list[SolveOptions] = []
    real = module.solve_model

    def solve_model(model, backend, options, **kwargs):  # type: ignore[no-untyped-def]
        steps.append(options)
        return real(model, backend, options, **kwargs)

    monkeypatch.setattr(module, "solve_model", solve_model)
    return steps


def test_each_forward_step_gets_a_share_of_the_time_left(
    three_years: rollout.Input, monkeypatch: pytest.MonkeyPatch
) -> None:
    """600 s asked but 9 s left: each of 3 years x 3 shares gets at most 1 s, not 600 / 9 s."""
    steps = _record_steps(monkeypatch)
    options = SolveOptions(time_limit=600.0).with_deadline(9.0)
    built = build(three_years)
    x = forward_plan(three_years, built, options)
    assert x is not None and x.shape == (built.model.num_cols,)
    assert len(steps) == 3
    assert all(s.time_limit is not None and s.time_limit <= 1.0 for s in steps)
    assert all(s.deadline == options.deadline for s in steps)


def test_the_forward_plan_stops_once_the_deadline_has_passed(
    three_years: rollout.Input, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = _record_steps(monkeypatch)
    spent = replace(SolveOptions(time_limit=60.0), deadline=time.monotonic() - 1.0)
    assert forward_plan(three_years, build(three_years), spent) is None
    assert steps == []  # no step was started


def test_the_forward_plan_stops_on_ctrl_c(
    three_years: rollout.Input, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = _record_steps(monkeypatch)
    built = build(three_years)
    request_stop()
    try:
        assert forward_plan(three_years, built, SolveOptions(time_limit=60.0)) is None
    finally:
        clear_stop()
    assert steps == []


def test_the_priced_search_never_plans_past_the_deadline() -> None:
    """Its own time limit of 100 s is cut to the 5 s left before the shared deadline."""
    options = SolveOptions(time_limit=100.0).with_deadline(5.0)
    search = _Search(model=None, options=options, build_seconds=0.0, progress=None)  # type: ignore[arg-type]
    left = search.left()
    assert left is not None and 4.0 < left <= 5.0
    stage = search.options_for(reserve=1.0)
    assert stage is not None and stage.time_limit is not None and 3.0 < stage.time_limit <= 4.0
    assert _Search(None, SolveOptions(time_limit=10.0), 0.0, None).left() == pytest.approx(10.0, abs=0.5)  # type: ignore[arg-type]
    assert _Search(None, SolveOptions(), 0.0, None).left() is None  # type: ignore[arg-type]


def test_the_priced_search_starts_no_stage_once_a_stop_is_requested() -> None:
    """After Ctrl-C (or with its search called off) no stage gets options: a stage would only build
    its model (the whole model at England's size: seconds) to hand back the plan in hand."""
    search = _Search(None, SolveOptions(time_limit=100.0), 0.0, None)  # type: ignore[arg-type]
    assert search.options_for() is not None
    request_stop()
    try:
        assert search.options_for() is None
    finally:
        clear_stop()
    cancel = threading.Event()
    cancel.set()
    assert _Search(None, SolveOptions(time_limit=100.0, cancel=cancel), 0.0, None).options_for() is None  # type: ignore[arg-type]
