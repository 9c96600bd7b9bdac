"""Ctrl-C and SIGTERM during ``optimiser solve`` of every kind but sact (tests/optimiser/test_interrupts.py).

Each test runs the CLI in a subprocess, waits until the solve has started (a line of the solver's
log, ``--verbose``), then until a plan exists or ``grace`` seconds have passed, sends the signal
and reads the run folder: the best plan found is kept, checked and written with
``"interrupted": true`` and exit 0; without any plan the run exits 1 and says it was interrupted
before any plan was found (never "time limit").  On a loaded machine a big model may not reach a
plan within the grace time; the test then holds the run to the second promise.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimiser.cli import main
from tests.conftest import REPO_ROOT
from tests.optimiser.test_interrupts import STOPPED_WITHIN, _solve_and_signal, _strict_json

pytestmark = pytest.mark.slow

CPSAT_STARTED = re.compile(r"Starting CP-SAT solver")
CPSAT_PLAN = re.compile(r"^#\d+\s+[\d.]+s\s+best:")
"""A CP-SAT search log line of a new solution: ``#1  2.34s best:...``."""
HIGHS_STARTED = re.compile(r"Coefficient ranges|Presolving model")
SOLVED = re.compile(r"^Solving report")
"""HiGHS's line at the end of each MIP solve."""
BASELINE_SOLVES = 2
"""Solves of the generated 26-week cover's baseline (everyone at home): its two lexicographic
stages, each one solve over the whole horizon."""
MIP_START = re.compile(r"MIP start solution is feasible")
"""HiGHS's line on accepting a warm start: each forward roll-out step, then the whole model."""


def _generate(kind: str, folder: Path, *args: str) -> Path:
    done = CliRunner().invoke(main, ["generate", kind, *args, str(folder)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return folder


def _assert_kept_or_said(out: Path, code: int, output: str, after: float) -> dict:
    """The run stopped in time, wrote strict JSON with ``interrupted``, and kept a checked plan or said none."""
    assert after < STOPPED_WITHIN, output[-3000:]
    summary = _strict_json(out / "summary.json")
    assert summary["interrupted"] is True, output[-3000:]
    if summary["plan_found"]:
        assert code == 0, output[-3000:]
        assert summary["check"]["passed"] is True
        assert "Interrupted: the best plan found so far is kept" in output
        written = re.search(r"^Wrote (.+) to ", output, re.MULTILINE)
        assert written is not None, output[-3000:]
        for name in written.group(1).split(", "):
            folder = re.fullmatch(r"(\S+)/ \((\d+) .*files\)", name)
            if folder:  # a sub-folder's files are counted, not named
                assert len(list((out / folder.group(1)).iterdir())) == int(folder.group(2)), name
            else:
                assert (out / name).is_file(), name
    else:
        assert code == 1, output[-3000:]
        assert "interrupted before any plan was found" in output
        assert "time limit" not in output.lower()
    return summary


def test_ctrl_c_stops_a_long_rota_and_keeps_its_best(tmp_path: Path) -> None:
    """40 staff x 56 days: CP-SAT runs for minutes; Ctrl-C once it has a rota (or after 20 s of search).
    On a loaded machine its presolve alone outlasts the 20 s: the run then exits 1 and says so."""
    instance = _generate("roster", tmp_path / "roster-40x56", "--staff", "40", "--days", "56")
    out = tmp_path / "run"
    code, output, after = _solve_and_signal(instance, out, CPSAT_STARTED, CPSAT_PLAN, 20.0, signal.SIGINT)
    _assert_kept_or_said(out, code, output, after)


def test_ctrl_c_keeps_the_first_rota_found(tmp_path: Path) -> None:
    """20 staff x 28 days: CP-SAT has a rota about 15 s into its search (loaded machine) and is far
    from proving it; Ctrl-C then keeps that rota, checked, with exit 0."""
    instance = _generate("roster", tmp_path / "roster-20x28", "--staff", "20", "--days", "28")
    out = tmp_path / "run"
    code, output, after = _solve_and_signal(instance, out, CPSAT_STARTED, CPSAT_PLAN, 120.0, signal.SIGINT)
    summary = _assert_kept_or_said(out, code, output, after)
    assert summary["plan_found"] is True and summary["solver"]["status"] in ("feasible", "optimal")


def test_ctrl_c_keeps_the_cover_weeks_done(tmp_path: Path) -> None:
    """A 26-week cross-trust cover: the baseline (two lexicographic solves over the whole horizon)
    then the plan week by week.  Ctrl-C two weeks into the plan keeps the weeks done; the rest keep the baseline."""
    instance = _generate(
        "cover",
        tmp_path / "cover",
        "--oncologists",
        "40",
        "--trusts",
        "6",
        "--tumour-sites",
        "8",
        "--weeks",
        "26",
    )
    out = tmp_path / "run"
    code, output, after = _solve_and_signal(
        instance, out, HIGHS_STARTED, SOLVED, 600.0, signal.SIGINT, times=BASELINE_SOLVES + 4
    )
    summary = _assert_kept_or_said(out, code, output, after)
    assert summary["plan_found"] is True
    kept = next(line for line in summary["explanation"] if line.startswith("interrupted during plan, week"))
    done = int(re.search(r"(\d+) of 26 weeks planned", kept).group(1))  # type: ignore[union-attr]
    assert 2 <= done < 26 and "keep the baseline" in kept


def test_sigterm_before_the_first_ooh_plan_says_so(tmp_path: Path) -> None:
    """No generated out-of-hours instance runs long enough to stop mid-search (80 sites x 3 services:
    3 s; each service is a MIP of a few hundred columns): SIGTERM as the first MIP starts, before the
    services' rotas are all planned, is a run without a plan."""
    instance = _generate("ooh", tmp_path / "ooh", "--sites", "12", "--services", "10")
    out = tmp_path / "run"
    code, output, after = _solve_and_signal(instance, out, HIGHS_STARTED, None, 0.0, signal.SIGTERM)
    summary = _assert_kept_or_said(out, code, output, after)
    assert summary["plan_found"] is False


def test_ctrl_c_during_the_rollout_keeps_its_best(tmp_path: Path) -> None:
    """The bundled ten-year roll-out: a forward plan (ten stacked solves, years 1..t) warm-starts the
    whole model; Ctrl-C once the whole model holds it (the eleventh MIP start) keeps that roll-out.
    The forward plan alone takes about 70 s on a loaded machine (15 s idle)."""
    instance = REPO_ROOT / "instances" / "lsc-sact-rollout"
    years = len((instance / "years.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
    out = tmp_path / "run"
    code, output, after = _solve_and_signal(
        instance, out, HIGHS_STARTED, MIP_START, 600.0, signal.SIGINT, times=years + 1
    )
    assert after < STOPPED_WITHIN, output[-3000:]
    summary = _strict_json(out / "summary.json")
    assert summary["interrupted"] is True and summary["plan_found"] is True, output[-3000:]
    assert summary["solver"]["status"] in ("feasible", "optimal")
    assert "Interrupted: the best plan found so far is kept" in output
    assert (out / "schedule.csv").is_file() and (out / "costs_by_year.csv").is_file()
    assert code == 0 and summary["check"]["passed"] is True, output[-3000:]
