"""The registry lists every family's cases, with published values, and every shipped suite plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.suite import families, load_suite, suite_names
from benchmarks.suite.registry import Case, Context, get_family, published_values
from benchmarks.suite.tasks import plan_suite


def test_families_of_every_model_are_registered() -> None:
    assert {
        "sact-generated",
        "bundled",
        "pmed",
        "cap",
        "curtois-qu",
        "ooh-generated",
        "cover-generated",
        "roster-generated",
    } <= set(families())
    assert "spopt-pulp-cbc" in get_family("pmed").backends
    assert get_family("curtois-qu").backends == ("cpsat",)


def test_generated_cases_one_per_size_and_seed() -> None:
    cases = get_family("sact-generated").expand({"sizes": ["20x4", "200x20"], "seeds": [0, 1]}, Context())
    assert [c.name for c in cases] == ["sact-20x4-s0", "sact-20x4-s1", "sact-200x20-s0", "sact-200x20-s1"]
    assert cases[2].size == "200x20" and cases[2].size_value == 4000
    assert cases[0].params == {"zones": 20, "sites": 4, "seed": 0}
    assert Case.from_dict(cases[0].to_dict()) == cases[0]


def test_published_table_holds_the_sets_values() -> None:
    table = published_values()
    assert table[("pmed", "pmed6")].value == 7824
    assert table[("cap", "cap41")].value == pytest.approx(1040444.375)
    assert table[("curtois-qu", "Instance4")].value == 1716
    assert sum(1 for s, _ in table if s == "pmed") == 20
    assert sum(1 for s, _ in table if s == "cap") == 25
    assert all(p.kind in ("optimum", "best_known") for p in table.values())


def test_public_sets_expand_with_published_optima(shared_dir: Path) -> None:
    context = Context(shared_dir / "benchmarks")
    pmed = get_family("pmed").expand({"instances": "all"}, context)
    assert [c.name for c in pmed[:3]] == ["pmed1", "pmed2", "pmed3"] and len(pmed) == 20
    assert pmed[5].size == "n=200 p=5" and pmed[5].published == 7824 and pmed[5].published_kind == "optimum"
    cap = get_family("cap").expand({"instances": ["cap41", "cap104"]}, context)
    assert [c.size for c in cap] == ["50x16", "50x25"]
    assert cap[1].published == pytest.approx(928941.75)
    shifts = get_family("curtois-qu").expand({"instances": ["Instance1"]}, context)
    assert shifts[0].published == 607 and shifts[0].model == "rostering"


def test_absent_public_sets_are_a_note_not_an_error(tmp_path: Path) -> None:
    suite = load_suite("smoke")
    plan = plan_suite(suite, Context(tmp_path / "nowhere"))
    assert any("pmed" in n and "not found" in n for n in plan.notes)
    assert {t.case.family for t in plan.tasks} == {
        "sact-generated",
        "ooh-generated",
        "cover-generated",
        "roster-generated",
    }


@pytest.mark.parametrize("name", suite_names())
def test_every_shipped_suite_loads_and_plans(name: str) -> None:
    suite = load_suite(name)
    plan = plan_suite(suite, Context(None))
    assert len(plan.tasks) + len(plan.notes) > 0


def test_required_suites_are_shipped() -> None:
    assert {"smoke", "pmed", "cap", "sact-scale", "regions", "shift", "backends"} <= set(suite_names())
    assert {"ooh-scale", "cover-scale", "roster-scale"} <= set(suite_names())
    smoke = {e.family for e in load_suite("smoke").entries}
    assert {"ooh-generated", "cover-generated", "roster-generated"} <= smoke
    sizes = load_suite("sact-scale").entries[0].spec["sizes"]
    assert sizes == ["200x20", "2000x100", "10000x300"]


def test_command_line_overrides_reach_every_entry() -> None:
    suite = load_suite("smoke").overridden(backends=("highs",), settings={"time_limit": 300, "repeat": 2})
    for entry in suite.entries:
        assert entry.backends == ("highs",)
        assert entry.settings.time_limit == 300 and entry.settings.repeat == 2
        assert entry.settings.wall_seconds() == 300 * 1.5 + 60  # the suite's 120 s would kill it
    assert {e.settings.gap for e in suite.entries} == {1e-4, 0.0}  # entry settings kept
    everything = load_suite("smoke").overridden(all_backends=True)
    assert all(e.backends is None for e in everything.entries)


def test_bundled_instances_are_solved_through_their_kind(
    tiny_instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import instances
    from solvers import SolveOptions
    from tests.conftest import TINY_OPTIMUM

    monkeypatch.setattr(instances, "bundled_instances", lambda: ["tiny"])
    monkeypatch.setattr(instances, "bundled_path", lambda name: tiny_instance if name == "tiny" else None)
    family = get_family("bundled")
    (case,) = family.expand({"instances": "all"}, Context())
    assert (case.name, case.model, case.size) == ("tiny", "sact", "3x2")
    assert "pyomo-highs" in family.backends_for(case)
    result = family.solve(case, "highs", SolveOptions(gap=0), Context())
    assert result.objective == pytest.approx(TINY_OPTIMUM)


def test_the_readme_names_every_shipped_suite() -> None:
    """The command table's `optimiser bench` row lists the suites a user can name."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `optimiser bench SUITE"))
    missing = [name for name in suite_names() if f"`{name}`" not in row]
    assert not missing, f"README's bench row does not name: {missing}"
