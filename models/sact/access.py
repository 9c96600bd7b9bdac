"""Access statistics of a SACT plan: overall, per deprivation quintile and per district.

For a group :math:`G` of zones with demand :math:`D_G = \\sum_{z \\in G,k} d_{zk}` (unserved
attendances included) and the served allocations :math:`a` of its zones, attendances
:math:`w_a` at :math:`t_a` minutes:

* ``mean_minutes`` :math:`= \\sum_a w_a t_a / \\sum_a w_a`; ``p95_minutes`` the smallest
  :math:`t` with at least 95 % of the served attendances at or below it; ``worst_minutes`` the
  longest journey of any served attendance;
* ``within_<b>`` :math:`= \\sum_{a: t_a \\le b} w_a / D_G` for each band :math:`b` of
  :data:`ACCESS_BANDS` (unserved attendances count as not within), kept within [0, 1]
  (:func:`share`: summing the allocations can overshoot :math:`D_G` by a rounding error);
* ``within_access_standard``, the same share of all attendances within ``access_minutes`` (the
  standard :math:`T` of the access target, which need not be a band), overall, per quintile and
  per district; per district also ``unserved`` attendances :math:`D_G - \\sum_a w_a`;
* ``served_within_access_standard`` :math:`= \\sum_{a: t_a \\le T} w_a / \\sum_a w_a`, the share of
  the *served* attendances within :math:`T`: the share the access target is tested against (the
  model's constraint 5 and the checker's ``access target`` rule), which with ``allow_unserved``
  is over the served attendances; when every attendance is served it equals
  ``within_access_standard``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ACCESS_BANDS = (30, 45, 60)
"""Minutes of the ``within_<b>`` shares every access table reports."""
NO_DISTRICT = "(no district)"
"""The district row of zones whose ``district`` is blank, when other zones have one."""
DISTRICT_COLUMNS = (
    "district",
    "zones",
    "attendances",
    "mean_minutes",
    "p95_minutes",
    "worst_minutes",
    *(f"within_{band}" for band in ACCESS_BANDS),
    "within_access_standard",
    "served_within_access_standard",
    "unserved",
)


def percent(value: float) -> str:
    """A share as a planner writes it: ``0.95`` -> ``95%``, ``0.999`` -> ``99.9%`` (never rounded to
    a target it is not: ``0.999`` is not ``100%``)."""
    return f"{value * 100:.4g}%"


def share(part: float, total: float) -> float:
    """``part / total`` kept within [0, 1] (NaN when ``total`` is not positive).

    ``part`` is a sum over allocations of attendances whose whole is ``total``; summed in another
    order it can exceed ``total`` by a rounding error, which would show as a share of
    1.0000000000000007.  Clipping only removes such errors: every allocation is part of its demand.
    """
    if not total > 0:
        return float("nan")
    return min(1.0, max(0.0, float(part) / float(total)))


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value v with at least a share q of the weight at or below v."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][np.searchsorted(cum, q - 1e-12)])


def access_statistics(
    minutes: np.ndarray, attendances: np.ndarray, total: float, standard: float | None = None
) -> dict[str, float]:
    """Mean, 95th percentile, worst travel and share within each band, weighted by attendances;
    with ``standard`` (minutes) also ``within_access_standard`` (of all attendances) and
    ``served_within_access_standard`` (of the served ones, the access target's base).

    ``total`` includes unserved attendances, which count as not within any band.
    """
    served = attendances.sum()
    stats = {
        "attendances": float(total),
        "mean_minutes": float((minutes * attendances).sum() / served) if served > 0 else float("nan"),
        "p95_minutes": weighted_quantile(minutes, attendances, 0.95),
        "worst_minutes": float(minutes[attendances > 1e-9].max())
        if (attendances > 1e-9).any()
        else float("nan"),
    }
    for band in ACCESS_BANDS:
        stats[f"within_{band}"] = share(attendances[minutes <= band].sum(), total)
    if standard is not None:
        near = attendances[minutes <= standard].sum()
        stats["within_access_standard"] = share(near, total)
        stats["served_within_access_standard"] = share(near, served)
    return stats


def access_by_quintile(
    zones: pd.DataFrame,
    alloc: pd.DataFrame,
    dem_quintile: np.ndarray,
    dem_amount: np.ndarray,
    access_minutes: float | None = None,
) -> pd.DataFrame:
    """Access statistics per deprivation quintile (unserved attendances count as not within).

    ``dem_quintile`` and ``dem_amount`` are the quintile and attendances of every demand row;
    with ``access_minutes``, each quintile's ``within_access_standard`` and
    ``served_within_access_standard`` too.
    """
    zone_q = zones["quintile"] if "quintile" in zones else pd.Series(0, index=zones.index)
    alloc_q = alloc["zone_id"].map(zone_q).to_numpy()
    minutes, attendances = alloc["minutes"].to_numpy(float), alloc["attendances"].to_numpy(float)
    rows = []
    for q in sorted(set(dem_quintile.tolist())):
        mask = alloc_q == q
        total = float(dem_amount[dem_quintile == q].sum())
        stats = access_statistics(minutes[mask], attendances[mask], total, access_minutes)
        rows.append({"quintile": int(q), **stats})
    return pd.DataFrame(rows)


def zone_districts(zones: pd.DataFrame) -> pd.Series | None:
    """Each zone's district by zone id (blank: :data:`NO_DISTRICT`); None when no zone has one."""
    if "district" not in zones:
        return None
    names = zones["district"].fillna("").astype(str).str.strip()
    if not (names != "").any():
        return None
    return names.where(names != "", NO_DISTRICT)


def access_by_district(
    zones: pd.DataFrame, alloc: pd.DataFrame, demand: pd.Series, access_minutes: float
) -> pd.DataFrame:
    """Access statistics per district (columns :data:`DISTRICT_COLUMNS`, districts by name).

    ``zones`` is indexed by zone id with an optional ``district`` column; ``alloc`` has
    ``zone_id``, ``attendances`` and ``minutes`` of every served allocation; ``demand`` is each
    zone's attendances a year by zone id, unserved included. No rows when no zone has a district.
    """
    district = zone_districts(zones)
    if district is None:
        return pd.DataFrame(columns=list(DISTRICT_COLUMNS))
    alloc_d = alloc["zone_id"].map(district).to_numpy()
    minutes, attendances = alloc["minutes"].to_numpy(float), alloc["attendances"].to_numpy(float)
    totals = demand.groupby(demand.index.map(district)).sum()
    rows = []
    for name, count in district.value_counts().sort_index().items():
        mask = alloc_d == name
        total = float(totals.get(name, 0.0))
        served = float(attendances[mask].sum())
        rows.append(
            {
                "district": name,
                "zones": int(count),
                **access_statistics(minutes[mask], attendances[mask], total, access_minutes),
                "unserved": round(max(0.0, total - served), 6),
            }
        )
    return pd.DataFrame(rows, columns=list(DISTRICT_COLUMNS))
