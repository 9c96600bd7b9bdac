"""Parameters of the detailed-rota model: the figures that are not per-group rules or input data."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from models.common.contract import InputProblem, ModelInputError
from models.roster.catalogue import COVER_AND_REQUEST_TERMS, RULES

SEARCHES = ("cpsat", "lns", "lines", "mip", "auto")
"""The ways of searching for a rota (:attr:`RosterParameters.search`)."""
SUBSOLVERS = (
    "default_lp",
    "max_lp",
    "no_lp",
    "core",
    "pseudo_costs",
    "reduced_costs",
    "quick_restart",
    "quick_restart_no_lp",
    "lb_tree_search",
    "probing",
    "fixed",
    "objective_lb_search",
    "objective_shaving",
)
"""CP-SAT's full-problem subsolvers a rota's reproducible search may interleave
(:attr:`RosterParameters.subsolvers`; CP-SAT refuses a model with any other name)."""


@dataclass(frozen=True)
class RosterParameters:
    """Figures of the rota model that are not per-group rules.

    Attributes
    ----------
    change_weight : int
        Re-rostering: penalty points per assignment changed against the published rota (default 10).
    max_changes : int or None
        Re-rostering: hard limit on assignments changed against the published rota (None: no limit).
    change_from : datetime.date or None
        Re-rostering: the first date that may change; every assignment before it stays as
        published (hard). None (default): the first date on which the published rota has someone
        working who is now on leave (the first shift the new absence takes away), or the rota's
        first date when no published shift clashes with leave.
    hard_violation_weight : int
        Weight of one unit of a hard rule's violation in the elastic re-solve that explains an
        infeasible instance (default 1; every hard rule counts alike).
    reference_weeks : int
        Weeks of the reference period of ``max_average_weekly_hours`` (default 17, the Working Time
        Regulations' default; the 2016 doctors' contract uses 26): on a rota longer than it, every
        run of that many consecutive weeks (rolling, from each day) averages at most the limit; a
        rota no longer than it is averaged over its own days.
    time_limit : float or None
        Seconds allowed to the solver when the caller's options give none (default None: no limit;
        instances set 60).
    reproducible : bool
        True (default): when the caller fixes the number of workers (``--threads``), the time
        limit is turned into CP-SAT deterministic time (``work_per_second`` units per second)
        and several workers interleave their search, so the same seed and worker count give the
        same rota on every run, however busy the machine; a wall-clock backstop of
        ``wall_clock_factor`` times the limit still applies (a run stopped by it may differ).
        Without a worker count, or with False: the limit is wall-clock seconds and workers race
        (often better rotas in the time, but two runs may differ).
    work_per_second : float
        Reproducible runs: CP-SAT deterministic time units granted per second of the time limit
        (default 0.4). Measured at 60 s, two workers, seed 0, on a quiet 2-core machine
        (2026-12-04): 0.2, 0.4, 0.6 and 0.8 gave ``lsc-registrar-oncall`` 790, 755, 711 and 694 in
        15, 25, 35 and 48 s of wall clock, and ``lsc-sact-nurses`` 72, 66, 66 and 66 in 18, 29, 42
        and 54 s; 0.4 gave the same rota on four runs of each, and the registrars' again (674, with
        the interleaved batches of 2 kept since) in 50.6 s beside two busy loops (the machine twice
        as busy). A run the wall clock stops first is reported as such (``stopped_by``) and may
        differ between runs. The rate is set for two workers: one worker (``--threads 1``) does
        fewer units a second, and at 0.4 took 45 and 41 s of a 60-s limit on the quiet machine.
        One worker interleaves the ``subsolvers`` as two do (in batches of one task), so it runs
        CP-SAT's neighbourhood searches too: without them its nurse rotas were 626, 815 and 625
        on seeds 0-2 and the registrars' 935, 680 and 728 (interleaved, machine nearly quiet:
        nurses 47, 47, 56, 51, 51 on seeds 0-4, as good as two workers' 53, 47, 48, 48, 52;
        registrars 572, 552, 572; ``benchmarks/results/roster_search.md``, 2026-12-07).
    wall_clock_factor : float
        Reproducible runs: wall-clock backstop as a multiple of the time limit (default 3) when the
        caller sets no deadline; the command line's ``--time-limit`` is a deadline for the whole
        run, which wins.
    subsolvers : tuple of str
        Reproducible runs: CP-SAT's full-problem subsolvers (:data:`SUBSOLVERS`)
        that the workers (one or more) interleave, beside the feasibility jump, local search and neighbourhood
        searches CP-SAT adds (default ``("default_lp",)``). CP-SAT's own default interleaves eight
        (core, default_lp, max_lp, no_lp, pseudo_costs, quick_restart, quick_restart_no_lp,
        reduced_costs), which spreads two workers' time thin: at 20 deterministic units on six
        rotas (bundled nurses and registrars, a generated 30 x 28, Curtois & Qu 5, 8, 10)
        ``default_lp`` alone gave every rota better (nurses 267 -> 66, registrars 1035 -> 914,
        Instance8 4196 -> 2145; ``benchmarks/results/roster_encodings.md``). ``max_lp`` adds the
        full LP, whose cuts suit small rotas with a weak default LP (``lsc-sact-nurses`` sets
        ``default_lp, max_lp``) and cost large ones time. A caller's CP-SAT ``subsolvers`` option
        wins.
    search : str
        How the rota is searched for: ``"cpsat"`` (default: one CP-SAT solve of the whole model)
        or ``"lns"`` (large-neighbourhood search, :mod:`models.roster.search`: a first rota, then
        re-solving a few people or a window of days at a time with the rest fixed) or ``"lines"``
        (:mod:`models.roster.price_and_branch`: a bound from column generation over each person's
        lines of work, and a rota from the best combination of those lines as CP-SAT's start)
        or ``"mip"`` (:mod:`models.roster.mip_search`: the same model as a MILP for HiGHS's branch
        and cut, its bound the MILP's, CP-SAT completing and valuing its rota; on the wall clock
        only) or ``"auto"`` (``lines`` when the input's cover is soft throughout and the rota small
        enough for column generation to converge in the time, else ``cpsat``:
        :func:`models.roster.search.auto_search`).
    first_hard : tuple of str
        ``search: cpsat``: rule families whose soft terms are made hard in a first phase, whose rota
        then starts the whole model (:mod:`models.roster.first_phase`; default
        ``("whole_weekends",)``: the good registrar rotas break none, and hardening it first took
        ``lsc-registrar-oncall`` from 968 to 790 in the same 12 deterministic units; an instance
        without such a soft rule is searched in one phase, as with ``()``). Besides the rules
        (:data:`models.roster.catalogue.RULES`) it may name the cover's and the requests' soft
        terms (:data:`models.roster.catalogue.COVER_AND_REQUEST_TERMS`: ``under_cover`` and
        ``over_cover`` hold every shift at its preferred cover, the request terms grant every
        request).
    first_hard_share : float
        Share of the time limit (deterministic or wall-clock) for that first phase (default 0.8;
        0: one phase). On ``lsc-registrar-oncall`` at 12 deterministic units, shares 0.5, 0.67,
        0.8 and 0.9 gave 834, 801, 790 and 801 (``benchmarks/results/roster_search.md``,
        2026-12-03).
    bound_share : float
        ``search: cpsat``: share of the time limit for a lower bound from CP-SAT's full LP after the
        search, when the rota is not proven optimal (:mod:`models.roster.full_lp_bound`; default
        0.05: 3 s of a minute; 0: none). On ``lsc-sact-nurses`` it lifts the bound from 28 to
        40-43 (optimum 45).
    bound_work_per_second : float
        Reproducible runs: CP-SAT deterministic units per second of ``bound_share`` for that
        pass, beside the search's own (default 1.2: 3.6 units for the 3 s of a minute; one worker
        with the full LP does about 1.2 units a second on this machine, where the search's rate,
        ``work_per_second``, is set for two interleaved workers on a busy machine). On the nurses'
        rota of 57, seeds 0-7, the pass's bound was 40-43 on all eight at 3.6 units, where the
        1.2 units of ``work_per_second`` left it at the presolve's 9 on three of four seeds
        (``benchmarks/results/roster_search.md``, 2026-12-06 20:19-).
    polish_share : float
        ``search: cpsat``, reproducible runs: share of the time limit for re-solving every
        person's days a window at a time after the search, the rest of the rota fixed, when the
        rota is not proven optimal and is longer than a window (:mod:`models.roster.polish`;
        default 0.2: 12 s of a minute; 0: none), counted in deterministic units
        (``polish_work_per_second``) beside the search's own. Not on the wall clock, where it
        would be taken from the search (:func:`models.roster.solve._polish_budget`).
    polish_work_per_second : float
        Reproducible runs: CP-SAT deterministic units per second of ``polish_share`` (default
        1.0: 12 units for the 12 s of a minute; the windows' two interleaved workers do about one
        unit a second on this machine).
    polish_half_days : int
        Days either side of a polish window's centre (default 7: windows of 15 days, a centre
        every 7 days).
    mip_heuristic_effort : float
        ``search: mip``: HiGHS's ``mip_heuristic_effort``, the share of its work on primal
        heuristics, from 0 to 1 (default 0.05, HiGHS's own: on ``lsc-sact-nurses`` with 53 s,
        seeds 0-4, 0.05 gave 45, 48, 48, 48, 56 (mean 49.0), 0.2 gave 45, 53, 52, 54, 50 and 0.3
        45, 55, 48, 54, 48; ``benchmarks/results/roster_search.md``, 2026-12-07 (12:33-)).
    """

    change_weight: int = 10
    max_changes: int | None = None
    change_from: dt.date | None = None
    hard_violation_weight: int = 1
    reference_weeks: int = 17
    time_limit: float | None = None
    reproducible: bool = True
    work_per_second: float = 0.4
    wall_clock_factor: float = 3.0
    search: str = "cpsat"
    subsolvers: tuple[str, ...] = ("default_lp",)
    first_hard: tuple[str, ...] = ("whole_weekends",)
    first_hard_share: float = 0.8
    bound_share: float = 0.05
    bound_work_per_second: float = 1.2
    polish_share: float = 0.2
    polish_work_per_second: float = 1.0
    polish_half_days: int = 7
    mip_heuristic_effort: float = 0.05

    def __post_init__(self) -> None:
        problems = []

        def bad(column: str, message: str) -> None:
            problems.append(InputProblem("parameters", message, None, column))

        if self.change_weight < 0:
            bad("change_weight", f"change_weight {self.change_weight} must be >= 0")
        if self.max_changes is not None and self.max_changes < 0:
            bad("max_changes", f"max_changes {self.max_changes} must be >= 0")
        if self.hard_violation_weight < 1:
            bad("hard_violation_weight", f"hard_violation_weight {self.hard_violation_weight} must be >= 1")
        if (
            isinstance(self.reference_weeks, bool)
            or not isinstance(self.reference_weeks, int)
            or self.reference_weeks < 1
        ):
            bad(
                "reference_weeks",
                f"reference_weeks {self.reference_weeks!r} must be a whole number of weeks, 1 or more",
            )
        if self.time_limit is not None and not (math.isfinite(self.time_limit) and self.time_limit > 0):
            bad("time_limit", f"time_limit {self.time_limit} must be a positive number of seconds")
        if not (math.isfinite(self.work_per_second) and self.work_per_second > 0):
            bad("work_per_second", f"work_per_second {self.work_per_second} must be a positive number")
        if not (math.isfinite(self.wall_clock_factor) and self.wall_clock_factor >= 1):
            bad("wall_clock_factor", f"wall_clock_factor {self.wall_clock_factor} must be >= 1")
        if not (math.isfinite(self.first_hard_share) and 0 <= self.first_hard_share < 1):
            bad("first_hard_share", f"first_hard_share {self.first_hard_share} must be >= 0 and < 1")
        if not (math.isfinite(self.bound_share) and 0 <= self.bound_share < 1):
            bad("bound_share", f"bound_share {self.bound_share} must be >= 0 and < 1")
        if not (math.isfinite(self.bound_work_per_second) and self.bound_work_per_second > 0):
            bad(
                "bound_work_per_second",
                f"bound_work_per_second {self.bound_work_per_second} must be a positive number",
            )
        if not (math.isfinite(self.mip_heuristic_effort) and 0 <= self.mip_heuristic_effort <= 1):
            bad(
                "mip_heuristic_effort",
                f"mip_heuristic_effort {self.mip_heuristic_effort} must be >= 0 and <= 1",
            )
        if not (math.isfinite(self.polish_share) and 0 <= self.polish_share < 1):
            bad("polish_share", f"polish_share {self.polish_share} must be >= 0 and < 1")
        if not (math.isfinite(self.polish_work_per_second) and self.polish_work_per_second > 0):
            bad(
                "polish_work_per_second",
                f"polish_work_per_second {self.polish_work_per_second} must be a positive number",
            )
        if (
            isinstance(self.polish_half_days, bool)
            or not isinstance(self.polish_half_days, int)
            or (self.polish_half_days < 1)
        ):
            bad(
                "polish_half_days",
                f"polish_half_days {self.polish_half_days!r} must be a whole number of days, 1 or more",
            )
        if isinstance(self.first_hard, str) or not all(isinstance(r, str) for r in self.first_hard):
            bad("first_hard", f"first_hard {self.first_hard!r} must be a tuple of rule names")
        else:
            unknown = [r for r in self.first_hard if r not in RULES and r not in COVER_AND_REQUEST_TERMS]
            if unknown:
                bad("first_hard", f"first_hard names unknown rules: {', '.join(unknown)}")
        if isinstance(self.subsolvers, str) or not all(isinstance(r, str) for r in self.subsolvers):
            bad("subsolvers", f"subsolvers {self.subsolvers!r} must be a tuple of CP-SAT subsolver names")
        elif not self.subsolvers:
            bad("subsolvers", "subsolvers must name at least one CP-SAT subsolver")
        else:
            unknown = [r for r in self.subsolvers if r not in SUBSOLVERS]
            if unknown:
                bad(
                    "subsolvers",
                    f"subsolvers names unknown CP-SAT subsolvers: {', '.join(unknown)} "
                    f"(one of {', '.join(SUBSOLVERS)})",
                )
        if self.search not in SEARCHES:
            bad("search", f"search {self.search!r} must be one of {', '.join(SEARCHES)}")
        if self.change_from is not None and (
            isinstance(self.change_from, dt.datetime) or not isinstance(self.change_from, dt.date)
        ):
            bad("change_from", f"change_from {self.change_from!r} must be a date")
        if problems:
            raise ModelInputError(problems)
