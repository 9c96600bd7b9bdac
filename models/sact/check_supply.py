"""The aseptic supply rules of the SACT checker (:mod:`models.sact.check`), from the input alone.

Constraints (10) and (10') of :mod:`models.sact`: one open hub per open site, a hub that is open
and a hub, within drug-stability time, hub doses within capacity, an open hub supplying itself and
no chains; and the dose-minutes of drug transport a year, recomputed from the allocation.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from models.sact.input import SactInput


class Findings(Protocol):
    def add(self, rule: str, messages: list[str]) -> None: ...


def over(lhs: float | np.ndarray, rhs: float | np.ndarray, tol: float) -> np.ndarray:
    """Whether ``lhs`` exceeds ``rhs`` beyond a tolerance relative to ``rhs``."""
    rhs = np.asarray(rhs, dtype=float)
    finite = np.where(np.isfinite(rhs), rhs, 0.0)
    return np.asarray(lhs) > rhs + tol * np.maximum(1.0, np.abs(finite))


def pair_minutes(frame: pd.DataFrame, a: str, b: str) -> pd.Series:
    """Shortest listed minutes per (a, b) pair."""
    if frame is None or len(frame) == 0:
        return pd.Series(dtype=float, index=pd.MultiIndex.from_arrays([[], []], names=[a, b]))
    return frame.groupby([a, b])["minutes"].min().astype(float)


def check_supply(
    data: SactInput,
    links: pd.DataFrame,
    is_open: pd.Series,
    site_att: pd.Series,
    tol: float,
    out: Findings,
) -> float:
    """(10) one open hub per open site, within drug-stability time, hub doses within capacity;
    (10') an open hub supplies itself, so no site is supplied through another (no chains).
    Returns the dose-minutes of transport a year (doses recomputed from the allocation)."""
    p = data.parameters
    if links is None or links.empty:
        links = pd.DataFrame({"site_id": [], "hub_id": [], "doses": []})
    links = _check_links(data, links, is_open, out)
    minutes = _check_transport(data, links, out)
    # doses recomputed from the allocation, charged to each site's (first) hub
    hub_of = links.drop_duplicates("site_id").set_index("site_id")["hub_id"]
    doses = (p.doses_per_attendance * site_att).reindex(hub_of.index)
    load = doses.groupby(hub_of.to_numpy()).sum()
    cap = data.sites["hub_capacity"].astype(float).reindex(load.index)
    full = over(load, cap, tol)
    out.add(
        "hub capacity",
        [
            f"hub {h} supplies {load[h]:,.2f} doses a year, over its capacity {cap[h]:,.2f}"
            for h in load.index[full]
        ],
    )
    if "doses" in links:
        reported = links.groupby("site_id")["doses"].sum().astype(float)
        diff = np.abs(reported - doses.reindex(reported.index).fillna(0.0))
        off = diff[diff > 1e-3 * np.maximum(1.0, reported.abs())]
        out.add(
            "aseptic supply",
            [f"site {i}: doses reported differ from its attendances by {d:g}" for i, d in off.items()],
        )
    first = ~links["site_id"].duplicated().to_numpy()
    return float(np.nansum(minutes[first] * doses.reindex(links["site_id"][first]).to_numpy()))


def _check_links(data: SactInput, links: pd.DataFrame, is_open: pd.Series, out: Findings) -> pd.DataFrame:
    """One hub per open site, each an open hub; open hubs supply themselves; no chains.  Returns
    the links between known sites."""
    s = data.sites
    count = links.groupby("site_id")["hub_id"].count().reindex(s.index, fill_value=0)
    open_sites = s.index[is_open.to_numpy()]
    out.add(
        "aseptic supply",
        [
            f"open site {i} is supplied by {count[i]} hubs, not exactly one"
            for i in open_sites
            if count[i] != 1
        ],
    )
    shut = links[~links["site_id"].map(is_open).eq(True)]
    out.add("aseptic supply", [f"closed or unknown site {i} has a hub link" for i in shut["site_id"]])
    hub_known = links["hub_id"].isin(s.index)
    out.add("aseptic supply", [f"unknown hub {h}" for h in links.loc[~hub_known, "hub_id"]])
    links = links[hub_known & links["site_id"].isin(s.index)]
    not_hub = links[~s["is_hub"].astype(bool).reindex(links["hub_id"]).to_numpy()]
    out.add(
        "aseptic supply",
        [f"site {r.site_id} is supplied by {r.hub_id}, which is not a hub" for r in not_hub.itertuples()],
    )
    hub_shut = links[~is_open.reindex(links["hub_id"]).eq(True).to_numpy()]
    out.add(
        "aseptic supply",
        [f"site {r.site_id} is supplied by hub {r.hub_id}, which is not open" for r in hub_shut.itertuples()],
    )
    first_hub = links.drop_duplicates("site_id").set_index("site_id")["hub_id"]
    open_hubs = s.index[is_open.to_numpy() & s["is_hub"].astype(bool).to_numpy()]
    out.add(
        "hub supplies itself",
        [
            f"open hub {h} is supplied by {first_hub.get(h, 'no hub')}, not by itself"
            for h in open_hubs
            if first_hub.get(h) != h
        ],
    )
    upstream = links["hub_id"].map(first_hub)
    chain = links[upstream.notna().to_numpy() & (upstream != links["hub_id"]).to_numpy()]
    out.add(
        "no chains",
        [
            f"site {r.site_id} is supplied by {r.hub_id}, which is itself supplied by {first_hub[r.hub_id]}"
            for r in chain.itertuples()
        ],
    )
    return links


def _check_transport(data: SactInput, links: pd.DataFrame, out: Findings) -> np.ndarray:
    """Every link within drug-stability time (a hub to itself: 0 min); returns the link minutes."""
    p = data.parameters
    transport = pair_minutes(data.site_travel, "from_site", "to_site")
    minutes = transport.reindex(pd.MultiIndex.from_arrays([links["hub_id"], links["site_id"]])).to_numpy()
    minutes = np.where(links["hub_id"].to_numpy() == links["site_id"].to_numpy(), 0.0, minutes)
    gone = np.isnan(minutes)
    out.add(
        "drug stability",
        [f"no transport time from hub {r.hub_id} to site {r.site_id}" for r in links[gone].itertuples()],
    )
    slow = np.nan_to_num(minutes, nan=-np.inf) > p.drug_stability_minutes
    out.add(
        "drug stability",
        [
            f"hub {r.hub_id} -> site {r.site_id} takes {t:g} min, "
            f"over the {p.drug_stability_minutes:g}-minute limit"
            for r, t in zip(links[slow].itertuples(), minutes[slow], strict=True)
        ],
    )
    return minutes
