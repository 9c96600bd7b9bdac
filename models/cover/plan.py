"""The cover plan: what each stage reached, the planners' tables, and the figures of the contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from models.cover.parameters import CoverParameters
from solvers import SolveResult, Status


def clean_pas(v: np.ndarray) -> np.ndarray:
    """Continuous PAs (locums) to 1e-4 PA (under 2 seconds): solver noise off the reported plan."""
    return np.where(np.abs(v) < 1e-7, 0.0, np.round(v, 4))


@dataclass(frozen=True)
class StageOutcome:
    """One solve of the lexicographic sequence (or the single weighted solve).

    ``values`` holds f1 (uncovered PA equivalents), f2 (pounds) and f3 (fairness and
    continuity units) of the plan this stage returned, recomputed from the plan's tables; it
    is empty when the stage found no plan.
    """

    name: str
    result: SolveResult
    values: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CoverPlan:
    """Who covers what, where and when, what it costs, and what cannot be met.

    ``result`` is one :class:`~solvers.SolveResult` for the whole run: its status (``optimal``
    only when every solve of every stage proved its optimum), the stage-2 cost f2 in pounds and
    its bound, each summed over the weeks (the weighted objective in weighted mode), their gap,
    and the build and solve seconds of every solve of the plan.  ``stages`` keeps each stage's
    own result; ``baseline_stages`` those of the baseline.

    Tables (empty, with their columns, when no plan was found):

    * ``rota``: one row per oncologist, week, site and tumour site worked: pas, away.
    * ``visits``: one row per away site visited in a week: trips, travel_pas, miles, hours,
      travel_cost.
    * ``workload``: every oncologist and week: absent_share (of the week's open working days),
      absence, capacity_pas (net of absence and holidays), clinical_pas, away_pas, travel_pas,
      mdt_meetings (all attended), mdt_pas (other trusts' MDTs only: the home trust's are
      outside direct clinical care), spare_pas = capacity - clinical - travel - mdt_pas, sites.
    * ``cover``: every trust, tumour site and week with demand: demand_pas (after holidays),
      covered_pas, covered_by, locum_pas, locum_cost, gap_pas.
    * ``mdts``: every MDT meeting (none on a holiday): quorum, attending, attendees, shortfall,
      quorate, missing_specialism.
    * ``mdt_attendance``: mdt_id, week, oncologist_id, mode (home trust / visiting / remote).
    * ``travel``: per oncologist over the horizon: trips, miles, hours, travel_cost,
      travel_pas, away_pas, away_burden_pas, other_trust_pas, recharge.
    * ``costs``: metric, unit, plan, baseline (everyone at home, locums within availability),
      change.  ``baseline_cover`` is the baseline's ``cover`` table.
    * ``solves``: one row per solve (model plan/baseline, stage, week -- 0 for the whole
      horizon -- status, objective, bound, gap, build and solve seconds).

    ``cannot_meet`` lists what no plan can achieve (found before solving); ``shortfalls`` every
    uncovered demand and non-quorate MDT meeting in this plan (or why there is no plan);
    ``explanation`` is both, after any note on how the run stopped (interrupted, time budget).
    ``timings`` holds seconds: solve_plan, solve_baseline (each from index to last solve),
    build and solve (summed over every solve), extract.
    """

    result: SolveResult
    parameters: CoverParameters
    stages: tuple[StageOutcome, ...]
    rota: pd.DataFrame
    visits: pd.DataFrame
    workload: pd.DataFrame
    cover: pd.DataFrame
    mdts: pd.DataFrame
    mdt_attendance: pd.DataFrame
    travel: pd.DataFrame
    costs: pd.DataFrame
    baseline_stages: tuple[StageOutcome, ...]
    baseline_cover: pd.DataFrame
    solves: pd.DataFrame
    cannot_meet: tuple[str, ...]
    shortfalls: tuple[str, ...]
    explanation: tuple[str, ...]
    timings: dict[str, float]
    holidays: dict[Any, str] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return self.result.status

    @property
    def mode(self) -> str:
        return self.parameters.mode

    @property
    def found(self) -> bool:
        return self.result.has_plan

    def metric(self, name: str, column: str = "plan") -> float:
        """One figure of the ``costs`` table, e.g. ``plan.metric("total_cost")``."""
        row = self.costs.loc[self.costs["metric"] == name, column]
        if row.empty:
            raise KeyError(f"no metric {name!r}; known: {', '.join(self.costs['metric'])}")
        return float(row.iloc[0])

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV files of a run, by stem: grid, rota, cover, ... solves (none without a plan)."""
        from models.cover.report import plan_tables

        return plan_tables(self) if self.found else {}

    def figures(self) -> dict[str, Any]:
        """Headline figures, JSON-ready: uncovered PAs, costs and saving, MDTs, burden, stages."""
        from models.cover.report import figures

        return figures(self)
