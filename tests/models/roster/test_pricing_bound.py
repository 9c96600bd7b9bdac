"""A pricing call cut short proves nothing: its bound is -inf, not the 0 CP-SAT reports when it
stopped before any line (which once lifted the column-generation bound of Curtois & Qu
Instance11 to 3875, above the optimum 3443)."""

from __future__ import annotations

import math

from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.lines import SCALE, LineModel
from models.roster.solve import build_roster_model
from tests.conftest import benchmark_file


def test_a_pricing_stopped_before_any_line_has_no_bound_and_a_finished_one_is_exact() -> None:
    inst = read_instance(benchmark_file("shift-scheduling", "Instance11.txt"))
    rm = build_roster_model(to_roster_input(inst))
    person = LineModel(rm, 0, paths=False)  # CP-SAT alone: the dynamic programme has no time limit
    mu = {key: 300 * SCALE for key in person.x}  # 300 points for every shift worked
    cut = person.price(mu, (0, 0, 0, 0), 1e-4)
    assert not cut.optimal and cut.bound == -math.inf and not cut.lines
    full = person.price(mu, (0, 0, 0, 0), 30.0)
    best = full.lines[-1]
    assert full.optimal and full.bound == best.cost - 300 * len(best.shifts) < 0
    paths = LineModel(rm, 0).price(mu, (0, 0, 0, 0), 1e-4)  # finishes whatever the limit
    assert paths.optimal and paths.bound == full.bound
