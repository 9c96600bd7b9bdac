"""The plan of the OOH rota model: rotas, site coverage, clinicians' frequency and cost, before and after.

Every table is computed from an *assignment* (``service_id, site_id, hub_id``: which rota covers
each site-service), so today's rotas (``current_hub``) and the optimised ones are described by
the same code and compare like for like.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from models.common.contract import finite_or_none
from models.ooh.diagnosis import Finding
from models.ooh.input import OohInput, OohParameters
from models.ooh.sets import annual_attendances, bands_of, hub_minutes
from solvers import SolveResult, Status

COMPONENTS = ("cover", "supplements", "temporary_staff", "travel", "changes")

ROTA_COLUMNS = [
    "rota_id",
    "service_id",
    "service_name",
    "hub_id",
    "hub_name",
    "sites",
    "site_count",
    "members",
    "temporary_slots",
    "slots",
    "frequency",
    "min_rota_size",
    "band",
    "calls_per_night",
    "attendances_per_night",
    "calls_per_weekend_day",
    "attendances_per_weekend_day",
    "worst_response_minutes",
    "cover_cost",
    "supplement_cost",
    "temporary_staff_cost",
    "travel_cost",
]
COVERAGE_COLUMNS = [
    "service_id",
    "site_id",
    "site_name",
    "hub_before",
    "hub_after",
    "rota_before",
    "rota_after",
    "response_before",
    "response_after",
    "response_change",
    "changed",
]
CLINICIAN_COLUMNS = [
    "clinician_id",
    "name",
    "site_id",
    "service_id",
    "rota_before",
    "frequency_before",
    "band_before",
    "rota_after",
    "frequency_after",
    "band_after",
]


@dataclass(frozen=True)
class OohPlan:
    """Consolidated rotas and what they change, or why there are none.

    Attributes
    ----------
    result : SolveResult
        Status, objective (GBP a year), bound, gap and times of the solve.
    parameters : OohParameters
        The parameters the plan was made with (the checker needs nothing else).
    rotas : DataFrame
        One row per rota run (``ROTA_COLUMNS``): hub, sites covered, substantive members,
        temporary slots (filled by locum or agency staff), slots (members + temporary), frequency
        (1-in-N with N = slots), supplement band, nightly calls and attendances, worst response
        minutes and its annual costs (GBP).  In the plan a rota has max(N_k, members) slots
        (temporary slots only where the service's premium is given); empty without a plan.
    rotas_before : DataFrame
        Today's rotas, same columns; a rota's temporary slots are the vacancies of its sites.
    coverage : DataFrame
        One row per site-service (``COVERAGE_COLUMNS``): rota before and after, response minutes
        before and after and the change.  Empty without a plan.
    response_worse : DataFrame
        The rows of ``coverage`` whose response time grows, largest increase first.
    clinicians : DataFrame
        One row per clinician (``CLINICIAN_COLUMNS``): rota, N of the 1-in-N frequency (the
        rota's slots) and supplement band, before and after.
        Empty without a plan.
    costs : DataFrame
        Index ``cover, supplements, temporary_staff, travel, changes, total``; columns ``before``, ``after``,
        ``saving`` (GBP a year; ``after`` and ``saving`` NaN without a plan).
    findings : tuple of Finding
        Why there is no plan (empty when there is one).
    explanation : tuple of str
        The findings as text, or a note when the plan is not proven optimal; empty otherwise.
    timings : dict
        Seconds of each stage: ``diagnose``, ``build``, ``solve``, ``extract``.
    """

    result: SolveResult
    parameters: OohParameters
    rotas: pd.DataFrame
    rotas_before: pd.DataFrame
    coverage: pd.DataFrame
    response_worse: pd.DataFrame
    clinicians: pd.DataFrame
    costs: pd.DataFrame
    findings: tuple[Finding, ...] = ()
    explanation: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """Whether the plan holds rotas (optimal or at least feasible)."""
        return self.result.has_plan

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV files of a run, by stem, money and minutes to 2 decimals.

        With a plan: ``rotas, rotas_before, coverage, response_worse, clinicians, costs`` (costs
        with its ``component`` as a column).  Without: ``findings`` (why there is none), if any.
        """
        if not self.found:
            if not self.findings:
                return {}
            frame = pd.DataFrame([f.__dict__ for f in self.findings], columns=FINDING_COLUMNS)
            return {"findings": _rounded(frame)}
        out = {name: getattr(self, name) for name in PLAN_TABLES}
        out["costs"] = self.costs.rename_axis("component").reset_index()
        return {name: _rounded(frame) for name, frame in out.items()}

    def figures(self) -> dict[str, Any]:
        """Headline figures (strict JSON): costs by component, rotas, moves, response times.

        ``costs``: ``{component: {before, after, saving}}`` (GBP a year; after and saving None
        without a plan); ``rotas`` and ``temporary_slots`` (slots filled by locum or agency
        staff): ``{before, after}``; ``site_services`` and
        ``site_services_moved``; ``rotas_below_min_size`` ``{before, after}``: rotas with fewer
        slots than their service's ``min_rota_size`` (on call more often than 1-in-N_k; today's
        may be, the plan's never are); ``responses_worse`` (site-services whose response time grows),
        ``largest_response_increase_minutes`` and ``worst_response_minutes`` (after); without a
        plan, ``findings``: one ``{site_id, service_id, requirement, shortfall}`` per finding.
        """
        costs = {
            str(component): {k: finite_or_none(round(float(v), 2)) for k, v in row.items()}
            for component, row in self.costs.iterrows()
        }
        out: dict[str, Any] = {
            "costs": costs,
            "rotas": {"before": len(self.rotas_before), "after": len(self.rotas) if self.found else None},
            "temporary_slots": {
                "before": int(self.rotas_before["temporary_slots"].sum()),
                "after": int(self.rotas["temporary_slots"].sum()) if self.found else None,
            },
            "site_services": len(self.coverage) if self.found else None,
            "rotas_below_min_size": {
                "before": len(below_min_size(self.rotas_before)),
                "after": len(below_min_size(self.rotas)) if self.found else None,
            },
        }
        if self.found:
            worse = self.response_worse["response_change"]
            largest = float(worse.max()) if len(worse) else 0.0
            out |= {
                "site_services_moved": int(self.coverage["changed"].sum()),
                "responses_worse": len(worse),
                "largest_response_increase_minutes": finite_or_none(largest),
                "worst_response_minutes": finite_or_none(float(self.coverage["response_after"].max())),
            }
        else:
            out["findings"] = [
                {
                    "site_id": f.site_id,
                    "service_id": f.service_id,
                    "requirement": f.requirement,
                    "shortfall": finite_or_none(f.shortfall),
                }
                for f in self.findings
            ]
        return out


PLAN_TABLES = ("rotas", "rotas_before", "coverage", "response_worse", "clinicians", "costs")
FINDING_COLUMNS = ["site_id", "service_id", "requirement", "shortfall", "message"]


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns to 2 decimals (pounds to the penny, minutes to a hundredth)."""
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: frame[c].round(2) for c in floats})


def _mobilisation(inp: OohInput, params: OohParameters, assignment: pd.DataFrame) -> np.ndarray:
    tier = assignment["service_id"].map(inp.services.set_index("service_id")["tier"])
    return np.where(tier == "non-resident", params.non_resident_mobilisation_minutes, 0.0)


def _responses(inp: OohInput, params: OohParameters, assignment: pd.DataFrame) -> pd.Series:
    """Response minutes from each row's hub to its site (travel plus any mobilisation)."""
    minutes = hub_minutes(inp, assignment) + _mobilisation(inp, params, assignment)
    return pd.Series(minutes, index=assignment.index)


def rota_summary(
    inp: OohInput, params: OohParameters, assignment: pd.DataFrame, *, today: bool = False
) -> pd.DataFrame:
    """The rotas an assignment runs, with their figures and annual costs (``ROTA_COLUMNS``).

    Temporary slots: ``today``, the vacancies of the rota's sites; in a plan, those that bring
    the rota up to N_k slots (none beyond the members, and none where the service has no
    premium).  Each slot is paid the band's supplement; temporary staff cover nights x temporary
    slots / slots nights a year at the service's premium.
    """
    if assignment.empty:
        return pd.DataFrame(columns=ROTA_COLUMNS)
    a = assignment.merge(inp.rotas.drop(columns=["current_hub", "can_host"]), on=["service_id", "site_id"])
    minutes = hub_minutes(inp, a)
    a["response"] = minutes + _mobilisation(inp, params, a)
    yearly = annual_attendances(inp, params)
    away = a["site_id"] != a["hub_id"]
    a["travel_cost"] = np.where(
        away,
        params.travel_cost(
            yearly.loc[list(zip(a["site_id"], a["service_id"], strict=True))].to_numpy(), np.asarray(minutes)
        ),
        0.0,
    )
    names = inp.sites.set_index("site_id")["name"]
    a = a.assign(away=away, site_name=a["site_id"].map(names))
    a = a.sort_values(["service_id", "hub_id", "away", "site_id"])  # the hub listed first
    out = (
        a.groupby(["service_id", "hub_id"], sort=True)
        .agg(
            sites=("site_name", "; ".join),
            site_count=("site_id", "size"),
            members=("clinicians", "sum"),
            vacancies=("vacancies", "sum"),
            calls_per_night=("calls_per_night", "sum"),
            attendances_per_night=("attendances_per_night", "sum"),
            calls_per_weekend_day=("calls_per_weekend_day", "sum"),
            attendances_per_weekend_day=("attendances_per_weekend_day", "sum"),
            worst_response_minutes=("response", "max"),
            travel_cost=("travel_cost", "sum"),
        )
        .reset_index()
    )
    services = inp.services.set_index("service_id")
    out["rota_id"] = out["service_id"] + "@" + out["hub_id"]
    out["service_name"] = out["service_id"].map(services["name"])
    out["hub_name"] = out["hub_id"].map(names)
    premium = out["service_id"].map(services["locum_premium_per_night"])
    short = (out["service_id"].map(services["min_rota_size"]) - out["members"]).clip(lower=0)
    temporary = out["vacancies"] if today else short.where(premium.notna(), 0.0)
    out["temporary_slots"] = temporary.astype(int)
    out["slots"] = out["members"] + out["temporary_slots"]
    out["frequency"] = out["slots"].map(lambda n: f"1-in-{n}")
    out["min_rota_size"] = out["service_id"].map(services["min_rota_size"]).astype(int)
    bands = bands_of(inp, out["service_id"].map(services["supplement_category"]), out["slots"])
    out["band"] = bands["band"].to_numpy()
    share = bands["salary_share"].to_numpy(float)
    out["supplement_cost"] = out["slots"] * out["service_id"].map(services["salary"]) * share
    nights = params.nights_per_year * out["temporary_slots"] / out["slots"]
    out["temporary_staff_cost"] = (premium.fillna(0.0) * nights).where(out["temporary_slots"] > 0, 0.0)
    out["cover_cost"] = out["service_id"].map(services["cost_per_night"]) * params.nights_per_year
    return out[ROTA_COLUMNS]


def below_min_size(rotas: pd.DataFrame) -> pd.DataFrame:
    """The rotas (``ROTA_COLUMNS``) with fewer slots than their service's least rota size, most
    slots short first: today's rotas may run so (the plan's are brought up to it, at a cost)."""
    short = rotas[rotas["slots"] < rotas["min_rota_size"]]
    return (
        short.assign(_short=short["min_rota_size"] - short["slots"])
        .sort_values(["_short", "rota_id"], ascending=[False, True])
        .drop(columns="_short")
    )


def cost_components(inp: OohInput, params: OohParameters, rotas: pd.DataFrame, changes: int) -> pd.Series:
    """Annual cost by component and total (GBP) of the rotas of one assignment."""
    values = [
        float(rotas["cover_cost"].sum()),
        float(rotas["supplement_cost"].sum()),
        float(rotas["temporary_staff_cost"].sum()),
        float(rotas["travel_cost"].sum()),
        params.cost_per_change * changes,
    ]
    return pd.Series([*values, sum(values)], index=[*COMPONENTS, "total"], dtype=float)


def current_assignment(inp: OohInput) -> pd.DataFrame:
    """Today's assignment: each site-service with the hub of the rota that covers it now."""
    return inp.rotas[["service_id", "site_id", "current_hub"]].rename(columns={"current_hub": "hub_id"})


def _costs(before: pd.Series, after: pd.Series | None) -> pd.DataFrame:
    frame = pd.DataFrame({"before": before, "after": after if after is not None else math.nan})
    # pounds and pence: the saving is the difference of the two as written, so each row adds up
    # (before - after to full precision, each rounded on its own, was a penny off: -169,336.05)
    frame["saving"] = frame["before"].round(2) - frame["after"].round(2)
    return frame


def make_plan(inp: OohInput, params: OohParameters, assignment: pd.DataFrame, result: SolveResult) -> OohPlan:
    """Describe the rotas of ``assignment`` against today's."""
    before_assign = current_assignment(inp)
    rotas_before = rota_summary(inp, params, before_assign, today=True)
    rotas_after = rota_summary(inp, params, assignment)
    cover = before_assign.merge(assignment, on=["service_id", "site_id"], suffixes=("_before", "_after"))
    cover = cover.rename(columns={"hub_id_before": "hub_before", "hub_id_after": "hub_after"})
    cover["site_name"] = cover["site_id"].map(inp.sites.set_index("site_id")["name"])
    for when in ("before", "after"):
        cover[f"rota_{when}"] = cover["service_id"] + "@" + cover[f"hub_{when}"]
        cover[f"response_{when}"] = _responses(inp, params, cover.rename(columns={f"hub_{when}": "hub_id"}))
    cover["response_change"] = cover["response_after"] - cover["response_before"]
    cover["changed"] = cover["hub_before"] != cover["hub_after"]
    coverage = cover[COVERAGE_COLUMNS].sort_values(["service_id", "site_id"]).reset_index(drop=True)
    worse = coverage[coverage["response_change"] > 1e-9].sort_values("response_change", ascending=False)

    people = inp.members().merge(coverage[["service_id", "site_id", "rota_before", "rota_after"]])
    for when, rotas in (("before", rotas_before), ("after", rotas_after)):
        by_id = rotas.set_index("rota_id")
        people[f"frequency_{when}"] = people[f"rota_{when}"].map(by_id["slots"]).astype(int)
        people[f"band_{when}"] = people[f"rota_{when}"].map(by_id["band"])
    costs = _costs(
        cost_components(inp, params, rotas_before, 0),
        cost_components(inp, params, rotas_after, int(coverage["changed"].sum())),
    )
    notes: tuple[str, ...] = ()
    if result.status is not Status.OPTIMAL:
        gap = "unknown" if result.gap is None else f"{100 * result.gap:.2f} %"
        why = f"{result.status.value}, {result.message}"
        notes = (f"plan not proven optimal ({why}); gap to the bound {gap}",)
    return OohPlan(
        result=result,
        parameters=params,
        rotas=rotas_after,
        rotas_before=rotas_before,
        coverage=coverage,
        response_worse=worse.reset_index(drop=True),
        clinicians=people[CLINICIAN_COLUMNS].reset_index(drop=True),
        costs=costs,
        explanation=notes,
    )


def no_plan(
    inp: OohInput, params: OohParameters, result: SolveResult, findings: tuple[Finding, ...]
) -> OohPlan:
    """A plan without rotas: today's state and costs, and the findings that explain why."""
    rotas_before = rota_summary(inp, params, current_assignment(inp), today=True)
    return OohPlan(
        result=result,
        parameters=params,
        rotas=pd.DataFrame(columns=ROTA_COLUMNS),
        rotas_before=rotas_before,
        coverage=pd.DataFrame(columns=COVERAGE_COLUMNS),
        response_worse=pd.DataFrame(columns=COVERAGE_COLUMNS),
        clinicians=pd.DataFrame(columns=CLINICIAN_COLUMNS),
        costs=_costs(cost_components(inp, params, rotas_before, 0), None),
        findings=tuple(findings),
        explanation=tuple(f.message for f in findings),
    )
