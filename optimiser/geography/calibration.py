"""Fit the straight-line travel estimate to a region's real road minutes, and say how good it is.

Model (the one the ``sact`` loader uses for pairs without a travel row)::

    minutes = overhead_minutes + road_factor * km / speed_kmh * 60

where ``km`` is the great-circle distance. Only ``overhead_minutes`` (a) and minutes per km
(b = 60 road_factor / speed_kmh) are identifiable, so ``road_factor`` stays at its default 1.3
and ``speed_kmh = 60 x 1.3 / b`` is the matching speed. (a, b) minimise the squared error
over the fitted pairs (ordinary least squares; through the origin should the overhead come out
negative). A square-root term (a + b km + c sqrt(km)) was
tried on Lancashire & South Cumbria and South Yorkshire and cut the mean absolute error by under
0.1 minute, so the model stays the one the loader knows.

Pairs: every zone x hospital pair of the region with a matrix time and a straight line of at
most ``max_km`` (60 km: longer pairs lie beyond the 90-minute travel limit and would tilt the
fit towards motorway speeds). A share ``holdout`` (20 %) of pairs, drawn with a fixed seed, is
held out: the reported mean absolute and 95th-percentile errors are on those pairs only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROAD_FACTOR = 1.3
"""Road distance / straight-line distance kept fixed (only factor / speed is identifiable)."""


@dataclass(frozen=True)
class Calibration:
    """A fitted straight-line travel model and its error on held-out pairs (minutes)."""

    overhead_minutes: float
    minutes_per_km: float
    road_factor: float
    speed_kmh: float
    mean_abs_error: float
    p95_abs_error: float
    fitted_pairs: int
    held_out_pairs: int

    def minutes(self, km: np.ndarray) -> np.ndarray:
        """Estimated road minutes for straight-line distances ``km``."""
        return self.overhead_minutes + self.minutes_per_km * np.asarray(km, dtype=float)

    def parameters(self) -> dict[str, float]:
        """The ``sact`` instance parameters that make the loader use this fit."""
        return {
            "road_factor": self.road_factor,
            "speed_kmh": round(self.speed_kmh, 3),
            "overhead_minutes": round(self.overhead_minutes, 3),
        }

    def describe(self) -> str:
        """One line for a planner: the fit and its held-out error."""
        return (
            f"travel calibration: minutes = {self.overhead_minutes:.1f} + {self.minutes_per_km:.3f} x "
            f"straight-line km (road factor {self.road_factor:g} at {self.speed_kmh:.1f} km/h); on "
            f"{self.held_out_pairs:,} held-out pairs mean absolute error {self.mean_abs_error:.1f} min, "
            f"95th percentile {self.p95_abs_error:.1f} min (fitted on {self.fitted_pairs:,})"
        )


def fit_straight_line(
    km: np.ndarray, minutes: np.ndarray, *, max_km: float = 60.0, holdout: float = 0.2, seed: int = 0
) -> Calibration:
    """Least-squares ``minutes = a + b km`` on pairs within ``max_km``; errors on a held-out share.

    Parameters
    ----------
    km : straight-line km of each pair (any shape; NaN pairs are ignored).
    minutes : the real road minutes of the same pairs.
    max_km : longest straight line fitted (km).
    holdout : share of pairs held out for the error figures (0 < holdout < 1).
    seed : seed of the held-out draw.

    Raises
    ------
    ValueError
        Fewer than 10 usable pairs.
    """
    x = np.asarray(km, dtype=float).ravel()
    y = np.asarray(minutes, dtype=float).ravel()
    use = np.isfinite(x) & np.isfinite(y) & (x <= max_km)
    x, y = x[use], y[use]
    if len(x) < 10:
        raise ValueError(f"only {len(x)} pairs within {max_km:g} km to calibrate travel on")
    test = np.random.default_rng(seed).random(len(x)) < holdout
    if test.all() or not test.any():
        test = np.arange(len(x)) % 5 == 0
    design = np.column_stack([np.ones(len(x)), x])
    (a, b), *_ = np.linalg.lstsq(design[~test], y[~test], rcond=None)
    if a < 0:  # an overhead below 0 is no journey: fit through the origin instead
        fit = ~test
        a, b = 0.0, float(x[fit] @ y[fit] / max(x[fit] @ x[fit], 1e-12))
    b = max(float(b), 1e-6)
    error = np.abs(a + b * x[test] - y[test])
    return Calibration(
        overhead_minutes=float(a),
        minutes_per_km=b,
        road_factor=ROAD_FACTOR,
        speed_kmh=60.0 * ROAD_FACTOR / b,
        mean_abs_error=float(error.mean()),
        p95_abs_error=float(np.percentile(error, 95)),
        fitted_pairs=int((~test).sum()),
        held_out_pairs=int(test.sum()),
    )
