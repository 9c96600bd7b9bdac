"""Index sets and data of the cover model as arrays, shared by the pyomo and vectorised builders.

:func:`prepare` turns a :class:`~models.cover.input.CoverInstance` into integer-coded tables (one
row per variable or constraint group) with pandas joins and numpy broadcasting, never a Python
loop per variable.  Positions, not ids, are used throughout; the ``*_ids`` arrays map back.
What no plan can achieve is named before solving by :func:`models.cover.diagnose.diagnose`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from models.cover.input import WEEKDAYS, CoverInstance, CoverParameters

EPS = 1e-9


@dataclass(frozen=True)
class CoverIndex:
    """Arrays of one cover model (O oncologists, S sites, K trusts, U tumour sites, W weeks).

    Tables (each row is one variable, or one row of a constraint family):

    * ``dem``: k, u, w, pas, locum_ub, locum_cost -- demand rows; variables l and g.
    * ``x``: o, s, u, w, k, dr (its ``dem`` row), away, ub (upper bound, in steps of ``pa_step``
      PAs), vr (its ``v`` row, -1 at home), cr (its ``c`` row) -- allocations in those steps.
    * ``v``: o, s, w, k, trip_pas, trip_cost, miles, hours -- away visits; variables y (visited)
      and z (trips).
    * ``mw``: m, k, u, w, quorum, remote, day, date -- one row per MDT meeting.
    * ``a``: o, mw, w, k, day, visit (attendance needs a visit to the trust that week), pas
      (capacity it takes: 0 at the home trust, ``mdt_pas`` elsewhere).
    * ``c``: o, k, u -- oncologist covers trust k, tumour site u at least once.
    """

    onc_ids: np.ndarray
    site_ids: np.ndarray
    trust_ids: np.ndarray
    tumour_ids: np.ndarray
    mdt_ids: np.ndarray
    site_trust: np.ndarray
    onc_home: np.ndarray
    onc_home_trust: np.ndarray
    max_away: np.ndarray
    max_sites: np.ndarray
    week_start: np.ndarray
    absent_share: np.ndarray  # (O, W)
    capacity: np.ndarray  # (O, W) PAs net of absence
    trip_minutes: np.ndarray  # (O, S) one way from home site
    trip_miles: np.ndarray  # (O, S) one way from home site
    dem: pd.DataFrame
    x: pd.DataFrame
    v: pd.DataFrame
    mw: pd.DataFrame
    a: pd.DataFrame
    c: pd.DataFrame
    home_only: bool
    pa_step: float  # PAs of one step of an allocation (CoverParameters.pa_step)
    burden_offset: np.ndarray | None = None  # (O,) away burden already committed (rolling stage 3)
    pair_used: np.ndarray | None = None  # per ``c`` row: pair already used earlier (rolling stage 3)

    @property
    def num_weeks(self) -> int:
        return len(self.week_start)

    @property
    def offset(self) -> np.ndarray:
        """Away burden already committed per oncologist (zeros unless rolling stage 3)."""
        return np.zeros(len(self.onc_ids)) if self.burden_offset is None else self.burden_offset

    def stage_costs(self, params: CoverParameters) -> dict[int, dict[str, np.ndarray]]:
        """Objective coefficients per stage and variable family (x in steps of ``pa_step`` has none).

        Stage 1 (PA equivalents): g + penalty * short.  Stage 2 (pounds): locum + travel.
        Stage 3: fairness weight * F + continuity weight * sum c (pairs already used cost nothing).
        """
        cont = np.full(len(self.c), params.continuity_weight)
        if self.pair_used is not None:
            cont = np.where(self.pair_used, 0.0, cont)
        return {
            1: {"g": np.ones(len(self.dem)), "short": np.full(len(self.mw), params.mdt_shortfall_penalty)},
            2: {"l": self.dem["locum_cost"].to_numpy(float), "z": self.v["trip_cost"].to_numpy(float)},
            3: {"F": np.array([params.fairness_weight]), "c": cont},
        }


def open_days(inst: CoverInstance) -> np.ndarray:
    """(W, 5) bool: working days that are not holidays (:meth:`CoverInstance.holiday_dates`)."""
    days = np.datetime64(inst.first_week, "D") + (7 * np.arange(inst.weeks)[:, None] + np.arange(5)[None, :])
    holidays = np.array(sorted(inst.holiday_dates()), dtype="datetime64[D]")
    return ~np.isin(days, holidays)


def week_scale(inst: CoverInstance, params: CoverParameters) -> np.ndarray:
    """(W,) share of a normal week's demand and capacity: open working days / 5 with ``holiday_pro_rata``."""
    if not params.holiday_pro_rata:
        return np.ones(inst.weeks)
    return open_days(inst).sum(axis=1) / 5.0


def weekly_absence(inst: CoverInstance) -> tuple[np.ndarray, np.ndarray]:
    """Share of each week's open working days absent, (O, W), and absence or holiday per day, (O, W, 5).

    A week's share is ``min(1, sum over absences of share * open days covered / open days)``;
    a holiday is never an absence (nobody works it).
    """
    onc = inst.oncologists["oncologist_id"].to_numpy()
    n_o, n_w = len(onc), inst.weeks
    days = np.datetime64(inst.first_week, "D") + (7 * np.arange(n_w)[:, None] + np.arange(5)[None, :])
    is_open = open_days(inst)
    n_open = np.maximum(is_open.sum(axis=1), 1)
    ab = inst.absences
    pos = pd.Index(onc).get_indexer(ab["oncologist_id"])
    first = ab["first_day"].to_numpy("datetime64[D]")[:, None, None]
    last = ab["last_day"].to_numpy("datetime64[D]")[:, None, None]
    covered = (days[None] >= first) & (days[None] <= last) & is_open[None]  # (A, W, 5)
    share = np.zeros((n_o, n_w))
    np.add.at(share, pos, ab["share"].to_numpy(float)[:, None] * covered.sum(axis=2) / n_open[None, :])
    blocked = np.zeros((n_o, n_w, 5), dtype=bool)
    np.logical_or.at(blocked, pos, covered)
    blocked |= ~is_open[None]
    return np.minimum(np.round(share, 9), 1.0), blocked


def travel_matrices(inst: CoverInstance) -> tuple[np.ndarray, np.ndarray]:
    """One-way minutes and miles between every pair of sites, (S, S); NaN where not given."""
    sites = pd.Index(inst.sites["site_id"])
    n = len(sites)
    minutes, miles = np.full((n, n), np.nan), np.full((n, n), np.nan)
    t = inst.travel
    i, j = sites.get_indexer(t["from_site"]), sites.get_indexer(t["to_site"])
    for a, b in ((j, i), (i, j)):  # the direction given wins over the reverse
        minutes[a, b] = t["minutes"].to_numpy(float)
        miles[a, b] = t["miles"].to_numpy(float)
    np.fill_diagonal(minutes, 0.0)
    np.fill_diagonal(miles, 0.0)
    return minutes, miles


def prepare(
    inst: CoverInstance,
    params: CoverParameters,
    *,
    home_only: bool = False,
) -> CoverIndex:
    """Build every index table of the model; ``home_only`` (nobody travels) gives the baseline."""
    onc_ids = inst.oncologists["oncologist_id"].to_numpy()
    site_ids = inst.sites["site_id"].to_numpy()
    trust_ids = inst.trusts["trust_id"].to_numpy()
    tumour_ids = inst.tumour_sites["tumour_site_id"].to_numpy()
    mdt_ids = inst.mdts["mdt_id"].to_numpy()
    site_ix, trust_ix, tum_ix, onc_ix = (pd.Index(v) for v in (site_ids, trust_ids, tumour_ids, onc_ids))
    site_trust = trust_ix.get_indexer(inst.sites["trust_id"])
    o_tab = inst.oncologists
    home = site_ix.get_indexer(o_tab["home_site"])
    home_trust = site_trust[home]

    share, blocked = weekly_absence(inst)
    scale = week_scale(inst, params)
    capacity = np.round(o_tab["dcc_pas"].to_numpy(float)[:, None] * scale[None, :] * (1.0 - share), 9)
    minutes, miles = travel_matrices(inst)
    trip_minutes, trip_miles = minutes[home], miles[home]  # (O, S)
    reach = _reach(params, trip_minutes, site_trust, home, home_trust, home_only)

    dem = _demand_rows(inst, trust_ix, tum_ix, scale, params.pa_step)
    mw = _mdt_rows(inst, trust_ix, tum_ix)
    spec = pd.DataFrame(
        {
            "o": onc_ix.get_indexer(inst.specialisms["oncologist_id"]),
            "u": tum_ix.get_indexer(inst.specialisms["tumour_site_id"]),
        }
    )
    x = _allocation_rows(o_tab, spec, reach, site_trust, home, capacity, dem, params.pa_step)
    cand = _attendance(mw, spec, capacity, blocked, home_trust)
    v = _visit_rows(params, x, cand, reach, site_trust, trip_minutes, trip_miles)
    x["vr"] = -1
    x.loc[x["away"], "vr"] = _row_of(x[x["away"]], v, ["o", "s", "w"])
    c = x[["o", "k", "u"]].drop_duplicates().sort_values(["o", "k", "u"]).reset_index(drop=True)
    x["cr"] = _row_of(x, c, ["o", "k", "u"])
    return CoverIndex(
        onc_ids=onc_ids,
        site_ids=site_ids,
        trust_ids=trust_ids,
        tumour_ids=tumour_ids,
        mdt_ids=mdt_ids,
        site_trust=site_trust,
        onc_home=home,
        onc_home_trust=home_trust,
        max_away=o_tab["max_away_pas"].to_numpy(float),
        max_sites=o_tab["max_sites"].to_numpy(np.int64),
        week_start=np.datetime64(inst.first_week, "D") + 7 * np.arange(inst.weeks),
        absent_share=share,
        capacity=capacity,
        trip_minutes=trip_minutes,
        trip_miles=trip_miles,
        dem=dem,
        x=x,
        v=v,
        mw=mw,
        a=_attendance_rows(params, cand, v, home_trust),
        c=c,
        home_only=home_only,
        pa_step=params.pa_step,
    )


def _reach(
    params: CoverParameters,
    trip_minutes: np.ndarray,
    site_trust: np.ndarray,
    home: np.ndarray,
    home_trust: np.ndarray,
    home_only: bool,
) -> np.ndarray:
    """(O, S) bool: sites each oncologist may work at (clinic sites within ``max_trip_minutes``)."""
    reach = _clinic_sites(trip_minutes, site_trust, home, home_trust)
    reach &= trip_minutes <= params.max_trip_minutes + EPS
    if home_only:
        reach[:] = False
    reach[np.arange(len(home)), home] = True
    return reach


def _allocation_rows(
    o_tab: pd.DataFrame,
    spec: pd.DataFrame,
    reach: np.ndarray,
    site_trust: np.ndarray,
    home: np.ndarray,
    capacity: np.ndarray,
    dem: pd.DataFrame,
    step: float,
) -> pd.DataFrame:
    """The ``x`` rows (without vr, cr): specialist, reachable site, demand, upper bound in steps
    of ``step`` PAs."""
    ro, rs = np.nonzero(reach)
    arcs = spec.merge(pd.DataFrame({"o": ro, "s": rs}), on="o")
    arcs["k"] = site_trust[arcs["s"].to_numpy()]
    x = arcs.merge(dem[["k", "u", "w", "pas"]].assign(dr=np.arange(len(dem))), on=["k", "u"])
    o = x["o"].to_numpy()
    away = x["s"].to_numpy() != home[o]
    limit = np.minimum(capacity[o, x["w"].to_numpy()], x["pas"].to_numpy(float))
    limit = np.where(away, np.minimum(limit, o_tab["max_away_pas"].to_numpy(float)[o]), limit)
    x["away"] = away
    x["ub"] = np.floor(limit / step + EPS)
    return (
        x[x["ub"] > 0]
        .drop(columns="pas")
        .sort_values(["o", "w", "s", "u"], kind="stable")
        .reset_index(drop=True)
    )


def _visit_rows(
    params: CoverParameters,
    x: pd.DataFrame,
    cand: pd.DataFrame,
    reach: np.ndarray,
    site_trust: np.ndarray,
    trip_minutes: np.ndarray,
    trip_miles: np.ndarray,
) -> pd.DataFrame:
    """The ``v`` rows: wherever an away arc exists or a specialist could attend an MDT in person."""
    ro, rs = np.nonzero(reach)
    clinic = pd.DataFrame({"o": ro, "s": rs, "k": site_trust[rs]})
    for_mdt = cand.loc[cand["visit"], ["o", "w", "k"]].drop_duplicates().merge(clinic, on=["o", "k"])
    v = pd.concat([x.loc[x["away"], ["o", "s", "w", "k"]], for_mdt[["o", "s", "w", "k"]]], ignore_index=True)
    v = v.drop_duplicates(["o", "s", "w"]).sort_values(["o", "w", "s"]).reset_index(drop=True)
    vo, vs = v["o"].to_numpy(), v["s"].to_numpy()
    step = params.travel_pa_step
    trip_pas = 2.0 * trip_minutes[vo, vs] / params.minutes_per_pa
    v["trip_pas"] = np.ceil(trip_pas / step - 1e-9) * step if step > 0 else trip_pas
    v["trip_cost"] = params.trip_cost(trip_miles[vo, vs])
    v["miles"] = params.trip_miles(trip_miles[vo, vs])
    v["hours"] = params.trip_hours(trip_minutes[vo, vs])
    return v


def _attendance_rows(
    params: CoverParameters, cand: pd.DataFrame, v: pd.DataFrame, home_trust: np.ndarray
) -> pd.DataFrame:
    """The ``a`` rows: candidates who need no visit or have a visit row; ``mdt_pas`` away from home."""
    can = v[["o", "w", "k"]].drop_duplicates().assign(_can=1)
    a = cand.merge(can, on=["o", "w", "k"], how="left")
    a = a[~a["visit"].to_numpy() | a["_can"].notna().to_numpy()].drop(columns="_can").reset_index(drop=True)
    a["pas"] = np.where(home_trust[a["o"].to_numpy()] == a["k"].to_numpy(), 0.0, params.mdt_pas)
    return a


def week_slice(idx: CoverIndex, week: int) -> tuple[CoverIndex, dict[str, np.ndarray]]:
    """The sub-model of one week (0-based), and the whole-horizon row of each of its variables."""

    def rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        keep = np.flatnonzero(frame["w"].to_numpy() == week)
        new = np.full(len(frame), -1, dtype=np.int64)
        new[keep] = np.arange(len(keep))
        return keep, new

    (dr, dmap), (xr, _), (vr, vmap), (mr, mmap), (ar, _) = (
        rows(f) for f in (idx.dem, idx.x, idx.v, idx.mw, idx.a)
    )
    x = idx.x.iloc[xr].reset_index(drop=True)
    cr = np.unique(x["cr"].to_numpy())
    cmap = np.full(len(idx.c), -1, dtype=np.int64)
    cmap[cr] = np.arange(len(cr))
    old_vr = x["vr"].to_numpy()
    new_vr = np.full(len(x), -1, dtype=np.int64)
    new_vr[old_vr >= 0] = vmap[old_vr[old_vr >= 0]]
    x = x.assign(dr=dmap[x["dr"].to_numpy()], vr=new_vr, cr=cmap[x["cr"].to_numpy()])
    a = idx.a.iloc[ar].reset_index(drop=True)
    part = replace(
        idx,
        dem=idx.dem.iloc[dr].reset_index(drop=True),
        x=x,
        v=idx.v.iloc[vr].reset_index(drop=True),
        mw=idx.mw.iloc[mr].reset_index(drop=True),
        a=a.assign(mw=mmap[a["mw"].to_numpy()]),
        c=idx.c.iloc[cr].reset_index(drop=True),
        burden_offset=None,
        pair_used=None,
    )
    return part, {"n": xr, "y": vr, "z": vr, "l": dr, "g": dr, "a": ar, "short": mr, "c": cr}


def horizon_slice(idx: CoverIndex) -> tuple[CoverIndex, dict[str, np.ndarray]]:
    """The whole horizon as one part, in :func:`week_slice`'s form (each row its own)."""
    frames = {"n": idx.x, "y": idx.v, "z": idx.v, "l": idx.dem, "g": idx.dem, "a": idx.a}
    frames |= {"short": idx.mw, "c": idx.c}
    return idx, {f: np.arange(len(frame)) for f, frame in frames.items()}


def _clinic_sites(
    trip_minutes: np.ndarray, site_trust: np.ndarray, home: np.ndarray, home_trust: np.ndarray
) -> np.ndarray:
    """(O, S) bool: the one site where each oncologist works for each trust.

    Demand is per trust, so an oncologist covers a trust at one site: the home site for the home
    trust, the trust's site nearest the home site for any other trust.
    """
    n_o, n_s = trip_minutes.shape
    out = np.zeros((n_o, n_s), dtype=bool)
    for k in np.unique(site_trust):  # one pass per trust
        cols = np.flatnonzero(site_trust == k)
        out[np.arange(n_o), cols[np.argmin(trip_minutes[:, cols], axis=1)]] = True
    out[home_trust[:, None] == site_trust[None, :]] = False
    out[np.arange(n_o), home] = True
    return out


def _row_of(frame: pd.DataFrame, table: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Row of ``table`` holding each row's ``key`` (every key is present)."""
    lookup = table[key].assign(_row=np.arange(len(table)))
    return frame[key].merge(lookup, on=key, how="left")["_row"].to_numpy(np.int64)


def _demand_rows(
    inst: CoverInstance, trust_ix: pd.Index, tum_ix: pd.Index, scale: np.ndarray, step: float
) -> pd.DataFrame:
    """Demand rows, PAs scaled by the week's ``scale`` to the nearest ``step`` PAs; locums within
    availability."""
    d = inst.demand
    w = d["week"].to_numpy(np.int64) - 1
    pas = np.round(d["pas"].to_numpy(float) * scale[w] / step) * step
    dem = pd.DataFrame(
        {
            "k": trust_ix.get_indexer(d["trust_id"]),
            "u": tum_ix.get_indexer(d["tumour_site_id"]),
            "w": w,
            "pas": pas,
        }
    )[pas > 0]
    loc = pd.DataFrame(
        {
            "k": trust_ix.get_indexer(inst.locums["trust_id"]),
            "u": tum_ix.get_indexer(inst.locums["tumour_site_id"]),
            "avail": inst.locums["pas_per_week"].to_numpy(float),
            "locum_cost": inst.locums["cost_per_pa"].to_numpy(float),
        }
    )
    dem = dem.merge(loc, on=["k", "u"], how="left")
    dem["locum_cost"] = dem["locum_cost"].fillna(0.0)
    dem["locum_ub"] = np.minimum(dem["avail"].fillna(0.0).to_numpy(float), dem["pas"].to_numpy(float))
    return dem.drop(columns="avail").sort_values(["k", "u", "w"]).reset_index(drop=True)


def _mdt_rows(inst: CoverInstance, trust_ix: pd.Index, tum_ix: pd.Index) -> pd.DataFrame:
    """One row per MDT meeting; none on a holiday (:meth:`CoverInstance.holiday_dates`)."""
    m = inst.mdts
    n_m, n_w = len(m), inst.weeks
    day = pd.Index(WEEKDAYS).get_indexer(m["weekday"])
    mm, ww = np.repeat(np.arange(n_m), n_w), np.tile(np.arange(n_w), n_m)
    rows = pd.DataFrame(
        {
            "m": mm,
            "k": trust_ix.get_indexer(m["trust_id"])[mm],
            "u": tum_ix.get_indexer(m["tumour_site_id"])[mm],
            "w": ww,
            "quorum": m["quorum"].to_numpy(np.int64)[mm],
            "remote": m["remote_counts"].to_numpy(bool)[mm],
            "day": day[mm],
            "date": np.datetime64(inst.first_week, "D") + 7 * ww + day[mm],
        }
    )
    return rows[open_days(inst)[ww, day[mm]]].reset_index(drop=True)


def _attendance(
    mw: pd.DataFrame,
    spec: pd.DataFrame,
    capacity: np.ndarray,
    blocked: np.ndarray,
    home_trust: np.ndarray,
) -> pd.DataFrame:
    """Who may attend each MDT meeting: specialists present that day (``visit``: only in person)."""
    a = mw[["k", "u", "w", "day", "remote"]].assign(mw=np.arange(len(mw))).merge(spec, on="u")
    o, w, day = a["o"].to_numpy(), a["w"].to_numpy(), a["day"].to_numpy()
    present = (capacity[o, w] > EPS) & ~blocked[o, w, day]
    visit = (home_trust[o] != a["k"].to_numpy()) & ~a["remote"].to_numpy()
    cols = ["o", "mw", "w", "k", "day", "visit"]
    return a.assign(visit=visit)[present][cols].sort_values(["mw", "o"]).reset_index(drop=True)
