"""OOH rota consolidation: known optima, brute-force enumeration, the LSC instance, every backend.

Each plan is re-verified by the independent checker, whose recomputed cost must equal the
solver's objective.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import models.ooh as ooh
from instances.generators.ooh import generate, lsc_ooh, supplement_bands
from models.ooh.checker import check_ooh_plan
from models.ooh.diagnosis import diagnose
from models.ooh.input import OohInput, OohParameters
from solvers import SolveOptions, SolveResult, Status, pyomo_backend_available


def _backend(name: str) -> object:
    solver = name.removeprefix("pyomo-")
    if name.startswith("pyomo-") and not pyomo_backend_available(solver):
        return pytest.param(name, marks=pytest.mark.skip(reason=f"{solver} is not installed"))
    return name


ALL_BACKENDS = [_backend(b) for b in ("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk")]
FAST_BACKENDS = ["highs", "pyomo-highs"]


def two_sites(*, current_b: str = "B", clinicians: tuple[int, int] = (4, 4)) -> OohInput:
    """Sites A and B of one trust, 20 minutes apart, one service with 1-in-4 at least.

    Salary 100,000, cover 100 a night, category-A bands (8 % to 1-in-4, 5 % to 1-in-8, 3 %).
    Attendances a night: A 1.0, B 0.5; none at weekends.
    """
    sites = pd.DataFrame({"site_id": ["A", "B"], "name": ["Alpha", "Beta"], "trust": ["T", "T"]})
    services = pd.DataFrame(
        [("AO", "Acute oncology", "non-resident", 30, 4, math.nan, math.nan, 100_000, 100, "A")],
        columns=[
            "service_id", "name", "tier", "max_response_minutes", "min_rota_size", "max_rota_size",
            "max_sites_per_rota", "salary", "cost_per_night", "supplement_category",
        ],
    )  # fmt: skip
    rotas = pd.DataFrame(
        {
            "site_id": ["A", "B"],
            "service_id": ["AO", "AO"],
            "clinicians": list(clinicians),
            "calls_per_night": [3.0, 1.5],
            "attendances_per_night": [1.0, 0.5],
            "calls_per_weekend_day": [0.0, 0.0],
            "attendances_per_weekend_day": [0.0, 0.0],
            "current_hub": ["A", current_b],
        }
    )
    travel = pd.DataFrame({"from_site": ["A", "B"], "to_site": ["B", "A"], "minutes": [20.0, 20.0]})
    return OohInput(sites=sites, services=services, rotas=rotas, travel=travel, bands=supplement_bands())


def assert_checked(inp: OohInput, params: OohParameters, plan: object) -> None:
    """The checker finds nothing wrong and its cost equals the solver's objective."""
    assert plan.parameters == params
    check = check_ooh_plan(inp, params, plan)
    assert check.ok, check.violations
    assert check.total == pytest.approx(plan.result.objective, rel=1e-9, abs=1e-6)
    assert plan.costs.loc["total", "after"] == pytest.approx(check.total, rel=1e-9)
    report = ooh.check(inp, plan)
    assert report.passed, (report.violations, report.mismatches)
    assert report.figures["total_cost"] == pytest.approx(check.total)


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_two_sites_merge_at_the_busier_site(backend: str) -> None:
    # Apart: 2 x 36,500 cover + 2 x 4 x 100,000 x 8 % = 137,000.  Merged at A: 36,500 cover +
    # 8 x 100,000 x 5 % + B's 182.5 attendances x 2 trips x 20 min x 1.40 = 86,720 (at B: 96,940).
    inp, params = two_sites(), OohParameters()
    plan = ooh.solve(inp, params, backend=backend)
    assert plan.result.status is Status.OPTIMAL
    assert plan.result.objective == pytest.approx(86_720.0)
    assert plan.costs["before"].to_dict() == pytest.approx(
        {
            "cover": 73_000.0,
            "supplements": 64_000.0,
            "temporary_staff": 0.0,
            "travel": 0.0,
            "changes": 0.0,
            "total": 137_000.0,
        }
    )
    assert plan.rotas[["hub_id", "members", "frequency", "band"]].values.tolist() == [
        ["A", 8, "1-in-8", "1-in-5 to 1-in-8"]
    ]
    assert plan.response_worse[["site_id", "response_change"]].values.tolist() == [["B", 20.0]]
    assert set(plan.clinicians["frequency_before"]) == {4} and set(plan.clinicians["frequency_after"]) == {8}
    assert_checked(inp, params, plan)


def test_change_cost_keeps_todays_rotas_when_dear() -> None:
    params = OohParameters(cost_per_change=1_000_000)
    plan = ooh.solve(two_sites(), params)
    assert plan.result.objective == pytest.approx(137_000.0)
    assert not plan.coverage["changed"].any()
    assert plan.costs.loc["total", "saving"] == pytest.approx(0.0)
    assert_checked(two_sites(), params, plan)


def test_today_shared_rota_is_described_and_unchanged_costs_nothing() -> None:
    # Today B is already covered from A: before and after are the same plan.
    inp, params = two_sites(current_b="A"), OohParameters(cost_per_change=5_000)
    plan = ooh.solve(inp, params)
    assert plan.costs.loc["total", "before"] == pytest.approx(86_720.0)
    assert plan.costs.loc["changes", "after"] == 0.0
    assert plan.rotas_before["members"].tolist() == [8]


# ---------------------------------------------------------------------------------------------
# Brute force: every assignment of every site-service to every host, checked by rules written
# here, independent of the model, the diagnosis and the checker.


@dataclass(frozen=True)
class _Facts:
    """Plain lookups for the enumerator."""

    trust: dict[str, str]
    keeps_own: dict[str, bool]
    minutes: dict[tuple[str, str], float]
    bands: list[tuple[str, float, float, float]]  # category, least, most, share


def _facts(inp: OohInput) -> _Facts:
    bands = [
        (r.category, r.min_size, math.inf if pd.isna(r.max_size) else r.max_size, r.salary_share)
        for r in inp.bands.itertuples()
    ]
    return _Facts(
        trust=dict(zip(inp.sites["site_id"], inp.sites["trust"], strict=True)),
        keeps_own=dict(zip(inp.sites["site_id"], inp.sites["keeps_own_rota"], strict=True)),
        minutes={(r.from_site, r.to_site): r.minutes for r in inp.travel.itertuples()},
        bands=bands,
    )


def _cost_if_valid(facts: _Facts, params: OohParameters, svc: object, rows: dict, hub_of: dict) -> float:
    mobilise = params.non_resident_mobilisation_minutes if svc.tier == "non-resident" else 0.0
    rotas: dict[str, list[str]] = defaultdict(list)
    for s, h in hub_of.items():
        rotas[h].append(s)
    cost = params.cost_per_change * sum(h != rows[s].current_hub for s, h in hub_of.items())
    for h, members in rotas.items():
        size = sum(rows[s].clinicians for s in members)
        load = sum(rows[s].attendances_per_night for s in members)
        locums = not pd.isna(svc.locum_premium_per_night)  # temporary staff fill the rota up to N
        slots = max(size, int(svc.min_rota_size)) if locums else size
        if hub_of[h] != h or slots < svc.min_rota_size or load > params.max_attendances_per_night + 1e-9:
            return math.inf
        if (not pd.isna(svc.max_rota_size) and size > svc.max_rota_size) or (
            not pd.isna(svc.max_sites_per_rota) and len(members) > svc.max_sites_per_rota
        ):
            return math.inf
        for s in members:
            t = facts.minutes.get((h, s), math.inf)
            if t + mobilise > svc.max_response_minutes + 1e-9 or (facts.keeps_own[s] and s != h):
                return math.inf
            if facts.trust[s] != facts.trust[h] and not params.allow_cross_trust:
                return math.inf
            if s != h:
                yearly = (
                    rows[s].attendances_per_night * params.nights_per_year
                    + rows[s].attendances_per_weekend_day * params.weekend_days_per_year
                )
                cost += yearly * params.trips_per_attendance * t * params.travel_cost_per_minute
        share = next(
            sh for c, lo, hi, sh in facts.bands if c == svc.supplement_category and lo <= slots <= hi
        )
        cost += svc.cost_per_night * params.nights_per_year + slots * svc.salary * share
        if slots > size:
            cost += svc.locum_premium_per_night * params.nights_per_year * (slots - size) / slots
    return cost


def brute_force(inp: OohInput, params: OohParameters) -> float | None:
    """Least cost over all assignments (services are independent: enumerate each on its own)."""
    facts = _facts(inp)
    total = 0.0
    for svc in inp.services.itertuples():
        rows = {r.site_id: r for r in inp.rotas[inp.rotas["service_id"] == svc.service_id].itertuples()}
        hosts = [s for s, r in rows.items() if r.can_host]
        best = min(
            (_cost_if_valid(facts, params, svc, rows, dict(zip(rows, hubs, strict=True)))
             for hubs in itertools.product(hosts, repeat=len(rows))),
            default=math.inf,
        )  # fmt: skip
        if math.isinf(best):
            return None
        total += best
    return total


@functools.cache
def tiny_case(seed: int) -> tuple[OohInput, OohParameters, float | None]:
    """A random tiny instance, its parameters and its brute-force optimum (None: infeasible)."""
    inp, params = random_tiny(seed)
    return inp, params, brute_force(inp, params)


def random_tiny(seed: int) -> tuple[OohInput, OohParameters]:
    """5 sites x 3 services with random clinicians, demand, policies and locum premiums (none,
    cheap or dear; temporary staff allowed about half the time): feasible or not."""
    rng = np.random.default_rng(seed)
    g = generate(5, 3, seed)
    sites = g.sites.assign(keeps_own_rota=rng.random(5) < 0.1)
    n = len(g.rotas)
    rotas = g.rotas.assign(
        clinicians=rng.integers(2, 11, n),
        attendances_per_night=rng.uniform(0.1, 1.2, n).round(2),
        attendances_per_weekend_day=rng.uniform(0.0, 1.0, n).round(2),
        can_host=rng.random(n) < 0.85,
    )
    # an attendance is a call the clinician goes in for: never more attendances than calls
    rotas = rotas.assign(
        calls_per_night=3 * rotas["attendances_per_night"],
        calls_per_weekend_day=4 * rotas["attendances_per_weekend_day"],
    )
    params = OohParameters(
        allow_cross_trust=bool(rng.random() < 0.7),
        cost_per_change=float(rng.choice([0.0, 20_000.0])),
        non_resident_mobilisation_minutes=float(rng.choice([0.0, 10.0])),
        max_attendances_per_night=float(rng.choice([2.0, 3.0])),
    )
    # drawn last, so the figures above are those of the seeds before temporary staff were modelled
    premium = rng.choice([math.nan, math.nan, 40.0, 400.0], size=len(g.services))
    services = g.services.assign(locum_premium_per_night=premium)
    return OohInput(sites=sites, services=services, rotas=rotas, travel=g.travel, bands=g.bands), params


@pytest.mark.parametrize("backend", FAST_BACKENDS)
@pytest.mark.parametrize("seed", range(12))
def test_optimum_equals_brute_force(seed: int, backend: str) -> None:
    inp, params, best = tiny_case(seed)
    plan = ooh.solve(inp, params, backend=backend)
    if best is None:
        assert not plan.found and plan.findings, "an impossible instance must be explained"
        assert plan.explanation == tuple(f.message for f in plan.findings)
        assert set(plan.tables()) == {"findings"} and len(plan.tables()["findings"]) == len(plan.findings)
    else:
        assert plan.result.status is Status.OPTIMAL
        assert plan.result.objective == pytest.approx(best, rel=1e-6)
        assert_checked(inp, params, plan)


def test_brute_force_cases_cover_every_outcome() -> None:
    # The seeds above must exercise feasible instances, instances the diagnosis rules out, and
    # instances only the solver proves infeasible (explained by the elastic form).
    # Some optima must fill slots with temporary staff, so the enumeration checks their cost too.
    outcomes, locum_slots = set(), 0
    for seed in range(12):
        inp, params, best = tiny_case(seed)
        outcomes.add("feasible" if best is not None else "diagnosed" if diagnose(inp, params) else "elastic")
        if best is not None:
            locum_slots += int(ooh.solve(inp, params).rotas["temporary_slots"].sum())
    assert outcomes == {"feasible", "diagnosed", "elastic"}
    assert locum_slots >= 5


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_lsc_ooh_consolidates_and_checks(backend: str) -> None:
    inp, params = lsc_ooh(), OohParameters()
    plan = ooh.solve(inp, params, backend=backend)
    assert plan.result.status is Status.OPTIMAL
    assert_checked(inp, params, plan)
    assert plan.result.objective == pytest.approx(1_494_460.564, rel=1e-6)
    assert plan.costs.loc["total", "saving"] > 0
    # Preston and Blackpool keep their own rotas; every rota is at most 1-in-N now.
    hubs = plan.coverage.set_index(["service_id", "site_id"])["hub_after"]
    assert all(hubs[k, s] == s for k, s in hubs.index if s in ("RXN02", "RXL01"))
    need = plan.rotas["service_id"].map(inp.services.set_index("service_id")["min_rota_size"])
    assert (plan.rotas["members"] >= need).all()
    assert (plan.clinicians["frequency_before"] < 8).any()
    assert len(plan.clinicians) == inp.rotas["clinicians"].sum()


def test_lsc_cross_trust_is_cheaper() -> None:
    inp = lsc_ooh()
    within = ooh.solve(inp, OohParameters())
    across = ooh.solve(inp, OohParameters(allow_cross_trust=True))
    assert across.result.objective < within.result.objective
    assert_checked(inp, OohParameters(allow_cross_trust=True), across)


def test_generated_instance_both_builds_agree() -> None:
    inp, params = generate(14, 3, 3), OohParameters(allow_cross_trust=True, cost_per_change=1_000)
    direct = ooh.solve(inp, params, backend="highs")
    viapyomo = ooh.solve(inp, params, backend="pyomo-highs")
    assert direct.result.objective == pytest.approx(viapyomo.result.objective, rel=1e-6)
    assert_checked(inp, params, direct)
    assert set(direct.timings) == {"diagnose", "build", "solve", "extract"}


def test_solver_stopping_without_plan_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    import models.ooh.pipeline as ooh_rota

    def no_plan(model: object, backend: str, options: object, build_seconds: float = 0.0) -> tuple:
        stopped = SolveResult(Status.NO_SOLUTION, None, None, None, build_seconds, 1.0, backend, "time limit")
        return stopped, None

    monkeypatch.setattr(ooh_rota, "solve_model", no_plan)
    plan = ooh.solve(two_sites(), backend="pyomo-highs", options=SolveOptions(time_limit=1))
    assert not plan.found
    assert plan.findings[0].requirement == "solver"
    assert "allow more time" in plan.explanation[0]
    assert plan.rotas.empty and plan.costs["after"].isna().all()


def test_time_limit_is_shared_so_no_service_block_is_starved(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block's limit is its share of what is left: a slow first block cannot take it all."""
    import time as clock

    import models.ooh.pipeline as rota
    from solvers import SolveOptions

    real = rota.solve_model
    limits: list[float] = []

    def slow(matrix, backend, options, **kw):  # type: ignore[no-untyped-def]
        limits.append(options.time_limit)
        if len(limits) == 1:
            clock.sleep(min(options.time_limit, 0.6))  # the first block uses its whole share
        return real(matrix, backend, options, **kw)

    monkeypatch.setattr(rota, "solve_model", slow)
    inp = generate(sites=8, services=3, seed=0)
    plan = rota.solve(inp, options=SolveOptions(time_limit=2.0))
    assert len(limits) == 3
    assert all(limit > 0.2 for limit in limits), limits
    assert limits[0] < 1.5  # its share, not the whole limit
    assert plan.found


@pytest.mark.slow
def test_the_check_of_a_large_plan_takes_a_fraction_of_its_solve() -> None:
    """The check of a 480-site, 10-service plan (ooh-scale's largest) took 3.9 s, more than the
    whole solve (diagnosis and extraction included, 3 s), and ran the run 1.1 s past --time-limit 8:
    each of its 3,182 rotas scanned the whole rota table and the bands. Measured against the solve
    on the same machine, so load slows both."""
    import time

    inp, params = generate(480, 10, 0), OohParameters()
    started = time.perf_counter()
    plan = ooh.solve(inp, params, options=SolveOptions(time_limit=120, threads=1))
    solved = time.perf_counter() - started
    started = time.perf_counter()
    checked = check_ooh_plan(inp, params, plan)
    assert checked.violations == ()
    assert time.perf_counter() - started < solved / 2
