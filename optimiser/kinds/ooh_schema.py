"""Tables and parameters of a ``kind: ooh`` instance (out-of-hours rota consolidation), with defaults.

The tables mirror :class:`models.ooh.input.OohInput`; the parameters are every field of
:class:`models.ooh.input.OohParameters` plus the three figures used to estimate travel minutes
from coordinates where the ``travel`` table leaves a needed pair out.
"""

from __future__ import annotations

import pandas as pd

from models.ooh.input import TIERS, OohInput
from optimiser.schema import Column, Parameter, TableSchema

_LAT = Column("lat", "float", required=False, minimum=-90, maximum=90, allow_blank=True, doc="latitude")
_LON = Column("lon", "float", required=False, minimum=-180, maximum=180, allow_blank=True, doc="longitude")

SITES = TableSchema(
    "sites",
    (
        Column("site_id", "str", unique=True, doc="site id (e.g. ODS site code)"),
        Column("name", "str", doc="site name"),
        Column("trust", "str", doc="trust that runs the site; rotas stay within a trust unless allowed"),
        Column(
            "keeps_own_rota",
            "bool",
            required=False,
            default=False,
            doc="may only be covered by a rota based at itself (e.g. inpatient oncology beds)",
        ),
        _LAT,
        _LON,
    ),
    doc="hospital sites",
)

SERVICES = TableSchema(
    "services",
    (
        Column("service_id", "str", unique=True, doc="service id (e.g. AO2)"),
        Column("name", "str", doc="service name"),
        Column("tier", "str", choices=TIERS, doc="resident (on site) or non-resident (called in)"),
        Column("max_response_minutes", "float", minimum=0, doc="most minutes from the hub to any site"),
        Column("min_rota_size", "int", minimum=1, doc="N of the 1-in-N limit: least members of a rota"),
        Column(
            "max_rota_size",
            "int",
            required=False,
            minimum=1,
            allow_blank=True,
            doc="most members of a rota (blank: no limit)",
        ),
        Column(
            "max_sites_per_rota",
            "int",
            required=False,
            minimum=1,
            allow_blank=True,
            doc="most sites one rota covers (blank: no limit)",
        ),
        Column("salary", "float", minimum=0, doc="pounds a year per clinician (basic salary)"),
        Column("cost_per_night", "float", minimum=0, doc="pounds per rota per night of cover"),
        Column(
            "locum_premium_per_night",
            "float",
            required=False,
            minimum=0,
            allow_blank=True,
            doc="pounds per night of on-call covered by temporary (locum, agency) staff, over what a "
            "substantive member costs (blank: temporary staff may not fill this rota's slots)",
        ),
        Column(
            "supplement_category",
            "str",
            references="bands.category",
            doc="availability supplement category (a category of the bands table)",
        ),
    ),
    doc="out-of-hours services",
)

ROTAS = TableSchema(
    "rotas",
    (
        Column("site_id", "str", references="sites.site_id", doc="site needing cover"),
        Column("service_id", "str", references="services.service_id", doc="service it needs"),
        Column(
            "clinicians",
            "int",
            required=False,
            minimum=0,
            allow_blank=True,
            doc="members the site contributes (blank: counted from the clinicians table)",
        ),
        Column("calls_per_night", "float", minimum=0, doc="expected calls a night"),
        Column(
            "attendances_per_night",
            "float",
            minimum=0,
            doc="expected attendances a night: calls the clinician goes in for (at most calls_per_night)",
        ),
        Column("calls_per_weekend_day", "float", minimum=0, doc="expected calls a weekend day"),
        Column(
            "attendances_per_weekend_day",
            "float",
            minimum=0,
            doc="expected attendances a weekend day: calls the clinician goes in for "
            "(at most calls_per_weekend_day)",
        ),
        Column(
            "current_hub",
            "str",
            required=False,
            allow_blank=True,
            references="sites.site_id",
            doc="site whose rota covers it today (blank: the site itself)",
        ),
        Column(
            "can_host",
            "bool",
            required=False,
            default=True,
            doc="a rota of this service may be based here",
        ),
        Column(
            "vacancies",
            "int",
            required=False,
            default=0,
            minimum=0,
            doc="slots of today's rota with no substantive clinician, filled by temporary staff "
            "(needs the service's locum_premium_per_night)",
        ),
    ),
    doc="today's cover: one row per site and service that needs it",
)

TRAVEL = TableSchema(
    "travel",
    (
        Column("from_site", "str", references="sites.site_id", doc="hub site"),
        Column("to_site", "str", references="sites.site_id", doc="site attended"),
        Column("minutes", "float", minimum=0, doc="travel minutes from_site -> to_site"),
    ),
    required=False,
    doc="travel minutes between sites; needed pairs left out are estimated from coordinates",
)

BANDS = TableSchema(
    "bands",
    (
        Column("category", "str", doc="supplement category"),
        Column("band", "str", doc="band name (e.g. 1-in-5 to 1-in-8)"),
        Column("min_size", "int", minimum=1, doc="least rota members in the band"),
        Column(
            "max_size",
            "int",
            required=False,
            minimum=1,
            allow_blank=True,
            doc="most rota members in the band (blank: no upper limit)",
        ),
        Column("salary_share", "float", minimum=0, maximum=1, doc="supplement as a share of salary"),
    ),
    doc="on-call availability supplement bands; each category runs 1..a, a+1..b, ..., z..(blank)",
)

CLINICIANS = TableSchema(
    "clinicians",
    (
        Column("clinician_id", "str", unique=True, doc="clinician id"),
        Column("name", "str", required=False, default="", doc="name"),
        Column("site_id", "str", references="sites.site_id", doc="site the clinician is based at"),
        Column("service_id", "str", references="services.service_id", doc="service rota they are on"),
    ),
    required=False,
    doc="named rota members (optional); when given, rotas.clinicians is counted from it",
)

TABLES = (SITES, SERVICES, ROTAS, TRAVEL, BANDS, CLINICIANS)

_F, _B = float, bool
PARAMETERS = (
    Parameter("allow_cross_trust", _B, False, "", "one rota may cover sites of different trusts"),
    Parameter(
        "max_attendances_per_night",
        _F,
        3.0,
        "attendances/night",
        "most attendances a night one on-call clinician can carry, summed over the rota's sites",
        minimum=0,
    ),
    Parameter("nights_per_year", _F, 365.0, "nights", "nights of cover a year", minimum=0, maximum=366),
    Parameter(
        "weekend_days_per_year",
        _F,
        112.0,
        "days",
        "weekend and bank-holiday days with daytime on-call a year (104 + 8)",
        minimum=0,
        maximum=366,
    ),
    Parameter(
        "travel_cost_per_minute",
        _F,
        1.40,
        "pounds/minute",
        "cost of one minute of a clinician's travel to attend (time and mileage)",
        minimum=0,
    ),
    Parameter(
        "trips_per_attendance",
        _F,
        2.0,
        "trips",
        "journeys per attendance at a site other than the hub (there and back)",
        minimum=0,
    ),
    Parameter(
        "cost_per_change",
        _F,
        0.0,
        "pounds/year per site-service",
        "annualised cost of moving a site-service to another rota than today's",
        minimum=0,
    ),
    Parameter(
        "response_cap_minutes",
        _F,
        None,
        "minutes",
        "a cap on every service's response time; none: each service's own max_response_minutes",
        minimum=0,
        optional=True,
    ),
    Parameter(
        "non_resident_mobilisation_minutes",
        _F,
        0.0,
        "minutes",
        "minutes a non-resident clinician needs before setting off, added to every response time",
        minimum=0,
    ),
    Parameter(
        "road_factor",
        _F,
        1.3,
        "ratio",
        "road distance / straight-line distance, for travel estimated from coordinates",
        minimum=1,
    ),
    Parameter("speed_kmh", _F, 50.0, "km/h", "average road speed, for estimated travel", minimum=1),
    Parameter(
        "overhead_minutes",
        _F,
        5.0,
        "minutes",
        "time to set off and park, added to estimated travel",
        minimum=0,
    ),
)

TRAVEL_PARAMETERS = ("road_factor", "speed_kmh", "overhead_minutes")
MODEL_PARAMETERS = tuple(p.name for p in PARAMETERS if p.name not in TRAVEL_PARAMETERS)


def tables_of(data: OohInput) -> dict[str, pd.DataFrame]:
    """The tables of an instance folder holding ``data``, whole-number columns written as such."""
    frames = {t.name: getattr(data, t.name) for t in TABLES}
    whole = {t.name: [c.name for c in t.columns if c.kind == "int"] for t in TABLES}
    out = {}
    for name, frame in frames.items():
        if frame is not None:
            frame = frame.astype({c: "Int64" for c in whole[name] if c in frame})  # 8, not 8.0
            frame.attrs = {}
            out[name] = frame
    return out
