"""Travel minutes from coordinates: straight-line distance, a road factor and an average speed.

``minutes = overhead + road_factor * great_circle_km / speed_kmh * 60``.  The defaults (road
factor 1.3, 45 km/h, 5 minutes to set off and park) are planning approximations for mixed urban
and rural roads; a travel matrix given by the user always takes precedence.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distance in km between points given in degrees (arrays broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def road_minutes(
    km: np.ndarray, road_factor: float = 1.3, speed_kmh: float = 45.0, overhead_minutes: float = 5.0
) -> np.ndarray:
    """Estimated road travel minutes for straight-line distances ``km``."""
    return overhead_minutes + road_factor * np.asarray(km, dtype=float) / speed_kmh * 60.0


def minutes_matrix(
    lat_from: np.ndarray,
    lon_from: np.ndarray,
    lat_to: np.ndarray,
    lon_to: np.ndarray,
    road_factor: float = 1.3,
    speed_kmh: float = 45.0,
    overhead_minutes: float = 5.0,
) -> np.ndarray:
    """Minutes from every origin (rows) to every destination (columns)."""
    km = great_circle_km(lat_from[:, None], lon_from[:, None], lat_to[None, :], lon_to[None, :])
    return road_minutes(km, road_factor, speed_kmh, overhead_minutes)
