"""Overrides (--set, --open, --close, scenario files) are validated like the files and named by key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from optimiser.errors import InputError
from optimiser.kinds import load_instance
from optimiser.overrides import Overrides, overrides_from_mapping, parse_assignments
from optimiser.scenarios import read_scenarios


def test_assignments_are_typed_as_yaml_scalars() -> None:
    assert parse_assignments(["demand_growth=0.68", "single_source=true", "name=x=y"]) == {
        "demand_growth": 0.68,
        "single_source": True,
        "name": "x=y",
    }


def test_an_impossible_date_stays_text_for_the_parameter_check() -> None:
    """YAML's own date reading raised ValueError (day is out of range for month)."""
    assert parse_assignments(["first_date=2025-02-30", "last=2025-03-03"]) == {
        "first_date": "2025-02-30",
        "last": dt.date(2025, 3, 3),
    }


def test_assignment_without_equals_is_refused() -> None:
    with pytest.raises(InputError, match="is not NAME=VALUE"):
        parse_assignments(["demand_growth"])


def test_parameter_override_reaches_the_model(tiny_instance: Path) -> None:
    loaded = load_instance(tiny_instance, overrides=Overrides(set={"travel_cost_per_minute": 2.5}))
    assert loaded.parameters["travel_cost_per_minute"] == 2.5


@pytest.mark.parametrize(
    ("overrides", "message", "column"),
    [
        (
            Overrides(source="--set", set={"travel_cost_per_minut": 1}),
            "did you mean 'travel_cost_per_minute'",
            "travel_cost_per_minut",
        ),
        (Overrides(source="--set", set={"utilisation": "high"}), "'high' is not a number", "utilisation"),
        (Overrides(source="--set", set={"utilisation": 7}), "above the maximum", "utilisation"),
        (Overrides(source="--set", close=("NOPE",)), "unknown site 'NOPE'", "close"),
        (Overrides(source="--set", open=("B",), close=("B",)), "both opened and closed", "open"),
        (Overrides(source="--set", scale_demand={"Z9": 2.0}), "no zone or district 'Z9'", "scale_demand.Z9"),
    ],
)
def test_bad_overrides_are_named_by_key(
    tiny_instance: Path, overrides: Overrides, message: str, column: str
) -> None:
    with pytest.raises(InputError) as caught:
        load_instance(tiny_instance, overrides=overrides)
    problems = caught.value.problems
    assert len(problems) == 1
    assert message in problems[0].message
    assert problems[0].column == column
    assert problems[0].file == "--set"


def test_open_and_close_edit_the_sites_as_read(tiny_instance: Path) -> None:
    table = load_instance(
        tiny_instance, overrides=Overrides(open=("B",), close=("A",))
    ).model_input.input.sites
    assert bool(table.loc["B", "must_open"]) is True
    assert bool(table.loc["A", "must_open"]) is False and bool(table.loc["A", "must_close"]) is True
    assert bool(table.loc["B", "must_close"]) is False


def test_scale_demand_multiplies_the_named_zones(tiny_instance: Path) -> None:
    case = load_instance(tiny_instance, overrides=Overrides(scale_demand={"Z1": 1.5, "*": 2.0})).model_input
    zones = case.input.zones
    assert zones.loc["Z1", "attendances"] == pytest.approx(600 * 1.5 * 2.0)
    assert zones.loc["Z2", "attendances"] == pytest.approx(300 * 2.0)


def test_open_close_do_not_apply_to_rotas() -> None:
    from optimiser.cli import resolve_instance

    with pytest.raises(InputError) as caught:
        load_instance(resolve_instance("lsc-sact-nurses"), overrides=Overrides(open=("X",)))
    assert [str(p) for p in caught.value.problems] == [
        "command line, column 'open': does not apply to 'roster' instances (only to sact, rollout, ooh)"
    ]


def test_keys_given_by_an_option_of_their_own_are_named_by_it(tiny_instance: Path) -> None:
    """``--open X`` was named ``--set``, the option the user had not used."""
    from optimiser.cli import resolve_instance

    given = Overrides(
        source="--set", open=("X",), close=("Y",), options={"open": "--open", "close": "--close"}
    )
    with pytest.raises(InputError) as caught:
        load_instance(resolve_instance("lsc-sact-nurses"), overrides=given)
    assert [str(p) for p in caught.value.problems] == [
        "--open: does not apply to 'roster' instances (only to sact, rollout, ooh)",
        "--close: does not apply to 'roster' instances (only to sact, rollout, ooh)",
    ]
    with pytest.raises(InputError) as caught:
        load_instance(
            tiny_instance, overrides=Overrides(source="scn", set={"utilisation": 0.5}).merged(given)
        )
    assert [str(p) for p in caught.value.problems] == [
        "--open: unknown site 'X'",
        "--close: unknown site 'Y'",
    ]


def test_scenario_file_is_read_in_order(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text(
        "scenarios:\n  base: {}\n  growth-68: {set: {demand_growth: 0.68}}\n  keep: {open: [RTXBU]}\n"
        "  access-90: {set: {access_target: 0.9}, close: [RXN01]}\n",
        encoding="utf-8",
    )
    scenarios = read_scenarios(path)
    assert list(scenarios) == ["base", "growth-68", "keep", "access-90"]
    assert scenarios["access-90"].close == ("RXN01",) and scenarios["access-90"].set == {"access_target": 0.9}
    assert scenarios["base"].empty


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenarios:\n  a: {sett: {x: 1}}\n", "unknown key 'sett'"),
        ("scenarios: {}\n", "at least one named scenario"),
        ("scenarios:\n  'a b': {}\n", "scenario name 'a b'"),
        ("scenarios:\n  a: {open: {x: 1}}\n", "'open' must be a list"),
        ("scenarios:\n  a: {scale_demand: {Z1: -1}}\n", "not a factor >= 0"),
        ("runs:\n  a: {}\n", "unknown key 'runs'"),
    ],
)
def test_bad_scenario_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_scenarios(path)
    assert any(message in p.message for p in caught.value.problems)
    assert all(p.file.startswith(str(path)) for p in caught.value.problems)


def test_overrides_merge_later_wins() -> None:
    a = overrides_from_mapping({"set": {"x": 1, "y": 2}, "open": ["A"]}, "file")
    merged = a.merged(Overrides(source="--set", set={"y": 3}, close=("B",)))
    assert merged.set == {"x": 1, "y": 3} and merged.open == ("A",) and merged.close == ("B",)


def test_a_site_given_to_open_and_close_is_named_by_both_options(tiny_instance: Path) -> None:
    """``--open B --close B`` was reported as '--set, column 'open'', an option not used."""
    given = Overrides(
        source="--set", open=("B",), close=("B",), options={"open": "--open", "close": "--close"}
    )
    with pytest.raises(InputError) as caught:
        load_instance(tiny_instance, overrides=given)
    assert [str(p) for p in caught.value.problems] == [
        "--open and --close: site 'B' is both opened and closed"
    ]


def test_open_wins_over_must_close_as_close_wins_over_must_open(tiny_instance: Path) -> None:
    """--open of a site sites.csv closes was refused as 'sites.csv, row 3: must_open and
    must_close are both true', a row the user had not written so; regret forcing it open failed."""
    sites = tiny_instance / "sites.csv"
    lines = sites.read_text().splitlines()
    sites.write_text("\n".join([lines[0] + ",must_close", lines[1] + ",false", lines[2] + ",true"]) + "\n")
    table = load_instance(tiny_instance, overrides=Overrides(open=("B",))).model_input.input.sites
    assert bool(table.loc["B", "must_open"]) is True and bool(table.loc["B", "must_close"]) is False
    table = load_instance(tiny_instance, overrides=Overrides(close=("A",))).model_input.input.sites
    assert bool(table.loc["A", "must_open"]) is False and bool(table.loc["A", "must_close"]) is True


def test_an_ooh_site_given_to_open_and_close_is_bad_input() -> None:
    """``--open RTXBW --close RTXBW`` on lsc-ooh was solved as asked, a site that must keep its own
    rota and may host none, and reported as an infeasible plan (exit 1) where sact refuses the
    same contradiction as bad input (exit 2)."""
    from instances import bundled_folder

    given = Overrides(
        source="--set", open=("RTXBW",), close=("RTXBW",), options={"open": "--open", "close": "--close"}
    )
    with pytest.raises(InputError) as caught:
        load_instance(bundled_folder("lsc-ooh"), overrides=given)
    assert [str(p) for p in caught.value.problems] == [
        "--open and --close: site 'RTXBW' is both opened and closed"
    ]
