"""Input of the cross-trust oncologist cover model: the instance tables and the parameters.

:class:`CoverInstance` holds the facts (trusts, sites, staff, leave, demand, MDTs, locums,
travel, horizon) as pandas tables, checked and typed when it is made; :class:`CoverParameters`
holds every planning figure with its unit and default.  Both are frozen; nothing downstream
writes to them.  Every problem is raised as a ``ValueError`` naming the table, column and
offending ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
ABSENCE_KINDS = ("annual_leave", "study", "sickness", "maternity", "other")

# table -> column -> type ("str", "float", "int", "bool", "date")
COLUMNS: dict[str, dict[str, str]] = {
    "trusts": {"trust_id": "str", "name": "str"},
    "sites": {"site_id": "str", "name": "str", "trust_id": "str", "lat": "float", "lon": "float"},
    "tumour_sites": {"tumour_site_id": "str", "name": "str"},
    "oncologists": {
        "oncologist_id": "str",
        "name": "str",
        "home_site": "str",
        "dcc_pas": "float",
        "max_away_pas": "float",
        "max_sites": "int",
        "cost_per_pa": "float",
    },
    "specialisms": {"oncologist_id": "str", "tumour_site_id": "str"},
    "absences": {
        "oncologist_id": "str",
        "first_day": "date",
        "last_day": "date",
        "kind": "str",
        "share": "float",
    },
    "demand": {"trust_id": "str", "tumour_site_id": "str", "week": "int", "pas": "float"},
    "mdts": {
        "mdt_id": "str",
        "trust_id": "str",
        "tumour_site_id": "str",
        "weekday": "str",
        "quorum": "int",
        "remote_counts": "bool",
    },
    "locums": {"trust_id": "str", "tumour_site_id": "str", "pas_per_week": "float", "cost_per_pa": "float"},
    "travel": {"from_site": "str", "to_site": "str", "minutes": "float", "miles": "float"},
}


@dataclass(frozen=True)
class CoverParameters:
    """Planning figures of the cover model; every one can be changed per run.

    Attributes
    ----------
    cost_per_mile : float
        Pounds per mile driven (default 0.56, the NHS car mileage rate).
    minutes_per_pa : float
        Minutes in one programmed activity (default 240 = 4 hours); converts travel time to PAs.
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
    default_locum_cost_per_pa : float
        Pounds per locum PA where the locums table names no rate (default 700); used by the
        baseline, in which locums fill every gap.
    mode : {"lexicographic", "weighted"}
        Stages solved one after another (default), or one weighted objective.
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
        True; slow on large instances, where the weekly plan is kept when the limit is reached).
    weighted_stage1 : float
        Weighted mode: pounds per stage-1 unit (uncovered PA equivalent; default 10,000).
    weighted_stage3 : float
        Weighted mode: pounds per stage-3 unit (default 10.0).
    """

    cost_per_mile: float = 0.56
    minutes_per_pa: float = 240.0
    travel_pa_step: float = 0.25
    pas_per_trip: float = 2.0
    max_trips_per_site: int = 5
    max_trip_minutes: float = 90.0
    mdt_pas: float = 0.5
    mdt_shortfall_penalty: float = 10.0
    default_locum_cost_per_pa: float = 700.0
    mode: Literal["lexicographic", "weighted"] = "lexicographic"
    stage_rel_tolerance: float = 1e-7
    stage_abs_tolerance: float = 1e-6
    fairness_weight: float = 1.0
    continuity_weight: float = 1.0
    run_stage3: bool = True
    stage3_polish: bool = True
    weighted_stage1: float = 10_000.0
    weighted_stage3: float = 10.0

    def __post_init__(self) -> None:
        positive = ("minutes_per_pa", "pas_per_trip", "mdt_shortfall_penalty", "weighted_stage1")
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"parameter {name} must be positive, got {getattr(self, name)!r}")
        non_negative = (
            "cost_per_mile",
            "travel_pa_step",
            "max_trip_minutes",
            "mdt_pas",
            "default_locum_cost_per_pa",
            "stage_rel_tolerance",
            "stage_abs_tolerance",
            "fairness_weight",
            "continuity_weight",
            "weighted_stage3",
        )
        for name in non_negative:
            value = getattr(self, name)
            if not (isinstance(value, int | float) and np.isfinite(value) and value >= 0):
                raise ValueError(f"parameter {name} must be a finite number >= 0, got {value!r}")
        if not (isinstance(self.max_trips_per_site, int) and self.max_trips_per_site >= 1):
            raise ValueError(
                f"parameter max_trips_per_site must be an integer >= 1, got {self.max_trips_per_site!r}"
            )
        if self.mode not in ("lexicographic", "weighted"):
            raise ValueError(f"parameter mode must be 'lexicographic' or 'weighted', got {self.mode!r}")


@dataclass(frozen=True)
class CoverInstance:
    """The facts of one cover problem, checked and typed on construction.

    Tables (one row per item; extra columns are dropped):

    * ``trusts``: trust_id, name.
    * ``sites``: site_id, name, trust_id, lat, lon (degrees).
    * ``tumour_sites``: tumour_site_id, name (breast, lung, ...).
    * ``oncologists``: oncologist_id, name, home_site, dcc_pas (direct clinical care PAs a
      week for clinics, SACT review and ward, outside the home trust's MDTs), max_away_pas (most
      clinical PAs a week away from the home site), max_sites (most distinct sites a week, the
      home site counted always), cost_per_pa (pounds; reported as the recharge for PAs worked
      for another trust).
    * ``specialisms``: oncologist_id, tumour_site_id (one row per specialism).
    * ``absences``: oncologist_id, first_day, last_day (inclusive dates), kind (annual_leave,
      study, sickness, maternity, other), share (of each working week between the dates that
      is absent, in (0, 1]; 1 = fully absent, 0.5 = e.g. a phased return).
    * ``demand``: trust_id, tumour_site_id, week (1..weeks), pas (clinics, SACT review, ward).
    * ``mdts``: mdt_id, trust_id, tumour_site_id, weekday (Mon..Fri), quorum (oncologists of
      that tumour site needed), remote_counts (remote attendance counts towards quorum).
    * ``locums``: trust_id, tumour_site_id, pas_per_week (available), cost_per_pa (pounds).
    * ``travel``: from_site, to_site, minutes and miles one way; a pair given one way is used
      both ways.  Every (home site, other site) pair must be present.

    ``first_week`` is the Monday the horizon starts; ``weeks`` its length.
    """

    trusts: pd.DataFrame
    sites: pd.DataFrame
    tumour_sites: pd.DataFrame
    oncologists: pd.DataFrame
    specialisms: pd.DataFrame
    absences: pd.DataFrame
    demand: pd.DataFrame
    mdts: pd.DataFrame
    locums: pd.DataFrame
    travel: pd.DataFrame
    first_week: dt.date
    weeks: int
    name: str = "cover"
    description: str = field(default="")

    def __post_init__(self) -> None:
        for table, columns in COLUMNS.items():
            object.__setattr__(self, table, _typed(getattr(self, table), table, columns))
        if isinstance(self.first_week, dt.datetime):
            object.__setattr__(self, "first_week", self.first_week.date())
        if not isinstance(self.first_week, dt.date):
            raise ValueError(f"first_week must be a date, got {self.first_week!r}")
        if self.first_week.weekday() != 0:
            raise ValueError(f"first_week must be a Monday, got {self.first_week} ({self.first_week:%A})")
        if isinstance(self.weeks, bool) or not isinstance(self.weeks, int | np.integer) or self.weeks < 1:
            raise ValueError(f"weeks must be a whole number >= 1, got {self.weeks!r}")
        object.__setattr__(self, "mdts", _normalise_weekdays(self.mdts))
        _check(self)

    def week_start(self, week: int) -> dt.date:
        """Monday of week ``week`` (1-based)."""
        return self.first_week + dt.timedelta(days=7 * (week - 1))


def _typed(frame: pd.DataFrame, table: str, columns: dict[str, str]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"table {table!r} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table {table!r} lacks column(s) {', '.join(repr(c) for c in missing)}")
    out = {}
    for col, kind in columns.items():
        s = frame[col]
        if s.isna().any():
            rows = list(np.flatnonzero(s.isna().to_numpy())[:5])
            raise ValueError(f"table {table!r}, column {col!r}: empty value(s) in row(s) {rows}")
        try:
            if kind == "str":
                out[col] = s.astype(str).to_numpy(dtype=object)
            elif kind == "float":
                out[col] = pd.to_numeric(s).to_numpy(dtype=float)
            elif kind == "int":
                v = pd.to_numeric(s).to_numpy(dtype=float)
                if not np.all(v == np.round(v)):
                    raise ValueError("not whole numbers")
                out[col] = v.astype(np.int64)
            elif kind == "bool":
                out[col] = _to_bool(s)
            else:
                out[col] = pd.to_datetime(s).dt.normalize().to_numpy(dtype="datetime64[D]")
        except (ValueError, TypeError) as err:
            raise ValueError(f"table {table!r}, column {col!r}: expected {kind} values ({err})") from None
        if kind == "float" and not np.all(np.isfinite(out[col])):
            raise ValueError(f"table {table!r}, column {col!r}: values must be finite")
    return pd.DataFrame(out)


def _to_bool(s: pd.Series) -> np.ndarray:
    if s.dtype == bool:
        return s.to_numpy(dtype=bool)
    words = {
        "true": True,
        "yes": True,
        "1": True,
        "y": True,
        "false": False,
        "no": False,
        "0": False,
        "n": False,
    }
    text = s.astype(str).str.strip().str.lower()
    bad = ~text.isin(list(words))
    if bad.any():
        raise ValueError(f"not yes/no: {sorted(set(text[bad]))[:3]}")
    return text.map(words).to_numpy(dtype=bool)


def _normalise_weekdays(mdts: pd.DataFrame) -> pd.DataFrame:
    names = {d.lower(): d for d in WEEKDAYS}
    names.update(
        {
            full: d
            for full, d in zip(
                ("monday", "tuesday", "wednesday", "thursday", "friday"), WEEKDAYS, strict=True
            )
        }
    )
    text = mdts["weekday"].astype(str).str.strip().str.lower()
    bad = ~text.isin(list(names))
    if bad.any():
        raise ValueError(
            f"table 'mdts', column 'weekday': {sorted(set(mdts['weekday'][bad]))[:3]} are not weekdays "
            f"Mon..Fri (MDT(s) {list(mdts['mdt_id'][bad])[:5]})"
        )
    out = mdts.copy()
    out["weekday"] = text.map(names).to_numpy(dtype=object)
    return out


def _unique(frame: pd.DataFrame, table: str, key: list[str]) -> None:
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        rows = frame.loc[dup, key].drop_duplicates().head(5).to_numpy().tolist()
        raise ValueError(f"table {table!r}: duplicate {'/'.join(key)} {rows}")


def _refs(frame: pd.DataFrame, table: str, col: str, known: pd.Series, target: str) -> None:
    bad = ~frame[col].isin(set(known))
    if bad.any():
        raise ValueError(
            f"table {table!r}, column {col!r}: unknown {target} {sorted(set(frame.loc[bad, col]))[:5]}"
        )


def _range(
    frame: pd.DataFrame, table: str, col: str, ok: np.ndarray, rule: str, id_col: str | None = None
) -> None:
    if not np.all(ok):
        bad = ~np.asarray(ok)
        who = list(frame.loc[bad, id_col])[:5] if id_col else list(np.flatnonzero(bad)[:5])
        raise ValueError(f"table {table!r}, column {col!r} must be {rule}; offending: {who}")


def _check(inst: CoverInstance) -> None:
    """Uniqueness, references, ranges and travel completeness; raise ValueError on the first problem."""
    _unique(inst.trusts, "trusts", ["trust_id"])
    _unique(inst.sites, "sites", ["site_id"])
    _unique(inst.tumour_sites, "tumour_sites", ["tumour_site_id"])
    _unique(inst.oncologists, "oncologists", ["oncologist_id"])
    _unique(inst.specialisms, "specialisms", ["oncologist_id", "tumour_site_id"])
    _unique(inst.demand, "demand", ["trust_id", "tumour_site_id", "week"])
    _unique(inst.mdts, "mdts", ["mdt_id"])
    _unique(inst.locums, "locums", ["trust_id", "tumour_site_id"])
    _unique(inst.travel, "travel", ["from_site", "to_site"])
    trusts, sites, tumours = (
        inst.trusts["trust_id"],
        inst.sites["site_id"],
        inst.tumour_sites["tumour_site_id"],
    )
    onc = inst.oncologists["oncologist_id"]
    _refs(inst.sites, "sites", "trust_id", trusts, "trust(s)")
    _refs(inst.oncologists, "oncologists", "home_site", sites, "site(s)")
    _refs(inst.specialisms, "specialisms", "oncologist_id", onc, "oncologist(s)")
    _refs(inst.specialisms, "specialisms", "tumour_site_id", tumours, "tumour site(s)")
    _refs(inst.absences, "absences", "oncologist_id", onc, "oncologist(s)")
    for table in ("demand", "mdts", "locums"):
        _refs(getattr(inst, table), table, "trust_id", trusts, "trust(s)")
        _refs(getattr(inst, table), table, "tumour_site_id", tumours, "tumour site(s)")
    _refs(inst.travel, "travel", "from_site", sites, "site(s)")
    _refs(inst.travel, "travel", "to_site", sites, "site(s)")

    s = inst.sites
    _range(s, "sites", "lat", (s["lat"] >= -90) & (s["lat"] <= 90), "a latitude in [-90, 90]", "site_id")
    _range(s, "sites", "lon", (s["lon"] >= -180) & (s["lon"] <= 180), "a longitude in [-180, 180]", "site_id")
    o = inst.oncologists
    _range(
        o,
        "oncologists",
        "dcc_pas",
        (o["dcc_pas"] >= 0) & (o["dcc_pas"] <= 20),
        "in [0, 20] PAs",
        "oncologist_id",
    )
    _range(o, "oncologists", "max_away_pas", o["max_away_pas"] >= 0, ">= 0", "oncologist_id")
    _range(o, "oncologists", "max_sites", o["max_sites"] >= 1, ">= 1", "oncologist_id")
    _range(o, "oncologists", "cost_per_pa", o["cost_per_pa"] >= 0, ">= 0", "oncologist_id")
    no_spec = ~o["oncologist_id"].isin(set(inst.specialisms["oncologist_id"]))
    if no_spec.any():
        raise ValueError(
            f"oncologist(s) {list(o.loc[no_spec, 'oncologist_id'])[:5]} have no tumour-site specialism"
        )
    a = inst.absences
    _range(a, "absences", "share", (a["share"] > 0) & (a["share"] <= 1), "in (0, 1]", "oncologist_id")
    _range(
        a, "absences", "last_day", a["last_day"] >= a["first_day"], "on or after first_day", "oncologist_id"
    )
    bad_kind = ~a["kind"].isin(ABSENCE_KINDS)
    if bad_kind.any():
        raise ValueError(
            f"table 'absences', column 'kind': {sorted(set(a.loc[bad_kind, 'kind']))[:3]} not one of "
            f"{', '.join(ABSENCE_KINDS)}"
        )
    d = inst.demand
    _range(d, "demand", "pas", d["pas"] >= 0, ">= 0")
    _range(d, "demand", "week", (d["week"] >= 1) & (d["week"] <= inst.weeks), f"a week in 1..{inst.weeks}")
    m = inst.mdts
    _range(m, "mdts", "quorum", m["quorum"] >= 1, ">= 1", "mdt_id")
    loc = inst.locums
    _range(loc, "locums", "pas_per_week", loc["pas_per_week"] >= 0, ">= 0")
    _range(loc, "locums", "cost_per_pa", loc["cost_per_pa"] >= 0, ">= 0")
    t = inst.travel
    _range(t, "travel", "minutes", t["minutes"] >= 0, ">= 0")
    _range(t, "travel", "miles", t["miles"] >= 0, ">= 0")
    _check_travel_pairs(inst)


def _check_travel_pairs(inst: CoverInstance) -> None:
    given = set(zip(inst.travel["from_site"], inst.travel["to_site"], strict=True))
    homes = sorted(set(inst.oncologists["home_site"]))
    missing = [
        (h, s)
        for h in homes
        for s in inst.sites["site_id"]
        if s != h and (h, s) not in given and (s, h) not in given
    ]
    if missing:
        raise ValueError(
            f"table 'travel': no journey given between home site and site for {len(missing)} pair(s), "
            f"e.g. {missing[:5]}"
        )
