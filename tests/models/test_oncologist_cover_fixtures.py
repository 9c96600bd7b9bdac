"""Tiny cross-trust cover instances whose optima are worked out by hand (see each test's docstring).

Two trusts, one site each: A1 (trust TA) and B1 (trust TB), 30 minutes and 20 miles apart.  With
the test parameters a return trip costs 2 x 20 x 0.5 = 20 pounds and takes 2 x 30 / 240 = 0.25
PA; one trip covers up to 2 PAs.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from models.cover.input import CoverInstance, CoverParameters

MONDAY = dt.date(2026, 1, 5)
PARAMS = CoverParameters(
    cost_per_mile=0.5, minutes_per_pa=240.0, pas_per_trip=2.0, mdt_pas=0.5, stage3_polish=True
)


def oncologist(oid: str, home: str, dcc: float = 6.0, max_away: float = 4.0, max_sites: int = 2) -> dict:
    return {
        "oncologist_id": oid,
        "name": f"Dr {oid}",
        "home_site": home,
        "dcc_pas": dcc,
        "max_away_pas": max_away,
        "max_sites": max_sites,
        "cost_per_pa": 350.0,
    }


def absence(oid: str, first: dt.date, last: dt.date, kind: str = "annual_leave", share: float = 1.0) -> dict:
    return {"oncologist_id": oid, "first_day": first, "last_day": last, "kind": kind, "share": share}


def tiny(
    oncologists: list[dict],
    demand: list[tuple[str, int, float]],
    *,
    absences: list[dict] | None = None,
    mdts: list[dict] | None = None,
    locums: list[tuple[str, float, float]] | None = None,
    weeks: int = 1,
    specialisms: list[tuple[str, str]] | None = None,
) -> CoverInstance:
    """Trusts TA (site A1) and TB (site B1), one tumour site (lung) unless ``specialisms`` say more.

    ``demand`` rows are (trust, week, PAs) for lung; ``locums`` rows (trust, PAs a week, cost).
    """
    spec = specialisms or [(o["oncologist_id"], "lung") for o in oncologists]
    return CoverInstance(
        trusts=pd.DataFrame({"trust_id": ["TA", "TB"], "name": ["Trust A", "Trust B"]}),
        sites=pd.DataFrame(
            {
                "site_id": ["A1", "B1"],
                "name": ["Alpha", "Beta"],
                "trust_id": ["TA", "TB"],
                "lat": [53.8, 53.9],
                "lon": [-2.7, -2.9],
            }
        ),  # fmt: skip
        tumour_sites=pd.DataFrame({"tumour_site_id": ["lung", "breast"], "name": ["Lung", "Breast"]}),
        oncologists=pd.DataFrame(oncologists),
        specialisms=pd.DataFrame(spec, columns=["oncologist_id", "tumour_site_id"]),
        absences=pd.DataFrame(
            absences or [], columns=["oncologist_id", "first_day", "last_day", "kind", "share"]
        ),
        demand=pd.DataFrame(
            [(t, "lung", w, p) for t, w, p in demand], columns=["trust_id", "tumour_site_id", "week", "pas"]
        ),
        mdts=pd.DataFrame(
            mdts or [], columns=["mdt_id", "trust_id", "tumour_site_id", "weekday", "quorum", "remote_counts"]
        ),
        locums=pd.DataFrame(
            [(t, "lung", p, c) for t, p, c in (locums or [])],
            columns=["trust_id", "tumour_site_id", "pas_per_week", "cost_per_pa"],
        ),
        travel=pd.DataFrame({"from_site": ["A1"], "to_site": ["B1"], "minutes": [30.0], "miles": [20.0]}),
        first_week=MONDAY,
        weeks=weeks,
        name="tiny",
    )


def maternity_case() -> CoverInstance:
    """O1 at A1 (6 PAs, 4 away); O2 at B1 on maternity leave; demand A 2, B 3; one B locum PA at 600."""
    return tiny(
        [oncologist("O1", "A1"), oncologist("O2", "B1")],
        [("TA", 1, 2.0), ("TB", 1, 3.0)],
        absences=[absence("O2", MONDAY, MONDAY + dt.timedelta(days=4), "maternity")],
        locums=[("TB", 1.0, 600.0)],
    )
