"""Cover model inputs: bad tables and parameters fail with clear messages; generators are deterministic."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from test_oncologist_cover_fixtures import MONDAY, PARAMS, absence, maternity_case, oncologist, tiny

from instances.generators.cover import LSC_SITES, generate, lsc_cover, travel_table
from models.common.contract import ModelInputError
from models.cover import CoverInstance, CoverParameters, solve


def replace_table(inst: CoverInstance, table: str, frame: pd.DataFrame) -> CoverInstance:
    return dataclasses.replace(inst, **{table: frame})


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        ("oncologists", lambda f: f.assign(home_site=["A1", "Z9"]), "unknown site(s) ['Z9']"),
        ("oncologists", lambda f: f.assign(oncologist_id=["O1", "O1"]), "duplicate oncologist_id"),
        ("oncologists", lambda f: f.drop(columns="dcc_pas"), "lacks column(s) 'dcc_pas'"),
        ("oncologists", lambda f: f.assign(max_sites=[0, 2]), "'max_sites' must be >= 1"),
        ("oncologists", lambda f: f.assign(dcc_pas=["many", 6]), "'dcc_pas': expected float"),
        ("demand", lambda f: f.assign(pas=[-1.0, 3.0]), "'pas' must be >= 0"),
        ("demand", lambda f: f.assign(week=[1, 2]), "must be a week in 1..1"),
        ("demand", lambda f: f.assign(trust_id=["TA", "TX"]), "unknown trust(s) ['TX']"),
        ("absences", lambda f: f.assign(share=[1.5]), "'share' must be in (0, 1]"),
        ("absences", lambda f: f.assign(kind=["holiday"]), "not one of annual_leave"),
        ("absences", lambda f: f.assign(last_day=[MONDAY - dt.timedelta(days=1)]), "on or after first_day"),
        ("specialisms", lambda f: f.iloc[:1], "['O2'] have no tumour-site specialism"),
        (
            "specialisms",
            lambda f: f.assign(tumour_site_id=["lung", "bone"]),
            "unknown tumour site(s) ['bone']",
        ),
        ("travel", lambda f: f.iloc[0:0], "no journey given between home site and site"),
        ("travel", lambda f: f.assign(minutes=[-5.0]), "'minutes' must be >= 0"),
        ("locums", lambda f: f.assign(cost_per_pa=[np.nan]), "empty value(s)"),
    ],
)
def test_bad_tables_raise_value_error(table: str, change, message: str) -> None:  # type: ignore[no-untyped-def]
    inst = maternity_case()
    with pytest.raises(ValueError, match=None) as err:
        replace_table(inst, table, change(getattr(inst, table)))
    assert message in str(err.value)


def test_bad_mdts_and_horizon_raise_value_error() -> None:
    mdt = {"mdt_id": "M", "trust_id": "TB", "tumour_site_id": "lung", "weekday": "Sat", "quorum": 1,
           "remote_counts": "yes"}  # fmt: skip
    with pytest.raises(ValueError, match="are not weekdays"):
        tiny([oncologist("O1", "A1")], [("TA", 1, 1.0)], mdts=[mdt])
    with pytest.raises(ValueError, match="'remote_counts': expected bool"):
        tiny(
            [oncologist("O1", "A1")],
            [("TA", 1, 1.0)],
            mdts=[{**mdt, "weekday": "Mon", "remote_counts": "maybe"}],
        )
    inst = maternity_case()
    with pytest.raises(ValueError, match="first_week must be a Monday"):
        dataclasses.replace(inst, first_week=MONDAY + dt.timedelta(days=1))
    with pytest.raises(ValueError, match="weeks must be a whole number >= 1"):
        dataclasses.replace(inst, weeks=0)
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        dataclasses.replace(inst, demand=[("TA", "lung", 1, 2.0)])


def test_weekday_names_and_yes_no_are_normalised() -> None:
    mdt = {"mdt_id": "M", "trust_id": "TB", "tumour_site_id": "lung", "weekday": "tuesday", "quorum": 1,
           "remote_counts": "Yes"}  # fmt: skip
    inst = tiny([oncologist("O1", "A1")], [("TA", 1, 1.0)], mdts=[mdt])
    assert inst.mdts["weekday"].tolist() == ["Tue"] and inst.mdts["remote_counts"].tolist() == [True]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pas_per_trip", 0.0, "pas_per_trip must be positive"),
        ("cost_per_mile", -1.0, "cost_per_mile must be a finite number >= 0"),
        ("max_trips_per_site", 0, "max_trips_per_site must be an integer >= 1"),
        ("mode", "fastest", "mode must be 'lexicographic' or 'weighted'"),
    ],
)
def test_bad_parameters_raise_value_error(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CoverParameters(**{field: value})


def test_solve_rejects_unknown_backend_and_wrong_input() -> None:
    with pytest.raises(ModelInputError, match="unknown backend 'gurobi'"):
        solve(maternity_case(), PARAMS, backend="gurobi")
    with pytest.raises(ModelInputError, match="must be a CoverInstance") as err:
        solve({"trusts": None}, PARAMS)  # type: ignore[arg-type]
    assert err.value.problems[0].table == "instance"


def test_bad_input_names_table_row_and_column() -> None:
    """The model's problems carry the table, the row (1 = first data row) and the column."""
    inst = maternity_case()
    with pytest.raises(ModelInputError) as err:
        replace_table(inst, "oncologists", inst.oncologists.assign(max_sites=[2, 0]))
    (problem,) = err.value.problems
    assert (problem.table, problem.row, problem.column) == ("oncologists", 2, "max_sites")
    with pytest.raises(ModelInputError) as err:
        CoverParameters(time_budget=0)
    assert (err.value.problems[0].table, err.value.problems[0].column) == ("parameters", "time_budget")


def test_input_frames_are_copied_not_changed() -> None:
    frame = pd.DataFrame([oncologist("O1", "A1")])
    before = frame.copy()
    tiny([dict(r) for r in frame.to_dict("records")], [("TA", 1, 1.0)])
    pd.testing.assert_frame_equal(frame, before)


def test_travel_table_follows_the_documented_rule() -> None:
    """Road km = great-circle km x 1.3; minutes = road km / 50 x 60 + 5; miles = road km / 1.609.

    Royal Preston to Royal Blackburn: about 17.3 km straight, 22.5 km by road: 32.0 minutes, 14.0 miles.
    """
    sites = pd.DataFrame(
        [s for s in LSC_SITES if s[0] in ("RXN02", "RXR20")],
        columns=["site_id", "name", "t", "tn", "lat", "lon"],
    )
    t = travel_table(sites).set_index(["from_site", "to_site"])
    minutes, miles = t.loc[("RXN02", "RXR20")]
    road_km = (minutes - 5.0) / 60.0 * 50.0
    assert road_km == pytest.approx(22.5, abs=0.2)
    assert miles == pytest.approx(road_km / 1.609, abs=0.1)
    assert len(t) == 2 and t.loc[("RXR20", "RXN02"), "minutes"] == minutes


def test_generate_is_deterministic_and_sized() -> None:
    a, b, c = generate(12, 3, 4, 5, seed=7), generate(12, 3, 4, 5, seed=7), generate(12, 3, 4, 5, seed=8)
    for table in ("sites", "oncologists", "specialisms", "absences", "demand", "mdts", "locums", "travel"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    assert not a.demand.equals(c.demand)
    assert (len(a.oncologists), len(a.trusts), len(a.tumour_sites), a.weeks) == (12, 3, 4, 5)
    assert set(a.specialisms["tumour_site_id"]) == set(a.tumour_sites["tumour_site_id"])
    assert {"maternity", "sickness", "annual_leave"} <= set(a.absences["kind"])
    with pytest.raises(ValueError, match="trusts must be at least 1"):
        generate(5, 0, 2, 2)


def test_lsc_cover_holds_the_issue_facts() -> None:
    """4 LSC trusts and their 8 sites, >= 30 oncologists, >= 8 tumour sites, 26 weeks, one 26-week
    maternity leave, one long-term sickness, ordinary annual leave; labelled illustrative."""
    inst = lsc_cover()
    assert len(inst.trusts) == 4 and len(inst.sites) == 8 and inst.weeks == 26
    assert "Royal Preston Hospital" in set(inst.sites["name"]) and "Furness General Hospital" in set(
        inst.sites["name"]
    )
    assert len(inst.oncologists) >= 30 and inst.specialisms["tumour_site_id"].nunique() >= 8
    ab = inst.absences.assign(days=(inst.absences["last_day"] - inst.absences["first_day"]).dt.days + 1)
    maternity = ab[ab["kind"] == "maternity"]
    assert len(maternity) == 1 and maternity["days"].iloc[0] >= 7 * 26 - 2
    assert ab.loc[ab["kind"] == "sickness", "days"].max() >= 7 * 12
    assert (ab["kind"] == "annual_leave").sum() >= 30
    assert "ILLUSTRATIVE" in inst.description
    assert lsc_cover().demand.equals(inst.demand)


def test_absence_share_and_partial_weeks() -> None:
    """Half-time for a whole week = 0.5; full leave on two days = 0.4; together capped at 1."""
    inst = tiny(
        [oncologist("O1", "A1"), oncologist("O2", "A1")],
        [("TA", 1, 1.0)],
        absences=[
            absence("O1", MONDAY, MONDAY + dt.timedelta(days=6), "sickness", 0.5),
            absence("O2", MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=9)),
        ],
        weeks=2,
    )
    plan = solve(inst, dataclasses.replace(PARAMS, run_stage3=False))
    share = plan.workload.set_index(["oncologist_id", "week"])["absent_share"]
    assert share[("O1", 1)] == pytest.approx(0.5) and share[("O1", 2)] == 0.0
    assert share[("O2", 1)] == pytest.approx(0.4) and share[("O2", 2)] == pytest.approx(0.6)
