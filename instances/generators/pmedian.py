"""p-median graphs built the way Beasley built the OR-Library pmed instances, for any size.

Beasley (1985, "A note on solving large p-median problems", EJOR 21) made pmed1-40 as random
undirected graphs on ``n`` vertices with ``m = 2 n^2 / 100`` edges (pmed1: n = 100, m = 200;
pmed40: n = 900, m = 16,200) and integer edge costs drawn uniformly from 1 to 100; the distance
between two vertices is the shortest path between them, every vertex is both a customer and a
candidate site, and ``p`` ran from 5 to n/3.  Here, with a seed:

1. a random spanning tree keeps the graph connected: the vertices in a random order, each
   joined to a uniformly drawn vertex before it (``n - 1`` edges);
2. the other ``m - n + 1`` edges are distinct pairs drawn uniformly from those not yet joined
   (no loops, no pair twice: Beasley's files list a few pairs twice, which only the order of
   reading settles);
3. every edge gets an integer cost uniform on :data:`COST_RANGE`.

:func:`beasley_text` writes the graph in the OR-Library format (``n m p`` then ``i j cost``,
1-based), read by :func:`models.sact.orlibrary.read_pmed` like the published files;
:func:`beasley_distances` gives the all-pairs shortest paths (:mod:`scipy.sparse.csgraph`).
The same arguments give the same graph.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

COST_RANGE = (1, 100)  # integer edge costs, both ends included (Beasley 1985)
EDGES_PER_SQUARE = 2 / 100  # m = 2 n^2 / 100 edges


def edge_count(n: int) -> int:
    """Beasley's number of edges for ``n`` vertices: ``2 n^2 / 100`` (at least a spanning tree)."""
    return max(n - 1, round(EDGES_PER_SQUARE * n * n))


def beasley_edges(n: int, seed: int) -> np.ndarray:
    """The graph's edges as an ``(m, 3)`` integer array ``i, j, cost`` (0-based vertices, i < j)."""
    if n < 2:
        raise ValueError("a p-median graph needs at least two vertices")
    m = edge_count(n)
    if m > n * (n - 1) // 2:
        raise ValueError(f"{m} edges do not fit on {n} vertices")
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    parent = order[(rng.random(n - 1) * np.arange(1, n)).astype(np.int64)]
    tree = np.stack([order[1:], parent], axis=1)
    lo, hi = tree.min(axis=1), tree.max(axis=1)
    taken = np.zeros(n * n, bool)
    taken[lo * n + hi] = True
    extra: list[np.ndarray] = []
    need = m - (n - 1)
    while need > 0:  # draw in batches, keep the first draw of every new pair
        i, j = rng.integers(0, n, (2, 2 * need))
        a, b = np.minimum(i, j), np.maximum(i, j)
        key = a * n + b
        _, first = np.unique(key, return_index=True)
        first = np.sort(first)
        first = first[(a[first] != b[first]) & ~taken[key[first]]][:need]
        taken[key[first]] = True
        extra.append(np.stack([a[first], b[first]], axis=1))
        need -= len(first)
    pairs = np.vstack([np.stack([lo, hi], axis=1), *extra])
    cost = rng.integers(COST_RANGE[0], COST_RANGE[1] + 1, len(pairs))
    return np.column_stack([pairs, cost]).astype(np.int64)


def beasley_distances(n: int, seed: int) -> np.ndarray:
    """All-pairs shortest-path distances (``n x n``) of :func:`beasley_edges`."""
    edges = beasley_edges(n, seed)
    graph = sp.csr_matrix((edges[:, 2].astype(float), (edges[:, 0], edges[:, 1])), shape=(n, n))
    return shortest_path(graph, method="D", directed=False)


def beasley_text(n: int, p: int, seed: int) -> str:
    """The graph of :func:`beasley_edges` with ``p`` medians, in the OR-Library pmed format."""
    if not 1 <= p <= n:
        raise ValueError(f"p = {p} must lie between 1 and n = {n}")
    edges = beasley_edges(n, seed)
    lines = [f"{n} {len(edges)} {p}"]
    lines += [f"{i + 1} {j + 1} {c}" for i, j, c in edges.tolist()]
    return "\n".join(lines) + "\n"
