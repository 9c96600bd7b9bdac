"""Fixtures for the benchmark suite's tests: the probe family, and suites written on the fly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.suite.definition import Suite, parse_suite
from benchmarks.suite.registry import MODULES_ENV

PROBES = "tests.benchmarks.probe_families"


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the probe family here and in the case processes (which inherit the environment)."""
    monkeypatch.setenv(MODULES_ENV, PROBES)


@pytest.fixture
def make_suite(tmp_path: Path) -> Callable[..., Suite]:
    """A suite from a mapping, as if read from ``tmp_path/<name>.yaml``."""

    def make(data: dict[str, Any], name: str = "test") -> Suite:
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return parse_suite(data, name, path)

    return make
