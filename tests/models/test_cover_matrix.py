"""Each constraint function of :mod:`models.cover.matrix`, alone, on a two-oncologist input read row by row.

The input (:mod:`test_oncologist_cover_fixtures`): trusts TA (site A1) and TB (site B1), 30
minutes and 20 miles apart, so a return trip takes 0.25 PA and costs 20 pounds; one week; lung
only.  O1 at A1 (6 PAs, 4 away, 2 sites); O2 at B1 (4 PAs, 1 away, 2 sites).  Demand TA 2 PAs,
TB 3 PAs; one TB locum PA a week at 600 pounds.  MDTs: LUNG-B (TB, Tuesday, quorum 2, in person
only), LUNG-A (TA, Tuesday, quorum 1, remote counts), LUNG-A-WED (TA, Wednesday, quorum 1,
remote counts).

So the arcs, in half-PAs, are n[O1@A1] <= 4 (home, 2 PAs), n[O1@B1] <= 6 (away, 3 PAs),
n[O2@A1] <= 2 (away, O2's 1 PA away) and n[O2@B1] <= 6 (home); visits O1@B1 and O2@A1; O1
must visit TB to attend LUNG-B; O2 attends LUNG-A remotely.  Each test builds one family and
compares its rows, by column name, with the equation of :mod:`models.cover`.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from test_oncologist_cover_fixtures import PARAMS, oncologist, tiny

from models.cover import matrix
from models.cover.index import CoverIndex, prepare
from solvers import MatrixModel

INF = math.inf
MDTS = [
    {"mdt_id": "LUNG-B", "trust_id": "TB", "tumour_site_id": "lung", "weekday": "Tue", "quorum": 2,
     "remote_counts": False},
    {"mdt_id": "LUNG-A", "trust_id": "TA", "tumour_site_id": "lung", "weekday": "Tue", "quorum": 1,
     "remote_counts": True},
    {"mdt_id": "LUNG-A-WED", "trust_id": "TA", "tumour_site_id": "lung", "weekday": "Wed", "quorum": 1,
     "remote_counts": True},
]  # fmt: skip


def index() -> CoverIndex:
    inst = tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1", dcc=4.0, max_away=1.0)],
        [("TA", 1, 2.0), ("TB", 1, 3.0)],
        mdts=MDTS,
        locums=[("TB", 1.0, 600.0)],
    )
    return prepare(inst, PARAMS)


def built(idx: CoverIndex | None = None) -> tuple[MatrixModel, CoverIndex, matrix.Columns]:
    """An empty model with the columns of ``idx`` (default :func:`index`), no constraint yet."""
    idx = idx or index()
    mm = MatrixModel("test")
    col = matrix._variables(mm, idx, PARAMS, idx.stage_costs(PARAMS), {1: 1.0})
    return mm, idx, col


def labels(idx: CoverIndex) -> list[str]:
    """A name per column, in :data:`models.cover.matrix.FAMILIES` order."""
    onc, site, trust, mdt = idx.onc_ids, idx.site_ids, idx.trust_ids, idx.mdt_ids
    x, v, a = idx.x, idx.v, idx.a
    names = {
        "n": [f"n[{onc[o]}@{site[s]}]" for o, s in zip(x["o"], x["s"], strict=True)],
        "y": [f"y[{onc[o]}@{site[s]}]" for o, s in zip(v["o"], v["s"], strict=True)],
        "l": [f"l[{trust[k]}]" for k in idx.dem["k"]],
        "a": [f"a[{onc[o]}:{mdt[idx.mw['m'].iat[m]]}]" for o, m in zip(a["o"], a["mw"], strict=True)],
        "short": [f"short[{mdt[m]}]" for m in idx.mw["m"]],
        "c": [f"c[{onc[o]}:{trust[k]}]" for o, k in zip(idx.c["o"], idx.c["k"], strict=True)],
        "F": ["F"],
    }
    names["z"] = [s.replace("y[", "z[") for s in names["y"]]
    names["g"] = [s.replace("l[", "g[") for s in names["l"]]
    return [name for fam in matrix.FAMILIES for name in names[fam]]


def rows(mm: MatrixModel, idx: CoverIndex, block: str) -> list[tuple[float, dict[str, float], float]]:
    """The rows of constraint block ``block`` as (lower, {column: coefficient}, upper)."""
    dense = mm.matrix().toarray()
    names = labels(idx)
    assert len(names) == mm.num_cols
    b = mm.constraint_blocks[block]
    out = []
    for r in range(b.start, b.start + b.size):
        coef = {names[j]: float(dense[r, j]) for j in np.flatnonzero(dense[r])}
        out.append((float(mm.row_lower[r]), coef, float(mm.row_upper[r])))
    return out


def test_the_tiny_index_has_four_arcs_two_visits_three_meetings() -> None:
    idx = index()
    assert labels(idx)[:4] == ["n[O1@A1]", "n[O1@B1]", "n[O2@A1]", "n[O2@B1]"]
    assert idx.x["ub"].tolist() == [4.0, 6.0, 2.0, 6.0]
    assert idx.x["away"].tolist() == [False, True, True, False]
    assert idx.v["trip_pas"].tolist() == [0.25, 0.25] and idx.v["trip_cost"].tolist() == [20.0, 20.0]
    assert len(idx.mw) == 3 and len(idx.a) == 6
    assert idx.a["visit"].tolist() == [True, False, False, False, False, False]


def test_variables_bounds_and_integrality_with_locums_within_availability() -> None:
    """(8) l <= min(L, d): TA has no locum row (0), TB 1 PA; g <= d; short <= q; z <= T."""
    mm, idx, _ = built()
    names = labels(idx)
    upper = dict(zip(names, mm.col_upper, strict=True))
    assert (upper["l[TA]"], upper["l[TB]"]) == (0.0, 1.0)
    assert (upper["g[TA]"], upper["g[TB]"]) == (2.0, 3.0)
    assert upper["n[O2@A1]"] == 2.0 and upper["z[O1@B1]"] == float(PARAMS.max_trips_per_site)
    assert upper["short[LUNG-B]"] == 2.0 and upper["F"] == INF
    integer = {n for n, i in zip(names, mm.integer, strict=True) if i}
    assert integer == {n for n in names if n[0] in "nyzac" and not n.startswith("short")}
    cost = {n: c for n, c in zip(names, mm.cost, strict=True) if c}
    assert cost == {"g[TA]": 1.0, "g[TB]": 1.0, **{f"short[{m['mdt_id']}]": PARAMS.mdt_shortfall_penalty
                                                       for m in MDTS}}  # fmt: skip


def test_demand_balance() -> None:
    mm, idx, col = built()
    matrix.demand_balance(mm, idx, col)
    assert rows(mm, idx, "demand") == [
        (2.0, {"n[O1@A1]": 0.5, "n[O2@A1]": 0.5, "l[TA]": 1.0, "g[TA]": 1.0}, 2.0),
        (3.0, {"n[O1@B1]": 0.5, "n[O2@B1]": 0.5, "l[TB]": 1.0, "g[TB]": 1.0}, 3.0),
    ]


def test_capacity_counts_clinics_travel_and_other_trusts_mdts() -> None:
    """O1: x home + x away + 0.25 z + 0.5 a(LUNG-B, another trust) <= 6; home-trust MDTs take 0."""
    mm, idx, col = built()
    matrix.capacity(mm, idx, col)
    assert rows(mm, idx, "capacity") == [
        (-INF, {"n[O1@A1]": 0.5, "n[O1@B1]": 0.5, "z[O1@B1]": 0.25, "a[O1:LUNG-B]": 0.5}, 6.0),
        (-INF, {"n[O2@A1]": 0.5, "n[O2@B1]": 0.5, "z[O2@A1]": 0.25, "a[O2:LUNG-A]": 0.5,
                "a[O2:LUNG-A-WED]": 0.5}, 4.0),
    ]  # fmt: skip


def test_away_limit_only_counts_away_arcs() -> None:
    mm, idx, col = built()
    matrix.away_limit(mm, idx, col)
    assert rows(mm, idx, "away_limit") == [
        (-INF, {"n[O1@B1]": 0.5}, 4.0),
        (-INF, {"n[O2@A1]": 0.5}, 1.0),
    ]


def test_trips_cover_pas() -> None:
    """(4) sum_u x - P z <= 0 with P = 2 PAs a trip."""
    mm, idx, col = built()
    matrix.trips_cover_pas(mm, idx, PARAMS, col)
    assert rows(mm, idx, "trips") == [
        (-INF, {"n[O1@B1]": 0.5, "z[O1@B1]": -2.0}, 0.0),
        (-INF, {"n[O2@A1]": 0.5, "z[O2@A1]": -2.0}, 0.0),
    ]


def test_visit_links_arc_with_the_arc_bound_as_big_m() -> None:
    mm, idx, col = built()
    matrix.visit_links_arc(mm, idx, col)
    assert rows(mm, idx, "visit_arc") == [
        (-INF, {"n[O1@B1]": 1.0, "y[O1@B1]": -6.0}, 0.0),
        (-INF, {"n[O2@A1]": 1.0, "y[O2@A1]": -2.0}, 0.0),
    ]


def test_visit_needs_trip_both_ways() -> None:
    """(6) y - z <= 0 (a visit is a trip) and z - T y <= 0 (no trip without a visit), T = 5."""
    mm, idx, col = built()
    matrix.visit_needs_trip(mm, idx, PARAMS, col)
    t = float(PARAMS.max_trips_per_site)
    assert rows(mm, idx, "visit_trip") == [
        (-INF, {"y[O1@B1]": 1.0, "z[O1@B1]": -1.0}, 0.0),
        (-INF, {"y[O2@A1]": 1.0, "z[O2@A1]": -1.0}, 0.0),
        (-INF, {"y[O1@B1]": -t, "z[O1@B1]": 1.0}, 0.0),
        (-INF, {"y[O2@A1]": -t, "z[O2@A1]": 1.0}, 0.0),
    ]


def test_site_limit_leaves_one_site_for_home() -> None:
    mm, idx, col = built()
    matrix.site_limit(mm, idx, col)
    assert rows(mm, idx, "site_limit") == [
        (-INF, {"y[O1@B1]": 1.0}, 1.0),
        (-INF, {"y[O2@A1]": 1.0}, 1.0),
    ]


def test_quorum() -> None:
    mm, idx, col = built()
    matrix.quorum(mm, idx, col)
    assert rows(mm, idx, "quorum") == [
        (2.0, {"a[O1:LUNG-B]": 1.0, "a[O2:LUNG-B]": 1.0, "short[LUNG-B]": 1.0}, INF),
        (1.0, {"a[O1:LUNG-A]": 1.0, "a[O2:LUNG-A]": 1.0, "short[LUNG-A]": 1.0}, INF),
        (1.0, {"a[O1:LUNG-A-WED]": 1.0, "a[O2:LUNG-A-WED]": 1.0, "short[LUNG-A-WED]": 1.0}, INF),
    ]


def test_presence_only_for_in_person_attendance_at_another_trust() -> None:
    """O1 at LUNG-B (TB, in person) needs the visit to B1; remote or home-trust attendance needs none."""
    mm, idx, col = built()
    matrix.presence(mm, idx, col)
    assert rows(mm, idx, "presence") == [(-INF, {"a[O1:LUNG-B]": 1.0, "y[O1@B1]": -1.0}, 0.0)]


def test_one_mdt_a_day_only_where_two_meet_the_same_day() -> None:
    """Tuesday holds LUNG-B and LUNG-A for each oncologist; Wednesday's single meeting needs no row."""
    mm, idx, col = built()
    matrix.one_mdt_a_day(mm, idx, col)
    assert rows(mm, idx, "one_mdt_a_day") == [
        (-INF, {"a[O1:LUNG-B]": 1.0, "a[O1:LUNG-A]": 1.0}, 1.0),
        (-INF, {"a[O2:LUNG-B]": 1.0, "a[O2:LUNG-A]": 1.0}, 1.0),
    ]


def test_away_burden_with_and_without_earlier_weeks() -> None:
    mm, idx, col = built()
    matrix.away_burden(mm, idx, col)
    assert rows(mm, idx, "away_burden") == [
        (-INF, {"n[O1@B1]": 0.5, "z[O1@B1]": 0.25, "F": -1.0}, 0.0),
        (-INF, {"n[O2@A1]": 0.5, "z[O2@A1]": 0.25, "F": -1.0}, 0.0),
    ]
    mm, idx, col = built(replace(index(), burden_offset=np.array([3.5, 0.0])))
    matrix.away_burden(mm, idx, col)
    assert [r[2] for r in rows(mm, idx, "away_burden")] == [-3.5, 0.0]


def test_continuity_big_m_is_the_most_the_arcs_carry() -> None:
    """M = min(c_ow, sum xbar / 2): O1 at TA min(6, 2) = 2, at TB 3; O2 at TA min(4, 1) = 1, at TB 3."""
    mm, idx, col = built()
    matrix.continuity(mm, idx, col)
    assert rows(mm, idx, "continuity") == [
        (-INF, {"n[O1@A1]": 0.5, "c[O1:TA]": -2.0}, 0.0),
        (-INF, {"n[O1@B1]": 0.5, "c[O1:TB]": -3.0}, 0.0),
        (-INF, {"n[O2@A1]": 0.5, "c[O2:TA]": -1.0}, 0.0),
        (-INF, {"n[O2@B1]": 0.5, "c[O2:TB]": -3.0}, 0.0),
    ]


def test_stage_bound_holds_the_stage_two_cost() -> None:
    """(14) f_2 = 600 l[TB] + 20 z per trip <= bound (TA's locum costs nothing: it has none)."""
    mm, idx, col = built()
    matrix.stage_bound(mm, idx.stage_costs(PARAMS)[2], col, 2, 640.0)
    assert rows(mm, idx, "stage2_bound") == [
        (-INF, {"l[TB]": 600.0, "z[O1@B1]": 20.0, "z[O2@A1]": 20.0}, 640.0)
    ]


def test_build_matrix_has_every_family_once() -> None:
    mm = matrix.build_matrix(index(), PARAMS, {1: 1.0}, fixed=[(1, 0.0)])
    sizes = {name: b.size for name, b in mm.constraint_blocks.items()}
    assert sizes == {
        "demand": 2, "capacity": 2, "away_limit": 2, "trips": 2, "visit_arc": 2, "visit_trip": 4,
        "site_limit": 2, "quorum": 3, "presence": 1, "one_mdt_a_day": 2, "away_burden": 2,
        "continuity": 4, "stage1_bound": 1,
    }  # fmt: skip
    assert mm.num_cols == sum(matrix.family_sizes(index()).values()) == 4 + 2 + 2 + 2 + 2 + 6 + 3 + 4 + 1
