"""Each constraint function of :mod:`models.ooh.matrix`, alone, on a three-site input read row by row.

The input: sites A, B, C of one trust, 10 minutes apart; one service K of 1-in-3 at least (N = 3),
at most 5 members (M) and 2 sites (L) per rota, a locum premium (so temporary slots are
allowed, up to N); clinicians A 2, B 2, C 1; attendances a night A 1.0, B 0.5, C 2.5; category A
supplement bands 1-4 / 5-8 / 9+.  Every site may host, so there are 9 arcs and 3 candidate rotas;
each rota could gather 5 members, so its bands are 1-4 (lo 1, hi 4) and 5-8 (lo 5, hi 5).
Each test builds one constraint block and compares its rows, by column name, with the equation
in the docstring of :mod:`models.ooh`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from instances.generators.ooh import supplement_bands
from models.ooh import matrix
from models.ooh.input import OohInput, OohParameters
from solvers import MatrixModel

PARAMS = OohParameters()


def tiny(max_rota_size: float = 5, max_sites: float = 2) -> OohInput:
    ids = ["A", "B", "C"]
    sites = pd.DataFrame({"site_id": ids, "name": ids, "trust": "T"})
    services = pd.DataFrame(
        [("K", "Service", "non-resident", 30, 3, max_rota_size, max_sites, 100_000, 100, "A", 50.0)],
        columns=[
            "service_id", "name", "tier", "max_response_minutes", "min_rota_size", "max_rota_size",
            "max_sites_per_rota", "salary", "cost_per_night", "supplement_category", "locum_premium_per_night",
        ],
    )  # fmt: skip
    rotas = pd.DataFrame(
        {
            "site_id": ids,
            "service_id": "K",
            "clinicians": [2, 2, 1],
            "calls_per_night": [2.0, 1.0, 5.0],
            "attendances_per_night": [1.0, 0.5, 2.5],
            "calls_per_weekend_day": 0.0,
            "attendances_per_weekend_day": 0.0,
        }
    )
    travel = pd.DataFrame(
        [(a, b, 10.0) for a in ids for b in ids if a != b], columns=["from_site", "to_site", "minutes"]
    )
    return OohInput(sites=sites, services=services, rotas=rotas, travel=travel, bands=supplement_bands())


def built(inp: OohInput | None = None) -> tuple[MatrixModel, matrix.OohArrays, matrix.Columns]:
    """An empty model with the columns of ``inp`` (default :func:`tiny`), no constraint yet."""
    a = matrix.arrays(inp or tiny(), PARAMS)
    mm = MatrixModel("test")
    return mm, a, matrix.add_columns(mm, PARAMS, a)


def labels(mm: MatrixModel, a: matrix.OohArrays) -> list[str]:
    """A name per column: x[site>hub], z[hub:band], w[hub:band], u[hub], or the block's name[i]."""
    names = {
        "x": [f"x[{s}>{h}]" for s, h in zip(a.arcs["site_id"], a.arcs["hub_id"], strict=True)],
        "z": [f"z[{h}:{b[:6]}]" for h, b in zip(a.bands["hub_id"], a.bands["band"], strict=True)],
        "u": [f"u[{h}]" for h in a.rotas["hub_id"]],
    }
    names["w"] = [n.replace("z[", "w[") for n in names["z"]]
    out = [""] * mm.num_cols
    for block, b in mm.variable_blocks.items():
        for i in range(b.size):
            out[b.start + i] = names[block][i] if block in names else f"{block}[{i}]"
    return out


def rows(mm: MatrixModel, a: matrix.OohArrays, block: str) -> list[tuple[float, dict[str, float], float]]:
    """The rows of constraint block ``block`` as (lower, {column: coefficient}, upper)."""
    dense = mm.matrix().toarray()
    names = labels(mm, a)
    b = mm.constraint_blocks[block]
    out = []
    for r in range(b.start, b.start + b.size):
        coef = {names[j]: float(dense[r, j]) for j in np.flatnonzero(dense[r])}
        out.append((float(mm.row_lower[r]), coef, float(mm.row_upper[r])))
    return out


def row_of(found: list, column: str) -> tuple[float, dict[str, float], float]:
    """The one row holding ``column``."""
    (row,) = [r for r in found if column in r[1]]
    return row


def test_the_tiny_input_has_nine_arcs_three_rotas_and_two_bands_each() -> None:
    _, a, c = built()
    assert (len(a.arcs), len(a.rotas), len(a.bands)) == (9, 3, 6)
    assert a.bands[a.bands["hub_id"] == "A"][["lo", "hi", "fills"]].values.tolist() == [
        [1, 4, True],
        [5, 5, False],
    ]
    assert len(c.u) == 3


def test_cover_once() -> None:
    mm, a, c = built()
    matrix.cover_once(mm, a, c.x)
    found = rows(mm, a, "cover")
    assert len(found) == 3
    assert row_of(found, "x[B>B]") == (1.0, {"x[B>A]": 1.0, "x[B>B]": 1.0, "x[B>C]": 1.0}, 1.0)


def test_hub_open() -> None:
    mm, a, c = built()
    matrix.hub_open(mm, a, c.x)
    found = rows(mm, a, "hub_open")
    assert len(found) == 6  # one per arc into another site's rota
    assert row_of(found, "x[B>A]") == (-math.inf, {"x[A>A]": -1.0, "x[B>A]": 1.0}, 0.0)


def test_min_rota_size_counts_members_and_temporary_slots() -> None:
    mm, a, c = built()
    matrix.min_rota_size(mm, a, c.x, c.u)
    found = rows(mm, a, "min_rota_size")
    assert len(found) == 3
    # 2 x[A>A] + 2 x[B>A] + 1 x[C>A] + u[A] - 3 x[A>A] >= 0
    assert row_of(found, "u[A]") == (
        0.0,
        {"x[A>A]": -1.0, "x[B>A]": 2.0, "x[C>A]": 1.0, "u[A]": 1.0},
        math.inf,
    )


def test_max_rota_size_only_where_the_service_has_one() -> None:
    mm, a, c = built()
    matrix.max_rota_size(mm, a, c.x)
    found = rows(mm, a, "max_rota_size")
    assert row_of(found, "x[A>A]") == (-math.inf, {"x[A>A]": 2.0 - 5.0, "x[B>A]": 2.0, "x[C>A]": 1.0}, 0.0)
    mm, a, c = built(tiny(max_rota_size=math.nan))
    matrix.max_rota_size(mm, a, c.x)
    assert rows(mm, a, "max_rota_size") == []


def test_max_sites() -> None:
    mm, a, c = built()
    matrix.max_sites(mm, a, c.x)
    found = rows(mm, a, "max_sites")
    assert row_of(found, "x[C>C]") == (-math.inf, {"x[A>C]": 1.0, "x[B>C]": 1.0, "x[C>C]": 1.0 - 2.0}, 0.0)
    mm, a, c = built(tiny(max_sites=math.nan))
    matrix.max_sites(mm, a, c.x)
    assert rows(mm, a, "max_sites") == []


def test_workload() -> None:
    mm, a, c = built()
    matrix.workload(mm, a, c.x, 3.0)
    found = rows(mm, a, "workload")
    assert row_of(found, "x[A>A]") == (-math.inf, {"x[A>A]": 1.0 - 3.0, "x[B>A]": 0.5, "x[C>A]": 2.5}, 0.0)


def test_band_choice() -> None:
    mm, a, c = built()
    matrix.band_choice(mm, a, c.x, c.z)
    found = rows(mm, a, "band_choice")
    assert row_of(found, "x[B>B]") == (0.0, {"x[B>B]": -1.0, "z[B:1-in-1]": 1.0, "z[B:1-in-5]": 1.0}, 0.0)


def test_band_slots_counts_members_and_temporary_slots() -> None:
    mm, a, c = built()
    matrix.band_slots(mm, a, c.x, c.w, c.u)
    found = rows(mm, a, "band_slots")
    expected = {
        "x[A>A]": -2.0,
        "x[B>A]": -2.0,
        "x[C>A]": -1.0,
        "u[A]": -1.0,
        "w[A:1-in-1]": 1.0,
        "w[A:1-in-5]": 1.0,
    }
    assert row_of(found, "u[A]") == (0.0, expected, 0.0)


def test_band_range() -> None:
    mm, a, c = built()
    matrix.band_range(mm, a, c.z, c.w)
    lower, upper = rows(mm, a, "band_lower"), rows(mm, a, "band_upper")
    assert row_of(lower, "w[A:1-in-1]") == (0.0, {"z[A:1-in-1]": -1.0, "w[A:1-in-1]": 1.0}, math.inf)
    assert row_of(upper, "w[A:1-in-1]") == (-math.inf, {"z[A:1-in-1]": -4.0, "w[A:1-in-1]": 1.0}, 0.0)
    assert row_of(upper, "w[A:1-in-5]") == (-math.inf, {"z[A:1-in-5]": -5.0, "w[A:1-in-5]": 1.0}, 0.0)


def test_temporary_slots_only_in_bands_that_hold_n_or_fewer() -> None:
    mm, a, c = built()
    matrix.temporary_slots(mm, a, c.z, c.u)
    found = rows(mm, a, "temporary_slots")
    # u[A] - 3 z[A:1-4] <= 0; the 5-8 band (lo 5 > N = 3) allows no temporary slot
    assert row_of(found, "u[A]") == (-math.inf, {"u[A]": 1.0, "z[A:1-in-1]": -3.0}, 0.0)


def test_temporary_slots_are_bounded_by_n_and_priced_per_night_covered() -> None:
    mm, a, c = built()
    assert mm.col_upper[c.u].tolist() == [3.0, 3.0, 3.0]
    assert mm.cost[c.u] == pytest.approx([50.0 * 365 / 3] * 3)  # premium x nights / N


def test_elastic_slacks_enter_with_the_sign_that_relaxes_the_row() -> None:
    mm, a, c = built()
    short = mm.add_variables("short", len(a.rotas))
    over = mm.add_variables("over", len(a.rotas))
    matrix.min_rota_size(mm, a, c.x, c.u, short)
    matrix.workload(mm, a, c.x, 3.0, over)
    assert row_of(rows(mm, a, "min_rota_size"), "u[A]")[1]["short[0]"] == 1.0
    assert row_of(rows(mm, a, "workload"), "x[A>A]")[1]["over[0]"] == -1.0
