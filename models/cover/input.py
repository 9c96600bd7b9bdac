"""Input of the cross-trust oncologist cover model: the instance tables.

:class:`CoverInstance` holds the facts (trusts, sites, staff, leave, demand, MDTs, locums,
travel, holidays, horizon) as pandas tables, checked and typed when it is made;
:class:`~models.cover.parameters.CoverParameters` holds every planning figure.  Both are
frozen; nothing downstream writes to them.  Every problem is raised as a
:class:`~models.common.contract.ModelInputError` whose problems name the table, the row
(1 = first data row), the column and the offending ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.common.calendar import bank_holidays
from models.common.contract import InputProblem, ModelInputError
from models.common.weekdays import SPELLINGS, weekday
from models.cover.parameters import CoverParameters

__all__ = ["ABSENCE_KINDS", "COLUMNS", "WEEKDAYS", "CoverInstance", "CoverParameters"]

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
    "holidays": {"date": "date", "name": "str", "closed": "bool"},
}


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
    * ``holidays`` (optional): date, name, closed -- changes to the England bank holidays of
      :func:`models.common.calendar.bank_holidays`, for every trust: ``closed`` yes adds a
      local holiday (no clinics, no MDTs), no removes a bank holiday the service works as a
      normal day.

    ``first_week`` is the Monday the horizon starts; ``weeks`` its length.  A holiday on a
    working day holds no MDT meeting and (with ``holiday_pro_rata``) scales that week's
    demand and capacity by the working days left.
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
    holidays: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(COLUMNS["holidays"])))

    def __post_init__(self) -> None:
        for table, columns in COLUMNS.items():
            object.__setattr__(self, table, _typed(getattr(self, table), table, columns))
        if isinstance(self.first_week, dt.datetime):
            object.__setattr__(self, "first_week", self.first_week.date())
        if not isinstance(self.first_week, dt.date):
            _fail("parameters", f"first_week must be a date, got {self.first_week!r}", column="first_week")
        if self.first_week.weekday() != 0:
            _fail(
                "parameters",
                f"first_week must be a Monday, got {self.first_week} ({self.first_week:%A})",
                column="first_week",
            )
        if isinstance(self.weeks, bool) or not isinstance(self.weeks, int | np.integer) or self.weeks < 1:
            _fail("parameters", f"weeks must be a whole number >= 1, got {self.weeks!r}", column="weeks")
        object.__setattr__(self, "mdts", _normalise_weekdays(self.mdts))
        _check(self)

    @property
    def last_day(self) -> dt.date:
        """The Sunday the horizon ends."""
        return self.first_week + dt.timedelta(days=7 * self.weeks - 1)

    def holiday_dates(self) -> dict[dt.date, str]:
        """Holidays in the horizon, by date with their names: bank holidays, as the table changes them."""
        h = self.holidays
        days = pd.to_datetime(h["date"]).dt.date
        closed = h["closed"].to_numpy(bool)
        return bank_holidays(
            self.first_week, self.last_day, add=list(days[closed]), remove=list(days[~closed])
        )

    def week_start(self, week: int) -> dt.date:
        """Monday of week ``week`` (1-based)."""
        return self.first_week + dt.timedelta(days=7 * (week - 1))


def _typed(frame: pd.DataFrame, table: str, columns: dict[str, str]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        _fail(table, f"table {table!r} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        _fail(
            table, f"table {table!r} lacks column(s) {', '.join(repr(c) for c in missing)}", column=missing[0]
        )
    out = {}
    for col, kind in columns.items():
        s = frame[col]
        if s.isna().any():
            rows = [int(r) + 1 for r in np.flatnonzero(s.isna().to_numpy())[:5]]
            _fail(table, f"{col!r}: empty value(s) in row(s) {rows}", rows[0], col)
        try:
            if kind == "str":
                out[col] = s.astype(str).to_numpy(dtype=object)
            elif kind == "float":
                out[col] = pd.to_numeric(s).to_numpy(dtype=float)
            elif kind == "int":
                v = pd.to_numeric(s).to_numpy(dtype=float)
                if not np.all(v == np.round(v)):
                    raise ValueError("not whole numbers")  # caught below: reported as expected int
                out[col] = v.astype(np.int64)
            elif kind == "bool":
                out[col] = _to_bool(s)
            else:
                out[col] = pd.to_datetime(s).dt.normalize().to_numpy(dtype="datetime64[D]")
        except (ValueError, TypeError) as err:
            _fail(table, f"{col!r}: expected {kind} values ({err})", column=col)
        if kind == "float" and not np.all(np.isfinite(out[col])):
            row = int(np.flatnonzero(~np.isfinite(out[col]))[0]) + 1
            _fail(table, f"{col!r}: values must be finite", row, col)
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
        raise ValueError(f"not yes/no: {sorted(set(text[bad]))[:3]}")  # caught in _typed
    return text.map(words).to_numpy(dtype=bool)


def _normalise_weekdays(mdts: pd.DataFrame) -> pd.DataFrame:
    days = mdts["weekday"].map(weekday)
    bad = ~days.isin(WEEKDAYS)
    if bad.any():
        _fail(
            "mdts",
            f"'weekday': {sorted(set(mdts['weekday'][bad].astype(str)))[:3]} are not weekdays "
            f"Mon..Fri, {SPELLINGS} (MDT(s) {list(mdts['mdt_id'][bad])[:5]})",
            _first(bad),
            "weekday",
        )
    out = mdts.copy()
    out["weekday"] = days.to_numpy(dtype=object)
    return out


def _unique(frame: pd.DataFrame, table: str, key: list[str]) -> None:
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        rows = frame.loc[dup, key].drop_duplicates().head(5).to_numpy().tolist()
        later = frame.duplicated(key).to_numpy()
        _fail(table, f"duplicate {'/'.join(key)} {rows}", _first(later), key[-1])


def _refs(frame: pd.DataFrame, table: str, col: str, known: pd.Series, target: str) -> None:
    bad = ~frame[col].isin(set(known))
    if bad.any():
        _fail(table, f"{col!r}: unknown {target} {sorted(set(frame.loc[bad, col]))[:5]}", _first(bad), col)


def _range(
    frame: pd.DataFrame, table: str, col: str, ok: np.ndarray, rule: str, id_col: str | None = None
) -> None:
    if not np.all(ok):
        bad = ~np.asarray(ok)
        who = list(frame.loc[bad, id_col])[:5] if id_col else list(np.flatnonzero(bad)[:5])
        _fail(table, f"{col!r} must be {rule}; offending: {who}", _first(bad), col)


def _check(inst: CoverInstance) -> None:
    """Uniqueness, references, ranges and travel completeness; ModelInputError on the first problem."""
    _unique(inst.trusts, "trusts", ["trust_id"])
    _unique(inst.sites, "sites", ["site_id"])
    _unique(inst.tumour_sites, "tumour_sites", ["tumour_site_id"])
    _unique(inst.oncologists, "oncologists", ["oncologist_id"])
    _unique(inst.specialisms, "specialisms", ["oncologist_id", "tumour_site_id"])
    _unique(inst.demand, "demand", ["trust_id", "tumour_site_id", "week"])
    _unique(inst.mdts, "mdts", ["mdt_id"])
    _unique(inst.locums, "locums", ["trust_id", "tumour_site_id"])
    _unique(inst.travel, "travel", ["from_site", "to_site"])
    _unique(inst.holidays, "holidays", ["date"])
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
        _fail(
            "oncologists",
            f"oncologist(s) {list(o.loc[no_spec, 'oncologist_id'])[:5]} have no tumour-site specialism",
            _first(no_spec),
            "oncologist_id",
        )
    a = inst.absences
    _range(a, "absences", "share", (a["share"] > 0) & (a["share"] <= 1), "in (0, 1]", "oncologist_id")
    _range(
        a, "absences", "last_day", a["last_day"] >= a["first_day"], "on or after first_day", "oncologist_id"
    )
    bad_kind = ~a["kind"].isin(ABSENCE_KINDS)
    if bad_kind.any():
        _fail(
            "absences",
            f"'kind': {sorted(set(a.loc[bad_kind, 'kind']))[:3]} not one of {', '.join(ABSENCE_KINDS)}",
            _first(bad_kind),
            "kind",
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
        _fail(
            "travel",
            f"no journey given between home site and site for {len(missing)} pair(s), e.g. {missing[:5]}",
        )


def _first(mask: np.ndarray | pd.Series) -> int:
    """The first offending row, 1 = first data row."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def _fail(table: str, message: str, row: int | None = None, column: str | None = None) -> None:
    raise ModelInputError(InputProblem(table, message, row, column))
