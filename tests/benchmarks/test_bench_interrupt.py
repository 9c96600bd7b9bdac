"""Ctrl-C during ``optimiser bench``: the finished tasks are written, the rest left to a rerun."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from benchmarks.suite.registry import MODULES_ENV
from optimiser.commands.bench import EXIT_INTERRUPTED
from tests.benchmarks.conftest import PROBES

ROOT = Path(__file__).resolve().parents[2]


def _suite(folder: Path) -> Path:
    path = folder / "stop.yaml"
    probes = [{"name": "quick", "seconds": 0.1}, {"name": "slow", "seconds": 120}]
    data = {
        "name": "stop",
        "settings": {"time_limit": 200, "threads": 1, "memory_limit_mb": 1500},
        "backends": ["highs"],
        "cases": [{"family": "probe", "probes": probes}],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _wait_for(path: Path, text: str, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.exists() and text in path.read_text(encoding="utf-8"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never reached {path}")


@pytest.mark.slow
def test_ctrl_c_writes_the_finished_tasks_and_says_a_rerun_resumes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    env = {**os.environ, MODULES_ENV: PROBES, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "optimiser", "bench", str(_suite(tmp_path)), "--workers", "1"]
    process = subprocess.Popen(
        [*command, "--out", str(out)], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    _wait_for(out / "results.jsonl", "probe/quick|highs|0", 90)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "Interrupted: 1 task finished" in err and "the same command runs the rest" in err
    results = pd.read_csv(out / "results.csv")
    assert results["case"].tolist() == ["quick"] and results["status"].tolist() == ["optimal"]
    assert "| quick " in (out / "report.md").read_text(encoding="utf-8")
