"""Road-graph travel minutes: scipy's compiled Dijkstra against networkx, 1,000 zones x 50 sites.

Protocol: a generated road grid of SIDE x SIDE nodes over about 60 x 60 km of northern England
(nodes jittered, every street both ways, speeds drawn from 20-70 mph with a fixed seed, a third
of edges given ``length`` and ``maxspeed`` instead of ``travel_time``), written as GraphML the
way osmnx writes it (every attribute a string); 1,000 zones and 50 sites at random points. Timed
separately: reading the GraphML (networkx) into the sparse matrix, snapping (cKDTree), and the
search for all zone x site minutes by ``shortest_minutes`` (scipy, one Dijkstra per site on the
reversed graph) and ``shortest_minutes_networkx`` (networkx, the same searches); the two must
agree to 1e-6 minutes. Usage::

    python -m benchmarks.travel_graph [--sides 100,200] [--zones 1000] [--sites 50] [--seed 0]
        [--out benchmarks/results]

Writes ``travel_graph.csv`` and ``travel_graph.md`` (with the machine description) to ``--out``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from benchmarks.machine import machine_description
from models.common.travel import great_circle_km
from optimiser.geography.roads import read_graph, shortest_minutes, shortest_minutes_networkx, snap

ORIGIN = (53.6, -3.0)  # south-west corner (degrees)
SPAN_DEG = (0.54, 0.9)  # about 60 km north and 60 km east


def generate_grid(side: int, seed: int) -> nx.MultiDiGraph:
    """A jittered SIDE x SIDE road grid with osmnx-style string attributes (module protocol)."""
    rng = np.random.default_rng(seed)
    g = nx.MultiDiGraph()
    lat = ORIGIN[0] + SPAN_DEG[0] * (np.arange(side)[:, None] + rng.uniform(-0.3, 0.3, (side, side))) / side
    lon = ORIGIN[1] + SPAN_DEG[1] * (np.arange(side)[None, :] + rng.uniform(-0.3, 0.3, (side, side))) / side
    for i in range(side):
        for j in range(side):
            g.add_node(i * side + j, x=f"{lon[i, j]:.6f}", y=f"{lat[i, j]:.6f}")
    for i in range(side):
        for j in range(side):
            for di, dj in ((0, 1), (1, 0)):
                if i + di >= side or j + dj >= side:
                    continue
                u, v = i * side + j, (i + di) * side + j + dj
                metres = 1000.0 * float(
                    great_circle_km(lat[i, j], lon[i, j], lat[i + di, j + dj], lon[i + di, j + dj])
                )
                mph = int(rng.choice([20, 30, 40, 50, 60, 70]))
                if rng.random() < 1 / 3:
                    data = {"length": f"{metres:.1f}", "maxspeed": f"{mph} mph"}
                else:
                    data = {
                        "length": f"{metres:.1f}",
                        "travel_time": f"{metres / (mph * 1609.344 / 3600):.1f}",
                    }
                g.add_edge(u, v, **data)
                g.add_edge(v, u, **data)
    return g


def run_case(side: int, zones: int, sites: int, seed: int) -> dict[str, object]:
    """Time reading, snapping and both searches on one generated graph."""
    rng = np.random.default_rng(seed + 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roads.graphml"
        nx.write_graphml(generate_grid(side, seed), path)
        start = time.perf_counter()
        graph = read_graph(path)
        read_s = time.perf_counter() - start

    def pts(n: int) -> tuple[np.ndarray, np.ndarray]:
        return ORIGIN[0] + SPAN_DEG[0] * rng.random(n), ORIGIN[1] + SPAN_DEG[1] * rng.random(n)

    zlat, zlon = pts(zones)
    slat, slon = pts(sites)
    start = time.perf_counter()
    znode, _ = snap(graph, zlat, zlon)
    snode, _ = snap(graph, slat, slon)
    snap_s = time.perf_counter() - start
    start = time.perf_counter()
    fast = shortest_minutes(graph, znode, snode)
    scipy_s = time.perf_counter() - start
    start = time.perf_counter()
    slow = shortest_minutes_networkx(graph, znode, snode)
    networkx_s = time.perf_counter() - start
    return {
        "nodes": graph.nodes,
        "edges": int(graph.minutes.nnz),
        "zones": zones,
        "sites": sites,
        "read_graphml_s": round(read_s, 3),
        "snap_s": round(snap_s, 4),
        "scipy_dijkstra_s": round(scipy_s, 3),
        "networkx_dijkstra_s": round(networkx_s, 3),
        "speedup": round(networkx_s / scipy_s, 1),
        "max_difference_min": float(np.max(np.abs(fast - slow))),
        "mean_minutes": round(float(fast.mean()), 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sides", default="100,200")
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = [run_case(int(s), args.zones, args.sites, args.seed) for s in args.sides.split(",")]
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "travel_graph.csv", index=False)
        command = "python -m benchmarks.travel_graph " + " ".join(
            f"--{k} {getattr(args, k)}" for k in ("sides", "zones", "sites", "seed")
        )
        (args.out / "travel_graph.md").write_text(
            "# Road-graph travel minutes: scipy against networkx\n\n"
            + (__doc__ or "").split("Usage::")[0].split("\n\n", 1)[1]
            + f"\nCommand: `{command} --out benchmarks/results`\n\n"
            + machine_description()
            + "\n\n"
            + table.to_markdown(index=False)
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
