"""The valid inequalities of :mod:`models.sact.cuts` (constraints 14-16): their rows, the sites they
fix open, and that no optimum moves, against the brute force of :mod:`tests.models.test_sact_enumeration`.

Each test builds the model with and without the function (the pattern of ``test_sact_matrix``):
the integer optimum is the enumerated one either way, and the relaxation is at least as strong with
the rows, strictly where the case is built for it.
"""

from __future__ import annotations

import numpy as np
import pytest

import models.sact.matrix as sact_matrix
from models.sact.arrays import prepare
from models.sact.cuts import least_chairs, only_hub_of, opened_by_cover, reached_by_one_site
from models.sact.input import SactInput
from solvers import MatrixModel, Status, solve_matrix
from tests.models.test_sact_enumeration import EXACT, enumerated_optimum, geometry, make_instance, with_params
from tests.models.test_sact_matrix import HUB_MINUTES, MINUTES, rows

INF = float("inf")


def build(data: SactInput, cuts: bool = True) -> MatrixModel:
    """The model of ``data``; without ``cuts``, with none of constraints 14-16."""
    with pytest.MonkeyPatch.context() as patch:
        if not cuts:
            patch.setattr(sact_matrix, "chair_rounding", lambda *args: None)
            patch.setattr(sact_matrix, "cover_rows", lambda *args: None)
            patch.setattr(sact_matrix, "opened_by_cover", lambda a, p: np.zeros(a.num_sites, dtype=bool))
        return sact_matrix.build_matrix(prepare(data), data.parameters)


def optimum(data: SactInput, cuts: bool = True) -> float:
    result, _ = solve_matrix(build(data, cuts), EXACT)
    assert result.status is Status.OPTIMAL
    return float(result.objective)


def relaxation(data: SactInput, cuts: bool = True) -> float:
    result, _ = solve_matrix(build(data, cuts), EXACT, relax=True)
    return float(result.objective)


def two_sites(attendances: list[float], sites: dict[str, list] | None = None, **params: object) -> SactInput:
    """Z1 is 10 min from S1 and 30 from S2; Z2 40 and 10; a chair serves 10 attendances."""
    return make_instance(
        MINUTES, attendances, hub_minutes=HUB_MINUTES, sites={"max_chairs": [3, 3], **(sites or {})}, **params
    )


def same_optimum_stronger_relaxation(data: SactInput) -> tuple[float, float]:
    """The optimum with and without every cut equals the enumerated one; returns the relaxations
    (with, without), the first never below the second."""
    expected = enumerated_optimum(data)
    assert optimum(data) == pytest.approx(expected, rel=1e-7)
    assert optimum(data, cuts=False) == pytest.approx(expected, rel=1e-7)
    with_cuts, without = relaxation(data), relaxation(data, cuts=False)
    assert with_cuts >= without - 1e-7
    return with_cuts, without


def test_least_chairs_rounds_up_but_not_rounding_error() -> None:
    assert least_chairs(21.0, 10.0) == 3.0
    assert least_chairs(20.0, 10.0) == 2.0
    assert least_chairs(20.0 * (1.0 + 1e-12), 10.0) == 2.0
    assert least_chairs(0.0, 10.0) == 0.0
    assert least_chairs(5.0, 0.0) == 0.0


def test_chair_rounding_row_and_bound() -> None:
    """(14) 13 attendances need 1.3 chairs, so 2: the relaxation buys 1.3 without the row."""
    data = two_sites([6.0, 7.0])
    assert rows(build(data), "chairs_total") == [({"chairs[0]": 1.0, "chairs[1]": 1.0}, 2.0, INF)]
    assert "chairs_complex" not in build(data).constraint_blocks  # no complex attendances
    assert "chairs_total" not in build(data, cuts=False).constraint_blocks
    with_rows, without = same_optimum_stronger_relaxation(data)
    assert with_rows > without + 1.0


def test_chair_rounding_complex_sites() -> None:
    """(14) complex attendances (30 % of 13 = 3.9 chair hours) need a whole chair at S1, the only
    complex-capable site."""
    data = two_sites([6.0, 7.0], sites={"type": ["cancer_centre", "community_site"]}, complex_share=0.3)
    assert rows(build(data), "chairs_complex") == [({"chairs[0]": 1.0}, 1.0, INF)]
    same_optimum_stronger_relaxation(data)


def test_hub_cover_fixes_the_hub_needed() -> None:
    """(15) 13 doses from hubs of 8 and 20: S2 must open, whatever else."""
    data = two_sites(
        [6.0, 7.0],
        sites={"is_hub": [True, True], "hub_capacity": [8.0, 20.0], "fixed_cost": [100.0, 400.0]},
        require_aseptic_supply=True,
    )
    model = build(data)
    assert rows(model, "hub_cover") == [({"open[0]": 8.0, "open[1]": 20.0}, 13.0, INF)]
    assert opened_by_cover(prepare(data), data.parameters).tolist() == [False, True]
    assert model.col_lower[model.variable_blocks["open"].index].tolist() == [0.0, 1.0]
    with_rows, without = same_optimum_stronger_relaxation(data)
    assert with_rows > without + 1.0


def test_chair_cover_fixes_the_site_needed() -> None:
    """(16) 13 attendances need 2 chairs; S1 holds at most 1, so S2 must open."""
    data = two_sites([6.0, 7.0], sites={"max_chairs": [1, 3], "fixed_cost": [100.0, 400.0]})
    model = build(data)
    assert rows(model, "chair_cover") == [({"open[0]": 1.0, "open[1]": 3.0}, 2.0, INF)]
    assert model.col_lower[model.variable_blocks["open"].index].tolist() == [0.0, 1.0]
    same_optimum_stronger_relaxation(data)


def test_no_cut_when_demand_may_go_unserved() -> None:
    """With unserved demand allowed none of 14-16 holds, and none is built."""
    data = two_sites(
        [6.0, 7.0],
        sites={"is_hub": [True, True], "hub_capacity": [8.0, 20.0], "max_chairs": [1, 3]},
        require_aseptic_supply=True,
        allow_unserved=True,
        unserved_penalty=1000.0,
    )
    model = build(data)
    assert not {"chairs_total", "hub_cover", "chair_cover"} & set(model.constraint_blocks)
    assert not opened_by_cover(prepare(data), data.parameters).any()


def constant_left_out(data: SactInput) -> tuple[float, float]:
    """The optimum of the model without what every plan pays, plus it, and the whole model's."""
    a, p = prepare(data), data.parameters
    without, _ = solve_matrix(sact_matrix.build_matrix(a, p, without_constant=True), EXACT)
    whole, _ = solve_matrix(sact_matrix.build_matrix(a, p), EXACT)
    assert without.status is Status.OPTIMAL and whole.status is Status.OPTIMAL
    return float(without.objective) + sact_matrix.fixed_in_every_plan(a, p), float(whole.objective)


def test_the_only_site_a_zone_reaches_is_open_in_every_plan() -> None:
    """(17) Within 35 minutes Z2 reaches S2 alone (S1 is 40): S2 opens in every plan, with its
    least chair: 100 + 10 of fixed cost and chair in every plan, left out while solving and added
    back to the same optimum.  With unserved demand allowed Z2 may go unserved: nothing is forced."""
    data = two_sites([6.0, 7.0], sites={"min_chairs": [1, 1]}, max_travel_minutes=35.0)
    assert reached_by_one_site(prepare(data), data.parameters).tolist() == [False, True]
    assert sact_matrix.open_in_every_plan(prepare(data), data.parameters).tolist() == [False, True]
    assert sact_matrix.fixed_in_every_plan(prepare(data), data.parameters) == 110.0
    with_constant, whole = constant_left_out(data)
    assert with_constant == pytest.approx(whole) and whole == pytest.approx(enumerated_optimum(data))
    unserved = with_params(data, allow_unserved=True, unserved_penalty=1000.0)
    assert not reached_by_one_site(prepare(unserved), unserved.parameters).any()


def test_the_only_hub_that_can_supply_a_must_open_site_is_open_in_every_plan() -> None:
    """(17) S1 must open and only S2, a hub, can supply it: S2 opens in every plan, unserved demand
    allowed or not (the hub cover, 15, needs all demand served, so it is off here).  Every plan
    pays 100 + 10 (S1 and its chair) + 400 + 10 (S2 and its chair) = 520."""
    data = two_sites(
        [6.0, 7.0],
        sites={
            "is_hub": [False, True],
            "hub_capacity": [0.0, 20.0],
            "must_open": [True, False],
            "min_chairs": [1, 1],
            "fixed_cost": [100.0, 400.0],
        },
        require_aseptic_supply=True,
        allow_unserved=True,
        unserved_penalty=1000.0,
    )
    a = prepare(data)
    assert not opened_by_cover(a, data.parameters).any()
    assert only_hub_of(a, data.parameters, a.must_open).tolist() == [False, True]
    assert sact_matrix.open_in_every_plan(a, data.parameters).tolist() == [True, True]
    assert sact_matrix.fixed_in_every_plan(a, data.parameters) == 520.0
    with_constant, whole = constant_left_out(data)
    assert with_constant == pytest.approx(whole)


@pytest.mark.parametrize("seed", range(4))
def test_random_instances_keep_their_optimum(seed: int) -> None:
    """Hubs, complex regimens, least chairs and an access target together: the same optimum as the
    brute force, with and without the cuts."""
    rng = np.random.default_rng(seed)
    minutes = geometry(6, 3, seed=seed)
    attendances = rng.integers(2, 9, 6).astype(float)
    hubs = attendances.sum() * rng.uniform(0.3, 1.1, 2)
    hubs *= max(1.0, attendances.sum() / hubs.sum())
    hub_minutes = np.array([[0, 30, 50], [30, 0, 40], [50, 40, 0]], float)
    data = make_instance(
        minutes,
        list(attendances),
        hub_minutes=hub_minutes,
        require_aseptic_supply=True,
        complex_share=0.3,
        sites={
            "type": ["cancer_centre", "hospital_unit", "community_site"],
            "is_hub": [True, True, False],
            "hub_capacity": [float(hubs[0]), float(hubs[1]), 0.0],
            "min_chairs": [1, 1, 1],
            "max_chairs": [3, 2, 2],
            "fixed_cost": list(rng.integers(50, 300, 3).astype(float)),
        },
    )
    same_optimum_stronger_relaxation(data)
    same_optimum_stronger_relaxation(with_params(data, access_minutes=35.0, access_target=0.5))
