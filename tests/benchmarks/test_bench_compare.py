"""Comparing a rerun with a recorded run: each verdict on a hand-made pair of runs."""

from __future__ import annotations

import pandas as pd

from benchmarks.suite.compare import FAILURES, compare_runs, describe


def run(rows: list[tuple[str, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"case": c, "backend": "highs", "repeat": 0, "status": s, "objective": o} for c, s, o in rows]
    )


def test_every_verdict() -> None:
    recorded = run(
        [
            ("same", "optimal", 100.0),
            ("changed", "optimal", 100.0),
            ("lost", "optimal", 100.0),
            ("gained", "feasible", 120.0),
            ("limited", "feasible", 120.0),
            ("dropped", "optimal", 1.0),
        ]
    )
    new = run(
        [
            ("same", "optimal", 100.00000001),
            ("changed", "optimal", 101.0),
            ("lost", "feasible", 100.0),
            ("gained", "optimal", 100.0),
            ("limited", "no_solution", None),
            ("added", "optimal", 2.0),
        ]
    )
    verdicts = dict(compare_runs(recorded, new)[["case", "verdict"]].itertuples(index=False))
    assert verdicts == {
        "same": "same",
        "changed": "changed",
        "lost": "no longer optimal",
        "gained": "now optimal",
        "limited": "time-limited",
        "dropped": "only recorded",
        "added": "only new",
    }
    assert {v for v in verdicts.values() if v in FAILURES} == {"changed", "no longer optimal"}
    text = describe(compare_runs(recorded, new))
    assert "changed highs#0: changed (recorded optimal 100, now optimal 101)" in text
    assert "limited highs#0: time-limited (recorded feasible 120, now no_solution -)" in text
    assert "  same highs#0" not in text
