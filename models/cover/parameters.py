"""Parameters of the cross-trust oncologist cover model: every planning figure, its unit and default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from models.common.contract import InputProblem, ModelInputError

PENCE = 2
"""Decimals of a trip's travel cost: pounds and pence (:meth:`CoverParameters.trip_cost`)."""
HOUR_DECIMALS = 4
"""Decimals of a trip's hours on the road (under a second), as the tables write hours."""
MILE_DECIMALS = 4
"""Decimals of a trip's miles, as the tables write miles (estimated miles have many more)."""


@dataclass(frozen=True)
class CoverParameters:
    """Planning figures of the cover model; every one can be changed per run.

    Attributes
    ----------
    cost_per_mile : float
        Pounds per mile driven (default 0.56, the NHS car mileage rate).
    minutes_per_pa : float
        Minutes in one programmed activity (default 240 = 4 hours); converts travel time to PAs.
    pa_step : float
        The unit of a rota allocation, in PAs (default 0.5: job plans count half-day sessions).  An
        oncologist's PAs at one site for one tumour site in a week are whole multiples of it, and
        a week's demand scaled for holidays is rounded to the nearest multiple.
    travel_pa_step : float
        Travel time of a return trip is charged in steps of this many PAs, rounded up (default
        0.25 = one hour, as job plans count travel; 0 charges the exact time).
    pas_per_trip : float
        Most clinical PAs one trip to a site covers (default 2.0: a morning and an afternoon
        session on one day).  A week at a site with ``p`` PAs needs ``ceil(p / pas_per_trip)`` trips.
    max_trips_per_site : int
        Most trips to one site in a week (default 5, one a working day).
    max_trip_minutes : float
        Longest one-way journey in minutes an oncologist is asked to make (default 90); sites
        farther from the oncologist's home site are not offered.
    mdt_pas : float
        PAs attending another trust's MDT takes from the oncologist's week (default 0.5); the
        home trust's MDTs are already in the job plan, outside ``dcc_pas``.
    mdt_shortfall_penalty : float
        Stage-1 weight of one missing quorum member at one weekly MDT, in uncovered-PA
        equivalents (default 10.0).
    holiday_pro_rata : bool
        In a week with bank (or local) holidays on working days, clinic demand and every
        oncologist's capacity are scaled by the working days left / 5 (default True; demand
        rounded to the nearest ``pa_step``).  False keeps both as given.  MDTs never meet on a
        holiday either way.
    mode : {"lexicographic", "weighted"}
        Stages solved one after another (default), or one weighted objective.
    stage1_cost_weight : float
        Weight of the stage-2 cost (per pound) in stage 1's objective, a tie-break so the
        stage-1 plan is already a cheap one when stage 2 gets little time (default 1e-6: a
        million pounds weigh as one uncovered PA, so no uncovered PA is traded for cost).
    stage_rel_tolerance, stage_abs_tolerance : float
        A later stage may let an earlier stage's value rise by
        ``max(abs, rel * |value|)`` (defaults 1e-7 and 1e-6, in that stage's units).
    fairness_weight : float
        Stage-3 weight on the largest away burden of one oncologist, per PA (default 1.0).
    continuity_weight : float
        Stage-3 weight per distinct oncologist covering a trust and tumour site (default 1.0).
    run_stage3 : bool
        Solve the fairness and continuity stage (default True): week by week, each week
        holding its f1 and f2 and counting the away burden and cover pairs of earlier weeks.
    stage3_polish : bool
        Then solve stage 3 over the whole horizon from that plan, for a proven bound (default
        False: on a large instance it rarely improves the weekly plan within the time budget).
    weighted_stage1 : float
        Weighted mode: pounds per stage-1 unit (uncovered PA equivalent; default 10,000).
    weighted_stage3 : float
        Weighted mode: pounds per stage-3 unit (default 10.0).
    time_limit_per_solve : float
        Seconds one solve (one week of one stage, or the whole-horizon polish) may take at most
        (default 10).
    time_budget : float
        Seconds the whole run may take when the solve options give no time limit (default 40;
        a time limit in the options replaces it).  Each solve gets at most its share of what is
        left; stages 1 and 2 and the baseline come first, stage 3 uses the rest, and a stage-3
        week that gets no time keeps its stage-2 plan.
    """

    cost_per_mile: float = 0.56
    minutes_per_pa: float = 240.0
    pa_step: float = 0.5
    travel_pa_step: float = 0.25
    pas_per_trip: float = 2.0
    max_trips_per_site: int = 5
    max_trip_minutes: float = 90.0
    mdt_pas: float = 0.5
    mdt_shortfall_penalty: float = 10.0
    holiday_pro_rata: bool = True
    mode: Literal["lexicographic", "weighted"] = "lexicographic"
    stage1_cost_weight: float = 1e-6
    stage_rel_tolerance: float = 1e-7
    stage_abs_tolerance: float = 1e-6
    fairness_weight: float = 1.0
    continuity_weight: float = 1.0
    run_stage3: bool = True
    stage3_polish: bool = False
    weighted_stage1: float = 10_000.0
    weighted_stage3: float = 10.0
    time_limit_per_solve: float = 10.0
    time_budget: float = 40.0

    def trip_cost(self, miles_one_way: np.ndarray | float) -> np.ndarray:
        """Pounds of one return trip of ``miles_one_way``, to the penny: the one rounding of
        travel cost, so a visit's cost (trips x this) and every total summed from visits agree
        with the rows of visits.csv a planner adds up."""
        return np.round(2.0 * np.asarray(miles_one_way, dtype=float) * self.cost_per_mile, PENCE)

    @staticmethod
    def trip_hours(minutes_one_way: np.ndarray | float) -> np.ndarray:
        """Hours on the road of one return trip, to :data:`HOUR_DECIMALS`: the one rounding of
        travel hours, so the hours per oncologist are the sum of their visits' rows."""
        return np.round(2.0 * np.asarray(minutes_one_way, dtype=float) / 60.0, HOUR_DECIMALS)

    @staticmethod
    def trip_miles(miles_one_way: np.ndarray | float) -> np.ndarray:
        """Miles of one return trip, to :data:`MILE_DECIMALS`: the one rounding of travel miles, so
        the miles per oncologist are the sum of their visits' rows (the cost is priced on the
        miles as given, :meth:`trip_cost`)."""
        return np.round(2.0 * np.asarray(miles_one_way, dtype=float), MILE_DECIMALS)

    def __post_init__(self) -> None:
        problems = []
        positive = (
            "minutes_per_pa",
            "pa_step",
            "pas_per_trip",
            "mdt_shortfall_penalty",
            "weighted_stage1",
            "time_limit_per_solve",
            "time_budget",
        )
        for name in positive:
            value = getattr(self, name)
            if not (_number(value) and value > 0):
                problems.append(_problem(name, f"must be positive, got {value!r}"))
        non_negative = (
            "cost_per_mile",
            "travel_pa_step",
            "max_trip_minutes",
            "mdt_pas",
            "stage1_cost_weight",
            "stage_rel_tolerance",
            "stage_abs_tolerance",
            "fairness_weight",
            "continuity_weight",
            "weighted_stage3",
        )
        for name in non_negative:
            value = getattr(self, name)
            if not (_number(value) and value >= 0):
                problems.append(_problem(name, f"must be a finite number >= 0, got {value!r}"))
        trips = self.max_trips_per_site
        if not (isinstance(trips, int | np.integer) and not isinstance(trips, bool) and trips >= 1):
            problems.append(_problem("max_trips_per_site", f"must be an integer >= 1, got {trips!r}"))
        if self.mode not in ("lexicographic", "weighted"):
            problems.append(_problem("mode", f"must be 'lexicographic' or 'weighted', got {self.mode!r}"))
        if problems:
            raise ModelInputError(problems)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and bool(np.isfinite(value))


def _problem(name: str, message: str) -> InputProblem:
    return InputProblem("parameters", f"parameter {name} {message}", column=name)
