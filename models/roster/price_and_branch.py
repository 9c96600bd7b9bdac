"""The ``lines`` search: CP-SAT, column generation over people's lines of work, and price-and-branch.

Within the caller's time limit (shares of it, :class:`LinesSettings`):

1. *First rota*: CP-SAT on the whole model for ``first_share`` of the limit, at most
   ``first_seconds`` (its proven bound is kept), then best-response repair
   (:func:`models.roster.best_response.repair`, when only cover couples people) to a 1-opt
   local optimum for at most ``early_share``; without a CP-SAT rota the repair starts from each
   person's own best line.
2. *Bound*: column generation (:func:`models.roster.column_generation.generate_columns`) seeded
   with the first rota's lines (so the master LP is feasible at once), for ``columns_share``; it
   stops early when its bound reaches the first rota's penalty or the LP can give no more.
3. *A rota from the lines*: the relaxation-enforced neighbourhood search
   (:func:`models.roster.rens.rens`: the assignments the LP holds at 0 or 1 fixed, CP-SAT on
   the rest) for ``rens_share`` of the time left (done when its rota reaches the bound; again
   with the next seed, up to ``rens_tries``, while its rota is near the bound; once more, under
   "at most the LP's shifts short", when its rota is within ``rens_under_gap`` of the bound and
   leaves more short, :func:`_relaxed_under`); when its rota is not near the bound and leaves
   more shifts short than the LP (rounded up), the tree depth first on the LP's side of that
   split for ``short_share`` of the time left (:func:`_short_side`; when it finds a better rota,
   that rota goes on to the repair, with no dive or MIP), then a dive
   (:func:`models.roster.diving.dive`: fix the people whose line the LP is surest of, price the
   others again, repeat) for ``dive_share`` of the time left, then the HiGHS MIP over
   every generated line (:func:`rota_from_columns`, price-and-branch) for ``mip_share`` of the
   time left, started from the dive's rota if any: a legal rota, often close to the bound; then
   best-response repair with ruin and recreate of the best of the three for ``repair_share`` of
   the time left (or until it reaches the bound).
   When the better of the neighbourhood's and the dive's rota is more than ``far_gap`` above
   the bound (off by default), there is no
   MIP, the repair has ``far_repair_share`` and the polish is the large-neighbourhood search for
   all the rest, without the tree.
4. *Polish*: CP-SAT on the whole model for its share of the time, hinted with the better rota,
   with the column-generation bound as a constraint on the objective (valid: no rota scores
   below it), so CP-SAT stops as soon as it reaches the bound (or, ``polish: "lns"``, the
   large-neighbourhood search from that rota). Skipped when the rota reaches the bound already.
   It has ``1 - bandp_share`` of the time left.
   When the rota is within ``bandp_gap`` of the bound, so that the tree follows, the repair and
   the polish have at most ``repair_seconds`` and ``polish_seconds``: only the tree proves, and
   at long limits their shares kept it waiting.
5. *Branch-and-price* (:func:`models.roster.branch_and_price.branch_and_price`) for the rest,
   from the best rota so far and the bound, when the polish did not prove its rota and its gap
   is at most ``bandp_gap`` (else the polish goes on from its rota for the rest): column
   generation at every node of a tree that branches on one person's day, then (day, shift); its bound
   (the least over its open nodes) is a proven bound of the whole model, and an exhausted tree
   proves its rota optimal.

Pricing runs ``options.threads`` people at a time (each the dynamic programme of
:mod:`models.roster.line_paths` where it applies, else a one-worker CP-SAT solve): in
``price_processes`` worker processes beside the main one (:mod:`models.roster.pricing_workers`;
the programme holds the interpreter's lock, so threads take turns), started after the first
CP-SAT solve and ended when the search ends, when the model has at least ``process_people``
people, the programme prices at least half of them and the run has more than one thread (one
worker by default); else in threads of the main process.

The bound reported is the largest of CP-SAT's, column generation's and the tree's (valid lower bounds of
the whole model; see :mod:`models.roster.master`); when it reaches the rota's penalty the rota is
proven optimal. Pricing and the master run on the wall clock, so two runs may differ: the plan
records ``reproducible: false``.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.roster.best_response import HARD, applies, repair
from models.roster.branch_and_price import BranchSettings, Tree, branch_and_price
from models.roster.column_generation import ColumnGeneration, generate_columns, rota_from_columns
from models.roster.diving import Dive, day_dive, dive
from models.roster.lines import Line, LineModel, line_of_rota
from models.roster.master import Master
from models.roster.pricing_workers import PricingWorkers
from models.roster.rens import as_found, rens
from models.roster.search import LnsSettings, lns_solve
from models.roster.valued import value_rota
from models.roster.vars import RosterModel
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_cpsat, stop_requested
from solvers.interrupt import stopped_early_message

__all__ = ["LinesSettings", "lines_solve"]


@dataclass(frozen=True)
class LinesSettings:
    """Figures of the ``lines`` search (shares of the time limit, or seconds).

    first_share : float
        Share of the time limit for the first whole-model CP-SAT solve (default 0.05: 3 s of 60
        prove Curtois & Qu Instance1 optimal; 0.15 took time from column generation for a rota
        the later phases improve anyway).
    first_seconds : float
        Most seconds for that first solve, whatever the limit (default 5: the share of a 60-s
        limit, 3 s, is under it). At 600 s the share alone gave it 30 s, and Curtois & Qu
        Instances 2-4, which CP-SAT does not prove there, took 30-32 s against 4-5 s at 60 s
        (``benchmarks/results/shift-lines-600``); with the cap 5.4-6.5 s (``roster_search.md``,
        2026-12-05).
    columns_share : float
        Most share of the time limit for column generation (default 0.5).
    rens_share : float
        Share of the time left after column generation for the relaxation-enforced neighbourhood
        search (:func:`models.roster.rens.rens`: the assignments the LP holds at 0 or 1 fixed,
        CP-SAT on the rest), before the dive (default 0.8; 0: none). Its rota, the dive's and
        the MIP's: the best goes on. At 60 s on Curtois & Qu (a prototype given 15 s, 2026-12-05)
        it found 439, 4,631 and 3,443 on Instances 9-11 (the best known) where the dive found
        854, 4,744 and 3,652, and 4,141 on Instance12 against the dive's 9,307; on Instance5 the
        dive was better (1,146 against 1,241), so the dive still follows. Instance12 with 0.5:
        4,140; with 0.8: 4,041 and 4,142 (``roster_search.md``, 2026-12-05 23:26-).
    rens_seconds : float
        Most seconds for that search, whatever the share (default 15), so that the tree on the
        shifts-short split (``short_share``) and, at long limits, the tree that proves are not
        kept waiting (as ``repair_seconds``). On Instance8 it gave 1,496 in 15 s and 1,397 in
        120 s, both with thirteen or more short shifts; with 15 instead of 30 at 60 s the tree on
        the split had 28-29 s and found 1,309, 1,326 and 1,334 (``roster_search.md``, 2026-12-06
        07:29-); Instances 9 and 12 kept 439 and 4,040.
    rens_limit_share : float
        Share of the time limit that search may have when it is more than ``rens_seconds``
        (default 0.05: 30 s at 600 s, 3 s at 60 s, where ``rens_seconds`` rules). At 600 s with
        15 s, RENS stopped at 4,140 on Instance12 (2.5 % above its bound, 41 short against the
        LP's 40), the tree on the split found nothing in 60 s and the run ended at 4,140, where
        with 30 s RENS reached 4,040 and the run was proven in 52 s.
    rens_local_search : bool
        That search by CP-SAT's local search alone (default True; :func:`models.roster.rens.rens`'s
        ``local_search``: on Instance12's neighbourhood 4,040-4,041 in 20 s against 4,141-4,242 by
        CP-SAT's portfolio; False: the portfolio).
    rens_tries : int
        Most searches of that neighbourhood, each with the next seed, while the best rota is
        within ``bandp_gap`` of the bound but not at it (default 2; 1: one search). On Curtois
        & Qu Instance12 at 60 s a first search ended at 4,041 and the second, seed 1, found
        4,040, the bound: proven in 58.6 s, where one search ended at 4,041; Instances 6 and 7
        gave 1,952 and 1,061 as in the record (``roster_search.md``, 2026-12-06).
    rens_under_gap : float
        When that search's rota is within this share of the bound (but not within
        ``bandp_gap``) and leaves more shifts short than the LP (rounded up), the search runs
        once more, with the next seed, under "at most the LP's shifts short"
        (:func:`_relaxed_under`), before the tree on that split (default 0.06; 0: never). On
        Curtois & Qu Instance12 (the LP forty short, 4,040) RENS alone stops at 4,140-4,243 with
        forty-one or forty-two short (2.5-5.5 % above the bound) in about half the 60-s runs,
        and the tree on the split never found a rota in the 11 s then left to it; from such
        rotas RENS under the row found 4,040-4,041 in 5 of 7 probes (8-11 s each), but nothing
        in the three 60-s runs where it ran (8-15 s; two with column generation unconverged), so
        its gain in the search is not yet shown; where it finds nothing, the tree it delays had
        found nothing either (``roster_search.md``, 2026-12-06 12:58-). On Instances 5 and 8
        RENS's rotas are 8-16 % above the bound and its neighbourhood holds no rota under the
        row (Instance5: infeasible, proven in 13.6 s; Instance8: none in 20 s), so it does not
        run there.
    mip_share : float
        Share of the time left after column generation for the MIP over the generated lines
        (default 0.5; the rest polishes with CP-SAT). On Curtois & Qu Instance5 the MIP found a
        rota of 1244 in 6 s and of 1143 (the optimum) in 20 s.
    price_seconds : float
        Most seconds for one person's pricing problem (default 2).
    pool : int
        Most lines one pricing call adds to the master (default 5).
    dive_share : float
        Share of the time left after column generation for diving (default 0.5; 0: no dive). At
        60 s on Curtois & Qu the dive gave Instance7 1059, 9 447 and 10 4661-4842 against
        1067-1068, 578-1105 and 5546-5952 without it, but ran out of time and did worse (9:
        1855-1917) when the machine gave the run under 40 CPU s (``benchmarks/results/roster_search.md``).
    dive_sure, dive_fix, dive_rounds : float, float, int
        The dive's ``sure``, ``share`` and ``rounds`` (:func:`models.roster.diving.dive`;
        defaults 0.9, 0.1, 3: on Curtois & Qu Instance7, from an LP of 1054, one pricing round
        after each fixing gave a rota of 1476, three rounds 1173; fixing a tenth of the free
        people a step instead of a fifth, at 60 s on a quiet machine (load 0-1.5, alternated,
        2026-12-03): Instance8 1415, 1406, 1407 against 1613, 1614, 1507; 9 543 against 871; 10
        4745 against 4842; 11 3445 against 3451; 5 and 12 equal; 7 1068 against 1066).
    dives : int
        Most dives (:func:`_dived`; default 1). A further dive starts only when the dive's share
        has at least the first dive's seconds left.
    dive_noise : float
        Perturbation of the people's ranking in the dives after the first
        (:func:`models.roster.diving.dive`'s ``noise``; default 0.2: people the LP holds within
        about 0.2 of each other may swap places).
    dive_by : str
        What a dive fixes: ``"lines"`` (default: whole lines, :func:`models.roster.diving.dive`)
        or ``"days"`` (person-days, :func:`models.roster.diving.day_dive`); with several
        ``dives``, a comma-separated list taken in turn (``"lines,days"``: the first dive by
        lines, the second by days). From one converged LP of Curtois & Qu Instance8 the dive by
        days with ``dive_fix`` 0.05-0.1 gave 1403-1697 against 1616-1817 by lines (three
        states), but at 60 s under load 5-8 the A/B was within the spread and Instance5's dive
        by days once gave 1547 against 1148 (``benchmarks/results/roster_search.md``): off.
    dive_reserve : float
        Share of a dive's time kept for fixing without pricing (:func:`models.roster.diving.dive`'s
        ``reserve``; default 0: pricing until the deadline, then every free person fixed at once).
    dive_grow, dive_flat : float, float
        The dive's ``grow`` and ``flat`` (:func:`models.roster.diving.dive`; defaults 2 and 0.5
        points): when the dive, at its pace so far, would run out of time before everyone is
        fixed, each step that leaves the LP within ``dive_flat`` points fixes twice the share of
        the one before. On Curtois & Qu Instance12 at 60 s (quiet, 2026-12-04) the dive ran out
        of time with 24-27 of 60 people free and fixed them at once (8,688-10,402 in 6 runs;
        rota 4,880-5,462 after repair, mean 5,239); growing, 6,864 and 7,432 in two paired runs
        (rota 4,823 and 4,601), and over 5 runs rota 4,601-5,414, mean 4,988 (one dive grew and
        still ran out of time: 9,850).
        Dives with time enough (Instances 8-10) are not changed, nor dives that do not price
        (``open_dive_rounds`` 0, when column generation has not closed). 1: no growth.
    dive_gap : float
        Dive with ``dive_rounds`` pricing rounds only when the column generation's bound is
        within this share of its LP value (default 0.01, :func:`_closed_to`).
    open_dive_rounds : int
        Pricing rounds after each fixing of the dive when the column generation is not within
        ``dive_gap`` (default 0: the dive only rounds the LP, re-solved after each fixing; -1: no
        dive, the MIP alone). On Curtois & Qu Instance12 (not converged in its 30 s) the rounded
        LP's rota (8,408, in 4.7 s) repaired to 5,061 against 5,922 from the MIP's rota
        (20,667); with one pricing round the dive ran out of time (10,959, repaired to 5,307).
    early_share : float
        Most share of the time limit for best-response repair of the first rota (CP-SAT's, else
        each person's own best line), to its 1-opt local optimum, before column generation
        (default 0.1; 0: none): its lines seed the master, its penalty may end column generation
        early.
    repair_share : float
        Most share of the time left after the MIP for best-response repair of the better rota
        (:func:`models.roster.best_response.repair`, with ruin and recreate; default 0.5; 0: none).
        It ends early when its rota reaches the bound.
    repair_seconds : float
        Most seconds for that repair when the tree is to follow (the MIP's rota within
        ``bandp_gap`` of the bound; :func:`_before_tree`), whatever the share (default 30: a 60-s
        limit's share, about 10 s, is under it). At 600 s the share gave it about 290 s, in which
        it never bettered the MIP's rota on Curtois & Qu Instance5 while the tree, which then
        proved 1143 in 11-54 s, waited.
    ruin : int
        People taken out and put back at each ruin-and-recreate step of the repairs (default 4;
        0: stop at the first 1-opt local optimum).
    pool_people : int
        People in the first pool move of the repair after the MIP
        (:func:`models.roster.best_response.repair`: they re-choose jointly among their lines in
        the master, the others fixed; in turn with ruin and recreate, the size adapted; default 0:
        none).
    pool_seconds : float
        Most seconds of one pool move's MIP (default 1).
    polish : str
        The last phase: ``"cpsat"`` (default, the whole model with the bound as a cut) or ``"lns"``
        (the large-neighbourhood search from the best rota).
    polish_seconds : float
        Most seconds for the polish before the tree when the tree is to follow (as
        ``repair_seconds``; default 30). With both caps Curtois & Qu Instances 5 and 6 were proven
        at a 600-s limit in 82 and 78 s, against 483 and 469 s with the shares alone
        (``benchmarks/results/roster_search.md``, 2026-12-05 08:14-).
    bandp_share : float
        Share of the time left after the MIP for branch-and-price
        (:func:`models.roster.branch_and_price.branch_and_price`), which runs after the polish
        and starts from its rota (default 0.5; 0: no tree, the polish has all the time). The
        tree before the polish with all the time left (tried first) lost Curtois & Qu
        Instance1's proof: CP-SAT proves 607 in seconds there, 274 nodes raised the bound only
        from 558 to 600 in 17 s.
    bandp_gap : float
        Branch only when the polished rota is within this share of the bound (default 0.01,
        :func:`solvers.relative_gap`); further, the polish goes on for the rest of the time. At
        60 s on Curtois & Qu Instance7 the tree got 8 s and 7 nodes after a polish to 1162 against a
        bound of 1055 (10 %): nothing a tree of that size can close, and time the polish lost.
    paths : bool
        Price people by the dynamic programme of :mod:`models.roster.line_paths` first where it
        applies (default True; False: CP-SAT alone). On Curtois & Qu Instance8 column generation
        reached its bound 1297 in 26 rounds and 13.6 CPU s with it, against 11 rounds and a bound
        of 1174 in 20.4 CPU s (40 s wall, load 8-9) without.
    price_processes : int
        Worker processes pricing people beside the main process
        (:mod:`models.roster.pricing_workers`), at most the run's threads less one (default 1:
        with two threads, the main process and one worker; 0: pricing threads in the main
        process alone). The dynamic programme holds the interpreter's lock, so without a worker
        a second core idles while it prices. On a quiet machine (2026-12-06, 60 s, two threads)
        Curtois & Qu Instance12's column generation converged in 31 rounds in 18.0 and 20.9 s
        against 22-31 rounds in its whole 30 s without (unconverged in 4 runs of 14), and the
        tree on Instance8's split priced 184 nodes in 30 s against 94 in 27 s; Instances 9-11
        (priced partly by CP-SAT, which already runs two at once) were unchanged
        (``roster_search.md``, 2026-12-06 12:58-). The A/B of 2026-12-03, at load 5-9 from
        other jobs, had shown no gain. Only where the programme prices at least half the people
        (:func:`_pricers`): on a generated 30 x 28 ward, all priced by CP-SAT, a worker cost
        column generation a third of its rounds.
    process_people : int
        Least people for worker processes (default 25): each worker imports the solvers and
        builds its people's pricing models (about 2 CPU s on Curtois & Qu Instance12's 60
        people) while the first phases run, which small models do not win back.
    primal_lp : bool
        Re-solve the master LP by the primal simplex method after columns joined
        (:meth:`models.roster.master.Master.solve_lp`; default True; False: HiGHS's dual method
        throughout, as before).
    far_gap : float
        When the dive's rota is more than this share above the bound (:func:`solvers.relative_gap`),
        no proof is taken to be near: the MIP over the lines is skipped, the repair has
        ``far_repair_share`` of the time left and the large-neighbourhood search (``polish:
        "lns"``) all the rest, without the tree (default ``inf``: never). On Curtois & Qu
        Instance8 at 60 s (quiet, 2026-12-05) the rest as one search gave 1,304, 1,306, 1,306
        and 1,407 (best known 1,300), the default 1,510, 1,506, 1,309 and 1,309: the default is
        bimodal and eight runs do not separate them. At 0.05,
        in an A/B over Instances 5-12, Instance6's dive (2,160 against 1,950) skipped the MIP
        that finds 1,952 for the tree to prove 1,950, and Instance12 lost the repair's time
        (5,659 against 5,193); Instance9 gained (445 against 544). The dive's gap does not tell
        which instances gain (``roster_search.md``, 2026-12-05).
    far_repair_share : float
        Share of the time left for the repair when the dive's rota is far (default 0.1).
    short_share : float
        Share of the time left after the relaxation-enforced neighbourhood search for a rota on
        the LP's side of the shifts-short split (:func:`_short_side`: the tree depth first under
        "at most the LP's shifts short, rounded up"), when the neighbourhood's rota is not within
        ``bandp_gap`` of the bound and leaves more shifts short than that (default 0.8; 0: never).
        On Curtois & Qu Instance8 every rota with thirteen short shifts costs at least 1,391 and
        the LP has twelve; RENS, the dive, the MIP and the polish stopped at 1,398-1,405 with
        thirteen, and this tree found 1,302-1,312 in 15-25 s in four runs of five
        (``roster_search.md``, 2026-12-06). On Instance5 (RENS 1,241-1,244, twelve short, the LP
        eleven) it found 1,143-1,145 at 60 s.
    short_seconds : float
        Most seconds for that tree, whatever the share (default 60).
    dive_after_short : bool
        Whether the dive and the MIP over the lines still run after that tree found a better
        rota (default False: they search the whole LP, whose side the tree has just searched, and
        their time goes to the repair, the polish and the proving tree). On Instance8 at 60 s
        they gave 1,723-3,718 after the tree's 1,304-1,371 and never beat it; on Instance5 the MIP
        at best equalled the tree's 1,143, and without them the proving tree closed the gap
        within the minute in 2 runs of 3, against 1 of 2 with them (``roster_search.md``,
        2026-12-06 10:20-).
    short_rounds : int
        Pricing rounds at each of its nodes (its ``node_rounds``; default 1: on Instance8 a rota
        in 2 of 2 runs of 25 s and 2 of 3 of 15 s, against 1 of 3 of 30 s with 3 rounds and none
        of 25 s with 20).
    short_dives : int
        Most dives of that tree (its ``dives``; default 8): a dive that reaches a rota starts
        again from the root, choosing among the near candidates at random. On Instance8 at 60 s,
        alternating (``lines_bandp.py 8 60 short_dives=8`` and ``=1``): 1,302, 1,304, 1,312 and
        1,307 against 1,321, 1,331, 1,338 and 1,350; the first dive's rota was 1,308-1,350 in
        both, later dives bettered it in three runs of four, backtracking from the first leaf
        in one of four, by 1 (``roster_search.md``, 2026-12-06 15:41-).
    bandp : BranchSettings
        The tree's figures (default :class:`models.roster.branch_and_price.BranchSettings`).
    """

    first_share: float = 0.05
    first_seconds: float = 5.0
    columns_share: float = 0.5
    rens_share: float = 0.8
    rens_seconds: float = 15.0
    rens_limit_share: float = 0.05
    rens_local_search: bool = True
    rens_tries: int = 2
    rens_under_gap: float = 0.06
    mip_share: float = 0.5
    price_seconds: float = 2.0
    pool: int = 5
    dive_share: float = 0.5
    dive_sure: float = 0.9
    dive_fix: float = 0.1
    dive_rounds: int = 3
    dives: int = 1
    dive_noise: float = 0.2
    dive_by: str = "lines"
    dive_reserve: float = 0.0
    dive_grow: float = 2.0
    dive_flat: float = 0.5
    dive_gap: float = 0.01
    open_dive_rounds: int = 0
    early_share: float = 0.1
    repair_share: float = 0.5
    ruin: int = 4
    repair_seconds: float = 30.0
    pool_people: int = 0
    pool_seconds: float = 1.0
    polish: str = "cpsat"
    polish_seconds: float = 30.0
    bandp_share: float = 0.5
    bandp_gap: float = 0.01
    paths: bool = True
    price_processes: int = 1
    process_people: int = 25
    primal_lp: bool = True
    far_gap: float = math.inf
    far_repair_share: float = 0.1
    short_share: float = 0.8
    short_seconds: float = 60.0
    dive_after_short: bool = False
    short_rounds: int = 1
    short_dives: int = 8
    bandp: BranchSettings = BranchSettings()


def lines_solve(
    rm: RosterModel,
    options: SolveOptions,
    *,
    hint: dict[Any, int] | None = None,
    settings: LinesSettings | None = None,
    build_seconds: float = 0.0,
) -> tuple[SolveResult, Any, dict[str, Any]]:
    """Solve ``rm`` by the phases of the module docstring within ``options.time_limit`` (wall
    clock; None: the first phase stops at its first rota and the others run to their end).
    Returns the result, a solver holding the best rota (values of ``rm``'s variables) and a record
    of the column generation (``columns``: bound, LP value, rounds, lines, seconds, MIP penalty)."""
    settings = settings or LinesSettings()
    t0 = time.perf_counter()
    limit = options.time_limit
    options = options.with_deadline()

    def share(fraction: float) -> SolveOptions:
        return dataclasses.replace(options, time_limit=None if limit is None else fraction * limit)

    first = share(settings.first_share)
    if first.time_limit is not None:
        first = dataclasses.replace(first, time_limit=min(first.time_limit, settings.first_seconds))
    if limit is None:
        first = dataclasses.replace(first, extra={**first.extra, "stop_after_first_solution": True})
    result, solver = solve_cpsat(rm.model.clone(), first, hint=hint)
    bound = result.bound if result.has_plan else None
    record: dict[str, Any] = {}
    if result.status is Status.INFEASIBLE or options.should_stop():
        return _finish(result, solver, bound, build_seconds, t0, record, options)
    pricers = None
    try:
        master = Master.of(rm, primal=settings.primal_lp)
        people = [LineModel(rm, p, paths=settings.paths) for p in range(len(rm.staff))]
        pricers = _pricers(rm, options, settings, people)
        incumbent = None
        early = None  # the first rota's lines after best-response repair
        notes: dict[str, Any] = {}
        if result.has_plan:
            incumbent = float(solver.objective_value)
            lines = [line_of_rota(rm, p, solver.value) for p in range(len(rm.staff))]
            for line in lines:
                master.add(line)
            early = (lines, incumbent)
            if settings.early_share > 0:
                early = _repaired(
                    master,
                    people,
                    early,
                    share(settings.early_share),
                    settings,
                    notes,
                    "early_penalty",
                    bound,
                    0,
                )
        elif settings.early_share > 0 and applies(master):
            own = _own_lines(people, options, settings.price_seconds)
            if own is not None:
                for line in own:
                    master.add(line)
                early = _repaired(
                    master, people, (own, math.inf), share(settings.early_share), settings, notes,
                    "early_penalty", None, 0,
                )  # fmt: skip
                if early is not None and early[1] >= HARD:  # a hard cover limit still broken: no rota
                    early = None
        known = None if early is None else min(early[1], incumbent or early[1])
        cg = generate_columns(
            rm, master, share(settings.columns_share), price_seconds=settings.price_seconds,
            pool=settings.pool, stop_at=known, people=people, pricers=pricers,
        )  # fmt: skip
        record["columns"] = {**_record(cg), **notes}
        if cg.bound is not None:
            bound = cg.bound if bound is None else max(bound, cg.bound)
        closed = _closed_to(cg, settings.dive_gap)
        found = early
        if known is None or bound is None or bound < known - 1e-9:
            found = _rota_from_master(
                master, people, options, settings, record["columns"], closed, pricers, bound
            )
            if record["columns"].get("far"):  # the dive's rota far from the bound: search, no tree
                settings = dataclasses.replace(
                    settings, repair_share=settings.far_repair_share, polish="lns", bandp_share=0.0
                )
            if found is not None and found is not early and settings.repair_share > 0:
                most = _before_tree(
                    settings,
                    settings.repair_share,
                    options.remaining(),
                    settings.repair_seconds,
                    found[1],
                    bound,
                )
                part = dataclasses.replace(options, time_limit=most)
                notes = record["columns"]
                found = _repaired(master, people, found, part, settings, notes, "repair_penalty", bound)
            if early is not None and (found is None or early[1] < found[1]):
                found = early
        if found is not None and _at_bound(found[1], bound):
            # the rota from the lines reaches the bound: optimal
            result, solver = _fixed(rm, found[0], options.log_file)
            return _finish(result, solver, bound, build_seconds, t0, record, options)
        start, whole, held = hint, None, None
        if found is not None and (incumbent is None or found[1] < incumbent - 1e-9):
            # the lines' rota, solved once: the polish's start and fallback
            held = _fixed(rm, found[0], options.log_file)
            start, whole = _hint_of(rm, found[0]), rm.solution(held[1]) if held[0].has_plan else None
        elif result.has_plan:
            start, whole = rm.hint(solver), rm.solution(solver)
        penalty = None if found is None else found[1]
        most = _before_tree(
            settings, 1.0 - settings.bandp_share, options.remaining(), settings.polish_seconds, penalty, bound
        )
        polishing = options if most is None else options.with_deadline(most)
        result, solver, bound = _polished(
            rm, polishing, start, bound, settings.polish, result, solver, found, whole, held
        )
        if settings.bandp_share > 0 and not options.should_stop() and not _reached(result, solver, bound):
            if result.has_plan and not _near(settings, float(solver.objective_value), bound):
                start = rm.hint(solver)  # too far for the tree
                result, solver, bound = _polished(
                    rm, options, start, bound, settings.polish, result, solver, None, rm.solution(solver)
                )
            else:
                result, solver, bound = _branched(
                    rm, master, people, options, settings, result, solver, bound, record, pricers
                )
        return _finish(result, solver, bound, build_seconds, t0, record, options)
    finally:
        if pricers is not None:
            pricers.close()


def _pricers(
    rm: RosterModel, options: SolveOptions, settings: LinesSettings, people: list[LineModel]
) -> PricingWorkers | None:
    """The pricing worker processes of the run (None: price in the main process): at most
    ``settings.price_processes`` and the run's threads less one, when the model has at least
    ``settings.process_people`` people and the dynamic programme prices at least half of them
    (``people``' ``paths``). People priced by CP-SAT are priced two at once by threads already
    (CP-SAT releases the interpreter's lock), and there a worker, holding a fixed half of them,
    cost rounds: on a generated 30 x 28 ward (no person priced by the programme) column
    generation got 4-7 rounds in 15 s with it against 7-9 without."""
    processes = min(settings.price_processes, (options.threads or 1) - 1)
    if processes < 1 or len(rm.staff) < settings.process_people:
        return None
    if 2 * sum(person.paths is not None for person in people) < len(people):
        return None
    return PricingWorkers(rm, processes, paths=settings.paths)


def _polished(
    rm: RosterModel,
    options: SolveOptions,
    start: dict[Any, int] | None,
    bound: float | None,
    how: str,
    result: SolveResult,
    solver: Any,
    found: tuple[list[Line], float] | None,
    whole: list[int] | None = None,
    held: tuple[SolveResult, Any] | None = None,
) -> tuple[SolveResult, Any, float | None]:
    """The polish (:func:`_polish`) within ``options``' deadline with ``bound`` as its cut, from
    ``start`` (or the same rota's every variable, ``whole``); the best of its rota, ``solver``'s
    and the lines' rota ``found`` (``held``: that rota already fixed, :func:`_fixed`), and the
    better bound."""
    cut = _floor(bound)
    final, final_solver = _polish(rm, options, start, cut, how, whole)
    if final.has_plan and (
        not result.has_plan or float(final_solver.objective_value) <= float(solver.objective_value)
    ):
        result, solver = final, final_solver
    if found is not None and (not result.has_plan or found[1] < float(solver.objective_value) - 1e-6):
        # CP-SAT did not reach the MIP's rota in its time
        result, solver = held or _fixed(rm, found[0], options.log_file)
    if final.has_plan and final.bound is not None:
        bound = final.bound if bound is None else max(bound, final.bound)
    return result, solver, bound


def _branched(
    rm: RosterModel,
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    settings: LinesSettings,
    result: SolveResult,
    solver: Any,
    bound: float | None,
    record: dict[str, Any],
    pricers: PricingWorkers | None = None,
) -> tuple[SolveResult, Any, float | None]:
    """Phase 5: the tree from the best rota (its lines join the master as the first incumbent)
    and ``bound``; the better rota and bound (``record`` gains the tree's figures)."""
    best = None
    if result.has_plan:
        lines = [line_of_rota(rm, p, solver.value) for p in range(len(rm.staff))]
        for line in lines:
            master.add(line)
        best = lines, float(solver.objective_value)
    tree = _tree(master, people, options, settings, best, bound, pricers)
    record["columns"] |= _tree_record(tree)
    bound = tree.bound if bound is None else max(bound, tree.bound)
    if (
        tree.lines is not None
        and tree.penalty is not None
        and (best is None or tree.penalty < best[1] - 1e-6)
    ):
        result, solver = _fixed(rm, list(tree.lines), options.log_file)
    return result, solver, bound


def _before_tree(
    settings: LinesSettings,
    fraction: float,
    left: float | None,
    seconds: float,
    penalty: float | None,
    bound: float | None,
) -> float | None:
    """Seconds for a phase before the tree (the repair, the polish): ``fraction`` of the time
    ``left`` (None: no limit), at most ``seconds`` when the tree is to follow, that is when the
    rota so far (``penalty``) is within ``bandp_gap`` of ``bound`` (the gate of phase 5). Further
    from the bound the phase keeps its share: the polish, not the tree, then owns the rota."""
    if left is None:
        return None
    most = fraction * left
    if settings.bandp_share > 0 and penalty is not None and _near(settings, penalty, bound):
        return min(most, seconds)
    return most


def _at_bound(penalty: float, bound: float | None) -> bool:
    """A rota of ``penalty`` reaches ``bound``: proven optimal."""
    return bound is not None and penalty <= bound + 1e-6


def _floor(bound: float | None) -> int | None:
    """``bound`` rounded up to a whole penalty (every rota's penalty is whole): the floor the
    searches stop at."""
    return None if bound is None else math.ceil(bound - 1e-6)


def _near(settings: LinesSettings, penalty: float, bound: float | None) -> bool:
    """The tree's gate: a rota of ``penalty`` is within ``bandp_gap`` of ``bound``."""
    gap = relative_gap(penalty, bound)
    return gap is not None and gap <= settings.bandp_gap


def _reached(result: SolveResult, solver: Any, bound: float | None) -> bool:
    """Whether the rota in ``solver`` is proven optimal by ``bound``."""
    return result.has_plan and bound is not None and bound >= float(solver.objective_value) - 1e-9


def _polish(
    rm: RosterModel,
    options: SolveOptions,
    start: dict[Any, int] | None,
    cut: int | None,
    how: str,
    whole: list[int] | None = None,
) -> tuple[SolveResult, Any]:
    """Phase 4 for the time left, from the rota ``start``: CP-SAT on the whole model with the
    column-generation bound ``cut`` as a constraint on the objective (``how == "cpsat"``), or the
    large-neighbourhood search (``"lns"``, :func:`models.roster.search.lns_solve`: a tenth of the
    time on the whole model, neighbourhoods, the last 15 % on the whole model again). CP-SAT is
    given the rota's every variable when the caller has them (``whole``: a complete hint, its first
    solution as soon as presolve ends), else ``start``'s assignments, which it must complete."""
    last = dataclasses.replace(options, time_limit=options.remaining())
    if how == "lns":
        return lns_solve(rm, last, hint=start, settings=LnsSettings(first_share=0.1, line_seconds=0.0))
    # a valid cut: CP-SAT can prove optimality as soon as it reaches it
    return solve_cpsat(rm.narrowed(floor=cut), last, hint=start, solution=whole)


def _rota_from_master(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    settings: LinesSettings,
    record: dict[str, Any],
    converged: bool,
    pricers: PricingWorkers | None = None,
    bound: float | None = None,
) -> tuple[list[Line], float] | None:
    """Phase 3: a rota from the generated lines: the relaxation-enforced neighbourhood search
    (:func:`_relaxed`, for ``rens_share`` of the time left; its rota is returned at once when it
    reaches ``bound``), once more under "at most the LP's shifts short" when its rota is near
    the bound but leaves more short (:func:`_relaxed_under`), then, when its rota is not near
    the bound and leaves more shifts short than the LP, the tree on the
    LP's side of that split (:func:`_short_side`; its better rota is returned at once unless
    ``dive_after_short``), then diving (:func:`_dived`, for ``dive_share`` of the time left: with
    ``dive_rounds`` pricing rounds after each fixing when the column generation ``converged``
    within ``dive_gap``, else with ``open_dive_rounds``, by default none: the LP rounded a fifth
    of the people at a time, in seconds) and then the MIP over every line (``mip_share`` of the
    time left after the dives), started from the best dive's rota; the best of the three
    (``record`` gains their penalties, ``rens_penalty``, ``dive_penalty``, ``dive_penalties``
    and ``mip_penalty``). No MIP when the better of the neighbourhood's and the dive's rota is
    more than ``far_gap`` above ``bound`` (``record["far"]``: the caller gives the rest to the
    search)."""
    most = _lp_short(master, options) if settings.short_share > 0 else None
    relaxed = _relaxed(master, options, settings, record, bound)
    if relaxed is not None and _at_bound(relaxed[1], bound):
        return relaxed  # the neighbourhood's rota reaches the bound: nothing to dive for
    if relaxed is not None and most is not None and not _near(settings, relaxed[1], bound):
        relaxed = _relaxed_under(master, options, settings, record, relaxed, most, bound)
        if _at_bound(relaxed[1], bound):
            return relaxed  # the search under the row reached the bound
    if relaxed is not None and most is not None and not _near(settings, relaxed[1], bound):
        side = _short_side(master, people, options, settings, record, relaxed, most, bound, pricers)
        if side is not relaxed and not settings.dive_after_short:
            return side  # the tree's better rota, on the LP's side: no dive or MIP over the whole LP
        relaxed = side
    rounds = settings.dive_rounds if converged else settings.open_dive_rounds
    dived = None
    if settings.dive_share > 0 and rounds >= 0:
        dived = _dived(master, people, options, settings, record, rounds, pricers)
    found = None
    penalties = ([] if relaxed is None else [relaxed[1]]) + ([] if dived is None else [dived.penalty])
    gap = relative_gap(min(penalties), bound) if penalties else None
    if gap is not None and gap > settings.far_gap:
        record["far"] = True  # no MIP: the rest goes to the search (lines_solve)
    elif settings.mip_share > 0:
        left = options.remaining()
        start = None if dived is None else dived.values
        found = rota_from_columns(master, None if left is None else settings.mip_share * left, start)
        record["mip_penalty"] = None if found is None else round(found[1])
    if dived is not None and (found is None or dived.penalty < found[1] - 1e-6):
        found = list(dived.lines), dived.penalty
    if relaxed is not None and (found is None or relaxed[1] < found[1] - 1e-6):
        found = relaxed
    return found


def _relaxed(
    master: Master,
    options: SolveOptions,
    settings: LinesSettings,
    record: dict[str, Any],
    bound: float | None,
) -> tuple[list[Line], float] | None:
    """The relaxation-enforced neighbourhood search (:func:`models.roster.rens.rens`) for
    ``rens_share`` of the time left, at most :func:`_rens_most`, with ``bound`` as its floor (it
    stops when its rota reaches it); its rota's lines join the master (the dive, the MIP and the
    repair may then use them). While its rota is within ``bandp_gap`` of the floor but not at it,
    it searches again with the next seed, as long as ``rens_tries`` allows and time is left.
    ``record`` gains ``rens_penalty`` (the best), ``rens_fixed`` (the share of assignments the LP
    held at 0 or 1), ``rens_status`` (``OPTIMAL``: the best rota of the neighbourhood) and
    ``rens_tries``."""
    if settings.rens_share <= 0:
        return None
    floor = _floor(bound)
    best: tuple[list[Line], float] | None = None
    for attempt in range(max(settings.rens_tries, 0)):
        left = options.remaining()
        if left is not None and left <= 0:
            break
        if attempt > 0 and not _again(settings, best, floor):
            break
        part = _rens_part(options, settings, options.seed + attempt)
        rounding = rens(master, part, floor, settings.rens_local_search)
        found = as_found(rounding)
        record["rens_fixed"] = round(rounding.integral / max(rounding.assignments, 1), 3)
        record["rens_status"] = rounding.status
        record["rens_tries"] = attempt + 1
        if found is not None:
            for line in found[0]:
                master.add(line)
            if best is None or found[1] < best[1] - 1e-6:
                best = found
    if "rens_tries" in record:
        record["rens_penalty"] = None if best is None else round(best[1])
    return best


def _relaxed_under(
    master: Master,
    options: SolveOptions,
    settings: LinesSettings,
    record: dict[str, Any],
    found: tuple[list[Line], float],
    most: int,
    bound: float | None,
) -> tuple[list[Line], float]:
    """The relaxation-enforced neighbourhood search again, with the next seed, under "at most
    ``most`` shifts short" (:func:`models.roster.rens.rens`'s ``most_short``, row R2), when the
    rota ``found`` leaves more shifts short than that and is within ``rens_under_gap`` of
    ``bound`` (near, but not within ``bandp_gap``, where the tree takes it); for ``rens_share``
    of the time left, at most :func:`_rens_most`. The better of the two rotas (``found`` itself,
    the same object, when the search found nothing better); its lines join the master.
    ``record`` gains ``rens_under_penalty`` (None: nothing found), ``rens_under_status`` and
    ``rens_under_seconds`` when the search ran."""
    gap = relative_gap(found[1], bound)
    if gap is None or gap > settings.rens_under_gap or master.short_of(found[0]) <= most:
        return found
    left = options.remaining()
    if left is not None and left <= 0:
        return found
    part = _rens_part(options, settings, options.seed + int(record.get("rens_tries", 1)))
    floor = _floor(bound)
    started = time.perf_counter()
    rounding = rens(master, part, floor, settings.rens_local_search, most_short=most)
    record["rens_under_seconds"] = round(time.perf_counter() - started, 2)
    record["rens_under_status"] = rounding.status
    under = as_found(rounding)
    record["rens_under_penalty"] = None if under is None else round(under[1])
    if under is None:
        return found
    for line in under[0]:
        master.add(line)
    return under if under[1] < found[1] - 1e-6 else found


def _lp_short(master: Master, options: SolveOptions) -> int | None:
    """The shifts short in the master's LP solution, rounded up: the side of the split on the
    shifts short (:meth:`Master.limit_short`) that holds the LP point (None: no LP in time)."""
    if master.solve_lp(options.call_limit()) is None:
        return None
    return math.ceil(master.short_total() - 1e-6)


def _short_side(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    settings: LinesSettings,
    record: dict[str, Any],
    found: tuple[list[Line], float],
    most: int,
    bound: float | None,
    pricers: PricingWorkers | None = None,
) -> tuple[list[Line], float]:
    """The tree on the LP's side of the shifts-short split, depth first, for a rota there: when
    the rota ``found`` leaves more than ``most`` shifts short (the LP's total, rounded up), the
    master gets the row "at most ``most`` short" (:meth:`Master.limit_short`) and
    branch-and-price runs on it depth first (``order="depth"``, ``short_rounds`` pricing rounds
    a node, up to ``short_dives`` dives from the root) for ``short_share`` of the time left, at
    most ``short_seconds``, with ``found`` as its incumbent (it prunes nodes that cannot beat
    it); the row is lifted after. Its bound holds for that side alone and is dropped; its rota
    is a rota of the whole model. The better of the two. ``record`` gains ``short_most``,
    ``short_found`` (``found``'s shifts short) and, when the tree ran, ``short_penalty`` (None:
    nothing better than ``found``), ``short_nodes``, ``short_dives``, ``short_rotas`` (each better
    rota: seconds into the tree, nodes, dive, penalty) and ``short_seconds``.
    ``found`` itself (the same object) when the tree found nothing better."""
    short = master.short_of(found[0])
    record["short_most"], record["short_found"] = most, short
    left = options.remaining()
    if short <= most or (left is not None and left <= 0):
        return found
    seconds = settings.short_seconds
    if left is not None:
        seconds = min(settings.short_share * left, seconds)
    part = options.with_deadline(seconds)
    part = dataclasses.replace(part, time_limit=part.remaining())
    tree_settings = dataclasses.replace(
        settings.bandp, order="depth", node_rounds=settings.short_rounds, dives=settings.short_dives
    )
    master.limit_short(most)
    try:
        tree = branch_and_price(
            master, people, part, incumbent=found, bound=bound, settings=tree_settings, pricers=pricers
        )
    finally:
        master.limit_short()
    record["short_nodes"], record["short_seconds"] = tree.nodes, round(tree.seconds, 2)
    record["short_dives"] = tree.dives
    record["short_rotas"] = [
        [seconds, nodes, dive, round(penalty, 2)] for seconds, nodes, dive, penalty in tree.rotas
    ]
    record["short_penalty"] = None
    if tree.lines is None or tree.penalty is None or tree.penalty >= found[1] - 1e-6:
        return found
    record["short_penalty"] = round(tree.penalty)
    return list(tree.lines), tree.penalty


def _rens_part(options: SolveOptions, settings: LinesSettings, seed: int) -> SolveOptions:
    """The options of one RENS search: ``rens_share`` of the time left, at most
    :func:`_rens_most` seconds, with ``seed``."""
    left = options.remaining()
    part = (
        options
        if left is None
        else options.with_deadline(min(settings.rens_share * left, _rens_most(settings, options)))
    )
    return dataclasses.replace(part, time_limit=part.remaining(), seed=seed)


def _rens_most(settings: LinesSettings, options: SolveOptions) -> float:
    """Most seconds of one RENS search: ``rens_seconds``, or ``rens_limit_share`` of the run's
    time limit when that is more."""
    limit = options.time_limit
    if limit is None:
        return settings.rens_seconds
    return max(settings.rens_seconds, settings.rens_limit_share * limit)


def _again(settings: LinesSettings, best: tuple[list[Line], float] | None, floor: int | None) -> bool:
    """Whether RENS searches again: its rota is near the floor (the tree's gate) but not at it;
    with no rota, or one far from the floor, another seed is not what it lacks."""
    return best is not None and floor is not None and best[1] > floor and _near(settings, best[1], floor)


def _dived(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    settings: LinesSettings,
    record: dict[str, Any],
    rounds: int,
    pricers: PricingWorkers | None = None,
) -> Dive | None:
    """Up to ``settings.dives`` dives (:func:`models.roster.diving.dive`) within ``dive_share`` of
    the time left; the best. The first ranks people by the LP alone; each further one perturbs
    the ranking by ``dive_noise`` (another seed each) and starts from the master the dives before
    it enriched, and only when the share has at least the first dive's seconds left (a dive cut
    short fixes everyone at once: a poor rota); ``rounds``: pricing rounds after each fixing.
    ``record`` gains the best penalty and each one."""
    kinds = [kind.strip() for kind in settings.dive_by.split(",")]
    if not kinds or any(kind not in ("lines", "days") for kind in kinds):
        raise ValueError(f"dive_by {settings.dive_by!r}: 'lines', 'days' or a list of them")
    left = options.remaining()
    budget = options if left is None else options.with_deadline(settings.dive_share * left)
    best: Dive | None = None
    penalties: list[int | None] = []
    steps: list[tuple[int, float] | None] = []  # each dive's steps and seconds
    took = 0.0
    for k in range(max(settings.dives, 1)):
        rest = budget.remaining()
        if k > 0 and (budget.should_stop() or (rest is not None and rest < took)):
            break
        part = dataclasses.replace(budget, time_limit=rest)
        t = time.perf_counter()
        common: dict[str, Any] = {
            "sure": settings.dive_sure, "share": settings.dive_fix, "rounds": rounds,
            "price_seconds": settings.price_seconds, "pool": settings.pool,
            "workers": options.threads or 2, "noise": 0.0 if k == 0 else settings.dive_noise,
            "seed": options.seed + k, "pricers": pricers,
        }  # fmt: skip
        if kinds[k % len(kinds)] == "days":
            dived = day_dive(master, people, part, **common)
        else:
            dived = dive(
                master, people, part, reserve=settings.dive_reserve, grow=settings.dive_grow,
                flat=settings.dive_flat, **common,
            )  # fmt: skip
        took = took or time.perf_counter() - t
        penalties.append(None if dived is None else round(dived.penalty))
        steps.append(None if dived is None else (dived.steps, round(dived.seconds, 2)))
        if dived is not None and (best is None or dived.penalty < best.penalty - 1e-6):
            best = dived
    record["dive_penalty"] = None if best is None else round(best.penalty)
    record["dive_penalties"] = penalties
    record["dive_steps"] = steps
    return best


def _own_lines(people: list[LineModel], options: SolveOptions, seconds: float) -> list[Line] | None:
    """Each person's best line for their own rules alone (no multipliers): the start of the first
    repair when CP-SAT found no rota in its share (None if a person has no line in the time)."""
    lines = []
    for person in people:
        if options.should_stop():
            return None
        priced = person.price({}, (0,) * len(person.counts), seconds, options.seed, 1)
        if not priced.lines:
            return None
        lines.append(priced.lines[-1])
    return lines


def _repaired(
    master: Master,
    people: list[LineModel],
    found: tuple[list[Line], float] | None,
    options: SolveOptions,
    settings: LinesSettings,
    record: dict[str, Any],
    key: str,
    floor: float | None = None,
    ruin: int | None = None,
) -> tuple[list[Line], float] | None:
    """Best-response repair (:func:`models.roster.best_response.repair`) of the rota ``found``
    within ``options``' time, when it applies to the master; ``record[key]``
    is the repaired penalty; ``floor``: a bound, where the repair stops; ``ruin``: as
    :func:`~models.roster.best_response.repair` (default ``settings.ruin`` and the pool moves of
    ``settings.pool_people``; given, no pool moves: the first rota's repair stops at its 1-opt
    local optimum, 0, so column generation starts at once). The better rota."""
    if found is None or not applies(master):
        return found
    seconds = settings.price_seconds
    pool = settings.pool_people if ruin is None else 0
    ruin = settings.ruin if ruin is None else ruin
    fixed = repair(
        master, people, found[0], options, price_seconds=seconds, ruin=ruin, floor=floor, pool=pool,
        pool_seconds=settings.pool_seconds,
    )  # fmt: skip
    record[key] = round(fixed.penalty)
    if pool > 0:
        record["pool_moves"], record["pool_better"] = fixed.pool_moves, fixed.pool_better
    if fixed.penalty < found[1] - 1e-6:
        return list(fixed.lines), fixed.penalty
    return found


def _tree(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    settings: LinesSettings,
    found: tuple[list[Line], float] | None,
    bound: float | None,
    pricers: PricingWorkers | None = None,
) -> Tree:
    """Branch-and-price for the time left, from the best rota so far and the bound: the master's
    lines back to continuous columns first (the MIP made them integer)."""
    master.continuous()
    part = dataclasses.replace(options, time_limit=options.remaining())
    return branch_and_price(
        master, people, part, incumbent=found, bound=bound, settings=settings.bandp, pricers=pricers
    )


def _tree_record(tree: Tree) -> dict[str, Any]:
    """The tree's figures for the column-generation record (``tree_`` and the name)."""
    return {
        "tree_bound": tree.bound,
        "tree_penalty": None if tree.penalty is None else round(tree.penalty),
        "tree_proven": tree.proven,
        "tree_nodes": tree.nodes,
        "tree_open": tree.open,
        "tree_depth": tree.depth,
        "tree_seconds": round(tree.seconds, 2),
        "tree_pool_runs": tree.pool_runs,
        "tree_pool_better": tree.pool_better,
    }


def _closed_to(cg: ColumnGeneration, gap: float) -> bool:
    """Whether the column generation's bound is within ``gap`` (a share) of its last LP value: the
    LP then says which lines a good rota uses; further from it, a dive fixes lines of an LP that
    is still moving, and on Curtois & Qu Instances 7-8 ran out of time (rotas 40-70 % above the
    bound, worse than the MIP's)."""
    if cg.bound is None or cg.lp_value is None:
        return False
    return cg.converged or cg.bound >= (1.0 - gap) * cg.lp_value


def _columns_note(columns: dict[str, Any]) -> str:
    """The column generation's word for the result message: its bound, or that it had none yet."""
    n = columns["rounds"]
    rounds = f"{n} round{'' if n == 1 else 's'} ({columns['lines']} lines)"
    if columns["bound"] is None or columns["bound"] <= 0:
        return f"; column generation: no useful bound after {rounds}"
    done = "converged" if columns["converged"] else "stopped early"
    return f"; column generation: bound {columns['bound']} after {rounds} ({done})"


def _record(cg: ColumnGeneration) -> dict[str, Any]:
    return {
        "bound": cg.bound,
        "lp_value": None if cg.lp_value is None else round(cg.lp_value, 3),
        "converged": cg.converged,
        "rounds": cg.rounds,
        "lines": cg.lines,
        "seconds": round(cg.seconds, 2),
    }


def _assignments_of(rm: RosterModel, lines: list[Line]) -> dict[tuple[int, int, str], int]:
    """Every assignment ``x[p, d, s]`` of the rota made of ``lines``: 1 worked, 0 not."""
    on = {(line.person, d, s) for line in lines for d, s in line.shifts}
    return {key: int(key in on) for key in rm.x}


def _hint_of(rm: RosterModel, lines: list[Line]) -> dict[Any, int]:
    return {rm.x[key]: value for key, value in _assignments_of(rm, lines).items()}


FROM_LINES = "a rota from the lines search"
"""The message of a rota the lines search built from lines (not a CP-SAT search of the model)."""


def _fixed(rm: RosterModel, lines: list[Line], log_file: Path | None = None) -> tuple[SolveResult, Any]:
    """The whole model with every assignment fixed to ``lines``: a solver holding that rota (its
    status is FEASIBLE: fixing proves nothing about other rotas; its log appended to ``log_file``),
    valued even after a stop request (CP-SAT given no time finds not even a rota fixed whole, and
    the search's rota was lost on Ctrl-C: ``interrupted before any plan was found``)."""
    result, solver = value_rota(rm, _assignments_of(rm, lines), SolveOptions(threads=1, log_file=log_file))
    if result.has_plan:  # CP-SAT's "optimal" is of the fixed model: not a word for the user
        stopped = stop_requested()  # valued despite a stop (Ctrl-C), which the run reports
        message = stopped_early_message(True) if stopped else FROM_LINES
        result = dataclasses.replace(result, status=Status.FEASIBLE, message=message, interrupted=stopped)
    return result, solver


def _finish(
    result: SolveResult,
    solver: Any,
    bound: float | None,
    build_seconds: float,
    t0: float,
    record: dict[str, Any],
    run: SolveOptions,
) -> tuple[SolveResult, Any, dict[str, Any]]:
    """The result with the best bound of every phase; optimal when the bound reaches the rota. Its
    options are the run's (limit, workers, seed), not those of whichever phase's solve held the
    best rota. A bound below 0 is reported as 0: every penalty term is a weight of at least 0
    (validated) times an amount of at least 0, so no rota scores below 0, and column
    generation's Lagrangian bound before convergence can be far below (-11,722,119 on a
    generated 30 x 28 ward at 30 s, shown as a gap of 1,103,878 %)."""
    result = dataclasses.replace(result, options={**result.options, **run.as_dict()})
    if bound is not None:
        bound = max(bound, 0.0)
    if not result.has_plan:
        seconds = time.perf_counter() - t0
        return dataclasses.replace(result, build_seconds=build_seconds, solve_seconds=seconds), solver, record
    objective = float(solver.objective_value)
    status = result.status
    if bound is not None and bound >= objective - 1e-9:
        status, bound = Status.OPTIMAL, min(bound, objective)
    columns = record.get("columns")
    note = "" if columns is None else _columns_note(columns)
    result = dataclasses.replace(
        result,
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=build_seconds,
        solve_seconds=time.perf_counter() - t0,
        message=result.message + note,
    )
    return result, solver, record
