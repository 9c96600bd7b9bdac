"""Plans during stage 1 in a second thread (models.sact.plan_worker)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import models.sact.plan_worker as plan_worker
from instances.generators.sact import generate
from models.sact.arrays import prepare
from models.sact.matrix import build_matrix
from models.sact.plan_worker import PlanWorker
from optimiser.kinds import get_kind
from optimiser.kinds.base import input_from_tables
from solvers import SolveOptions
from solvers.search_state import StagedSearch


def _worker(
    monkeypatch: pytest.MonkeyPatch, plan: object, limit: int = 2
) -> tuple[PlanWorker, threading.Event]:
    """A worker on a 30 x 5 instance whose fix and transport waits for the event, then returns
    ``plan`` (a full point, None, or an error to raise)."""
    inst = generate(zones=30, sites=5, seed=0)
    data = input_from_tables(get_kind("sact"), inst.tables, inst.parameters, inst.name).input
    a = prepare(data)
    model = build_matrix(a, data.parameters)
    release = threading.Event()

    def fake(*args: object) -> tuple[object, str]:
        release.wait(5.0)
        if isinstance(plan, Exception):
            raise plan
        return plan, "fake plan"

    monkeypatch.setattr(plan_worker, "fix_and_transport", fake)
    run = StagedSearch(model, SolveOptions(gap=0.01, threads=2))
    return PlanWorker(run, a, data.parameters, limit), release


def test_one_plan_at_a_time_within_the_limit_and_its_plan_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    worker, release = _worker(monkeypatch, None, limit=2)
    model = worker.run.model
    point = np.zeros(model.num_cols)
    assert worker.submit(point, point > 0, "step") and worker.busy()
    assert not worker.submit(point, point > 0, "step")  # busy: dropped, no try spent
    release.set()
    worker.join()
    assert worker.tries == 1 and worker.run.best_x is None
    assert worker.run.notes == ["during pricing, fake plan in 0.0 s (from a step point, beside the re-solve)"]
    assert worker.submit(point, point > 0, "round")
    worker.join()
    assert not worker.submit(point, point > 0, "step")  # out of tries


def test_a_plan_meets_the_gap_against_the_raised_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    worker, release = _worker(monkeypatch, None)
    model = worker.run.model
    plan = np.ones(model.num_cols)
    monkeypatch.setattr(plan_worker, "fix_and_transport", lambda *args: (plan, "fake plan"))
    value = model.objective_value(plan)
    assert value > 0
    worker.raise_bound(0.98 * value)
    assert worker.submit(plan, plan > 0, "step")
    worker.join()
    assert worker.run.best_obj == pytest.approx(value) and not worker.gap_met()  # 2 % over the bound
    worker.raise_bound(0.995 * value)
    worker.raise_bound(0.5 * value)  # a lower bound never lowers it
    assert worker.run.bound == pytest.approx(0.995 * value) and worker.gap_met()
    release.set()


def test_an_error_in_the_thread_is_raised_by_join(monkeypatch: pytest.MonkeyPatch) -> None:
    worker, release = _worker(monkeypatch, RuntimeError("broken"))
    point = np.zeros(worker.run.model.num_cols)
    release.set()
    assert worker.submit(point, point > 0, "step")
    with pytest.raises(RuntimeError, match="broken"):
        worker.join()
