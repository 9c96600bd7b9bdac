"""The input and parameters of the SACT location model (the mathematics is in :mod:`models.sact`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SITE_TYPES = ("cancer_centre", "hospital_unit", "community_site", "mobile_unit")
COMPLEX_SITE_TYPES = ("cancer_centre", "hospital_unit")
CLASSES = ("standard", "complex")


@dataclass(frozen=True)
class SactParameters:
    """Every figure of the SACT location model, with its unit and default."""

    chair_hours_per_day: float = 10.0  # hours a chair is open a day
    days_per_week: float = 5.0
    weeks_per_year: float = 50.0
    utilisation: float = 0.85  # achievable share of open chair hours
    mean_chair_hours: float = 2.5  # chair hours per attendance
    complex_share: float = 0.3  # share of attendances that must stay at a centre or hospital unit
    max_travel_minutes: float = 90.0  # no allocation beyond this travel time
    access_minutes: float = 30.0  # the access standard T
    access_target: float | None = None  # share of attendances within T (None: no target)
    access_target_q1: float | None = None  # own target of deprivation quintile 1 (most deprived)
    access_target_q2: float | None = None
    access_target_q3: float | None = None
    access_target_q4: float | None = None
    access_target_q5: float | None = None  # quintile 5 (least deprived)
    access_by_quintile: bool = False  # apply the access target in every deprivation quintile
    single_source: bool = False  # each zone's class served by one site
    allow_unserved: bool = False  # permit unserved demand at a penalty
    unserved_penalty: float = 10_000.0  # per unserved attendance, objective units
    max_open_sites: int | None = None
    exact_open_sites: int | None = None
    max_new_sites: int | None = None
    budget: float | None = None  # pounds a year on sites and chairs
    min_site_attendances: float = 0.0  # least attendances a year at any open site (safety)
    require_aseptic_supply: bool = True
    drug_stability_minutes: float = 120.0  # most hub -> site transport minutes
    doses_per_attendance: float = 1.0
    transport_cost_per_minute: float = 0.02  # pounds per dose per minute of hub -> site transport
    chairs_per_nurse: float = 3.5
    objective: str = "cost"  # "cost", "travel", "coverage" or "worst" (models.sact.objectives)
    objective_tie_break: float = 0.001  # coverage, worst: most the cost terms add, attendances or minutes
    travel_cost_per_minute: float = 0.30  # pounds per patient-minute of travel
    trips_per_attendance: float = 2.0  # one-way trips per attendance (there and back)
    strong_linking: bool = True  # x <= y for every arc (tight relaxation)
    lazy_linking: bool = True  # add those rows only where the relaxation breaks them (HiGHS direct)
    solve_method: str = "auto"  # auto, direct (whole model), priced (sact.large), radius (sact.radius)

    def access_targets(self) -> dict[int, float]:
        """The access targets in force: 0 = all zones; 1..5 = a deprivation quintile's own target
        (``access_target_q<k>``), else ``access_target`` when ``access_by_quintile``."""
        out: dict[int, float] = {}
        if self.access_target is not None:
            out[0] = float(self.access_target)
        for q in range(1, 6):
            own = getattr(self, f"access_target_q{q}")
            if own is not None:
                out[q] = float(own)
            elif self.access_by_quintile and self.access_target is not None:
                out[q] = float(self.access_target)
        return out

    @property
    def chair_hours_per_year(self) -> float:
        """Usable chair hours a year of one chair."""
        return self.chair_hours_per_day * self.days_per_week * self.weeks_per_year * self.utilisation


@dataclass(frozen=True)
class SactInput:
    """A validated SACT location instance.

    zones : index ``zone_id``; columns ``attendances`` (a year), ``quintile`` (1 = most
        deprived .. 5; 0 = unknown), ``population``, optional ``lat``, ``lon``, ``name``.
    sites : index ``site_id``; columns ``name``, ``trust``, ``type`` (one of
        :data:`SITE_TYPES`), ``existing`` (bool), ``current_chairs``, ``min_chairs``,
        ``max_chairs``, ``fixed_cost``, ``chair_cost`` (pounds a year), ``is_hub`` (bool),
        ``hub_capacity`` (doses a year), ``must_open`` (bool), optional ``must_close`` (bool: the
        site may not open, not even as an aseptic hub; absent is false), ``lat``, ``lon``.
    travel : columns ``zone_id``, ``site_id``, ``minutes``; pairs beyond the travel limit may
        be left out.
    site_travel : columns ``from_site`` (hub), ``to_site``, ``minutes``: drug transport.
    nurses : columns ``trust``, ``nurses``; None when nurse numbers are not modelled.
    """

    zones: pd.DataFrame
    sites: pd.DataFrame
    travel: pd.DataFrame
    site_travel: pd.DataFrame
    parameters: SactParameters = field(default_factory=SactParameters)
    nurses: pd.DataFrame | None = None
    name: str = "sact"
