"""models.common.travel: the one rule for filling travel minutes the user leaves out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.common.contract import ModelInputError
from models.common.travel import (
    EARTH_RADIUS_KM,
    MAX_LISTED,
    complete_travel,
    great_circle_km,
    road_minutes,
)

# A and B one degree of latitude apart (111.195 km); C has no coordinates.
PLACES = pd.DataFrame({"lat": [53.0, 54.0, np.nan], "lon": [-2.0, -2.0, np.nan]}, index=["A", "B", "C"])
ONE_DEGREE_KM = EARTH_RADIUS_KM * np.pi / 180.0


def _needed(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["from_site", "to_site"])


def test_great_circle_one_degree_of_latitude() -> None:
    assert great_circle_km(np.array(53.0), np.array(-2.0), np.array(54.0), np.array(-2.0)) == pytest.approx(
        111.195, abs=1e-3
    )


def test_road_minutes_by_hand() -> None:
    # 45 km straight line x 1.3 = 58.5 road km at 45 km/h = 78 minutes, + 5 to set off and park
    assert road_minutes(np.array([45.0, 0.0])).tolist() == pytest.approx([83.0, 5.0])
    assert road_minutes(np.array([60.0]), road_factor=1.0, speed_kmh=60.0, overhead_minutes=0.0)[0] == 60.0


def test_left_out_pair_is_estimated_from_coordinates() -> None:
    out = complete_travel(_needed(("A", "B")), None, PLACES)
    assert out.columns.tolist() == ["from_site", "to_site", "minutes", "road_km", "estimated"]
    assert out["road_km"].iloc[0] == pytest.approx(1.3 * ONE_DEGREE_KM)
    assert out["minutes"].iloc[0] == pytest.approx(5.0 + 1.3 * ONE_DEGREE_KM / 45.0 * 60.0)
    assert out["minutes"].iloc[0] == pytest.approx(197.73, abs=0.01)
    assert out["estimated"].tolist() == [True]


def test_the_parameters_change_the_estimate() -> None:
    out = complete_travel(
        _needed(("A", "B")), None, PLACES, road_factor=1.0, speed_kmh=60.0, overhead_minutes=10.0
    )
    assert out["minutes"].iloc[0] == pytest.approx(10.0 + ONE_DEGREE_KM)


def test_a_user_value_always_wins_and_is_kept() -> None:
    given = pd.DataFrame({"from_site": ["A", "C"], "to_site": ["B", "A"], "minutes": [12, 30]})
    # A -> B is given (12, though coordinates would say ~198); C -> A is given though C has no
    # coordinates; B -> A is needed and estimated
    out = complete_travel(_needed(("A", "B"), ("C", "A"), ("B", "A")), given, PLACES)
    minutes = out.set_index(["from_site", "to_site"])["minutes"]
    assert minutes[("A", "B")] == 12.0
    assert minutes[("C", "A")] == 30.0
    assert minutes[("B", "A")] == pytest.approx(197.73, abs=0.01)
    assert out["estimated"].tolist() == [False, False, True]
    assert np.isnan(out["road_km"].iloc[0])


def test_either_way_uses_the_users_value_for_the_return_journey() -> None:
    given = pd.DataFrame({"from_site": ["A"], "to_site": ["B"], "minutes": [12.0]})
    out = complete_travel(_needed(("B", "A")), given, PLACES, either_way=True)
    assert out[["from_site", "to_site", "minutes"]].values.tolist() == [["A", "B", 12.0]]
    one_way = complete_travel(_needed(("B", "A")), given, PLACES)
    assert one_way["estimated"].tolist() == [False, True]


def test_a_pair_without_coordinates_is_an_input_problem_naming_the_pair() -> None:
    needed = _needed(("A", "C")).assign(why="a rota at A could cover C")
    with pytest.raises(ModelInputError) as caught:
        complete_travel(needed, None, PLACES, table="travel")
    (problem,) = caught.value.problems
    assert problem.table == "travel"
    assert problem.column == "minutes"
    assert problem.message.startswith("travel minutes missing from A to C (a rota at A could cover C)")


def test_many_missing_pairs_are_listed_up_to_a_limit() -> None:
    places = pd.DataFrame({"lat": np.nan, "lon": np.nan}, index=[f"S{i}" for i in range(30)])
    needed = _needed(*[("S0", f"S{i}") for i in range(1, 30)])
    with pytest.raises(ModelInputError) as caught:
        complete_travel(needed, None, places)
    problems = caught.value.problems
    assert len(problems) == MAX_LISTED + 1
    assert problems[-1].message == f"... and {29 - MAX_LISTED} more pairs missing"


def test_a_pair_listed_twice_names_its_row() -> None:
    given = pd.DataFrame({"zone_id": ["Z1", "Z2", "Z1"], "site_id": ["A", "A", "A"], "minutes": [1, 2, 3]})
    with pytest.raises(ModelInputError) as caught:
        complete_travel(
            pd.DataFrame(columns=["zone_id", "site_id"]), given, PLACES, keys=("zone_id", "site_id")
        )
    (problem,) = caught.value.problems
    assert (problem.table, problem.row, problem.column) == ("travel", 3, "site_id")
    assert "Z1 -> A is listed twice" in problem.message


def test_nothing_needed_and_nothing_given_is_an_empty_table() -> None:
    out = complete_travel(_needed(), None, PLACES)
    assert out.empty
    assert out.columns.tolist() == ["from_site", "to_site", "minutes", "road_km", "estimated"]
