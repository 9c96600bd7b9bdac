"""The result of an importer: an instance as tables and parameters, and what the importer found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class ImportedInstance:
    """An instance ready for ``optimiser.instance_files.write_instance``, with the importer's findings.

    ``findings`` are the judgements and warnings a planner must read before trusting the instance
    (guessed site types, duplicates left out, zones beyond reach, calibration fit), one line each.
    """

    kind: str
    name: str
    tables: dict[str, pd.DataFrame]
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    findings: tuple[str, ...] = ()
