"""One test per constraint function of :mod:`models.sact.matrix`, on a two-zone, two-site input.

Each test reads the rows the function adds (coefficients by variable name, and bounds) and solves
the model with and without the function: removing it changes the optimum where the constraint
binds (and, for the strong linking rows, only the relaxation).

The base instance: Z1 (6 attendances) is 10 min from S1 and 30 from S2; Z2 (4) is 40 from S1 and
10 from S2.  Each site costs 100 a year open and 10 a chair; a chair serves 10 attendances; a
patient-minute costs 1.  Both open (one chair each) cost 200 + 20 + 60 + 40 = 320, the optimum;
one site alone costs 330.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import models.sact.matrix as sact_matrix
from models.sact.arrays import prepare
from models.sact.input import SactInput
from solvers import MatrixModel, Status, solve_matrix
from tests.models.test_sact_enumeration import EXACT, make_instance, with_params, with_sites

MINUTES = np.array([[10.0, 30.0], [40.0, 10.0]])
HUB_MINUTES = np.array([[0.0, 20.0], [20.0, 0.0]])


def base(sites: dict[str, list] | None = None, **params: object) -> SactInput:
    return make_instance(
        MINUTES, [6.0, 4.0], hub_minutes=HUB_MINUTES, sites={"max_chairs": [3, 3], **(sites or {})}, **params
    )


def build(data: SactInput, *without: str) -> MatrixModel:
    """The model of ``data``; with ``without``, those constraint functions left out."""
    with pytest.MonkeyPatch.context() as patch:
        for name in without:
            patch.setattr(sact_matrix, name, lambda *args, **kwargs: np.zeros(0, dtype=np.int64))
        return sact_matrix.build_matrix(prepare(data), data.parameters)


def optimum(data: SactInput, *without: str) -> float:
    result, _ = solve_matrix(build(data, *without), EXACT)
    assert result.status is Status.OPTIMAL
    return float(result.objective)


def relaxation(data: SactInput, *without: str) -> float:
    result, _ = solve_matrix(build(data, *without), EXACT, relax=True)
    return float(result.objective)


def names(model: MatrixModel) -> list[str]:
    """``block[i]`` for every column."""
    out = [""] * model.num_cols
    for name, block in model.variable_blocks.items():
        for i, col in enumerate(block.index):
            out[col] = f"{name}[{i}]"
    return out


def rows(model: MatrixModel, block: str) -> list[tuple[dict[str, float], float, float]]:
    """The rows of ``block`` (ordinary or lazy): their non-zero terms by column name and bounds."""
    label = names(model)
    if block in model.constraint_blocks:
        index = model.constraint_blocks[block].index
        matrix, lower, upper = model.matrix().tocsr(), model.row_lower, model.row_upper
    else:
        index = model.lazy_blocks[block].index
        matrix, lower, upper = model.lazy_pool()
    out = []
    for r in index:
        row = matrix.getrow(r)
        terms = {label[c]: float(v) for c, v in zip(row.indices, row.data, strict=True) if v != 0}
        out.append((terms, float(lower[r]), float(upper[r])))
    return out


INF = float("inf")
DERIVED_FROM_DEMAND = ("chair_rounding", "cover_rows")  # rows of models.sact.cuts that sum (1) and (3)


def test_base_optimum() -> None:
    assert optimum(base()) == pytest.approx(320.0)


def test_demand_served() -> None:
    """(1) every demand row's arcs and unserved share sum to 1; without it nothing is served."""
    model = build(base())
    assert rows(model, "demand") == [
        ({"serve[0]": 1.0, "serve[1]": 1.0, "unserved[0]": 1.0}, 1.0, 1.0),
        ({"serve[2]": 1.0, "serve[3]": 1.0, "unserved[1]": 1.0}, 1.0, 1.0),
    ]
    # the chair rounding and covers (14-16, models.sact.cuts) follow from (1), so go with it
    assert optimum(base(), "demand_served", *DERIVED_FROM_DEMAND) == pytest.approx(0.0)


def test_chairs_when_open() -> None:
    """(2) least and most chairs when open; S1's least of 2 chairs costs 10 more (330)."""
    data = with_sites(base(), min_chairs=[2, 0])
    model = build(data)
    assert rows(model, "chairs_min") == [
        ({"chairs[0]": 1.0, "open[0]": -2.0}, 0.0, INF),
        ({"chairs[1]": 1.0}, 0.0, INF),
    ]
    assert rows(model, "chairs_max") == [
        ({"chairs[0]": 1.0, "open[0]": -3.0}, -INF, 0.0),
        ({"chairs[1]": 1.0, "open[1]": -3.0}, -INF, 0.0),
    ]
    assert optimum(data) == pytest.approx(330.0)
    assert optimum(data, "chairs_when_open") == pytest.approx(320.0)


def test_chair_hours_capacity() -> None:
    """(3) chair hours booked within the chairs' hours; without it no chair is bought (300)."""
    model = build(base())
    assert rows(model, "chair_hours") == [
        ({"serve[0]": 6.0, "serve[2]": 4.0, "chairs[0]": -10.0}, -INF, 0.0),
        ({"serve[1]": 6.0, "serve[3]": 4.0, "chairs[1]": -10.0}, -INF, 0.0),
    ]
    assert optimum(base(), "chair_hours_capacity", *DERIVED_FROM_DEMAND) == pytest.approx(300.0)


def test_serve_only_open() -> None:
    """(4') x <= y per arc (lazy by default): with the aggregated rows (4) the same integer optimum,
    a stronger relaxation; the only linking without lazy rows, so there removing it lets a closed
    site serve.  No chairs are needed here (0 chair hours an attendance), so only linking opens sites."""
    data = with_params(base(), mean_chair_hours=0.0)  # optimum: both open, 200 + 60 + 40
    lazy = build(data)
    assert rows(lazy, "serve_open")[0] == ({"serve[0]": 1.0, "open[0]": -1.0}, -INF, 0.0)
    assert len(rows(lazy, "serve_open")) == 4 and "serve_open" in lazy.lazy_blocks
    assert optimum(data) == optimum(data, "serve_only_open") == pytest.approx(300.0)
    assert relaxation(data) > relaxation(data, "serve_only_open") + 1.0
    upfront = with_params(data, lazy_linking=False)
    assert (
        "serve_open" in build(upfront).constraint_blocks
        and "serve_open_sum" not in build(upfront).constraint_blocks
    )
    assert optimum(upfront) == pytest.approx(300.0)
    assert optimum(upfront, "serve_only_open") == pytest.approx(100.0)


def test_serve_only_open_aggregated() -> None:
    """(4) a site's arcs sum to at most their number x y; without it (and no per-arc rows) a
    closed site serves: travel only, 100."""
    data = with_params(base(), strong_linking=False, mean_chair_hours=0.0)
    model = build(data)
    assert rows(model, "serve_open_sum") == [
        ({"serve[0]": 1.0, "serve[2]": 1.0, "open[0]": -2.0}, -INF, 0.0),
        ({"serve[1]": 1.0, "serve[3]": 1.0, "open[1]": -2.0}, -INF, 0.0),
    ]
    assert optimum(data) == pytest.approx(300.0)
    assert optimum(data, "serve_only_open_aggregated") == pytest.approx(100.0)


def test_access_target() -> None:
    """(5) all attendances within 10 min: both sites open even when S2 costs 200 (420, not 330)."""
    data = with_sites(with_params(base(), access_minutes=10.0, access_target=1.0), fixed_cost=[100.0, 200.0])
    assert rows(build(data), "access") == [({"serve[0]": 6.0, "serve[3]": 4.0}, 10.0, INF)]
    assert optimum(data) == pytest.approx(420.0)
    assert optimum(data, "access_target") == pytest.approx(330.0)
    served = with_params(data, allow_unserved=True, access_target=0.5)  # a share of the served
    assert rows(build(served), "access") == [
        ({"serve[0]": 3.0, "serve[1]": -3.0, "serve[2]": -2.0, "serve[3]": 2.0}, 0.0, INF)
    ]


def test_open_site_limits() -> None:
    """(6) at most one site open (or no new one): 330, not 320."""
    data = with_params(base(), max_open_sites=1)
    assert rows(build(data), "open_sites") == [({"open[0]": 1.0, "open[1]": 1.0}, -INF, 1.0)]
    assert optimum(data) == pytest.approx(330.0)
    assert optimum(data, "open_site_limits") == pytest.approx(320.0)
    new = with_params(with_sites(base(), existing=[True, False]), max_new_sites=0)
    assert rows(build(new), "new_sites") == [({"open[1]": 1.0}, -INF, 0.0)]
    assert optimum(new) == pytest.approx(330.0)
    exact = with_params(base(), exact_open_sites=1)
    assert rows(build(exact), "open_sites") == [({"open[0]": 1.0, "open[1]": 1.0}, 1.0, 1.0)]


def test_budget() -> None:
    """(7) 150 a year on sites and chairs: one site (330, not 320)."""
    data = with_params(base(), budget=150.0)
    assert rows(build(data), "budget") == [
        ({"open[0]": 100.0, "open[1]": 100.0, "chairs[0]": 10.0, "chairs[1]": 10.0}, -INF, 150.0)
    ]
    assert optimum(data) == pytest.approx(330.0)
    assert optimum(data, "budget") == pytest.approx(320.0)


def test_safe_volume() -> None:
    """(8) 5 attendances at an open site: S2 (4 of its own) is not worth opening (330, not 320)."""
    data = with_params(base(), min_site_attendances=5.0)
    assert rows(build(data), "safe_volume") == [
        ({"serve[0]": 6.0, "serve[2]": 4.0, "open[0]": -5.0}, 0.0, INF),
        ({"serve[1]": 6.0, "serve[3]": 4.0, "open[1]": -5.0}, 0.0, INF),
    ]
    assert optimum(data) == pytest.approx(330.0)
    assert optimum(data, "safe_volume") == pytest.approx(320.0)


def aseptic(**sites: list) -> SactInput:
    hubs = {"is_hub": [True, False], "hub_capacity": [100.0, 0.0], **sites}
    return base(hubs, require_aseptic_supply=True, transport_cost_per_minute=0.5)


def test_aseptic_supply() -> None:
    """(10) one open hub per open site within capacity; S2's 4 doses travel 20 min at 0.5 (+40)."""
    data = aseptic()
    model = build(data)
    # links (site, hub): (S1, S1), (S2, S1)
    assert rows(model, "one_hub") == [
        ({"supply[0]": 1.0, "open[0]": -1.0}, 0.0, 0.0),
        ({"supply[1]": 1.0, "open[1]": -1.0}, 0.0, 0.0),
    ]
    assert rows(model, "hub_open")[1] == ({"supply[1]": 1.0, "open[0]": -1.0}, -INF, 0.0)
    assert rows(model, "doses_balance")[1] == (
        {"doses[1]": 1.0, "serve[1]": -6.0, "serve[3]": -4.0},
        0.0,
        0.0,
    )
    assert rows(model, "doses_link")[1] == ({"doses[1]": 1.0, "supply[1]": -30.0}, -INF, 0.0)
    assert rows(model, "hub_capacity") == [({"doses[0]": 1.0, "doses[1]": 1.0, "open[0]": -100.0}, -INF, 0.0)]
    assert model.cost[model.variable_blocks["doses"].index].tolist() == [0.0, 10.0]
    assert optimum(data) == pytest.approx(330.0)  # S2 with its transport (360) no longer pays; S1 alone
    assert optimum(data, "aseptic_supply", "hub_supplies_itself") == pytest.approx(320.0)
    small = aseptic(hub_capacity=[8.0, 0.0])  # 10 doses a year needed, 8 prepared: no plan
    result, _ = solve_matrix(build(small), EXACT)
    assert result.status is Status.INFEASIBLE


def test_hub_supplies_itself() -> None:
    """(10') an open hub supplies itself: S2, a hub preparing 3 doses, cannot serve Z2's 4 from S1."""
    data = aseptic(is_hub=[True, True], hub_capacity=[100.0, 3.0])
    model = build(data)
    # links (site, hub): (S1, S1), (S1, S2), (S2, S1), (S2, S2)
    assert rows(model, "hub_self") == [
        ({"supply[0]": 1.0, "open[0]": -1.0}, 0.0, 0.0),
        ({"supply[3]": 1.0, "open[1]": -1.0}, 0.0, 0.0),
    ]
    free = with_params(data, transport_cost_per_minute=0.0)  # so only the rule keeps S2 from S1's doses
    assert optimum(free) == pytest.approx(330.0)  # S2 open on its own 3 doses costs 350
    assert optimum(free, "hub_supplies_itself") == pytest.approx(320.0)


def test_nurse_staffing() -> None:
    """(11) one nurse staffs one chair: one site (330, not 320)."""
    data = replace(
        with_params(base(), chairs_per_nurse=1.0), nurses=pd.DataFrame({"trust": ["T1"], "nurses": [1.0]})
    )
    assert rows(build(data), "nurses") == [({"chairs[0]": 1.0, "chairs[1]": 1.0}, -INF, 1.0)]
    assert optimum(data) == pytest.approx(330.0)
    assert optimum(data, "nurse_staffing") == pytest.approx(320.0)
