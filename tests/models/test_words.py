"""Counts in messages agree with their nouns (models/common/words.py)."""

from __future__ import annotations

import pytest

from models.common.words import count, plural, status_words


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("vacancy", "vacancies"),
        ("day", "days"),
        ("PA", "PAs"),
        ("site", "sites"),
        ("staff", "staff"),
        ("breast oncologist", "breast oncologists"),
        ("cover row", "cover rows"),
        ("match", "matches"),
    ],
)
def test_plural(noun: str, expected: str) -> None:
    assert plural(noun) == expected


@pytest.mark.parametrize(
    ("n", "noun", "spec", "expected"),
    [
        (1, "vacancy", "", "1 vacancy"),
        (2, "vacancy", "", "2 vacancies"),
        (0, "zone", "", "0 zones"),
        (1.0, "PA", "g", "1 PA"),
        (1.5, "PA", "g", "1.5 PAs"),
        (0.5, "PA", "g", "0.5 PAs"),
        (1234, "mile", ",.0f", "1,234 miles"),
        (1.2, "mile", ",.0f", "1 mile"),
    ],
)
def test_count(n: float, noun: str, spec: str, expected: str) -> None:
    assert count(n, noun, spec=spec) == expected


def test_count_irregular_plural() -> None:
    assert count(1, "person", "people") == "1 person"
    assert count(3, "person", "people") == "3 people"


def test_an_optimal_plan_with_an_open_gap_says_within_the_gap_asked() -> None:
    assert status_words("optimal", 0.0088, 0.01) == "optimal within the 1.00% gap asked"
    assert status_words("optimal", 2.4e-5, 1e-4) == "optimal within the 0.01% gap asked"
    assert status_words("optimal", 0.0088, None) == "optimal within the gap asked"


def test_a_closed_gap_or_another_status_keeps_the_solvers_word() -> None:
    assert status_words("optimal", 0.0, 0.01) == "optimal"
    assert status_words("optimal", 1e-7, 0.01) == "optimal"
    assert status_words("optimal", None, 0.01) == "optimal"
    assert status_words("feasible", 0.05, 0.01) == "feasible"
    assert status_words("infeasible", None, None) == "infeasible"
