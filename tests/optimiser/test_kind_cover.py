"""``kind: cover`` end to end: files, validation messages, the CLI's outputs, generate, lsc-cover.

The tiny folder below is the maternity case of tests/models/test_oncologist_cover.py written as
files: O2 (B1, trust TB) is on maternity leave; O1 (A1, trust TA: 6 PAs, 4 away) covers A's 2
PAs and B's 3 PAs with two trips (2 x 20 miles x 2 ways x 0.5 = 40 pounds), beating B's one
600-pound locum PA: f1 = 0, f2 = 40, f3 = 3.5 + 2 = 5.5; the baseline (all at home) pays for
B's one locum PA (600) and leaves B's other 2 PAs uncovered.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

import models.cover
from instances import bundled_path
from instances.generators.cover import generate, lsc_cover
from models.cover import solve
from models.cover.input import CoverParameters
from optimiser.cli import main
from optimiser.kinds import load_instance
from optimiser.kinds.cover import PLAN_TABLES, WORKBOOK
from optimiser.kinds.cover_schema import TABLES

FILES = {
    "instance.yaml": """kind: cover
name: tiny-cover
parameters:
  first_week: '2026-01-05'
  weeks: 1
  cost_per_mile: 0.5
""",
    "trusts.csv": "trust_id,name\nTA,Trust A\nTB,Trust B\n",
    "sites.csv": "site_id,name,trust_id,lat,lon\nA1,Alpha,TA,53.8,-2.7\nB1,Beta,TB,53.9,-2.9\n",
    "tumour_sites.csv": "tumour_site_id,name\nlung,Lung\n",
    "oncologists.csv": (
        "oncologist_id,name,home_site,dcc_pas,max_away_pas,max_sites,cost_per_pa\n"
        "O1,Dr O1,A1,6,4,2,350\nO2,Dr O2,B1,6,4,2,350\n"
    ),
    "specialisms.csv": "oncologist_id,tumour_site_id\nO1,lung\nO2,lung\n",
    "absences.csv": "oncologist_id,first_day,last_day,kind,share\nO2,2026-01-05,2026-01-09,maternity,1\n",
    "demand.csv": "trust_id,tumour_site_id,week,pas\nTA,lung,1,2\nTB,lung,1,3\n",
    "locums.csv": "trust_id,tumour_site_id,pas_per_week,cost_per_pa\nTB,lung,1,600\n",
    "travel.csv": "from_site,to_site,minutes,miles\nA1,B1,30,20\n",
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny-cover"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text)
    return folder


def test_tiny_folder_solves_to_the_hand_checked_optimum(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = run("solve", str(tiny), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir() if p.name != ".optimiser-run"} == {
        *(f"{t}.csv" for t in PLAN_TABLES),
        WORKBOOK,
        "summary.json",
        "run.json",
    }
    summary = json.loads((out / "summary.json").read_text())
    assert summary["solver"]["status"] == "optimal" and summary["check"]["passed"]
    assert summary["solver"]["objective"] == pytest.approx(40.0)
    assert [s["f1"] for s in summary["stages"]] == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)
    assert [s["f2"] for s in summary["stages"][1:]] == pytest.approx([40.0, 40.0])
    assert summary["stages"][2]["f3"] == pytest.approx(5.5)
    assert summary["total_cost"] == pytest.approx({"plan": 40.0, "baseline": 600.0})
    assert summary["uncovered_pas"] == pytest.approx({"plan": 0.0, "baseline": 2.0})
    assert summary["saving"] == pytest.approx(560.0)
    rota = pd.read_csv(out / "rota.csv")
    assert set(rota["oncologist_id"]) == {"O1"}  # O2 is on maternity leave: never allocated
    assert rota.groupby("site_id")["pas"].sum().to_dict() == {"A1": 2.0, "B1": 3.0}
    grid = pd.read_csv(out / "grid.csv").set_index("oncologist_id")
    week = next(c for c in grid.columns if c.startswith("wk01"))
    assert grid.at["O1", week] == "A1 lung 2 | B1 lung 3"
    assert grid.at["O2", week] == "maternity"
    assert "All demand is covered and every MDT is quorate." in result.output
    assert "£40" in result.output and "£600" in result.output and "£560" in result.output
    assert "Independent check: passed" in result.output
    assert len(result.output.strip().splitlines()) <= 25


def test_workbook_holds_every_csv_table(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert run("solve", str(tiny), "--out", str(out)).exit_code == 0
    sheets = pd.read_excel(out / WORKBOOK, sheet_name=None)
    assert list(sheets) == list(PLAN_TABLES)
    for name in PLAN_TABLES:
        csv = pd.read_csv(out / f"{name}.csv")
        sheet = sheets[name]
        for column in sheet.select_dtypes("datetime").columns:  # dates are Excel dates in the workbook
            sheet[column] = sheet[column].dt.strftime("%Y-%m-%d")
        pd.testing.assert_frame_equal(sheet, csv, check_dtype=False, obj=name)


def test_folder_and_model_agree_with_and_without_travel_table(tiny: Path) -> None:
    case = load_instance(tiny).model_input
    assert case.parameters == CoverParameters(cost_per_mile=0.5)
    plan = solve(case.input, case.parameters)
    assert plan.metric("total_cost") == pytest.approx(40.0)
    (tiny / "travel.csv").unlink()
    estimated = load_instance(tiny).model_input.input.travel
    assert list(estimated[["from_site", "to_site"]].itertuples(index=False, name=None)) == [
        ("A1", "B1"),
        ("B1", "A1"),
    ]
    # 53.8,-2.7 -> 53.9,-2.9: 17.2 km straight, x 1.3 = 22.4 km road: 26.8 min at 50 km/h + 5, 13.9 miles
    assert estimated["minutes"].to_numpy() == pytest.approx([31.8, 31.8], abs=0.05)
    assert estimated["miles"].to_numpy() == pytest.approx([13.9, 13.9], abs=0.05)


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "words"),
    [
        (
            "demand.csv",
            "TB,lung,1,3",
            "TB,lung,3,3",
            "demand.csv, row 3, column 'week'",
            "past the horizon of 1 week",
        ),
        (
            "specialisms.csv",
            "O2,lung",
            "O1,lung",
            "specialisms.csv, row 3, column 'tumour_site_id'",
            "listed twice",
        ),
        (
            "specialisms.csv",
            "O2,lung",
            "O1,lung",
            "oncologists.csv, row 3, column 'oncologist_id'",
            "no row in",
        ),
        (
            "absences.csv",
            "2026-01-05,2026-01-09",
            "2026-01-09,2026-01-05",
            "absences.csv, row 2, column 'last_day'",
            ": last_day 2026-01-05 is before first_day 2026-01-09",  # dates, not timestamps
        ),
        ("absences.csv", "maternity,1", "maternity,0", "absences.csv, row 2, column 'share'", "above 0"),
        ("absences.csv", "maternity,1", "holiday,1", "absences.csv, row 2, column 'kind'", "'holiday'"),
        (
            "instance.yaml",
            "'2026-01-05'",
            "'2026-01-06'",
            "instance.yaml, column 'parameters.first_week'",
            "not a Monday",
        ),
        (
            "instance.yaml",
            "weeks: 1",
            "weeks: 0",
            "instance.yaml, column 'parameters.weeks'",
            "below the minimum",
        ),
        (
            "instance.yaml",
            "cost_per_mile",
            "cost_per_mil",
            "instance.yaml, column 'parameters.cost_per_mil'",
            "did you mean 'cost_per_mile'",
        ),
        ("oncologists.csv", "O1,Dr O1,A1", "O1,Dr O1,Z9", "oncologists.csv, row 2, column 'home_site'", "Z9"),
        ("travel.csv", "A1,B1,30,20", "A1,B1,-30,20", "travel.csv, row 2, column 'minutes'", "below"),
        (
            "locums.csv",
            "TB,lung,1,600",
            "TB,lung,1,600\nTB,lung,2,500",
            "locums.csv, row 3, column 'tumour_site_id'",
            "listed twice",
        ),
    ],
)
def test_bad_input_names_file_row_and_column(
    tiny: Path, file: str, old: str, new: str, where: str, words: str
) -> None:
    edit(tiny, file, old, new)
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    line = next((ln for ln in result.output.splitlines() if where in ln and words in ln), None)
    assert line is not None, result.output
    assert "Traceback" not in result.output


def test_mdt_weekday_words_and_a_bad_day(tiny: Path) -> None:
    mdts = "mdt_id,trust_id,tumour_site_id,weekday,quorum,remote_counts\nM1,TB,lung,tuesday,1,yes\n"
    (tiny / "mdts.csv").write_text(mdts)
    assert load_instance(tiny).model_input.input.mdts["weekday"].tolist() == ["Tue"]
    (tiny / "mdts.csv").write_text(mdts.replace("tuesday", "Sat"))
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    assert "mdts.csv, row 2, column 'weekday': 'Sat' is not a weekday Mon..Fri" in result.output


def test_mdt_that_cannot_be_quorate_is_named(tiny: Path, tmp_path: Path) -> None:
    """B's lung MDT needs two oncologists in the room; O2 is away, so it is one short."""
    (tiny / "mdts.csv").write_text(
        "mdt_id,trust_id,tumour_site_id,weekday,quorum,remote_counts\nM1,TB,lung,Wed,2,no\n"
    )
    out = tmp_path / "run"
    result = run("solve", str(tiny), "--out", str(out))
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "M1" in flat and "week 1" in flat and "Lung" in flat
    mdts = pd.read_csv(out / "mdts.csv")
    assert mdts["quorate"].tolist() == [False]
    assert mdts["shortfall"].tolist() == [1]


def test_lsc_cover_files_hold_lsc_cover() -> None:
    folder = bundled_path("lsc-cover")
    assert folder is not None
    case = load_instance(folder).model_input
    expected = lsc_cover()
    for schema in TABLES:
        mine, theirs = getattr(case.input, schema.name), getattr(expected, schema.name)
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False, obj=schema.name)
    assert (case.input.first_week, case.input.weeks) == (expected.first_week, expected.weeks)
    assert case.parameters == CoverParameters()
    assert "ILLUSTRATIVE" in (folder / "instance.yaml").read_text()
    onc = case.input.oncologists
    assert len(onc) >= 30 and len(case.input.tumour_sites) >= 8 and case.input.weeks == 26
    kinds = case.input.absences.groupby("kind").size()
    assert {"maternity", "sickness", "annual_leave"} <= set(kinds.index)


def test_generate_cover_is_reproducible_and_loads(tmp_path: Path) -> None:
    args = ["generate", "cover", "--oncologists", "8", "--trusts", "2", "--tumour-sites", "3", "--weeks", "2"]
    first, second = tmp_path / "a", tmp_path / "b"
    assert run(*args, "--seed", "3", str(first)).exit_code == 0
    assert run(*args, "--seed", "3", str(second)).exit_code == 0
    for name in (p.name for p in first.iterdir()):
        assert (first / name).read_text() == (second / name).read_text(), name
    case = load_instance(first).model_input.input
    expected = generate(8, 2, 3, 2, seed=3)
    pd.testing.assert_frame_equal(case.demand, expected.demand, check_dtype=False)
    result = run(*args, str(first))
    assert result.exit_code == 2 and "already exists" in result.output
    out = tmp_path / "run"
    assert run("solve", str(first), "--out", str(out), "--gap", "0.01").exit_code == 0


def test_workbook_instance_loads_the_same(tiny: Path, tmp_path: Path) -> None:
    book = tmp_path / "wb"
    book.mkdir()
    shutil.copy(tiny / "instance.yaml", book / "instance.yaml")
    with pd.ExcelWriter(book / "tiny.xlsx") as writer:
        for file in FILES:
            if file.endswith(".csv"):
                frame = pd.read_csv(tiny / file, dtype=str, keep_default_na=False)
                frame.to_excel(writer, sheet_name=file[:-4], index=False)
    plain = load_instance(tiny).model_input.input
    other = load_instance(book).model_input.input
    for schema in TABLES:
        pd.testing.assert_frame_equal(
            getattr(other, schema.name), getattr(plain, schema.name), obj=schema.name
        )


def test_cover_is_listed_and_a_copy_of_lsc_cover_validates(tmp_path: Path) -> None:
    result = run("instances")
    assert "lsc-cover" in result.output
    folder = bundled_path("lsc-cover")
    assert folder is not None
    copy = Path(shutil.copytree(folder, tmp_path / "lsc-cover"))
    assert run("validate", str(copy)).exit_code == 0


@pytest.mark.parametrize(("given", "expected"), [((), None), (("--time-limit", "3"), 3.0)])
def test_time_budget_and_per_solve_limit_reach_the_model(
    tiny: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: tuple[str, ...],
    expected: float | None,
) -> None:
    """time_limit_per_solve reaches the model's parameters; --time-limit is the run's budget."""
    seen = []

    def spy(instance, params, *, backend, options, progress):  # type: ignore[no-untyped-def]
        seen.append((params.time_limit_per_solve, options.time_limit))
        return solve(instance, params, backend=backend, options=options, progress=progress)

    monkeypatch.setattr(models.cover, "solve", spy)
    edit(tiny, "instance.yaml", "weeks: 1", "weeks: 1\n  time_limit_per_solve: 12.5")
    assert run("solve", str(tiny), "--out", str(tmp_path / "run"), *given).exit_code == 0
    assert seen == [(12.5, expected)]


def test_holidays_table_is_read_and_a_bad_date_named(tiny: Path, tmp_path: Path) -> None:
    """A local holiday on Tuesday 6 January: the week keeps 4/5 of its demand, to the half PA."""
    (tiny / "holidays.csv").write_text("date,name,closed\n2026-01-06,trust closure,yes\n")
    case = load_instance(tiny).model_input
    assert case.input.holiday_dates() == {dt.date(2026, 1, 6): "local holiday"}
    out = tmp_path / "run"
    assert run("solve", str(tiny), "--out", str(out)).exit_code == 0
    cover = pd.read_csv(out / "cover.csv").set_index("trust_id")
    assert cover["demand_pas"].to_dict() == {"TA": 1.5, "TB": 2.5}  # 2 x 0.8 = 1.6, 3 x 0.8 = 2.4
    (tiny / "holidays.csv").write_text(
        "date,name,closed\n2026-01-06,trust closure,yes\n2026-01-06,again,no\n"
    )
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    assert "holidays.csv, row 3, column 'date': duplicate id '2026-01-06' (first at row 2)" in result.output


def test_a_rule_only_the_model_checks_names_file_row_and_column(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model's problem (table, row 2 = second data row, column) becomes file, row 3, column."""
    import optimiser.kinds.cover as kind
    from models.common.contract import InputProblem, ModelInputError

    def refuse(**_: object) -> None:
        raise ModelInputError(
            [
                InputProblem("oncologists", "too busy", 2, "dcc_pas"),
                InputProblem("parameters", "bad", None, "weeks"),
            ]
        )

    monkeypatch.setattr(kind, "CoverInstance", refuse)
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    assert "oncologists.csv, row 3, column 'dcc_pas': too busy" in result.output
    assert "instance.yaml, column 'parameters.weeks': bad" in result.output


def test_a_huge_whole_number_parameter_is_named_as_written(tmp_path: Path) -> None:
    """--set weeks=1e300 was refused as a 301-digit number (1000...0160 is above the maximum 104)."""
    result = run(
        "solve", str(bundled_path("lsc-cover")), "--set", "weeks=1e300", "--out", str(tmp_path / "r")
    )
    assert result.exit_code == 2
    assert "--set, column 'weeks': 1e300 is above the maximum 104" in result.output


def three_weeks_of_visits(tiny: Path) -> None:
    """The tiny folder over three weeks, the absence and the demand that make O1 visit B1 each
    week (two return trips a week)."""
    edit(tiny, "instance.yaml", "weeks: 1", "weeks: 3")
    edit(tiny, "absences.csv", "2026-01-09", "2026-01-23")
    edit(
        tiny,
        "demand.csv",
        "TB,lung,1,3\n",
        "TB,lung,1,3\nTA,lung,2,2\nTB,lung,2,3\nTA,lung,3,2\nTB,lung,3,3\n",
    )


def test_visits_rows_add_up_to_the_travel_reported(tiny: Path, tmp_path: Path) -> None:
    """A planner adding visits.csv's rows gets travel.csv's figure per oncologist and the total of
    summary.json and costs.csv, to the penny and to the hours written.  Three weeks of two
    return trips of 20.3 miles at 56p: 22.736 pounds a trip, 45.472 a week unrounded, which
    visits.csv wrote as 45.47 (136.41 over three weeks) beside a total of 136.42 (136.416)."""
    three_weeks_of_visits(tiny)
    edit(tiny, "instance.yaml", "cost_per_mile: 0.5", "cost_per_mile: 0.56")
    edit(tiny, "travel.csv", "A1,B1,30,20", "A1,B1,37.1,20.3")
    edit(tiny, "locums.csv", "TB,lung,1,600", "TB,lung,1,600.03")
    out = tmp_path / "run"
    assert run("solve", str(tiny), "--out", str(out)).exit_code == 0
    visits = pd.read_csv(out / "visits.csv")
    assert len(visits) == 3 and set(visits["trips"]) == {2}
    summed = visits.groupby("oncologist_id")[["travel_cost", "hours", "miles"]].sum().round(4)
    travel = pd.read_csv(out / "travel.csv").set_index("oncologist_id").loc[summed.index]
    pd.testing.assert_frame_equal(summed, travel[["travel_cost", "hours", "miles"]], check_exact=True)
    assert summed.at["O1", "travel_cost"] == 136.44  # 22.74 a trip, to the penny, x 6 trips
    summary = json.loads((out / "summary.json").read_text())
    costs = pd.read_csv(out / "costs.csv").set_index("metric")
    total = round(float(visits["travel_cost"].sum()), 2)
    assert summary["travel_cost"]["plan"] == total == costs.at["travel_cost", "plan"]
    assert round(float(visits["hours"].sum()), 4) == costs.at["travel_hours", "plan"]
    assert summary["check"]["passed"]
    # the saving is the difference of the two costs to the penny: it read 1663.6499999999999
    assert summary["total_cost"] == {"plan": 136.44, "baseline": 1800.09}
    assert summary["saving"] == 1663.65


def test_visits_estimated_miles_add_up_to_the_miles_reported(tiny: Path, tmp_path: Path) -> None:
    """Miles estimated from coordinates have many decimals: a generated instance without its
    travel table (24 oncologists, 6 weeks, seed 2) had 4 oncologists whose visits.csv miles
    summed 0.0001 off travel.csv's.  Three weeks of two return trips of 20.31234 miles: 40.62468
    a trip, 81.24936 a week, written 81.2494, three summing to 243.7482 beside 243.7481."""
    three_weeks_of_visits(tiny)
    edit(tiny, "travel.csv", "A1,B1,30,20", "A1,B1,30,20.31234")
    out = tmp_path / "run"
    assert run("solve", str(tiny), "--out", str(out)).exit_code == 0
    visits = pd.read_csv(out / "visits.csv")
    assert len(visits) == 3 and set(visits["trips"]) == {2}
    travel = pd.read_csv(out / "travel.csv").set_index("oncologist_id")
    assert round(float(visits["miles"].sum()), 4) == travel.at["O1", "miles"] == 243.7482
    costs = pd.read_csv(out / "costs.csv").set_index("metric")
    assert costs.at["travel_miles", "plan"] == 243.7482
