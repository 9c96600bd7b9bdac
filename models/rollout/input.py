"""Input of the phased roll-out model: the SACT instance of today and the years ahead."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from models.common.contract import InputProblem, ModelInputError
from models.sact.input import SactInput

YEAR_COLUMNS = (
    "year",
    "demand_factor",
    "capital_budget",
    "access_target",
    "nurse_factor",
    "hub_capacity_factor",
)


@dataclass(frozen=True)
class RolloutParameters:
    """Every figure of the roll-out that is not a SACT location parameter, with unit and default.

    The SACT location parameters (chair hours, costs per chair, travel, access standard, ...) are
    the base instance's own (``RolloutInput.base.parameters``) and hold in every year.
    """

    discount_rate: float = 0.035  # a year; HM Treasury Green Book social time preference rate
    capital_per_chair: float = 0.0  # pounds per chair added (fit-out, equipment)
    capital_per_new_site: float = 0.0  # pounds per site opened that does not deliver SACT today
    closure_cost: float = 0.0  # pounds per site closed
    total_capital_budget: float | None = None  # pounds over the whole roll-out (None: no limit)
    existing_may_close: bool = True  # sites delivering SACT today may close (new ones never do)


@dataclass(frozen=True)
class RolloutInput:
    """Today's SACT instance and one row per year of the roll-out.

    years : ``year`` (a label, e.g. 2026, in order), ``demand_factor`` (attendances of every zone
        that year relative to the base instance's), ``capital_budget`` (pounds of capital that
        year; NaN: no limit), ``access_target`` (share within the standard that year; NaN: the
        base parameter), ``nurse_factor`` and ``hub_capacity_factor`` (nurses and aseptic hub
        capacity that year relative to today's).
    may_close : site ids that may close (None: every site delivering SACT today, when
        ``existing_may_close``).
    """

    base: SactInput
    years: pd.DataFrame
    may_close: frozenset[str] | None = None
    parameters: RolloutParameters = field(default_factory=RolloutParameters)
    name: str = "rollout"

    def __post_init__(self) -> None:
        problems = []
        missing = [c for c in YEAR_COLUMNS if c not in self.years.columns]
        if missing:
            problems.append(InputProblem("years", f"missing columns: {', '.join(missing)}"))
        elif len(self.years) == 0:
            problems.append(InputProblem("years", "at least one year is needed"))
        else:
            for column in ("demand_factor", "nurse_factor", "hub_capacity_factor"):
                bad = self.years.index[~(self.years[column].astype(float) >= 0)]
                problems += [InputProblem("years", "must be 0 or more", int(i) + 1, column) for i in bad]
        if problems:
            raise ModelInputError(problems)

    @property
    def num_years(self) -> int:
        return len(self.years)

    def closable(self) -> set[str]:
        """Sites that may close during the roll-out; a site that must close (``must_close``) may."""
        sites = self.base.sites
        closed = set(sites.index[sites["must_close"].astype(bool)]) if "must_close" in sites else set()
        if self.may_close is not None:
            return set(self.may_close) | closed
        if not self.parameters.existing_may_close:
            return closed
        return set(sites.index[sites["existing"].astype(bool)]) | closed


def _factor(value: object, default: float = 1.0) -> float:
    number = float(value) if value is not None else math.nan  # type: ignore[arg-type]
    return default if math.isnan(number) else number


def year_input(data: RolloutInput, t: int) -> SactInput:
    """The SACT instance of year ``t`` (0-based): demand, nurses and hub capacity scaled, that
    year's access target."""
    row = data.years.iloc[t]
    base = data.base
    zones = base.zones.copy()
    zones["attendances"] = zones["attendances"] * _factor(row["demand_factor"])
    sites = base.sites.copy()
    sites["hub_capacity"] = sites["hub_capacity"] * _factor(row["hub_capacity_factor"])
    nurses = None
    if base.nurses is not None:
        nurses = base.nurses.copy()
        nurses["nurses"] = nurses["nurses"] * _factor(row["nurse_factor"])
    target = row["access_target"]
    params = base.parameters
    if target is not None and not math.isnan(float(target)):
        params = replace(params, access_target=float(target))
    return replace(
        base,
        zones=zones,
        sites=sites,
        nurses=nurses,
        parameters=params,
        name=f"{base.name} {data.years['year'].iloc[t]}",
    )
