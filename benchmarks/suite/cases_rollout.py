"""Phased roll-out cases: the LSOA-level Lancashire & South Cumbria network over years.

Family ``rollout-scale``
    Entry key ``years`` (list of ints, default ``[10]``): one case per number of years, built at
    run time by :func:`instances.generators.rollout.lsoa_rollout` from the bundled
    ``lsc-sact`` (1,058 LSOAs x 21 sites) and ``lsc-sact-rollout`` (years 2026-2035, demand
    x 1.68 by 2035, capital) instances, so nothing large is stored twice.  Solved through
    ``models.rollout`` (the priced path above 40,000 arcs in all years); every plan must pass
    :func:`models.rollout.check`, its scalar figures go in ``extra``.  ``size_value`` is
    zones x sites x years.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from benchmarks.suite.backends import MILP_BACKENDS
from benchmarks.suite.registry import Case, Context, Family
from solvers import SolveOptions, SolveResult


def families() -> list[Family]:
    return [
        Family(
            name="rollout-scale",
            model="rollout",
            description="SACT roll-out of the LSOA-level LSC network over 1-10 years (+68 % by year 10)",
            backends=MILP_BACKENDS,
            expand=expand_rollout,
            solve=solve_rollout,
        )
    ]


def expand_rollout(entry: Mapping[str, Any], context: Context) -> list[Case]:
    cases = []
    for count in entry.get("years", [10]):
        cases.append(
            Case(
                family="rollout-scale",
                name=f"lsc-lsoa-rollout-{int(count)}y",
                model="rollout",
                size=f"1058x21x{int(count)}",
                size_value=float(1058 * 21 * int(count)),
                params={"years": int(count)},
            )
        )
    return cases


def solve_rollout(case: Case, backend: str, options: SolveOptions, context: Context) -> SolveResult:
    import models.rollout
    from benchmarks.suite.cases_sact import contract_result
    from instances.generators.rollout import lsoa_rollout
    from optimiser.kinds import get_kind
    from optimiser.kinds.base import input_from_tables

    inst = lsoa_rollout(int(case.params["years"]))
    model_case = input_from_tables(get_kind("rollout"), inst.tables, inst.parameters, inst.name)
    plan = models.rollout.solve(model_case.input, model_case.parameters, backend=backend, options=options)
    return contract_result(models.rollout, model_case.input, plan, case.key)
