"""Travel minutes from coordinates, and the one rule for completing a user's travel table.

A journey left out of the user's table is estimated from the two ends' coordinates::

    minutes = overhead_minutes + road_factor * great_circle_km / speed_kmh * 60

The defaults (road factor :data:`ROAD_FACTOR` 1.3, :data:`SPEED_KMH` 45 km/h and
:data:`OVERHEAD_MINUTES` 5 minutes to set off and park) are planning approximations for mixed
urban and rural roads.  :func:`complete_travel` applies the rule the same way for every kind: a
minutes value the user gives always wins; a needed pair the user leaves out is estimated; a
needed pair with no coordinates at one end is an :class:`~models.common.contract.InputProblem`
naming the pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.common.contract import InputProblem, ModelInputError

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), km
ROAD_FACTOR = 1.3  # road distance per straight-line km
SPEED_KMH = 45.0  # average road speed, km an hour
OVERHEAD_MINUTES = 5.0  # minutes to set off and park, added to every estimated journey
MAX_LISTED = 20  # problems listed one by one before "... and N more"


def great_circle_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distance in km between points given in degrees (arrays broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def road_minutes(
    km: np.ndarray,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = SPEED_KMH,
    overhead_minutes: float = OVERHEAD_MINUTES,
) -> np.ndarray:
    """Estimated road travel minutes for straight-line distances ``km``."""
    return overhead_minutes + road_factor * np.asarray(km, dtype=float) / speed_kmh * 60.0


def minutes_matrix(
    lat_from: np.ndarray,
    lon_from: np.ndarray,
    lat_to: np.ndarray,
    lon_to: np.ndarray,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = SPEED_KMH,
    overhead_minutes: float = OVERHEAD_MINUTES,
) -> np.ndarray:
    """Minutes from every origin (rows) to every destination (columns)."""
    km = great_circle_km(lat_from[:, None], lon_from[:, None], lat_to[None, :], lon_to[None, :])
    return road_minutes(km, road_factor, speed_kmh, overhead_minutes)


def complete_travel(
    needed: pd.DataFrame,
    given: pd.DataFrame | None,
    places: pd.DataFrame,
    *,
    keys: tuple[str, str] = ("from_site", "to_site"),
    table: str = "travel",
    either_way: bool = False,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = SPEED_KMH,
    overhead_minutes: float = OVERHEAD_MINUTES,
) -> pd.DataFrame:
    """The user's travel table plus every needed journey it leaves out, estimated from coordinates.

    needed : the journeys the model reads, columns ``keys`` (origin, destination) and optionally
        ``why`` (words saying why the pair is needed, quoted in a problem).
    given : the user's table, columns ``keys`` and ``minutes`` (minutes); None when absent.  Its
        rows are numbered from 1 (the first data row) in the order given.
    places : index the place id (zone or site), columns ``lat`` and ``lon`` (degrees; blank
        allowed), holding both origins and destinations.
    either_way : a user's A -> B also serves B -> A (journeys the same both ways).

    Returns every row of ``given`` (a user value always wins, even over a needed pair the model
    could estimate) followed by the estimated needed pairs, with columns ``keys``, ``minutes``,
    ``road_km`` (estimated road km; NaN for the user's rows) and ``estimated`` (bool).

    Raises :class:`ModelInputError` naming every pair the user lists twice, and every needed pair
    left out whose origin or destination has no coordinates (listing the first
    :data:`MAX_LISTED`).
    """
    a, b = keys
    user = _user_rows(given, keys, table)
    known = set(zip(user[a], user[b], strict=True))
    if either_way:
        known |= {(d, o) for o, d in known}
    pairs = needed.drop_duplicates(list(keys))
    is_missing = [pair not in known for pair in zip(pairs[a], pairs[b], strict=True)]
    missing = pairs.loc[is_missing].reset_index(drop=True)
    xy = places[["lat", "lon"]].astype(float)
    origin = xy.reindex(missing[a]).to_numpy()
    destination = xy.reindex(missing[b]).to_numpy()
    located = ~np.isnan(origin).any(axis=1) & ~np.isnan(destination).any(axis=1)
    if not located.all():
        raise ModelInputError(_unlocated(missing.loc[~located], keys, table))
    road_km = road_factor * great_circle_km(origin[:, 0], origin[:, 1], destination[:, 0], destination[:, 1])
    estimated = pd.DataFrame(
        {
            a: missing[a].to_numpy(),
            b: missing[b].to_numpy(),
            "minutes": overhead_minutes + road_km / speed_kmh * 60.0,
            "road_km": road_km,
            "estimated": True,
        }
    )
    user = user.assign(road_km=np.nan, estimated=False)
    if estimated.empty:
        return user.reset_index(drop=True)
    if user.empty:
        return estimated
    return pd.concat([user, estimated], ignore_index=True)


def _user_rows(given: pd.DataFrame | None, keys: tuple[str, str], table: str) -> pd.DataFrame:
    """The user's (origin, destination, minutes) rows; a pair listed twice is a problem."""
    columns = [*keys, "minutes"]
    if given is None:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "minutes" else object) for c in columns})
    rows = given[columns].reset_index(drop=True)
    twice = np.flatnonzero(rows.duplicated(list(keys)).to_numpy())
    if len(twice):
        a, b = keys
        raise ModelInputError(
            [
                InputProblem(table, f"pair {rows.at[i, a]} -> {rows.at[i, b]} is listed twice", int(i) + 1, b)
                for i in twice
            ]
        )
    return rows.assign(minutes=rows["minutes"].astype(float))


def _unlocated(pairs: pd.DataFrame, keys: tuple[str, str], table: str) -> list[InputProblem]:
    """One problem per needed pair that has no minutes and cannot be estimated."""
    a, b = keys
    problems = []
    for row in pairs.head(MAX_LISTED).to_dict("records"):
        why = f" ({row['why']})" if "why" in row and isinstance(row["why"], str) else ""
        problems.append(
            InputProblem(
                table,
                f"travel minutes missing from {row[a]} to {row[b]}{why}, and no lat/lon to estimate "
                "them; add the pair (a large number of minutes if it cannot be travelled)",
                column="minutes",
            )
        )
    if len(pairs) > MAX_LISTED:
        problems.append(InputProblem(table, f"... and {len(pairs) - MAX_LISTED} more pairs missing"))
    return problems
