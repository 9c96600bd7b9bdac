"""The published-value check on single rows: what contradicts a published optimum and what does not."""

from __future__ import annotations

import pytest

from benchmarks.suite.registry import Case
from benchmarks.suite.tasks import check_published


def case(published: float | None = 100.0, kind: str | None = "optimum") -> Case:
    return Case("f", "c", "m", "1", 1.0, published=published, published_kind=kind, tolerance=1e-3)


def row(status: str, objective: float | None, bound: float | None, gap_limit: float = 0.0) -> dict:
    return {"status": status, "objective": objective, "bound": bound, "gap_limit": gap_limit, "note": ""}


@pytest.mark.parametrize(
    ("r", "check", "words"),
    [
        (row("optimal", 100.0, 100.0), "ok", ""),
        (row("optimal", 100.0005, 99.9999), "ok", ""),  # within the tolerance
        (row("optimal", 101.0, 101.0), "mismatch", "proven optimal objective 101 (bound 101) differs"),
        (row("optimal", 100.9, 99.95, gap_limit=0.01), "ok", ""),  # within the gap it was proven to
        (row("optimal", 103.0, 99.0, gap_limit=0.01), "mismatch", "differs from the published optimum 100"),
        (row("optimal", 100.0, 100.5), "mismatch", "(bound 100.5)"),  # bound above the optimum
        (row("feasible", 120.0, 90.0), "ok", ""),  # not proven: a worse plan says nothing
        (row("feasible", 99.0, 90.0), "mismatch", "better than the published optimum"),
        (row("timeout", None, None), "", ""),
    ],
)
def test_check_against_a_published_optimum(r: dict, check: str, words: str) -> None:
    out = check_published(r, case())
    assert out["check"] == check
    assert words in out["note"]


def test_relative_error_and_unchecked_values() -> None:
    assert check_published(row("optimal", 110.0, 110.0), case())["relative_error"] == pytest.approx(0.1)
    best_known = check_published(row("optimal", 90.0, 90.0), case(kind="best_known"))
    assert best_known["check"] == "-" and best_known["relative_error"] == pytest.approx(-0.1)
    assert check_published(row("optimal", 5.0, 5.0), case(published=None, kind=None))["check"] == "-"
