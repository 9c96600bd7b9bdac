"""The time-against-size plot says what each model's size counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from benchmarks.suite.plots import SIZE_AXIS, plot_scaling, size_axis
from benchmarks.suite.registry import families
from optimiser.kinds import KINDS


def test_every_family_and_bundled_kind_has_its_own_size_label() -> None:
    models = {f.model for f in families().values()} - {"bundled"}
    kinds = set(KINDS)
    assert models | kinds <= set(SIZE_AXIS), (models | kinds) - set(SIZE_AXIS)
    assert size_axis("rostering") == "size: staff x days"
    assert size_axis("sact") == "size: zones x candidate sites"
    assert size_axis("something new") == "size (see the size column)"


def test_a_rota_plot_is_labelled_staff_by_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    labels: list[str] = []
    from matplotlib.axes import Axes

    original = Axes.set_xlabel

    def record(self: Axes, label: str, *args: Any, **kwargs: Any) -> Any:
        labels.append(label)
        return original(self, label, *args, **kwargs)

    monkeypatch.setattr(Axes, "set_xlabel", record)
    frame = pd.DataFrame(
        {
            "family": ["roster-generated"] * 3,
            "backend": ["cpsat"] * 3,
            "size_value": [28.0, 112.0, 420.0],
            "seconds": [0.4, 3.0, 20.0],
        }
    )
    fits = plot_scaling(frame, "rostering", tmp_path / "scaling-rostering.png")
    assert (tmp_path / "scaling-rostering.png").stat().st_size > 0
    assert labels == ["size: staff x days"]
    assert fits.loc[0, "sizes"] == 3


def test_the_bundled_roll_out_is_sized_as_its_axis_says() -> None:
    """lsc-sact-rollout was '47 rows' (16 zones + 21 sites + 10 years), plotted at 47 on the
    roll-out's 'zones x sites x years' axis where rollout-scale's cases stand at 1058 x 21 x 10."""
    from benchmarks.suite.cases_sact import expand_bundled
    from benchmarks.suite.registry import Context

    cases = {c.name: c for c in expand_bundled({"kinds": ["rollout"]}, Context(None))}
    roll_out = cases["lsc-sact-rollout"]
    assert roll_out.size == "16x21x10" and roll_out.size_value == 16 * 21 * 10
    assert SIZE_AXIS["rollout"] == "zones x sites x years"
