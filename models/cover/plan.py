"""The cover plan: what each stage reached, the planners' tables (the grid of who works where
each week, the CSV tables) and the headline figures of the contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from models.common.contract import finite_or_none
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
        return plan_tables(self) if self.found else {}

    def figures(self) -> dict[str, Any]:
        """Headline figures, JSON-ready: uncovered PAs, costs and saving, MDTs, burden, stages."""
        return plan_figures(self)


TABLES = (
    "grid",
    "rota",
    "cover",
    "mdts",
    "mdt_attendance",
    "travel",
    "visits",
    "workload",
    "costs",
    "baseline_cover",
    "solves",
)
"""The tables of a plan, in the order a run writes them (as CSV files and workbook sheets)."""
DECIMALS = 4
"""Float columns are written to 4 decimals (pence, a ten-thousandth of a PA)."""
MONEY_DECIMALS = 2
"""Decimals of pounds (pence), as the shell writes every money column."""


def grid(plan: CoverPlan) -> pd.DataFrame:
    """One row per oncologist, one column per week: where, for which tumour site, how many PAs.

    A cell reads e.g. ``RXN02 breast 5.5 | RXL01 lung 2`` (home site first), prefixed with the
    absence of that week (``maternity``) and the share absent when it is partial.  A week with
    holidays has them in its column name (``wk01 06 Apr (1 holiday)``).
    """
    w = plan.workload
    starts = pd.to_datetime(w["week_start"])
    labels = w["week"].map(lambda k: f"wk{k:02d}") + " " + starts.dt.strftime("%d %b")
    off = _holidays_per_week(plan, starts)
    labels = labels + np.where(
        off > 0, " (" + off.astype(str) + " holiday" + np.where(off > 1, "s)", ")"), ""
    )
    r = plan.rota.sort_values(["oncologist_id", "week", "away", "site_id", "tumour_site_id"])
    work = (
        (r["site_id"] + " " + r["tumour_site_id"] + " " + r["pas"].map("{:g}".format))
        .groupby([r["oncologist_id"], r["week"]])
        .agg(" | ".join)
    )
    key = pd.MultiIndex.from_arrays([w["oncologist_id"], w["week"]])
    cell = pd.Series(work.reindex(key).fillna("").to_numpy(), index=w.index)
    share = w["absent_share"].to_numpy(float)
    absent = np.where(
        share >= 1,
        w["absence"],
        np.where(share > 0, w["absence"] + " " + (share * 100).round().astype(int).astype(str) + "%", ""),
    )
    text = np.where((absent != "") & (cell != ""), absent + ": " + cell, np.where(absent != "", absent, cell))
    table = pd.DataFrame({"oncologist_id": w["oncologist_id"], "week": labels, "cell": text})
    wide = table.pivot(index="oncologist_id", columns="week", values="cell")
    wide = wide[sorted(wide.columns)]
    homes = w.drop_duplicates("oncologist_id").set_index("oncologist_id")["home_site"]
    wide.insert(0, "home_site", homes.reindex(wide.index))
    names = plan.rota.drop_duplicates("oncologist_id").set_index("oncologist_id")["oncologist"]
    wide.insert(0, "oncologist", names.reindex(wide.index).fillna(""))
    return wide.reset_index().rename_axis(columns=None)


def _holidays_per_week(plan: CoverPlan, starts: pd.Series) -> np.ndarray:
    """Holidays on working days in the week starting on each of ``starts``."""
    days = pd.to_datetime(pd.Series(list(plan.holidays), dtype="datetime64[ns]"))
    days = days[days.dt.weekday < 5]
    monday = (days - pd.to_timedelta(days.dt.weekday, unit="D")).value_counts()
    return starts.map(monday).fillna(0).astype(int).to_numpy()


def plan_tables(plan: CoverPlan) -> dict[str, pd.DataFrame]:
    """Every table of :data:`TABLES`, float columns rounded to :data:`DECIMALS`; the pounds of
    ``costs`` (its GBP rows) to :data:`MONEY_DECIMALS`."""
    out = {}
    for name in TABLES:
        frame = grid(plan) if name == "grid" else getattr(plan, name)
        floats = frame.select_dtypes("float").columns
        out[name] = frame.assign(**{c: frame[c].round(DECIMALS) for c in floats})
    costs = out["costs"]
    pounds = costs["unit"] == "GBP"
    for column in costs.select_dtypes("float").columns:
        costs.loc[pounds, column] = costs.loc[pounds, column].round(MONEY_DECIMALS)
    return out


def plan_figures(plan: CoverPlan) -> dict[str, Any]:
    """Headline figures of the plan against the baseline, and every stage's objective and bound.

    ``uncovered_pas``, ``locum_cost``, ``travel_cost``, ``total_cost``: ``{"plan", "baseline"}``;
    ``saving``: baseline total cost - plan total cost (pounds); ``mdts``: meetings quorate and
    not; ``largest_away_burden``: the oncologist with most PAs away plus travel; ``stages``: name,
    status, objective, bound and gap of each stage.  Values are None where there is no plan.
    """
    out: dict[str, Any] = {
        "mode": plan.mode,
        "stages": [
            {
                "name": st.name,
                "status": st.result.status.value,
                "objective": finite_or_none(st.result.objective),
                "bound": finite_or_none(st.result.bound),
                "gap": finite_or_none(st.result.gap),
                **{k: finite_or_none(v) for k, v in st.values.items()},
            }
            for st in plan.stages
        ],
        "cannot_meet": len(plan.cannot_meet),
    }
    if not plan.found:
        return out
    for name in ("uncovered_pas", "locum_cost", "travel_cost", "total_cost", "locum_pas"):
        out[name] = {col: finite_or_none(plan.metric(name, col)) for col in ("plan", "baseline")}
    base, cost = plan.metric("total_cost", "baseline"), plan.metric("total_cost")
    out["saving"] = finite_or_none(round(base - cost, MONEY_DECIMALS))  # not 3511.4800000000105
    quorate = plan.mdts["quorate"].to_numpy(bool)
    out["mdts"] = {
        "meetings": len(quorate),
        "quorate": int(quorate.sum()),
        "not_quorate": int((~quorate).sum()),
    }
    travel = plan.travel.sort_values("away_burden_pas", ascending=False)
    top = travel.iloc[0] if len(travel) else None
    out["largest_away_burden"] = (
        None
        if top is None
        else {
            "oncologist_id": str(top["oncologist_id"]),
            "pas": finite_or_none(top["away_burden_pas"]),
            "trips": int(top["trips"]),
            "miles": finite_or_none(top["miles"]),
        }
    )
    out["holidays"] = len(plan.holidays)
    return out
