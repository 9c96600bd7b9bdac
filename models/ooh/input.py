"""Input of the out-of-hours rota consolidation model: the tables and the parameters.

:class:`OohInput` holds the tables, validated and normalised on construction;
:class:`OohParameters` every policy figure with its unit and default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models.common.contract import InputProblem, ModelInputError
from models.common.words import count

TIERS = ("resident", "non-resident")
TRAVEL_COST_DECIMALS = 2
"""Pounds and pence: a site's annual travel cost is rounded to them (:meth:`OohParameters.travel_cost`)."""

# Columns each table must have, and optional columns with the default they take when absent.
_REQUIRED = {
    "sites": ("site_id", "name", "trust"),
    "services": (
        "service_id",
        "name",
        "tier",
        "max_response_minutes",
        "min_rota_size",
        "salary",
        "cost_per_night",
        "supplement_category",
    ),
    "rotas": (
        "site_id",
        "service_id",
        "calls_per_night",
        "attendances_per_night",
        "calls_per_weekend_day",
        "attendances_per_weekend_day",
    ),
    "travel": ("from_site", "to_site", "minutes"),
    "bands": ("category", "band", "min_size", "max_size", "salary_share"),
    "clinicians": ("clinician_id", "site_id", "service_id"),
}
_OPTIONAL: dict[str, dict[str, object]] = {
    "sites": {"keeps_own_rota": False, "lat": math.nan, "lon": math.nan},
    "services": {
        "max_rota_size": math.nan,
        "max_sites_per_rota": math.nan,
        "locum_premium_per_night": math.nan,
    },
    "rotas": {"current_hub": None, "can_host": True, "vacancies": 0},
    "clinicians": {"name": ""},
}


@dataclass(frozen=True)
class OohParameters:
    """Policy switches and figures of the OOH model; every figure has a unit and a default.

    Attributes
    ----------
    allow_cross_trust : bool
        Whether one rota may cover sites of different trusts (default False).
    max_attendances_per_night : float
        Most expected attendances per night one on-call clinician can carry, summed over the
        sites of the rota (attendances per night; default 3.0).
    nights_per_year : float
        Nights of cover a year (default 365).
    weekend_days_per_year : float
        Weekend and bank-holiday days with daytime on-call a year (default 112: 104 + 8).
    travel_cost_per_minute : float
        Cost of one minute of a clinician's travel to attend, time and mileage (GBP per minute;
        default 1.40).
    trips_per_attendance : float
        Journeys per attendance at a site other than the hub (default 2: there and back).
    cost_per_change : float
        Annualised cost of moving one site-service to another rota than today's (GBP a year per
        site-service; default 0, no charge).
    non_resident_mobilisation_minutes : float
        Minutes a non-resident clinician needs before setting off, added to every response time
        of non-resident services, the hub's own included (default 0: response times are measured
        from the hub).
    response_cap_minutes : float or None
        A cap on every service's response time (minutes; default None: each service's own
        ``max_response_minutes``).  The knob of the cost-response trade-off
        (``optimiser frontier --x response``).
    """

    allow_cross_trust: bool = False
    max_attendances_per_night: float = 3.0
    nights_per_year: float = 365.0
    weekend_days_per_year: float = 112.0
    travel_cost_per_minute: float = 1.40
    trips_per_attendance: float = 2.0
    cost_per_change: float = 0.0
    non_resident_mobilisation_minutes: float = 0.0
    response_cap_minutes: float | None = None

    def travel_cost(self, attendances_a_year: Any, minutes: Any) -> Any:
        """Pounds a year of attending a site ``minutes`` from its hub ``attendances_a_year`` times,
        to the penny: the one rounding of travel cost (model, plan and check), so a rota's
        travel in rotas.csv is the sum of its sites' and the total the sum of rotas.csv's rows."""
        cost = np.asarray(attendances_a_year, dtype=float) * self.trips_per_attendance * minutes
        return np.round(cost * self.travel_cost_per_minute, TRAVEL_COST_DECIMALS)

    def response_limit(self, service_limit: float) -> float:
        """The response time allowed for a service whose own limit is ``service_limit``."""
        cap = self.response_cap_minutes
        return float(service_limit) if cap is None else min(float(service_limit), float(cap))

    def __post_init__(self) -> None:
        for name in (
            "max_attendances_per_night",
            "nights_per_year",
            "weekend_days_per_year",
            "travel_cost_per_minute",
            "trips_per_attendance",
            "cost_per_change",
            "non_resident_mobilisation_minutes",
        ):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                message = f"must be a finite number >= 0, not {value!r}"
                raise ModelInputError(InputProblem("parameters", message, None, name))
        cap = self.response_cap_minutes
        if cap is not None and not (isinstance(cap, int | float) and math.isfinite(cap) and cap >= 0):
            message = f"must be a finite number >= 0, not {cap!r}"
            raise ModelInputError(InputProblem("parameters", message, None, "response_cap_minutes"))


Problems = list[InputProblem]


def _with_optional(frame: pd.DataFrame, table: str, problems: Problems) -> pd.DataFrame:
    for column in (c for c in _REQUIRED[table] if c not in frame.columns):
        problems.append(InputProblem(table, "required column is missing", None, column))
    out = frame.copy().reset_index(drop=True)
    for column, default in _OPTIONAL.get(table, {}).items():
        if column not in out.columns:
            out[column] = default
    return out


def _row(frame: pd.DataFrame, label: object) -> int:
    """The data row (1 = first) of index ``label`` of a frame indexed 0, 1, 2, ..."""
    return int(frame.index.get_loc(label)) + 1


def _duplicates(frame: pd.DataFrame, keys: list[str], table: str, problems: Problems) -> None:
    for label in frame.index[frame.duplicated(keys)]:
        key = ", ".join(str(v) for v in frame.loc[label, keys])
        message = f"repeats key ({', '.join(keys)}) = ({key})"
        problems.append(InputProblem(table, message, _row(frame, label), keys[-1]))


def _negative(frame: pd.DataFrame, columns: tuple[str, ...], table: str, problems: Problems) -> None:
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        for label in frame.index[values.isna() | (values < 0)]:
            message = f"'{frame.at[label, column]}' is not a number >= 0"
            problems.append(InputProblem(table, message, _row(frame, label), column))


@dataclass(frozen=True)
class OohInput:
    """Sites, services, today's rotas, travel times and supplement bands; validated, never mutated.

    Attributes
    ----------
    sites : DataFrame
        ``site_id, name, trust``; optional ``keeps_own_rota`` (bool, default False: the site may
        only be covered by a rota based at itself, e.g. it has inpatient oncology beds), ``lat``,
        ``lon`` (degrees; descriptive only).
    services : DataFrame
        ``service_id, name, tier`` (``resident`` or ``non-resident``), ``max_response_minutes``
        (minutes), ``min_rota_size`` (N of the 1-in-N limit: least members of a rota),
        ``salary`` (GBP a year per clinician), ``cost_per_night`` (GBP per rota per night of
        cover), ``supplement_category`` (a category of ``bands``); optional ``max_rota_size`` and
        ``max_sites_per_rota`` (blank = no limit), and ``locum_premium_per_night`` (GBP per night
        of on-call covered by temporary, locum or agency, staff, over what a substantive member
        costs; blank (the default) = temporary staff may not fill this service's rota slots, so
        every rota needs N substantive members).
    rotas : DataFrame
        Today: one row per site and service that needs cover: ``site_id, service_id``,
        ``clinicians`` (members the site contributes; optional when ``clinicians`` is given),
        ``calls_per_night, attendances_per_night, calls_per_weekend_day,
        attendances_per_weekend_day`` (expected numbers; an attendance is a call the clinician
        goes in for, so never more attendances than calls); optional ``current_hub`` (site whose
        rota covers it today; default the site itself), ``can_host`` (whether a rota of this
        service may be based here; default True) and ``vacancies`` (slots of today's rota the
        site funds but has no substantive clinician for, filled by temporary staff today; whole
        number, default 0; needs the service's ``locum_premium_per_night``).
    travel : DataFrame
        ``from_site, to_site, minutes``: travel minutes; a pair absent is unreachable; a site to
        itself is 0 unless given (such rows are added on construction).
    bands : DataFrame
        On-call availability supplement: ``category, band, min_size, max_size, salary_share``.
        A rota of ``m`` slots (members plus temporary slots; 1-in-m) pays ``salary * salary_share``
        per slot, of the band whose ``min_size <= m <= max_size`` (blank ``max_size`` = no upper
        limit).  The bands of one
        category must cover 1, 2, 3, ... without gaps or overlaps.
    clinicians : DataFrame or None
        Optional named members: ``clinician_id, site_id, service_id``, optional ``name``.
    name : str
        Label of the instance.
    """

    sites: pd.DataFrame
    services: pd.DataFrame
    rotas: pd.DataFrame
    travel: pd.DataFrame
    bands: pd.DataFrame
    clinicians: pd.DataFrame | None = None
    name: str = ""

    def __post_init__(self) -> None:
        problems: Problems = []
        sites = _with_optional(self.sites, "sites", problems)
        services = _with_optional(self.services, "services", problems)
        rotas = _with_optional(self.rotas, "rotas", problems)
        travel = _with_optional(self.travel, "travel", problems)
        bands = _with_optional(self.bands, "bands", problems)
        clinicians = (
            None if self.clinicians is None else _with_optional(self.clinicians, "clinicians", problems)
        )
        if rotas.empty:
            problems.append(InputProblem("rotas", "the table is empty: no site-service needs cover"))
        if clinicians is None and "clinicians" not in rotas.columns:
            message = "required column is missing (unless a clinicians table is given)"
            problems.append(InputProblem("rotas", message, None, "clinicians"))
        if problems:
            raise ModelInputError(problems)
        if clinicians is not None:
            rotas = _counts_from_named(rotas, clinicians, problems)
        rotas["current_hub"] = rotas["current_hub"].where(rotas["current_hub"].notna(), rotas["site_id"])
        sites["keeps_own_rota"] = sites["keeps_own_rota"].fillna(False).astype(bool)
        rotas["can_host"] = rotas["can_host"].fillna(True).astype(bool)
        rotas["vacancies"] = rotas["vacancies"].fillna(0)
        _duplicates(sites, ["site_id"], "sites", problems)
        _duplicates(services, ["service_id"], "services", problems)
        _duplicates(rotas, ["site_id", "service_id"], "rotas", problems)
        _duplicates(travel, ["from_site", "to_site"], "travel", problems)
        _duplicates(bands, ["category", "band"], "bands", problems)
        _negative(services, ("max_response_minutes", "salary", "cost_per_night"), "services", problems)
        _negative(rotas, _REQUIRED["rotas"][2:] + ("clinicians", "vacancies"), "rotas", problems)
        for column in ("clinicians", "vacancies"):
            fractional = (pd.to_numeric(rotas[column], errors="coerce") % 1).fillna(0) != 0
            for label in rotas.index[fractional]:
                message = f"{rotas.at[label, column]} is not whole"
                problems.append(InputProblem("rotas", message, _row(rotas, label), column))
        _negative(travel, ("minutes",), "travel", problems)
        _negative(bands, ("min_size", "salary_share"), "bands", problems)
        _check_references(sites, services, rotas, travel, problems)
        _check_services(services, bands, problems)
        if not problems:
            _check_attendances(rotas, problems)
            _check_current(rotas, travel, problems)
            _check_vacancies(rotas, services, problems)
        if problems:
            raise ModelInputError(problems)
        rotas["clinicians"] = rotas["clinicians"].astype(int)  # whole numbers: checked above
        rotas["vacancies"] = rotas["vacancies"].astype(int)
        for column in ("min_rota_size", "max_rota_size", "max_sites_per_rota", "locum_premium_per_night"):
            services[column] = services[column].astype(float)
        object.__setattr__(self, "sites", sites)
        object.__setattr__(self, "services", services)
        object.__setattr__(self, "rotas", rotas.sort_values(["service_id", "site_id"]).reset_index(drop=True))
        object.__setattr__(self, "travel", _with_self_pairs(sites, travel))
        object.__setattr__(self, "bands", bands.sort_values(["category", "min_size"]).reset_index(drop=True))
        object.__setattr__(self, "clinicians", clinicians)

    def members(self) -> pd.DataFrame:
        """One row per clinician: ``clinician_id, name, site_id, service_id`` (numbered when unnamed)."""
        if self.clinicians is not None:
            return self.clinicians[["clinician_id", "name", "site_id", "service_id"]].copy()
        rows = self.rotas.loc[self.rotas.index.repeat(self.rotas["clinicians"]), ["site_id", "service_id"]]
        number = rows.groupby(["site_id", "service_id"]).cumcount() + 1
        rows = rows.assign(
            clinician_id=rows["service_id"] + "-" + rows["site_id"] + "-" + number.astype(str), name=""
        )
        return rows[["clinician_id", "name", "site_id", "service_id"]].reset_index(drop=True)


def _counts_from_named(rotas: pd.DataFrame, clinicians: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """``rotas`` with ``clinicians`` counted from the named table (which must agree with any count)."""
    counts = clinicians.groupby(["site_id", "service_id"]).size().rename("named")
    rotas = rotas.merge(counts, left_on=["site_id", "service_id"], right_index=True, how="left")
    rotas["named"] = rotas["named"].fillna(0).astype(int)
    if "clinicians" in rotas.columns:
        for label in rotas.index[rotas["clinicians"] != rotas["named"]]:
            r = rotas.loc[label]
            message = (
                f"{count(r['clinicians'], 'clinician')} at {r['site_id']} for {r['service_id']}, "
                f"the clinicians table names {r['named']}"
            )
            problems.append(InputProblem("rotas", message, _row(rotas, label), "clinicians"))
    rotas["clinicians"] = rotas.pop("named")
    orphan = clinicians.merge(rotas[["site_id", "service_id"]], how="left", indicator=True)
    for label in orphan.index[orphan["_merge"] == "left_only"]:
        r = orphan.loc[label]
        message = f"clinician {r['clinician_id']} is on {r['service_id']} at {r['site_id']}, not in rotas"
        problems.append(InputProblem("clinicians", message, _row(orphan, label), "service_id"))
    _duplicates(clinicians, ["clinician_id"], "clinicians", problems)
    return rotas


def _with_self_pairs(sites: pd.DataFrame, travel: pd.DataFrame) -> pd.DataFrame:
    """``travel`` plus a 0-minute row from each site to itself where none is given."""
    ids = sites["site_id"]
    selfs = pd.DataFrame({"from_site": ids, "to_site": ids, "minutes": 0.0})
    out = pd.concat([travel[["from_site", "to_site", "minutes"]], selfs], ignore_index=True)
    out["minutes"] = out["minutes"].astype(float)
    return out.drop_duplicates(["from_site", "to_site"], ignore_index=True)


def _check_references(
    sites: pd.DataFrame,
    services: pd.DataFrame,
    rotas: pd.DataFrame,
    travel: pd.DataFrame,
    problems: Problems,
) -> None:
    site_ids = set(sites["site_id"])
    for table, frame, column in (
        ("rotas", rotas, "site_id"),
        ("rotas", rotas, "current_hub"),
        ("travel", travel, "from_site"),
        ("travel", travel, "to_site"),
    ):
        for label in frame.index[~frame[column].isin(site_ids)]:
            message = f"unknown site {frame.at[label, column]}"
            problems.append(InputProblem(table, message, _row(frame, label), column))
    for label in rotas.index[~rotas["service_id"].isin(set(services["service_id"]))]:
        message = f"unknown service {rotas.at[label, 'service_id']}"
        problems.append(InputProblem("rotas", message, _row(rotas, label), "service_id"))


def _check_services(services: pd.DataFrame, bands: pd.DataFrame, problems: Problems) -> None:
    def add(label: object, message: str, column: str) -> None:
        problems.append(InputProblem("services", message, _row(services, label), column))

    for label, row in services.iterrows():
        k = row["service_id"]
        if row["tier"] not in TIERS:
            add(label, f"service {k}: tier {row['tier']!r} is not one of {', '.join(TIERS)}", "tier")
        if not (row["min_rota_size"] >= 1 and float(row["min_rota_size"]).is_integer()):
            add(label, f"service {k}: min_rota_size must be a whole number >= 1", "min_rota_size")
        if pd.notna(row["max_rota_size"]) and row["max_rota_size"] < row["min_rota_size"]:
            add(label, f"service {k}: max_rota_size {row['max_rota_size']} < min_rota_size", "max_rota_size")
        if pd.notna(row["max_sites_per_rota"]) and row["max_sites_per_rota"] < 1:
            add(label, f"service {k}: max_sites_per_rota must be >= 1", "max_sites_per_rota")
        if row["supplement_category"] not in set(bands["category"]):
            message = f"service {k}: supplement category {row['supplement_category']!r} has no bands"
            add(label, message, "supplement_category")
    for category, group in bands.groupby("category"):
        group = group.sort_values("min_size")
        upper = group["max_size"].fillna(np.inf).to_numpy(float)
        lower = group["min_size"].to_numpy(float)
        expected = np.concatenate([[1.0], upper[:-1] + 1])
        if not (np.array_equal(lower, expected) and math.isinf(upper[-1]) and (upper >= lower).all()):
            message = (
                f"supplement bands of category {category!r} must run 1..a, a+1..b, ..., z..(blank), "
                "without gaps or overlaps"
            )
            problems.append(InputProblem("bands", message, _row(bands, group.index[0]), "min_size"))


def _check_current(rotas: pd.DataFrame, travel: pd.DataFrame, problems: Problems) -> None:
    hub_of = dict(
        zip(zip(rotas["site_id"], rotas["service_id"], strict=True), rotas["current_hub"], strict=True)
    )
    for label, row in rotas.iterrows():
        h, k = row["current_hub"], row["service_id"]
        if hub_of.get((h, k)) != h:
            message = f"today {row['site_id']} is covered for {k} by {h}, which has no rota of its own"
            problems.append(InputProblem("rotas", message, _row(rotas, label), "current_hub"))
    size = rotas.groupby(["current_hub", "service_id"])["clinicians"].sum()
    for (hub, service), members in size.items():
        if members < 1:
            label = rotas.index[(rotas["site_id"] == hub) & (rotas["service_id"] == service)][0]
            message = f"today's {service} rota at {hub} has no clinicians"
            problems.append(InputProblem("rotas", message, _row(rotas, label), "clinicians"))
    known = set(zip(travel["from_site"], travel["to_site"], strict=True))
    for _, row in rotas[rotas["current_hub"] != rotas["site_id"]].iterrows():
        if (row["current_hub"], row["site_id"]) not in known:
            message = f"no travel time from {row['current_hub']} to {row['site_id']}, which it covers today"
            problems.append(InputProblem("travel", message, None, "minutes"))


ATTENDED_CALLS = {
    "attendances_per_night": "calls_per_night",
    "attendances_per_weekend_day": "calls_per_weekend_day",
}
"""Each attendance column and the calls it is part of: an attendance is a call the on-call
clinician goes in for, so a site-service never has more attendances than calls."""


def _check_attendances(rotas: pd.DataFrame, problems: Problems) -> None:
    """No more attendances than calls, a night and a weekend day (:data:`ATTENDED_CALLS`)."""
    for attended, calls in ATTENDED_CALLS.items():
        when = attended.removeprefix("attendances_per_").replace("_", " ")
        for label in rotas.index[rotas[attended].astype(float) > rotas[calls].astype(float) + 1e-9]:
            message = (
                f"{rotas.at[label, attended]:g} attendances a {when}, more than the "
                f"{rotas.at[label, calls]:g} calls ({calls}): an attendance is a call the clinician "
                "goes in for"
            )
            problems.append(InputProblem("rotas", message, _row(rotas, label), attended))


def _check_vacancies(rotas: pd.DataFrame, services: pd.DataFrame, problems: Problems) -> None:
    """Premiums are numbers >= 0 or blank; vacancies need their service's premium to be costed."""
    premium = pd.to_numeric(services["locum_premium_per_night"], errors="coerce")
    for label in services.index[
        (premium < 0) | (premium.isna() & services["locum_premium_per_night"].notna())
    ]:
        message = f"'{services.at[label, 'locum_premium_per_night']}' is not a number >= 0 (or blank)"
        problems.append(InputProblem("services", message, _row(services, label), "locum_premium_per_night"))
    allowed = set(services.loc[premium.notna(), "service_id"])
    for label in rotas.index[(rotas["vacancies"] > 0) & ~rotas["service_id"].isin(allowed)]:
        message = (
            f"{count(rotas.at[label, 'vacancies'], 'vacancy')}, "
            f"but service {rotas.at[label, 'service_id']} has "
            "no locum_premium_per_night to cost the temporary staff who fill them"
        )
        problems.append(InputProblem("rotas", message, _row(rotas, label), "vacancies"))
