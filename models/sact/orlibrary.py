"""OR-Library location benchmarks read as SACT location instances of the same formulation.

Two public sets with published optima check the SACT model (:mod:`models.sact.input`) against
problems solved elsewhere:

* ``pmed1..pmed20`` (Beasley 1990), the uncapacitated p-median: every vertex is a zone of one
  attendance and a candidate site; travel minutes are shortest-path distances; exactly ``p``
  sites open; objective ``travel`` (attendance-minutes), so the optimum is the sum of distances.
* ``cap41..cap104`` (Beasley 1988), capacitated warehouse location with split demand: warehouses
  are sites with a fixed cost and a capacity, customers are zones whose attendances are their
  demand; objective ``cost`` with one pound per minute and one trip per attendance, and minutes
  = cost of serving all of the demand / demand, so valued travel equals the supply cost.

Capacity is carried by chairs: one chair hour a year per chair and one chair hour per attendance,
so chairs count demand units and ``max_chairs`` is the warehouse capacity (chairs cost nothing).
No aseptic supply, no complex regimens, no travel limit.  The file formats are described in
``shared/benchmarks/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from models.sact.input import SactInput, SactParameters


def _tokens(path: str | Path) -> list[str]:
    return Path(path).read_text().split()


def _sites(ids: np.ndarray, fixed_cost: np.ndarray, max_chairs: np.ndarray) -> pd.DataFrame:
    """Candidate sites with no chairs today, costed only by ``fixed_cost``; never hubs."""
    return pd.DataFrame(
        {
            "name": [f"site {i}" for i in ids],
            "trust": "benchmark",
            "type": "cancer_centre",
            "existing": False,
            "current_chairs": 0,
            "min_chairs": 0,
            "max_chairs": max_chairs.astype(int),
            "fixed_cost": fixed_cost.astype(float),
            "chair_cost": 0.0,
            "is_hub": False,
            "hub_capacity": 0.0,
            "must_open": False,
        },
        index=pd.Index(ids, name="site_id"),
    )


def _zones(ids: np.ndarray, attendances: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {"attendances": attendances.astype(float), "quintile": 0, "population": 0},
        index=pd.Index(ids, name="zone_id"),
    )


def _travel(zone_ids: np.ndarray, site_ids: np.ndarray, minutes: np.ndarray) -> pd.DataFrame:
    """Every zone-site pair from a (zones x sites) matrix of minutes."""
    return pd.DataFrame(
        {
            "zone_id": np.repeat(zone_ids, len(site_ids)),
            "site_id": np.tile(site_ids, len(zone_ids)),
            "minutes": minutes.ravel(),
        }
    )


def _no_site_travel() -> pd.DataFrame:
    return pd.DataFrame({"from_site": [], "to_site": [], "minutes": []})


def pmed_distances(path: str | Path) -> tuple[np.ndarray, int]:
    """All-pairs shortest-path distances of an OR-Library pmed graph, and its ``p``.

    The first line is ``n m p``, then ``m`` edges ``i j cost`` (1-based, undirected).  A pair
    listed more than once takes the LAST cost listed, the rule that gives the published optima.
    """
    tok = np.array(_tokens(path), dtype=float)
    n, m, p = (int(v) for v in tok[:3])
    edges = tok[3 : 3 + 3 * m].reshape(-1, 3)
    if len(edges) != m:
        raise ValueError(f"{path}: {m} edges announced, {len(edges)} found")
    i = edges[:, 0].astype(np.int64) - 1
    j = edges[:, 1].astype(np.int64) - 1
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    key = lo * n + hi
    # the last occurrence of each pair: first occurrence in the reversed list
    _, first_rev = np.unique(key[::-1], return_index=True)
    last = len(key) - 1 - first_rev
    keep = last[lo[last] != hi[last]]  # a loop adds nothing to a shortest path
    graph = sp.csr_matrix((edges[keep, 2], (lo[keep], hi[keep])), shape=(n, n))
    dist = shortest_path(graph, method="D", directed=False)
    if not np.isfinite(dist).all():
        raise ValueError(f"{path}: the graph is not connected")
    return dist, p


def read_pmed(path: str | Path) -> SactInput:
    """An OR-Library p-median instance as a :class:`SactInput` (objective: total distance)."""
    dist, p = pmed_distances(path)
    n = len(dist)
    ids = np.arange(1, n + 1)
    params = SactParameters(
        mean_chair_hours=0.0,  # uncapacitated: attendances use no chair hours
        complex_share=0.0,
        max_travel_minutes=float("inf"),
        exact_open_sites=p,
        require_aseptic_supply=False,
        objective="travel",
    )
    return SactInput(
        zones=_zones(ids, np.ones(n)),
        # max_chairs 1, not 0: the model builds no arcs to a site that may have no chairs
        sites=_sites(ids, np.zeros(n), np.ones(n)),
        travel=_travel(ids, ids, dist),
        site_travel=_no_site_travel(),
        parameters=params,
        name=Path(path).stem,
    )


def read_cap(path: str | Path, capacity: float | None = None) -> SactInput:
    """An OR-Library capacitated warehouse instance (split demand) as a :class:`SactInput`.

    Tokens: ``m n``; ``m`` pairs ``capacity fixed_cost``; per customer ``demand`` then ``m``
    costs of serving all of its demand.  Numbers may end in a dot (``7500.``).  A customer with
    no demand gets one attendance's worth of minutes (its cost) and no arcs are built for it.

    In the large sets (``capa``, ``capb``, ``capc``) every warehouse's capacity is the literal
    word ``capacity``, to be replaced by one value per variant (capa 8000, 10000, 12000, 14000;
    capb 5000, 6000, 7000, 8000; capc 5000, 5750, 6500, 7250): ``capacity`` (demand units) is
    that value, and the instance is named ``<file>-<capacity>``.  A file with the word and no
    ``capacity`` given raises ``ValueError``; numeric capacities in a file are kept as they are.
    """
    tok = _tokens(path)
    m, n = int(tok[0]), int(tok[1])
    words = [i for i, t in enumerate(tok[2 : 2 + 2 * m : 2]) if t.lower() == "capacity"]
    if words and capacity is None:
        raise ValueError(
            f"{path}: the capacity of {len(words)} warehouses is the word 'capacity'; "
            "give the variant's capacity (read_cap(path, capacity=...), suite key 'capacity')"
        )
    body = list(tok[2:])
    for i in words:
        body[2 * i] = str(capacity)
    values = np.array([float(t) for t in body], dtype=float)
    expected = 2 * m + n * (1 + m)
    if len(values) != expected:
        raise ValueError(f"{path}: {expected} numbers expected after 'm n', found {len(values)}")
    warehouses = values[: 2 * m].reshape(m, 2)
    customers = values[2 * m :].reshape(n, 1 + m)
    demand, cost = customers[:, 0], customers[:, 1:]
    per_unit = np.divide(cost, demand[:, None], out=cost.copy(), where=demand[:, None] > 0)
    zone_ids = np.arange(1, n + 1)
    site_ids = np.arange(1, m + 1)
    params = SactParameters(
        chair_hours_per_day=1.0,  # one chair = one unit of capacity a year
        days_per_week=1.0,
        weeks_per_year=1.0,
        utilisation=1.0,
        mean_chair_hours=1.0,
        complex_share=0.0,
        max_travel_minutes=float("inf"),
        require_aseptic_supply=False,
        objective="cost",
        travel_cost_per_minute=1.0,
        trips_per_attendance=1.0,
    )
    return SactInput(
        zones=_zones(zone_ids, demand),
        sites=_sites(site_ids, warehouses[:, 1], warehouses[:, 0]),
        travel=_travel(zone_ids, site_ids, per_unit),
        site_travel=_no_site_travel(),
        parameters=params,
        name=Path(path).stem if not words else f"{Path(path).stem}-{capacity:g}",
    )


def read_optima(path: str | Path) -> dict[str, float]:
    """Published optima by instance name from an ``optima.txt`` (header line; optimum last)."""
    lines = [line.split() for line in Path(path).read_text().splitlines() if line.strip()]
    return {row[0]: float(row[-1]) for row in lines[1:]}
