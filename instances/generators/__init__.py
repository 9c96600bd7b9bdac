"""Generators of instances for any size; each returns tables and parameters, never writes files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class GeneratedInstance:
    """An instance as tables and parameters, ready for ``optimiser.instance_files.write_instance``."""

    kind: str
    name: str
    tables: dict[str, pd.DataFrame]
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""
