"""Column generation for the linear relaxation (solvers.pricing) and restricted models (MatrixModel)."""

from __future__ import annotations

import numpy as np
import pytest

from solvers import MatrixModel, SolveOptions, Status, solve_matrix
from solvers.pricing import PricingSession, RoundPoint, lagrangian_bound, price_relaxation


def facility(num_customers: int = 30, num_sites: int = 8, seed: int = 0, lazy: bool = True) -> MatrixModel:
    """Capacitated facility location, per-arc linking rows in the lazy pool (or none)."""
    rng = np.random.default_rng(seed)
    cust = rng.uniform(0, 10, (num_customers, 2))
    site = rng.uniform(0, 10, (num_sites, 2))
    dist = np.hypot(*(cust[:, None, :] - site[None, :, :]).transpose(2, 0, 1))
    demand = rng.integers(1, 5, num_customers).astype(float)
    m = MatrixModel("facility")
    y = m.add_variables("open", num_sites, upper=1.0, cost=rng.uniform(20, 40, num_sites), integer=True)
    c = np.repeat(np.arange(num_customers), num_sites)
    s = np.tile(np.arange(num_sites), num_customers)
    x = m.add_variables("serve", len(c), upper=1.0, cost=(demand[:, None] * dist).ravel())
    m.add_constraints("demand", num_customers, c, x, 1.0, lower=1.0, upper=1.0)
    cap = np.full(num_sites, 1.6 * demand.sum() / num_sites)
    m.add_constraints(
        "capacity",
        num_sites,
        np.concatenate([s, np.arange(num_sites)]),
        np.concatenate([x, y]),
        np.concatenate([demand[c], -cap]),
        upper=0.0,
    )
    if lazy:
        r = np.arange(len(c))
        m.add_constraints(
            "link",
            len(c),
            np.concatenate([r, r]),
            np.concatenate([x, y[s]]),
            np.concatenate([np.ones(len(c)), -np.ones(len(c))]),
            upper=0.0,
            lazy=True,
        )
    return m


def relaxed(model: MatrixModel) -> MatrixModel:
    model._integer = [np.zeros(b.size, bool) for b in model.variable_blocks.values()]
    return model


def strong_lp(model: MatrixModel) -> float:
    """The LP with every lazy row as an ordinary row."""
    whole = relaxed(model.restricted(np.ones(model.num_cols, bool), lazy_rows=np.ones(model.num_lazy, bool)))
    result, _ = solve_matrix(whole)
    assert result.status is Status.OPTIMAL
    return float(result.objective)


def nearest(model: MatrixModel, k: int) -> np.ndarray:
    """The k cheapest arcs of every customer (arcs are customer-major, 8 sites each)."""
    x = model.variable_blocks["serve"]
    cost = model.cost[x.index].reshape(-1, 8)
    rank = np.argsort(np.argsort(cost, axis=1), axis=1).ravel()
    mask = np.zeros(model.num_cols, bool)
    mask[x.index[rank < k]] = True
    return mask


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 3])
def test_pricing_reaches_the_strong_relaxation(seed: int, k: int) -> None:
    model = facility(seed=seed)
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["serve"].index] = True
    r = price_relaxation(model, priced, nearest(model, k), stall_rounds=1000)
    assert r.status == "optimal"
    assert r.bound == pytest.approx(strong_lp(model), rel=1e-7)
    assert r.objective == pytest.approx(strong_lp(model), rel=1e-7)
    assert r.lazy_added.sum() < model.num_lazy
    assert model.max_violation(r.x) <= 1e-6  # the LP point, extended by zeros, meets every row
    if k == 3:  # (one arc each cannot meet capacity: then every column comes in)
        assert r.active.sum() < model.num_cols


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_a_session_prices_again_under_new_bounds_as_a_fresh_relaxation_would(value: float) -> None:
    """Fixing a site open or shut in a session that has priced already: the same relaxation as
    a fresh one of the model with that site fixed, and the bounds come back undone."""
    model = facility(seed=4)
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["serve"].index] = True
    session = PricingSession(model, priced, nearest(model, 3))
    root = session.price(stall_rounds=1000)
    site = int(np.argmin(np.abs(model.values(root.x, "open") - 0.5)))
    assert 1e-4 < root.x[site] < 1 - 1e-4  # the relaxation opens it in part
    lower, upper = model.col_lower, model.col_upper
    lower[site] = upper[site] = value
    session.change_bounds(lower, upper)
    child = session.price(stall_rounds=1000)
    fixed = model.restricted(np.ones(model.num_cols, bool), col_lower=lower, col_upper=upper)
    assert child.status == "optimal" and child.x[site] == pytest.approx(value)
    assert child.bound == pytest.approx(strong_lp(fixed), rel=1e-7)
    assert child.bound > root.bound + 1e-6
    session.change_bounds(model.col_lower, model.col_upper)
    assert session.price(stall_rounds=1000).bound == pytest.approx(root.bound, rel=1e-7)


def test_bound_is_valid_before_convergence() -> None:
    model = facility(seed=3)
    optimum = strong_lp(model)
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["serve"].index] = True
    for rounds in (1, 2, 3):
        r = price_relaxation(model, priced, nearest(model, 3), max_rounds=rounds, max_rows=5, max_columns=3)
        assert r.bound is not None and r.bound <= optimum + 1e-7


@pytest.mark.parametrize("seed", [0, 3])
def test_steps_of_a_round_report_valid_bounds_and_end_where_enough_says(seed: int) -> None:
    """check_every: the re-solves of rounds 2+ run in steps; every step's bound (from the dual
    simplex's current duals) is valid and never falls; left alone, the relaxation ends as it
    would without steps; stopped at the first step, it returns that step's point and bound."""
    model = facility(num_customers=60, seed=seed)
    optimum = strong_lp(model)
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["serve"].index] = True
    heard: list[RoundPoint] = []

    def listen(point: RoundPoint) -> bool:
        heard.append(point)
        return False

    whole = price_relaxation(
        model, priced, nearest(model, 3), stall_rounds=1000, enough=listen, check_every=1
    )
    steps = [p for p in heard if not p.settled]
    assert len(steps) >= 3 and all(p.unsettled >= 0 for p in steps) and steps[0].unsettled > 0
    assert whole.status == "optimal" and whole.bound == pytest.approx(optimum, rel=1e-7)
    bounds = [p.bound for p in heard]
    assert all(b <= optimum + 1e-7 for b in bounds) and bounds == sorted(bounds)
    first = next(p for p in heard if not p.settled)
    stopped = price_relaxation(
        model, priced, nearest(model, 3), enough=lambda p: not p.settled, check_every=1
    )
    assert stopped.status == "enough" and stopped.rounds == 2
    assert stopped.bound == pytest.approx(first.bound) and stopped.bound <= optimum + 1e-7
    assert np.array_equal(stopped.x, first.x)


def test_lagrangian_bound_for_any_multipliers() -> None:
    """Whatever the multipliers, the bound never exceeds the LP optimum."""
    model = relaxed(facility(seed=4, lazy=False))
    optimum, _ = solve_matrix(model)
    rng = np.random.default_rng(0)
    a = model.matrix()
    for _ in range(20):
        duals = rng.normal(0, 5, model.num_rows)
        value, d = lagrangian_bound(
            model.cost, model.col_lower, model.col_upper, a, model.row_lower, model.row_upper, duals
        )
        assert value <= optimum.objective + 1e-7
        assert d.shape == (model.num_cols,)


def test_infeasible_restriction_brings_in_every_column() -> None:
    """Each customer's one cheapest arc cannot meet capacity: pricing must widen, not fail."""
    model = facility(seed=5, lazy=False)
    model.add_constraints("tight", 1, np.zeros(8), model.variable_blocks["open"].index, 1.0, upper=3.0)
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["serve"].index] = True
    r = price_relaxation(model, priced, nearest(model, 1))
    full, _ = solve_matrix(relaxed(facility(seed=5, lazy=False)))
    assert r.status in ("optimal", "infeasible")
    if r.status == "optimal":
        assert r.bound is not None and r.bound >= full.objective - 1e-6


def test_priced_columns_must_allow_zero() -> None:
    model = facility(lazy=False)
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["open"].index[0]] = True
    lower = model._col_lower[0]
    lower[0] = 1.0
    with pytest.raises(ValueError, match="allow the value 0"):
        price_relaxation(model, priced, np.zeros(model.num_cols, bool))


# --------------------------------------------------------------------------- restricted models


def test_restricted_model_keeps_blocks_and_maps_back() -> None:
    model = facility(num_customers=6, seed=6)
    keep = nearest(model, 2) | ~np.isin(np.arange(model.num_cols), model.variable_blocks["serve"].index)
    sub = model.restricted(keep, lazy_rows=np.arange(model.num_lazy) < 4)
    assert list(sub.variable_blocks) == ["open", "serve"]
    assert sub.variable_blocks["serve"].size == 12
    assert list(sub.constraint_blocks) == ["demand", "capacity", "link"]
    assert sub.constraint_blocks["link"].size == 4 and sub.lazy_blocks["link:lazy"].size == model.num_lazy - 4
    result, xs = solve_matrix(sub, SolveOptions(gap=0.0))
    assert result.status is Status.OPTIMAL
    x = sub.expand(xs, model.num_cols)
    assert model.max_violation(x) <= 1e-7  # a plan of the restriction is a plan of the model
    assert model.objective_value(x) == pytest.approx(result.objective)
    whole, _ = solve_matrix(model, SolveOptions(gap=0.0))
    assert whole.objective <= result.objective + 1e-7


def test_restricted_model_with_fixed_integers() -> None:
    model = facility(num_customers=6, seed=7)
    lower, upper = model.col_lower, model.col_upper
    y = model.variable_blocks["open"].index
    lower[y[:6]] = 1.0
    upper[y[6:]] = 0.0
    sub = model.restricted(np.ones(model.num_cols, bool), keep_lazy=False, col_lower=lower, col_upper=upper)
    assert sub.num_lazy == 0
    result, xs = solve_matrix(sub, SolveOptions(gap=0.0))
    assert result.status is Status.OPTIMAL
    np.testing.assert_allclose(sub.values(xs, "open"), [1, 1, 1, 1, 1, 1, 0, 0])
    with pytest.raises(ValueError, match="allow the value 0"):
        model.restricted(~np.isin(np.arange(model.num_cols), y[:1]), col_lower=lower)
    with pytest.raises(ValueError, match="not a restricted model"):
        model.expand(np.zeros(model.num_cols), model.num_cols)


def test_stop_at_ends_a_milp_at_a_good_enough_plan() -> None:
    model = facility(num_customers=40, num_sites=8, seed=8)
    best, _ = solve_matrix(model, SolveOptions(gap=0.0))
    result, x = solve_matrix(model, SolveOptions(gap=0.0), stop_at=best.objective * 1.5)
    assert result.has_plan and x is not None
    assert result.objective <= best.objective * 1.5 + 1e-6
    assert model.max_violation(x) <= 1e-6


def test_relax_solves_the_linear_relaxation() -> None:
    """``relax=True`` drops integrality: the LP optimum, at most the MILP's, with fractional opens."""
    model = facility(lazy=False)
    lp, x_lp = solve_matrix(model, SolveOptions(threads=1), relax=True)
    mip, _ = solve_matrix(model, SolveOptions(threads=1))
    assert lp.status is Status.OPTIMAL and mip.status is Status.OPTIMAL
    assert lp.objective == pytest.approx(lp.bound)
    assert lp.objective <= mip.objective + 1e-6
    y = model.values(x_lp, "open")
    assert not np.allclose(y, np.round(y))


def test_pricing_with_a_new_thread_count_after_another_solve() -> None:
    """HiGHS keeps one thread pool per process: pricing with threads=1 after a default solve works."""
    model = facility()
    solve_matrix(facility(lazy=False), SolveOptions())
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["serve"].index] = True
    out = price_relaxation(model, priced, nearest(model, 3), threads=1, stall_rounds=1000)
    assert out.status == "optimal"
    assert out.bound == pytest.approx(strong_lp(model), rel=1e-7)


def test_check_most_caps_the_steps_and_ends_where_the_steps_would() -> None:
    """check_most: steps of at most that many iterations (here 1, against 1, 2, 3 ... uncapped), so
    more steps are heard; the relaxation still ends at the strong LP bound."""
    model = facility(num_customers=60, seed=0)
    optimum = strong_lp(model)
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["serve"].index] = True
    counts = []
    for most in (None, 1):
        heard: list[RoundPoint] = []
        r = price_relaxation(
            model,
            priced,
            nearest(model, 3),
            stall_rounds=1000,
            enough=lambda p, heard=heard: heard.append(p) is not None,
            check_every=1,
            check_most=most,
        )
        assert r.status == "optimal" and r.bound == pytest.approx(optimum, rel=1e-7)
        counts.append(sum(not p.settled for p in heard))
    assert counts[1] > counts[0] >= 3


def test_paused_enough_moves_the_end_later_by_its_own_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    """``pause_for_enough``: 7 s spent in ``enough`` move the end from 100 to 107, never past the
    deadline (104 in the second case)."""
    from types import SimpleNamespace

    import solvers.pricing as pricing

    clock = iter([10.0, 17.0, 20.0, 27.0])
    monkeypatch.setattr(pricing.time, "monotonic", lambda: next(clock))
    stop = SimpleNamespace(end=100.0)
    call = pricing._paused(lambda point: False, stop, None)
    assert call(None) is False
    assert stop.end == pytest.approx(107.0)
    stop.end = 100.0
    capped = pricing._paused(lambda point: True, stop, 104.0)
    assert capped(None) is True
    assert stop.end == pytest.approx(104.0)


def test_wake_ends_a_step_early_and_enough_hears_the_point() -> None:
    """``wake`` (news from a search beside the pricing): with steps far longer than a round's
    re-solve no step point is heard; with ``wake`` set, round 2's re-solve ends its step at once,
    ``enough`` hears that unsettled point (and clears the event), and the relaxation goes on to the
    strong LP bound as without it: a wake is not a stop."""
    import threading

    model = facility(num_customers=60, seed=0)
    optimum = strong_lp(model)
    priced = np.zeros(model.num_cols, bool)
    priced[model.variable_blocks["serve"].index] = True
    counts = []
    for woken in (False, True):
        wake = threading.Event()
        if woken:
            wake.set()
        heard: list[RoundPoint] = []

        def listen(point: RoundPoint, heard: list[RoundPoint] = heard, wake: threading.Event = wake) -> bool:
            heard.append(point)
            if not point.settled:
                wake.clear()
            return False

        session = PricingSession(model, priced, nearest(model, 3))
        r = session.price(stall_tolerance=0.0, enough=listen, check_every=10**6, wake=wake)
        assert r.status == "optimal" and r.bound == pytest.approx(optimum, rel=1e-7)
        assert all(p.bound <= optimum + 1e-7 for p in heard)
        counts.append(sum(not p.settled for p in heard))
        assert not wake.is_set()
    assert counts == [0, 1]
