"""Why an OOH instance has no plan, in the words of the people who run the rotas.

:func:`diagnose` runs before any solve: for every site-service it tries every site that could
host the service's rota and lists what rules each out (response time, trust boundary, a site that
must keep its own rota, too few clinicians within reach for 1-in-N unless temporary staff may
fill the slots left, too many for the largest rota, too many attendances a night).  When every
hub is ruled out the site-service cannot be covered, and the finding says by how many minutes,
members or attendances it fails.  These checks are
necessary conditions only; when they pass but the solver still proves the instance infeasible,
:func:`explain_slacks` turns the slacks of the elastic model (see :mod:`models.ooh`) into
the same kind of findings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from models.common.words import count, minutes
from models.ooh.input import OohInput, OohParameters
from models.ooh.sets import candidate_arcs, response_minutes

# Hubs listed per finding, nearest first; the rest are summed up in one phrase.
_HUBS_SHOWN = 3


@dataclass(frozen=True)
class Finding:
    """One requirement that no plan can meet.

    Attributes
    ----------
    site_id, service_id : str
        The site-service (or, for a rota-level finding, the rota's hub) concerned.
    requirement : str
        ``response``, ``trust``, ``own_rota``, ``min_rota_size``, ``max_rota_size``,
        ``max_sites``, ``workload``, ``cover`` or ``solver``.
    shortfall : float
        By how much it fails, in the requirement's unit (minutes, members, sites, attendances
        a night); NaN when not a quantity.
    message : str
        The explanation shown to the user.
    """

    site_id: str
    service_id: str
    requirement: str
    shortfall: float
    message: str

    def __str__(self) -> str:
        return self.message


Reason = tuple[str, float, str]
"""(requirement, shortfall, phrase) of one thing that rules a hub out."""


@dataclass(frozen=True)
class _Lookups:
    """Plain dictionaries the per-hub checks read: clinicians, attendances, sites that may join a hub."""

    clinicians: dict[tuple[str, str], int]
    attendances: dict[tuple[str, str], float]
    joinable: dict[tuple[str, str], list[str]]  # (k, h) -> sites, most clinicians first


def _lookups(inp: OohInput, arcs: pd.DataFrame) -> _Lookups:
    keys = list(inp.rotas[["service_id", "site_id"]].itertuples(index=False, name=None))
    clinicians = dict(zip(keys, inp.rotas["clinicians"].astype(int), strict=True))
    attendances = dict(zip(keys, inp.rotas["attendances_per_night"].astype(float), strict=True))
    ordered = arcs.sort_values(["clinicians", "site_id"], ascending=[False, True])
    joinable = ordered.groupby(["service_id", "hub_id"], sort=False)["site_id"].agg(list).to_dict()
    return _Lookups(clinicians, attendances, joinable)


def _pool(look: _Lookups, k: str, h: str, s: str, max_sites: float) -> int:
    """Most clinicians a rota of ``k`` at ``h`` that covers ``s`` can gather within the sites limit."""
    fixed = {h, s}
    total = sum(look.clinicians[k, site] for site in fixed)
    room = math.inf if math.isinf(max_sites) else int(max_sites) - len(fixed)
    for site in look.joinable.get((k, h), ()):
        if room <= 0:
            break
        if site not in fixed:
            total += look.clinicians[k, site]
            room -= 1
    return total


def _capacity_reasons(look: _Lookups, service: Any, s: str, h: str, params: OohParameters) -> list[Reason]:
    """Size and workload reasons a rota of ``service`` at ``h`` cannot take ``s``."""
    k = service.service_id
    reasons: list[Reason] = []
    max_sites = math.inf if pd.isna(service.max_sites_per_rota) else float(service.max_sites_per_rota)
    pool = _pool(look, k, h, s, max_sites)
    need = float(service.min_rota_size)
    temporary = pd.notna(service.locum_premium_per_night)  # temporary staff may fill the slots left
    if pool < need and not temporary:
        phrase = (
            f"could gather at most {count(pool, 'clinician')}, {need - pool:.0f} short of the {need:.0f} "
            f"that 1-in-{need:.0f} needs"
        )
        reasons.append(("min_rota_size", need - pool, phrase))
    least = look.clinicians[k, s] + (look.clinicians[k, h] if h != s else 0)
    if pd.notna(service.max_rota_size) and least > service.max_rota_size:
        over = least - float(service.max_rota_size)
        largest = float(service.max_rota_size)
        members = count(least, "member")
        phrase = f"would have at least {members}, {over:.0f} over the largest rota size {largest:.0f}"
        reasons.append(("max_rota_size", over, phrase))
    load = look.attendances[k, s] + (look.attendances[k, h] if h != s else 0.0)
    if load > params.max_attendances_per_night + 1e-9:
        over = load - params.max_attendances_per_night
        phrase = (
            f"would carry at least {load:.2f} attendances a night, {over:.2f} over the "
            f"{params.max_attendances_per_night:g} one on-call clinician can carry"
        )
        reasons.append(("workload", over, phrase))
    return reasons


def _reach_reasons(
    inp: OohInput, service: Any, s: str, h: str, response: float, hubs: set[str], params: OohParameters
) -> list[Reason]:
    """Response-time and trust reasons a rota at ``h`` cannot cover ``s``."""
    reasons: list[Reason] = []
    limit = params.response_limit(service.max_response_minutes)
    if response > limit + 1e-9:
        over = response - limit
        where = "its own site" if s == h else f"{minutes(response)} min away"
        mobilise = params.non_resident_mobilisation_minutes if service.tier == "non-resident" else 0.0
        if mobilise > 0 and s == h:
            where = f"its own site ({mobilise:g} min mobilisation)"
        elif mobilise > 0:
            parts = f"{minutes(response - mobilise)} min travel and {mobilise:g} min mobilisation"
            where = f"a {minutes(response)}-minute response ({parts})"
        phrase = f"{where}, {minutes(over)} min over the {minutes(limit)}-minute response time"
        reasons.append(("response", over, phrase))
    trust = inp.sites.set_index("site_id")["trust"]
    if not params.allow_cross_trust and trust[s] != trust[h]:
        phrase = f"in another trust ({trust[h]}), and cross-trust rotas are not allowed"
        reasons.append(("trust", math.nan, phrase))
    if h not in hubs and s != h:
        reasons.append(("response", math.nan, "cannot respond to its own site in time, so cannot run a rota"))
    return reasons


def diagnose(inp: OohInput, params: OohParameters) -> tuple[Finding, ...]:
    """Site-services that no rota can cover, each with every hub's reason; empty if none is found.

    A fast pass tries the candidate hubs of each site-service; only those with none left are
    explained hub by hub, over every site that could host the service.
    """
    arcs = candidate_arcs(inp, params)
    look = _lookups(inp, arcs)
    services = {row.service_id: row for row in inp.services.itertuples()}
    by_cover = arcs.groupby(["service_id", "site_id"], sort=False)["hub_id"].agg(list).to_dict()
    failing = [
        (k, s)
        for k, s in inp.rotas[["service_id", "site_id"]].itertuples(index=False, name=None)
        if all(_capacity_reasons(look, services[k], s, h, params) for h in by_cover.get((k, s), ()))
    ]
    if not failing:
        return ()
    pairs = response_minutes(inp, params).sort_values(["response", "hub_id"])
    keeps_own = inp.sites.set_index("site_id")["keeps_own_rota"]
    trust = inp.sites.set_index("site_id")["trust"]
    # a hub in another trust is sized as if cross-trust rotas were allowed, the one rule named
    # against it besides: sized within its own trust, Blackpool's rota for Lancaster was '1 short'
    # of 1-in-12, where with cross-trust rotas it gathers 13
    across = (
        look
        if params.allow_cross_trust
        else _lookups(inp, candidate_arcs(inp, replace(params, allow_cross_trust=True)))
    )
    findings: list[Finding] = []
    for k, s in failing:
        service = services[k]
        hubs = {h for kk, h in look.joinable if kk == k}
        options = pairs[(pairs["service_id"] == k) & (pairs["site_id"] == s)]
        if keeps_own[s]:
            options = options[options["hub_id"] == s]
        ruled_out = [
            (
                h,
                _reach_reasons(inp, service, s, h, r, hubs, params)
                + _capacity_reasons(look if trust[h] == trust[s] else across, service, s, h, params),
            )
            for h, r in zip(options["hub_id"], options["response"], strict=True)
        ]
        findings.append(_finding(inp, s, k, ruled_out))
    return tuple(findings)


def _finding(inp: OohInput, s: str, k: str, ruled_out: list[tuple[str, list[Reason]]]) -> Finding:
    names = inp.sites.set_index("site_id")["name"]
    service = inp.services.set_index("service_id").loc[k]
    head = f"{names[s]} ({s}), {service['name']}: no rota can cover it."
    if inp.sites.set_index("site_id").loc[s, "keeps_own_rota"]:
        head += " The site must keep its own rota."
    if not ruled_out:
        if inp.sites.set_index("site_id").loc[s, "keeps_own_rota"]:
            message = f"{head} But it may not host a rota of this service (can_host is false, or --close)."
            return Finding(s, k, "own_rota", math.nan, message)
        message = f"{head} No site that can host this service has a travel time to it."
        return Finding(s, k, "cover", math.nan, message)
    parts = []
    for h, reasons in ruled_out[:_HUBS_SHOWN]:
        who = "Its own rota" if h == s else f"A rota at {names[h]}"
        parts.append(f"{who}: {'; '.join(phrase for _, _, phrase in reasons)}.")
    rest = len(ruled_out) - _HUBS_SHOWN
    if rest > 0:
        parts.append(f"{count(rest, 'further site')} {'is' if rest == 1 else 'are'} ruled out likewise.")
    requirement, shortfall, _ = next((r[0] for _, r in ruled_out if r), ("cover", math.nan, ""))
    return Finding(s, k, requirement, shortfall, " ".join([head, *parts]))


_SLACK_WORDS = {
    "uncovered": ("cover", "cannot be covered together with the other sites' needs"),
    "short": ("min_rota_size", "would be {members} short of the {n:.0f} that 1-in-{n:.0f} needs"),
    "over_size": ("max_rota_size", "would be {members} over the largest rota size {m:.0f}"),
    "extra_sites": ("max_sites", "would cover {sites} more than the {l:.0f} allowed"),
    "overload": ("workload", "would carry {v:.2f} attendances a night more than the {w:g} allowed"),
}


def explain_slacks(inp: OohInput, params: OohParameters, slacks: pd.DataFrame) -> tuple[Finding, ...]:
    """Findings from the positive slacks of the elastic model's optimum.

    ``slacks`` has columns ``slack`` (a key of the elastic form), ``service_id``, ``site_id``
    (the site, or the rota's hub) and ``value``.
    """
    names = inp.sites.set_index("site_id")["name"]
    services = inp.services.set_index("service_id")
    lead = "No plan meets every requirement at once; the plan that breaks them least still has: "
    out: list[Finding] = []
    for row in slacks[slacks["value"] > 1e-6].itertuples():
        requirement, words = _SLACK_WORDS[row.slack]
        service = services.loc[row.service_id]
        text = words.format(
            v=row.value,
            members=count(round(row.value), "member"),
            sites=count(round(row.value), "site"),
            n=service["min_rota_size"],
            m=service["max_rota_size"],
            l=service["max_sites_per_rota"],
            w=params.max_attendances_per_night,
        )
        who = (
            f"{names[row.site_id]} ({row.site_id})"
            if row.slack == "uncovered"
            else f"the rota at {names[row.site_id]}"
        )
        message = f"{lead}{service['name']}: {who} {text}."
        out.append(Finding(str(row.site_id), str(row.service_id), requirement, float(row.value), message))
    if not out:
        out.append(
            Finding(
                "",
                "",
                "solver",
                math.nan,
                "the solver reported the instance infeasible but no requirement "
                "could be named; check the solver log",
            )
        )
    return tuple(out)
