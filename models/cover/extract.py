"""Reading a solution of the cover model into planners' tables, figures and shortfall messages."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.common.words import count
from models.cover.index import EPS, CoverIndex
from models.cover.input import WEEKDAYS, CoverInstance
from models.cover.parameters import CoverParameters
from models.cover.plan import clean_pas

METRICS = (
    ("locum_cost", "GBP"),
    ("travel_cost", "GBP"),
    ("total_cost", "GBP"),
    ("locum_pas", "PA"),
    ("uncovered_pas", "PA"),
    ("mdt_shortfall", "oncologist-meetings"),
    ("non_quorate_meetings", "meetings"),
    ("travel_miles", "miles"),
    ("travel_hours", "hours"),
    ("away_pas", "PA"),
    ("max_away_burden_pas", "PA"),
    ("cover_pairs", "oncologist x trust x tumour site"),
    ("recharge", "GBP"),
)


def _names(frame: pd.DataFrame, key: str) -> dict[str, str]:
    return dict(zip(frame[key], frame["name"], strict=True))


def plan_tables(
    inst: CoverInstance, params: CoverParameters, idx: CoverIndex, values: dict[str, np.ndarray]
) -> dict[str, pd.DataFrame]:
    """Every table of the plan from solution ``values`` (index-table order, x in steps of ``pa_step``)."""
    oi, si, ti, ui = idx.onc_ids, idx.site_ids, idx.trust_ids, idx.tumour_ids
    onc_name, site_name = _names(inst.oncologists, "oncologist_id"), _names(inst.sites, "site_id")
    tum_name, trust_name = _names(inst.tumour_sites, "tumour_site_id"), _names(inst.trusts, "trust_id")
    ws = idx.week_start
    pas = np.round(values["n"]) * idx.pa_step
    x = idx.x[pas > 0]
    xp = pas[pas > 0]
    rota = pd.DataFrame(
        {
            "oncologist_id": oi[x["o"]],
            "week": x["w"].to_numpy() + 1,
            "week_start": ws[x["w"]],
            "site_id": si[x["s"]],
            "trust_id": ti[x["k"]],
            "tumour_site_id": ui[x["u"]],
            "pas": xp,
            "away": x["away"].to_numpy(bool),
        }
    )
    rota.insert(1, "oncologist", rota["oncologist_id"].map(onc_name))
    rota.insert(5, "site", rota["site_id"].map(site_name))

    trips = np.round(values["z"])
    z = idx.v[trips > 0]
    zt = trips[trips > 0]
    visits = pd.DataFrame(
        {
            "oncologist_id": oi[z["o"]],
            "week": z["w"].to_numpy() + 1,
            "week_start": ws[z["w"]],
            "site_id": si[z["s"]],
            "trust_id": ti[idx.site_trust[z["s"]]],
            "trips": zt.astype(int),
            "travel_pas": np.round(zt * z["trip_pas"].to_numpy(), 6),
            "miles": np.round(zt * z["miles"].to_numpy(), 6),
            "hours": np.round(zt * z["hours"].to_numpy(), 6),
            "travel_cost": np.round(zt * z["trip_cost"].to_numpy(), 6),
        }
    )

    attend = np.round(values["a"]) > 0
    a = idx.a[attend]
    mw = idx.mw
    visiting = set(zip(z["o"], z["w"], idx.site_trust[z["s"]], strict=True))
    mode = np.where(
        idx.onc_home_trust[a["o"]] == a["k"].to_numpy(),
        "home trust",
        np.where([t in visiting for t in zip(a["o"], a["w"], a["k"], strict=True)], "visiting", "remote"),
    )
    attendance = pd.DataFrame(
        {
            "mdt_id": idx.mdt_ids[mw["m"].to_numpy()[a["mw"]]],
            "week": a["w"].to_numpy() + 1,
            "date": mw["date"].to_numpy()[a["mw"]],
            "oncologist_id": oi[a["o"]],
            "mode": mode.astype(object),
        }
    )
    workload = _workload(inst, idx, x, xp, z, zt, a)
    cover = _cover(idx, values, rota, x, xp, trust_name, tum_name)
    mdts = _mdts(idx, a, tum_name)
    travel = _travel(inst, idx, rota, visits)
    return {
        "rota": rota,
        "visits": visits,
        "workload": workload,
        "cover": cover,
        "mdts": mdts,
        "mdt_attendance": attendance,
        "travel": travel,
    }


def _workload(
    inst: CoverInstance,
    idx: CoverIndex,
    x: pd.DataFrame,
    xp: np.ndarray,
    z: pd.DataFrame,
    zt: np.ndarray,
    a: pd.DataFrame,
) -> pd.DataFrame:
    n_o, n_w = len(idx.onc_ids), idx.num_weeks
    flat_x = x["o"].to_numpy() * n_w + x["w"].to_numpy()
    clinical = np.bincount(flat_x, weights=xp, minlength=n_o * n_w)
    away = np.bincount(flat_x, weights=xp * x["away"].to_numpy(), minlength=n_o * n_w)
    travel = np.bincount(
        z["o"].to_numpy() * n_w + z["w"].to_numpy(),
        weights=zt * z["trip_pas"].to_numpy(),
        minlength=n_o * n_w,
    )
    flat_a = a["o"].to_numpy() * n_w + a["w"].to_numpy()
    meetings = np.bincount(flat_a, minlength=n_o * n_w)
    mdt_pas = np.bincount(flat_a, weights=a["pas"].to_numpy(float), minlength=n_o * n_w)
    sites = pd.DataFrame({"k": flat_x, "s": x["s"].to_numpy()}).drop_duplicates()
    n_sites = np.bincount(sites["k"].to_numpy(), minlength=n_o * n_w)
    cap = idx.capacity.ravel()
    used = clinical + travel + mdt_pas  # the home trust's MDTs are outside direct clinical care
    return pd.DataFrame(
        {
            "oncologist_id": np.repeat(idx.onc_ids, n_w),
            "week": np.tile(np.arange(1, n_w + 1), n_o),
            "week_start": np.tile(idx.week_start, n_o),
            "home_site": np.repeat(idx.site_ids[idx.onc_home], n_w),
            "absent_share": idx.absent_share.ravel(),
            "absence": absence_labels(inst).ravel(),
            "capacity_pas": cap,
            "clinical_pas": clinical,
            "away_pas": away,
            "travel_pas": np.round(travel, 6),
            "mdt_meetings": meetings,
            "mdt_pas": np.round(mdt_pas, 6),
            "spare_pas": np.round(cap - used, 6),
            "sites": n_sites,
        }
    )


def absence_labels(inst: CoverInstance) -> np.ndarray:
    """(O, W) text naming the absences touching each oncologist's week, e.g. ``maternity``."""
    onc = pd.Index(inst.oncologists["oncologist_id"])
    out = np.full((len(onc), inst.weeks), "", dtype=object)
    start = np.datetime64(inst.first_week, "D") + 7 * np.arange(inst.weeks)
    for row in inst.absences.itertuples(index=False):  # a few hundred rows at most
        hit = (start <= np.datetime64(row.last_day, "D")) & (start + 4 >= np.datetime64(row.first_day, "D"))
        o = onc.get_loc(row.oncologist_id)
        for w in np.flatnonzero(hit):
            out[o, w] = row.kind if not out[o, w] else f"{out[o, w]}; {row.kind}"
    return out


def _cover(
    idx: CoverIndex,
    values: dict[str, np.ndarray],
    rota: pd.DataFrame,
    x: pd.DataFrame,
    xp: np.ndarray,
    trust_name: dict,
    tum_name: dict,
) -> pd.DataFrame:
    dem = idx.dem
    d = dem["pas"].to_numpy(float)
    covered = np.bincount(x["dr"].to_numpy(), weights=xp, minlength=len(dem))
    locum = np.minimum(clean_pas(values["l"]), np.maximum(d - covered, 0.0))
    gap = np.round(np.maximum(d - covered - locum, 0.0), 4)
    label = rota["oncologist_id"] + " (" + rota["pas"].map("{:g}".format) + ")"
    by = pd.Series(label.to_numpy(), index=x["dr"].to_numpy()).groupby(level=0).agg(", ".join)
    trusts, tumours = idx.trust_ids[dem["k"]], idx.tumour_ids[dem["u"]]
    return pd.DataFrame(
        {
            "trust_id": trusts,
            "trust": [trust_name[t] for t in trusts],
            "tumour_site_id": tumours,
            "tumour_site": [tum_name[t] for t in tumours],
            "week": dem["w"].to_numpy() + 1,
            "week_start": idx.week_start[dem["w"]],
            "demand_pas": d,
            "covered_pas": covered,
            "covered_by": by.reindex(np.arange(len(dem)), fill_value="").to_numpy(dtype=object),
            "locum_pas": locum,
            "locum_cost": np.round(locum * dem["locum_cost"].to_numpy(float), 6),
            "gap_pas": gap,
        }
    )


def _mdts(idx: CoverIndex, a: pd.DataFrame, tum_name: dict) -> pd.DataFrame:
    mw = idx.mw
    attending = np.bincount(a["mw"].to_numpy(), minlength=len(mw))
    who = pd.Series(idx.onc_ids[a["o"]], index=a["mw"].to_numpy()).groupby(level=0).agg(", ".join)
    short = np.maximum(mw["quorum"].to_numpy() - attending, 0)
    tumours = idx.tumour_ids[mw["u"]]
    return pd.DataFrame(
        {
            "mdt_id": idx.mdt_ids[mw["m"]],
            "trust_id": idx.trust_ids[mw["k"]],
            "tumour_site_id": tumours,
            "weekday": np.array(WEEKDAYS, dtype=object)[mw["day"]],
            "week": mw["w"].to_numpy() + 1,
            "date": mw["date"].to_numpy(),
            "quorum": mw["quorum"].to_numpy(),
            "remote_counts": mw["remote"].to_numpy(bool),
            "attending": attending,
            "attendees": who.reindex(np.arange(len(mw)), fill_value="").to_numpy(dtype=object),
            "shortfall": short,
            "quorate": short == 0,
            "missing_specialism": np.where(short > 0, [tum_name[t] for t in tumours], "").astype(object),
        }
    )


def _travel(inst: CoverInstance, idx: CoverIndex, rota: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    onc = pd.Index(idx.onc_ids)
    n_o = len(onc)
    vo = onc.get_indexer(visits["oncologist_id"])
    ro = onc.get_indexer(rota["oncologist_id"])

    def per(pos: np.ndarray, w: np.ndarray) -> np.ndarray:
        return np.round(np.bincount(pos, weights=w, minlength=n_o), 6)

    other = rota["trust_id"].to_numpy() != idx.trust_ids[idx.onc_home_trust[ro]]
    away_pas = per(ro, rota["pas"].to_numpy() * rota["away"].to_numpy())
    travel_pas = per(vo, visits["travel_pas"].to_numpy(float))
    other_pas = per(ro, rota["pas"].to_numpy() * other)
    return pd.DataFrame(
        {
            "oncologist_id": idx.onc_ids,
            "home_site": idx.site_ids[idx.onc_home],
            "trips": per(vo, visits["trips"].to_numpy(float)).astype(int),
            "miles": per(vo, visits["miles"].to_numpy(float)),
            "hours": per(vo, visits["hours"].to_numpy(float)),
            "travel_cost": per(vo, visits["travel_cost"].to_numpy(float)),
            "travel_pas": travel_pas,
            "away_pas": away_pas,
            "away_burden_pas": np.round(away_pas + travel_pas, 6),
            "other_trust_pas": other_pas,
            "recharge": np.round(other_pas * inst.oncologists["cost_per_pa"].to_numpy(float), 6),
        }
    )


def metrics(tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    """The figures of the ``costs`` table for one set of plan tables."""
    cover, visits, mdts, travel, rota = (tables[k] for k in ("cover", "visits", "mdts", "travel", "rota"))
    out = {
        "locum_cost": float(cover["locum_cost"].sum()),
        "travel_cost": float(visits["travel_cost"].sum()),
        "locum_pas": float(cover["locum_pas"].sum()),
        "uncovered_pas": float(cover["gap_pas"].sum()),
        "mdt_shortfall": float(mdts["shortfall"].sum()),
        "non_quorate_meetings": float((~mdts["quorate"]).sum()),
        "travel_miles": float(visits["miles"].sum()),
        "travel_hours": float(visits["hours"].sum()),
        "away_pas": float(rota.loc[rota["away"], "pas"].sum()),
        "max_away_burden_pas": float(travel["away_burden_pas"].max()) if len(travel) else 0.0,
        "cover_pairs": float(len(rota[["oncologist_id", "trust_id", "tumour_site_id"]].drop_duplicates())),
        "recharge": float(travel["recharge"].sum()),
    }
    out["total_cost"] = out["locum_cost"] + out["travel_cost"]
    return {k: round(v, 6) for k, v in out.items()}


def costs_table(plan: dict[str, float], baseline: dict[str, float]) -> pd.DataFrame:
    rows = []
    for name, unit in METRICS:
        p, b = plan.get(name, np.nan), baseline.get(name, np.nan)
        rows.append({"metric": name, "unit": unit, "plan": p, "baseline": b, "change": round(p - b, 6)})
    return pd.DataFrame(rows)


def shortfall_messages(inst: CoverInstance, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every uncovered demand and non-quorate MDT meeting of a plan, in planners' words."""
    tum = _names(inst.tumour_sites, "tumour_site_id")
    trust = _names(inst.trusts, "trust_id")
    whereabouts = _Whereabouts(inst, tables["mdt_attendance"])
    out = []
    for r in tables["mdts"][~tables["mdts"]["quorate"]].itertuples(index=False):
        out.append(
            f"MDT {r.mdt_id} ({tum[r.tumour_site_id]}, {trust[r.trust_id]}, {r.weekday}) in week {r.week} "
            f"({pd.Timestamp(r.date):%Y-%m-%d}) "
            f"is not quorate: {count(r.shortfall, f'{tum[r.tumour_site_id]} oncologist')} "
            f"short of {r.quorum} (attending: {r.attendees or 'nobody'}); "
            f"missing specialism: {r.missing_specialism}"
            f"{whereabouts.of(r.mdt_id, r.tumour_site_id, r.date)}"
        )
    for r in tables["cover"][tables["cover"]["gap_pas"] > EPS].itertuples(index=False):
        out.append(
            f"{r.trust}, {r.tumour_site}, week {r.week}: "
            f"{r.gap_pas:g} of {count(r.demand_pas, 'PA', spec='g')} uncovered"
        )
    return out


class _Whereabouts:
    """Where an MDT's specialists were on its day, for its shortfall message: the attendance,
    whole-day absences and specialisms read once for every short meeting of a plan."""

    def __init__(self, inst: CoverInstance, attendance: pd.DataFrame) -> None:
        self.holders = inst.specialisms.groupby("tumour_site_id")["oncologist_id"].agg(
            lambda o: sorted(set(o))
        )
        self.attendance = attendance.assign(day=pd.to_datetime(attendance["date"]).dt.date)
        a = inst.absences[inst.absences["share"] >= 1]
        self.leave = a.assign(
            first=pd.to_datetime(a["first_day"]).dt.date, last=pd.to_datetime(a["last_day"]).dt.date
        )

    def of(self, mdt_id: str, tumour: str, date: object) -> str:
        """At another MDT (one MDT a day), on leave, or not attending; or that nobody holds the
        specialism."""
        holders = self.holders.get(tumour, [])
        if not holders:
            return "; no oncologist holds this specialism"
        day = pd.Timestamp(date).date()
        attended = self.attendance[self.attendance["day"] == day]
        elsewhere = dict(zip(attended["oncologist_id"], attended["mdt_id"], strict=True))
        away = self.leave[(self.leave["first"] <= day) & (self.leave["last"] >= day)]
        leave = dict(zip(away["oncologist_id"], away["kind"], strict=True))
        said = []
        for o in holders:
            if o in elsewhere and elsewhere[o] != mdt_id:
                said.append(f"{o} at {elsewhere[o]} (one MDT a day)")
            elif o in leave:
                said.append(f"{o} absent ({str(leave[o]).replace('_', ' ')})")
            elif o not in elsewhere:
                said.append(f"{o} not attending")
        return f"; its specialists that day: {', '.join(said)}" if said else ""


def empty_tables(inst: CoverInstance, params: CoverParameters, idx: CoverIndex) -> dict[str, pd.DataFrame]:
    """The plan's tables with their columns and no rows (no plan was found)."""
    zero = {
        "n": np.zeros(len(idx.x)),
        "z": np.zeros(len(idx.v)),
        "a": np.zeros(len(idx.a)),
        "l": np.zeros(len(idx.dem)),
    }
    return {k: v.iloc[0:0] for k, v in plan_tables(inst, params, idx, zero).items()}
