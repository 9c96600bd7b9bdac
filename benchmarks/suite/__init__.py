"""The benchmark suite (issue 6): a registry of case families, a resumable runner and a report.

Run it with ``optimiser bench SUITE`` (:mod:`optimiser.commands.bench`) or from Python::

    from benchmarks.suite import load_suite, run_suite
    outcome = run_suite(load_suite("smoke"), Path("benchmarks/results/smoke"))

Modules: :mod:`~benchmarks.suite.registry` (cases, families, published values),
``cases_*`` (one module per model), :mod:`~benchmarks.suite.definition` (suite files),
:mod:`~benchmarks.suite.tasks` (tasks and rows), :mod:`~benchmarks.suite.runner` (Dask, limits,
resume), :mod:`~benchmarks.suite.report` and :mod:`~benchmarks.suite.profile` (tables, plots).
"""

from benchmarks.suite.definition import Settings, Suite, load_suite, suite_names
from benchmarks.suite.registry import Case, Context, Family, families, get_family
from benchmarks.suite.runner import BenchOutcome, SettingsChanged, run_suite
from benchmarks.suite.tasks import PublishedValueMismatch

__all__ = [
    "BenchOutcome",
    "Case",
    "Context",
    "Family",
    "PublishedValueMismatch",
    "Settings",
    "SettingsChanged",
    "Suite",
    "families",
    "get_family",
    "load_suite",
    "run_suite",
    "suite_names",
]
