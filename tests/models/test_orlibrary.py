"""OR-Library p-median and capacitated warehouse benchmarks reproduce their published optima.

The files are read from ``tests/data`` or ``../shared/benchmarks`` (see tests/conftest.py); a test
skips where its file is in neither.
Each plan is re-checked by the independent checker.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.sact.check import check_sact_plan
from models.sact.orlibrary import pmed_distances, read_cap, read_optima, read_pmed
from models.sact.solve import solve_sact
from solvers import SolveOptions, Status
from tests.conftest import benchmark_file

# pmed1-5 (n = 100) take 1-4 s each; pmed6-20 from seconds to minutes (pmed6 over 120 s with
# HiGHS), so they are left to the benchmark runs
PMED = [f"pmed{i}" for i in range(1, 6)]
CAP = [
    f"cap{i}" for i in (41, 42, 43, 44, 51, *range(61, 65), *range(71, 75), *range(81, 85), *range(91, 95))
]
CAP += ["cap101", "cap102", "cap103", "cap104"]
EXACT = SolveOptions(gap=0.0, seed=0)


# --------------------------------------------------------------------------- readers, no solver


def test_pmed_reader_last_duplicate_wins(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    # 1-2 listed twice (5 then 9: 9 counts); 2-3 costs 4; 1-3 costs 20; a loop 3-3 is ignored
    path.write_text("3 5 1\n1 2 5\n2 3 4\n2 1 9\n1 3 20\n3 3 7\n")
    dist, p = pmed_distances(path)
    assert p == 1
    np.testing.assert_allclose(dist, [[0, 9, 13], [9, 0, 4], [13, 4, 0]])
    data = read_pmed(path)
    assert data.parameters.exact_open_sites == 1
    assert data.parameters.objective == "travel"
    assert len(data.travel) == 9
    plan = solve_sact(data, "highs", EXACT)
    # vertex 2 as the median: 9 + 0 + 4
    assert plan.result.objective == pytest.approx(13.0)
    assert plan.sites.loc[plan.sites["open"], "site_id"].tolist() == [2]
    assert check_sact_plan(data, plan).violations == []


def test_cap_reader_trailing_dots_and_zero_demand(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    # 2 warehouses (capacity 10 and 30, fixed 100. and 0.), 3 customers; the third has no demand
    path.write_text("2 3\n10 100.\n30 0.\n8 16. 40.\n12\n60. 24.\n0 5. 5.\n")
    data = read_cap(path)
    assert data.zones["attendances"].tolist() == [8.0, 12.0, 0.0]
    assert data.sites["max_chairs"].tolist() == [10, 30]
    assert data.sites["fixed_cost"].tolist() == [100.0, 0.0]
    assert data.parameters.chair_hours_per_year == 1.0
    per_unit = data.travel.set_index(["zone_id", "site_id"])["minutes"]
    assert per_unit[(1, 1)] == pytest.approx(2.0)
    assert per_unit[(2, 2)] == pytest.approx(2.0)
    plan = solve_sact(data, "highs", EXACT)
    # both customers at warehouse 2 (free): 40 + 24 = 64; opening warehouse 1 saves 24 for 100
    assert plan.result.objective == pytest.approx(64.0)
    report = check_sact_plan(data, plan)
    assert report.violations == []
    assert report.objective == pytest.approx(64.0)


def test_cap_reader_replaces_the_word_capacity(tmp_path: Path) -> None:
    """capa/capb/capc write the word ``capacity`` for every warehouse: the variant's value replaces it."""
    path = tmp_path / "capx.txt"
    # 2 warehouses (fixed 100. and 0.), 3 customers of demand 8, 12, 5
    path.write_text("2 3\ncapacity 100.\ncapacity 0.\n8 16. 40.\n12\n60. 24.\n5 10. 10.\n")
    with pytest.raises(ValueError, match="the word 'capacity'"):
        read_cap(path)
    tight, loose = read_cap(path, capacity=15), read_cap(path, capacity=30.0)
    assert tight.name == "capx-15" and loose.name == "capx-30"
    assert tight.sites["max_chairs"].tolist() == [15, 15]
    numeric = tmp_path / "numeric.txt"
    numeric.write_text(path.read_text().replace("capacity", "15"))
    pd.testing.assert_frame_equal(read_cap(numeric).travel, tight.travel)
    pd.testing.assert_frame_equal(read_cap(numeric).sites, tight.sites)
    # 25 units need both warehouses at 15: fixed 100 + every customer at its cheaper one (16 + 24 + 10)
    assert solve_sact(tight, "highs", EXACT).result.objective == pytest.approx(150.0)
    # at 30 the free warehouse carries all: 40 + 24 + 10
    assert solve_sact(loose, "highs", EXACT).result.objective == pytest.approx(74.0)


def test_read_optima(tmp_path: Path) -> None:
    path = tmp_path / "optima.txt"
    path.write_text("instance p optimum\npmed1 5 5819\n\npmed2 10 4093\n")
    assert read_optima(path) == {"pmed1": 5819.0, "pmed2": 4093.0}


# --------------------------------------------------------------------------- published optima


@pytest.fixture(scope="module")
def pmed_optima() -> dict[str, float]:
    return read_optima(benchmark_file("pmed", "optima.txt"))


@pytest.fixture(scope="module")
def cap_optima() -> dict[str, float]:
    return read_optima(benchmark_file("cap", "optima.txt"))


@pytest.mark.parametrize("name", PMED)
def test_pmed_reproduces_published_optimum(name: str, pmed_optima: dict[str, float]) -> None:
    data = read_pmed(benchmark_file("pmed", f"{name}.txt"))
    plan = solve_sact(data, "highs", SolveOptions(seed=0))
    assert plan.result.status is Status.OPTIMAL
    # integral distances: a proven gap below 1e-4 of ~5000 is below 1, so the plan is optimal
    assert plan.result.objective == pytest.approx(pmed_optima[name], abs=1e-6)
    report = check_sact_plan(data, plan)
    assert report.violations == []
    assert report.objective == pytest.approx(pmed_optima[name], abs=1e-6)
    assert int(plan.sites["open"].sum()) == data.parameters.exact_open_sites


@pytest.mark.parametrize("name", CAP)
def test_cap_reproduces_published_optimum(name: str, cap_optima: dict[str, float]) -> None:
    data = read_cap(benchmark_file("cap", f"{name}.txt"))
    plan = solve_sact(data, "highs", EXACT)
    assert plan.result.status is Status.OPTIMAL
    # OR-Library prints three decimals and notes rounding differences
    assert plan.result.objective == pytest.approx(cap_optima[name], abs=2e-3)
    report = check_sact_plan(data, plan)
    assert report.violations == []
    assert report.objective == pytest.approx(cap_optima[name], abs=2e-3)
