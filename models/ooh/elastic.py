"""The elastic form of the OOH model, used only to explain an instance the solver proves infeasible.

Constraints (1) and (3)-(6) of :mod:`models.ooh` get non-negative slack columns (a site-service
left uncovered, members short of N_k, members over M_k, sites over L_k, attendances a night over
W), bands are not pruned below N_k, and the objective is the weighted sum of the slacks; the
other constraints hold as written.  A positive slack in its optimum names a requirement that no
plan can meet (:func:`models.ooh.diagnosis.explain_slacks` words it).  It is the same
:class:`solvers.MatrixModel` as the model itself, built by the same constraint functions of
:mod:`models.ooh.matrix`, so every backend solves it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.ooh.input import OohInput, OohParameters
from models.ooh.matrix import (
    OohArrays,
    add_columns,
    arrays,
    band_choice,
    band_range,
    band_slots,
    capped,
    cover_once,
    hub_open,
    max_rota_size,
    max_sites,
    min_rota_size,
    temporary_slots,
    workload,
)
from solvers import MatrixModel

ELASTIC_WEIGHTS = {
    "uncovered": 1000.0,  # a site-service left without cover
    "short": 10.0,  # a member short of 1-in-N
    "over_size": 10.0,  # a member over the largest rota size
    "extra_sites": 10.0,  # a site over the sites-per-rota limit
    "overload": 10.0,  # an attendance a night over the workload limit
}
"""Weight of each slack in the elastic objective, per unit (site-service, member, site, attendance)."""


def slack_rows(a: OohArrays) -> dict[str, pd.DataFrame]:
    """For each slack, the ``service_id, site_id`` its columns stand for (the site, or the rota's hub)."""
    rotas = a.rotas[["service_id", "hub_id"]].rename(columns={"hub_id": "site_id"})
    return {
        "uncovered": a.cover[["service_id", "site_id"]],
        "short": rotas,
        "over_size": rotas[capped(a, "max_rota_size")],
        "extra_sites": rotas[capped(a, "max_sites_per_rota")],
        "overload": rotas,
    }


def build_elastic(inp: OohInput, params: OohParameters) -> tuple[MatrixModel, OohArrays]:
    """The elastic MILP of every service as a :class:`MatrixModel`, and its arrays."""
    a = arrays(inp, params, elastic=True)
    rows = slack_rows(a)
    mm = MatrixModel(f"ooh_rota_elastic {inp.name}".strip())
    c = add_columns(mm, params, a, priced=False)
    x = c.x
    slack = {
        name: mm.add_variables(name, len(keys), upper=1.0 if name == "uncovered" else np.inf, cost=weight)
        for (name, keys), weight in zip(rows.items(), ELASTIC_WEIGHTS.values(), strict=True)
    }
    cover_once(mm, a, x, slack["uncovered"])
    hub_open(mm, a, x)
    min_rota_size(mm, a, x, c.u, slack["short"])
    max_rota_size(mm, a, x, slack["over_size"])
    max_sites(mm, a, x, slack["extra_sites"])
    workload(mm, a, x, params.max_attendances_per_night, slack["overload"])
    band_choice(mm, a, x, c.z)
    band_slots(mm, a, x, c.w, c.u)
    band_range(mm, a, c.z, c.w)
    temporary_slots(mm, a, c.z, c.u)
    return mm, a


def slack_table(mm: MatrixModel, a: OohArrays, solution: np.ndarray) -> pd.DataFrame:
    """Positive slacks of a solved elastic model: ``slack, service_id, site_id, value``."""
    pieces = []
    for name, keys in slack_rows(a).items():
        values = mm.values(solution, name)
        positive = values > 1e-6
        pieces.append(keys[positive].assign(slack=name, value=values[positive]))
    return pd.concat(pieces, ignore_index=True)[["slack", "service_id", "site_id", "value"]]
