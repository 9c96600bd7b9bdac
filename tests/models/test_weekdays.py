"""One reader of weekdays for every table that names one (an MDT's day, fixed days off)."""

from __future__ import annotations

import pytest

from models.common.weekdays import WEEK, weekday
from models.cover.input import WEEKDAYS as MDT_DAYS
from models.roster.catalogue import WEEKDAYS as ROTA_DAYS


@pytest.mark.parametrize("text", ["Wednesday", "wednesday", "WEDNESDAY", "Wed", "wed", " WED "])
def test_a_full_name_or_three_letters_in_any_case_is_the_day(text: str) -> None:
    assert weekday(text) == "Wed"


@pytest.mark.parametrize("text", ["Weds", "W", "tues", "", "nan", None, 3])
def test_anything_else_is_no_day(text: object) -> None:
    assert weekday(text) is None


def test_the_days_are_stored_as_the_rota_and_the_mdts_store_them() -> None:
    assert WEEK == ROTA_DAYS and WEEK[:5] == MDT_DAYS
