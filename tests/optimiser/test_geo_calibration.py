"""Calibration of the straight-line travel estimate against a road matrix (small tables)."""

from __future__ import annotations

import numpy as np
import pytest

from optimiser.geography.calibration import fit_straight_line


def test_fit_recovers_overhead_and_speed_and_reports_held_out_error() -> None:
    rng = np.random.default_rng(3)
    km = rng.uniform(1, 50, 2000)
    minutes = 8.0 + 0.9 * km + rng.normal(0, 2.0, km.size)  # 0.9 min/km: 1.3 x 60 / 86.7 km/h
    fit = fit_straight_line(km, minutes, seed=1)
    assert fit.overhead_minutes == pytest.approx(8.0, abs=0.5)
    assert fit.minutes_per_km == pytest.approx(0.9, abs=0.02)
    assert fit.speed_kmh == pytest.approx(1.3 * 60 / 0.9, rel=0.03)
    assert fit.held_out_pairs == pytest.approx(400, abs=60) and fit.fitted_pairs + fit.held_out_pairs == 2000
    # normal noise with sd 2: mean absolute error 2 x 0.798, 95th percentile 1.96 x 2
    assert fit.mean_abs_error == pytest.approx(1.6, abs=0.2)
    assert fit.p95_abs_error == pytest.approx(3.92, abs=0.5)
    assert fit.minutes(np.array([10.0]))[0] == pytest.approx(fit.overhead_minutes + 10 * fit.minutes_per_km)
    assert fit.parameters() == {
        "road_factor": 1.3,
        "speed_kmh": round(fit.speed_kmh, 3),
        "overhead_minutes": round(fit.overhead_minutes, 3),
    }
    assert "held-out pairs mean absolute error 1.6 min" in fit.describe()


def test_fit_ignores_long_and_missing_pairs_and_never_gives_a_negative_overhead() -> None:
    km = np.array([2.0, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 100, np.nan])
    minutes = 1.5 * km - 1.0  # a straight line below the origin
    minutes[-2] = 1000.0  # beyond max_km: must not pull the fit
    fit = fit_straight_line(km, minutes, holdout=0.25)
    assert fit.overhead_minutes == 0.0
    assert fit.minutes_per_km == pytest.approx(1.43, abs=0.05)
    assert fit.fitted_pairs + fit.held_out_pairs == 12
    with pytest.raises(ValueError, match="only 2 pairs"):
        fit_straight_line(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
