"""solvers.status_words: the backends' status names in plain words."""

from __future__ import annotations

import highspy
import numpy as np
from ortools.sat.python import cp_model

from solvers import MatrixModel, SolveOptions, solve_cpsat, solve_matrix
from solvers.status_words import plain_words


def test_each_backends_name_for_a_time_limit_reads_the_same() -> None:
    assert plain_words("kTimeLimit") == "time limit reached"
    assert plain_words("HighsModelStatus.kTimeLimit") == "time limit reached"
    assert plain_words("maxTimeLimit") == "time limit reached"
    assert plain_words("TerminationCondition.maxTimeLimit") == "time limit reached"
    assert plain_words("FEASIBLE") == "stopped at its limit before proving optimality"


def test_every_highs_model_status_has_words() -> None:
    names = [n for n in dir(highspy.HighsModelStatus) if n.startswith("k")]
    assert names and all(plain_words(n) != n for n in names)


def test_an_unknown_name_is_kept() -> None:
    assert plain_words("kSomethingNew") == "kSomethingNew"


def test_a_solve_reports_words_not_enums() -> None:
    m = cp_model.CpModel()
    x = m.new_int_var(0, 3, "x")
    m.minimize(x)
    result, _ = solve_cpsat(m, SolveOptions(time_limit=5, threads=1))
    assert result.message == "optimal"
    lp = MatrixModel("one")
    y = lp.add_variables("y", 1, upper=5.0, cost=np.ones(1))
    lp.add_constraints("at_least_one", 1, np.zeros(1), y, np.ones(1), lower=1.0)
    result, _ = solve_matrix(lp, SolveOptions(time_limit=5))
    assert result.message == "optimal"
