"""Each numbered constraint of a formulation's docstring names the function that builds it.

The mathematics of each model is stated once, in its package's docstring, and each numbered
constraint there names its function (``name``, ``(n) name:`` or :func:`module.name`); a function
renamed or removed without the docstring would leave the statement pointing at nothing."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILDERS = {
    "sact": "models.sact.matrix",
    "rollout": "models.rollout.build",
    "ooh": "models.ooh.matrix",
    "cover": "models.cover.matrix",
    "roster": "models.roster.rules",
}
ITEM = re.compile(r"\n(?=(?:\d+'?\.|\(\d+\))\s)")


def constraint_items(package: str) -> list[str]:
    """The first paragraph of every numbered item from the docstring's ``Constraints`` on."""
    source = (REPO_ROOT / "models" / package / "__init__.py").read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source)) or ""
    section = doc[doc.index("Constraints") :]
    return [item.split("\n\n")[0] for item in ITEM.split(section)[1:]]


def named_functions(item: str, module: object) -> list[str]:
    """The names in ``item`` that are functions of ``module``, or importable dotted names."""
    names = re.findall(r"``([a-z_][a-z_0-9]*)``", item)
    names += re.findall(r"^\(\d+\)\s+([a-z_]+):", item)
    found = [n for n in names if callable(getattr(module, n, None))]
    for dotted in re.findall(r":func:`([\w.]+)`", item):
        where, _, name = dotted.rpartition(".")
        if where and callable(getattr(importlib.import_module(where), name, None)):
            found.append(dotted)
    for name, where in re.findall(r"``([a-z_]+)`` in\s+:mod:`([\w.]+)`", item):
        if callable(getattr(importlib.import_module(where), name, None)):
            found.append(f"{where}.{name}")
    return found


@pytest.mark.parametrize("package", sorted(BUILDERS))
def test_every_numbered_constraint_names_its_function(package: str) -> None:
    module = importlib.import_module(BUILDERS[package])
    items = constraint_items(package)
    assert len(items) >= 6, f"models.{package}: the numbered constraints were not found"
    unnamed = [item.splitlines()[0] for item in items if not named_functions(item, module)]
    assert not unnamed, f"models.{package}: constraints naming no function of {BUILDERS[package]}: {unnamed}"


def test_a_constraint_naming_a_missing_function_is_caught() -> None:
    module = importlib.import_module("models.ooh.matrix")
    assert named_functions("(1) cover_once:       sum_h x_ksh = 1", module) == ["cover_once"]
    assert named_functions("(1) cover_twice:      sum_h x_ksh = 2", module) == []
    assert named_functions("2. Chairs (``no_such_function``).", module) == []
