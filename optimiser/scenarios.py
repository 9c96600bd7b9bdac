"""Scenario files and the comparison of solved scenarios.

A scenario file (``scenarios.yaml`` in the instance folder, or any file given with
``--scenarios``) names scenarios as overrides of the instance (see :mod:`optimiser.overrides`)::

    scenarios:
      base: {}
      growth-68: {set: {demand_growth: 0.68}}
      keep-furness: {open: [RTXBU]}
      access-90: {set: {access_target: 0.9}, close: [RXN01]}

Each scenario is solved into its own run folder; :func:`compare_runs` reads the run folders back
(``summary.json`` and the plan tables) into one row per scenario, one column per headline figure,
and :func:`plan_differences` lists what differs between each scenario's plan and the first's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from optimiser.errors import InputError, Problem
from optimiser.exports.numbers import table_of_rows
from optimiser.exports.safe import read_written_csv
from optimiser.instance_files import read_yaml
from optimiser.overrides import Overrides, overrides_from_mapping

SCENARIO_FILE = "scenarios.yaml"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def read_scenarios(path: Path) -> dict[str, Overrides]:
    """The scenarios of ``path`` in file order; raise InputError naming file and scenario."""
    data = read_yaml(path)
    shown = str(path)
    problems: list[Problem] = []
    unknown = [k for k in data if k != "scenarios"]
    problems += [Problem(shown, f"unknown key '{k}'; expected: scenarios", column=str(k)) for k in unknown]
    entries = data.get("scenarios")
    if not isinstance(entries, Mapping) or not entries:
        problems.append(
            Problem(shown, "expected 'scenarios:' with at least one named scenario", column="scenarios")
        )
        raise InputError(problems)
    scenarios: dict[str, Overrides] = {}
    for name, entry in entries.items():
        label = str(name)
        if not _NAME.match(label):
            problems.append(
                Problem(
                    shown, f"scenario name '{label}': letters, digits, '.', '_' or '-' only", column=label
                )
            )
            continue
        try:
            scenarios[label] = overrides_from_mapping(entry, f"{shown}: scenario '{label}'")
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return scenarios


def find_scenario_file(instance: Path, given: Path | None) -> Path:
    """``given``, else the instance folder's ``scenarios.yaml``; InputError when neither exists."""
    path = given if given is not None else instance / SCENARIO_FILE
    if not path.is_file():
        raise InputError([Problem(str(path), "scenario file not found (give one with --scenarios)")])
    return path


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(value, list):
        out[prefix] = len(value) if all(isinstance(v, str) for v in value) else json.dumps(value)
    else:
        out[prefix] = value


_SKIP = {"kind", "explanation", "input_notes", "timings", "check", "solver", "plan_found"}


def explanation_text(doc: Mapping[str, Any]) -> str:
    """A run's explanation (its ``summary.json``, ``doc``) as one cell: each finding whole, set
    apart by '; ' (they are clauses without a full stop, so a space ran one into the next)."""
    return "; ".join(doc.get("explanation") or [])


def check_word(summary: Mapping[str, Any]) -> str:
    """The independent check of a run in one word: passed, FAILED or no plan (the check runs on
    every plan), the same in comparison.csv as in frontier.csv and regret.csv: the comparison read
    'not run' of a plan-less run and 'failed' of a plan that broke a rule."""
    check = summary.get("check")
    if not check:
        return "no plan"
    return "passed" if check.get("passed") else "FAILED"


NOT_RUN = "not run"
KILLED_ABOVE_MEMORY = "killed above the memory limit"
KILLED_PAST_CLOCK = "killed past its wall-clock limit"
RUN_FAILED = "failed"
WITHOUT_SUMMARY = (NOT_RUN, KILLED_ABOVE_MEMORY, KILLED_PAST_CLOCK, RUN_FAILED)
"""The status of a run whose solve wrote no ``summary.json``: not run (not started in the time
left, or stopped), its process killed above ``--memory-limit`` or past its wall clock, or failed."""


def scenario_row(name: str, folder: Path, without_summary: str = NOT_RUN) -> dict[str, Any]:
    """One comparison row from a run folder: status, gap, the check and every headline figure;
    the status ``without_summary`` (one of :data:`WITHOUT_SUMMARY`) when the run wrote none."""
    row: dict[str, Any] = {"scenario": name}
    summary_file = folder / "summary.json"
    if not summary_file.is_file():
        row["status"] = without_summary
        return row
    doc = json.loads(summary_file.read_text(encoding="utf-8"))
    solver = doc.get("solver") or {}
    row.update(
        status=solver.get("status"),
        objective=solver.get("objective"),
        gap=solver.get("gap"),
        solve_seconds=solver.get("solve_seconds"),
        check=check_word(doc),
        interrupted=bool(doc.get("interrupted", False)),
        explanation=explanation_text(doc),
    )
    figures: dict[str, Any] = {}
    _flatten("", {k: v for k, v in doc.items() if k not in _SKIP and k not in row}, figures)
    row.update(figures)
    total, penalty = figures.get("costs.total"), figures.get("costs.unserved_penalty")
    if isinstance(total, int | float) and isinstance(penalty, int | float):
        # what the plan costs a year; the penalty on unserved attendances is the objective's only
        row["annual_cost"] = total - penalty
    quintiles = folder / "access_by_quintile.csv"
    if quintiles.is_file():
        table = pd.read_csv(quintiles)
        for _, q in table.iterrows():
            for column in table.columns:
                if column != "quintile":
                    row[f"quintile_{int(q['quintile'])}.{column}"] = q[column]
    return row


def compare_runs(runs: Mapping[str, Path], unsolved: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per scenario (in the order given), one column per figure any run reports;
    ``unsolved``: the status of a run without a ``summary.json`` (:data:`NOT_RUN` if not given)."""
    unsolved = unsolved or {}
    rows = [scenario_row(name, folder, unsolved.get(name, NOT_RUN)) for name, folder in runs.items()]
    return table_of_rows(rows)


PLAN_KEYS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "sact": ("sites.csv", ("site_id",), ("open", "chairs")),
    "rollout": ("schedule.csv", ("site_id", "year"), ("open", "chairs")),
    "ooh": ("coverage.csv", ("site_id", "service_id"), ("hub_after",)),
}
"""Per kind: the plan table, its key columns and the columns whose change is a plan difference."""


def plan_differences(kind: str, runs: Mapping[str, Path]) -> pd.DataFrame:
    """What differs between each scenario's plan and the first scenario's with a plan (the
    reference)."""
    spec = PLAN_KEYS.get(kind)
    names = list(runs)
    columns = ["scenario", "reference", "key", "what", "reference_value", "scenario_value"]
    if spec is None or len(names) < 2:
        return pd.DataFrame(columns=columns)
    table, keys, values = spec
    frames = {n: _plan_table(runs[n] / table, keys, values) for n in names}
    # the first scenario with a plan: an infeasible first one left the whole table empty
    reference = next((n for n in names if frames[n] is not None), names[0])
    base = frames[reference]
    rows = []
    for name in names:
        other = frames[name]
        if name == reference or base is None or other is None:
            continue
        joined = base.join(other, how="outer", lsuffix="_ref", rsuffix="_new")
        for key, record in joined.iterrows():
            for value in values:
                a, b = record.get(f"{value}_ref"), record.get(f"{value}_new")
                if not _same(a, b):
                    label = "|".join(map(str, key)) if isinstance(key, tuple) else str(key)
                    rows.append([name, reference, label, value, _cell(a), _cell(b)])
    return pd.DataFrame(rows, columns=columns, dtype=object)  # a blank beside 29 keeps it 29, not 29.0


_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
"""A number as a plan table writes one: no leading zero (a site id "001" stays text)."""


def _cell(text: Any) -> Any:
    """A plan value read as text, as a number where it is written as one (chairs 29), so the
    workbook's differences sheet holds numbers a spreadsheet can sum (it held the text "29");
    else the text, or None for a blank."""
    if text is None or pd.isna(text):
        return None
    written = str(text).strip()
    if not _NUMBER.fullmatch(written):
        return text
    return float(written) if "." in written else int(written)


def _plan_table(path: Path, keys: tuple[str, ...], values: tuple[str, ...]) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    # as text: a row only one plan has leaves a blank, and the other values stay as written
    # (chairs 29, not the 29.0 of the float column a blank made of them)
    frame = read_written_csv(path, dtype=str)
    present = [v for v in values if v in frame.columns]
    return frame.set_index(list(keys))[present]


def _same(a: Any, b: Any) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return str(a) == str(b)
