"""The LSOA-level roll-out instance, built from the two bundled instances at run time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks.suite.cases_rollout import expand_rollout
from benchmarks.suite.registry import Context
from instances import bundled_path
from instances.generators.rollout import lsoa_rollout
from optimiser.kinds import get_kind
from optimiser.kinds.base import input_from_tables


def test_lsoa_rollout_joins_the_lsoa_network_and_the_rollout_years() -> None:
    inst = lsoa_rollout()
    data = input_from_tables(get_kind("rollout"), inst.tables, inst.parameters, inst.name).input
    assert len(data.base.zones) == 1058 and len(data.base.sites) == 21
    years = pd.read_csv(bundled_path("lsc-sact-rollout") / "years.csv")  # type: ignore[operator]
    assert data.years["year"].tolist() == list(range(2026, 2036))
    assert data.years["demand_factor"].tolist() == pytest.approx(years["demand_factor"].tolist())
    assert data.years["demand_factor"].iloc[-1] == pytest.approx(1.68)
    p = data.parameters
    assert (p.capital_per_chair, p.capital_per_new_site, p.closure_cost) == (25_000, 400_000, 50_000)
    assert p.total_capital_budget == 6_000_000 and p.discount_rate == pytest.approx(0.035)
    assert data.base.parameters.access_target == pytest.approx(0.9)  # the LSOA instance's own
    assert data.base.parameters.solve_method == "auto"
    assert lsoa_rollout(3).tables["years"]["year"].astype(int).tolist() == [2026, 2027, 2028]


def test_rollout_scale_family_makes_one_case_per_number_of_years() -> None:
    cases = expand_rollout({"years": [1, 10]}, Context(None))
    assert [c.name for c in cases] == ["lsc-lsoa-rollout-1y", "lsc-lsoa-rollout-10y"]
    assert [c.size_value for c in cases] == [1058 * 21, 1058 * 21 * 10]


def test_generate_rollout_lsoa_writes_a_valid_instance_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from optimiser.cli import main
    from optimiser.kinds import load_instance

    result = CliRunner().invoke(main, ["generate", "rollout-lsoa", "--years", "2", str(tmp_path / "inst")])
    assert result.exit_code == 0, result.output
    loaded = load_instance(tmp_path / "inst")
    assert loaded.kind.name == "rollout"
    assert loaded.model_input.input.years["demand_factor"].tolist() == pytest.approx([1.0, 1.0593])
    assert len(loaded.model_input.input.base.zones) == 1058
