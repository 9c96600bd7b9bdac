"""The import graph points one way: command layer -> instances, benchmarks -> core -> models -> solvers.

Every ``import`` statement counts: at module level, inside functions and under ``TYPE_CHECKING``.
The layers (a module belongs to the first that matches):

* ``commands``: ``optimiser/entry.py`` (the console script), ``optimiser/cli.py``,
  ``optimiser/__main__.py`` and ``optimiser/commands/``, the only modules that reach ``instances``
  and ``benchmarks`` (of them only ``optimiser bench``'s, :data:`BENCH_COMMAND`: the batch commands
  run their solves with ``optimiser.processes``, which the suite uses too);
* ``benchmarks``, ``instances``: may use the core, ``models`` and ``solvers`` (benchmarks also
  build generated instances);
* ``core``: the rest of ``optimiser`` (instance files, schemas, kinds, writing);
* ``models``: the formulations; a kind's package ``models.<kind>`` uses only ``models.common``
  of the others;
* ``solvers``: imports no other package of the project.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("optimiser", "models", "solvers", "instances", "benchmarks")

# what each layer may import (besides itself)
ALLOWED = {
    "commands": {"core", "models", "solvers", "instances", "benchmarks"},
    "benchmarks": {"core", "models", "solvers", "instances"},
    "instances": {"core", "models", "solvers"},
    "core": {"models", "solvers"},
    "models": {"solvers"},
    "solvers": set(),
}
KIND_PACKAGES = ("sact", "ooh", "cover", "roster")
BENCH_COMMAND = "optimiser.commands.bench"
# Known wrong-way edges, (importer, imported), each to be removed when fixed: none left.
KNOWN: set[tuple[str, str]] = set()


def layer(module: str) -> str | None:
    """The layer of a dotted module name, None outside the project."""
    top = module.split(".")[0]
    if top not in PACKAGES:
        return None
    if top == "optimiser":
        command = module in ("optimiser.cli", "optimiser.__main__", "optimiser.entry") or module.startswith(
            "optimiser.commands"
        )
        return "commands" if command else "core"
    return top


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, module) for every import in the tree, relative imports resolved."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from models import sact`` imports the package models.sact
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


@functools.cache
def edges() -> list[tuple[str, str, str]]:
    """(where, importer module, imported module) for every import between project modules."""
    out = []
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            module = module_name(path)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, target in imported(tree, module, path.name == "__init__.py"):
                if layer(target) is not None:
                    out.append((f"{path.relative_to(REPO_ROOT)}:{line}", module, target))
    return out


def known(source: str, target: str) -> bool:
    """A known exception: ``target`` is the module listed in :data:`KNOWN` or a name in it."""
    return any(source == s and (target == t or target.startswith(t + ".")) for s, t in KNOWN)


def kind_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "models" and parts[1] in KIND_PACKAGES else None


def wrong_way(all_edges: list[tuple[str, str, str]]) -> list[str]:
    """Every edge the layers forbid, and every import from one kind's model package into another's."""
    bad = []
    seen = set()
    for where, source, target in all_edges:
        a, b = layer(source), layer(target)
        if a != b and b not in ALLOWED[a] and (where, b) not in seen:  # type: ignore[index]
            seen.add((where, b))
            bad.append(f"{where}: {source} ({a}) imports {target} ({b})")
        elif a == "commands" and b == "benchmarks" and source != BENCH_COMMAND:
            bad.append(f"{where}: {source} imports {target}; only {BENCH_COMMAND} runs the benchmark suite")
        ka, kb = kind_package(source), kind_package(target)
        if ka and kb and ka != kb:
            bad.append(f"{where}: models.{ka} imports models.{kb}; share it through models.common")
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles among the graph's nodes (one per strongly connected component of two or more)."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_edges_from((a, b) for a, targets in graph.items() for b in targets if a != b)
    return [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]


def test_every_import_points_down_the_layers() -> None:
    bad = wrong_way([e for e in edges() if not known(e[1], e[2])])
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


def test_known_exceptions_are_still_there() -> None:
    # once an exception is fixed, take it out of KNOWN so that it cannot come back
    present = {(source, target) for _, source, target in edges()}
    assert present >= KNOWN


def test_no_cycle_between_layers() -> None:
    graph: dict[str, set[str]] = {}
    for _, source, target in edges():
        graph.setdefault(layer(source), set()).add(layer(target))  # type: ignore[arg-type]
    assert cycles(graph) == []


def test_the_allowed_layers_have_no_cycle() -> None:
    assert cycles(ALLOWED) == []


@pytest.mark.parametrize(
    ("source", "code", "expected"),
    [
        ("models.sact.solve", "from optimiser.errors import Problem", "models.sact.solve (models) imports"),
        ("solvers.highs", "def f():\n    import models.sact\n", "solvers.highs (solvers) imports"),
        (
            "optimiser.kinds.sact",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from instances import bundled_path\n",
            "optimiser.kinds.sact (core) imports instances",
        ),
        (
            "models.cover.input",
            "from models.roster.input import RosterInput",
            "share it through models.common",
        ),
        ("models.cover", "from ..roster import input", "share it through models.common"),
        (
            "optimiser.commands.batch",
            "from benchmarks.suite.cluster import dask_client",
            "only optimiser.commands.bench",
        ),
    ],
)
def test_a_wrong_way_import_is_caught(source: str, code: str, expected: str) -> None:
    is_package = source.count(".") == 1
    found = [("x.py:1", source, target) for _, target in imported(ast.parse(code), source, is_package)]
    found = [e for e in found if layer(e[2]) is not None]
    assert any(expected in line for line in wrong_way(found))


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("optimiser.cli", "from instances import bundled_path"),
        ("optimiser.commands.bench", "from benchmarks.suite import run_suite"),
        ("instances.generators.sact", "from models.sact.input import SactParameters"),
        ("benchmarks.suite.cases_sact", "from optimiser.kinds import load_instance"),
        ("models.sact.solve", "from models.common.contract import Plan\nfrom solvers import SolveOptions"),
    ],
)
def test_a_right_way_import_passes(source: str, code: str) -> None:
    found = [("x.py:1", source, target) for _, target in imported(ast.parse(code), source, False)]
    assert wrong_way(found) == []


def test_a_cycle_is_found() -> None:
    assert cycles({"core": {"models"}, "models": {"solvers", "core"}, "solvers": set()}) == [
        ["core", "models"]
    ]
