"""The README's quick start stays true: two commands, the test one is what CI runs, the first works."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the quick start has a bash block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands() -> None:
    commands = quick_start()
    assert len(commands) == 2
    assert commands[0].startswith("python -m pip install") and "optimiser solve" in commands[0]
    assert commands[1].startswith("python -m pip install") and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start()[1] in ci.splitlines()


@pytest.mark.slow
def test_first_command_solves_the_default_instance(tmp_path: Path) -> None:
    """The solve half of the first command (the install half is what CI itself does)."""
    solve = quick_start()[0].split("&&", 1)[1].split()
    assert solve[:2] == ["optimiser", "solve"]
    exe = shutil.which("optimiser") or str(Path(sys.executable).with_name("optimiser"))
    if not Path(exe).exists():
        pytest.skip("the optimiser console script is not installed in this environment")
    done = subprocess.run(
        [exe, *solve[1:], "--out", str(tmp_path / "run")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Annual cost" in done.stdout and "Traceback" not in done.stderr
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["solver"]["status"] == "optimal"
    assert summary["check"]["passed"]
    # The LSOA-level default's recorded optimum (instances/lsc-sact/README.md), at the default gap.
    assert summary["costs"]["total"] == pytest.approx(5_631_616.34, rel=1e-4)
    assert summary["sites_open"] == 6


SACT_IN_WORDS = {
    "chair_hours_per_day",
    "days_per_week",
    "weeks_per_year",
    "mean_chair_hours",
    "complex_share",
    "demand_growth",
    "access_target_q2",
    "access_target_q3",
    "access_target_q4",
    "single_source",
    "unserved_penalty",
    "max_new_sites",
    "min_site_attendances",
    "require_aseptic_supply",
    "drug_stability_minutes",
    "doses_per_attendance",
    "transport_cost_per_minute",
    "chairs_per_nurse",
    "travel_cost_per_minute",
    "trips_per_attendance",
}
IN_WORDS = {
    "sact": SACT_IN_WORDS,
    "rollout": SACT_IN_WORDS,
    "ooh": {
        "allow_cross_trust",
        "max_attendances_per_night",
        "nights_per_year",
        "weekend_days_per_year",
        "travel_cost_per_minute",
        "trips_per_attendance",
        "cost_per_change",
        "non_resident_mobilisation_minutes",
    },
    "cover": {
        "cost_per_mile",
        "minutes_per_pa",
        "travel_pa_step",
        "pas_per_trip",
        "max_trips_per_site",
        "max_trip_minutes",
        "mdt_pas",
        "mdt_shortfall_penalty",
    },
    "roster": set(),
}
"""Parameters the README's parameter lists describe in words with their default ("chair hours a
day (10)") rather than by name; every other parameter must be named there in backticks."""


@pytest.mark.parametrize("kind", sorted(IN_WORDS))
def test_every_parameter_is_named_in_the_readme_or_described_in_words(kind: str) -> None:
    """A parameter added without a README entry fails here (sact's lazy_linking, ooh's
    response_cap_minutes and cover's run_stage3, stage3_polish, weighted_stage1/3 and pa_step had
    none); one described in words is listed in :data:`IN_WORDS`."""
    from optimiser.kinds import KINDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {p.name for p in KINDS[kind].parameters}
    assert {n for n in names if f"`{n}`" not in readme} == IN_WORDS[kind]


def test_every_command_row_is_in_a_table() -> None:
    """A command row after a paragraph renders as that paragraph's text, pipes and all (the
    `optimiser report` row followed the time-limit paragraph, out of the commands table)."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("| `optimiser "):
            above = lines[number - 2]
            assert above.startswith("|"), f"README.md line {number} is a table row after {above[:60]!r}"


def test_the_bench_row_gives_every_exit_code_of_bench() -> None:
    """A CI job running ``optimiser bench`` reads its exit codes in the README: 3 was missing."""
    from optimiser.commands import bench

    row = next(
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `optimiser bench ")
    )
    codes = {bench.EXIT_BAD_INPUT, bench.EXIT_MISMATCH, bench.EXIT_NOT_REPRODUCED}
    for code in codes - {bench.EXIT_BAD_INPUT}:  # 2, bad input, is every command's
        assert f"exit {code}" in row, code
