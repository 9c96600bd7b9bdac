"""The pmed-beasley family: its cases and one case solved to proven optimality."""

from __future__ import annotations

from benchmarks.suite import load_suite
from benchmarks.suite.registry import Context, get_family
from solvers import SolveOptions, Status


def test_cases_take_p_as_numbers_and_shares_once_each() -> None:
    cases = get_family("pmed-beasley").expand({"sizes": [100, 300], "seed": 2}, Context())
    assert [c.name for c in cases] == [
        "beasley-n100-p5-s2",
        "beasley-n100-p10-s2",  # 10 and n/10 are one case
        "beasley-n100-p20-s2",
        "beasley-n100-p33-s2",
        "beasley-n300-p5-s2",
        "beasley-n300-p10-s2",
        "beasley-n300-p30-s2",
        "beasley-n300-p60-s2",
        "beasley-n300-p100-s2",
    ]
    assert cases[0].params == {"n": 100, "p": 5, "seed": 2} and cases[0].size_value == 10_000.0


def test_a_small_case_is_proven_by_the_radius_path() -> None:
    family = get_family("pmed-beasley")
    (case,) = family.expand({"sizes": [100], "p": [5]}, Context())
    result = family.solve(case, "highs", SolveOptions(gap=0.0, threads=1, time_limit=60), Context())
    assert result.status is Status.OPTIMAL
    assert result.bound == result.objective and result.objective > 0


def test_shipped_suite_covers_every_size_and_share() -> None:
    suite = load_suite("pmed-beasley")
    (entry,) = suite.entries
    assert entry.family == "pmed-beasley" and entry.backends == ("highs",)
    assert entry.spec["sizes"] == list(range(100, 1000, 100))
    assert entry.spec["p"] == [5, 10, "n/10", "n/5", "n/3"]
    assert suite.settings.time_limit == 60
