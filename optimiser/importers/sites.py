"""Candidate SACT sites from the NHS website hospital export: which sites, of which type, and why.

Rules (documented defaults; every judgement is reported as a finding, to be checked locally)

* Candidates are the sites of NHS trusts (``ParentODSCode`` starting with ``R``; the export's
  ``Sector`` field is unreliable). Sites whose names mark children's, dental or mental-health
  services are left out.
* Trusts: a mental-health trust (:data:`MENTAL_HEALTH_TRUSTS`, or a name saying "Mental Health"
  or "Combined Healthcare") offers no candidate; a community or partnership trust
  (:data:`COMMUNITY_TRUSTS`, or a name saying "Partnership", "Community" or "Healthcare") offers
  community sites only.
* Type: a named centre is a ``cancer_centre``; a site of an acute trust is a ``hospital_unit`` when
  its name says so (General, Royal, Infirmary, University, Teaching, District, County) or when it
  is its trust's namesake; every other site is a new candidate ``community_site``.
* Likely duplicates: of sites within :data:`DUPLICATE_METRES` of each other one is kept (a centre,
  then a hospital unit, then a community site; an acute trust's before another's; file order).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from models.common.travel import great_circle_km
from models.common.words import count
from optimiser.errors import InputError, Problem

KNOWN_CENTRES = {
    "RXN02": "Royal Preston Hospital (Rosemere Cancer Centre), Lancashire & South Cumbria",
    "RHQWP": "Weston Park Hospital (Weston Park Cancer Centre), Sheffield",
    "RJE01": "Royal Stoke University Hospital, Staffordshire",
    "RHM01": "Southampton General Hospital, Wessex",
    "RHU03": "Queen Alexandra Hospital, Portsmouth",
    "RD304": "Poole Hospital (Dorset Cancer Centre)",
}
"""Regional cancer centres by ODS site code, used when no centre is named."""

MENTAL_HEALTH_TRUSTS = {"RLY", "RHA", "RVN", "RXG", "RXE"}
"""Trust codes of the regions' mental-health trusts (their names do not always say so)."""
COMMUNITY_TRUSTS = {"RW5", "RRE", "RDY", "RW1", "R1C"}
"""Trust codes of community and mental-health-and-community trusts: community sites only."""
CHAIR_HEADROOM = 1.5
"""Without a curated sites table, acute sites' most chairs together give this multiple of demand."""
DUPLICATE_METRES = 200.0
"""Sites closer than this (metres, straight line) are taken as one place."""

SITE_DEFAULTS: dict[str, dict[str, Any]] = {
    "cancer_centre": dict(
        existing=True,
        current_chairs=30,
        min_chairs=10,
        max_chairs=60,
        fixed_cost=600_000.0,
        chair_cost=28_000.0,
    ),
    "hospital_unit": dict(
        existing=True,
        current_chairs=8,
        min_chairs=4,
        max_chairs=24,
        fixed_cost=200_000.0,
        chair_cost=30_000.0,
    ),
    "community_site": dict(
        existing=False,
        current_chairs=0,
        min_chairs=2,
        max_chairs=8,
        fixed_cost=100_000.0,
        chair_cost=38_000.0,
    ),
}
"""Chairs (today, least and most when open) and costs (pounds a year) by site type, ILLUSTRATIVE."""

ACUTE_WORDS = re.compile(
    r"\b(?:general|royal|infirmary|university|teaching|district|county)\b", re.IGNORECASE
)
EXCLUDED_WORDS = re.compile(r"child|dental|mental health|psychiatr|learning disabilit", re.IGNORECASE)
MENTAL_HEALTH_NAMES = re.compile(r"mental health|combined healthcare", re.IGNORECASE)
COMMUNITY_NAMES = re.compile(r"partnership|community|healthcare", re.IGNORECASE)
_RANK = {"cancer_centre": 0, "hospital_unit": 1, "community_site": 2}


def candidate_sites(nhs: pd.DataFrame, centres: tuple[str, ...], file: str) -> tuple[pd.DataFrame, list[str]]:
    """Typed candidate sites (``sites`` table columns) and the findings behind them.

    Raises
    ------
    InputError
        A named centre is not in the file or not an NHS trust site; no trust site; no centre.
    """
    codes = nhs["OrganisationCode"]
    trust = nhs["ParentODSCode"].str.upper().str.startswith("R")
    wanted = _centres(nhs, trust, centres, file) or [c for c in KNOWN_CENTRES if c in set(codes[trust])]
    findings: list[str] = []
    is_centre = codes.isin(wanted)
    names = nhs["OrganisationName"].str.strip()
    parent = nhs["ParentName"].where(nhs["ParentName"].fillna("").str.strip() != "", nhs["ParentODSCode"])
    mental = nhs["ParentODSCode"].isin(MENTAL_HEALTH_TRUSTS) | parent.str.contains(MENTAL_HEALTH_NAMES)
    community = ~mental & (nhs["ParentODSCode"].isin(COMMUNITY_TRUSTS) | parent.str.contains(COMMUNITY_NAMES))
    keep = trust & (is_centre | (~names.str.contains(EXCLUDED_WORDS) & ~mental))
    for idx in nhs.index[trust & mental & ~is_centre]:
        findings.append(f"left out {codes[idx]} {names[idx]}: {parent[idx]} is a mental-health trust")
    first_word = nhs["ParentName"].str.replace(r"^the\s+", "", case=False, regex=True).str.split().str[0]
    namesake = (names.str.split().str[0].str.lower() == first_word.str.lower()) & first_word.notna()
    by_name = names.str.contains(ACUTE_WORDS)
    acute = (by_name | namesake) & ~community
    kind = np.where(is_centre, "cancer_centre", np.where(acute, "hospital_unit", "community_site"))
    for idx in nhs.index[keep & ~is_centre]:
        if community[idx]:
            why = f"community_site only: {parent[idx]} is a community or partnership trust"
        elif acute[idx]:
            word = ACUTE_WORDS.search(names[idx])
            why = (
                f"hospital_unit (name says '{word.group(0)}')"
                if word
                else "hospital_unit (its trust's namesake)"
            )
        else:
            why = "community_site (name marks no acute hospital)"
        findings.append(f"type guess {codes[idx]} {names[idx]}: {why}")
    sites = nhs.assign(type=kind, _parent=parent, _acute_trust=~community)[keep]
    if not len(sites):
        raise InputError(
            [Problem(file, "no NHS trust sites (ParentODSCode starting with R)", column="ParentODSCode")]
        )
    if not is_centre.any():
        raise InputError([_no_centre_problem(sites, file)])
    sites, dropped = _drop_duplicates(sites)
    findings += dropped
    return _site_table(sites), findings


def _centres(nhs: pd.DataFrame, trust: pd.Series, centres: tuple[str, ...], file: str) -> list[str]:
    """The named centre codes; raise InputError for codes absent or not of an NHS trust."""
    rows = nhs.attrs.get("rows", pd.Series(nhs.index + 2, index=nhs.index))
    codes = nhs["OrganisationCode"]
    problems = []
    wanted = [c.strip() for c in centres if c.strip()]
    for code in wanted:
        match = nhs.index[codes == code]
        if not len(match):
            problems.append(
                Problem(
                    file,
                    f"centre '{code}' is not an OrganisationCode in this file",
                    column="OrganisationCode",
                )
            )
        elif not trust[match[0]]:
            problems.append(
                Problem(
                    file,
                    f"centre '{code}' is not an NHS trust site (ParentODSCode "
                    f"'{nhs.at[match[0], 'ParentODSCode']}' does not start with R)",
                    int(rows[match[0]]),
                    "ParentODSCode",
                )
            )
    if problems:
        raise InputError(problems)
    return wanted


def _no_centre_problem(sites: pd.DataFrame, file: str) -> Problem:
    units = sites.loc[sites["type"] == "hospital_unit", "OrganisationCode"].tolist()[:8]
    return Problem(
        file,
        "no cancer centre: none of the known centres ("
        + ", ".join(KNOWN_CENTRES)
        + ") is in this file; name one with --centre CODE"
        + (f" (hospital units here: {', '.join(units)})" if units else ""),
        column="OrganisationCode",
    )


def _drop_duplicates(sites: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One site per place (within DUPLICATE_METRES), the best ranked kept; findings for the others."""
    order = sites.assign(
        _rank=sites["type"].map(_RANK) * 2 + (~sites["_acute_trust"]).astype(int)
    ).sort_values("_rank", kind="stable")
    lat, lon = order["lat"].to_numpy(float), order["lon"].to_numpy(float)
    metres = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * 1000.0
    kept: list[int] = []
    findings = []
    for i in range(len(order)):
        near = [k for k in kept if metres[i, k] < DUPLICATE_METRES]
        if near:
            k = near[0]
            findings.append(
                f"likely duplicate {order['OrganisationCode'].iloc[i]} {order['OrganisationName'].iloc[i]}: "
                f"{metres[i, k]:.0f} m from {order['OrganisationCode'].iloc[k]} "
                f"{order['OrganisationName'].iloc[k]}, left out"
            )
        else:
            kept.append(i)
    return order.iloc[kept].sort_index(), findings


def _site_table(sites: pd.DataFrame) -> pd.DataFrame:
    """The ``sites`` table columns with :data:`SITE_DEFAULTS` by type."""
    defaults = pd.DataFrame(SITE_DEFAULTS).T.loc[sites["type"]].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "site_id": sites["OrganisationCode"].to_numpy(),
            "name": sites["OrganisationName"].str.strip().to_numpy(),
            "trust": sites["_parent"].to_numpy(),
            "type": sites["type"].to_numpy(),
        }
    )
    for column in ("existing", "current_chairs", "min_chairs", "max_chairs", "fixed_cost", "chair_cost"):
        out[column] = defaults[column].to_numpy()
    out["is_hub"] = out["type"] == "cancer_centre"
    out["hub_capacity"] = 0.0
    out["must_open"] = out["type"] == "cancer_centre"
    out["lat"] = np.round(sites["lat"].to_numpy(float), 6)
    out["lon"] = np.round(sites["lon"].to_numpy(float), 6)
    return out


def zones_beyond_reach(
    zones: pd.DataFrame, sites: pd.DataFrame, minutes: np.ndarray, limit: float
) -> list[str]:
    """Findings for zones with no complex-capable site (centre or hospital unit) within ``limit`` minutes.

    ``minutes`` is zones x sites in the order of the two tables.
    """
    capable = sites["type"].isin(["cancer_centre", "hospital_unit"]).to_numpy()
    if not capable.any():
        return [f"no complex-capable site: all {len(zones)} zones are beyond reach"]
    nearest = minutes[:, capable].min(axis=1)
    far = np.flatnonzero(nearest > limit)
    if not len(far):
        return []
    shown = ", ".join(
        f"{zones['name'].iloc[i] or zones['zone_id'].iloc[i]} ({nearest[i]:.0f} min)" for i in far[:20]
    )
    more = f" and {len(far) - 20} more" if len(far) > 20 else ""
    return [
        f"{count(len(far), 'zone')} {'has' if len(far) == 1 else 'have'} "
        f"no complex-capable site within {limit:g} minutes "
        f"(max_travel_minutes): {shown}{more}"
    ]


def size_acute_chairs(sites: pd.DataFrame, attendances: float, findings: list[str]) -> None:
    """Raise acute sites' ``max_chairs`` so that together they could give CHAIR_HEADROOM x demand."""
    from optimiser.kinds.sact_schema import PARAMETERS

    d = {p.name: p.default for p in PARAMETERS}
    per_chair = d["chair_hours_per_day"] * d["days_per_week"] * d["weeks_per_year"] * d["utilisation"]
    per_chair /= d["mean_chair_hours"]  # attendances a chair gives in a year at the kind's defaults
    acute = sites["type"].isin(["cancer_centre", "hospital_unit"])
    if not acute.any():
        return
    need = int(np.ceil(CHAIR_HEADROOM * attendances / per_chair / int(acute.sum())))
    low = acute & (sites["max_chairs"] < need)
    if low.any():
        sites.loc[low, "max_chairs"] = need
        findings.append(
            f"max_chairs raised to {need} at {count(int(low.sum()), 'acute site')} so that they could give "
            f"{CHAIR_HEADROOM:g} x the region's {attendances:,.0f} attendances (ILLUSTRATIVE)"
        )


def size_hubs(sites: pd.DataFrame, hubs: pd.Series, doses: float, findings: list[str]) -> None:
    """Give each hub (the mask ``hubs``) the region's doses a year, to the thousand above, and say
    so: with one hub that is no room for growth (lsc at +2 % was infeasible on hub doses, which the
    import had not said), with two each could supply the region alone."""
    if not hubs.any():
        return
    capacity = float(np.ceil(doses / 1000.0) * 1000.0)
    sites.loc[hubs, "hub_capacity"] = capacity
    spare = capacity * int(hubs.sum()) / doses - 1.0 if doses > 0 else 0.0
    findings.append(
        f"hub_capacity set to {capacity:,.0f} doses a year at {count(int(hubs.sum()), 'aseptic hub')} "
        f"({', '.join(map(str, sites.loc[hubs, 'site_id']))}), the region's {doses:,.0f} today: "
        f"{spare:.0%} to spare for growth (ILLUSTRATIVE; raise hub_capacity for growth scenarios)"
    )


def reach_limit(
    sites: pd.DataFrame, minutes: np.ndarray, limit: float, findings: list[str]
) -> dict[str, float]:
    """``max_travel_minutes`` raised to the next 5 minutes when a zone has no acute site within ``limit``."""
    capable = sites["type"].isin(["cancer_centre", "hospital_unit"]).to_numpy()
    if not capable.any() or not len(minutes):
        return {}
    worst = float(minutes[:, capable].min(axis=1).max())
    if worst <= limit:
        return {}
    raised = float(np.ceil(worst / 5.0) * 5.0)
    findings.append(
        f"max_travel_minutes set to {raised:g} so that every zone can be served (farthest {worst:.0f} min)"
    )
    return {"max_travel_minutes": raised}
