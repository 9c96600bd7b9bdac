"""The split of the rotas on their shifts short (:meth:`models.roster.master.Master.limit_short`),
the lines search's tree on the LP's side of it (:func:`models.roster.price_and_branch._short_side`)
and RENS under the split's row (:func:`models.roster.rens.limit_short`).

The ward: ``generate(4, 3, 1)`` with two people preferred on every plain early and late shift at 4
points a shift short, more than four people can give. Its master LP is 75.5 with 6 shifts short;
the best rota with at most ``k`` short, by CP-SAT on the whole model with the under-cover total
held at most ``k`` (an independent method): 80 for 6, 92 for 5, 104 for 4, none for 3; the best
with at least 7 short costs 105."""

from __future__ import annotations

import math

import pytest
from ortools.sat.python import cp_model

import models.roster.price_and_branch as pab
from instances.generators.rostering import generate
from models.roster.best_response import HARD, repair
from models.roster.branch_and_price import BranchSettings, branch_and_price
from models.roster.column_generation import generate_columns
from models.roster.input import RosterInput
from models.roster.lines import Line, LineModel, line_of_rota
from models.roster.master import Master
from models.roster.price_and_branch import LinesSettings, _short_side
from models.roster.rens import limit_short, rens
from models.roster.solve import build_roster_model
from models.roster.vars import RosterModel
from solvers import SolveOptions

SIDES = {6: 80, 5: 92, 4: 104, 3: None}
"""The least penalty of the ward's rotas with at most ``k`` shifts short (None: no rota)."""


def _ward() -> RosterInput:
    inp = generate(4, 3, 1)
    cover = inp.cover.copy()
    plain = (cover["skill"].astype(str) == "") & cover["shift_id"].isin(["E", "L"])
    cover.loc[plain, ["preferred", "under_weight"]] = [2, 4]
    return inp.replace(cover=cover)


def _best(rm: RosterModel, least: int = 0, most: int | None = None) -> tuple[float, int, list[Line]] | None:
    """CP-SAT's optimum of the whole model with the shifts short within ``[least, most]``: its
    penalty, its shifts short and its lines (None: no such rota)."""
    model = rm.model.clone()
    short = sum(t.amount for t in rm.terms if t.rule == "under_cover")
    model.add(short >= least)
    if most is not None:
        model.add(short <= most)
    model.minimize(sum(t.weight * t.amount for t in rm.terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    code = solver.solve(model)
    if code == cp_model.INFEASIBLE:
        return None
    assert code == cp_model.OPTIMAL
    lines = [line_of_rota(rm, p, solver.value) for p in range(len(rm.staff))]
    return solver.objective_value, int(solver.value(short)), lines


@pytest.fixture(scope="module")
def ward() -> RosterModel:
    return build_roster_model(_ward())


def _converged(rm: RosterModel) -> tuple[Master, list[LineModel], float]:
    master = Master.of(rm)
    people = [LineModel(rm, p) for p in range(len(rm.staff))]
    cg = generate_columns(rm, master, SolveOptions(), people=people, workers=1)
    assert cg.converged and cg.bound is not None
    return master, people, cg.bound


def test_the_sides_by_cp_sat(ward: RosterModel) -> None:
    for most, least in SIDES.items():
        best = _best(ward, most=most)
        assert (None if best is None else best[0]) == least
    worse = _best(ward, least=7)
    assert worse is not None and worse[0] == 105


def test_the_lp_and_a_rota_count_their_shifts_short(ward: RosterModel) -> None:
    master, _, _ = _converged(ward)
    solved = master.solve_lp(None)
    assert solved is not None and solved[0] == pytest.approx(75.5)
    assert master.short_total() == pytest.approx(6.0)
    for least in (0, 7):
        best = _best(ward, least=least)
        assert best is not None
        assert master.short_of(best[2]) == best[1]


@pytest.mark.parametrize("dives", [1, 8])
@pytest.mark.parametrize("most", sorted(SIDES))
def test_the_tree_under_the_row_proves_each_side_and_the_row_lifts(
    ward: RosterModel, most: int, dives: int
) -> None:
    """Depth first, one dive or several from the root (as the search runs it): each side's
    enumerated optimum, proven."""
    master, people, _ = _converged(ward)
    master.limit_short(most)
    settings = BranchSettings(order="depth", dives=dives)
    tree = branch_and_price(master, people, SolveOptions(time_limit=60.0), settings=settings, workers=1)
    master.limit_short()
    assert tree.proven
    assert tree.penalty == SIDES[most]
    if SIDES[most] is None:
        assert tree.lines is None and tree.bound == math.inf
    else:
        assert tree.lines is not None and master.short_of(tree.lines) <= most
    assert master.short_row is not None and master.hi[master.short_row] == math.inf
    lifted = master.solve_lp(None)
    assert lifted is not None and lifted[0] == pytest.approx(75.5)


@pytest.mark.parametrize("most", [6, 5, 3])
def test_the_search_takes_the_lps_side_from_a_rota_on_the_other(ward: RosterModel, most: int) -> None:
    """From the best rota with seven short (105): the side's optimum where it is better (80, 92),
    the rota itself where the side holds none; the row lifted after."""
    master, people, bound = _converged(ward)
    worse = _best(ward, least=7)
    assert worse is not None
    record: dict[str, object] = {}
    options = SolveOptions(time_limit=60.0, threads=1)
    lines, penalty = _short_side(
        master, people, options, LinesSettings(), record, (worse[2], worse[0]), most, bound
    )
    least = SIDES[most]
    assert penalty == (105 if least is None else least)
    if least is None:
        assert master.short_of(lines) == 7
    else:
        assert master.short_of(lines) <= most
    assert record["short_most"] == most and record["short_found"] == 7
    assert record["short_penalty"] == least
    assert 1 <= record["short_dives"] <= LinesSettings().short_dives  # type: ignore[operator]
    rotas = record["short_rotas"]
    assert isinstance(rotas, list)
    assert [r[3] for r in rotas][-1:] == ([] if least is None else [least])
    assert master.short_row is not None and master.hi[master.short_row] == math.inf


def test_a_rota_on_the_lps_side_already_runs_no_tree(ward: RosterModel) -> None:
    master, people, bound = _converged(ward)
    best = _best(ward, most=6)
    assert best is not None
    record: dict[str, object] = {}
    found = (best[2], best[0])
    options = SolveOptions(time_limit=60.0, threads=1)
    assert _short_side(master, people, options, LinesSettings(), record, found, 6, bound) is found
    assert record == {"short_most": 6, "short_found": best[1]} and master.short_row is None


@pytest.mark.parametrize("dive_after_short", [False, True])
def test_the_trees_better_rota_goes_on_without_the_dive_and_the_mip(
    ward: RosterModel, dive_after_short: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phase 3 from a neighbourhood rota with seven short (105): the tree on the LP's six-short
    side finds the optimum 80, and it is returned without the dive and the MIP, which search the
    whole LP again; with ``dive_after_short`` they run after it and the best is still 80."""
    master, people, bound = _converged(ward)
    worse = _best(ward, least=7)
    assert worse is not None
    monkeypatch.setattr(pab, "_relaxed", lambda *args, **kwargs: (worse[2], worse[0]))
    dives: list[int] = []
    real = pab._dived

    def watched(*args: object, **kwargs: object) -> object:
        dives.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pab, "_dived", watched)
    record: dict[str, object] = {}
    settings = LinesSettings(dive_after_short=dive_after_short)
    options = SolveOptions(time_limit=60.0, threads=1)
    found = pab._rota_from_master(master, people, options, settings, record, converged=True, bound=bound)
    assert found is not None and found[1] == pytest.approx(SIDES[6])
    assert record["short_most"] == 6 and record["short_penalty"] == SIDES[6]
    assert dives == ([1] if dive_after_short else [])
    assert ("mip_penalty" in record) is dive_after_short


def test_the_repair_reads_the_cover_as_before_once_the_row_exists(ward: RosterModel) -> None:
    """The row puts a second entry in each under-cover slack's column; the repair's view of the
    cover (weights, hard limits) must not change with it: the same repaired rota as without the
    row, and a legal one."""
    worse = _best(ward, least=7)
    assert worse is not None
    penalties = []
    for split in (False, True):
        master, people, _ = _converged(ward)
        if split:
            master.limit_short(6)
            master.limit_short()
        fixed = repair(master, people, worse[2], SolveOptions(time_limit=30.0), ruin=0)
        penalties.append(fixed.penalty)
    assert penalties[0] == penalties[1] < HARD


@pytest.mark.parametrize("most", sorted(SIDES))
def test_the_row_on_the_whole_model_gives_each_sides_optimum(ward: RosterModel, most: int) -> None:
    """Row R2 (:func:`models.roster.rens.limit_short`, built from the master's cover rows) on the
    whole CP-SAT model gives the optimum of each side found by the under-cover terms (``_best``):
    two ways of counting the shifts short agree."""
    master, _, _ = _converged(ward)
    model = ward.narrowed()
    limit_short(model, master, most)
    model.minimize(sum(t.weight * t.amount for t in ward.terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    code = solver.solve(model)
    if SIDES[most] is None:
        assert code == cp_model.INFEASIBLE
    else:
        assert code == cp_model.OPTIMAL and solver.objective_value == SIDES[most]


@pytest.mark.parametrize("most", sorted(SIDES))
def test_rens_under_the_row_keeps_to_the_lps_side(ward: RosterModel, most: int) -> None:
    """RENS's neighbourhood (the LP's 25 integral assignments of 33 fixed) holds the side's
    optimum 80 with six short, and no rota with fewer: without the row RENS gives that 80; under
    "at most six" the same; under five, four or three none, proven (the whole model has 92 with
    five, but not in this neighbourhood)."""
    master, _, _ = _converged(ward)
    options = SolveOptions(time_limit=60.0, threads=1)
    free = rens(master, options, local_search=False)
    assert free.lines is not None and free.penalty == SIDES[6] and master.short_of(free.lines) == 6
    rounding = rens(master, options, local_search=False, most_short=most)
    if most >= 6:
        assert rounding.status == "OPTIMAL" and rounding.penalty == SIDES[6]
        assert rounding.lines is not None and master.short_of(rounding.lines) <= most
    else:
        assert rounding.lines is None and rounding.status == "INFEASIBLE"


@pytest.mark.parametrize("under_gap", [0.0, 1.0])
def test_phase_3_searches_the_neighbourhood_again_under_the_row_when_asked(
    ward: RosterModel, under_gap: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a neighbourhood rota with seven short (105) within ``rens_under_gap`` of the bound,
    RENS runs again under "at most the LP's six": its rota has at most six short and goes on in
    place of the 105 (the tree on the split then has nothing to do); with the gate at 0 it does
    not run and the tree takes the 105."""
    master, people, bound = _converged(ward)
    worse = _best(ward, least=7)
    assert worse is not None
    monkeypatch.setattr(pab, "_relaxed", lambda *args, **kwargs: (worse[2], worse[0]))
    record: dict[str, object] = {}
    settings = LinesSettings(rens_under_gap=under_gap, rens_local_search=False)
    options = SolveOptions(time_limit=60.0, threads=1)
    found = pab._rota_from_master(master, people, options, settings, record, converged=True, bound=bound)
    assert found is not None and found[1] < worse[0]
    if under_gap:
        under = record["rens_under_penalty"]
        assert isinstance(under, int) and SIDES[6] <= under < worse[0]
        assert record["short_found"] <= 6 and "short_penalty" not in record
    else:
        assert "rens_under_penalty" not in record
        assert record["short_found"] == 7 and record["short_penalty"] == SIDES[6]
