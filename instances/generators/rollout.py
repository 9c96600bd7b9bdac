"""The LSOA-level roll-out instance, built from two bundled instances when it is needed.

``lsoa_rollout()`` joins the network and demand of ``lsc-sact`` (1,058 LSOAs x 21 sites,
its road minutes, site-to-site minutes and SACT parameters) with the years and capital
assumptions of ``lsc-sact-rollout`` (2026-2035, demand x 1.68 by 2035, £900,000 capital a year,
£6m in total, £25,000 a chair, £400,000 a new unit, £50,000 a closure, 3.5 % discount rate).
Nothing is copied into the repository: the tables are read from the two bundled folders each
time, so the scale case follows them.  The base instance's ``solve_method`` is dropped: a
roll-out is solved as one stacked model.
"""

from __future__ import annotations

from typing import Any

from instances.generators import GeneratedInstance

BASE = "lsc-sact"
YEARS_FROM = "lsc-sact-rollout"
ROLLOUT_KEYS = (
    "discount_rate",
    "capital_per_chair",
    "capital_per_new_site",
    "closure_cost",
    "total_capital_budget",
    "existing_may_close",
)
"""Parameters taken from ``lsc-sact-rollout``; every other parameter is the LSOA instance's."""


def lsoa_rollout(num_years: int | None = None) -> GeneratedInstance:
    """``kind: rollout`` over the LSOA instance with the years of ``lsc-sact-rollout``.

    Parameters
    ----------
    num_years : the first this many years (None: all ten), for smaller cases of the same data.
    """
    from instances import bundled_folder
    from optimiser.instance_files import read_instance

    base = read_instance(bundled_folder(BASE))
    plan = read_instance(bundled_folder(YEARS_FROM))
    years = plan.tables["years"]
    if num_years is not None:
        years = years.head(num_years)
    parameters: dict[str, Any] = {k: v for k, v in base.parameters.items() if k != "solve_method"}
    parameters.update({k: plan.parameters[k] for k in ROLLOUT_KEYS if k in plan.parameters})
    tables = {name: frame.copy() for name, frame in base.tables.items()}
    tables["years"] = years.copy()
    first, last = years["year"].iloc[0], years["year"].iloc[-1]
    return GeneratedInstance(
        kind="rollout",
        name=f"lsc-sact-rollout-{len(years)}y",
        tables=tables,
        parameters=parameters,
        description=(
            f"ILLUSTRATIVE Lancashire & South Cumbria SACT roll-out {first}-{last} at LSOA level: "
            f"the {BASE} network and demand with the years and capital of {YEARS_FROM}."
        ),
    )
