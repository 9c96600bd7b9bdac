"""``optimiser solve --start RUN_FOLDER``: read an earlier run's plan to warm-start from.

The plan's site decisions are read from the run's ``sites.csv`` (``site_id``, ``open``,
``chairs``); the model completes them (allocation, supply) under the parameters of the new solve
(:mod:`models.sact.start`), so the run's ``allocation.csv`` is not needed, only checked to be
there (a run without it has no plan).  A run of another instance names sites the model does not
know, and the model ignores the start with a note.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimiser.errors import InputError, Problem
from optimiser.exports.safe import plain_text

START_KINDS = ("sact",)  # the kinds whose model takes a warm start


def read_start(folder: Path) -> pd.DataFrame:
    """The open sites and their chairs of the plan in run folder ``folder``; InputError if it has
    none."""
    sites, allocation = folder / "sites.csv", folder / "allocation.csv"
    if not sites.is_file() or not allocation.is_file():
        why = "is not a run folder with a plan (no sites.csv and allocation.csv)"
        raise InputError([Problem("--start", f"{folder} {why}")])
    frame = pd.read_csv(sites, dtype={"site_id": str})
    missing = [c for c in ("site_id", "open", "chairs") if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(sites), "no column " + ", ".join(missing), column=missing[0])])
    is_open = frame["open"].astype(str).str.lower().isin(("true", "1", "1.0"))
    site_ids = frame["site_id"].map(plain_text)  # the run wrote '+X for a site +X
    return pd.DataFrame({"site_id": site_ids, "open": is_open, "chairs": frame["chairs"].fillna(0)})
