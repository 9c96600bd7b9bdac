"""Tables and parameters of a ``kind: cover`` instance (cross-trust oncologist cover), with defaults.

The tables mirror :class:`models.cover.input.CoverInstance`; the parameters are the horizon
(``first_week``, ``weeks``), every field of :class:`models.cover.input.CoverParameters`, and the
three figures used to estimate travel from coordinates where the ``travel`` table leaves a
needed pair out.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from models.cover.input import ABSENCE_KINDS, CoverInstance, CoverParameters
from optimiser.schema import Column, Parameter, TableSchema


def _id(name: str, doc: str, references: str | None = None, unique: bool = False) -> Column:
    return Column(name, "str", unique=unique, references=references, doc=doc)


def _trust() -> Column:
    return _id("trust_id", "trust", "trusts.trust_id")


def _tumour() -> Column:
    return _id("tumour_site_id", "tumour site", "tumour_sites.tumour_site_id")


TRUSTS = TableSchema(
    "trusts",
    (_id("trust_id", "trust id (e.g. ODS trust code)", unique=True), Column("name", "str", doc="trust name")),
    doc="the trusts sharing cover",
)

SITES = TableSchema(
    "sites",
    (
        _id("site_id", "site id (e.g. ODS site code)", unique=True),
        Column("name", "str", doc="site name"),
        _trust(),
        Column("lat", "float", minimum=-90, maximum=90, doc="latitude (degrees)"),
        Column("lon", "float", minimum=-180, maximum=180, doc="longitude (degrees)"),
    ),
    doc="hospital sites where clinics are held",
)

TUMOUR_SITES = TableSchema(
    "tumour_sites",
    (_id("tumour_site_id", "tumour site id (e.g. breast)", unique=True), Column("name", "str", doc="name")),
    doc="tumour sites (specialties)",
)

ONCOLOGISTS = TableSchema(
    "oncologists",
    (
        _id("oncologist_id", "oncologist id", unique=True),
        Column("name", "str", doc="name"),
        _id("home_site", "site of the oncologist's job plan", "sites.site_id"),
        Column(
            "dcc_pas",
            "float",
            minimum=0,
            maximum=20,
            doc="direct clinical care PAs a week (clinics, SACT review, ward; home MDTs outside them)",
        ),
        Column("max_away_pas", "float", minimum=0, doc="most clinical PAs a week away from the home site"),
        Column("max_sites", "int", minimum=1, doc="most distinct sites a week, the home site counted"),
        Column("cost_per_pa", "float", minimum=0, doc="pounds per PA (reported as the cross-trust recharge)"),
    ),
    doc="consultant oncologists",
)

SPECIALISMS = TableSchema(
    "specialisms",
    (_id("oncologist_id", "oncologist", "oncologists.oncologist_id"), _tumour()),
    doc="one row per oncologist and tumour site they treat",
)

ABSENCES = TableSchema(
    "absences",
    (
        _id("oncologist_id", "oncologist", "oncologists.oncologist_id"),
        Column("first_day", "date", doc="first day absent (YYYY-MM-DD)"),
        Column("last_day", "date", doc="last day absent, inclusive"),
        Column("kind", "str", choices=ABSENCE_KINDS, doc="kind of absence"),
        Column(
            "share",
            "float",
            required=False,
            default=1.0,
            minimum=0,
            maximum=1,
            doc="share of each working week between the dates that is absent, in (0, 1]",
        ),
    ),
    required=False,
    doc="leave, sickness and other absences",
)

DEMAND = TableSchema(
    "demand",
    (
        _trust(),
        _tumour(),
        Column("week", "int", minimum=1, doc="week of the horizon, 1..weeks"),
        Column("pas", "float", minimum=0, doc="PAs needed (clinics, SACT review, ward)"),
    ),
    doc="PAs needed per trust, tumour site and week",
)

MDTS = TableSchema(
    "mdts",
    (
        _id("mdt_id", "MDT id", unique=True),
        _trust(),
        _tumour(),
        Column(
            "weekday",
            "str",
            doc="day of the weekly meeting, Mon..Fri (full names or three letters, any case)",
        ),
        Column("quorum", "int", minimum=1, doc="oncologists of the tumour site needed for quoracy"),
        Column(
            "remote_counts",
            "bool",
            required=False,
            default=True,
            doc="remote attendance counts towards quoracy",
        ),
    ),
    required=False,
    doc="weekly multidisciplinary team meetings",
)

LOCUMS = TableSchema(
    "locums",
    (
        _trust(),
        _tumour(),
        Column("pas_per_week", "float", minimum=0, doc="locum PAs available a week"),
        Column("cost_per_pa", "float", minimum=0, doc="pounds per locum PA (premium rate)"),
    ),
    required=False,
    doc="locum availability and premium rates per trust and tumour site",
)

TRAVEL = TableSchema(
    "travel",
    (
        _id("from_site", "site", "sites.site_id"),
        _id("to_site", "site", "sites.site_id"),
        Column("minutes", "float", minimum=0, doc="one-way minutes"),
        Column("miles", "float", minimum=0, doc="one-way miles"),
    ),
    required=False,
    doc="journeys between sites (one way, used both ways); pairs left out are estimated from coordinates",
)

HOLIDAYS = TableSchema(
    "holidays",
    (
        Column("date", "date", unique=True, doc="a day (YYYY-MM-DD)"),
        Column("name", "str", required=False, default="", doc="what the day is (shown in summary.json)"),
        Column(
            "closed",
            "bool",
            required=False,
            default=True,
            doc="yes: a local holiday (no clinics, no MDTs); no: a bank holiday worked as a normal day",
        ),
    ),
    required=False,
    doc="changes to the England bank holidays, for every trust (the bank holidays need no row)",
)

TABLES = (
    TRUSTS,
    SITES,
    TUMOUR_SITES,
    ONCOLOGISTS,
    SPECIALISMS,
    ABSENCES,
    DEMAND,
    MDTS,
    LOCUMS,
    TRAVEL,
    HOLIDAYS,
)

# Units and meanings of CoverParameters' fields, in the order of its docstring.
_MODEL_DOCS: dict[str, tuple[str, str]] = {
    "cost_per_mile": ("pounds/mile", "pounds per mile driven (NHS car mileage rate)"),
    "minutes_per_pa": ("minutes", "minutes in one programmed activity; converts travel time to PAs"),
    "pa_step": ("PA", "the unit of a rota allocation: PAs at a site are whole multiples of it"),
    "travel_pa_step": ("PA", "return-trip travel charged in steps of this many PAs, rounded up (0: exact)"),
    "pas_per_trip": ("PA", "most clinical PAs one trip to a site covers (a day's sessions)"),
    "max_trips_per_site": ("trips", "most trips to one site in a week"),
    "max_trip_minutes": ("minutes", "longest one-way journey an oncologist is asked to make"),
    "mdt_pas": ("PA", "PAs attending another trust's MDT takes from the week"),
    "mdt_shortfall_penalty": (
        "uncovered PAs",
        "stage-1 weight of one missing quorum member at one weekly MDT",
    ),
    "holiday_pro_rata": (
        "",
        "scale a week's demand and capacity by its working days left after holidays / 5 (demand: to pa_step)",
    ),
    "mode": ("", "lexicographic (stages in turn) or weighted (one objective)"),
    "stage1_cost_weight": ("per pound", "tie-break weight of the locum and travel cost in stage 1"),
    "stage_rel_tolerance": ("ratio", "a later stage may let an earlier stage's value rise by this share"),
    "stage_abs_tolerance": ("stage units", "... or by this much, whichever is larger"),
    "fairness_weight": ("per PA", "stage-3 weight on the largest away burden of one oncologist"),
    "continuity_weight": (
        "per pair",
        "stage-3 weight per distinct oncologist covering a trust and tumour site",
    ),
    "run_stage3": ("", "solve the fairness and continuity stage"),
    "stage3_polish": ("", "then solve stage 3 over the whole horizon for a proven bound (slow when large)"),
    "weighted_stage1": ("pounds", "weighted mode: pounds per uncovered PA equivalent"),
    "weighted_stage3": ("pounds", "weighted mode: pounds per stage-3 unit"),
    "time_limit_per_solve": ("seconds", "most time one solve (a week of one stage, or the polish) may take"),
    "time_budget": (
        "seconds",
        "time the whole run may take when the run gives no --time-limit (which replaces it)",
    ),
}

_MINIMUM = {
    "minutes_per_pa": 1e-9,
    "pa_step": 1e-9,
    "pas_per_trip": 1e-9,
    "mdt_shortfall_penalty": 1e-9,
    "weighted_stage1": 1e-9,
    "max_trips_per_site": 1,
    "time_limit_per_solve": 1e-3,
    "time_budget": 1e-3,
}


def _model_parameters() -> tuple[Parameter, ...]:
    out = []
    for f in dataclasses.fields(CoverParameters):
        unit, doc = _MODEL_DOCS[f.name]
        kind = {"float": float, "int": int, "bool": bool}.get(str(f.type), str)
        choices = ("lexicographic", "weighted") if f.name == "mode" else None
        minimum = _MINIMUM.get(f.name, 0 if kind in (float, int) else None)
        out.append(Parameter(f.name, kind, f.default, unit, doc, minimum=minimum, choices=choices))
    return tuple(out)


PARAMETERS = (
    Parameter("first_week", str, None, "date", "Monday the horizon starts, YYYY-MM-DD (required)"),
    Parameter(
        "weeks", int, None, "weeks", "length of the horizon in weeks (required)", minimum=1, maximum=104
    ),
    *_model_parameters(),
    Parameter(
        "road_factor",
        float,
        1.3,
        "ratio",
        "road distance / straight-line distance, for travel estimated from coordinates",
        minimum=1,
    ),
    Parameter("speed_kmh", float, 50.0, "km/h", "average road speed, for estimated travel", minimum=1),
    Parameter(
        "overhead_minutes",
        float,
        5.0,
        "minutes",
        "time to set off and park, added to estimated travel",
        minimum=0,
    ),
)

TRAVEL_PARAMETERS = ("road_factor", "speed_kmh", "overhead_minutes")
MODEL_PARAMETERS = tuple(f.name for f in dataclasses.fields(CoverParameters))


def tables_of(inst: CoverInstance) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The tables and horizon parameters of an instance folder holding ``inst`` (holidays if any)."""
    tables = {t.name: getattr(inst, t.name).copy() for t in TABLES}
    for column in ("first_day", "last_day"):
        tables["absences"][column] = pd.to_datetime(tables["absences"][column]).dt.strftime("%Y-%m-%d")
    tables["holidays"]["date"] = pd.to_datetime(tables["holidays"]["date"]).dt.strftime("%Y-%m-%d")
    if tables["holidays"].empty:
        del tables["holidays"]
    return tables, {"first_week": inst.first_week.isoformat(), "weeks": int(inst.weeks)}
