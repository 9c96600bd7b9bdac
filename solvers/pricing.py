r"""The linear relaxation of a large :class:`MatrixModel` by column generation and row separation.

Many columns of a large model are never used at the optimum of its linear relaxation (an
allocation to a far site, say), and many of its lazy rows are never binding.  :func:`price_relaxation`
solves the relaxation over a *restricted* set of columns and rows and grows both until neither
a column nor a row is missing:

1. Solve the LP over the active columns, every ordinary row and the lazy rows added so far
   (left-out columns sit at 0, which they must allow).
2. *Pricing*: with the row duals :math:`\pi` (a lazy row not in the LP has dual 0), the reduced
   cost of every column is :math:`d = c - A^\top \pi`, one sparse matrix-vector product over the
   whole model; a left-out column with :math:`d_j < 0` could improve the LP and is added (the
   most negative first, at most ``max_columns`` a round).
3. *Separation*: the LP solution, extended by zeros, is checked against every lazy row not yet
   in the LP; violated ones are added (the most violated first, at most ``max_rows`` a round).
4. Repeat until nothing is added, the time is up (``time_limit`` or ``deadline``), a stop is
   requested (:mod:`solvers.interrupt`), the bound stalls (``stall_rounds`` rounds in a row
   each raising it by less than ``stall_tolerance``, relative), or the caller's ``enough`` says
   the bound so far is all it needs (e.g. a plan is already within the asked gap of it).  With
   ``pause_for_enough`` the seconds ``enough`` takes (a caller's plans) are not counted against
   ``time_limit``: under load the plans would otherwise take the time the bound needs.
5. *Steps* (``check_every``, with ``enough``): from the second round on, the re-solve after new
   columns and rows runs in steps of ``check_every``, then twice, three times ... that many
   simplex iterations (at most ``check_most`` a step); after each, the bound of the
   dual simplex's current row duals (valid: see below) and its current point go to ``enough``,
   which may end the pricing mid-round.  Why: the dual simplex raises its objective from the last
   optimum towards the next one, fast at first -- at 10,000 zones x 300 sites the second round's
   re-solve after 10,562 linking rows gives 99.6 % of its bound rise in 40 % of its CPU seconds
   (``benchmarks/results/sact_capacitated_10k.md``) -- so a caller holding a plan often needs no
   more.  ``stall_rounds`` and the history count whole rounds only.  With ``wake`` (an event that
   another thread sets, e.g. a plan search running beside the pricing, :mod:`solvers.beside`) a
   step also ends as soon as it is set, so that ``enough`` hears of the news at once; ``enough``
   clears it.

A valid lower bound at every round, converged or not (Lagrangian bound).  For any row multipliers
:math:`\pi` and :math:`d = c - A^\top \pi` over *all* rows and columns of the model,

.. math:: c^\top x = d^\top x + \pi^\top A x
          \ge \sum_j \min(d_j l_j, d_j u_j) + \sum_i \min(\pi_i L_i, \pi_i U_i)

for every :math:`x` with :math:`l \le x \le u`, :math:`L \le Ax \le U`: a lower bound on the LP, hence
on the MILP.  (A multiplier whose side is infinite is set to 0 first, so the bound stays finite
when it can.)  At convergence it equals the LP optimum; before, it is the best bound that the
duals prove.  Nothing here depends on simplex tolerances: the bound is recomputed from the model.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from solvers.highs_stop import HighsStop
from solvers.interrupt import stop_requested
from solvers.matrix import MatrixModel
from solvers.options import SolveOptions
from solvers.restricted_lp import (
    RETRY,
    RestrictedLP,
    add_columns,
    add_lazy_rows,
    lagrangian_bound,
    open_restricted_lp,
    price_columns,
    read_solution,
    separate_rows,
)

__all__ = [
    "PricedRelaxation",
    "PricingSession",
    "RoundPoint",
    "lagrangian_bound",
    "price_relaxation",
    "session_within",
]

ITERATION_LIMIT = "iteration_limit"  # _solve_restricted_lp: a step of check_every iterations ended
NO_ITERATION_LIMIT = 2_147_483_647  # HiGHS's own default of simplex_iteration_limit


@dataclass(frozen=True)
class RoundPoint:
    """What ``enough`` hears after a round, or after a step of a round's solve (``check_every``).

    bound : valid lower bound on the model's optimum so far (the best of every round and step).
    x : the restricted LP's point over every column (0 where left out); after a step, the dual
        simplex's current point, which may break rows of the LP.
    active : copy of the mask of the columns in the LP.
    objective : the restricted LP's objective (after a step, the dual simplex's current objective).
    settled : whether the restricted LP was solved to optimality (False after a step).
    unsettled : after a step, HiGHS's count of primal infeasibilities over the rows and columns
        added before this solve (about 1 at the start of a round's re-solve, 0 at its end); 0 when settled.
    """

    bound: float
    x: np.ndarray
    active: np.ndarray
    objective: float
    settled: bool = True
    unsettled: float = 0.0


# enough(point): the caller's stop after a round or a step (see price_relaxation)
Enough = Callable[[RoundPoint], bool]


@dataclass
class PricedRelaxation:
    """Outcome of :func:`price_relaxation`.

    status : ``optimal`` (nothing left to add), ``stalled`` (bound no longer moving), ``enough`` (the
        caller's ``enough`` said so), ``time_limit``,
        ``interrupted`` (stop requested), ``round_limit``, ``infeasible`` (the restricted LP, with
        every column, has no solution), or the HiGHS model status of a failed solve.
    bound : valid lower bound on the model's optimum (None when no LP was solved).
    objective : optimum of the last restricted LP (an upper bound on the LP over every column).
    x : the last restricted LP solution as a full column vector (0 where left out), or None; when
        ``enough`` ended the pricing after a step (``check_every``), that step's point, and
        ``objective`` the dual simplex's objective there.
    active : mask of the columns in the restricted LP; ``lazy_added``: mask of the lazy rows added.
    rounds, seconds : LP solves and wall-clock seconds.
    history : per round (seconds so far, restricted LP objective, bound, columns added, rows added).
    """

    status: str
    bound: float | None
    objective: float | None
    x: np.ndarray | None
    active: np.ndarray
    lazy_added: np.ndarray
    rounds: int
    seconds: float
    history: list[tuple[float, float, float, int, int]] = field(default_factory=list)

    def summary(self, priced: np.ndarray) -> str:
        """One line for a plan's notes: status, rounds, ``priced`` columns (a mask) taken in, rows added."""
        return (
            f"relaxation by pricing: {self.status} after {self.rounds} rounds "
            f"({int(self.active[priced].sum())} of {int(priced.sum())} arcs, "
            f"{int(self.lazy_added.sum())} linking rows)"
        )

    @property
    def converged(self) -> bool:
        return self.status == "optimal"


def price_relaxation(
    model: MatrixModel,
    priced: np.ndarray,
    initial: np.ndarray,
    *,
    time_limit: float | None = None,
    deadline: float | None = None,
    threads: int | None = None,
    max_rounds: int = 200,
    max_columns: int | None = None,
    max_rows: int | None = None,
    tolerance: float = 1e-7,
    stall_rounds: int = 3,
    stall_tolerance: float = 1e-5,
    verbose: bool = False,
    enough: Enough | None = None,
    check_every: int | None = None,
    check_most: int | None = None,
) -> PricedRelaxation:
    """Solve the linear relaxation of ``model`` by pricing columns and separating its lazy rows.

    ``priced`` marks the columns that may be left out (each must allow 0); ``initial`` those of
    them to start with.  Every other column is always in.  It ends within ``time_limit`` seconds
    and by ``deadline`` (:func:`time.monotonic` seconds, e.g. ``SolveOptions.deadline``), whichever
    is first.  ``enough`` (a :class:`RoundPoint`: the valid bound so far, the restricted LP's point
    over every column, a copy of the active mask), called after every round that would add columns
    or rows -- and with ``check_every`` after every step of a round's re-solve -- ends the pricing
    when it returns True (status ``enough``; ``x`` is then the point it heard).  See the module
    docstring.
    """
    session = PricingSession(model, priced, initial, threads=threads, verbose=verbose)
    return session.price(
        time_limit=time_limit,
        deadline=deadline,
        max_rounds=max_rounds,
        max_columns=max_columns,
        max_rows=max_rows,
        tolerance=tolerance,
        stall_rounds=stall_rounds,
        stall_tolerance=stall_tolerance,
        enough=enough,
        check_every=check_every,
        check_most=check_most,
    )


class PricingSession:
    """One restricted LP held in HiGHS across calls of :meth:`price`: :func:`price_relaxation` is one
    call; a branch and bound changes column bounds (:meth:`change_bounds`) and prices again, warm
    from the last basis, columns and rows (every column and row in the LP stays valid)."""

    def __init__(
        self,
        model: MatrixModel,
        priced: np.ndarray,
        initial: np.ndarray,
        *,
        threads: int | None = None,
        verbose: bool = False,
    ) -> None:
        self.lp, self.stop = open_restricted_lp(model, priced, initial, None, threads, verbose)

    def change_bounds(self, col_lower: np.ndarray, col_upper: np.ndarray) -> None:
        """Bounds of every column of the model (full length) for the next :meth:`price`."""
        lp = self.lp
        lp.col_lower = np.asarray(col_lower, dtype=float).copy()
        lp.col_upper = np.asarray(col_upper, dtype=float).copy()
        order = lp.col_order  # LP column k is model column order[k]
        lp.h.changeColsBounds(
            len(order), np.arange(len(order), dtype=np.int32), lp.col_lower[order], lp.col_upper[order]
        )

    def add_columns(self, columns: np.ndarray) -> None:
        """Bring the columns of mask ``columns`` into the LP now (those already in are skipped)."""
        lp = self.lp
        add_columns(lp, np.flatnonzero(np.asarray(columns, dtype=bool) & ~lp.active))

    def price(
        self,
        *,
        widen: bool = True,
        time_limit: float | None = None,
        deadline: float | None = None,
        max_rounds: int = 200,
        max_columns: int | None = None,
        max_rows: int | None = None,
        tolerance: float = 1e-7,
        stall_rounds: int = 3,
        stall_tolerance: float = 1e-5,
        enough: Enough | None = None,
        check_every: int | None = None,
        check_most: int | None = None,
        pause_for_enough: bool = False,
        wake: threading.Event | None = None,
    ) -> PricedRelaxation:
        """Price columns and separate rows under the current bounds (see :func:`price_relaxation`);
        ``widen=False``: a restricted LP that the columns in cannot solve ends the call as
        ``infeasible`` (a heuristic's fixing dropped) instead of bringing in every column.
        ``pause_for_enough``: the seconds spent in ``enough`` (a caller's plans) do not count
        against ``time_limit`` (the end moves later by them, never past ``deadline``).  ``wake``
        ends a step early when set (module docstring, point 5)."""
        t0 = time.perf_counter()
        lp, stop = self.lp, self.stop
        lp.widen = widen
        stop.end, stop.reason = _first_end(time_limit, deadline), None
        if enough is not None and pause_for_enough:
            enough = _paused(enough, stop, deadline)
        state = _Progress()
        history: list[tuple[float, float, float, int, int]] = []
        status = "round_limit"
        stalled = 0
        rounds = 0
        added = 0
        for rounds in range(1, max_rounds + 1):
            if stop.spent():
                status = _stop_status()
                rounds -= 1
                break
            steps = check_every if (rounds > 1 and enough is not None) else None
            failure = _solve_in_steps(
                lp, stop, steps, partial(state.step, lp, enough, added), check_most, wake
            )
            if failure == RETRY:
                continue
            if failure is not None:
                status = failure
                break
            previous = state.bound
            objective, x, value, d, bound = state.read(lp)
            cand = price_columns(lp, d, tolerance, max_columns)
            viol = separate_rows(lp, x, max_rows)
            history.append((time.perf_counter() - t0, objective, value, int(cand.size), int(viol.size)))
            if cand.size == 0 and viol.size == 0:
                status = "optimal"
                break
            if enough is not None and enough(state.point(lp, settled=True)):
                status = "enough"
                break
            if _bound_stalled(previous, bound, stall_tolerance):
                stalled += 1
                if stalled >= stall_rounds:
                    status = "stalled"
                    break
            else:
                stalled = 0
            add_columns(lp, cand)
            add_lazy_rows(lp, viol)
            added = int(cand.size + viol.size)
        last_objective, last_x = state.last(status)
        return PricedRelaxation(
            status=status,
            bound=state.bound,
            objective=last_objective,
            x=last_x,
            active=lp.active.copy(),
            lazy_added=lp.added.copy(),
            rounds=rounds,
            seconds=time.perf_counter() - t0,
            history=history,
        )


def session_within(
    model: MatrixModel,
    priced: np.ndarray,
    initial: np.ndarray,
    options: SolveOptions,
    share: float,
    enough: Enough | None = None,
    check_every: int | None = None,
    check_most: int | None = None,
    pause_for_enough: bool = False,
    wake: threading.Event | None = None,
) -> tuple[PricingSession, PricedRelaxation]:
    """:func:`price_relaxation` under a run's ``options`` (``share`` of its call limit, its deadline,
    threads and verbosity; ``enough``, ``check_every``, ``check_most``, ``pause_for_enough`` and ``wake`` as
    in :meth:`PricingSession.price`), and the session
    it priced in, kept warm for the caller: a dive or a branch changes bounds and prices again from
    its basis."""
    limit = options.call_limit()
    session = PricingSession(model, priced, initial, threads=options.threads, verbose=options.verbose)
    relaxation = session.price(
        time_limit=None if limit is None else share * limit,
        deadline=options.deadline,
        enough=enough,
        check_every=check_every,
        check_most=check_most,
        pause_for_enough=pause_for_enough,
        wake=wake,
    )
    return session, relaxation


def _paused(enough: Enough, stop: HighsStop, deadline: float | None) -> Enough:
    """``enough`` whose seconds move ``stop``'s end later by as much (never past ``deadline``)."""

    def call(point: RoundPoint) -> bool:
        t0 = time.monotonic()
        try:
            return enough(point)
        finally:
            if stop.end is not None:
                stop.end += time.monotonic() - t0
                if deadline is not None:
                    stop.end = min(stop.end, deadline)

    return call


def _first_end(time_limit: float | None, deadline: float | None) -> float | None:
    """The earlier of ``deadline`` and ``time_limit`` seconds from now (:func:`time.monotonic`), if any."""
    ends = [] if deadline is None else [deadline]
    if time_limit is not None:
        ends.append(time.monotonic() + time_limit)
    return min(ends) if ends else None


def _stop_status() -> str:
    """``interrupted`` when a stop was requested, else ``time_limit``."""
    return "interrupted" if stop_requested() else "time_limit"


@dataclass
class _Progress:
    """The bound so far and the last point read from the restricted LP, across rounds and steps."""

    bound: float | None = None
    objective: float | None = None
    x: np.ndarray | None = None
    settled: tuple[float, np.ndarray] | None = None  # objective and point of the last optimal LP

    def read(
        self, lp: RestrictedLP, *, settled: bool = True
    ) -> tuple[float, np.ndarray, float, np.ndarray, float]:
        """Read the LP's point and duals and keep the best bound: the LP's objective and point, the
        duals' bound and reduced costs, and the best bound so far."""
        objective, x, value, d = read_solution(lp)
        bound = value if self.bound is None else max(self.bound, value)
        self.objective, self.x, self.bound = objective, x, bound
        if settled:
            self.settled = (objective, x)
        return objective, x, value, d, bound

    def last(self, status: str) -> tuple[float | None, np.ndarray | None]:
        """The objective and point to return: a step's if ``enough`` took it, else the last optimal LP's."""
        if status == "enough" or self.settled is None:
            return self.objective, self.x
        return self.settled

    def point(self, lp: RestrictedLP, *, settled: bool, unsettled: float = 0.0) -> RoundPoint:
        assert self.bound is not None and self.x is not None and self.objective is not None
        return RoundPoint(self.bound, self.x, lp.active.copy(), self.objective, settled, unsettled)

    def step(self, lp: RestrictedLP, enough: Enough | None, added: int) -> bool:
        """After a step of a round's solve: read the point and ask ``enough``."""
        if enough is None:
            return False
        self.read(lp, settled=False)
        unsettled = float(lp.h.getInfo().num_primal_infeasibilities) / max(added, 1)
        return bool(enough(self.point(lp, settled=False, unsettled=unsettled)))


def _solve_in_steps(
    lp: RestrictedLP,
    stop: HighsStop,
    check_every: int | None,
    step: Callable[[], bool],
    check_most: int | None = None,
    wake: threading.Event | None = None,
) -> str | None:
    """Solve the restricted LP, with ``check_every`` in steps of ``k * check_every`` simplex iterations
    (``k`` = 1, 2, ...: each restart of the dual simplex costs a refactorisation and its edge weights,
    so the steps grow), each followed by ``step()`` (True: stop with ``enough``); a step also ends
    when ``wake`` is set; statuses as :func:`_solve_restricted_lp`."""
    if check_every is None:
        return _solve_restricted_lp(lp, stop)
    stop.wake = wake
    try:
        for steps in itertools.count(1):
            size = steps * check_every if check_most is None else min(steps * check_every, check_most)
            lp.h.setOptionValue("simplex_iteration_limit", int(size))
            failure = _solve_restricted_lp(lp, stop)
            if failure != ITERATION_LIMIT:
                return failure
            if step():
                return "enough"
        return None  # not reached: itertools.count never ends
    finally:
        stop.wake = None
        lp.h.setOptionValue("simplex_iteration_limit", NO_ITERATION_LIMIT)


def _solve_restricted_lp(lp: RestrictedLP, stop: HighsStop) -> str | None:
    """Solve the restricted LP: None when optimal, :data:`RETRY`, :data:`ITERATION_LIMIT` (a step
    ended) or the status to stop with."""
    import highspy

    stop.arm(mip=False)
    lp.h.run()
    ms = lp.h.getModelStatus()
    if ms == highspy.HighsModelStatus.kOptimal:
        return None
    if ms == highspy.HighsModelStatus.kIterationLimit:
        return ITERATION_LIMIT
    if ms == highspy.HighsModelStatus.kInterrupt and stop.reason == "wake":
        stop.reason = None
        return ITERATION_LIMIT  # a step ended early: the caller has news (_solve_in_steps)
    if ms == highspy.HighsModelStatus.kInfeasible and lp.widen and not lp.active.all():
        # the restricted LP cannot meet the rows: bring in every column and try again
        add_columns(lp, np.flatnonzero(~lp.active))
        return RETRY
    if ms in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
        return _stop_status()
    return "infeasible" if ms == highspy.HighsModelStatus.kInfeasible else str(ms).split(".")[-1]


def _bound_stalled(previous: float | None, bound: float, stall_tolerance: float) -> bool:
    """Whether this round raised the bound by no more than ``stall_tolerance`` (relative)."""
    return previous is not None and bound - previous <= stall_tolerance * max(1.0, abs(bound))
