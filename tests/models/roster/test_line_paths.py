"""The dynamic-programme pricer (:mod:`models.roster.line_paths`) against every line of a small
person: one employee over 14 days (two weekends, the second's Sunday on leave), early (480 min)
and late (600 min) shifts with late-then-early forbidden, runs, days off, weekends, hours and a
late-shift maximum, requests both ways and 5 days of leave, so 3^9 = 19,683 lines, each judged
by the benchmark's own scorer (:func:`models.roster.curtois_qu.score_roster`, written from the
benchmark and not from the model). Against random multipliers the programme's least reduced
cost is the enumerated one, its lines are legal and costed right, and CP-SAT agrees."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from models.roster.curtois_qu import CurtoisQuInstance, read_instance, score_roster, to_roster_input
from models.roster.line_paths import LinePaths
from models.roster.lines import SCALE, WORKS, LineModel
from models.roster.solve import build_roster_model

TEXT = """
SECTION_HORIZON
14

SECTION_SHIFTS
E,480,
L,600,E

SECTION_STAFF
A,E=13|L=3,5040,2880,4,2,2,1

SECTION_DAYS_OFF
A,2,8,9,10,13

SECTION_SHIFT_ON_REQUESTS
A,0,E,2
A,5,L,3
A,12,E,1

SECTION_SHIFT_OFF_REQUESTS
A,3,L,2
A,6,E,4
A,7,E,1

SECTION_COVER
""" + "\n".join(f"{d},{s},1,0,0" for d in range(14) for s in "EL")


def _instance() -> CurtoisQuInstance:
    return read_instance(TEXT, "one-person")


@pytest.fixture(scope="module")
def every_line() -> list[tuple[frozenset[tuple[int, str]], int]]:
    """Every legal line of the person (shifts worked, own penalty), by the benchmark's scorer."""
    inst = _instance()
    free = [d for d in range(14) if d not in (2, 8, 9, 10, 13)]
    out = []
    for choice in itertools.product(("", "E", "L"), repeat=len(free)):
        row = [""] * 14
        for d, s in zip(free, choice, strict=True):
            row[d] = s
        score = score_roster(inst, {"A": row})
        if score.feasible:
            out.append((frozenset((d, s) for d, s in enumerate(row) if s), score.penalty))
    return out


def _person(paths: bool = True) -> LineModel:
    return LineModel(build_roster_model(to_roster_input(_instance())), 0, paths=paths)


def _least(lines: list[tuple[frozenset[tuple[int, str]], int]], mu: dict[tuple[int, str], int]) -> int:
    return min(SCALE * cost - sum(mu.get(key, 0) for key in shifts) for shifts, cost in lines)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_programme_finds_the_least_reduced_cost_of_every_line(every_line, seed: int) -> None:
    rng = random.Random(seed)
    person = _person()
    assert person.paths is not None and person.paths.tracked == ["L"]
    mu = {key: rng.randint(-2 * SCALE, 6 * SCALE) for key in person.x}
    priced = person.price(mu, (0, 0, 0, 0), 30.0, pool=5)
    least = _least(every_line, mu)
    assert priced.optimal and priced.bound * SCALE == pytest.approx(least)
    legal = dict(every_line)
    for line in priced.lines:  # legal, costed as the scorer costs them, and improving towards the last
        assert line.shifts in legal and line.cost == legal[line.shifts]
    values = [SCALE * line.cost - sum(mu.get(k, 0) for k in line.shifts) for line in priced.lines]
    assert values[-1] == least and values == sorted(values, reverse=True)
    exact = _person(paths=False).price(mu, (0, 0, 0, 0), 30.0)
    assert exact.optimal and exact.bound * SCALE == pytest.approx(least)


def test_untracked_counts_are_checked_and_fixings_obeyed(every_line) -> None:
    """With no count tracked (budget 1) the best line may break the late-shift maximum: the
    programme then says it is not exact (its value is a relaxation's, at most the optimum); with
    fixings the least is that of the lines obeying them."""
    rm = LineModel(build_roster_model(to_roster_input(_instance())), 0).rm
    loose = LinePaths(rm, budget=1)
    assert loose.tracked == []
    domains = {key[1:]: (0, 1) for key in rm.x}
    mu = {key: 8 * SCALE if key[1] == "L" else 0 for key in domains}  # late shifts pay well
    found, least, exact = loose.price(mu, domains, SCALE)
    assert not exact and least < _least(every_line, mu)
    tight = LinePaths(rm)
    found, least, exact = tight.price(mu, domains, SCALE)
    assert exact and least == _least(every_line, mu)
    fixed = {**domains, (4, "E"): (1, 1), (5, "L"): (0, 0)}
    found, least, exact = tight.price(mu, fixed, SCALE)
    obeying = [(s, c) for s, c in every_line if (4, "E") in s and (5, "L") not in s]
    assert exact and least == _least(obeying, mu)
    assert all((4, "E") in p.shifts and (5, "L") not in p.shifts for p in found)
    assert np.isfinite(least)


@pytest.mark.parametrize("paths", [True, False])
def test_whole_day_fixings_price_the_least_of_the_lines_obeying_them(every_line, paths: bool) -> None:
    """``(day, WORKS)`` fixings (branching on a person's day). Every legal line of the person works
    days 0, 1 and 4-7 and no other: "works day 4" changes nothing, "off day 4" or "works day 3"
    leaves no line; "works day 0" with no late shift on day 1 prices the least of the lines
    obeying both, by the programme and by CP-SAT alike."""
    assert {frozenset(d for d, _ in shifts) for shifts, _ in every_line} == {frozenset({0, 1, 4, 5, 6, 7})}
    rng = random.Random(7)
    person = _person(paths)
    assert (person.paths is not None) == paths
    mu = {key: rng.randint(-2 * SCALE, 6 * SCALE) for key in person.x}
    mu[(1, "L")] = 9 * SCALE  # the late shift on day 1 pays best: forbidding it costs something
    least = _least(every_line, mu)

    def priced(on: list[tuple[int, str]], off: list[tuple[int, str]]) -> float:
        person.restrict(on=on, off=off)
        found = person.price(mu, (0, 0, 0, 0), 30.0, pool=5)
        assert found.optimal
        for line in found.lines:
            days = {d for d, _ in line.shifts}
            assert all((d in days) if s == WORKS else ((d, s) in line.shifts) for d, s in on)
            assert not any((d in days) if s == WORKS else ((d, s) in line.shifts) for d, s in off)
        return found.bound * SCALE

    assert priced([(4, WORKS)], []) == pytest.approx(least)
    assert priced([], [(4, WORKS)]) == float("inf")
    assert priced([(3, WORKS)], []) == float("inf")
    obeying = [(shifts, cost) for shifts, cost in every_line if (1, "L") not in shifts]
    assert _least(obeying, mu) > least
    assert priced([(0, WORKS)], [(1, "L")]) == pytest.approx(_least(obeying, mu))
    assert priced([], []) == pytest.approx(least)
