"""``search: auto`` (:func:`models.roster.search.auto_search`): column generation for small rotas
whose cover is soft throughout (Curtois & Qu), CP-SAT for hard cover (the bundled rotas) and for
large rotas."""

from __future__ import annotations

import pytest

from instances.generators.rostering import lsc_registrar_oncall, lsc_sact_nurses
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.parameters import RosterParameters
from models.roster.search import AUTO_LINES_STAFF, auto_search
from tests.conftest import benchmark_file


@pytest.mark.parametrize(("number", "staff"), [(1, 8), (2, 14), (9, 36)])
def test_curtois_qu_soft_cover_chooses_lines_up_to_the_staff_limit(number: int, staff: int) -> None:
    inp = to_roster_input(read_instance(benchmark_file("shift-scheduling", f"Instance{number}.txt")))
    assert len(inp.staff) == staff and AUTO_LINES_STAFF == 60
    assert auto_search(inp) == "lines"
    assert auto_search(inp, staff_limit=staff - 1) == "cpsat"


def test_a_hard_minimum_or_maximum_cover_chooses_cpsat() -> None:
    inp = to_roster_input(read_instance(benchmark_file("shift-scheduling", "Instance5.txt")))
    assert auto_search(inp) == "lines"
    hard_min = inp.replace(cover=inp.cover.assign(minimum=[1] + [0] * (len(inp.cover) - 1)))
    top = [int(inp.cover["preferred"].iloc[0]) + 1] + [-1] * (len(inp.cover) - 1)
    hard_max = inp.replace(cover=inp.cover.assign(maximum=top))
    assert auto_search(hard_min) == auto_search(hard_max) == "cpsat"
    assert auto_search(lsc_sact_nurses()) == auto_search(lsc_registrar_oncall()) == "cpsat"


def test_auto_is_a_search_setting() -> None:
    assert RosterParameters(search="auto").search == "auto"
