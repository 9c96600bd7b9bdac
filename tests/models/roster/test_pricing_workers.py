"""Pricing in worker processes (:mod:`models.roster.pricing_workers`): the same columns, the same
dive's rota and the same proven optimum as pricing in the main process, no worker left after a
run, whether it ends or raises, and master columns that do not depend on a set's order."""

from __future__ import annotations

import multiprocessing

import highspy
import pytest

from instances.generators.rostering import generate
from models.roster import price_and_branch
from models.roster.branch_and_price import branch_and_price
from models.roster.column_generation import generate_columns, price_round
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.diving import dive
from models.roster.lines import LineModel
from models.roster.master import Master
from models.roster.price_and_branch import LinesSettings, lines_solve
from models.roster.pricing_workers import PricingWorkers, request_of
from models.roster.solve import build_roster_model
from solvers import SolveOptions
from tests.conftest import benchmark_file
from tests.models.roster.test_branch_and_price import OPTIMUM
from tests.models.roster.test_diving import seeded_master


def _ready(pricers: PricingWorkers) -> None:
    """Wait until every worker has built its models (else the main process prices everyone)."""
    for k in range(1, pricers.processes + 1):
        while not pricers.ready(k):
            multiprocessing.connection.wait([], 0.05)


@pytest.mark.slow  # 9-19 s: worker processes start and build their pricing models
def test_worker_processes_give_the_same_columns_and_dive_as_the_main_process() -> None:
    """A generated ward priced by CP-SAT (nights, fairness: count multipliers), 3 rounds of
    columns (rounds, not seconds, and pricing calls proven, not cut at 2 s: load-proof) and a dive with a pricing round after each fixing
    (the fixed people skipped): with one worker process pricing every other person, the master
    gains the same lines in the same order, every pricing model ends in the same state (hint,
    linearization), and the dive's rota is the same; a round with no time left prices nobody, and
    a stop request while the main process waits ends the worker, its people unpriced."""
    rm = build_roster_model(generate(5, 14, seed=2))
    found = []
    for processes in (0, 1):
        master, people = seeded_master(rm)
        with PricingWorkers(rm, processes) if processes else _Serial() as pricers:
            if pricers is not None:
                _ready(pricers)
            cg = generate_columns(
                rm, master, SolveOptions(), max_rounds=3, people=people, workers=1, pricers=pricers,
                price_seconds=60.0,
            )  # fmt: skip
            dived = dive(
                master, people, SolveOptions(), rounds=1, workers=1, pricers=pricers, price_seconds=60.0
            )
            assert dived is not None
            state = [(person.hint, person.linearization) for person in people]
            found.append((cg.bound, cg.rounds, master.lines, state, dived.lines, dived.penalty))
            if pricers is not None:
                _late_and_stopped(master, people, pricers)
    assert found[0][1] == 3 and found[0] == found[1]


def _late_and_stopped(master: Master, people: list[LineModel], pricers: PricingWorkers) -> None:
    """A round with no time left prices nobody; a stop request while the main process waits
    ends the worker (person 1, 3, ...: unpriced), the main process's people priced."""
    _, y = master.solve_lp(None)
    late = SolveOptions(time_limit=0.0).with_deadline()
    least, _, proven = price_round(master, people, y, y, late, 2.0, 5, pricers=pricers)
    assert least is None and not proven
    asked = {person.p: request_of(person, *master.multipliers(y, person.p), 2.0, 0, 5) for person in people}
    stopped = pricers.price(people, lambda person: asked[person.p], None, stop=lambda: True)
    assert [got is None for got in stopped] == [person.p % 2 == 1 for person in people]
    assert not pricers.ready(1) and not multiprocessing.active_children()


class _Serial:
    """``with`` stand-in for no worker processes."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.mark.parametrize("seed", [1, 6])
def test_the_tree_with_a_worker_process_proves_the_enumerated_optimum(seed: int) -> None:
    """The 3-person wards of ``test_branch_and_price`` (LP below the optimum, so the tree
    branches): with a worker pricing person 1 under each node's fixings, the tree still proves
    the enumerated optimum."""
    rm = build_roster_model(generate(3, 2, seed))
    master = Master.of(rm)
    people = [LineModel(rm, p) for p in range(len(rm.staff))]
    with PricingWorkers(rm, 1) as pricers:
        _ready(pricers)
        cg = generate_columns(rm, master, SolveOptions(), people=people, pricers=pricers)
        assert cg.converged and cg.bound is not None
        tree = branch_and_price(
            master, people, SolveOptions(time_limit=120.0), bound=cg.bound, pricers=pricers
        )
    assert tree.proven and tree.nodes > 1 and tree.penalty == tree.bound == OPTIMUM[seed]


@pytest.mark.slow  # 12 s: two lines searches with worker processes
def test_no_worker_is_left_after_a_lines_search_or_after_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """``search: lines`` with a worker process (``price_processes`` 1, ``process_people`` 0, two
    threads) on Curtois & Qu Instance1 (every person priced by the programme): the workers were
    started, and none is alive after the run; nor after a run whose column generation raises.
    No worker by default (eight people, under ``process_people``), with one thread, or where
    the programme prices nobody (a generated ward)."""
    rm = build_roster_model(
        to_roster_input(read_instance(benchmark_file("shift-scheduling", "Instance1.txt")))
    )
    started: list[PricingWorkers] = []
    real = price_and_branch.PricingWorkers

    def spied(*args: object, **kwargs: object) -> PricingWorkers:
        pricers = real(*args, **kwargs)  # type: ignore[arg-type]
        started.append(pricers)
        return pricers

    monkeypatch.setattr(price_and_branch, "PricingWorkers", spied)
    settings = LinesSettings(price_processes=1, process_people=0)
    result, _, _ = lines_solve(rm, SolveOptions(time_limit=5.0, threads=2), settings=settings)
    assert result.has_plan and len(started) == 1
    assert not multiprocessing.active_children()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("pricing broke")

    monkeypatch.setattr(price_and_branch, "generate_columns", broken)
    with pytest.raises(RuntimeError, match="pricing broke"):
        lines_solve(rm, SolveOptions(time_limit=5.0, threads=2), settings=settings)
    assert len(started) == 2 and not multiprocessing.active_children()
    monkeypatch.undo()
    monkeypatch.setattr(price_and_branch, "PricingWorkers", spied)
    ward = build_roster_model(generate(4, 7, seed=3))
    for model, threads, settings in (
        (rm, 2, LinesSettings()),
        (rm, 1, LinesSettings(price_processes=1, process_people=0)),
        (ward, 2, LinesSettings(price_processes=1, process_people=0)),
    ):
        lines_solve(model, SolveOptions(time_limit=2.0, threads=threads), settings=settings)
    assert len(started) == 2  # too few people; one thread; nobody priced by the programme: no worker


def test_the_masters_columns_hold_their_entries_in_row_order() -> None:
    """A line's shifts are a set, iterated in an order that follows the process's string hashes;
    the master gives HiGHS each column's entries sorted by row, so a line priced in a worker (or
    in another run) makes the same LP, and the same multipliers among equal optima."""
    rm = build_roster_model(generate(5, 14, seed=2))
    master, _ = seeded_master(rm)
    matrix = master.h.getLp().a_matrix_
    assert matrix.format_ == highspy.MatrixFormat.kColwise
    start, index = list(matrix.start_), list(matrix.index_)
    columns = [index[start[c] : start[c + 1]] for c in master.line_cols]
    assert all(len(rows) > 2 for rows in columns)  # the person's row, cover rows, counts
    assert all(rows == sorted(rows) for rows in columns)
