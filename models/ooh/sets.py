"""The sets and data of the OOH formulation, derived once from the input.

:func:`candidate_arcs` gives the (service, site, hub) pairs a plan may use: the one place where
response times, trust boundaries, sites that keep their own rota and sites that cannot host are
applied.  :func:`rota_table` and :func:`band_table` give the candidate rotas and the supplement
bands each could fall in.  The pyomo and the vectorised builders, the diagnosis and the plan all
read them from here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.ooh.input import OohInput, OohParameters


def hub_minutes(inp: OohInput, frame: pd.DataFrame) -> np.ndarray:
    """Travel minutes from each row's ``hub_id`` to its ``site_id`` (NaN where none is known)."""
    times = frame[["hub_id", "site_id"]].merge(
        inp.travel, how="left", left_on=["hub_id", "site_id"], right_on=["from_site", "to_site"]
    )
    return times["minutes"].to_numpy(float)


def response_minutes(inp: OohInput, params: OohParameters) -> pd.DataFrame:
    """Every (service, site, hub) with a travel time: ``minutes`` hub to site and ``response``.

    ``response`` adds the mobilisation minutes of non-resident services.  Hubs are limited to
    site-services that need cover and may host; no eligibility rule other than reachability.
    """
    rotas = inp.rotas
    need = rotas[["service_id", "site_id", "clinicians", "attendances_per_night", "current_hub"]]
    hosts = rotas.loc[rotas["can_host"], ["service_id", "site_id"]].rename(columns={"site_id": "hub_id"})
    pairs = need.merge(hosts, on="service_id")
    pairs["minutes"] = hub_minutes(inp, pairs)
    pairs = pairs[pairs["minutes"].notna()]
    tier = pairs["service_id"].map(inp.services.set_index("service_id")["tier"])
    extra = np.where(tier == "non-resident", params.non_resident_mobilisation_minutes, 0.0)
    return pairs.assign(response=pairs["minutes"] + extra).reset_index(drop=True)


def candidate_arcs(inp: OohInput, params: OohParameters) -> pd.DataFrame:
    """The (service, site, hub) arcs a plan may use, with the annual travel cost of each.

    An arc needs: the hub hosts the service and may cover itself; response within the service's
    limit; the same trust unless ``allow_cross_trust``; hub = site when the site keeps its own
    rota.  Columns: ``service_id, site_id, hub_id, minutes, response, clinicians,
    attendances_per_night, current_hub, travel_cost`` (GBP a year).
    """
    pairs = response_minutes(inp, params)
    sites = inp.sites.set_index("site_id")
    own = pairs["service_id"].map(inp.services.set_index("service_id")["max_response_minutes"])
    limit = own if params.response_cap_minutes is None else own.clip(upper=params.response_cap_minutes)
    ok = pairs["response"] <= limit + 1e-9
    if not params.allow_cross_trust:
        ok &= (
            pairs["site_id"].map(sites["trust"]).to_numpy() == pairs["hub_id"].map(sites["trust"]).to_numpy()
        )
    ok &= ~pairs["site_id"].map(sites["keeps_own_rota"]).astype(bool) | (pairs["site_id"] == pairs["hub_id"])
    arcs = pairs[ok]
    # A hub must cover itself: drop arcs into hubs that cannot.
    selfs = arcs.loc[arcs["site_id"] == arcs["hub_id"], ["service_id", "hub_id"]]
    arcs = arcs.merge(selfs, on=["service_id", "hub_id"])
    yearly = annual_attendances(inp, params).rename("yearly").reset_index()
    arcs = arcs.merge(yearly, on=["site_id", "service_id"])
    cost = pd.Series(params.travel_cost(arcs["yearly"], arcs["minutes"].to_numpy(float)), index=arcs.index)
    arcs = arcs.assign(travel_cost=cost.where(arcs["site_id"] != arcs["hub_id"], 0.0)).drop(columns="yearly")
    return arcs.sort_values(["service_id", "site_id", "hub_id"]).reset_index(drop=True)


def annual_attendances(inp: OohInput, params: OohParameters) -> pd.Series:
    """Expected attendances a year per (site_id, service_id): nights plus weekend days."""
    r = inp.rotas.set_index(["site_id", "service_id"])
    return r["attendances_per_night"] * params.nights_per_year + (
        r["attendances_per_weekend_day"] * params.weekend_days_per_year
    )


def bands_of(inp: OohInput, category: pd.Series, size: pd.Series) -> pd.DataFrame:
    """The supplement ``band`` and ``salary_share`` of rotas of ``size`` members in ``category``.

    Aligned with the inputs; a size no band holds (0 members) gets band "" and share 0.
    """
    query = pd.DataFrame({"category": category.to_numpy(), "size": size.to_numpy(float)})
    query["row"] = np.arange(len(query))
    found = query.merge(inp.bands, on="category")
    found = found[(found["min_size"] <= found["size"]) & (found["max_size"].fillna(np.inf) >= found["size"])]
    out = found.set_index("row").reindex(np.arange(len(query)))
    return pd.DataFrame(
        {"band": out["band"].fillna("").to_numpy(), "salary_share": out["salary_share"].fillna(0.0)}
    )


def keyed(frame: pd.DataFrame, keys: list[str], value: str) -> dict[tuple, float]:
    """``{(row's keys): row's value}`` for every row of ``frame``."""
    return dict(zip(frame[keys].itertuples(index=False, name=None), frame[value].astype(float), strict=True))


def temporary_slot_cost(inp: OohInput, params: OohParameters) -> pd.Series:
    """e_k by service: premium per night x nights / N_k, GBP a year per temporary slot (NaN: none allowed).

    A temporary slot is only ever needed to bring a rota up to N_k slots (constraint (10)), so it
    covers nights / N_k nights a year.
    """
    services = inp.services.set_index("service_id")
    return services["locum_premium_per_night"] * params.nights_per_year / services["min_rota_size"]


def rota_table(inp: OohInput, params: OohParameters, arcs: pd.DataFrame) -> pd.DataFrame:
    """Candidate rotas R with their figures: N_k, M_k, L_k, P_kh, F_k, S_k, e_k and category.

    ``slots_cap`` is the most slots the rota can have: P_kh, or N_k if more and temporary staff
    may fill slots (``temporary_cost`` e_k not NaN).
    """
    hubs = arcs.loc[arcs["site_id"] == arcs["hub_id"], ["service_id", "hub_id"]]
    pool = arcs.groupby(["service_id", "hub_id"])["clinicians"].sum().rename("pool")
    services = inp.services.set_index("service_id")
    out = hubs.merge(pool, left_on=["service_id", "hub_id"], right_index=True)
    out = out.join(
        services[["min_rota_size", "max_rota_size", "max_sites_per_rota", "salary"]], on="service_id"
    )
    out["cover_cost"] = out["service_id"].map(services["cost_per_night"]) * params.nights_per_year
    out["category"] = out["service_id"].map(services["supplement_category"])
    out["temporary_cost"] = out["service_id"].map(temporary_slot_cost(inp, params))
    allowed = out["temporary_cost"].notna().to_numpy()
    out["slots_cap"] = np.where(allowed, np.fmax(out["pool"], out["min_rota_size"]), out["pool"])
    return out.reset_index(drop=True)


def band_table(inp: OohInput, rotas: pd.DataFrame, *, prune: bool) -> pd.DataFrame:
    """B_kh: one row per (rota, band) with ``lo``, ``hi`` (finite), ``unit_cost`` = share x salary
    and ``fills`` (lo_b <= N_k: a band temporary staff may fill a rota up to, constraint (10))."""
    bands = inp.bands.rename(columns={"min_size": "lo"})
    out = rotas.merge(bands, on="category")
    cap = np.fmin(out["max_rota_size"].to_numpy(float), out["slots_cap"].to_numpy(float))
    out["hi"] = np.fmin(out["max_size"].fillna(np.inf).to_numpy(float), cap)
    out["unit_cost"] = out["salary_share"] * out["salary"]
    out["fills"] = out["lo"] <= out["min_rota_size"]
    keep = out["lo"] <= out["hi"]
    if prune:
        keep &= out["hi"] >= out["min_rota_size"]
    columns = ["service_id", "hub_id", "band", "lo", "hi", "unit_cost", "fills"]
    return out.loc[keep, columns].reset_index(drop=True)
