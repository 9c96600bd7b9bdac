"""The rota model's plan: the rota and its tables, or the reasons there is none; headline figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from models.common.contract import finite_or_none
from models.roster.parameters import RosterParameters
from solvers import SolveResult

if TYPE_CHECKING:
    from models.roster.input import RosterInput

ROTA_EXPORT_COLUMNS = ["staff", "name", "group", "date", "shift", "start", "end", "hours"]


@dataclass(frozen=True)
class RosterPlan:
    """A rota, or the reasons there is none.

    assignments : ``staff_id``, ``date``, ``shift_id``, one row per shift worked (the input
        tables' shape: usable as ``published``, ``history`` or ``preassigned``).
    rota : the long table for exports: ``staff``, ``name``, ``group``, ``date``, ``shift``,
        ``start``, ``end`` (timezone-aware local times), ``hours`` (paid, elapsed time), ``night``,
        ``on_call``.
    penalties : ``rule``, ``staff``, ``date``, ``detail``, ``amount``, ``weight``, ``cost``: every
        penalty the rota pays (their costs sum to the objective).
    cover : per cover row: ``date``, ``shift_id``, ``skill``, ``minimum``, ``preferred``,
        ``maximum``, ``assigned``, ``under``, ``over``.
    staff_summary : per person: ``staff_id``, ``name``, ``group``, ``shifts``, ``hours``,
        ``nights``, ``weekends``, ``on_calls``, ``leave_days``, ``contract_hours`` (over the
        horizon, less leave credit; 0 without a contract), ``requests_denied``.
    changes : ``staff_id``, ``date``, ``published``, ``new`` ("" = off) against the published rota.
    violations : when infeasible, the hard rules the elastic model had to break, or each
        requirement diagnosed unmeetable before solving (columns as ``penalties``); empty otherwise.
    parameters : the parameters solved with (the checker reads them).
    explanation : when there is no plan, why, in planners' words.
    timings : seconds per stage.
    name, first_date, days, staff_count, requests, re_rostering : facts of the input the summary
        and figures need.
    change_from : re-rostering: the first date that could change (None otherwise).
    reproducible : the solve counted deterministic time with fixed workers (same seed and
        workers, same rota); False when it raced against the wall clock.
    deterministic_limit : the search's limit in CP-SAT deterministic time (None: wall clock only).
    deterministic_time : deterministic time the search used (None when not measured).
    stopped_by : why the search ended (:data:`models.roster.solve.STOP_REASONS`); a reproducible
        run gives the same rota again when it says ``deterministic limit`` or ``proven optimal``.
    search : the search that ran (``cpsat``, ``lns`` or ``lines``; ``auto`` resolved to the one it
        chose; ``horizon`` when the rolling-horizon construction is the plan, ``windows`` when it was
        improved window by window, :mod:`models.roster.long_rota`; "" when none ran).
    full_lp_bound : the bound of CP-SAT's full LP after the search
        (:mod:`models.roster.full_lp_bound`), rounded up, when that pass ran (the result's bound
        when it is the higher); None when it did not run or proved nothing.
    window_bound : the window bound after the search (:mod:`models.roster.window_bound`), when
        the cover leaves the contracts short of hours (``hours_short`` above 0) and that pass ran;
        None otherwise.
    polish : the window polish after a ``cpsat`` search (:mod:`models.roster.polish`), when it
        ran: the rota's penalty before and after (``from``, ``to``), ``windows`` solved,
        ``improved``, ``sweeps``, ``units`` spent (deterministic) and
        ``ended_by`` (``converged``, ``units`` or ``stopped``); None otherwise.
    columns : ``search: lines`` only: the column-generation record (``bound``, ``lp_value``,
        ``converged``, ``rounds``, ``lines``, ``seconds``, the rota of each phase that ran:
        ``early_penalty``, ``dive_penalty``, ``mip_penalty``, ``repair_penalty``, and when
        branch-and-price ran ``tree_bound``, ``tree_penalty``, ``tree_proven``, ``tree_nodes``,
        ``tree_open``, ``tree_depth``, ``tree_seconds``); None otherwise.
    """

    result: SolveResult
    assignments: pd.DataFrame
    rota: pd.DataFrame
    penalties: pd.DataFrame
    cover: pd.DataFrame
    staff_summary: pd.DataFrame
    changes: pd.DataFrame
    violations: pd.DataFrame
    parameters: RosterParameters = field(default_factory=RosterParameters)
    explanation: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    name: str = "roster"
    first_date: dt.date | None = None
    days: int = 0
    staff_count: int = 0
    requests: int = 0
    re_rostering: bool = False
    change_from: dt.date | None = None
    reproducible: bool = False
    deterministic_limit: float | None = None
    deterministic_time: float | None = None
    stopped_by: str = ""
    search: str = ""
    full_lp_bound: float | None = None
    window_bound: float | None = None
    polish: dict[str, Any] | None = None
    columns: dict[str, Any] | None = None

    @classmethod
    def of_input(
        cls, inp: RosterInput, params: RosterParameters, result: SolveResult, **fields: Any
    ) -> RosterPlan:
        """A plan of ``inp`` with the input's facts filled in (name, dates, counts, re-rostering
        and its first changeable date); ``fields`` are the rest (tables, violations, timings...)."""
        return cls(
            result=result,
            parameters=params,
            name=inp.name,
            first_date=inp.first_date,
            days=inp.days,
            staff_count=len(inp.staff),
            requests=0 if inp.requests is None else len(inp.requests),
            re_rostering=inp.published is not None and len(inp.published) > 0,
            change_from=inp.first_changeable(params.change_from),
            **fields,
        )

    @property
    def found(self) -> bool:
        return self.result.has_plan

    @property
    def last_date(self) -> dt.date | None:
        return None if self.first_date is None else self.first_date + dt.timedelta(days=self.days - 1)

    def costs(self) -> pd.Series:
        """Penalty cost by rule (sums to the objective)."""
        if self.penalties.empty:
            return pd.Series(dtype=float, name="cost")
        return self.penalties.groupby("rule")["cost"].sum().sort_values(ascending=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The run's CSV files by stem: the rota's tables, or ``violations`` when there is no rota."""
        if not self.found:
            return {"violations": self.violations}
        out = {
            "rota": rota_export(self.rota),
            "assignments": self.assignments,
            "penalties": self.penalties,
            "cover": cover_export(self.cover),
            "staff_summary": _rounded(self.staff_summary, 2),
        }
        if self.re_rostering:
            out["changes"] = self.changes
        return out

    def figures(self) -> dict[str, Any]:
        """Headline figures (JSON-ready): the horizon, penalty by rule, counts, cover, solve settings."""
        options = self.result.options or {}
        out: dict[str, Any] = {
            "name": self.name,
            "horizon": {
                "first_date": None if self.first_date is None else self.first_date.isoformat(),
                "last_date": None if self.last_date is None else self.last_date.isoformat(),
                "days": self.days,
            },
            "solve": {
                "time_limit": options.get("time_limit"),
                "seed": options.get("seed"),
                "workers": options.get("threads"),
                "reproducible": self.reproducible,
                "deterministic_limit": self.deterministic_limit,
                "deterministic_time": self.deterministic_time,
                "stopped_by": self.stopped_by,
                "search": self.search,
                "full_lp_bound": self.full_lp_bound,
                "window_bound": self.window_bound,
                "polish": self.polish,
            },
        }
        if self.columns is not None:
            out["solve"]["columns"] = self.columns
        if not self.found:
            out["violations"] = len(self.violations)
            return out
        out["objective_by_rule"] = {
            str(rule): {"units": int(r.units), "items": int(r["items"]), "cost": int(r.cost)}
            for rule, r in by_rule(self.penalties).iterrows()
        }
        cover, s = self.cover, self.staff_summary
        headcount = cover[cover["skill"] == ""]  # a skill row counts holders among the staff: not over-cover
        out["counts"] = {
            "staff": self.staff_count,
            "shifts_assigned": len(self.assignments),
            "hours_assigned": finite_or_none(round(float(s["hours"].sum()), 2)),
            "nights": int(s["nights"].sum()),
            "on_calls": int(s["on_calls"].sum()),
            "leave_days": int(s["leave_days"].sum()),
            "cover_rows": len(cover),
            "cover_rows_under_preferred": int((cover["under"] > 0).sum()),
            "people_short_of_preferred": int(cover["under"].sum()),
            "cover_rows_over_preferred": int((headcount["over"] > 0).sum()),
            "people_over_preferred": int(headcount["over"].sum()),
            "requests": self.requests,
            "requests_denied": int(s["requests_denied"].sum()),
            "changes": len(self.changes) if self.re_rostering else None,
        }
        if self.re_rostering:
            out["change_from"] = None if self.change_from is None else self.change_from.isoformat()
        return out


def by_rule(penalties: pd.DataFrame) -> pd.DataFrame:
    """Penalties summed per rule (units, items, cost), costliest first."""
    if penalties.empty:
        return pd.DataFrame(columns=["units", "items", "cost"])
    grouped = penalties.groupby("rule").agg(
        units=("amount", "sum"), items=("amount", "size"), cost=("cost", "sum")
    )
    return grouped.sort_values(["cost", "units"], ascending=False)


def rota_export(rota: pd.DataFrame) -> pd.DataFrame:
    """The long rota as written to ``rota.csv``: ISO dates, local times with their UTC offset."""
    out = rota[ROTA_EXPORT_COLUMNS].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.date.astype(str)
    for column in ("start", "end"):
        out[column] = out[column].map(lambda v: "" if pd.isna(v) else pd.Timestamp(v).isoformat())
    return out


def _rounded(frame: pd.DataFrame, digits: int) -> pd.DataFrame:
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    return frame.assign(**{c: frame[c].round(digits) for c in floats}) if floats else frame


def cover_export(cover: pd.DataFrame) -> pd.DataFrame:
    """cover.csv writes "no maximum" as a blank cell, never as -1 (the model's internal code)."""
    if "maximum" not in cover.columns:
        return cover
    out = cover.copy()
    out["maximum"] = out["maximum"].astype(object).where(out["maximum"] >= 0, "")
    return out
