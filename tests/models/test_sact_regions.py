"""The region-by-region restricted MILP after the closing pass (:mod:`models.sact.regions`) on tiny
instances whose optimum is proved by enumeration."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

import models.sact.close as sact_close
import models.sact.heuristic as sact_heuristic
import models.sact.regions as sact_regions
from models.sact.arrays import SactArrays, prepare
from models.sact.input import SactInput, SactParameters
from models.sact.matrix import build_matrix
from models.sact.regions import improve_by_regions, region_of
from models.sact.transport import HEURISTIC_TOLERANCE
from solvers import MatrixModel, request_stop
from solvers.interrupt import clear_stop
from tests.models.test_sact_enumeration import EXACT, enumerated_optimum, make_instance

# A chain. Sites A, B, C (most chairs 3, 2, 1; a chair serves 10 attendances), five zones of 10
# attendances; 100 minutes is out of reach (over the 90-minute limit):
#   Z1, Z2 a minute from A; Z3 a minute from B, two from A; Z4 a minute from B;
#   Z5 a minute from C, two from B.
# All three open, each zone at its nearest site: 400 (fixed 300, chairs 50, travel 50). The
# optimum shuts C: Z5 goes to B, which makes room by sending Z3 to A (320: fixed 200, chairs 50,
# travel 70). No single close finds it: C's attendances reach only B, which is full; B's and A's
# find no site with room. There is no shut site to swap in.
CHAIN_MINUTES = np.array(
    [
        [1.0, 100.0, 100.0],
        [1.0, 100.0, 100.0],
        [2.0, 1.0, 100.0],
        [100.0, 1.0, 100.0],
        [100.0, 2.0, 1.0],
    ]
)
CHAIN_ATTENDANCES = [10.0] * 5


def _chain() -> SactInput:
    return make_instance(CHAIN_MINUTES, CHAIN_ATTENDANCES, sites={"max_chairs": [3, 2, 1]})


def _closed_plan(data: SactInput) -> tuple[MatrixModel, SactArrays, SactParameters, np.ndarray]:
    """The model and fix and transport's plan, closing pass included, from a relaxation's point that
    opens every site half-way."""
    a = prepare(data)
    p = data.parameters
    model = build_matrix(a, p)
    point = np.zeros(model.num_cols)
    point[model.variable_blocks["open"].index] = 0.6
    x, note = sact_heuristic.fix_and_transport(
        model, a, p, point, np.zeros(model.num_cols, dtype=bool), EXACT, None
    )
    assert x is not None, note
    return model, a, p, x


@pytest.mark.parametrize("swaps", [0, 4])
def test_regions_find_the_optimum_the_closing_pass_misses(
    monkeypatch: pytest.MonkeyPatch, swaps: int
) -> None:
    monkeypatch.setattr(sact_close, "SWAP_CANDIDATES", swaps)
    data = _chain()
    optimum = enumerated_optimum(data)
    assert optimum == pytest.approx(320.0)
    model, a, p, x = _closed_plan(data)
    assert model.objective_value(x) == pytest.approx(400.0)  # the closing pass is stuck
    better, note = improve_by_regions(model, a, p, x, EXACT, None)
    assert model.objective_value(better) == pytest.approx(optimum, rel=1e-9), note
    assert model.max_violation(better) <= HEURISTIC_TOLERANCE
    y = better[model.variable_blocks["open"].index]
    assert list(y > 0.5) == [True, True, False]


def test_a_region_of_one_site_cannot_make_the_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    """A region of one site frees only the rows within reach of it: from C that is Z5, which can go
    only to the full B (Z3 and Z4 fixed there): nothing changes. A region of two sites (C and B)
    frees Z3 too, whose move to A makes the room: the chain is found."""
    data = _chain()
    model, a, p, x = _closed_plan(data)
    monkeypatch.setattr(sact_regions, "REGION_SITES", 1)
    same, _ = improve_by_regions(model, a, p, x, EXACT, None)
    assert model.objective_value(same) == pytest.approx(400.0)
    monkeypatch.setattr(sact_regions, "REGION_SITES", 2)
    better, note = improve_by_regions(model, a, p, x, EXACT, None)
    assert model.objective_value(better) == pytest.approx(320.0), note


def test_region_is_the_seed_and_its_nearest_sites() -> None:
    """By the shortest journey through a zone both serve: from C, B is 3 minutes (via Z5); A
    shares no zone with C and is not in its region. From B: itself, A (3, via Z3), C (3, via Z5)."""
    a = prepare(_chain())
    assert list(region_of(a, 2, 3)) == [2, 1]
    assert sorted(region_of(a, 1, 3)[1:]) == [0, 2] and region_of(a, 1, 3)[0] == 1
    assert list(region_of(a, 1, 1)) == [1]


def test_no_search_when_the_plan_meets_the_gap() -> None:
    model, a, p, x = _closed_plan(_chain())
    same, note = improve_by_regions(model, a, p, x, EXACT, None, target=400.0)
    assert same is x and "not needed" in note


def test_no_region_is_tried_once_the_search_must_stop() -> None:
    """Ctrl-C, or the search called off from another thread (``options.cancel``): no region is
    tried (each would build its MILP only to hand back the plan: a 10,000 x 300 run stopped by
    Ctrl-C went on for a minute); the target may be a function of the bound as it rises."""
    model, a, p, x = _closed_plan(_chain())
    cancel = threading.Event()
    cancel.set()
    same, note = improve_by_regions(model, a, p, x, replace(EXACT, cancel=cancel), None)
    assert same is x and "(0 regions, 0 better" in note
    request_stop()
    try:
        same, note = improve_by_regions(model, a, p, x, EXACT, None)
    finally:
        clear_stop()
    assert same is x and "(0 regions, 0 better" in note
    same, note = improve_by_regions(model, a, p, x, EXACT, None, target=lambda: 400.0)
    assert same is x and "not needed" in note
    better, note = improve_by_regions(model, a, p, x, EXACT, None, target=lambda: 320.0)
    assert model.objective_value(better) == pytest.approx(320.0, rel=1e-9), note


def test_the_plan_meets_every_row_with_aseptic_supply() -> None:
    """The same chain with aseptic supply: A is the only hub (room for every dose), within reach of
    all three sites. The region's MILP must keep every site linked to an open hub."""
    data = make_instance(
        CHAIN_MINUTES,
        CHAIN_ATTENDANCES,
        sites={"max_chairs": [3, 2, 1], "is_hub": [True, False, False], "hub_capacity": [1000.0, 0.0, 0.0]},
        hub_minutes=np.full((3, 3), 10.0),
        require_aseptic_supply=True,
    )
    optimum = enumerated_optimum(data)
    model, a, p, x = _closed_plan(data)
    better, note = improve_by_regions(model, a, p, x, EXACT, None)
    assert model.max_violation(better) <= HEURISTIC_TOLERANCE
    assert model.objective_value(better) == pytest.approx(optimum, rel=1e-9), note


def test_the_region_just_improved_is_not_searched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the chain, the region seeded at C (C and B) finds the optimum; C, shut now, is the only
    seed left and lies in that region's nearer half, whose MILP was proven with the rest of the plan
    as it now is: searching it again (as before) could find nothing."""
    seeds: list[int] = []

    def region_of(a: SactArrays, seed: int, size: int | None = None) -> np.ndarray:
        seeds.append(seed)
        return sact_regions_region_of(a, seed, size)

    sact_regions_region_of = sact_regions.region_of
    monkeypatch.setattr(sact_regions, "region_of", region_of)
    model, a, p, x = _closed_plan(_chain())
    better, note = improve_by_regions(model, a, p, x, EXACT, None)
    assert model.objective_value(better) == pytest.approx(320.0), note
    assert seeds == [2] and "(1 regions, 1 better" in note
