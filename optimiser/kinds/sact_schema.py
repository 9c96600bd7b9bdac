"""Tables and parameters of a ``kind: sact`` instance (SACT site location), with defaults."""

from __future__ import annotations

from models.sact.input import SITE_TYPES
from models.sact.objectives import OBJECTIVES
from optimiser.schema import Column, Parameter, TableSchema

ZONES = TableSchema(
    "zones",
    (
        Column("zone_id", "str", unique=True, doc="demand zone id (e.g. an MSOA or district code)"),
        Column("name", "str", required=False, default="", doc="zone name"),
        Column(
            "district",
            "str",
            required=False,
            default="",
            doc="local authority district of the zone, for access by district; blank: none",
        ),
        Column(
            "population",
            "float",
            required=False,
            minimum=0,
            allow_blank=True,
            doc="residents; may be blank only where attendances is given",
        ),
        Column(
            "attendances",
            "float",
            required=False,
            minimum=0,
            allow_blank=True,
            doc="SACT attendances a year; blank: population x attendances_per_1000 / 1000",
        ),
        Column(
            "quintile",
            "int",
            required=False,
            default=0,
            minimum=0,
            maximum=5,
            doc="deprivation quintile, 1 = most deprived; 0 = unknown",
        ),
        Column("lat", "float", required=False, minimum=-90, maximum=90, allow_blank=True, doc="latitude"),
        Column("lon", "float", required=False, minimum=-180, maximum=180, allow_blank=True, doc="longitude"),
    ),
    doc="demand zones",
)

SITES = TableSchema(
    "sites",
    (
        Column("site_id", "str", unique=True, doc="site id (e.g. ODS site code)"),
        Column("name", "str", doc="site name"),
        Column("trust", "str", doc="trust (or provider) that runs the site"),
        Column(
            "type",
            "str",
            choices=SITE_TYPES,
            doc="cancer_centre, hospital_unit, community_site or mobile_unit",
        ),
        Column("existing", "bool", required=False, default=False, doc="delivers SACT today"),
        Column("current_chairs", "int", required=False, default=0, minimum=0, doc="chairs today"),
        Column("min_chairs", "int", required=False, default=1, minimum=0, doc="least chairs when open"),
        Column("max_chairs", "int", minimum=0, doc="most chairs when open"),
        Column("fixed_cost", "float", minimum=0, doc="pounds a year to run the unit when open"),
        Column("chair_cost", "float", minimum=0, doc="pounds a year per chair (staff, consumables)"),
        Column(
            "is_hub",
            "bool",
            required=False,
            default=False,
            doc="has an aseptic pharmacy that can supply others",
        ),
        Column(
            "hub_capacity",
            "float",
            required=False,
            default=0.0,
            minimum=0,
            doc="doses a year the hub can prepare",
        ),
        Column(
            "must_open", "bool", required=False, default=False, doc="must stay open (e.g. the cancer centre)"
        ),
        Column(
            "must_close",
            "bool",
            required=False,
            default=False,
            doc="may not open, not even to run its aseptic pharmacy (a closure option; `--close`)",
        ),
        Column("lat", "float", required=False, minimum=-90, maximum=90, allow_blank=True, doc="latitude"),
        Column("lon", "float", required=False, minimum=-180, maximum=180, allow_blank=True, doc="longitude"),
    ),
    doc="candidate sites",
)

TRAVEL = TableSchema(
    "travel",
    (
        Column("zone_id", "str", references="zones.zone_id"),
        Column("site_id", "str", references="sites.site_id"),
        Column("minutes", "float", minimum=0, doc="travel minutes zone -> site"),
    ),
    required=False,
    doc="patient travel minutes; pairs left out are computed from coordinates",
)

SITE_TRAVEL = TableSchema(
    "site_travel",
    (
        Column("from_site", "str", references="sites.site_id"),
        Column("to_site", "str", references="sites.site_id"),
        Column("minutes", "float", minimum=0, doc="drug transport minutes"),
    ),
    required=False,
    doc="drug transport minutes between sites; pairs left out are computed from coordinates",
)

NURSES = TableSchema(
    "nurses",
    (
        Column("trust", "str", unique=True, doc="trust name as in sites.trust"),
        Column("nurses", "float", minimum=0, doc="SACT-trained nurses (whole-time equivalents)"),
    ),
    required=False,
    doc="SACT nurses available per trust (optional)",
)

TABLES = (ZONES, SITES, TRAVEL, SITE_TRAVEL, NURSES)

_F, _I, _B, _S = float, int, bool, str
PARAMETERS = (
    Parameter(
        "chair_hours_per_day", _F, 10.0, "hours", "hours a chair is open each day", minimum=0.1, maximum=24
    ),
    Parameter("days_per_week", _F, 5.0, "days", "days a week a unit runs", minimum=1, maximum=7),
    Parameter("weeks_per_year", _F, 50.0, "weeks", "weeks a year a unit runs", minimum=1, maximum=52),
    Parameter(
        "utilisation", _F, 0.85, "share", "achievable share of open chair hours", minimum=0.01, maximum=1
    ),
    Parameter("mean_chair_hours", _F, 2.5, "hours", "chair time per attendance", minimum=0, maximum=24),
    Parameter(
        "complex_share",
        _F,
        0.3,
        "share",
        "attendances that must stay at a centre or hospital unit",
        minimum=0,
        maximum=1,
    ),
    Parameter(
        "attendances_per_1000",
        _F,
        50.0,
        "attendances/1000 residents/year",
        "SACT attendance rate used where a zone gives no attendances",
        minimum=0,
    ),
    Parameter(
        "demand_growth",
        _F,
        0.0,
        "share",
        "growth applied to every zone's attendances (0.4 = +40 %)",
        minimum=-1,
    ),
    Parameter(
        "max_travel_minutes",
        _F,
        90.0,
        "minutes",
        "no patient is allocated beyond this travel time",
        minimum=0,
    ),
    Parameter("access_minutes", _F, 30.0, "minutes", "the access standard T", minimum=0),
    Parameter(
        "access_target",
        _F,
        None,
        "share",
        "share of attendances within access_minutes (blank: none)",
        minimum=0,
        maximum=1,
        optional=True,
    ),
    Parameter("access_by_quintile", _B, False, "", "apply the access target in every deprivation quintile"),
    *(
        Parameter(
            f"access_target_q{q}",
            _F,
            None,
            "share",
            f"access target of deprivation quintile {q} (1 most deprived); none: the overall one",
            minimum=0,
            maximum=1,
            optional=True,
        )
        for q in range(1, 6)
    ),
    Parameter("single_source", _B, False, "", "each zone's regimen class is served by one site"),
    Parameter("allow_unserved", _B, False, "", "allow unserved demand at unserved_penalty (and report it)"),
    Parameter(
        "unserved_penalty",
        _F,
        10000.0,
        "objective units per attendance",
        "penalty per unserved attendance",
        minimum=0,
    ),
    Parameter(
        "max_open_sites", _I, None, "sites", "most open sites (blank: no limit)", minimum=0, optional=True
    ),
    Parameter(
        "exact_open_sites",
        _I,
        None,
        "sites",
        "exactly this many open sites (blank: free)",
        minimum=0,
        optional=True,
    ),
    Parameter(
        "max_new_sites",
        _I,
        None,
        "sites",
        "most new sites opened (blank: no limit)",
        minimum=0,
        optional=True,
    ),
    Parameter(
        "budget",
        _F,
        None,
        "pounds/year",
        "most spent on sites and chairs (blank: no budget)",
        minimum=0,
        optional=True,
    ),
    Parameter(
        "min_site_attendances",
        _F,
        0.0,
        "attendances/year",
        "least activity at any open site, for safety",
        minimum=0,
    ),
    Parameter("require_aseptic_supply", _B, True, "", "every open site supplied by an open aseptic hub"),
    Parameter(
        "drug_stability_minutes", _F, 120.0, "minutes", "most transport minutes from hub to site", minimum=0
    ),
    Parameter("doses_per_attendance", _F, 1.0, "doses", "aseptic doses prepared per attendance", minimum=0),
    Parameter(
        "transport_cost_per_minute",
        _F,
        0.02,
        "pounds/dose-minute",
        "cost of carrying one dose one minute from its hub to the site (links go to near hubs)",
        minimum=0,
    ),
    Parameter("chairs_per_nurse", _F, 3.5, "chairs", "chairs one SACT nurse can staff", minimum=0.1),
    Parameter(
        "objective",
        _S,
        "cost",
        "",
        "'cost': least annual cost; 'travel': least patient travel; 'coverage': most attendances "
        "within access_minutes (maximal covering); 'worst': least longest journey (p-centre); the "
        "last two for a number of sites (max_open_sites, exact_open_sites) or a budget",
        choices=OBJECTIVES,
    ),
    Parameter(
        "objective_tie_break",
        _F,
        0.001,
        "attendances or minutes",
        "coverage and worst: most the cost terms add to the objective, as a tie-break for the cheapest plan",
        minimum=0,
    ),
    Parameter(
        "travel_cost_per_minute",
        _F,
        0.30,
        "pounds/minute",
        "value of one patient-minute of travel",
        minimum=0,
    ),
    Parameter("trips_per_attendance", _F, 2.0, "trips", "one-way trips per attendance", minimum=0),
    Parameter("strong_linking", _B, True, "", "x <= y for every allocation (tight relaxation)"),
    Parameter(
        "lazy_linking", _B, True, "", "add those rows only where the relaxation breaks them (HiGHS direct)"
    ),
    Parameter(
        "solve_method",
        str,
        "auto",
        "",
        "HiGHS path: direct (whole model), priced (strong LP by pricing, plans from it; for large "
        "instances), radius (p-median radius formulation) or auto (radius on p-median instances, "
        "else priced above 30,000 zone-site pairs)",
        choices=("auto", "direct", "priced", "radius"),
    ),
    Parameter(
        "road_factor",
        _F,
        1.3,
        "ratio",
        "road distance / straight-line distance, for computed travel",
        minimum=1,
    ),
    Parameter("speed_kmh", _F, 45.0, "km/h", "average road speed, for computed travel", minimum=1),
    Parameter(
        "overhead_minutes",
        _F,
        5.0,
        "minutes",
        "time to set off and park, added to computed travel",
        minimum=0,
    ),
)

MODEL_PARAMETERS = tuple(
    p.name
    for p in PARAMETERS
    if p.name not in ("attendances_per_1000", "demand_growth", "road_factor", "speed_kmh", "overhead_minutes")
)
