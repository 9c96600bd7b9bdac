"""``kind: ooh`` end to end: the bundled lsc-ooh instance, validation messages, infeasibility, generate.

The optimum is not restated here: it is whatever :func:`models.ooh.solve` finds for
:func:`instances.generators.ooh.lsc_ooh` (pinned and re-checked in the model's own tests), and
the instance files must give exactly the same.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

import models.ooh as ooh
from instances import bundled_path
from instances.generators.ooh import generate, lsc_ooh
from models.ooh.input import OohParameters
from models.ooh.plan import OohPlan, below_min_size
from optimiser.cli import main
from optimiser.kinds import load_instance

LSC = bundled_path("lsc-ooh")
TABLES = ("sites", "services", "rotas", "travel", "bands")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def flat(text: str) -> str:
    """Whitespace collapsed: the summary wraps long explanations across lines."""
    return " ".join(text.split())


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def reference() -> OohPlan:
    """The model's own optimum of the illustrative Lancashire & South Cumbria case."""
    return ooh.solve(lsc_ooh())


@pytest.fixture
def lsc(tmp_path: Path) -> Path:
    """A copy of the bundled lsc-ooh folder to spoil."""
    assert LSC is not None
    return Path(shutil.copytree(LSC, tmp_path / "lsc-ooh"))


def test_lsc_ooh_files_hold_lsc_ooh() -> None:
    case = load_instance("lsc-ooh" if LSC is None else LSC).model_input
    expected = lsc_ooh()
    for table in TABLES:
        mine, theirs = getattr(case.input, table), getattr(expected, table)
        pd.testing.assert_frame_equal(mine[theirs.columns], theirs, check_dtype=False, obj=table)
    assert case.input.clinicians is None
    assert case.parameters == OohParameters()
    assert "ILLUSTRATIVE" in (LSC / "instance.yaml").read_text()  # type: ignore[operator]


def test_solve_lsc_ooh_gives_the_model_optimum(reference: OohPlan, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = run("solve", "lsc-ooh", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir() if p.name != ".optimiser-run"} == {
        *(
            f"{name}.csv"
            for name in ("rotas", "rotas_before", "coverage", "response_worse", "clinicians", "costs")
        ),
        "summary.json",
        "run.json",
    }
    summary = json.loads((out / "summary.json").read_text())
    assert summary["solver"]["status"] == "optimal"
    assert summary["solver"]["objective"] == pytest.approx(reference.result.objective, rel=1e-9)
    assert summary["costs"]["total"]["after"] == pytest.approx(reference.result.objective, abs=0.01)
    assert summary["rotas"] == {"before": len(reference.rotas_before), "after": len(reference.rotas)}
    assert summary["check"]["passed"] is True
    assert summary["check"]["figures"]["total_cost"] == pytest.approx(reference.result.objective)
    assert len(pd.read_csv(out / "rotas.csv")) == len(reference.rotas)
    costs = pd.read_csv(out / "costs.csv").set_index("component")
    assert costs.loc["total", "saving"] == pytest.approx(reference.costs.loc["total", "saving"], abs=0.01)
    # every row adds up as written, to the penny (travel's saving read -169,336.05 beside
    # 30,084.52 and 199,420.56: each figure had been rounded on its own)
    in_pence = (costs[["before", "after", "saving"]] * 100).round().astype(int)
    assert (in_pence["before"] - in_pence["after"] == in_pence["saving"]).all()
    # and each cost is the sum of the rota rows a planner adds up: rotas.csv's travel summed to
    # 199,420.55 beside 199,420.56, each rota's travel rounded from an unrounded sum
    for file, column in (("rotas_before.csv", "before"), ("rotas.csv", "after")):
        rows = pd.read_csv(out / file)
        for component in ("cover", "supplement", "temporary_staff", "travel"):
            summed = round(float(rows[f"{component}_cost"].sum()), 2)
            assert summed == costs.at[component.replace("supplement", "supplements"), column], (
                file,
                component,
            )
    text = result.output
    assert "Status: optimal" in text and "Annual cost" in text and "Independent check: passed" in text
    assert "Westmorland General Hospital (RTXBW), AO2: 0.0 -> 51.3 min" in text
    assert "Royal Lancaster Infirmary" in text and "1-in-10" in text


def test_validate_names_file_row_and_column(lsc: Path) -> None:
    edit(lsc, "sites.csv", "keeps_own_rota\n", "keeps_own_rota,colour\n")
    edit(lsc, "sites.csv", "RXN01,Chorley", "RXN02,Chorley")
    edit(lsc, "rotas.csv", "RTXBU,AO2,3,", "RTXBU,AO2,-3,")
    edit(lsc, "instance.yaml", "  nights_per_year: 365", "  nights_per_yaer: 365")
    result = run("validate", str(lsc))
    assert result.exit_code == 2
    out = result.output
    assert "Traceback" not in out
    assert f"{lsc / 'sites.csv'}, column 'colour': unknown column" in out
    assert f"{lsc / 'sites.csv'}, row 3, column 'site_id': duplicate id 'RXN02' (first at row 2)" in out
    assert f"{lsc / 'rotas.csv'}, row 3, column 'clinicians': -3 is below the minimum 0" in out
    assert "unknown parameter 'nights_per_yaer' (did you mean 'nights_per_year'?)" in out


def test_validate_reports_unknown_references(lsc: Path) -> None:
    edit(lsc, "rotas.csv", "RTXBU,AO2,3,", "RTXBU,AO3,3,")
    edit(lsc, "travel.csv", "RXN02,RXN01,", "RXN02,RXN09,")
    result = run("validate", str(lsc))
    assert result.exit_code == 2
    assert (
        f"{lsc / 'rotas.csv'}, row 3, column 'service_id': 'AO3' is not a known services service_id"
        in result.output
    )
    assert (
        f"{lsc / 'travel.csv'}, row 3, column 'to_site': 'RXN09' is not a known sites site_id"
        in result.output
    )


def test_validate_reports_problems_across_tables(lsc: Path) -> None:
    edit(lsc, "rotas.csv", "RTXBU,AO2,3,1.0,0.4,1.5,0.5,RTXBU", "RTXBW,AO2,3,1.0,0.4,1.5,0.5,RTXBU")
    edit(lsc, "rotas.csv", "RTX02,HAEM,4,1.2,0.3,1.5,0.4,RTX02", "RTX02,HAEM,4,1.2,0.3,1.5,0.4,RTXBU")
    edit(lsc, "bands.csv", "A,1-in-5 to 1-in-8,5,", "A,1-in-5 to 1-in-8,6,")
    result = run("validate", str(lsc))
    assert result.exit_code == 2
    out = result.output
    assert (
        f"{lsc / 'rotas.csv'}, row 4, column 'service_id': site RTXBW and service AO2 are listed twice (first at row 3)"
        in out
    )
    assert (
        "today RTXBW is covered for HAEM by RTX02, which is itself covered by RTXBU, so runs no HAEM rota"
        in out
    )
    assert (
        f"{lsc / 'bands.csv'}, row 3, column 'min_size': band '1-in-5 to 1-in-8' of category 'A' starts at 6, not 5"
        in out
    )


def test_missing_travel_is_estimated_from_coordinates_or_named(lsc: Path) -> None:
    (lsc / "travel.csv").unlink()
    result = run("validate", str(lsc))
    assert result.exit_code == 0, result.output
    sites = pd.read_csv(lsc / "sites.csv", dtype=str).drop(columns=["lat", "lon"])
    sites.to_csv(lsc / "sites.csv", index=False)
    result = run("validate", str(lsc))
    assert result.exit_code == 2
    assert "travel minutes missing from RXN02 to RXN01 (today's ONC1 rota covers it)" in result.output
    assert "Traceback" not in result.output


def test_a_travel_pair_left_out_is_named_as_estimated(lsc: Path, tmp_path: Path) -> None:
    """A needed pair deleted from travel.csv was estimated from coordinates in silence: the plan
    read 27.92 minutes from Preston to Chorley as if the user had given it."""
    edit(lsc, "travel.csv", "RXN02,RXN01,27.9\n", "")
    note = (
        f"Note on the input: {lsc / 'travel.csv'}: travel minutes of 1 needed pair not in the file, "
        "estimated from coordinates (straight-line km x 1.3 at 50 km/h + 5 min): RXN02 -> RXN01 27.9 min."
    )
    assert note in flat(run("validate", str(lsc)).output)
    result = run("solve", str(lsc), "--out", str(tmp_path / "run"))
    assert result.exit_code == 0 and note in flat(result.output)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["input_notes"] == [note.removeprefix("Note on the input: ")]
    assert "Note on the input" not in run("validate", str(LSC)).output  # the bundled file gives every pair


def test_infeasible_instance_exits_1_naming_site_service_and_shortfall(lsc: Path, tmp_path: Path) -> None:
    # 20 minutes from Westmorland to its rota's hub, and Westmorland may not host acute oncology
    edit(lsc, "services.csv", "(consultant),non-resident,60,", "(consultant),non-resident,20,")
    edit(
        lsc,
        "rotas.csv",
        "RTXBW,AO2,2,0.6,0.2,0.8,0.3,RTXBW,True,",
        "RTXBW,AO2,2,0.6,0.2,0.8,0.3,RTXBW,False,",
    )
    out = tmp_path / "run"
    result = run("solve", str(lsc), "--out", str(out))
    assert result.exit_code == 1, result.output
    text = flat(result.output)
    assert "No plan:" in text
    assert (
        "Westmorland General Hospital (RTXBW), Acute oncology second on-call (consultant): no rota can cover it"
        in text
    )
    assert (
        "A rota at Royal Lancaster Infirmary: 51.3 min away, 31.3 min over the 20-minute response time"
        in text
    )
    assert {p.name for p in out.iterdir() if p.name != ".optimiser-run"} == {
        "findings.csv",
        "summary.json",
        "run.json",
    }
    findings = pd.read_csv(out / "findings.csv")
    assert findings.set_index(["site_id", "service_id"]).loc[("RTXBW", "AO2"), "shortfall"] == 31.3
    summary = json.loads((out / "summary.json").read_text())
    assert summary["solver"]["status"] == "infeasible"
    assert any("Westmorland General Hospital (RTXBW)" in line for line in summary["explanation"])
    assert summary["plan_found"] is False and summary["check"] is None
    finding = next(f for f in summary["findings"] if f["site_id"] == "RTXBW")
    assert finding["service_id"] == "AO2" and finding["requirement"] == "response"
    assert finding["shortfall"] == pytest.approx(31.3)


def test_generate_ooh_is_reproducible_and_solves(tmp_path: Path) -> None:
    args = ["generate", "ooh", "--sites", "6", "--services", "2", "--seed", "3"]
    for name in ("a", "b"):
        result = run(*args, str(tmp_path / name))
        assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    tables = ["bands.csv", "instance.yaml", "rotas.csv", "services.csv", "sites.csv", "travel.csv"]
    assert files == [".optimiser-instance", *tables]  # the marker lists what generate wrote
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert run(*args[:-1], "4", str(tmp_path / "c")).exit_code == 0
    assert (tmp_path / "c" / "rotas.csv").read_bytes() != (tmp_path / "a" / "rotas.csv").read_bytes()
    assert run(*args, str(tmp_path / "a")).exit_code == 2  # never over an existing folder
    assert run("validate", str(tmp_path / "a")).exit_code == 0
    result = run("solve", str(tmp_path / "a"), "--out", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    expected = ooh.solve(generate(6, 2, 3)).result.objective
    assert summary["solver"]["objective"] == pytest.approx(expected, rel=1e-9)


def test_workbook_variant_loads_the_same(lsc: Path, tmp_path: Path) -> None:
    book = tmp_path / "wb"
    book.mkdir()
    shutil.copy(lsc / "instance.yaml", book / "instance.yaml")
    with pd.ExcelWriter(book / "lsc-ooh.xlsx") as writer:
        for table in TABLES:
            pd.read_csv(lsc / f"{table}.csv", dtype=str, keep_default_na=False).to_excel(
                writer, sheet_name=table, index=False
            )
    from_csv, from_book = load_instance(lsc).model_input, load_instance(book).model_input
    assert from_book.parameters == from_csv.parameters
    for table in TABLES:
        pd.testing.assert_frame_equal(
            getattr(from_book.input, table), getattr(from_csv.input, table), obj=table
        )


def test_generate_ooh_help() -> None:
    result = run("generate", "ooh", "--help")
    assert result.exit_code == 0 and "--services" in result.output


def test_named_clinicians_replace_the_counts(lsc: Path) -> None:
    rotas = pd.read_csv(lsc / "rotas.csv", dtype=str, keep_default_na=False)
    named = rotas.loc[rotas.index.repeat(rotas["clinicians"].astype(int)), ["site_id", "service_id"]]
    named.insert(0, "clinician_id", [f"C{i:03d}" for i in range(len(named))])
    named.to_csv(lsc / "clinicians.csv", index=False)
    rotas.drop(columns="clinicians").to_csv(lsc / "rotas.csv", index=False)
    case = load_instance(lsc).model_input
    assert case.input.rotas["clinicians"].tolist() == lsc_ooh().rotas["clinicians"].tolist()
    assert len(case.input.members()) == len(named)
    edit(lsc, "clinicians.csv", "C000,RTX02,AO2", "C000,RXL01,ONC1")
    result = run("validate", str(lsc))
    assert result.exit_code == 2
    assert (
        f"{lsc / 'clinicians.csv'}, row 2, column 'service_id': RXL01 has no ONC1 row in rotas"
        in result.output
    )


def test_model_input_problems_name_file_row_and_column(lsc: Path) -> None:
    # Vacancies with no premium to cost them: a rule only the model checks (ModelInputError).
    edit(
        lsc,
        "services.csv",
        "(consultant),non-resident,60,8,,4,118000,150,A,600",
        "(consultant),non-resident,60,8,,4,118000,150,A,",
    )
    result = run("validate", str(lsc))
    assert result.exit_code == 2
    assert (
        f"{lsc / 'rotas.csv'}, row 3, column 'vacancies': 2 vacancies, but service AO2 has no "
        "locum_premium_per_night" in result.output
    )


def test_a_plan_dearer_than_today_is_an_extra_cost_not_a_negative_saving() -> None:
    """--set travel_cost_per_minute=100 makes lsc-ooh's plan cost more than today: the summary read
    "Saving -£153,718 a year (-3.2%)" and the report "Saving a year -£153,718"."""
    from optimiser.kinds.ooh import summary
    from optimiser.report.context import headline

    plan = ooh.solve(lsc_ooh(), OohParameters(travel_cost_per_minute=100.0))
    extra = plan.costs.loc["total", "after"] - plan.costs.loc["total", "before"]
    assert extra > 0
    line = summary(plan).splitlines()[1]
    assert line.startswith(f"Extra cost £{extra:,.0f} a year (") and "-" not in line.split(":")[0]
    doc = {"costs": {"total": {"before": 100.0, "after": 150.0, "saving": -50.0}}}
    assert ("Extra cost a year", "£50") in headline(doc)
    doc = {"costs": {"total": {"before": 100.0, "after": 60.0, "saving": 40.0}}}
    assert ("Saving a year", "£40") in headline(doc)


def test_todays_rotas_below_their_least_size_are_named_beside_the_saving() -> None:
    """--set travel_cost_per_minute=100: the optimal plan cost £153,718 a year more than today and
    nothing said why: 20 of today's 26 rotas have fewer slots than their service's
    ``min_rota_size`` (AO2 at Westmorland runs 1-in-3 where 1-in-8 is the least), a baseline no
    plan may copy."""
    from optimiser.kinds.ooh import summary
    from optimiser.report.context import headline

    plan = ooh.solve(lsc_ooh(), OohParameters(travel_cost_per_minute=100.0))
    below = below_min_size(plan.rotas_before)
    counted = {"AO2": 6, "HAEM": 5, "ONC1": 2, "PALL": 7}  # by hand from rotas_before and services
    assert below["service_id"].value_counts().to_dict() == counted
    assert below.iloc[0][["rota_id", "slots", "min_rota_size"]].tolist() == ["AO2@RTXBW", 3, 8]
    assert below_min_size(plan.rotas).empty
    assert plan.figures()["rotas_below_min_size"] == {"before": 20, "after": 0}
    text = flat(summary(plan))
    assert "Today 20 of 26 rotas have fewer slots than their service's least rota size" in text
    assert "(most short: AO2 at Westmorland General Hospital, 1-in-3 where 1-in-8 is the least)" in text
    assert ("Rotas below their least size (today -> plan)", "20 -> 0") in headline(plan.figures())


def test_more_attendances_than_calls_is_refused_naming_file_row_and_column(lsc: Path) -> None:
    """An attendance is a call the on-call clinician goes in for: 4.0 attendances a night of 1.0
    calls was taken as valid (and solved)."""
    edit(lsc, "rotas.csv", "RTXBU,AO2,3,1.0,0.4,", "RTXBU,AO2,3,1.0,4.0,")
    result = run("validate", str(lsc))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (
        f"{lsc / 'rotas.csv'}, row 3, column 'attendances_per_night': 4 attendances a night, more than "
        "the 1 calls (calls_per_night)" in result.output
    )


def test_summary_puts_headline_figures_first_in_under_25_lines(reference: OohPlan) -> None:
    from optimiser.kinds.ooh import summary

    lines = summary(reference).splitlines()
    assert len(lines) < 25 and max(map(len, lines)) <= 100
    assert lines[0].startswith("Status: optimal   objective £1,494,461 a year")
    assert lines[1] == "Saving £1,254,747 a year (45.6%): £2,749,208 today -> £1,494,461 in the plan"
    assert (
        lines[2] == "Rotas: 26 today -> 14; locum slots 11 -> 0; 12 of 28 site-services move to another rota"
    )
    assert "temporary staff      £557,233           £0     £557,233" in lines
    impossible = ooh.solve(lsc_ooh(), OohParameters(non_resident_mobilisation_minutes=500))
    lines = summary(impossible).splitlines()
    assert len(impossible.findings) > 3 and len(lines) < 25
    assert lines[-1] == f"  ... and {len(impossible.findings) - 3} more (see findings.csv)"
