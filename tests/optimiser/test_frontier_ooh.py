"""``optimiser frontier --x response`` (out-of-hours): its table and chart, quick, from inline points.

The whole command on lsc-ooh is tested (slow) in ``tests/optimiser/test_options.py``.
"""

from __future__ import annotations

from optimiser.commands.frontier_ooh import response_table


def points(cost: list[float], status: list[str]) -> list[dict[str, object]]:
    """Frontier rows, loosest cap first: worst responses 40, 30, 20 and 10 minutes."""
    return [
        {"point": i, "worst_response_minutes": w, "cost": c, "status": s, "gap": 0.0}
        for i, (w, c, s) in enumerate(zip([40.0, 30.0, 20.0, 10.0], cost, status, strict=True))
    ]


def test_a_knee_of_the_response_frontier_is_a_point_of_its_line() -> None:
    """The knee was found among every point with a plan: a cap's solve stopped at its limit, cheap
    (£10,000 for the first minute, £40,000 each after) was the knee, drawn off the line; a
    dominated point hid the bend of the line (£20,000 a minute to 20 minutes, then £60,000)."""
    optimal = ["optimal"] * 4
    stopped = response_table(
        points([1.0e6, 1.1e6, 1.5e6, 1.9e6], ["optimal", "feasible", "optimal", "optimal"])
    )
    assert stopped["knee"].tolist() == [False] * 4  # £25,000 then £40,000 a minute on the line
    dominated = response_table(points([1.0e6, 1.6e6, 1.4e6, 2.0e6], optimal))
    assert dominated["dominated"].tolist() == [False, True, False, False]
    assert dominated["knee"].tolist() == [False, False, True, False]
    plain = response_table(points([1.0e6, 1.1e6, 1.5e6, 1.9e6], optimal))
    assert plain["knee"].tolist() == [False, True, False, False]  # £10,000 then £40,000: on the line
