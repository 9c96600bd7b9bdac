"""Comparing a rerun with a recorded run: each verdict on a hand-made pair of runs."""

from __future__ import annotations

import pandas as pd

from benchmarks.suite.compare import FAILURES, compare_runs, describe


def run(rows: list[tuple]) -> pd.DataFrame:
    """Rows ``(case, status, objective[, bound])``; the bound is the objective when not given."""
    return pd.DataFrame(
        [
            {"case": r[0], "backend": "highs", "repeat": 0, "status": r[1], "objective": r[2]}
            | {"bound": r[3] if len(r) > 3 else r[2]}
            for r in rows
        ]
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
            ("gap-consistent", "optimal", 100.0, 99.0),
            ("gap-disjoint", "optimal", 100.0, 99.0),
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
            ("gap-consistent", "optimal", 99.5, 98.6),
            ("gap-disjoint", "optimal", 101.5, 100.5),
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
        "gap-consistent": "same within gap",
        "gap-disjoint": "changed",
    }
    assert {v for v in verdicts.values() if v in FAILURES} == {"changed", "no longer optimal"}
    text = describe(compare_runs(recorded, new))
    assert "changed highs#0: changed (recorded optimal 100, now optimal 101)" in text
    assert "limited highs#0: time-limited (recorded feasible 120, now no_solution -)" in text
    assert "  same highs#0" not in text


def test_a_task_one_run_does_not_hold_is_said_so_not_nan() -> None:
    """`--against` a run of another suite listed every other task as 'now nan -'."""
    text = describe(compare_runs(run([("dropped", "optimal", 1.0)]), run([("added", "optimal", 2.0)])))
    assert "dropped highs#0: only recorded (recorded optimal 1, now not run)" in text
    assert "added highs#0: only new (recorded nothing, now optimal 2)" in text
    assert "nan" not in text


def test_a_proof_of_infeasibility_is_a_result_reproduced_or_contradicted() -> None:
    """An infeasible task proven so in both runs was 'time-limited', as though neither answered; a
    task recorded infeasible that a rerun solves to optimality (or the reverse) contradicts it,
    yet read 'now optimal' (not a failure: exit 0); and a proof of infeasibility lost was
    'time-limited' too, not a failure of reproduction as a lost optimum is."""
    recorded = run(
        [
            ("none", "infeasible", None),
            ("appeared", "infeasible", None),
            ("vanished", "optimal", 100.0),
            ("lost-proof", "infeasible", None),
            ("new-proof", "no_solution", None),
        ]
    )
    new = run(
        [
            ("none", "infeasible", None),
            ("appeared", "optimal", 100.0),
            ("vanished", "infeasible", None),
            ("lost-proof", "no_solution", None),
            ("new-proof", "infeasible", None),
        ]
    )
    verdicts = dict(compare_runs(recorded, new)[["case", "verdict"]].itertuples(index=False))
    assert verdicts == {
        "none": "same",
        "appeared": "changed",
        "vanished": "changed",
        "lost-proof": "no longer proven infeasible",
        "new-proof": "now proven infeasible",
    }
    assert {v for v in verdicts.values() if v in FAILURES} == {"changed", "no longer proven infeasible"}
    text = describe(compare_runs(recorded, new))
    assert "appeared highs#0: changed (recorded infeasible -, now optimal 100)" in text


def test_a_task_a_stopped_run_never_finished_is_neither_lost_nor_gained() -> None:
    """A bench stopped by Ctrl-C writes its unfinished tasks 'interrupted': one recorded optimal
    and unfinished now read 'no longer optimal' (a failure, exit 4), one unfinished in the record
    and optimal now 'now optimal'."""
    recorded = run([("stopped-now", "optimal", 100.0), ("stopped-before", "interrupted", None)])
    new = run([("stopped-now", "interrupted", None), ("stopped-before", "optimal", 100.0)])
    verdicts = dict(compare_runs(recorded, new)[["case", "verdict"]].itertuples(index=False))
    assert verdicts == {"stopped-now": "unfinished now", "stopped-before": "unfinished before"}
    assert not set(verdicts.values()) & set(FAILURES)
