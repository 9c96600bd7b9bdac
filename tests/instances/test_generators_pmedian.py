"""The Beasley-style p-median graphs: size, costs, connectivity, determinism, the OR-Library text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instances.generators.pmedian import beasley_distances, beasley_edges, beasley_text, edge_count
from models.sact.orlibrary import pmed_distances


def test_edges_follow_beasley_sizes_and_costs() -> None:
    edges = beasley_edges(200, seed=3)
    assert edge_count(100) == 200 and edge_count(900) == 16_200  # as pmed1 and pmed40
    assert edges.shape == (800, 3)
    assert edges[:, 2].min() >= 1 and edges[:, 2].max() <= 100
    assert (edges[:, 0] < edges[:, 1]).all()  # no loops
    assert len(np.unique(edges[:, 0] * 200 + edges[:, 1])) == 800  # no pair twice


def test_same_seed_same_graph_and_connected() -> None:
    assert (beasley_edges(150, seed=1) == beasley_edges(150, seed=1)).all()
    assert not np.array_equal(beasley_edges(150, seed=1), beasley_edges(150, seed=2))
    dist = beasley_distances(150, seed=1)
    assert np.isfinite(dist).all() and (np.diag(dist) == 0).all()
    assert (dist == dist.T).all()


def test_text_reads_back_as_the_same_distances(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_text(beasley_text(120, 7, seed=4))
    dist, p = pmed_distances(path)
    assert p == 7
    assert np.array_equal(dist, beasley_distances(120, seed=4))


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="at least two"):
        beasley_edges(1, seed=0)
    with pytest.raises(ValueError, match="between 1 and n"):
        beasley_text(100, 0, seed=0)
